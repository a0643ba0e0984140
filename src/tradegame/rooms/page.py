"""The browser client of the room server: one page and its script, served by the server.

The page asks for a code (a seat's or the instructor's) or a room to watch, then shows what
the server sends: a seat's own view and, on its turn, the legal moves to click (or any move
typed in the engine's notation); a spectator's public view; the instructor's rooms with their
controls. Everything from the server is put in the page as text (``textContent``), never as
HTML, and the script is a file of this server (``script-src 'self'``), so a name or a news item
cannot run script. The seat's token is kept in the tab's ``sessionStorage``: a reload rejoins.

On its turn a seat may ask "what if?" of any one of its moves (the protocol's ``what_if``, as
a terminal seat does): the page shows its own projected score against doing nothing more and
the public metrics, as the server computed them from what this seat may see. The page keeps
the server's limits itself (:func:`app_js` writes them into the script), so a student clicking
fast is told to wait rather than refused; only the answer to the newest question, on the state
it was asked on, is shown.
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tradegame</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; max-width: 70em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.2em; }
.bar { background: #eef; padding: .4em .8em; border-radius: 4px; }
.paused { background: #fdd; } .turn { background: #dfd; }
button.move { display: block; margin: .15em 0; text-align: left; font-family: monospace; }
table { border-collapse: collapse; } td, th { padding: .15em .6em; border-bottom: 1px solid #ddd; }
pre { white-space: pre-wrap; background: #f7f7f7; padding: .6em; }
#log li { font-size: .9em; } .error { color: #a00; }
.choice { display: flex; gap: .4em; align-items: center; }
button.whatif { font-size: .8em; } #preview { background: #ffd; }
</style></head>
<body>
<h1>tradegame</h1>
<div id="join">
  <form id="code-form"><label>Your code <input id="code" autocomplete="off"
   placeholder="ABCD-EFGH" size="12"></label> <button id="join-button">Join</button></form>
  <p><small>or watch a room: <input id="watch-room" type="number" min="1" size="3">
   <button id="watch-button">Watch</button></small></p>
</div>
<p id="status" class="error"></p>
<div id="game" hidden>
  <p id="bar" class="bar"></p>
  <div id="turn" hidden>
    <h2>Your move</h2>
    <form id="move-form"><input id="move" size="60" placeholder="a move in notation, e.g. JP pass">
     <button>Send</button> <button id="whatif-typed" type="button">What if?</button></form>
    <pre id="preview" hidden></pre>
    <div id="legal"></div>
  </div>
  <div id="rooms" hidden></div>
  <h2>Situation</h2><pre id="report"></pre>
  <h2>Log</h2><ul id="log"></ul>
</div>
<script src="app.js"></script>
</body></html>
"""

APP_JS = r"""
"use strict";
const $ = (id) => document.getElementById(id);
let ws = null, version = null, role = null, me = null;
// the server's preview limits (written in by the server: one rule in one place)
const PREVIEW_BURST = __PREVIEW_BURST__, PREVIEWS_PER_SECOND = __PREVIEWS_PER_SECOND__;
const MAX_PREVIEW_ACTIONS = __MAX_PREVIEW_ACTIONS__;
let previews = PREVIEW_BURST, previewsAt = Date.now(), previewId = 0, previewAsked = null;

function text(el, value) { el.textContent = value == null ? "" : String(value); }
function status(msg) { text($("status"), msg); }
function send(obj) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(obj)); }

function connect(first) {
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  ws = new WebSocket(url);
  ws.onopen = () => send(first);
  ws.onmessage = (ev) => { try { handle(JSON.parse(ev.data)); } catch (e) { status(e); } };
  ws.onclose = () => {
    const token = sessionStorage.getItem("tradegame-token");
    if (role === "player" && token) {
      status("connection lost; joining again...");
      setTimeout(() => connect({type: "join", token: token}), 2000);
    } else if (role) { status("the connection ended; reload the page"); }
  };
}

function handle(m) {
  if (m.type === "welcome") {
    role = m.role; me = m.player || null;
    if (m.token) sessionStorage.setItem("tradegame-token", m.token);
    $("join").hidden = true; $("game").hidden = false; status("");
    $("rooms").hidden = role !== "instructor";
    document.title = "tradegame: " + (me ? me + ", room " + m.room : role);
  } else if (m.type === "refused" || m.type === "error") {
    status(m.reason);
    if (!role) sessionStorage.removeItem("tradegame-token");
  } else if (m.type === "update") {
    version = m.version; showView(m);
    if (!m.view.you || !m.view.you.your_turn || m.paused) $("turn").hidden = true;
  } else if (m.type === "turn") {
    if (version !== m.id) clearPreview();
    version = m.id; showTurn(m);
  } else if (m.type === "what_if") {
    showPreview(m);
  } else if (m.type === "accepted") {
    status(""); $("turn").hidden = true; clearPreview();
  } else if (m.type === "end") {
    $("turn").hidden = true;
  } else if (m.type === "rooms") {
    showRooms(m.rooms);
  } else if (m.type === "room") {
    updateRoom(m);
  } else if (m.type === "archive") {
    const bytes = Uint8Array.from(atob(m.data), (c) => c.charCodeAt(0));
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([bytes], {type: "application/zip"}));
    a.download = m.name; a.click();
  } else if (m.type === "done") {
    status(m.op + ": " +
      Object.entries(m.results).map(([k, v]) => "room " + k + " " + v).join("; "));
  }
}

function showView(m) {
  const v = m.view;
  let bar = (me ? "You play " + me + " in room " + m.room : "Room " + m.room) +
    " — round " + v.round + " of " + v.rounds_total + ", " + v.date + ", phase " + v.phase +
    ", to move: " + (v.to_move || "-");
  if (m.paused) bar += " — PAUSED by the instructor";
  if (m.clock_left != null) bar += " — " + Math.ceil(m.clock_left) + " s left for this move";
  text($("bar"), bar);
  $("bar").className = "bar" + (m.paused ? " paused" : "");
  text($("report"), report(v));
  const log = $("log"); log.replaceChildren();
  for (const e of v.log.slice(-40).reverse()) {
    const li = document.createElement("li");
    text(li, "r" + e.round + " " + e.phase + ": " + e.text); log.appendChild(li);
  }
}

function report(v) {
  const lines = [];
  for (const p of v.players) {
    lines.push(p.id + " (" + p.name + "): approval " + p.approval.toFixed(0) + ", credibility " +
      p.credibility.toFixed(0) + ", GDP effect " + p.gdp_effect_pct.toFixed(2) + "%, " +
      "tariff faced " + (100 * p.tariff_faced).toFixed(1) + "%");
  }
  lines.push("Market stress " + v.market_stress.toFixed(0) + "/100; deadline " + v.deadline +
    " (" + v.days_to_deadline + " days)");
  for (const d of v.deals) {
    if (d.status === "in_force" || d.status === "agreed")
      lines.push("Deal " + d.parties.join("–") + " (" + d.status + "): " +
        d.terms.map((t) => t.text).join("; "));
  }
  if (v.you) {
    lines.push("", "You (private): win-set " + v.you.win_set);
    for (const o of v.you.objectives) lines.push("  objective: " + (o.label || o.metric) +
      " (weight " + o.weight + ")");
    if (v.you.pending_orders.length) {
      lines.push("  pending orders: " + v.you.pending_orders.join("; "));
    }
    if (v.you.confidential_briefing) lines.push("", v.you.confidential_briefing);
  }
  if (v.scores) lines.push("", "Result: " + Object.entries(v.scores).map(
    ([p, s]) => p + " " + s.toFixed(1)).join(", "));
  return lines.join("\n");
}

function clearPreview() {
  previewAsked = null; $("preview").hidden = true; text($("preview"), "");
}

function whatIf(actions) {
  // the server's token bucket, kept here too: a burst, then a few a second
  const now = Date.now();
  previews = Math.min(PREVIEW_BURST, previews + (now - previewsAt) / 1000 * PREVIEWS_PER_SECOND);
  previewsAt = now;
  $("preview").hidden = false;
  if (actions.length > MAX_PREVIEW_ACTIONS) {
    text($("preview"), "at most " + MAX_PREVIEW_ACTIONS + " moves in one preview"); return;
  }
  if (previews < 1) {
    text($("preview"), "Previews: at most " + PREVIEWS_PER_SECOND +
      " a second; ask again in a moment."); return;
  }
  previews -= 1; previewId += 1;
  previewAsked = {id: previewId, version: version, actions: actions};
  text($("preview"), "What if " + actions.join("; ") + "? (asking)");
  send({type: "what_if", id: previewId, version: version, actions: actions});
}

function signed(x) { return (x >= 0 ? "+" : "") + x.toFixed(2); }

function showPreview(m) {
  const asked = previewAsked;
  if (!asked || m.id !== asked.id || asked.version !== version) return;  // an older question
  const lines = ["What if " + asked.actions.join("; ") + "?"];
  if (m.error != null) {
    lines.push((m.illegal ? "Not possible: " : "No preview: ") + m.error);
  } else {
    const p = m.projection;
    lines.push("Your projected score " + p.score.toFixed(2) + " (" + signed(p.change) +
      " against doing nothing more: " + p.baseline.toFixed(2) + ")");
    for (const [k, v] of Object.entries(p.metrics)) lines.push("  " + k + ": " + v.toFixed(2));
    for (const n of p.notes) lines.push("  " + n);
  }
  text($("preview"), lines.join("\n"));
}

function showTurn(m) {
  $("turn").hidden = false;
  $("turn").className = "turn";
  const box = $("legal"); box.replaceChildren();
  for (const a of m.legal) {
    const row = document.createElement("div"); row.className = "choice";
    const b = document.createElement("button");
    b.className = "move"; b.type = "button"; text(b, a);
    b.onclick = () => send({type: "move", action: a, version: version});
    const w = document.createElement("button");
    w.className = "whatif"; w.type = "button"; text(w, "what if?");
    w.title = "your projected score if you made this move";
    w.onclick = () => whatIf([a]);
    row.append(b, w); box.appendChild(row);
  }
  if (m.legal_truncated) {
    const p = document.createElement("p");
    text(p, "(" + m.legal_count + " moves in all: type any other in the box above)");
    box.appendChild(p);
  }
}

const roomRows = {};
function showRooms(rooms) {
  const box = $("rooms"); box.replaceChildren();
  const h = document.createElement("h2"); text(h, "Rooms"); box.appendChild(h);
  const table = document.createElement("table");
  box.appendChild(table);
  for (const r of rooms) {
    const tr = document.createElement("tr"); table.appendChild(tr); roomRows[r.room] = tr;
    updateRoom(r);
  }
  const all = document.createElement("p");
  for (const [label, type] of [["Pause all", "pause"], ["Resume all", "resume"]]) {
    const b = document.createElement("button"); text(b, label);
    b.onclick = () => send({type: type}); all.appendChild(b);
  }
  const news = document.createElement("input"); news.placeholder = "news for every room";
  const nb = document.createElement("button"); text(nb, "Publish");
  nb.onclick = () => send({type: "news", text: news.value, effects: ""});
  const zip = document.createElement("button"); text(zip, "Download all saves");
  zip.onclick = () => send({type: "archive"});
  all.append(news, nb, zip); box.appendChild(all);
}

function updateRoom(r) {
  const tr = roomRows[r.room]; if (!tr) return;
  tr.replaceChildren();
  const cells = ["room " + r.room, r.state, "round " + r.round + "/" + r.rounds_total, r.phase,
    "to move: " + (r.to_move || "-"),
    Object.entries(r.scores).map(([p, s]) => p + " " + s.toFixed(1)).join(", ")];
  for (const c of cells) {
    const td = document.createElement("td"); text(td, c); tr.appendChild(td);
  }
  const td = document.createElement("td");
  for (const [label, type] of [["pause", "pause"], ["resume", "resume"], ["end", "end"]]) {
    const b = document.createElement("button"); text(b, label);
    b.onclick = () => send({type: type, room: r.room}); td.appendChild(b);
  }
  const w = document.createElement("button"); text(w, "watch");
  w.onclick = () => send({type: "watch", room: r.room}); td.appendChild(w);
  tr.appendChild(td);
}

$("code-form").onsubmit = (ev) => {
  ev.preventDefault(); connect({type: "join", code: $("code").value});
};
$("watch-button").onclick = () => {
  connect({type: "watch", room: parseInt($("watch-room").value, 10)});
};
$("whatif-typed").onclick = () => {
  const typed = $("move").value.trim(); if (typed) whatIf([typed]);
};
$("move-form").onsubmit = (ev) => {
  ev.preventDefault(); send({type: "move", action: $("move").value, version: version});
};
const saved = sessionStorage.getItem("tradegame-token");
if (saved) connect({type: "join", token: saved});
"""


def app_js(burst: float, per_second: float, max_actions: int) -> str:
    """The page's script with the server's preview limits written in."""
    return (
        APP_JS.replace("__PREVIEW_BURST__", f"{float(burst)!r}")
        .replace("__PREVIEWS_PER_SECOND__", f"{float(per_second)!r}")
        .replace("__MAX_PREVIEW_ACTIONS__", str(int(max_actions)))
    )
