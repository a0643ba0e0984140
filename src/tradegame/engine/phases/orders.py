"""Orders (DESIGN §3.3): each player issues up to ``max_orders`` secret orders, then done.
Each order's legality is written here once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from tradegame.engine.actions import (
    Action,
    Concede,
    Countermeasure,
    Done,
    ExtendDeadline,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
)
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.kinds import DealStatus, LayerStatus, StatementKind, TermKind
from tradegame.engine.phases import talks
from tradegame.engine.records import (
    RATE_EPS,
    on_step,
)
from tradegame.engine.rules import STATEMENT_KINDS, TALK_LEVELS, Rules
from tradegame.engine.state import State
from tradegame.engine.tables import tables_of
from tradegame.engine.text import fmt_pct

# Enum members read on hot paths, bound once: on Python 3.11 reading a member from its enum
# class goes through EnumType.__getattr__ and costs several times a module global.
_LAYER_IN_FORCE = LayerStatus.IN_FORCE
_DEAL_IN_FORCE: Final = DealStatus.IN_FORCE
_FACT_CHECK = StatementKind.FACT_CHECK

# Each kind of order has its rules in two parts, each written once: what the scenario alone
# decides (``*_by_scenario``: instrument, range, step, ownership, levels) and what depends on
# the moment (``*_now``: what is in force, on the table, already ordered this round). Both
# return the reason an order is illegal, or None. :func:`verify` runs both; the sampler
# (legal.py) keeps the candidates that pass the first once per scenario and asks only the
# second in play.


def _tariff_by_scenario(rules: Rules, a: SetTariff) -> str | None:
    p = a.player
    ins = tables_of(rules).tariff_instruments.get((p, a.layer))
    if ins is None:
        return f"{p} has no tariff instrument on layer {a.layer!r}"
    if not ins.min - RATE_EPS <= a.rate <= ins.max + RATE_EPS:
        return f"{a.layer} must stay within {fmt_pct(ins.min)}–{fmt_pct(ins.max)}"
    if not on_step(a.rate, ins.min, ins.max, rules.limits.tariff_step):
        return f"tariffs move in steps of {fmt_pct(rules.limits.tariff_step)} (tariff_step)"
    return None


def _tariff_now(g: State, a: SetTariff) -> str | None:
    if (
        g.layer_status[a.layer] == _LAYER_IN_FORCE
        and abs(g.layer_rate[a.layer] - a.rate) < RATE_EPS
    ):
        return f"{a.layer} is already in force at {fmt_pct(a.rate)}"
    for o in g.orders[a.player]:
        if isinstance(o, SetTariff) and o.layer == a.layer:
            return f"{a.player} already set {a.layer} this round"
    return None


def _countermeasure_by_scenario(rules: Rules, a: Countermeasure) -> str | None:
    if a.package not in tables_of(rules).own_packages[a.player]:
        return f"{a.package!r} is not one of {a.player}'s countermeasures"
    return None


def _countermeasure_now(g: State, a: Countermeasure) -> str | None:
    active = a.package in g.active_packages
    if a.activate == active:
        return f"{a.package} is already {'active' if active else 'suspended'}"
    for o in g.orders[a.player]:
        if isinstance(o, Countermeasure) and o.package == a.package:
            return f"{a.player} already ordered {a.package} this round"
    return None


def _concession_by_scenario(rules: Rules, a: Concede) -> str | None:
    p = a.player
    if len(a.terms) != 1:
        return "a unilateral concession is one catalogue item"
    reason = talks.terms_by_scenario(rules, p, a.partner, a.terms)
    if reason is not None:
        return reason
    item = rules.item(a.terms[0].item)
    if item.owner != p:
        return f"{p} can only concede its own items"
    if item.kind in (TermKind.PROCESS, TermKind.DEADLINE_EXTENSION):
        return (
            f"a {item.kind.replace('_', ' ')} is agreed in talks, not conceded "
            f"(the deadline holder extends with an order)"
        )
    return None


def _concession_now(g: State, a: Concede) -> str | None:
    p = a.player
    term = a.terms[0]
    reason = talks.term_now(g, term)
    if reason is not None:
        return reason
    for o in g.orders[p]:
        if isinstance(o, Concede) and o.terms[0].item == term.item:
            return f"{p} already concedes {term.item} this round"
    parties = (p, a.partner)
    for d in g._force():  # the deals in force (kept, never changed): p's are (p, partner)
        # (The parties first: strings compare in C, terms by their dataclass's __eq__.)
        if d.unilateral and d.parties == parties and d.terms == a.terms:
            return f"{p} already grants {a.partner} exactly this concession"
    return None


def _statement_by_scenario(rules: Rules, a: Statement) -> str | None:
    p = a.player
    kind = a.statement
    if kind not in STATEMENT_KINDS:
        return f"a statement is one of {', '.join(STATEMENT_KINDS)}, not {kind!r}"
    if a.partner not in rules.player_ids or a.partner == p:
        return f"{a.partner!r} is not a partner of {p}"
    if kind in (StatementKind.CLAIM_PROGRESS, StatementKind.REASSURE):
        if a.subject:
            return f"a {kind} statement takes no subject"
    elif kind == _FACT_CHECK:
        claim = next((c for c in rules.claims if c.id == a.subject), None)
        if claim is None or claim.by != a.partner:
            return f"{a.partner} made no public claim {a.subject!r}"
    elif kind == StatementKind.THREAT:
        packages = {c.id for c in rules.player(p).countermeasures if c.target == a.partner}
        layers = {
            t.layer
            for t in rules.player(p).tariffs
            if rules.layer(t.layer).exporter in (a.partner, "all")
        }
        if a.subject not in packages | layers:
            return f"a threat names one of {p}'s countermeasures or tariffs against {a.partner}"
    elif kind == StatementKind.PUBLIC_DEMAND:
        try:
            term = Term.parse(a.subject)
        except ValueError:
            return "a public demand names a term item=level"
        if not rules.has_item(term.item):
            return f"unknown catalogue item {term.item!r}"
        item = rules.item(term.item)
        if item.owner != a.partner or not item.can_go_to(p) or item.level(term.value) is None:
            return f"a public demand names a level of an item {a.partner} can give {p}"
    return None


def _statement_now(g: State, a: Statement) -> str | None:
    p = a.player
    if a.statement == _FACT_CHECK and (p, a.subject) in g.fact_checked:
        return f"{p} already fact-checked {a.subject}"
    for o in g.orders[p]:
        if isinstance(o, Statement) and o.statement == a.statement and o.partner == a.partner:
            return f"{p} already made a {a.statement} statement about {a.partner} this round"
    return None


def _talks_by_scenario(rules: Rules, a: RequestTalks) -> str | None:
    if a.partner not in rules.player_ids or a.partner == a.player:
        return f"{a.partner!r} is not a partner of {a.player}"
    if a.level not in TALK_LEVELS:
        return f"talk level must be one of {', '.join(TALK_LEVELS)}"
    return None


def _talks_now(g: State, a: RequestTalks) -> str | None:
    for o in g.orders[a.player]:
        if isinstance(o, RequestTalks) and o.partner == a.partner:
            return f"{a.player} already requested talks with {a.partner}"
    return None


def _extension_by_scenario(rules: Rules, a: ExtendDeadline) -> str | None:
    if rules.deadline_holder != a.player:
        return f"only the deadline holder ({rules.deadline_holder}) can extend it"
    return None


def _extension_now(g: State, a: ExtendDeadline) -> str | None:
    for o in g.orders[a.player]:
        if isinstance(o, ExtendDeadline):
            return "one extension per round"
    return _extension_moment(g, a)


def _extension_moment(g: State, a: ExtendDeadline) -> str | None:
    """Why the calendar refuses the extension now (or None): all it reads of the state is
    :func:`_extension_moment_key`."""
    if not g._extension_fits(a.days):
        if g.snapped:
            return "the deadline has passed: it cannot be extended"
        c = g.rules.calendar
        left = c.max_extension_days - g.extension_days
        return (
            f"extensions come in steps of {c.extension_step_days} days (or all the "
            f"{left} days left of max_extension_days)"
        )
    return None


def _extension_moment_key(g: State) -> tuple[object, ...]:
    """Every value of the state that :func:`_extension_moment` reads (with the scenario's
    calendar): two states of one scenario with equal keys get the same verdicts."""
    return (g.extension_days, g.snapped)


def _renege_by_scenario(rules: Rules, a: Renege) -> str | None:
    return None  # which deals exist is a matter of the moment


def _renege_now(g: State, a: Renege) -> str | None:
    p = a.player
    deal = g.deal(a.deal)
    if deal is None or deal.status != _DEAL_IN_FORCE or p not in deal.parties:
        return f"{p} has no deal {a.deal!r} in force to renege on"
    if deal.unilateral and deal.parties[0] != p:
        return f"{a.deal} is {deal.parties[0]}'s own concession"
    for o in g.orders[p]:
        if isinstance(o, Renege) and o.deal == a.deal:
            return f"{p} already reneges on {a.deal}"
    return None


BY_SCENARIO: dict[type[Action], Callable[[Rules, Any], str | None]] = {
    SetTariff: _tariff_by_scenario,
    Countermeasure: _countermeasure_by_scenario,
    Concede: _concession_by_scenario,
    Statement: _statement_by_scenario,
    RequestTalks: _talks_by_scenario,
    ExtendDeadline: _extension_by_scenario,
    Renege: _renege_by_scenario,
}
"""Per kind of order: why the scenario never allows it (or None)."""

NOW: dict[type[Action], Callable[[State, Any], str | None]] = {
    SetTariff: _tariff_now,
    Countermeasure: _countermeasure_now,
    Concede: _concession_now,
    Statement: _statement_now,
    RequestTalks: _talks_now,
    ExtendDeadline: _extension_now,
    Renege: _renege_now,
}
"""Per kind of order: why it is not allowed at this moment (or None); for an order that
passes its ``BY_SCENARIO`` check and a player below ``max_orders``."""

BY_MOMENT: dict[
    type[Action], tuple[Callable[[State], tuple[object, ...]], Callable[[State, Any], str | None]]
] = {ExtendDeadline: (_extension_moment_key, _extension_moment)}
"""Kinds of order whose ``NOW`` check is, but for the player's own orders this round, a
check of a few values of the state: (those values, that check). The sampler (legal.py)
remembers that check's verdicts on its candidates by the values, and asks ``NOW`` only of the
candidates it allows."""


def _tariff_key(g: State, p: str) -> tuple[object, ...]:
    # Items, not values: a table's key order is not the scenario's if a caller replaced it.
    return (tuple(g.layer_status.items()), tuple(g.layer_rate.items()))


def _countermeasure_key(g: State, p: str) -> tuple[object, ...]:
    return (frozenset(g.active_packages),)


def _concession_key(g: State, p: str) -> tuple[object, ...]:
    # The concessions ``p`` grants in force (parties: ``p`` and its receiver), with terms:
    # another player's concession does not change p's verdicts.
    force = tuple((d.parties, d.terms) for d in g._force() if d.unilateral and d.parties[0] == p)
    return (*talks.terms_moment(g), force)


def _statement_key(g: State, p: str) -> tuple[object, ...]:
    return (frozenset(g.fact_checked),)


def _talks_key(g: State, p: str) -> tuple[object, ...]:
    return ()


def _extension_key(g: State, p: str) -> tuple[object, ...]:
    return _extension_moment_key(g)


NOW_KEY: dict[type[Action], Callable[[State, str], tuple[object, ...]]] = {
    SetTariff: _tariff_key,
    Countermeasure: _countermeasure_key,
    Concede: _concession_key,
    Statement: _statement_key,
    RequestTalks: _talks_key,
    ExtendDeadline: _extension_key,
}
"""Per kind of order (but reneges, which name a deal): every value of the state its ``NOW``
check reads of player ``p`` when it has given no order this round (with the scenario): two such
states with equal values get the same verdicts on p's orders of that kind. The legal orders'
lists (legal.py) are remembered by them."""


def verify(g: State, a: Action) -> None:
    """Raise :class:`IllegalActionError` unless ``a`` is a legal order (or done) now."""
    if isinstance(a, Done):
        return
    p = a.player
    max_orders = g.rules.limits.max_orders
    if len(g.orders[p]) >= max_orders:
        raise IllegalActionError(
            f"{p} has issued {max_orders} orders this round (max_orders): only done is left"
        )
    by_scenario = BY_SCENARIO.get(type(a))
    if by_scenario is None:
        raise IllegalActionError(
            f"{a.kind} is a talks move; now is the orders phase (orders or done)"
        )
    reason = by_scenario(g.rules, a) or NOW[type(a)](g, a)
    if reason is not None:
        raise IllegalActionError(reason)


def apply(g: State, a: Action) -> bool:
    """Record an order (or done); True when every player is done and resolution is due."""
    if isinstance(a, Done):
        return say_done(g, (a.player,))
    g.orders[a.player].append(a)
    return False


def say_done(g: State, players: Iterable[str]) -> bool:
    """``players`` say done, one after the other (as their Done moves applied in turn); True
    when every player is done and resolution is due."""
    done = g.done
    done.update(players)
    return len(done) == len(g._ids)  # the players (rules.player_ids), an attribute away
