"""The sampler remembers, for the round, the kinds of order with no legal order left (and
the candidates refused).

Each order's rules are written once (``phases/orders.py``); the sampler asks them about its
candidates. What it adds is a memory: a kind found without a legal order is skipped for the
rest of the round. Within a round a player's orders only make more candidates illegal, so a
dropped kind must really have none, in every orders state of random games.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tradegame.engine import Game
from tradegame.engine.legal import _DEAD
from tradegame.scenario import load_rules

SMALL = Path(__file__).with_name("small.yaml")


@pytest.mark.parametrize(
    "name", ["april-2025", "with-china", pytest.param(str(SMALL), id="small.yaml")]
)
def test_a_kind_the_sampler_dropped_has_no_legal_order(name: str) -> None:
    rules = load_rules(name)
    dead_seen = 0
    for seed in range(12):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            if game.phase == "orders":
                legal = game.legal_actions(player)
                if len(game.orders[player]) < rules.limits.max_orders:
                    kinds, marks, _, _, _ = legal._order_kinds(player)
                    for group, _, _, _, _, slot in kinds:
                        mark = marks[slot]
                        if mark is _DEAD:  # a kind once without legal orders stays so
                            assert not any(game.can(a) for a in group or ()), group
                            dead_seen += 1
                        elif mark is not None:  # and a candidate once refused (see also
                            # test_decision_caches: every marked one, checked on a copy)
                            refused = [a for a, ok in zip(group, mark, strict=True) if not ok]
                            assert not any(game.can(a) for a in refused), refused
            game.apply(game.legal_actions(player).sample(rng))
    assert dead_seen > 0
