"""The scenario's numbers politics and markets read each round are kept in the scenario's
tables (``Caches.politics``, ``Caches.markets``) as their modules made them: after random
games of every bundled scenario (projections included), each equals what the module makes
from the rules afresh (a copy of the rules, which no memo has seen), and a pickled game's
tables keep them.
"""

from __future__ import annotations

import copy
import pickle
import random
from functools import cache

import pytest

from tradegame.engine import Game
from tradegame.engine.phases import markets, politics
from tradegame.engine.rules import Rules
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_phase_numbers_kept_in_the_tables_are_the_rules_own(name: str) -> None:
    rules = _rules(name)
    rng = random.Random(0)
    game = Game.new(rules, 0)
    while not game.is_over():
        mover = game.to_move()
        assert mover is not None
        if rng.random() < 0.05:
            game.what_if(mover, [])
        game.apply(game.legal_actions(mover).sample(rng))
    fresh = copy.deepcopy(rules)
    assert fresh is not rules
    caches = game.tables.caches
    assert caches.politics == politics._constants(fresh)
    assert caches.markets == (markets._constants(fresh) or ())
    kept = pickle.loads(pickle.dumps(game)).tables.caches
    assert (kept.politics, kept.markets) == (caches.politics, caches.markets)
