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
from tradegame.engine.records import (
    clamp,
)
from tradegame.engine.state import State


def update(g: State, rates: Sequence[float], rates_before: Sequence[float]) -> None:
    """``rates``: every cell's rate as the round ends; ``rates_before``: when this round's
    resolution began."""
    ms = g.rules.market_stress
    if g.rules.market_stress_player is None:
        return
    applied, faced = eco.stress_pressure(g.rules, rates)
    target = ms.floor + ms.tariff_weight * applied + ms.retaliation_weight * faced
    for p in g.rules.players:
        for c in p.countermeasures:
            if c.id in g.active_packages:
                target += c.market_stress
    shock = 0.0
    if ms.escalation_weight:
        applied_before, faced_before = eco.stress_pressure(g.rules, rates_before)
        shock = ms.escalation_weight * (
            max(0.0, applied - applied_before) + max(0.0, faced - faced_before)
        )
    g.stress = clamp(g.stress + ms.decay * (target - g.stress) + shock)
