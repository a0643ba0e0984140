"""Market stress, a step of resolution (DESIGN §3.5, §3.10 "pressure is live").

Stress moves towards a target set by the level of the tariffs the holder applies and faces
(and the countermeasures active), closing ``decay`` of the gap each round; on top of that,
markets react to escalation: a rise this round in the trade-weighted tariff the holder applies
or faces (its own orders, a snap-back at the deadline, a partner's retaliation) adds
``escalation_weight`` points per unit of rise at once, and that jump then decays like the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from tradegame.engine import economy as eco
from tradegame.engine.memo import per_rules
from tradegame.engine.records import (
    clamp,
)
from tradegame.engine.rules import Rules
from tradegame.engine.state import State
from tradegame.engine.tables import tables_of

PRESSURES_KEPT: Final = 64  # rates tuples whose pressure is remembered by id, per scenario


def _pressure(
    rules: Rules,
    rates: Sequence[float],
    known: dict[int, tuple[Sequence[float], tuple[float, float]]] | None = None,
    by_value: bool = True,
) -> tuple[float, float]:
    """:func:`economy.stress_pressure` of ``rates``, remembered in ``known`` (the scenario's
    ``tables.Caches.pressures``, read here if not given) by the tuple's id, each kept while
    remembered so that its id is not another's: the game's rates are one shared tuple round
    after round, and hashing its floats costs more than the rule. ``by_value``: whether the
    rule's own memo by the rates' values is asked (projections' rates come back equal)."""
    if known is None:
        known = tables_of(rules).caches.pressures
    entry = known.get(id(rates))
    if entry is not None and entry[0] is rates:
        return entry[1]
    pressure = eco.stress_pressure(rules, rates, by_value)
    if isinstance(rates, tuple):  # never changed: its pressure stays its own
        if len(known) >= PRESSURES_KEPT:
            known.clear()  # bounded; a miss only costs the rule's own memo
        known[id(rates)] = (rates, pressure)
    return pressure


@per_rules
def _package_stress(rules: Rules) -> tuple[tuple[str, float], ...]:
    """Each countermeasure package and the stress it adds while active, in scenario order
    (players, then their packages)."""
    return tuple((c.id, c.market_stress) for p in rules.players for c in p.countermeasures)


_Constants = tuple[float, float, float, float, float, float, tuple[tuple[str, float], ...]]


@per_rules
def _constants(rules: Rules) -> _Constants | None:
    """The scenario's numbers :func:`update` reads each round, read once (None: no player
    holds market stress): floor, tariff weight, retaliation weight, escalation weight,
    decay, the shock of a round whose rates did not move, and each package with the stress
    it adds (:func:`_package_stress`)."""
    if rules.market_stress_player is None:
        return None
    ms = rules.market_stress
    weight = ms.escalation_weight
    return (
        ms.floor,
        ms.tariff_weight,
        ms.retaliation_weight,
        weight,
        ms.decay,
        # Rates that did not move rise by max(0.0, x - x) = 0.0 each (NaN - NaN too): the
        # shock :func:`update` computes from them, made once.
        weight * (0.0 + 0.0) if weight else 0.0,
        _package_stress(rules),
    )


def update(g: State, rates: Sequence[float], rates_before: Sequence[float]) -> None:
    """``rates``: every cell's rate as the round ends; ``rates_before``: when this round's
    resolution began."""
    caches = g.tables.caches
    # (Typed: compiled code then reads its numbers as floats, not as objects.)
    constants: _Constants | tuple[()] | None = caches.markets
    if constants is None:
        constants = caches.markets = _constants(g.rules) or ()
    if not constants:
        return  # no player holds market stress
    floor, tariff_weight, retaliation_weight, escalation_weight, decay, still, packages = constants
    known = caches.pressures
    # _pressure's look-up by the tuple's id, made here (a call costs a tail round more than
    # the look-up): the game's rates are the same tuple round after round.
    entry = known.get(id(rates))
    if entry is not None and entry[0] is rates:
        applied, faced = entry[1]
    else:
        # (a game's own rates rarely come back equal: not hashed)
        applied, faced = _pressure(g.rules, rates, known, g.SHARES_RATES)
    target = floor + tariff_weight * applied + retaliation_weight * faced
    active = g.active_packages
    if active:
        for package, stress in packages:
            if package in active:
                target += stress
    if rates_before is rates or not escalation_weight:
        # The same rates object as the round began (nothing moved them: the usual case)
        # gives the same pressure, as stress_pressure is a function of the rates only.
        shock = still
    else:
        applied_before, faced_before = _pressure(g.rules, rates_before, known, g.SHARES_RATES)
        # max(0.0, rise) of each, as a comparison (the builtin's call costs more than the
        # rest of the step): a rise that is not above 0.0 (a fall, -0.0 or NaN) adds 0.0.
        rise_applied = applied - applied_before
        rise_faced = faced - faced_before
        rise_applied = rise_applied if rise_applied > 0.0 else 0.0
        rise_faced = rise_faced if rise_faced > 0.0 else 0.0
        shock = escalation_weight * (rise_applied + rise_faced)
    g.stress = clamp(g.stress + decay * (target - g.stress) + shock)
