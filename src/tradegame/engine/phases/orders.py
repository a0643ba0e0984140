"""Orders (DESIGN §3.3): each player issues up to ``max_orders`` secret orders, then done.
Each order's legality is written here once."""

from __future__ import annotations

from typing import Any

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
from tradegame.engine.phases import talks
from tradegame.engine.records import (
    RATE_EPS,
    on_step,
)
from tradegame.engine.rules import STATEMENT_KINDS, TALK_LEVELS, Rules
from tradegame.engine.state import State
from tradegame.engine.text import fmt_pct


def _tariff_instrument(rules: Rules, player: str, layer: str) -> Any:
    """``player``'s tariff instrument on ``layer`` (None if it has none); cached per rules."""
    table = rules._index.get("tariff_instruments")
    if table is None:
        table = {}
        for pl in rules.players:
            for t in reversed(pl.tariffs):  # the first instrument on a layer wins, as next()
                table[(pl.id, t.layer)] = t
        rules._index["tariff_instruments"] = table
    return table.get((player, layer))  # type: ignore[attr-defined]


def _own_packages(rules: Rules, player: str) -> frozenset[str]:
    """The ids of ``player``'s countermeasure packages; cached per rules."""
    key = "own_packages:" + player
    own = rules._index.get(key)
    if own is None:
        own = rules._index[key] = frozenset(c.id for c in rules.player(player).countermeasures)
    return own  # type: ignore[return-value]


def verify(g: State, a: Action) -> None:
    rules = g.rules
    p = a.player
    if isinstance(a, Done):
        return
    pending = g.orders[p]
    if len(pending) >= rules.limits.max_orders:
        raise IllegalActionError(
            f"{p} has issued {rules.limits.max_orders} orders this round (max_orders): "
            f"only done is left")
    # The sampler's *_candidate_ok checks below repeat the rules that depend on the
    # state: keep them in step.
    if isinstance(a, SetTariff):
        ins = _tariff_instrument(rules, p, a.layer)
        if ins is None:
            raise IllegalActionError(f"{p} has no tariff instrument on layer {a.layer!r}")
        if not ins.min - RATE_EPS <= a.rate <= ins.max + RATE_EPS:
            raise IllegalActionError(
                f"{a.layer} must stay within {fmt_pct(ins.min)}–{fmt_pct(ins.max)}")
        if not on_step(a.rate, ins.min, ins.max, rules.limits.tariff_step):
            raise IllegalActionError(
                f"tariffs move in steps of {fmt_pct(rules.limits.tariff_step)} (tariff_step)")
        if g.layer_status[a.layer] == "in_force" and \
                abs(g.layer_rate[a.layer] - a.rate) < RATE_EPS:
            raise IllegalActionError(f"{a.layer} is already in force at {fmt_pct(a.rate)}")
        for o in pending:
            if isinstance(o, SetTariff) and o.layer == a.layer:
                raise IllegalActionError(f"{p} already set {a.layer} this round")
    elif isinstance(a, Countermeasure):
        if a.package not in _own_packages(rules, p):
            raise IllegalActionError(f"{a.package!r} is not one of {p}'s countermeasures")
        active = a.package in g.active_packages
        if a.activate == active:
            raise IllegalActionError(
                f"{a.package} is already {'active' if active else 'suspended'}")
        for o in pending:
            if isinstance(o, Countermeasure) and o.package == a.package:
                raise IllegalActionError(f"{p} already ordered {a.package} this round")
    elif isinstance(a, Concede):
        if len(a.terms) != 1:
            raise IllegalActionError("a unilateral concession is one catalogue item")
        talks.check_terms(g, p, a.partner, a.terms)
        item = rules.item(a.terms[0].item)
        if item.owner != p:
            raise IllegalActionError(f"{p} can only concede its own items")
        if item.kind in ("process", "deadline_extension"):
            raise IllegalActionError(
                f"a {item.kind.replace('_', ' ')} is agreed in talks, not conceded "
                f"(the deadline holder extends with an order)")
        for o in pending:
            if isinstance(o, Concede) and o.terms[0].item == a.terms[0].item:
                raise IllegalActionError(f"{p} already concedes {a.terms[0].item} this round")
        if any(d.unilateral and d.terms == a.terms and d.parties == (p, a.partner)
               for d in g.deals_in_force(p)):
            raise IllegalActionError(f"{p} already grants {a.partner} exactly this concession")
    elif isinstance(a, Statement):
        _verify_statement(g, a)
        for o in pending:
            if isinstance(o, Statement) and o.statement == a.statement \
                    and o.partner == a.partner:
                raise IllegalActionError(f"{p} already made a {a.statement} statement "
                                         f"about {a.partner} this round")
    elif isinstance(a, RequestTalks):
        if a.partner not in g._ids or a.partner == p:
            raise IllegalActionError(f"{a.partner!r} is not a partner of {p}")
        if a.level not in TALK_LEVELS:
            raise IllegalActionError(f"talk level must be one of {', '.join(TALK_LEVELS)}")
        for o in pending:
            if isinstance(o, RequestTalks) and o.partner == a.partner:
                raise IllegalActionError(f"{p} already requested talks with {a.partner}")
    elif isinstance(a, ExtendDeadline):
        if rules.deadline_holder != p:
            raise IllegalActionError(
                f"only the deadline holder ({rules.deadline_holder}) can extend it")
        for o in pending:
            if isinstance(o, ExtendDeadline):
                raise IllegalActionError("one extension per round")
        if not g._extension_fits(a.days):
            c = rules.calendar
            left = c.max_extension_days - g.extension_days
            if g.snapped:
                raise IllegalActionError("the deadline has passed: it cannot be extended")
            raise IllegalActionError(
                f"extensions come in steps of {c.extension_step_days} days (or all the "
                f"{left} days left of max_extension_days)")
    elif isinstance(a, Renege):
        deal = g.deal(a.deal)
        if deal is None or deal.status != "in_force" or p not in deal.parties:
            raise IllegalActionError(f"{p} has no deal {a.deal!r} in force to renege on")
        if deal.unilateral and deal.parties[0] != p:
            raise IllegalActionError(f"{a.deal} is {deal.parties[0]}'s own concession")
        for o in pending:
            if isinstance(o, Renege) and o.deal == a.deal:
                raise IllegalActionError(f"{p} already reneges on {a.deal}")
    else:
        raise IllegalActionError(
            f"{a.kind} is a talks move; now is the orders phase (orders or done)")


def _verify_statement(g: State, a: Statement) -> None:
    rules = g.rules
    p = a.player
    if a.statement not in STATEMENT_KINDS:
        raise IllegalActionError(
            f"a statement is one of {', '.join(STATEMENT_KINDS)}, not {a.statement!r}")
    if a.partner not in rules.player_ids or a.partner == p:
        raise IllegalActionError(f"{a.partner!r} is not a partner of {p}")
    kind = a.statement
    if kind in ("claim_progress", "reassure"):
        if a.subject:
            raise IllegalActionError(f"a {kind} statement takes no subject")
    elif kind == "fact_check":
        claim = next((c for c in rules.claims if c.id == a.subject), None)
        if claim is None or claim.by != a.partner:
            raise IllegalActionError(f"{a.partner} made no public claim {a.subject!r}")
        if (p, claim.id) in g.fact_checked:
            raise IllegalActionError(f"{p} already fact-checked {claim.id}")
    elif kind == "threat":
        packages = {c.id for c in rules.player(p).countermeasures
                    if c.target == a.partner}
        layers = {t.layer for t in rules.player(p).tariffs
                  if rules.layer(t.layer).exporter in (a.partner, "all")}
        if a.subject not in packages | layers:
            raise IllegalActionError(
                f"a threat names one of {p}'s countermeasures or tariffs against {a.partner}")
    elif kind == "public_demand":
        try:
            term = Term.parse(a.subject)
        except ValueError:
            raise IllegalActionError("a public demand names a term item=level") from None
        if not rules.has_item(term.item):
            raise IllegalActionError(f"unknown catalogue item {term.item!r}")
        item = rules.item(term.item)
        if item.owner != a.partner or not item.can_go_to(p) or item.level(term.value) is None:
            raise IllegalActionError(
                f"a public demand names a level of an item {a.partner} can give {p}")


def apply(g: State, a: Action) -> bool:
    """Record an order (or done); True when every player is done and resolution is due."""
    if isinstance(a, Done):
        g.done.add(a.player)
        return len(g.done) == len(g.rules.players)
    g.orders[a.player].append(a)
    return False


def tariff_candidate_ok(g: State, a: SetTariff) -> bool:
    if g.layer_status[a.layer] == "in_force" and \
            abs(g.layer_rate[a.layer] - a.rate) < RATE_EPS:
        return False
    for o in g.orders[a.player]:
        if isinstance(o, SetTariff) and o.layer == a.layer:
            return False
    return True


def countermeasure_candidate_ok(g: State, a: Countermeasure) -> bool:
    if a.activate == (a.package in g.active_packages):
        return False
    for o in g.orders[a.player]:
        if isinstance(o, Countermeasure) and o.package == a.package:
            return False
    return True


def concession_candidate_ok(g: State, a: Concede) -> bool:
    item = a.terms[0].item
    if item not in g.available_items:
        return False
    for o in g.orders[a.player]:
        if isinstance(o, Concede) and o.terms[0].item == item:
            return False
    p = a.player
    for d in g.deals:
        if d.unilateral and d.status == "in_force" and d.terms == a.terms \
                and d.parties == (p, a.partner):
            return False
    return True


def statement_candidate_ok(g: State, a: Statement) -> bool:
    if a.statement == "fact_check" and (a.player, a.subject) in g.fact_checked:
        return False
    for o in g.orders[a.player]:
        if isinstance(o, Statement) and o.statement == a.statement \
                and o.partner == a.partner:
            return False
    return True


def talks_candidate_ok(g: State, a: RequestTalks) -> bool:
    for o in g.orders[a.player]:
        if isinstance(o, RequestTalks) and o.partner == a.partner:
            return False
    return True


def extension_candidate_ok(g: State, a: ExtendDeadline) -> bool:
    for o in g.orders[a.player]:
        if isinstance(o, ExtendDeadline):
            return False
    return g._extension_fits(a.days)


def renege_candidate_ok(g: State, a: Renege) -> bool:
    """For a renege on one of the player's deals in force (the sampler's candidates)."""
    deal = g.deal(a.deal)
    if deal is None or deal.status != "in_force" or a.player not in deal.parties:
        return False
    if deal.unilateral and deal.parties[0] != a.player:
        return False
    for o in g.orders[a.player]:
        if isinstance(o, Renege) and o.deal == a.deal:
            return False
    return True
