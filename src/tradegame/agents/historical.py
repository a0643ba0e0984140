"""The historical agent: plays the 2025 path — a process-only first round, then the deals
that were actually signed (15% all-in for Japan with $550bn; a 15% ceiling for the EU with
$750bn of energy and $600bn of investment; in the China variant, the Geneva truce).

The convention (documented in docs/bots-and-tournaments.md): a scenario carries the historical
deals in its catalogue under these **item ids**, and the agent reads everything else from the
catalogue in its own view — who owns each item and who may receive it (so it never names a
country), and which of the item's levels is nearest the historical figure. Items the scenario
does not have are left out; a deal longer than ``max_terms`` drops its last terms. The
bundled scenarios (april-2025, classroom-lesson, us-japan-primer, with-china, china-lesson)
follow the convention.

The agent keeps the history's calendar (issue 19): it signs each deal in the round that holds
its 2025 date (the round whose last day is on or after it: Japan on 22 July, the EU on 27 July,
the Geneva truce on 12 May), and not before; in the first meeting with a partner it agrees only
on process. As the deadline holder it extends the deadline (by the most it can) in the round
before the calendar's last one while one of its historical deals would still come after it,
as the letters of 7 July moved it to 1 August. It asks for talks with a partner when that
partner's deal falls due in the next round. When the calendar as it stands cannot reach a
deal's date (nobody extended, or a shorter scenario), the deal falls due in the last round.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from tradegame.agents.base import Talks, Turn, register
from tradegame.agents.tactics import (
    Strategy,
    any_deal,
    goes_to,
    no_move,
    offer_action,
    offerable,
    round_days,
    substantive_deal,
)
from tradegame.engine import Accept, Action, ExtendDeadline, RequestTalks, Statement, Term
from tradegame.engine.actions import deal_terms


@dataclass(frozen=True, slots=True)
class HistoricalDeal:
    """One deal of 2025, as catalogue item ids and the historical level of each."""

    date: str
    name: str
    terms: tuple[tuple[str, float], ...]


HISTORICAL_DEALS: tuple[HistoricalDeal, ...] = (
    HistoricalDeal(
        "2025-05-12",
        "Geneva truce (US–China)",
        (
            ("us_cap_cn", 0.35),  # 145% → 30% on top of MFN ≈ 35% all-in
            ("cn_cap_us", 0.175),  # 125% → 10% on top of MFN ≈ 17.5% all-in
        ),
    ),
    HistoricalDeal(
        "2025-07-22",
        "US–Japan agreement",
        (
            ("us_cap_jp", 0.15),  # 15% all-in
            ("us_autos_cap_jp", 0.15),  # cars and parts included
            ("jp_investment", 550),  # $550bn vehicle
            ("jp_farm", 8),  # $8bn/yr of farm goods
            ("jp_rice", 0.25),  # +75% US rice inside the minimum-access quota
            ("jp_aircraft", 2),  # 100 Boeings
            ("jp_defence", 3),  # defence procurement $14bn → $17bn/yr
            ("jp_car_standards", 1),  # US car standards accepted
            ("jp_us_goods", 5),  # aircraft and defence together (classroom-lesson)
        ),
    ),
    HistoricalDeal(
        "2025-07-27",
        "US–EU framework (Turnberry)",
        (
            ("us_cap_eu", 0.15),  # 15% ceiling
            ("us_autos_cap_eu", 0.15),  # cars included
            ("eu_zero_industrial", 0.0),  # zero EU tariffs on US industrial goods
            ("eu_energy", 171),  # $750bn of energy by 2028, above the 2024 flow
            ("eu_investment", 600),  # $600bn of investment
            ("eu_ai_chips", 13),  # $40bn of AI chips
        ),
    ),
)
"""The deals of 2025 in the order they were signed. Item ids are the convention."""

HISTORICAL_STATEMENTS: tuple[tuple[str, str], ...] = (
    ("fact_check", "us_claim_hns"),  # Japan corrects "Japan pays nothing" (16 April)
)
"""Statements of 2025 as (kind, claim id): made by the player the claim is about."""


@dataclass(frozen=True, slots=True)
class PairDeal:
    """A historical deal as this scenario can express it between two of its players."""

    name: str
    pair: frozenset[str]
    terms: tuple[Term, ...]
    date: str = ""  # the day it was signed in 2025 (ISO)


def historical_deals(view: dict[str, Any], max_terms: int) -> list[PairDeal]:
    """The historical deals this scenario's catalogue can express, in historical order."""
    catalogue = {e["id"]: e for e in view["catalogue"]}
    players = [p["id"] for p in view["players"]]
    out = []
    for deal in HISTORICAL_DEALS:
        present = [(catalogue[i], level) for i, level in deal.terms if i in catalogue]
        if not present:
            continue
        owners = {e["owner"] for e, _ in present}
        if len(owners) == 1:
            receivers = {p for p in players if all(goes_to(e, p) for e, _ in present)}
            if len(receivers) != 1:
                continue
            owners |= receivers
        if len(owners) != 2:
            continue
        a, b = sorted(owners)
        if not all(goes_to(e, b if e["owner"] == a else a) for e, _ in present):
            continue
        terms = [Term(e["id"], _nearest(e["levels"], level)) for e, level in present]
        out.append(PairDeal(deal.name, frozenset(owners), deal_terms(terms[:max_terms]), deal.date))
    return out


@register("historical")
class HistoricalAgent(Strategy):
    description = (
        "plays the 2025 calendar: process first, then only the historical deals on "
        "their dates (Japan 22 July, EU 27 July), the deadline extended to 1 August"
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)

    def pending(self, turn: Turn) -> list[PairDeal]:
        """This player's historical deals not yet in force (or agreed), in historical order."""
        view = turn.sections("catalogue", "players", "deals")
        me = turn.player
        out = []
        for deal in historical_deals(view, turn.limits.max_terms):
            if me not in deal.pair:
                continue
            (partner,) = deal.pair - {me}
            if not substantive_deal(view, me, partner):
                out.append(deal)
        return out

    @staticmethod
    def reached(turn: Turn, deal: PairDeal, rounds_ahead: int = 0) -> bool:
        """Whether the round ``rounds_ahead`` from now ends on or after ``deal``'s 2025 date."""
        view = turn.sections("round_end_date", "date")
        end = _date(view["round_end_date"]) + dt.timedelta(days=rounds_ahead * round_days(view))
        return end >= _date(deal.date)

    def due(self, turn: Turn, deal: PairDeal, rounds_ahead: int = 0) -> bool:
        """Whether ``deal`` is to be signed in this round (or ``rounds_ahead`` rounds from
        now): the round holds its 2025 date or comes after it, or it is the last round the
        calendar has as it stands."""
        return (
            self.reached(turn, deal, rounds_ahead) or turn.round + rounds_ahead >= turn.rounds_total
        )

    def talk(self, turn: Turn, talks: Talks) -> Action:
        view = turn.sections("catalogue", "deals", "you")
        me = turn.player
        deal = next((d for d in self.pending(turn) if talks.partner in d.pair), None)
        first_meeting = not any_deal(view, me, talks.partner)
        if deal is not None and not self.due(turn, deal):
            deal = None  # not yet: in 2025 this deal came later
        if talks.offer is not None:
            if deal is not None and self._as_good(view, talks.offer, deal.terms):
                return Accept(me)
            if first_meeting and self._process_only(view, talks.offer):
                return Accept(me)
        if deal is None:
            if first_meeting and talks.offer is None:
                process = self._process(view, me, talks.partner)
                if process is not None:
                    action = offer_action(turn, talks, process)
                    if action is not None:
                        return action
            return no_move(turn)
        if first_meeting and talks.offer is None:
            process = self._process(view, me, talks.partner)
            if process is not None:
                action = offer_action(turn, talks, process)
                if action is not None:
                    return action
        return offer_action(turn, talks, deal.terms) or no_move(turn)

    def plan_orders(self, turn: Turn) -> list[Action]:
        view = turn.view.to_json()
        me = turn.player
        orders: list[Action] = []
        for kind, claim in HISTORICAL_STATEMENTS:
            found = next((c for c in view["claims"] if c["id"] == claim and c["about"] == me), None)
            if found is not None:
                orders.append(Statement(me, kind, found["by"], claim))
        pending = self.pending(turn)
        # The holder extends (by the most it can) when a deal falls due after the calendar's
        # last day and the next round would be the last: the letters of 7 July.
        last = turn.rounds_total - turn.round
        late = [d for d in pending if not self.reached(turn, d, rounds_ahead=last)]
        if late and turn.round + 1 >= turn.rounds_total:
            extensions = sorted(
                (a for a in turn.legal if isinstance(a, ExtendDeadline)), key=lambda a: -a.days
            )
            orders.extend(extensions[:1])
        partners = []
        for deal in pending:
            (partner,) = deal.pair - {me}
            # Talks when the deal falls due next round, or a first (process) meeting.
            wanted = self.due(turn, deal, rounds_ahead=1) or not any_deal(view, me, partner)
            if wanted and partner not in partners:
                partners.append(partner)
        orders.extend(RequestTalks(me, p, "ministerial") for p in partners[:1])
        return orders

    @staticmethod
    def _as_good(view: dict[str, Any], offer: tuple[Term, ...], wanted: tuple[Term, ...]) -> bool:
        """Whether ``offer`` gives this player at least the historical deal: everything it
        would receive at least as generously, nothing given beyond it."""
        me = view["you"]["id"]
        catalogue = {e["id"]: offerable(e) for e in view["catalogue"]}
        want = {t.item: t.value for t in wanted}
        got = {t.item: t.value for t in offer}
        for item_id, level in want.items():
            item = catalogue[item_id]
            if item.owner != me and (
                item_id not in got or not item.at_least_as_generous(got[item_id], level)
            ):
                return False
        for item_id, level in got.items():
            item = catalogue[item_id]
            if item.owner == me and (
                item_id not in want or not item.at_least_as_generous(want[item_id], level)
            ):
                return False
        return True

    @staticmethod
    def _process_only(view: dict[str, Any], offer: tuple[Term, ...]) -> bool:
        kinds = {e["id"]: e["kind"] for e in view["catalogue"]}
        return all(kinds.get(t.item) == "process" for t in offer)

    @staticmethod
    def _process(view: dict[str, Any], me: str, partner: str) -> tuple[Term, ...] | None:
        options = [
            e
            for e in view["catalogue"]
            if e["kind"] == "process"
            and e["available"]
            and (
                (e["owner"] == me and goes_to(e, partner))
                or (e["owner"] == partner and goes_to(e, me))
            )
        ]
        options.sort(key=lambda e: (e["owner"] != me, e["id"]))  # one's own process item first
        if not options:
            return None
        return (Term(options[0]["id"], options[0]["levels"][0]),)


def _nearest(levels: list[float], value: float) -> float:
    """The catalogue level nearest the historical figure."""
    return min(levels, key=lambda v: abs(v - value))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


__all__ = [
    "HISTORICAL_DEALS",
    "HISTORICAL_STATEMENTS",
    "HistoricalAgent",
    "HistoricalDeal",
    "PairDeal",
    "historical_deals",
]
