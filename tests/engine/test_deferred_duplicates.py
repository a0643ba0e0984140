"""A bot-played game duplicated while it keeps rounds unadded: copy, pickle and deepcopy.

A game that defers its round captures (agents.base.play_match) keeps each round's ledger
additions (State._book) and the actions that end its rounds (_round_marks) until they are
read. A duplicate made at such a moment, without reading the ledger first, must be the game
it was made of: played on, its state, ledger (bit for bit), round hashes and scores are those
of a fresh replay of its actions; and the game it was made of, played on after its
duplicates, is unchanged by them. A tournament or a Dask worker pickles such games; an agent
copies them (Turn.detached, what_if)."""

from __future__ import annotations

import copy
import pickle
import random
from collections.abc import Callable

import pytest

from tradegame.engine import Game
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())

# Pickle first: it keeps the rounds as they are; a copy (and deepcopy, which copies) adds
# the game's rounds to its ledger first, once for both.
DUPLICATES: dict[str, Callable[[Game], Game]] = {
    "pickle": lambda g: pickle.loads(pickle.dumps(g)),
    "copy": lambda g: g.copy(),
    "deepcopy": copy.deepcopy,
}


def _ledger_bits(game: Game) -> tuple[object, ...]:
    led = game.ledger
    return (
        led.days,
        tuple(x.hex() for x in led.sums),
        tuple(x.hex() for x in led.pair_sums),
        tuple(x.hex() for x in led.flow_rate),
        tuple(x.hex() for x in led.flow_value),
    )


def _as_replayed(game: Game, seed: int) -> None:
    fresh = Game.replay(game.rules, seed, list(game.actions))
    assert game.state_hash() == fresh.state_hash()
    assert _ledger_bits(game) == _ledger_bits(fresh)
    assert game.round_hashes == fresh.round_hashes
    assert {p: s.hex() for p, s in game.scores().items()} == {
        p: s.hex() for p, s in fresh.scores().items()
    }


def _play(game: Game, rng: random.Random, moves: int) -> None:
    for _ in range(moves):
        if game.is_over():
            return
        player = game.to_move()
        assert player is not None
        game.apply(game.legal_actions(player).sample(rng))


@pytest.mark.parametrize("name", SCENARIOS)
def test_duplicates_of_a_game_keeping_rounds_play_on_as_replays(name: str) -> None:
    rules = load_rules(name)
    checked = 0
    for seed in range(2):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        game.defer_round_captures()
        kept_before = -1
        while not game.is_over():
            _play(game, rng, 1)
            kept = len(game._book[1])
            # Once per round, while rounds are kept and nothing has read them.
            if not kept or kept == kept_before:
                continue
            kept_before = kept
            assert game._round_marks
            marks = list(game._round_marks)
            for how, duplicate in DUPLICATES.items():
                dup = duplicate(game)
                if how == "pickle":
                    assert len(dup._book[1]) == kept  # the rounds travel unadded
                _play(dup, random.Random(f"{seed}{how}{kept}"), 40)
                _as_replayed(dup, seed)
                checked += 1
            # The duplicates, played on and read, changed nothing of the game's own.
            assert game._round_marks == marks
            _as_replayed(game, seed)
        _as_replayed(game, seed)
    assert checked >= 6
