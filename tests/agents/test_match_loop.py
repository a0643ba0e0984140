"""The match loop plays exactly the moves it verified, and a failing agent still only loses
its move.

``play_match`` asks each agent through ``safe_move``, which verifies the move in the game as
it is; the loop then plays it without a second check. These tests hold the loop to that:
every game it plays replays move by move through ``Game.replay`` (which verifies each), and an
agent that changes the game behind the loop's back, or answers out of turn, loses its move.
"""

from __future__ import annotations

import random

import pytest

from tradegame.agents.base import Turn, play_match, safe_move
from tradegame.engine import Action, Done, Game
from tradegame.scenario import load_rules

MIXES = [
    ("random", "random", "random"),
    ("greedy", "random", "hawk"),
    ("passive", "dove", "random"),
]


@pytest.mark.parametrize("mix", MIXES, ids="+".join)
def test_every_move_the_loop_plays_replays_verified(mix: tuple[str, ...]) -> None:
    rules = load_rules("april-2025")
    for seed in range(2):
        seats = dict(zip(rules.player_ids, mix, strict=True))
        incidents: list[str] = []
        game = play_match(rules, seed, seats, incidents=incidents)
        assert not incidents
        replayed = Game.replay(rules, seed, game.actions)  # verifies every action
        assert replayed.state_hash() == game.state_hash()
        assert replayed.is_over()


class _MovesBehindTheLoop:
    """In the orders phase, plays an order on the live game inside act(), then returns the
    same order: by then a second one of its kind (a tariff on the same layer, a second
    extension ...), which is illegal."""

    name = "sneaky"
    description = "changes the game behind the loop's back"

    def __init__(self) -> None:
        self.rng = random.Random(5)
        self.times = 0

    def act(self, turn: Turn) -> Action:
        action = turn.legal.sample(self.rng)
        if self.times < 3 and turn.phase == "orders" and not isinstance(action, Done):
            self.times += 1
            turn._game.apply(action)  # the live game, behind the loop's back
        return action


def test_an_agent_that_moves_behind_the_loop_loses_its_move() -> None:
    rules = load_rules("april-2025")
    sneaky = _MovesBehindTheLoop()
    incidents: list[str] = []
    game = play_match(rules, 4, {rules.player_ids[0]: sneaky}, incidents=incidents)
    assert sneaky.times == 3
    assert len(incidents) == 3, incidents
    assert all("illegal move" in line for line in incidents)
    # Whatever it did, each move in the record was legal when it was played.
    assert Game.replay(rules, 4, game.actions).state_hash() == game.state_hash()


def test_safe_move_looks_up_the_mover_unless_told() -> None:
    rules = load_rules("april-2025")
    game = Game.new(rules, 0)
    mover = game.to_move()
    other = next(p for p in rules.player_ids if p != mover)
    assert mover is not None
    # Asked for a player who is not to move, safe_move's turn offers nothing; the agent's
    # move is refused (it is not that player's turn) and becomes the passive move.
    assert not Turn(game, other).legal
    assert len(Turn(game, other).legal) == 0
    move, error = safe_move(_Sampler(), game, other)
    assert error is not None
    assert move.player == other
    move, error = safe_move(_Sampler(), game, mover, moving=True)
    assert error is None
    game.apply(move)


class _Sampler:
    name = "sampler"
    description = "a random legal move"

    def act(self, turn: Turn) -> Action:
        if not turn.legal:
            return Done(turn.player)
        return turn.legal.sample(random.Random(1))
