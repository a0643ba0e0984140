"""The sampler's fast legality check (Game._order_legal) must agree with the verifier.

The rules of a few order kinds are written twice for speed (a yes/no check that does not
build an error message); this differential test keeps the two in step.
"""

from __future__ import annotations

import random

import pytest

from tradegame.engine import Game
from tradegame.scenario import load_rules


@pytest.mark.parametrize("name", ["april-2025", "with-china"])
def test_fast_order_check_agrees_with_verify(name: str) -> None:
    rules = load_rules(name)
    checked = 0
    for seed in range(12):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            if game.phase == "orders":
                legal = game.legal_actions(player)
                for group in legal._order_candidates(player):
                    for action in group:
                        assert game._order_legal(action) == game.can(action), str(action)
                        checked += 1
            game.apply(game.legal_actions(player).sample(rng))
    assert checked > 10_000
