"""Market stress, a step of resolution (DESIGN §3.5, §3.10 "pressure is live").

Stress moves towards a target set by the level of the tariffs the holder applies and faces
(and the countermeasures active), closing ``decay`` of the gap each round; on top of that,
markets react to escalation: a rise this round in the trade-weighted tariff the holder applies
or faces (its own orders, a snap-back at the deadline, a partner's retaliation) adds
``escalation_weight`` points per unit of rise at once, and that jump then decays like the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from tradegame.engine import economy as eco
from tradegame.engine.memo import per_rules
from tradegame.engine.records import (
    clamp,
)
from tradegame.engine.rules import Rules
from tradegame.engine.state import State


@per_rules
def _package_stress(rules: Rules) -> tuple[tuple[str, float], ...]:
    """Each countermeasure package and the stress it adds while active, in scenario order
    (players, then their packages)."""
    return tuple((c.id, c.market_stress) for p in rules.players for c in p.countermeasures)


def update(g: State, rates: Sequence[float], rates_before: Sequence[float]) -> None:
    """``rates``: every cell's rate as the round ends; ``rates_before``: when this round's
    resolution began."""
    rules = g.rules
    ms = rules.market_stress
    if rules.market_stress_player is None:
        return
    applied, faced = eco.stress_pressure(rules, rates)
    target = ms.floor + ms.tariff_weight * applied + ms.retaliation_weight * faced
    active = g.active_packages
    for package, stress in _package_stress(rules):
        if package in active:
            target += stress
    shock = 0.0
    if ms.escalation_weight:
        # The same rates object as the round began (nothing moved them: the usual case)
        # gives the same pressure: stress_pressure is a function of the rates only.
        applied_before, faced_before = (
            (applied, faced) if rates_before is rates else eco.stress_pressure(rules, rates_before)
        )
        shock = ms.escalation_weight * (
            max(0.0, applied - applied_before) + max(0.0, faced - faced_before)
        )
    g.stress = clamp(g.stress + ms.decay * (target - g.stress) + shock)
