"""Resolution (DESIGN §3.3): orders apply at once, agreed deals face ratification, the
economy runs for the round's days, the deadline may snap back, then politics and markets."""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from typing import Any, Final

from tradegame.engine import economy as eco
from tradegame.engine.actions import (
    Action,
    Concede,
    Countermeasure,
    ExtendDeadline,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
)
from tradegame.engine.errors import NonFiniteError
from tradegame.engine.kinds import DealStatus, LayerStatus, Phase, TermKind
from tradegame.engine.memo import per_rules
from tradegame.engine.phases import markets, politics, ratification
from tradegame.engine.records import (
    OVER,
    RATE_EPS,
    Deal,
    clamp,
    pair_key,
)
from tradegame.engine.rules import Rules
from tradegame.engine.state import LEDGER_BOUND, State
from tradegame.engine.text import fmt_pct, term_text

# Enum members read on hot paths, bound once: on Python 3.11 reading a member from its enum
# class goes through EnumType.__getattr__ and costs several times a module global.
_DEAL_IN_FORCE: Final = DealStatus.IN_FORCE
_DEAL_RENEGED = DealStatus.RENEGED
_LAYER_IN_FORCE = LayerStatus.IN_FORCE
_SUSPEND: Final = TermKind.SUSPEND_COUNTERMEASURES
_CAP: Final = TermKind.TARIFF_CAP
_DEAL_AGREED: Final = DealStatus.AGREED
_DEAL_SUPERSEDED = DealStatus.SUPERSEDED
_PAUSED: Final = LayerStatus.PAUSED
_RESOLUTION: Final = Phase.RESOLUTION
_STATUS: Final = operator.attrgetter("status")
# Builtins called on hot paths, bound as constants: compiled code (mypyc) looks up by name
# at every call a builtin it does not compile inline, and reads a Final from a C static.
_sum: Final = sum
_map: Final = map
_any: Final = any
_gt = operator.gt
_add = operator.add
# The orders that can raise a rate (orders are of these exact classes: phases/orders.py).
_RAISING_CLASSES = (SetTariff, Countermeasure, Renege)


def resolve(g: State) -> None:
    rules = g.rules
    g.phase = _RESOLUTION
    raised_against: set[tuple[str, str]] = set()  # (raiser, victim)
    raised_cells: set[int] = set()  # cells whose rate an order raised this round
    # The rates as resolution begins: what markets compare this round's escalation with.
    start_rates = g._current_rates()
    if _any(g.orders.values()):  # (a round nobody ordered anything in skips the orders)
        _resolve_orders(g, start_rates, raised_against, raised_cells)
    if _DEAL_AGREED in _map(_STATUS, g.deals):  # a deal agreed in talks this round
        ratification.ratify(g)  # each deal entering or leaving force invalidates what it moves
    # Economy over the round's days.
    snap = g.snapshot()
    calendar = rules.calendar
    days = calendar.round_days
    g._accumulate(snap, days)
    day = g.day = g.day + days
    if not g.snapped and day > g.deadline_day:
        _snap_back(g, raised_against)
    politics.update(g, snap, raised_against, raised_cells)
    # Markets read the tariffs as the round ends, a snap-back at the deadline included.
    markets.update(g, g._current_rates(), start_rates)
    # (a game ends when settled only if its calendar says so: most do not, and ask no more)
    over = day > g.final_day or (calendar.end_when_settled and _settled(g))
    if over:
        politics.close(g, raised_cells)  # audience costs still open are charged now
    _check_finite(g)
    if g.RECORDS_ROUNDS:
        # The state after the resolution: a snap-back (or a pledger's credibility) moved
        # the economy since the round's days ran at ``snap`` (issue 15).
        g._record_history()
        g._capture_round()
    if over:
        g.phase = OVER
        g.orders = {p: [] for p in rules.player_ids}
        if g.KEEPS_LOG:
            g._log("end", "The game is over.", phase="end")


def _resolve_orders(
    g: State,
    start_rates: tuple[float, ...],
    raised_against: set[tuple[str, str]],
    raised_cells: set[int],
) -> None:
    """The round's orders apply at once (in player order); who raised a rate against whom
    and which cells' rates orders raised go to ``raised_against`` and ``raised_cells``."""
    # Only these orders can raise a rate; skip the before/after comparison otherwise.
    movers = set()
    raises = _RAISES
    for p, orders in g.orders.items():
        for o in orders:
            raising = raises.get(type(o))
            if raising or (raising is None and isinstance(o, _RAISING_CLASSES)):
                movers.add(p)
                break
    before = start_rates if movers else []
    # The layered rates under caps before any order: breaking a cap means raising a
    # rate above it this round, not touching a layer that covers it (issue 19 a).
    capped_before = _capped_layered_rates(g, movers) if movers else {}
    order_rules = _ORDER_RULES
    for p in g._ids:
        for order in g.orders[p]:
            rule = order_rules.get(type(order)) or _rule_of(order)
            rule(g, order, raised_against)
    if movers:
        # Tariffs and countermeasures change rates, not terms; orders that change deals
        # (concessions, reneges) invalidate everything themselves.
        g._rates = g._snap = None
        after = g._current_rates()
        # A rise counts against the importer only if it moved this round: a cap voided
        # by the partner's renege is not the importer raising its tariff.
        if after != before:  # (no rate moved: none rose)
            import_cells = g.tables.import_cells
            for mover in movers:
                for index, pair in import_cells[mover]:
                    if after[index] > before[index] + RATE_EPS:
                        raised_against.add(pair)
                        raised_cells.add(index)
        _check_caps_kept(g, capped_before)
    if raised_against:
        for raiser, victim in sorted(raised_against):
            key = pair_key(raiser, victim)
            g.relations[key] = clamp(g.relations[key] - g.rules.politics.tariff_raise_relations)


def _check_finite(g: State) -> None:
    """Refuse a non-finite number where the round's computations enter the state (the
    ledger, politics, market stress): one sum of everything, searched only if it is not
    finite (inf and NaN carry through a sum)."""
    # (sum() from 0.0: the floats of sum() from 0, which adds its first float to 0.0, with
    # no look for ints first)
    others = (
        _sum(g.approval.values(), 0.0)
        + _sum(g.credibility.values(), 0.0)
        + _sum(g.relations.values(), 0.0)
    ) + g.stress
    if g._book[1]:
        # A projection's rounds not yet added to its ledger: their numbers, and the sums
        # they are kept for, are finite and all within LEDGER_BOUND, so those sums are
        # finite added or not, and so is the whole sum if the rest is not too large.
        if abs(others) <= LEDGER_BOUND:  # (NaN is not)
            return
    led = g.ledger
    # Each player's sums added in LEDGER_KEYS order (its slice of the key-major sums), as
    # sum() of its sums by name added them (from 0, and 0 + x is 0.0 + x).
    players = 0.0
    sums = led.sums
    for part in led.layout.player_slices:
        players += _sum(sums[part])
    total = others + _sum(led.flow_rate) + _sum(led.flow_value) + players
    if math.isfinite(total):
        return
    named: list[tuple[str, float]] = [("market stress", g.stress)]
    for what, table in (("approval", g.approval), ("credibility", g.credibility)):
        named += [(f"{what} of {p}", v) for p, v in table.items()]
    named += [(f"relations of {a}-{b}", v) for (a, b), v in g.relations.items()]
    for p, by_name in led.player.items():
        named += [(f"{key} of {p}", v) for key, v in by_name.items()]
    cells = eco.compile_rules(g.rules).cells
    for what, values in (("tariff", led.flow_rate), ("trade value", led.flow_value)):
        named += [
            (f"{what} of {c.exporter}->{c.importer} {c.sector}", values[c.index]) for c in cells
        ]
    what, value = next(
        ((w, v) for w, v in named if not math.isfinite(v)), ("sum of the state's numbers", total)
    )
    raise NonFiniteError(
        f"round {g.round}: the {what} became {value} (not a finite number); the "
        f"scenario's numbers are beyond what the economy model can compute"
    )


def _set_tariff(g: State, a: SetTariff, raised_against: set[tuple[str, str]]) -> None:
    g.layer_rate[a.layer] = a.rate
    g.layer_status[a.layer] = _LAYER_IN_FORCE
    g._logf("order", _sets_text, (a.player, g.rules.layer(a.layer).name, a.rate))


def _countermeasure(g: State, a: Countermeasure, raised_against: set[tuple[str, str]]) -> None:
    rules = g.rules
    p = a.player
    pkg = rules.package(a.package)
    if a.activate:
        g.active_packages.add(a.package)
        key = pair_key(p, pkg.target)
        g.relations[key] = clamp(g.relations[key] - rules.politics.countermeasure_relations)
        raised_against.add((p, pkg.target))
        g._logf("order", _activates_text, (p, pkg.name))
        suspending = _suspending_items(rules).get((a.package, p))
        if suspending:  # (no item suspends it: no deal of p's can)
            for deal in _breakable(g, p):
                for t in deal.terms:
                    if t.item in suspending:
                        _void(g, deal, p, "activating suspended countermeasures")
                        break
    else:
        g.active_packages.discard(a.package)
        g._logf("order", _suspends_text, (p, pkg.name))


@per_rules
def _suspending_items(rules: Rules) -> dict[tuple[str, str], frozenset[str]]:
    """The items that suspend each package, by (package, owner): a deal with one of them
    is broken when its owner activates that package."""
    out: dict[tuple[str, str], set[str]] = {}
    for item in rules.items:
        if item.kind == _SUSPEND and item.package is not None:
            out.setdefault((item.package, item.owner), set()).add(item.id)
    return {key: frozenset(ids) for key, ids in out.items()}


def _concede(g: State, a: Concede, raised_against: set[tuple[str, str]]) -> None:
    rules = g.rules
    pol = rules.politics
    p = a.player
    term = a.terms[0]
    item = rules.item(term.item)
    for old in g._force():  # the deals in force (kept, never changed): p's are (p, partner)
        if (
            old.unilateral
            and old.status == _DEAL_IN_FORCE
            and old.parties == (p, a.partner)
            and old.terms[0].item == term.item
        ):
            # A new level of the same concession replaces it.
            g.own_deal(old).status = _DEAL_SUPERSEDED
    # (id, parties, terms, round, level, stakes, status, unilateral: by position, and the
    # owner set apart, which costs less than by keyword)
    deal = Deal(
        f"d{len(g.deals) + 1}",
        (p, a.partner),
        a.terms,
        g.round,
        "unilateral",
        1.0,
        _DEAL_IN_FORCE,
        True,
    )
    deal.owner = g._token
    g.deals.append(deal)
    ratification.take_effect(g, deal)
    key = pair_key(p, a.partner)
    g.relations[key] = clamp(g.relations[key] + pol.goodwill_relations)
    g.credibility[p] = clamp(g.credibility[p] + pol.goodwill_credibility)
    lv = item.level(term.value)
    assert lv is not None
    # A projection reads only its viewer's political numbers (issue 19 b).
    cost = lv.cost if g.knows_politics_of(p) else 0.0
    gain = lv.gain if g.knows_politics_of(a.partner) else 0.0
    g.approval[p] = clamp(g.approval[p] - pol.concession_weight * cost)
    g.approval[a.partner] = clamp(g.approval[a.partner] + pol.concession_weight * gain)
    g._logf("order", _concedes_text, (rules, p, a.partner, term, deal.id))


def _statement(g: State, a: Statement, raised_against: set[tuple[str, str]]) -> None:
    politics.statement(g, a)


def _request_talks(g: State, a: RequestTalks, raised_against: set[tuple[str, str]]) -> None:
    g.requests.append((a.player, a.partner, a.level))
    g._logf("order", _requests_text, (a.player, a.level, a.partner))


def _extend_deadline(g: State, a: ExtendDeadline, raised_against: set[tuple[str, str]]) -> None:
    rules = g.rules
    p = a.player
    g.deadline_day += a.days
    g.extension_days += a.days
    g.credibility[p] = clamp(g.credibility[p] - rules.politics.extension_credibility)
    g.stress = clamp(g.stress - rules.market_stress.extension_relief)
    g._logf("order", _extends_text, (p, a.days, g.date_of(g.deadline_day)))


def _renege(g: State, a: Renege, raised_against: set[tuple[str, str]]) -> None:
    reneged = g.deal(a.deal)
    assert reneged is not None
    _void(g, reneged, a.player, "an explicit renege")


# The rule of each kind of order (phases/orders.py checked it: one of these exact classes).
_ORDER_RULES: dict[type[Action], Callable[[State, Any, set[tuple[str, str]]], None]] = {
    SetTariff: _set_tariff,
    Countermeasure: _countermeasure,
    Concede: _concede,
    Statement: _statement,
    RequestTalks: _request_talks,
    ExtendDeadline: _extend_deadline,
    Renege: _renege,
}


# Whether an order of each class can raise a rate.
_RAISES = {cls: issubclass(cls, _RAISING_CLASSES) for cls in _ORDER_RULES}


def _rule_of(order: Action) -> Callable[[State, Any, set[tuple[str, str]]], None]:
    """The rule of an order whose class is not one of ``_ORDER_RULES`` (only an unchecked
    push can bring one): that of the first order class it is an instance of, or none."""
    for cls, rule in _ORDER_RULES.items():
        if isinstance(order, cls):
            return rule
    return _no_rule


def _no_rule(g: State, a: Action, raised_against: set[tuple[str, str]]) -> None:
    return None


# The text of the log lines of orders (State._logf: made when the log is read).
def _sets_text(p: str, layer: str, rate: float) -> str:
    return f"{p} sets {layer} to {fmt_pct(rate)}."


def _activates_text(p: str, package: str) -> str:
    return f"{p} activates its countermeasures: {package}."


def _suspends_text(p: str, package: str) -> str:
    return f"{p} suspends its countermeasures: {package}."


def _concedes_text(rules: Rules, p: str, partner: str, term: Term, deal_id: str) -> str:
    return f"{p} concedes to {partner}: {term_text(rules, term)} ({deal_id})."


def _requests_text(p: str, level: str, partner: str) -> str:
    return f"{p} requests {level} talks with {partner}."


def _extends_text(p: str, days: int, date: str) -> str:
    return f"{p} extends the deadline by {days} days to {date}."


def _reneges_text(reneger: str, deal_id: str, other: str, how: str) -> str:
    return (
        f"{reneger} reneges on {deal_id} with {other} ({how}); its terms are void for both sides."
    )


def _void(g: State, deal: Deal, reneger: str, how: str) -> Deal:
    """``reneger`` breaks ``deal`` (if it can); returns the deal as it is now in the game
    (the game's own copy if it changed it: State.own_deal)."""
    pol = g.rules.politics
    # Both parties can renege in the same resolution; each pays for its own renege.
    same_time = (
        deal.status == _DEAL_RENEGED and deal.ended_round == g.round and deal.ended_by != reneger
    )
    if (deal.status != _DEAL_IN_FORCE and not same_time) or reneger in deal.reneged_by:
        return deal
    deal = g.own_deal(deal)
    if not same_time:
        deal.status = _DEAL_RENEGED
        deal.ended_by = reneger
        deal.ended_round = g.round
    deal.reneged_by = (*deal.reneged_by, reneger)
    g.credibility[reneger] = clamp(g.credibility[reneger] - pol.renege_credibility)
    other = deal.other(reneger)
    key = pair_key(reneger, other)
    g.relations[key] = clamp(g.relations[key] - pol.renege_relations)
    g._logf("renege", _reneges_text, (reneger, deal.id, other, how))
    g._deal_changed(deal)
    return deal


def _breakable(g: State, p: str) -> list[Deal]:
    """Deals ``p`` can break this round (:func:`_can_break`): those in force, then those its
    partner broke in this same resolution."""
    out = g.deals_in_force(p)
    out += [d for d in g.deals if d.status == _DEAL_RENEGED and _can_break(g, d, p)]
    return out


def _can_break(g: State, deal: Deal, p: str) -> bool:
    """Whether ``p`` can break ``deal`` this round: it is in force, or its partner broke it
    in this same resolution (so who pays does not depend on the order orders are processed:
    each side that breaks a deal pays, issue 19 c)."""
    if p not in deal.parties:
        return False
    if deal.status == _DEAL_IN_FORCE:
        return True
    return deal.status == _DEAL_RENEGED and deal.ended_round == g.round and p not in deal.reneged_by


def _capped_layered_rates(g: State, movers: set[str]) -> dict[int, float]:
    """The layered rate (before caps) of each cell a mover's deal caps."""
    rules = g.rules
    layered = g.layered_rates()
    out: dict[int, float] = {}
    item_cells = g.tables.compiled.item_cells  # covered_cells, remembered
    for deal in g._force():  # the deals in force (kept, never changed)
        # (kind, giver, receiver, level, item) of each term: a cap's giver is the importer.
        entries = deal.entries
        if entries is None:
            entries = eco.deal_entries(rules, deal)
        for kind, importer, exporter, _, item in entries:
            if kind == _CAP and importer in movers:
                cells = item_cells.get((item.id, exporter))
                if cells is None:
                    cells = eco.covered_cells(rules, item, exporter)
                for index in cells:
                    if index not in out:
                        out[index] = layered[index]
    return out


def _check_caps_kept(g: State, before: dict[int, float]) -> None:
    """Raising a tariff above an agreed cap is an implicit renege (DESIGN §3.9): the
    layered rate rose this round and ends above the cap. Lowering a rate that is still
    above the cap breaks nothing."""
    if not before:
        return  # no cell a mover's deal caps: nothing to break
    # Only a renege below moves the layered rates: if no capped cell's rate has risen now,
    # none rises and nothing is broken.
    layered = g.layered_rates()
    for index, was in before.items():  # (a loop: a generator costs more for a few cells)
        if layered[index] > was + RATE_EPS:
            break
    else:
        return
    rules = g.rules
    item_cells = g.tables.compiled.item_cells  # covered_cells, remembered
    for deal in [d for d in g.deals if d.status in (_DEAL_IN_FORCE, _DEAL_RENEGED)]:
        # (kind, giver, receiver, level, item) of each term: a cap's giver is the importer.
        entries = deal.entries
        if entries is None:
            entries = eco.deal_entries(rules, deal)
        for kind, importer, exporter, cap, item in entries:
            if kind != _CAP:
                continue
            if not g.orders[importer] or not _can_break(g, deal, importer):
                continue  # no order of the importer this round: nothing it raised
            cells = item_cells.get((item.id, exporter))
            if cells is None:
                cells = eco.covered_cells(rules, item, exporter)
            for index in cells:
                old = before.get(index)
                if old is None:
                    continue
                # Read again for each cell: a renege here may move the rates.
                new = g.layered_rates()[index]
                if new > old + RATE_EPS and new > cap + RATE_EPS:
                    deal = _void(g, deal, importer, f"a tariff above the agreed {fmt_pct(cap)} cap")
                    break
            if importer in deal.reneged_by:
                break


def _snap_back(g: State, raised_against: set[tuple[str, str]]) -> None:
    g.snapped = True
    before = g._current_rates()
    snapped = []
    for la in g.rules.layers:
        if g.layer_status[la.id] == _PAUSED:
            g.layer_status[la.id] = _LAYER_IN_FORCE
            snapped.append(la)
    g._layers_changed()
    after = g._current_rates()
    if after != before:  # (no rate moved: none rose)
        cells = eco.compile_rules(g.rules).cells
        # The cells whose rate rose: ``new > old + RATE_EPS`` for each (new, old), in cell
        # order (the comparisons made by map: the same floats, without a loop of bytecode).
        rose = map(_gt, after, map(_add, before, itertools.repeat(RATE_EPS, len(before))))
        for index in itertools.compress(range(len(cells)), rose):
            raised_against.add(cells[index].pair)
    if not g.KEEPS_LOG:
        return  # (a projection: its lines are not made)
    if snapped:
        g._logf(
            "deadline", _snapped_text, (tuple([(la.name, g.layer_rate[la.id]) for la in snapped]),)
        )
    else:
        g._log("deadline", "The deadline has passed.")


def _snapped_text(layers: tuple[tuple[str, float], ...]) -> str:
    """The log line of paused ``layers`` (name, rate) snapping back (State._logf: made when
    the log is read, as every projection passes the deadline and nothing reads its log)."""
    names = "; ".join(f"{name} {fmt_pct(rate)}" for name, rate in layers)
    return (
        f"The deadline has passed: paused tariffs snap back ({names}); "
        f"caps in deals still bound them."
    )


def _settled(g: State) -> bool:
    """Every pair with something to give each other has a substantive deal in force (read
    when the calendar's end_when_settled is on)."""
    pairs = g.negotiating_pairs()
    return bool(pairs) and pairs <= g.settled_pairs()
