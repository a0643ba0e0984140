"""A projection's chance replays a stream's shared draws (chance.Replay) instead of restoring
a generator's state for every copy: it must draw exactly what the generator draws, report its
state, and never let one projection's draws reach another's.

- Any sequence of draws, copies and state reads on a replay gives what the same sequence on
  ``random.Random`` in the stream's state gives (hypothesis), before, at and past the shared
  draws.
- At every step of random games of every bundled scenario, a projection's generator draws
  what a generator seeded from the projection's public facts draws, its state is that
  generator's, and a projection drawn from (or a copy of one) changes no other projection of
  the same facts.
"""

from __future__ import annotations

import random
import threading
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradegame.engine import Game
from tradegame.engine.chance import PREFIX, Replay, copy_of, generator_in, stream_of
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Rules
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())

# One step on a replay and on the generator alike: ("draw", n) draws n numbers, ("copy", n)
# goes on with a copy after the one copied from draws n more (which must not reach the copy),
# ("state", 0) compares the states.
_steps = st.lists(
    st.tuples(st.sampled_from(["draw", "copy", "state"]), st.integers(0, PREFIX + 3)),
    max_size=12,
)


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


def _draws(rng: Replay | random.Random, n: int) -> list[str]:
    return [rng.random().hex() for _ in range(n)]


@settings(max_examples=80, deadline=None)
@given(seed=st.one_of(st.integers(), st.text(max_size=8)), steps=_steps)
def test_a_replay_draws_what_the_generator_draws(
    seed: int | str, steps: list[tuple[str, int]]
) -> None:
    replay, real = Replay(stream_of(random.Random(seed))), random.Random(seed)
    for kind, n in steps:
        if kind == "draw":
            assert _draws(replay, n) == _draws(real, n)
        elif kind == "copy":
            copied = copy_of(replay)
            assert isinstance(copied, Replay)
            real_copy = generator_in(real.getstate())
            assert _draws(replay, n) == _draws(real, n)  # the original goes on
            replay, real = copied, real_copy  # and the copy goes on from where it was made
        else:
            assert replay.getstate() == real.getstate()
    assert _draws(replay, 3) == _draws(real, 3)
    assert replay.getstate() == real.getstate()


def test_past_the_shared_draws_a_replay_goes_on_alone() -> None:
    stream = stream_of(random.Random("x"))
    a, b = Replay(stream), Replay(stream)
    real = random.Random("x")
    expected = [real.random() for _ in range(3 * PREFIX)]
    assert [a.random() for _ in range(3 * PREFIX)] == expected
    assert [b.random() for _ in range(3 * PREFIX)] == expected  # a's draws reached no one
    assert a.getstate() == b.getstate() == real.getstate()
    assert stream.draws == tuple(expected[:PREFIX])  # the shared draws never change


def test_replays_in_threads_draw_their_own_numbers() -> None:
    stream = stream_of(random.Random(7))
    real = random.Random(7)
    expected = [real.random() for _ in range(2 * PREFIX)]
    results: list[list[float]] = []

    def run() -> None:
        replay = Replay(stream)
        results.append([replay.random() for _ in range(2 * PREFIX)])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def _seeded(game: Game) -> random.Random:
    return random.Random(f"what-if:{game.seed}:{game.round}:{game.phase}")


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_projection_draws_what_its_seeded_generator_draws(name: str) -> None:
    rules = _rules(name)
    checked = 0
    for seed in range(2):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            first, second = Projected.of(game, player), Projected.of(game, player)
            real = _seeded(game)
            assert first.rng.getstate() == real.getstate()
            n = len(game.actions) % (PREFIX + 9)  # before, at and past the shared draws
            assert [first.rng.random() for _ in range(n)] == [real.random() for _ in range(n)]
            assert first.rng.getstate() == real.getstate()
            copy = first.copy()  # a projection's copy goes on from its draws
            assert copy.rng.getstate() == real.getstate()
            after = copy.rng.random()
            assert after == real.random()
            assert first.rng.random() == after  # the copy's draw did not move the first
            # Nothing drawn by the first projection, or its copy, reached the second.
            fresh = _seeded(game)
            assert second.rng.getstate() == fresh.getstate()
            assert [second.rng.random() for _ in range(5)] == [fresh.random() for _ in range(5)]
            # Nor the game's own generator.
            assert game.rng.getstate() != fresh.getstate()
            checked += 1
            game.apply(game.legal_actions(player).sample(rng))
    assert checked > 20
