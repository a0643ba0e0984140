"""The dashboard: the clock, the tariff matrix, politics, the economy, deals and news.

Everything is drawn from the viewer's view. Styles are bold/dim/italic only (no fixed
colours), so the dashboard reads the same in light and dark themes; numbers carry their sign.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tradegame.session.text import money, pct, signed, spark
from tradegame.ui.widgets.common import Frame, HangingText, RenderedLines, deal_term_text

NEWS_KINDS = {
    "news",
    "deal",
    "deadline",
    "precedent",
    "ratification",
    "statement",
    "order",
    "renege",
    "inject",
    "end",
}


LEAST_RANGE = {"approval": 10.0, "gdp_pct": 0.5, "balance": 10.0, "market_stress": 10.0}
"""The smallest range a sparkline draws full height, per series: a change smaller than this
is drawn flatter (the charts and the players' table alike; the table's approval lines, drawn
without it, stretched a one-point move to full height and read like a steep rise)."""


def status_text(
    frame: Frame, extra: str = "", hint: str = "", *, paused: bool = False, here: str = ""
) -> Text:
    """The two status lines above the tabs: clock and deadline, then whose move it is
    (``paused``: AI play is paused, so an AI seat to move is not moving; ``here``: the tab
    shown, which the turn hint does not send the player to)."""
    v = frame.view
    text = Text(no_wrap=False, overflow="fold")
    text.append(f"Round {v['round']}/{v['rounds_total']}", style="bold")
    text.append(f" · {v['date']} (day {v['day']})")
    if v.get("snapped_back"):
        # (not "deadline passed: ...": the date says so, and at 80 columns the line took two)
        text.append(" · paused tariffs snapped back", style="bold")
    else:
        days = v["days_to_deadline"]
        text.append(" · deadline ")
        text.append(f"{v['deadline']}", style="bold")
        text.append(
            f": {days} day{'s' if days != 1 else ''} left",
            style="bold reverse" if days <= 14 else "bold",
        )
    text.append(f" · {v['phase']}")
    text.append("\n")
    if v["phase"] == "over":
        text.append("The game is over.", style="bold")
    elif frame.my_turn:
        text.append(f"Your move, {frame.names.player(frame.viewer)}: ", style="bold reverse")
        text.append(hint or turn_hint(frame, here))
    elif frame.mover is not None:
        who = frame.names.player(frame.mover)
        if frame.mover_seat == "human":
            text.append(f"{who} ({frame.mover}) to move.")
        else:
            doing = "moves next." if paused else "is moving…"
            text.append(f"{who} ({frame.mover}, AI: {frame.mover_seat}) {doing}")
        if hint:
            text.append(f" Hint: {hint}", style="italic")
    if extra:
        text.append("  " + extra, style="italic")
    return text


def turn_hint(frame: Frame, here: str = "") -> str:
    """What the player to move does now, and the tab to do it in unless it is ``here`` (on
    the talks tab "build an offer (tab 2)" sent the player where they were)."""

    def tab(name: str, number: int) -> str:
        return "" if here == name else f" (tab {number})"

    if frame.phase == "talks":
        talks = own_session(frame)
        if talks and talks.get("offer") is None and not frame.deal_items:
            return f"open the talks with {frame.partner}: nothing can be offered, pass (p)."
        if talks and talks.get("offer") is None:
            return (
                f"open the talks with {frame.partner}: build an offer{tab('talks', 2)} or pass (p)."
            )
        if not frame.deal_items:
            return f"answer {frame.partner}'s offer: a accepts, r rejects."
        return f"answer {frame.partner}'s offer: a accepts, r rejects, or counter{tab('talks', 2)}."
    if frame.phase == "orders":
        return f"give your orders{tab('orders', 3)}, then Done (ctrl+d)."
    return ""


def own_session(frame: Frame) -> dict[str, Any] | None:
    """The viewer's talks session in the view (only its own sessions carry an offer)."""
    for s in frame.view.get("talks", []):
        if frame.viewer in s.get("pair", []) and s.get("status") == "open":
            return dict(s)
    return None


def _history(frame: Frame, key: str, pid: str | None = None) -> list[float]:
    out = []
    for h in frame.view.get("history", []):
        value = h.get(key)
        if isinstance(value, dict):
            value = value.get(pid)
        if isinstance(value, (int, float)):
            out.append(float(value))
    return out


def _since_start(frame: Frame, key: str, now: float, pid: str | None = None) -> list[float]:
    """``key`` over the game, for a sparkline: at round 1's start (as this screen noted it for
    the round reports), at each round's end, and now. Without the start, the line began at the
    end of round 1, so round 1's move was missing, and the second point (now, in round 2: the
    same number give or take a talk's effect) drew a rounding step: market stress that had
    fallen from 50 to 42 was drawn rising."""
    start = frame.marks.get(1, {}).get(key)
    if isinstance(start, dict):
        start = start.get(pid)
    head = [float(start)] if isinstance(start, (int, float)) else []
    return head + _history(frame, key, pid) + [now]


def you_label(frame: Frame, pid: str) -> str:
    """ " (you)" for the human at the keyboard; " (viewing)" for the seat a spectator
    watches from (an AI seat is nobody's "you")."""
    if pid != frame.viewer:
        return ""
    return " (you)" if frame.seats.get(pid, "human") == "human" else " (viewing)"


def players_table(frame: Frame) -> RenderableType:
    """Short headers and wrapping text cells, so no cell is cut at 80 columns; the balance in
    whole $bn (as the charts) and four points of approval, so no name wraps either (with six,
    from round 5 "EU European Union" took two lines). The measures
    (countermeasure packages) in force are counted in the table and named below it: their
    names are long ("Second countermeasure list (€95bn, consultation from 8 May)"), and in a
    narrow column they broke words and made each row many lines tall (four players, several
    measures each, filled a 24-line screen)."""
    table = Table(
        box=box.SIMPLE_HEAD,
        expand=False,
        padding=(0, 1),
        pad_edge=False,
        title="Players",
        title_style="bold",
        title_justify="left",
    )
    table.add_column("Player", overflow="fold")
    table.add_column("Appr.", justify="right", no_wrap=True)
    table.add_column("Cred.", justify="right", no_wrap=True)
    table.add_column("GDP/yr", justify="right", no_wrap=True)
    table.add_column("Balance", justify="right", no_wrap=True)
    table.add_column("Faces", justify="right", no_wrap=True)
    table.add_column("Measures", no_wrap=True)
    named = Text()
    for p in frame.view.get("players", []):
        pid = p["id"]
        approval = _since_start(frame, "approval", p["approval"], pid)
        style = "bold" if pid == frame.viewer else ""
        active = [c["name"] for c in p.get("countermeasures", []) if c.get("active")]
        name = f"{pid} {p['name']}{you_label(frame, pid)}"
        table.add_row(
            Text(name, style=style),
            f"{p['approval']:.0f} {spark(approval, 4, min_range=LEAST_RANGE['approval'])}",
            f"{p['credibility']:.0f}",
            f"{signed(p['gdp_effect_pct'], 2)}%",
            money(p["trade_balance_bn"], 0),
            # 141.3%, not 141.34%: the names keep one line at 80 columns
            f"{p['tariff_faced'] * 100:.1f}".rstrip("0").rstrip(".") + "%",
            Text(f"{len(active)} active" if active else "none", style="" if active else "dim"),
        )
        for measure in active:
            named.append("\n" if named else "")
            named.append(f"  {pid} ", style="bold")
            named.append(measure)
    if not named:
        return table
    return Group(table, Text("Measures in force", style="bold"), named)


def pressure_text(frame: Frame) -> Text:
    v = frame.view
    text = Text()
    stress = _since_start(frame, "market_stress", v["market_stress"])
    text.append("Market stress ", style="bold")
    least = LEAST_RANGE["market_stress"]
    text.append(f"{v['market_stress']:.0f}/100 {spark(stress, 12, min_range=least)}")
    if v.get("precedent_cap") is not None:
        text.append("   Precedent cap ", style="bold")
        text.append(pct(v["precedent_cap"]))
    text.append("\nRelations ", style="bold")
    text.append("  ".join(f"{k} {val:.0f}" for k, val in v.get("relations", {}).items()))
    you = frame.you
    if you.get("win_set") is not None:
        text.append("\nYour win-set ", style="bold")
        text.append(f"{you['win_set']:.1f} political points (private: only you see it)")
    return text


def _paused_layers(frame: Frame, importer: str, exporter: str, sector: str) -> list[dict[str, Any]]:
    out = []
    for la in frame.view.get("layers", []):
        if la["status"] != "paused" or la["importer"] != importer:
            continue
        if la["exporter"] not in (exporter, "all"):
            continue
        sectors = la["sectors"]
        if sectors != "all" and sector not in sectors:
            continue
        if sector in la.get("except_sectors", []):
            continue
        out.append(la)
    return out


def tariff_table(frame: Frame) -> RenderableType:
    """Effective tariff by importer → exporter (rows) and sector (columns); * = paused."""
    rows: dict[tuple[str, str], dict[str, float]] = {}
    sectors: list[str] = []
    for t in frame.view.get("tariffs", []):
        rows.setdefault((t["importer"], t["exporter"]), {})[t["sector"]] = t["rate"]
        if t["sector"] not in sectors:
            sectors.append(t["sector"])
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=0,  # the box draws one blank column between two: eight sectors fit in 80
        pad_edge=False,
        expand=False,
        title="Tariffs in force (importer on exporter; * = a paused rate snaps back "
        "at the deadline unless a deal caps it)",
        title_style="bold",
        title_justify="left",
    )
    paused_names: dict[str, str] = {}
    body: list[list[Text]] = []
    for (imp, exp), cells in rows.items():
        mine = frame.viewer in (imp, exp)
        row = [Text(f"{imp}→{exp}", style="bold" if mine else "")]
        for s in sectors:
            if s not in cells:
                row.append(Text("·", style="dim"))
                continue
            paused = _paused_layers(frame, imp, exp, s)
            for la in paused:
                paused_names[la["id"]] = f"{la['name']} {pct(la['rate'])}"
            row.append(Text(pct(cells[s]) + ("*" if paused else " ")))
        body.append(row)
    # A rate is never cut: each column is at least as wide as its widest rate, and only a
    # sector's name is shortened (with an ellipsis) where the terminal is too narrow for it
    # (at 80 columns the rates "14.85%" and "148.3%" showed as "14.8…" and "148.…").
    widths = [max((row[n].cell_len for row in body), default=1) for n in range(len(sectors) + 1)]
    table.add_column("imp→exp", no_wrap=True, min_width=widths[0])
    for n, s in enumerate(sectors, 1):
        table.add_column(s, justify="right", no_wrap=True, overflow="ellipsis", min_width=widths[n])
    for row in body:
        table.add_row(*row)
    parts: list[RenderableType] = [table]
    if paused_names and not frame.view.get("snapped_back"):
        parts.append(
            Text(
                "Paused until " + frame.view["deadline"] + ": " + "; ".join(paused_names.values()),
                style="italic",
            )
        )
    return Group(*parts)


def deals_text(frame: Frame) -> Text:
    text = Text()
    text.append("Deals", style="bold")
    live = [d for d in frame.view.get("deals", []) if d["status"] in ("in_force", "agreed")]
    if not live:
        text.append("\n  none in force yet", style="dim")
    for d in live:
        kind = "concession" if d.get("unilateral") else "deal"
        status = d["status"].replace("_", " ")
        text.append(
            f"\n  {d['id']} {'–'.join(d['parties'])} {kind}, {status} (round {d['round']}): "
        )
        text.append("; ".join(deal_term_text(t, frame.names) for t in d["terms"]))
    ended = [d for d in frame.view.get("deals", []) if d["status"] in ("failed", "reneged")]
    for d in ended[-3:]:
        text.append(f"\n  {d['id']} {'–'.join(d['parties'])}: {d['status']}", style="dim")
    return text


def news_text(frame: Frame, limit: int = 8) -> Text:
    text = Text()
    text.append("News", style="bold")
    entries = [e for e in frame.view.get("log", []) if e["kind"] in NEWS_KINDS]
    if not entries:
        text.append("\n  nothing yet", style="dim")
    for e in entries[-limit:]:
        text.append(f"\n  r{e['round']} ", style="dim")
        text.append(e["text"])
    return text


def charts_text(frame: Frame, width: int = 24) -> Text:
    """Sparklines over the rounds played (each scaled to its own range, shown after it):
    approval, GDP effect, trade balance, market stress."""
    text = Text()
    text.append("Charts by round", style="bold")
    history = frame.view.get("history", [])
    if not history:
        text.append("\n  the charts start after the first round", style="dim")
        return text
    players = [p["id"] for p in frame.view.get("players", [])]
    series: list[tuple[str, str, str]] = [
        ("approval", "approval", "{:.0f}"),
        ("GDP effect, % a year", "gdp_pct", "{:+.2f}"),
        ("trade balance, $bn a year", "balance", "{:+.0f}"),
    ]
    for label, key, fmt in series:
        text.append(f"\n  {label}")
        for pid in players:
            values = _history(frame, key, pid)
            if values:
                _chart_line(text, pid, values, width, fmt, LEAST_RANGE[key])
    text.append("\n  market stress")
    _chart_line(
        text, "", _history(frame, "market_stress"), width, "{:.0f}", LEAST_RANGE["market_stress"]
    )
    return text


def _chart_line(
    text: Text, label: str, values: list[float], width: int, fmt: str, least: float = 0.0
) -> None:
    if not values:
        return
    shown = values[-width:]
    text.append(f"\n    {label:<4}")
    text.append(spark(shown, min_range=least).ljust(min(width, len(values))), style="bold")
    text.append(f" {fmt.format(values[-1])}")
    text.append(f"  ({fmt.format(min(shown))} … {fmt.format(max(shown))})", style="dim")


def _column(*parts: RenderableType) -> RenderedLines:
    """One column of the dashboard: its parts one under another, each followed by a blank
    line, drawn once per width (Textual measures a renderable, then paints it: each drew it)."""
    spaced: list[RenderableType] = []
    for part in parts:
        spaced += [part, Text("")]
    return RenderedLines(Group(*spaced))


class Dashboard(VerticalScroll, can_focus=True):
    """The situation at a glance (scrolls with the arrow keys when focused).

    Two widgets draw it, a column each (the players, market stress, deals and tariffs; the
    news and the charts), beside each other from WIDE columns on: a widget for each of the
    six parts, in two column containers, made the game screen's first frame 10 widgets here
    (Textual's style, layout and compose work for each, about 55 M instructions)."""

    DEFAULT_CSS = """
    Dashboard { padding: 0 1; }
    Dashboard .dash-column { height: auto; }
    Dashboard.-wide { layout: horizontal; }
    Dashboard.-wide #dash-left { width: 3fr; padding-right: 2; }
    Dashboard.-wide #dash-right { width: 2fr; }
    """

    WIDE = 120
    """From this many columns the news and charts sit beside the tables."""

    def compose(self) -> ComposeResult:
        yield Static(id="dash-left", classes="dash-column")
        yield Static(id="dash-right", classes="dash-column")

    def on_resize(self) -> None:
        self.set_class(self.app.size.width >= self.WIDE, "-wide")

    _shown: tuple[Any, ...] | None = None
    """What the panel was last drawn from: the viewer, the seats, the view (what the six
    parts below read; a view is the caller's own, never changed once handed over) and whether
    round 1's start is known (a loaded game's is replayed in a thread)."""

    def update_frame(self, frame: Frame) -> None:
        self.on_resize()
        shown = (frame.viewer, frame.seats, frame.view, 1 in frame.marks)
        if shown == self._shown:
            # An order staged, or a look at another tab: the same dashboard (redrawing its
            # six parts cost about 6 ms of CPU, and a new layout of the tab, on the key that
            # showed it).
            return
        self._shown = shown
        left = _column(
            players_table(frame),
            pressure_text(frame),
            HangingText(deals_text(frame)),
            tariff_table(frame),
        )
        self.query_one("#dash-left", Static).update(left)
        right = _column(HangingText(news_text(frame)), charts_text(frame))
        self.query_one("#dash-right", Static).update(right)


__all__ = [
    "Dashboard",
    "charts_text",
    "deals_text",
    "news_text",
    "own_session",
    "players_table",
    "status_text",
    "tariff_table",
]
