"""A passive round played as one step (``Machine.pass_round``, what ``play_out_passing``
plays) is the passive moves pushed one at a time: the same moves, the same state (hash), the
same log and the same scores bit for bit (float.hex), from every state of random games of
every bundled scenario (and of a greedy game), for the game and for projections of it.
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.engine.test_tail_paths import _walk
from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine.actions import Action
from tradegame.engine.machine import Machine
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import play_out_passing, score
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


def _push_one_by_one(game: Machine) -> None:
    """The passive play-out as it was written before pass_round: ask who moves, push the
    passive move (pass with no offer on the table, reject an offer, done in orders)."""
    passive = game.tables.passive_moves
    while not game.is_over():
        mover = game.to_move()
        assert mover is not None
        pass_, reject, done = passive[mover]
        session = game.session
        action: Action = done if session is None else pass_ if session.offer is None else reject
        game.push(action)


def _same_play_out(game: Machine) -> None:
    one_step, one_by_one = game.copy(), game.copy()
    play_out_passing(one_step)
    _push_one_by_one(one_by_one)
    assert one_step.actions == one_by_one.actions
    assert one_step.state_hash() == one_by_one.state_hash()
    assert one_step.log == one_by_one.log
    for p in game.rules.player_ids:
        assert score(one_step, p).hex() == score(one_by_one, p).hex()


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_passive_round_in_one_step_is_the_passive_moves_pushed_one_by_one(name: str) -> None:
    # Every state of a random game, a projection of each, and the finished game.
    states = _walk(_rules(name), 3)
    assert any(s.phase == "talks" for s in states) and any(s.phase == "orders" for s in states)
    for state in states:
        _same_play_out(state)


def test_a_passive_round_in_one_step_equals_pushes_along_a_greedy_game() -> None:
    rules = _rules("april-2025")
    done = play_match(rules, 1, dict.fromkeys(rules.player_ids, "greedy"))
    game = Game.new(rules, 1)
    for action in done.actions:
        player = action.player
        if player in rules.player_ids:
            _same_play_out(Projected.of(game, player))
        _same_play_out(game)
        game.apply(action)


def test_a_passive_round_leaves_a_game_over_as_it_is() -> None:
    rules = _rules("april-2025")
    game = Game.new(rules, 0)
    play_out_passing(game)
    assert game.is_over()
    moves = len(game.actions)
    game.pass_round()
    assert len(game.actions) == moves and game.is_over()


def _turns_one_by_one(game: Machine) -> list[str]:
    """Who to_move names, each player said done in turn: the turns from the rule alone."""
    turns = []
    while (mover := game.to_move()) is not None:
        turns.append(mover)
        game.done.add(mover)
    return turns


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_turns_left_are_to_moves_players_in_turn(name: str) -> None:
    # Every orders state of a random game, with the done it has and with every other set of
    # players done (a caller may push a done out of turn): pass_round plays these turns.
    ids = _rules(name).player_ids
    subsets = [{p for n, p in enumerate(ids) if bits >> n & 1} for bits in range(2 ** len(ids) - 1)]
    states = [s for s in _walk(_rules(name), 5) if s.phase == "orders"]
    assert states
    for state in states:
        for done in [state.done, *subsets]:
            game = state.copy()
            game.done = set(done)
            assert game._turns_left() == _turns_one_by_one(game.copy())
