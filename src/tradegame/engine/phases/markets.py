"""Market stress, a step of resolution (DESIGN §3.5)."""

from __future__ import annotations

from tradegame.engine import economy as eco
from tradegame.engine.records import (
    clamp,
)
from tradegame.engine.state import State


def update(g: State, snap: eco.Snapshot) -> None:
    ms = g.rules.market_stress
    if g.rules.market_stress_player is None:
        return
    applied, faced = eco.stress_pressure(g.rules, snap)
    target = ms.floor + ms.tariff_weight * applied + ms.retaliation_weight * faced
    for p in g.rules.players:
        for c in p.countermeasures:
            if c.id in g.active_packages:
                target += c.market_stress
    g.stress = clamp(g.stress + ms.decay * (target - g.stress))
