"""What just happened: a result line for each talks exchange and a report for each round.

Both are read from the viewer's view only (its log, its history, the numbers it shows), plus
the numbers the game screen noted at the start of each round (``marks``), so a hot-seat
player never learns from them what another seat may not see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

from tradegame.session.text import pct, signed

_OFFER = re.compile(r"^(\S+) (proposes|counters): (.*)$", re.S)
_TERM_END = re.compile(r" \[[A-Za-z][A-Za-z0-9_.-]*\] [^;[]+?(?:; |$)")
"""The end of each term of an offer's text ("NAME [OWNER] AMOUNT", joined by "; "): a
scenario's item name may hold a "; " itself, so the separators alone miscount."""

DEAL_KINDS = ("deal", "ratification", "renege", "precedent")
ORDER_KINDS = ("order", "deadline", "statement")
"""The log's kinds of what the orders did: tariffs and measures, the deadline, and statements
(a claim, demand, threat, reassurance or fact-check, and what became of one: a claim that
failed, a threat put to the test). Statements were left out: a player's own fact-check or
claim, and the credibility it cost, were in the log but not in the round's report."""


def marks_of(view: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers a round report compares against, noted from a view at a round's start."""
    return {
        "scores": dict(view.get("scores") or {}),
        "approval": {p["id"]: p.get("approval") for p in view.get("players", [])},
        "market_stress": view.get("market_stress"),
        "tariffs": {
            (t["importer"], t["exporter"], t["sector"]): t["rate"] for t in view.get("tariffs", [])
        },
    }


def result_lines(
    entries: Sequence[Mapping[str, Any]], viewer: str | None, *, where: bool = False
) -> list[str]:
    """Plain lines for the talks results among new log ``entries`` the viewer was party to
    (an offer made, countered, accepted, rejected, passed or lapsed). The viewer's own offers
    are left out: the screen already said them. ``where``: an offer's line says where to read
    it (for a toast, shown off the Talks tab; the status line said it on that tab too), and
    the viewer's own answers are left out (the US's "US rejects JP's offer." came back to it
    as a toast over its orders for 8 s; the status line says it)."""
    out = []
    for e in entries:
        if e.get("kind") != "talks" or e.get("phase") != "talks":
            continue
        audience = e.get("audience")
        if audience is None or (viewer is not None and viewer not in audience):
            continue
        text = str(e.get("text", ""))
        match = _OFFER.match(text)
        if match:
            who, verb, terms = match.groups()
            if who == viewer:
                continue
            n = len(_TERM_END.findall(terms)) or terms.count("; ") + 1
            what = "an offer" if verb == "proposes" else "a counter-offer"
            out.append(
                f"{who} made {what} of {n} term{'s' if n != 1 else ''}"
                + (": read it on the Talks tab (2)." if where else ".")
            )
            continue
        if where and viewer is not None and text.startswith(f"{viewer} "):
            continue
        out.append(text)
    return out


def _change(now: float | None, before: float | None, digits: int = 1) -> str:
    if now is None:
        return "?"
    if before is None or abs(now - before) < 0.5 * 10**-digits:
        return f"{now:.{digits}f}"
    return f"{now:.{digits}f} ({signed(now - before, digits)})"


def round_report(
    view: Mapping[str, Any], round_no: int, marks: Mapping[int, Mapping[str, Any]] | None = None
) -> Text:
    """The report of round ``round_no`` (resolved): deals ratified or failed, orders and
    tariffs that changed, scores, approval and market stress with their moves, and the news
    that came with the next round."""
    marks = marks or {}
    viewer = view.get("viewer")
    history = {h.get("round"): h for h in view.get("history", [])}
    record = history.get(round_no, {})
    latest = round_no == max(history, default=round_no)
    start = marks.get(round_no, {})
    after = marks.get(round_no + 1) or (marks_of(view) if latest else {})
    previous = history.get(round_no - 1)
    entries = [e for e in view.get("log", []) if e.get("round") == round_no]
    text = Text()
    text.append(f"Round {round_no} report", style="bold")
    if record.get("date"):
        text.append(f" · resolved, now {record['date']}", style="dim")

    deals = [e["text"] for e in entries if e.get("kind") in DEAL_KINDS]
    text.append("\nDeals", style="bold")
    for line in deals or ["no deal was ratified, failed or ended"]:
        text.append(f"\n  • {line}", style="" if deals else "dim")

    orders = [
        e["text"] for e in entries if e.get("kind") in ORDER_KINDS and e.get("phase") != "talks"
    ]
    moved = []
    old_rates = start.get("tariffs") or {}
    for key, rate in (after.get("tariffs") or {}).items():
        old = old_rates.get(key)
        if old is not None and abs(old - rate) > 1e-9:
            imp, exp, sector = key
            moved.append(f"{imp} on {exp} {sector}: {pct(old)} → {pct(rate)}")
    text.append("\nTariffs and orders", style="bold")
    for line in (moved + orders) or ["no tariff changed"]:
        text.append(f"\n  • {line}", style="" if moved or orders else "dim")

    projected, projected_before = after.get("projected"), start.get("projected")
    if projected is not None:
        text.append("\nYour projected score  ", style="bold")
        text.append(_change(projected, projected_before))
        # As projected when each round started (GameScreen._note_round_start): an orders
        # preview's "doing nothing more" projects from then, with that phase's chance.
        text.append("  (at round start, no more moves)", style="dim")
    scores_now = after.get("scores") or {}
    scores_then = start.get("scores") or {}
    if scores_now:
        text.append("\nScores  ", style="bold")
        parts = []
        for pid, score in scores_now.items():
            label = f"{pid} (you)" if pid == viewer else pid
            parts.append(f"{label} {_change(score, scores_then.get(pid))}")
        text.append(" · ".join(parts))
    approval = record.get("approval") or {}
    if approval:
        text.append("\nApproval  ", style="bold")
        then = (previous or {}).get("approval") or start.get("approval") or {}
        text.append(
            " · ".join(
                f"{pid} {_change(value, then.get(pid), 0)}" for pid, value in approval.items()
            )
        )
    stress = record.get("market_stress")
    if stress is not None:
        then_stress = (previous or {}).get("market_stress", start.get("market_stress"))
        text.append("\nMarket stress  ", style="bold")
        text.append(
            _change(stress, then_stress, 0).replace(" (", "/100 (", 1)
            if "(" in _change(stress, then_stress, 0)
            else f"{stress:.0f}/100"
        )
    gdp = record.get("gdp_pct") or {}
    if viewer in gdp:
        text.append("\nYour GDP effect  ", style="bold")
        text.append(f"{signed(gdp[viewer], 2)}% a year")

    news = [
        e["text"]
        for e in view.get("log", [])
        if e.get("round") == round_no + 1 and e.get("phase") == "news"
    ]
    if news:
        text.append("\nNews", style="bold")
        for line in news:
            text.append(f"\n  • {line}")
    return text


def resolved_rounds(view: Mapping[str, Any]) -> list[int]:
    """The rounds the view's history says were resolved, in order."""
    return [int(h["round"]) for h in view.get("history", []) if "round" in h]


__all__ = ["marks_of", "resolved_rounds", "result_lines", "round_report"]
