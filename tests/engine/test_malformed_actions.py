"""Malformed actions from any source are InvalidActionError, never another exception.

An action enters the engine as notation (``parse``), as JSON (``from_json``, e.g. from an
external bot) or as a Python object (``apply``/``verify``, e.g. from a Python agent). Whatever
arrives, the answer is an action, InvalidActionError (not an action) or IllegalActionError (an
action not allowed now). Guards: OverflowError from a huge integer in JSON, TypeError from an
unhashable kind or a wrongly typed field reaching the rules, NaN slipping past comparisons.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tradegame.engine import (
    ExtendDeadline,
    Game,
    IllegalActionError,
    InvalidActionError,
    Pass,
    Propose,
    SetTariff,
    Term,
    from_json,
    parse,
)
from tradegame.engine.actions import ACTION_TYPES
from tradegame.scenario import load_rules

SMALL = Path(__file__).with_name("small.yaml")
REFUSED = (InvalidActionError, IllegalActionError)

# -- strategies -------------------------------------------------------------------------------

huge_ints = st.sampled_from([10**400, -(10**400), 2**53 + 1, 2**64, 10**1000])
odd_floats = st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0, 5e-324])
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_ints,
    st.floats(),
    odd_floats,
    st.text(max_size=8),
    st.sampled_from(["A", "B", "C", "!", "a-on-b", "b-cm", "a-cap-b", ""]),
)
json_trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def action_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A dict with a real kind (or a junk one) and its field names, values of any JSON type."""
    kind = draw(st.one_of(st.sampled_from(sorted(ACTION_TYPES)), json_trees))
    names = (
        [f.name for f in dataclasses.fields(ACTION_TYPES[kind])]
        if isinstance(kind, str) and kind in ACTION_TYPES
        else ["player"]
    )
    data: dict[str, Any] = {"kind": kind}
    for name in names:
        data[name] = draw(st.one_of(json_trees, st.lists(st.tuples(scalars, scalars), max_size=3)))
    return data


words = st.sampled_from(
    [
        "propose",
        "counter",
        "concede",
        "accept",
        "reject",
        "pass",
        "done",
        "tariff",
        "countermeasure",
        "say",
        "request",
        "extend",
        "renege",
        "inject",
        "news",
        "--",
        "on",
        "off",
        "ministerial",
    ]
)
tokens = st.one_of(
    words,
    st.sampled_from(
        [
            "A",
            "B",
            "C",
            "!",
            "a-on-b",
            "a-cap-b=0.1",
            "b-invest=40,b-farm=5",
            "1e400",
            "-1e400",
            "nan",
            "inf",
            "1e308",
            "9" * 400,
            "0.5%",
            "x=",
            "=1",
            "stress=1e400",
            "approval:B=nan",
            ",",
        ]
    ),
    st.text(min_size=1, max_size=6),
)
notations = st.one_of(st.text(max_size=30), st.lists(tokens, min_size=1, max_size=6).map(" ".join))

# Python objects: each action class built with values of any type in its fields.
field_values = st.one_of(
    scalars,
    json_trees,
    st.lists(st.builds(Term, scalars, scalars), max_size=3).map(tuple),
    st.just(object()),
    st.just(b"A"),
)


@st.composite
def python_objects(draw: st.DrawFn) -> Any:
    cls = draw(st.sampled_from(sorted(ACTION_TYPES.values(), key=lambda c: c.kind)))
    names = [f.name for f in dataclasses.fields(cls)]
    values = [
        draw(st.one_of(st.sampled_from(["A", "B", "C"]), field_values))
        if name == "player"
        else draw(field_values)
        for name in names
    ]
    return cls(*values)


not_actions = st.one_of(
    json_trees,
    st.just(object()),
    st.just(Term("a-cap-b", 0.1)),
    st.just(SetTariff),
    st.just("B pass"),
)


# -- games to apply to ------------------------------------------------------------------------


@cache
def _games() -> tuple[Game, Game]:
    """small.yaml at its first talks move and at its first orders move."""
    rules = load_rules(SMALL)
    talks = Game.new(rules, 3)
    orders = talks.copy()
    rng = random.Random(3)
    while orders.phase != "orders":
        orders.apply(orders.legal_actions().sample(rng))
    return talks, orders


def _apply_or_refuse(action: Any) -> None:
    for base in _games():
        game = base.copy()
        try:
            game.verify(action)
        except REFUSED:
            pass
        try:
            game.apply(action)
        except REFUSED:
            continue
        # Applied: it was a real, legal action, and the state is still sound.
        assert isinstance(action, tuple(ACTION_TYPES.values()))
        json.dumps(game.view(None).to_json(), allow_nan=False)
        game.state_hash()


# -- the properties ---------------------------------------------------------------------------


@given(st.one_of(action_shaped(), json_trees))
@example({"kind": "set_tariff", "player": "A", "layer": "a-on-b", "rate": 10**400})
@example({"kind": "propose", "player": "B", "partner": "A", "terms": [["b-invest", 10**400]]})
@example({"kind": "extend_deadline", "player": "A", "days": 10**1000})
@example({"kind": ["pass"], "player": "A"})
@example({"kind": {"x": 1}})
@example([{"kind": "pass", "player": "A"}])
def test_from_json_gives_an_action_or_invalid(data: Any) -> None:
    try:
        action = from_json(data)
    except InvalidActionError as exc:
        assert len(str(exc)) < 400  # the input is described, not dumped
        return
    assert parse(str(action)) == action
    _apply_or_refuse(action)


@given(notations)
@example("A extend 1e400")
@example("A extend " + "9" * 400)
@example("A tariff a-on-b nan")
@example("! news stress=1e400 -- x")
def test_parse_gives_an_action_or_invalid(text: str) -> None:
    try:
        action = parse(text)
    except InvalidActionError:
        return
    assert parse(str(action)) == action
    _apply_or_refuse(action)


@given(st.one_of(python_objects(), not_actions))
@example(SetTariff("A", "a-on-b", "0.5"))  # type: ignore[arg-type]
@example(SetTariff("A", "a-on-b", math.nan))
@example(SetTariff("A", "a-on-b", 10**400))
@example(Propose("B", "A", [("b-invest", 40.0)]))  # type: ignore[arg-type]
@example(Propose("B", "A", (Term("b-invest", "40"),)))  # type: ignore[arg-type]
@example(ExtendDeadline("A", 7.0))  # type: ignore[arg-type]
@example(Pass(None))  # type: ignore[arg-type]
@example("B pass")
@example(None)
def test_apply_and_verify_give_success_or_action_errors(action: Any) -> None:
    _apply_or_refuse(action)


@pytest.mark.parametrize(
    "bad",
    [
        SetTariff("A", "a-on-b", "0.5"),  # type: ignore[arg-type]
        Propose("B", "A", [("b-invest", 40.0)]),  # type: ignore[arg-type]
        "B pass",
    ],
)
def test_a_wrongly_typed_object_is_invalid_with_a_reason(bad: Any) -> None:
    game = _games()[0].copy()
    with pytest.raises(InvalidActionError, match="not an action"):
        game.apply(bad)
    assert game.actions == []  # nothing was applied


def test_a_huge_number_in_json_is_invalid_not_overflow() -> None:
    with pytest.raises(InvalidActionError, match="rate should be a finite number"):
        from_json({"kind": "set_tariff", "player": "A", "layer": "a-on-b", "rate": 10**400})


def test_an_integer_too_long_to_print_is_described_not_printed() -> None:
    # repr() of an int of more than 4300 digits raises ValueError: the message must not try.
    for data in (
        {"kind": "extend_deadline", "player": "A", "days": 10**5000},
        {"kind": "set_tariff", "player": "A", "layer": "x", "rate": [10**5000] * 2},
        {"kind": 10**5000},
    ):
        with pytest.raises(InvalidActionError):
            from_json(data)


# -- text that would reach every player's screen ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "! news -- Markets \x1b[2Jcalm",
        "! news -- \x1b]52;c;cHduZWQ=\x07 clipboard",
        "! news stress=5 -- rates \u202eevil",
        "! news -- bell\x9b31m",
    ],
)
def test_news_with_control_characters_is_not_an_action(text: str) -> None:
    game = _games()[1].copy()
    with pytest.raises(InvalidActionError, match="without control characters") as info:
        game.apply(parse(text))
    assert "\x1b" not in str(info.value) and "\u202e" not in str(info.value)
    news = {"kind": "news", "player": "!", "text": "a\x1bb", "effects": []}
    with pytest.raises(InvalidActionError, match="without control characters"):
        from_json(news)


_SOME_TEXTS = st.text(alphabet=st.sampled_from(["a", "U", " ", "\x1b", "\u202e", "é", "\x7f"]))


@given(st.lists(st.one_of(_SOME_TEXTS, st.text(max_size=6)), max_size=30))
def test_a_text_is_clean_as_the_search_says_asked_once_or_again(texts: list[str]) -> None:
    """``_text_ok`` remembers the texts it found clean: asked again (from the memory), or
    after the memory was emptied, its answer is the control-character search's, from nothing."""
    from tradegame.engine import actions

    for text in texts + texts[::-1]:
        expected = actions._CONTROL.search(text) is None
        assert actions._text_ok(text) is expected
        assert actions._text_ok(text) is expected  # again: remembered if clean
        assert actions._text_ok(type("S", (str,), {})(text)) is False  # a str subclass never
    actions._CLEAN.clear()
    assert all(actions._text_ok(t) is (actions._CONTROL.search(t) is None) for t in texts)
