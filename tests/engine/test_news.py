"""The instructor's typed news item: notation, effects, legality, and saves."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from tradegame.engine import Game, IllegalActionError, InvalidActionError, News, from_json, parse
from tradegame.scenario import load_rules

RULES = load_rules(str(Path(__file__).with_name("small.yaml")))


def test_news_round_trips_and_reads_well() -> None:
    text = "! news stress=12.5 approval:B=-3 relations:A:B=4 -- Bond yields jump -- again"
    action = parse(text)
    assert isinstance(action, News)
    assert action.text == "Bond yields jump -- again"
    assert action.effects == ("stress=12.5", "approval:B=-3", "relations:A:B=4")
    assert str(action) == text
    assert from_json(action.to_json()) == action
    assert str(parse("! news -- Quiet day")) == "! news -- Quiet day"


def test_news_is_public_and_moves_what_it_says() -> None:
    game = Game.new(RULES, 0)
    before = (game.stress, game.approval["B"], game.relations[("A", "B")], game.credibility["C"])
    game.apply(
        parse("! news stress=10 approval:B=-3 relations:A:B=4 credibility:C=-2 -- Markets wobble")
    )
    after = (game.stress, game.approval["B"], game.relations[("A", "B")], game.credibility["C"])
    assert [round(a - b, 9) for a, b in zip(after, before, strict=True)] == [10, -3, 4, -2]
    entry = game.log[-1]
    assert entry.text == "Instructor news: Markets wobble" and entry.audience is None
    assert game.actions[-1] == parse(
        "! news stress=10 approval:B=-3 relations:A:B=4 credibility:C=-2 -- Markets wobble"
    )
    # A replay from the action list reaches the same state.
    assert Game.replay(RULES, 0, game.actions).state_hash() == game.state_hash()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("! news Markets wobble", "news is written '! news [EFFECT ...] -- TEXT'"),
        ("! news --", "news is written '! news [EFFECT ...] -- TEXT'"),
        ("! news stres=3 -- x", "a news effect is stress=N, approval:PLAYER=N"),
        ("! news approval=3 -- x", "a news effect is stress=N, approval:PLAYER=N"),
        ("! news stress=lots -- x", "the size of stress must be a number, got 'lots'"),
        ("A news -- x", "only the instructor ('!') publishes news"),
    ],
)
def test_bad_news_does_not_parse(text: str, message: str) -> None:
    with pytest.raises(InvalidActionError) as info:
        parse(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("! news approval:Z=1 -- x", "news effect approval:Z=1: unknown player 'Z'"),
        ("! news relations:A:A=1 -- x", "news effect relations:A:A=1: a pair of two players"),
    ],
)
def test_news_naming_unknown_players_is_refused(text: str, message: str) -> None:
    game = Game.new(RULES, 0)
    with pytest.raises(IllegalActionError) as info:
        game.apply(parse(text))
    assert str(info.value) == message


def test_the_news_phase_calls_witness_news_of_every_kind_of_state_that_overrides_it() -> None:
    # fire() calls witness_news only for a kind of state that overrides it (WITNESSES_NEWS,
    # set for every subclass by State.__init_subclass__): the news checker's, and any other.
    from tradegame.engine.machine import Machine
    from tradegame.engine.newscheck import _Witnessed
    from tradegame.engine.projection import Projected
    from tradegame.engine.rules import Event
    from tradegame.engine.state import State

    assert _Witnessed.WITNESSES_NEWS
    assert not any(k.WITNESSES_NEWS for k in (State, Machine, Game, Projected))

    seen: list[str] = []

    class Watching(Game):
        def witness_news(self, event: Event, talks_round: int) -> None:
            seen.append(event.id)

    assert Watching.WITNESSES_NEWS
    rules = load_rules("april-2025")
    game = Watching(rules, 0)
    rng = random.Random(0)
    while (mover := game.to_move()) is not None:
        game.apply(game.legal_actions(mover).sample(rng))
    assert seen and Counter(seen) == Counter(game.fired)  # each event, each time it fired
