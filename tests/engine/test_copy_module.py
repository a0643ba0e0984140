"""copy.copy and copy.deepcopy of a game give an independent game: playing the copy changes
nothing in the original, and the original plays on as if no copy had been made."""

from __future__ import annotations

import copy

import pytest

from tradegame.agents.base import play_match
from tradegame.engine.game import Game
from tradegame.scenario import load_rules


@pytest.mark.parametrize("how", [copy.copy, copy.deepcopy])
def test_a_copy_by_the_copy_module_is_independent(how: object) -> None:
    rules = load_rules("april-2025")
    whole = play_match(rules, 4, dict.fromkeys(rules.player_ids, "hawk"))
    moves = list(whole.actions)
    game = Game(rules, 4)
    for action in moves[: len(moves) // 3]:
        game.apply(action)
    before = game.state_hash()
    other = how(game)  # type: ignore[operator]
    for action in moves[len(moves) // 3 :]:
        other.apply(action)
    assert other.state_hash() == whole.state_hash()
    assert game.state_hash() == before  # the copy's moves reached nothing of the original
    for action in moves[len(moves) // 3 :]:
        game.apply(action)
    assert game.state_hash() == whole.state_hash()
