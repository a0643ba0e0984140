"""A game pickled (or deep-copied) in the orders phase draws what the game itself draws.

The sampler keeps the round's refusals per kind of order, and marks a kind with no legal
order left by one shared list (legal._DEAD), tested by identity. Since 07dd497 the marks are
a list by the kind's slot and go with a pickled game: an unpickled mark was another empty
list, read as a mask, and the next draw of that kind raised IndexError (atk24: siblings suite,
april-2025 seed 0, round 11). On 950a473 the marks were by id of the candidate lists and an
unpickled game found none.
"""

from __future__ import annotations

import copy
import pickle
import random

import pytest

from tradegame.engine import Game
from tradegame.engine.kinds import Phase
from tradegame.engine.legal import _DEAD
from tradegame.scenario import load_rules


def _dead_marks(game: Game) -> int:
    kinds = game._sampler_kinds
    if not kinds:
        return 0
    return sum(mark is _DEAD for entry in kinds.values() for mark in entry[1])


@pytest.mark.parametrize("name", ["april-2025", "with-china"])
def test_a_pickled_game_draws_as_the_game_with_kinds_marked_dead(name: str) -> None:
    rules = load_rules(name)
    checked = 0
    for seed in range(6):
        game = Game.new(rules, seed)
        rng = random.Random(seed)
        while (player := game.to_move()) is not None:
            if game.phase == Phase.ORDERS and _dead_marks(game):
                checked += 1
                for twin in (pickle.loads(pickle.dumps(game)), copy.deepcopy(game)):
                    for k in range(4):
                        drawn = twin.legal_actions(player).sample(random.Random(k))
                        assert drawn == game.copy().legal_actions(player).sample(random.Random(k))
            game.apply(game.legal_actions(player).sample(rng))
    assert checked  # the games met kinds with no legal order left
