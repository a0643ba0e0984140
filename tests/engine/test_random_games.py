"""DESIGN acceptance: 1,000 random-agent games of the default scenario finish without an
error, and replaying games from (seed, actions) gives the same state hash."""

from __future__ import annotations

import random

import pytest

from tradegame.engine import Game
from tradegame.scenario import load_rules

RULES = load_rules("april-2025")
GAMES = 1000
CHUNKS = 10


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_random_games_finish_and_replay(chunk: int) -> None:
    per_chunk = GAMES // CHUNKS
    for seed in range(chunk * per_chunk, (chunk + 1) * per_chunk):
        rng = random.Random(seed)
        game = Game.new(RULES, seed)
        steps = 0
        while not game.is_over():
            game.apply(game.legal_actions().sample(rng))
            steps += 1
            assert steps < 2000, f"seed {seed}: game does not end"
        scores = game.scores()
        assert all(0.0 <= s <= 100.0 for s in scores.values())
        if seed % 10 == 0:  # replay one game in ten, from the action list alone
            replayed = Game.replay(RULES, seed, game.actions)
            assert replayed.state_hash() == game.state_hash()
            assert replayed.round_hashes == game.round_hashes
