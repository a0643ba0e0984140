"""``check_action`` remembers the actions it found well formed, by the object itself.

Whatever it is asked, first or again, its answer (nothing, or the InvalidActionError's
message) is its rule's asked afresh (``_check_fields``): for any Python
object shaped as an action (test_malformed_actions' strategy), for the legal moves and the
moves played in random and greedy games of every bundled scenario, and for an action equal to
one remembered but not well formed (a bool or a text level for a float: equal values, not the
same object).
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

import pytest
from hypothesis import example, given

from tradegame.agents.base import play_match
from tradegame.engine import (
    Action,
    Game,
    InvalidActionError,
    Propose,
    SetTariff,
    Term,
)
from tradegame.engine import actions as actions_module
from tradegame.engine.actions import check_action
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

from .test_malformed_actions import not_actions, python_objects

SCENARIOS = sorted(bundled_scenarios())


def _answer(action: object) -> str | None:
    try:
        check_action(action)
    except InvalidActionError as exc:
        return str(exc)
    return None


def _fresh(action: object) -> str | None:
    """The rule's answer, asked afresh (check_action's without its memory)."""
    try:
        actions_module._check_fields(action)
    except InvalidActionError as exc:
        return str(exc)
    return None


def _asked_again(action: object) -> None:
    expected = _fresh(action)
    actions_module._WELL_FORMED.clear()
    assert _answer(action) == expected  # first (remembered if well formed)
    assert _answer(action) == expected  # again, from memory
    assert _answer(action) == expected


@given(python_objects() | not_actions)
@example(SetTariff("A", "a-on-b", math.nan))
@example(Propose("B", "A", (Term("b-invest", "40"),)))  # type: ignore[arg-type]
@example(None)
def test_any_object_gets_the_fresh_answer_asked_again(action: Any) -> None:
    _asked_again(action)


@pytest.mark.parametrize(
    "good, bad",
    [
        (SetTariff("A", "a-on-b", 1.0), SetTariff("A", "a-on-b", True)),
        (SetTariff("A", "a-on-b", 0.5), SetTariff("A", "a-on-b", "0.5")),  # type: ignore[arg-type]
        (
            Propose("B", "A", (Term("b-invest", 1.0),)),
            Propose("B", "A", (Term("b-invest", True),)),
        ),
    ],
)
def test_an_equal_action_not_well_formed_is_refused_after_the_good_one(
    good: Action, bad: Action
) -> None:
    actions_module._WELL_FORMED.clear()
    assert _answer(good) is None
    with pytest.raises(InvalidActionError, match="not an action"):
        check_action(bad)


@pytest.mark.parametrize("name", SCENARIOS)
def test_moves_of_games_get_the_fresh_answer(name: str) -> None:
    rules = load_rules(name)
    ids = rules.player_ids
    checked = 0
    for seed, seat in ((1, "random"), (2, "greedy")):
        played = play_match(rules, seed, dict.fromkeys(ids, seat))
        game = Game.new(rules, seed)
        for n, action in enumerate(played.actions):
            if n % 4 == 0:
                for legal in islice(game.legal_actions(), 40):
                    _asked_again(legal)
                    checked += 1
            _asked_again(action)
            game.apply(action)
    assert checked > 100
