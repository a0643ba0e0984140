"""Words and numbers for the screen: actions in plain English, terms, rates, sparklines.

Everything here reads a player's view (``View.to_json()``) or the public parts of the rules
(names of players, sectors, items, layers), never another player's private data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tradegame.engine import (
    Accept,
    Action,
    Concede,
    Counter,
    Countermeasure,
    Done,
    ExtendDeadline,
    Message,
    Pass,
    Propose,
    Reject,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
)
from tradegame.engine.actions import fmt_number
from tradegame.engine.game import fmt_pct
from tradegame.engine.rules import Rules
from tradegame.engine.text import level_text
from tradegame.untrusted import printable

SPARKS = "▁▂▃▄▅▆▇█"

ORDER_GROUPS = (
    "Tariffs",
    "Countermeasures",
    "Concessions",
    "Statements",
    "Talks",
    "Deadline",
    "Deals",
)

STATEMENT_WORDS = {
    "claim_progress": "claim progress with",
    "public_demand": "publicly demand from",
    "threat": "threaten",
    "reassure": "reassure",
    "fact_check": "fact-check",
}


def pct(rate: float) -> str:
    """0.275 -> '27.5%'."""
    return fmt_pct(rate)


def signed(value: float, digits: int = 1) -> str:
    """+1.5 / −0.3 with a real minus sign (readable next to a plus)."""
    text = f"{value:+.{digits}f}"
    return text.replace("-", "−")


def money(value: float, decimals: int = 1) -> str:
    """$bn with a sign: '+$47.1bn' (``decimals=0``: '+$47bn')."""
    sign = "−" if value < 0 else "+"
    return f"{sign}${abs(value):,.{decimals}f}bn"


def spark(
    values: Sequence[float],
    width: int | None = None,
    lo: float | None = None,
    hi: float | None = None,
    min_range: float = 0.0,
) -> str:
    """A sparkline of ``values`` (the last ``width`` of them), scaled to ``lo``..``hi``
    (default: their own range, widened about its middle to at least ``min_range``, so that
    a change too small to matter is drawn flat, not stretched to full height)."""
    if width is not None and width > 0:
        values = list(values)[-width:]
    if not values:
        return ""
    low = min(values) if lo is None else lo
    high = max(values) if hi is None else hi
    if high - low < min_range:
        middle = (high + low) / 2
        low, high = middle - min_range / 2, middle + min_range / 2
    if high - low < 1e-12:
        return SPARKS[len(SPARKS) // 2 - 1] * len(values)
    out = []
    for v in values:
        k = int((min(max(v, low), high) - low) / (high - low) * (len(SPARKS) - 1) + 0.5)
        out.append(SPARKS[k])
    return "".join(out)


def export_boosts(rules: Rules) -> dict[str, tuple[str, float]]:
    """Each regulatory item's sector and export boost per level unit (public in the scenario;
    see :attr:`tradegame.session.play.PlaySession.export_boosts`)."""
    return {
        it.id: (it.sector or "", it.export_boost)
        for it in rules.items
        if it.kind == "regulatory" and it.sector is not None
    }


class Names:
    """Public names for the ids in actions and views, built from one view."""

    def __init__(
        self,
        view: Mapping[str, Any],
        sector_names: Mapping[str, str] | None = None,
        level_names: Iterable[str] = (),
        export_boosts: Mapping[str, tuple[str, float]] | None = None,
    ) -> None:
        self.players = {p["id"]: p["name"] for p in view.get("players", [])}
        self.items = {c["id"]: c for c in view.get("catalogue", [])}
        self.layers = {la["id"]: la for la in view.get("layers", [])}
        self.packages = {
            c["id"]: c for p in view.get("players", []) for c in p.get("countermeasures", [])
        }
        self.claims = {c["id"]: c for c in view.get("claims", [])}
        self._view = view
        self.deals = {d["id"]: d for d in view.get("deals", [])}
        self.sectors = dict(sector_names or {})
        self.levels = tuple(level_names)
        self.export_boosts = dict(export_boosts or {})

    def player(self, pid: str | None) -> str:
        if pid is None:
            return "—"
        return str(self.players.get(pid, pid))

    def item_name(self, item: str) -> str:
        entry = self.items.get(item)
        return str(entry["name"]) if entry else item

    def level(self, item: str, value: float) -> str:
        """A level of catalogue item ``item`` in words (its unit; what a regulatory one does)."""
        entry = self.items.get(item)
        if entry is None:
            return fmt_number(value)
        boost = self.export_boosts.get(item)
        return level_text(entry["kind"], value, None if boost is None else boost[1])

    def level_meaning(self, item: str) -> str:
        """What the levels of ``item`` do, in one sentence, when its unit needs saying (a
        regulatory item: whose exports of which sector rise, and by how much a level)."""
        entry = self.items.get(item)
        boost = self.export_boosts.get(item)
        if entry is None or boost is None:
            return ""
        sector, share = boost
        to = entry.get("to") or []
        receiver = f"{to[0]} exports" if len(to) == 1 else "the receiver's exports"
        what = self.sectors.get(sector, sector).lower()
        return f"Each level: {receiver} of {what} to {entry['owner']} rise by {pct(share)}."

    def term(self, term: Term, *, owner: bool = True) -> str:
        entry = self.items.get(term.item)
        if entry is None:
            return str(term)
        text = f"{entry['name']}: {self.level(term.item, term.value)}"
        return f"{entry['owner']} gives {text}" if owner else text

    def terms(self, terms: Iterable[Term]) -> str:
        return "; ".join(self.term(t) for t in terms)

    def subject(self, subject: str) -> str:
        if subject in self.layers:
            return str(self.layers[subject]["name"])
        if subject in self.packages:
            return str(self.packages[subject]["name"])
        if subject in self.claims:
            return f"\u201c{player_text(self.claims[subject]['text'], self._view)}\u201d"
        if "=" in subject:
            try:
                return self.term(Term.parse(subject), owner=False)
            except ValueError:
                return subject
        return subject

    def sector(self, sid: str) -> str:
        return self.sectors.get(sid, sid)


def describe(action: Action, names: Names) -> str:
    """One action in plain words, for lists, previews and summaries."""
    if isinstance(action, Propose):
        return f"Propose to {action.partner}: {names.terms(action.terms)}"
    if isinstance(action, Counter):
        return f"Counter-offer to {action.partner}: {names.terms(action.terms)}"
    if isinstance(action, Accept):
        return "Accept the offer on the table"
    if isinstance(action, Reject):
        return "Reject the offer on the table"
    if isinstance(action, Pass):
        return "Make no proposal (pass)"
    if isinstance(action, Done):
        return "Done: send my orders and end my turn"
    if isinstance(action, SetTariff):
        layer = names.layers.get(action.layer)
        name = layer["name"] if layer else action.layer
        return f"Set {name} to {pct(action.rate)}"
    if isinstance(action, Countermeasure):
        pkg = names.packages.get(action.package)
        name = pkg["name"] if pkg else action.package
        return f"{'Activate' if action.activate else 'Suspend'} countermeasures: {name}"
    if isinstance(action, Concede):
        what = "; ".join(names.term(t, owner=False) for t in action.terms)
        return f"Concede to {action.partner}: {what}"
    if isinstance(action, Statement):
        words = STATEMENT_WORDS.get(action.statement, action.statement)
        if action.statement == "threat":
            return f"Threaten {action.partner}: {names.subject(action.subject)}"
        if action.statement == "public_demand":
            return f"Publicly demand from {action.partner}: {names.subject(action.subject)}"
        if action.statement == "fact_check":
            return f"Fact-check {action.partner}: {names.subject(action.subject)}"
        return f"{words.capitalize()} {action.partner}"
    if isinstance(action, RequestTalks):
        return f"Request {action.level} talks with {action.partner}"
    if isinstance(action, ExtendDeadline):
        return f"Extend the deadline by {action.days} days"
    if isinstance(action, Renege):
        deal = names.deals.get(action.deal)
        other = ""
        if deal:
            other = " with " + "–".join(deal["parties"])
        return f"Renege on deal {action.deal}{other}"
    if isinstance(action, Message):
        return f"Message to {action.partner}: {printable(action.text)}"
    return str(action)


def order_group(action: Action) -> str:
    """The heading an order is listed under."""
    if isinstance(action, SetTariff):
        return "Tariffs"
    if isinstance(action, Countermeasure):
        return "Countermeasures"
    if isinstance(action, Concede):
        return "Concessions"
    if isinstance(action, Statement):
        return "Statements"
    if isinstance(action, RequestTalks):
        return "Talks"
    if isinstance(action, ExtendDeadline):
        return "Deadline"
    return "Deals"


def projection_lines(projection: Any, *, win_set: float | None = None) -> list[str]:
    """A what-if projection as short lines (score first, then the economy and politics)."""
    m = projection.metrics
    change = projection.change
    lines = [
        f"Projected score {projection.score:.1f} (doing nothing more: {projection.baseline:.1f},"
        f" change {signed(change)})",
        f"GDP {signed(m.get('gdp_effect', 0.0), 2)}% · balance {money(m.get('trade_balance', 0))}"
        f"/yr · tariff you face {pct(m.get('tariff_faced', 0.0))}",
        # Approval and credibility as scored (averages over the window); market stress where
        # the projection ends, not now: the round report's figure is the stress after a round.
        f"avg approval {m.get('approval', 0):.0f} · avg credibility "
        f"{m.get('credibility', 0):.0f} · market stress at the end {m.get('market_stress', 0):.0f}",
    ]
    for note in projection.notes:
        lines.append("• " + note)
    return lines


__all__ = [
    "ORDER_GROUPS",
    "Names",
    "describe",
    "export_boosts",
    "level_text",
    "money",
    "order_group",
    "pct",
    "player_text",
    "projection_lines",
    "signed",
    "spark",
    "text_dates",
]


def player_text(text: str, source: Mapping[str, Any] | Rules) -> str:
    """Scenario text as a player may read it (a description, a briefing, an objective's label):
    without hindsight — how the real negotiation ended — and without the source notes meant for
    scenario authors, by :func:`tradegame.scenario.hindsight.student_text`, the rule the student
    handouts follow. ``source`` is the player's view (``View.to_json()``) or, before a game,
    the scenario's rules: either tells the scenario's own deadline."""
    cutoff, deadline = text_dates(source)
    return _player_text(text, cutoff, deadline)


@functools.lru_cache(maxsize=1024)
def _player_text(text: str, cutoff: dt.date, deadline: dt.date) -> str:
    from tradegame.scenario.hindsight import student_text  # its patterns: after the first paint

    return student_text(text, cutoff, deadline).strip()


def text_dates(source: Mapping[str, Any] | Rules) -> tuple[dt.date, dt.date]:
    """``(cutoff, deadline)`` for the hindsight rule: the scenario's own deadline (a view's
    deadline less the days it was extended in the game) and the first day of hindsight. A
    view that does not tell (a foreign one) gets the strictest: any dated outcome is
    hindsight."""
    from tradegame.scenario.hindsight import hindsight_cutoff, hindsight_dates

    if isinstance(source, Rules):
        return hindsight_dates(source)
    try:
        deadline = dt.date.fromisoformat(str(source["deadline"])) - dt.timedelta(
            days=int(source.get("extension_days_used") or 0)
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return dt.date.min, dt.date.min
    return hindsight_cutoff(deadline), deadline
