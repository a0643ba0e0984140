"""Building blocks the built-in agents share.

Everything here reads only the player's own view and its ``what_if`` projections:

* :func:`pair_catalogue` — the catalogue items two players can trade, with the player's own
  political costs (items it gives) and gains (items it receives), as its view shows them;
* :class:`TermValues` — what each term would do to the player's projected score, measured
  with ``what_if`` on single-term proposals inside a session, within a fixed budget of calls
  per partner and refreshed every few rounds (``what_if`` copies the game and plays it out
  twice, so agents must not call it per legal action);
* :func:`ladder` — a shortlist of packages from "everything I want, nothing given" (0.0) to
  "the least I want, the most I give" (1.0), with their estimated value, never beyond the
  player's own win-set;
* :class:`Strategy` — the skeleton of a built-in agent: a talks move from :meth:`talk`, and
  in the orders phase a plan made once per round by :meth:`plan_orders`, then ``done``.
"""

from __future__ import annotations

import datetime as dt
import operator
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tradegame.agents.base import Talks, Turn
from tradegame.engine import (
    Accept,
    Action,
    Counter,
    Done,
    Pass,
    Propose,
    Reject,
    RequestTalks,
    Term,
)
from tradegame.engine.actions import deal_terms
from tradegame.engine.view import CatalogueEntry

LOWER_IS_BETTER = frozenset({"tariff_cap", "tariff_cut"})
"""Item kinds whose lower level is better for the receiver (a lower cap, a deeper cut)."""

NOT_TRADED = frozenset({"process", "deadline_extension"})
"""Item kinds the package builder leaves out (no economic substance to bargain over)."""

RESERVE = 0.25
"""The least change in projected score (points) a built-in negotiator takes from a deal."""


# ---------------------------------------------------------------------- the catalogue


@dataclass(frozen=True, slots=True)
class Offerable:
    """A catalogue item two players can trade, as one of them sees it in its view.

    ``levels`` run from the least to the most generous for the giver; ``costs`` (political
    cost to the viewer, when it gives the item) and ``gains`` (political gain to the viewer,
    when it receives it) follow the same order.
    """

    id: str
    owner: str
    kind: str
    name: str
    levels: tuple[float, ...]
    costs: tuple[float, ...] | None
    gains: tuple[float, ...] | None

    def cost(self, level: float) -> float:
        return self.costs[self.levels.index(level)] if self.costs else 0.0

    def gain(self, level: float) -> float:
        return self.gains[self.levels.index(level)] if self.gains else 0.0

    def at_least_as_generous(self, level: float, than: float) -> bool:
        """Whether ``level`` gives the receiver at least as much as ``than``."""
        return level <= than + 1e-9 if self.kind in LOWER_IS_BETTER else level >= than - 1e-9


def offerable(entry: dict[str, Any]) -> Offerable:
    return _offerable(
        entry["id"],
        entry["owner"],
        entry["kind"],
        entry["name"],
        entry["levels"],
        entry.get("political_cost"),
        entry.get("political_gain"),
    )


def _offerable(
    id: str,
    owner: str,
    kind: str,
    name: str,
    levels: Sequence[float],
    costs: Sequence[float] | None,
    gains: Sequence[float] | None,
) -> Offerable:
    """:func:`offerable` of a catalogue entry's fields, as in its JSON or record."""
    values = list(levels)
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=kind in LOWER_IS_BETTER)
    return Offerable(
        id=id,
        owner=owner,
        kind=kind,
        name=name,
        levels=tuple(values[i] for i in order),
        costs=tuple(costs[i] for i in order) if costs is not None else None,
        gains=tuple(gains[i] for i in order) if gains is not None else None,
    )


def goes_to(entry: dict[str, Any], player: str) -> bool:
    return _goes_to(entry["owner"], entry["to"], player)


def _goes_to(owner: str, to: Sequence[str] | str, player: str) -> bool:
    """:func:`goes_to` of an entry's owner and receivers (``"any"`` or their ids)."""
    return owner != player and (to == "any" or player in to)


def pair_catalogue(
    view: dict[str, Any], me: str, partner: str, kinds_out: Iterable[str] = NOT_TRADED
) -> tuple[list[Offerable], list[Offerable]]:
    """(items ``me`` can give ``partner``, items ``partner`` can give ``me``), available now."""
    mine, theirs = _pair_entries(view, me, partner, kinds_out)
    return [offerable(e) for e in mine], [offerable(e) for e in theirs]


def pair_records(
    catalogue: Sequence[CatalogueEntry], me: str, partner: str
) -> tuple[list[Offerable], list[Offerable]]:
    """:func:`pair_catalogue` of the catalogue's records (``Turn.catalogue()``), not its JSON."""
    mine, theirs = _pair(catalogue, _RECORD_FIELDS, me, partner, NOT_TRADED)
    return [_record_offerable(e) for e in mine], [_record_offerable(e) for e in theirs]


def _record_offerable(e: CatalogueEntry) -> Offerable:
    """The :class:`Offerable` of a catalogue record, made once per record: records are
    made once per scenario and viewer and never change (a ladder rebuilt reads the same)."""
    known = _OFFERABLES.get(id(e))
    if known is not None and known[0] is e:
        return known[1]
    made = _offerable(e.id, e.owner, e.kind, e.name, e.levels, e.political_cost, e.political_gain)
    if len(_OFFERABLES) >= _OFFERABLES_KEPT:
        _OFFERABLES.clear()  # bounded; a miss only costs making it
    _OFFERABLES[id(e)] = (e, made)  # (the record held: its id names no other while here)
    return made


_OFFERABLES: dict[int, tuple[CatalogueEntry, Offerable]] = {}
_OFFERABLES_KEPT = 4096


def _pair_entries(
    view: dict[str, Any], me: str, partner: str, kinds_out: Iterable[str] = NOT_TRADED
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The catalogue entries of :func:`pair_catalogue`, in catalogue order, as they are in
    the view (which ``me`` can give ``partner``, which ``partner`` can give ``me``)."""
    skip = kinds_out if isinstance(kinds_out, frozenset) else frozenset(kinds_out)
    return _pair(view["catalogue"], _JSON_FIELDS, me, partner, skip)


_E = TypeVar("_E")
_Fields = Callable[[Any], tuple[bool, str, str, Any]]
_JSON_FIELDS: _Fields = operator.itemgetter("available", "kind", "owner", "to")
_RECORD_FIELDS: _Fields = operator.attrgetter("available", "kind", "owner", "to")


def _pair(
    catalogue: Iterable[_E], fields: _Fields, me: str, partner: str, skip: frozenset[str]
) -> tuple[list[_E], list[_E]]:
    """(entries ``me`` can give ``partner``, entries ``partner`` can give ``me``) of the
    catalogue's entries, available now and of a kind not in ``skip``, in catalogue order;
    ``fields`` reads an entry's (available, kind, owner, to), as in its JSON or record."""
    mine: list[_E] = []
    theirs: list[_E] = []
    for entry in catalogue:
        available, kind, owner, to = fields(entry)
        if not available or kind in skip:
            continue
        if owner == me and _goes_to(owner, to, partner):
            mine.append(entry)
        elif owner == partner and _goes_to(owner, to, me):
            theirs.append(entry)
    return mine, theirs


def item_kinds(view: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["kind"] for e in view["catalogue"]}


def substantive_deal(
    view: dict[str, Any], a: str, b: str, statuses: Sequence[str] = ("in_force", "agreed")
) -> bool:
    """Whether ``a`` and ``b`` have a bilateral deal with economic terms (in force or agreed)."""
    deals = ((d["unilateral"], d["status"], d["parties"], d["terms"]) for d in view["deals"])
    return _substantive(deals, _ITEM, lambda: item_kinds(view), a, b, statuses)


_ITEM = operator.itemgetter("item")  # a term's item in the JSON
_TERM_ITEM = operator.attrgetter("item")  # and in the record


def _substantive(
    deals: Iterable[tuple[bool, str, Sequence[str], Sequence[Any]]],
    item: Callable[[Any], str],
    kinds_of: Callable[[], dict[str, str]],
    a: str,
    b: str,
    statuses: Sequence[str] = ("in_force", "agreed"),
) -> bool:
    """:func:`substantive_deal` of the deals section's entries, each (unilateral, status,
    parties, terms) as in its JSON or record, a term's item read by ``item``, the catalogue's
    item kinds from ``kinds_of`` (called when a deal of the pair is found)."""
    kinds: dict[str, str] | None = None
    for unilateral, status, parties, terms in deals:
        if unilateral or status not in statuses or set(parties) != {a, b}:
            continue
        if kinds is None:
            kinds = kinds_of()
        if any(kinds.get(item(t)) != "process" for t in terms):
            return True
    return False


def any_deal(view: dict[str, Any], a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` have made any bilateral deal this game (process ones too)."""
    return any(
        not d["unilateral"]
        and set(d["parties"]) == {a, b}
        and d["status"] in ("in_force", "agreed", "superseded")
        for d in view["deals"]
    )


def round_days(view: dict[str, Any]) -> int:
    """Days in the current round, from the view's dates (the scenario's round length)."""
    start = dt.date.fromisoformat(view["date"])
    return (dt.date.fromisoformat(view["round_end_date"]) - start).days + 1


def trading_partners(view: dict[str, Any], me: str) -> list[str]:
    """Players with something of substance to trade with ``me``, in scenario order."""
    return _partners(view["catalogue"], _JSON_FIELDS, [p["id"] for p in view["players"]], me)


def _record_partners(
    catalogue: list[CatalogueEntry], ids: tuple[str, ...], me: str
) -> tuple[str, ...]:
    """:func:`_partners` of the catalogue's records (``Turn.catalogue()``), remembered by the
    records themselves (held while remembered, so that their ids name no others): a
    catalogue is the same records while the items on the table are the same (most rounds)."""
    key = (me, ids, tuple(map(id, catalogue)))
    known = _PARTNERS.get(key)
    if known is not None:
        return known[1]
    partners = tuple(_partners(catalogue, _RECORD_FIELDS, ids, me))
    if len(_PARTNERS) >= _PARTNERS_KEPT:
        _PARTNERS.clear()  # bounded; a miss only costs the scan
    _PARTNERS[key] = (catalogue, partners)
    return partners


_PARTNERS: dict[tuple[str, tuple[str, ...], tuple[int, ...]], tuple[Any, tuple[str, ...]]] = {}
_PARTNERS_KEPT = 1024


def _partners(catalogue: Iterable[_E], fields: _Fields, ids: Sequence[str], me: str) -> list[str]:
    """The players of ``ids`` (scenario order), but ``me``, with something of substance to
    trade with ``me``: those whose :func:`pair_catalogue` with ``me`` is not empty, found in
    one pass over the catalogue's entries, whose (available, kind, owner, to) ``fields``
    reads, as in its JSON or record. An entry counts for the pair if it is available, of a
    traded kind, and ``me``'s to give to the partner or the partner's to give to ``me``
    (:func:`goes_to`)."""
    found: set[str] = set()
    for entry in catalogue:
        available, kind, owner, to = fields(entry)
        if not available or kind in NOT_TRADED:
            continue
        if owner == me:  # goes to every player it names (but its owner), or to any
            found.update(ids if to == "any" else to)
        elif to == "any" or me in to:
            found.add(owner)
    return [pid for pid in ids if pid != me and pid in found]


# ---------------------------------------------------------------------- term values


@dataclass(slots=True)
class _Valuation:
    round: int
    values: dict[tuple[str, float], float]
    bonus: float


class TermValues:
    """What each single term would change in the player's projected score.

    Measured with ``what_if`` on a one-term proposal to the partner (assumed accepted), so it
    can only be taken inside a session with that partner. At most ``budget`` calls per
    valuation: first a process-only deal, whose value is the *deal bonus* (what having any
    deal is worth: objectives may count deals, and deals move relations and credibility) and
    is subtracted from every term, so that a term is worth what it adds to a deal; then the
    items that look best on the player's own political ledger (what it would gain, what it
    would pay), each at its two extreme levels; middle levels while the budget lasts.
    Unmeasured middle levels are interpolated and unmeasured items left out. A valuation is
    reused for ``refresh_rounds`` rounds.
    """

    def __init__(self, budget: int = 12, refresh_rounds: int = 6) -> None:
        self.budget = budget
        self.refresh_rounds = refresh_rounds
        self._cache: dict[str, _Valuation] = {}
        self.calls = 0

    def get(
        self, turn: Turn, talks: Talks, items: Sequence[Offerable]
    ) -> dict[tuple[str, float], float]:
        cached = self._cache.get(talks.partner)
        if cached is None or turn.round - cached.round >= self.refresh_rounds:
            bonus = self._deal_bonus(turn, talks)
            values = self._measure(turn, talks, items, bonus)
            cached = self._cache[talks.partner] = _Valuation(turn.round, values, bonus)
        return cached.values

    def bonus(self, partner: str) -> float:
        """The deal bonus last measured with ``partner`` (0 when never measured)."""
        cached = self._cache.get(partner)
        return cached.bonus if cached is not None else 0.0

    def _deal_bonus(self, turn: Turn, talks: Talks) -> float:
        me, partner = turn.player, talks.partner
        for e in turn.catalogue():  # the records, not their JSON
            if e.kind != "process" or not e.available:
                continue
            if (e.owner == me and _goes_to(e.owner, e.to, partner)) or (
                e.owner == partner and _goes_to(e.owner, e.to, me)
            ):
                action = deal_move(turn, talks, (Term(e.id, e.levels[0]),))
                try:
                    self.calls += 1
                    return turn.what_if([action]).change
                except ValueError:
                    continue
        return 0.0

    @staticmethod
    def priority(item: Offerable, me: str) -> float:
        """Political gain of the best level for items received; minus the political cost of
        the mildest level for items given (so cheap gives come first)."""
        if item.owner == me:
            return -item.cost(item.levels[0])
        return item.gain(item.levels[-1])

    def _measure(
        self, turn: Turn, talks: Talks, items: Sequence[Offerable], bonus: float
    ) -> dict[tuple[str, float], float]:
        me = turn.player
        ordered = sorted(items, key=lambda it: (-self.priority(it, me), it.id))
        # Interleave received and given items so that both sides of a package get values.
        theirs = [it for it in ordered if it.owner != me]
        mine = [it for it in ordered if it.owner == me]
        ordered = [it for pair in zip(theirs, mine, strict=False) for it in pair]
        ordered += theirs[len(mine) :] + mine[len(theirs) :]
        wanted: list[tuple[Offerable, float]] = []
        for item in ordered:  # extremes first
            wanted.append((item, item.levels[-1] if item.owner != me else item.levels[0]))
            if len(item.levels) > 1:
                wanted.append((item, item.levels[0] if item.owner != me else item.levels[-1]))
        for item in ordered:  # then the middles
            wanted.extend((item, lv) for lv in item.levels[1:-1])
        measured: dict[tuple[str, float], float] = {}
        for item, level in wanted[: max(0, self.budget - 1)]:
            action = deal_move(turn, talks, (Term(item.id, level),))
            try:
                measured[(item.id, level)] = turn.what_if([action]).change - bonus
            except ValueError:  # not on the table after all
                continue
            self.calls += 1
        values: dict[tuple[str, float], float] = {}
        for item in items:
            known = [
                (i, measured[(item.id, lv)])
                for i, lv in enumerate(item.levels)
                if (item.id, lv) in measured
            ]
            if not known:
                continue
            for i, lv in enumerate(item.levels):
                values[(item.id, lv)] = _interpolate(known, i)
        return values


def _interpolate(known: list[tuple[int, float]], i: int) -> float:
    for j, v in known:
        if j == i:
            return v
    lower = [(j, v) for j, v in known if j < i]
    upper = [(j, v) for j, v in known if j > i]
    if not lower:
        return upper[0][1]
    if not upper:
        return lower[-1][1]
    (j0, v0), (j1, v1) = lower[-1], upper[0]
    return v0 + (v1 - v0) * (i - j0) / (j1 - j0)


# ---------------------------------------------------------------------- packages


@dataclass(frozen=True, slots=True)
class Package:
    """A deal the player could propose: its terms, estimated value and concession (0–1)."""

    terms: tuple[Term, ...]
    value: float
    concession: float


def ladder(
    mine: Sequence[Offerable],
    theirs: Sequence[Offerable],
    values: dict[tuple[str, float], float],
    max_terms: int,
    win_set: float | None,
    steps: int = 6,
    bonus: float = 0.0,
) -> list[Package]:
    """Packages from the toughest (concession 0.0) to the softest (1.0), estimated additively
    (``bonus`` plus the term values, which are net of the deal bonus).

    Asks are the partner's items worth something to the player, best first; at concession x
    each is asked at a level (1 − x) of the way from the least to the most generous. Gives are
    the player's own items, least harmful first: those that cost nothing in projected score are
    always offered; of the rest, a share x is offered, at a level x of the way up. Gives are
    dropped, most expensive first, while the package would exceed the player's own win-set.
    """

    def best(item: Offerable) -> float:
        return max(values.get((item.id, lv), 0.0) for lv in item.levels)

    def mildest(item: Offerable) -> float:
        return values.get((item.id, item.levels[0]), -1e9)

    asks = sorted(
        (it for it in theirs if best(it) > 0.05 and (it.id, it.levels[0]) in values),
        key=best,
        reverse=True,
    )
    gives = sorted(
        (it for it in mine if (it.id, it.levels[0]) in values), key=mildest, reverse=True
    )
    free = [it for it in gives if mildest(it) >= 0.0]
    costly = [it for it in gives if mildest(it) < 0.0]
    room_for_gives = min(len(costly), max(0, max_terms // 2))
    asks = asks[: max(1, max_terms - len(free) - room_for_gives)] if asks else []
    costly = costly[: max(0, max_terms - len(asks) - len(free))]
    out: list[Package] = []
    seen: set[tuple[Term, ...]] = set()
    for k in range(steps):
        x = k / (steps - 1) if steps > 1 else 0.0
        chosen: list[tuple[Offerable, float, bool]] = []  # (item, level, i_give)
        for it in asks:
            idx = round((1.0 - x) * (len(it.levels) - 1))
            chosen.append((it, it.levels[idx], False))
        for it in free:
            chosen.append((it, _best_level(it, values), True))
        n_give = round(x * len(costly))
        for it in costly[:n_give]:
            idx = round(x * (len(it.levels) - 1))
            chosen.append((it, it.levels[idx], True))
        if win_set is not None:
            while True:
                cost = sum(it.cost(lv) if give else -it.gain(lv) for it, lv, give in chosen)
                if cost <= win_set - 0.5:
                    break
                given = [c for c in chosen if c[2]]
                if not given:
                    break
                chosen.remove(max(given, key=lambda c: c[0].cost(c[1])))
        chosen = chosen[:max_terms]
        if not chosen:
            continue
        terms = deal_terms([Term(it.id, lv) for it, lv, _ in chosen])
        if terms in seen:
            continue
        seen.add(terms)
        estimate = bonus + sum(values.get((t.item, t.value), 0.0) for t in terms)
        out.append(Package(terms, estimate, x))
    return out


def _best_level(item: Offerable, values: dict[tuple[str, float], float]) -> float:
    return max(item.levels, key=lambda v: values.get((item.id, v), -1e9))


def closest_above(packages: Sequence[Package], target: float) -> Package | None:
    """The softest package whose estimated value still meets ``target`` (None if none does)."""
    meeting = [p for p in packages if p.value >= target]
    if not meeting:
        return None
    return max(meeting, key=lambda p: (p.concession, -p.value))


def deal_move(turn: Turn, talks: Talks, terms: tuple[Term, ...]) -> Action:
    """The move that would put ``terms`` on the table now — a proposal, a counter, or
    accepting when they are the offer — for ``what_if`` (legality is not checked)."""
    if talks.offer is not None and terms == talks.offer:
        return Accept(turn.player)
    cls = Propose if talks.offer is None else Counter
    return cls(turn.player, talks.partner, terms)


def offer_action(turn: Turn, talks: Talks, terms: tuple[Term, ...]) -> Action | None:
    """The proposal or counter of ``terms`` to the partner, if it is legal now."""
    if talks.offer is not None and (not talks.can_counter or terms == talks.offer):
        return None
    cls = Propose if talks.offer is None else Counter
    action = cls(turn.player, talks.partner, terms)
    return action if action in turn.legal else None


def no_move(turn: Turn) -> Action:
    """Pass when opening talks, reject an offer, done in the orders phase."""
    talks = turn.talks
    if talks is None:
        return Done(turn.player)
    return Pass(turn.player) if talks.offer is None else Reject(turn.player)


# ---------------------------------------------------------------------- the skeleton


@dataclass(slots=True)
class _Plan:
    round: int = -1
    orders: list[Action] = field(default_factory=list)


class Strategy:
    """A built-in agent: talks moves from :meth:`talk`, orders from :meth:`plan_orders`."""

    name = ""
    description = ""

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random(0)
        self._plan = _Plan()
        self.last_talked: dict[str, int] = {}

    def act(self, turn: Turn) -> Action:
        talks = turn.talks
        if talks is not None:
            self.last_talked[talks.partner] = turn.round
            return self.talk(turn, talks)
        if self._plan.round != turn.round:
            self._plan = _Plan(turn.round, list(self.plan_orders(turn)))
        while self._plan.orders:
            action = self._plan.orders.pop(0)
            if action in turn.legal:
                return action
        return Done(turn.player)

    def talk(self, turn: Turn, talks: Talks) -> Action:
        return no_move(turn)

    def plan_orders(self, turn: Turn) -> list[Action]:
        return []

    # -- habits several strategies share

    def talk_requests(self, turn: Turn, level: str = "ministerial", limit: int = 2) -> list[Action]:
        """Ask for talks with trading partners that have no deal yet, least recently met first."""
        # (The players' ids are all it reads of the view's players: from the scenario. The
        # catalogue and deals are read from their records, shared and read-only: no JSON.)
        deals = [(d.unilateral, d.status, d.parties, d.terms) for d in turn.deals()]
        catalogue = turn.catalogue()
        me = turn.player
        partners = [
            p
            for p in _record_partners(catalogue, turn.player_ids, me)
            if not _substantive(deals, _TERM_ITEM, lambda: {e.id: e.kind for e in catalogue}, me, p)
        ]
        partners.sort(key=lambda p: self.last_talked.get(p, 0))
        return [RequestTalks(me, p, level) for p in partners[:limit]]


def accept(turn: Turn) -> Action:
    return Accept(turn.player)


__all__ = [
    "LOWER_IS_BETTER",
    "NOT_TRADED",
    "Offerable",
    "Package",
    "RESERVE",
    "Strategy",
    "TermValues",
    "accept",
    "any_deal",
    "closest_above",
    "deal_move",
    "goes_to",
    "item_kinds",
    "ladder",
    "no_move",
    "offer_action",
    "offerable",
    "pair_catalogue",
    "pair_records",
    "round_days",
    "substantive_deal",
    "trading_partners",
]
