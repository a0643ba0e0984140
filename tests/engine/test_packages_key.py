"""The active packages in a projection's memo keys (the rates by layers, packages and deals;
the snapshots by rates and packages) are one frozenset made while the packages stay the same
(State._packages_made): each key must hold the packages active when it is made, also when a
caller changes the set in place.

Random games of every scenario, a projection of each state (the states that share rates),
with a countermeasure package switched in place and back: the rates and the snapshot must be
those made from nothing (eco.all_rates, eco.index_terms, eco.snapshot), bit for bit.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tradegame.engine import economy as eco
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Rules
from tradegame.engine.state import State

from .test_fast_paths import _scenarios
from .test_round_caches import _play
from .test_snapshot_operands import _fields


def _fresh(game: State) -> tuple[list[float], dict[str, object]]:
    """The rates and the snapshot's fields of ``game`` from nothing."""
    force = [d for d in game.deals if d.status == "in_force"]
    terms = eco.index_terms(game.rules, force, game.credibility)
    compiled = eco.compile_rules(game.rules)
    packages = set(game.active_packages)
    rates = eco.all_rates(compiled, game.layer_rate, game.layer_status, packages, terms)
    return rates, _fields(eco.snapshot(game.rules, tuple(rates), terms, packages))


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_memo_keys_hold_the_packages_active_now(name: str, rules: Rules) -> None:
    packages = [c.id for p in rules.players for c in p.countermeasures]
    seen = Counter[str]()
    for n, game in enumerate(_play(rules, range(4), what_if=0.05, copies=0.02)):
        if n % 3:
            continue
        sim = Projected.of(game, rules.player_ids[n % len(rules.player_ids)])
        assert sim.SHARES_RATES
        switched = packages[n % len(packages)] if packages else None
        # As it is; a package switched in place (as a caller may); switched back.
        for step in range(3):
            rates, snap = _fresh(sim)
            assert sim.rates() == rates
            assert _fields(sim.snapshot()) == snap
            seen["packages" if sim.active_packages else "none"] += 1
            if switched is None:
                break
            sim.active_packages ^= {switched}
            sim._invalidate()
            seen["switched"] += step < 2
    assert seen["packages"] > 20 and seen["none"] > 0, seen
