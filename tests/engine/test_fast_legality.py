"""The sampler's fast checks of candidate orders must agree with the verifier.

The state-dependent rules of each order kind are written twice for speed (a yes/no check of
a candidate that does not build an error message); this differential test keeps the two in
step on every candidate, reneges included, in every orders state of random games.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tradegame.engine import Game
from tradegame.scenario import load_rules

SMALL = Path(__file__).with_name("small.yaml")


@pytest.mark.parametrize("name", ["april-2025", "with-china",
                                  pytest.param(str(SMALL), id="small.yaml")])
def test_fast_order_check_agrees_with_verify(name: str) -> None:
    rules = load_rules(name)
    checked = dead_seen = 0
    for seed in range(12):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            if game.phase == "orders":
                legal = game.legal_actions(player)
                if len(game.orders[player]) < rules.limits.max_orders:
                    kinds, dead = legal._order_kinds(player)
                    for group, ok, _, _ in kinds:
                        for action in group or ():
                            assert ok(game, action) == game.can(action), str(action)
                            checked += 1
                        if id(group) in dead:  # a kind once without legal orders stays so
                            assert not any(game.can(a) for a in group or ()), group
                            dead_seen += 1
            game.apply(game.legal_actions(player).sample(rng))
    assert checked > 5_000
    assert dead_seen > 0
