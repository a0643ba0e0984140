"""Free-text messages in talks: who may send one, who sees it, and that it changes nothing else.

A :class:`Message` is logged for the two players of the talks session (and the instructor);
the turn, the talks and every number of the game stay as they were. The differential tests
play the same game with and without messages: every viewer's view, minus the message lines it
may see, is identical, third parties and the public view are identical outright, and so are
``what_if`` projections and the final scores.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tradegame.engine import (
    SPECTATOR,
    Action,
    Game,
    IllegalActionError,
    InvalidActionError,
    Message,
    from_json,
    parse,
)
from tradegame.engine.actions import MAX_MESSAGE_CHARS
from tradegame.scenario import load_rules

RULES = load_rules(Path(__file__).with_name("small.yaml"))


def _sequence(texts: list[str], seed: int = 1) -> Game:
    game = Game.new(RULES, seed)
    for text in texts:
        game.apply(parse(text))
    return game


def _json(game: Game, viewer: Any) -> str:
    return json.dumps(game.view(viewer).to_json(), sort_keys=True)


# -- notation -----------------------------------------------------------------------------


def test_a_message_round_trips_in_notation_and_json() -> None:
    action = parse("B message A -- We can live with 15% if you buy   more.")
    assert action == Message("B", "A", "We can live with 15% if you buy more.")
    assert str(action) == "B message A -- We can live with 15% if you buy more."
    assert parse(str(action)) == action
    assert from_json(action.to_json()) == action
    # The text may itself hold "--" and any printable character.
    odd = Message("B", "A", "-- «tariffs» = 10%, ok? -- 🙂")
    assert parse(str(odd)) == odd


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B message A", "is written 'PLAYER message PARTNER -- TEXT'"),
        ("B message A --", "is written 'PLAYER message PARTNER -- TEXT'"),
        ("B message A hello", "is written 'PLAYER message PARTNER -- TEXT'"),
        ("B message A -- " + "x" * (MAX_MESSAGE_CHARS + 1), "at most 500 characters, got 501"),
    ],
)
def test_malformed_messages_are_refused_with_the_reason(text: str, expected: str) -> None:
    with pytest.raises(InvalidActionError, match=expected):
        parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "one line of words"),
        ("two  spaces", "one line of words"),
        (" leading", "one line of words"),
        ("x" * (MAX_MESSAGE_CHARS + 1), "at most 500 characters"),
        ("bell\x07", "without control characters"),
        ("line\nbreak", "without control characters"),
        ("\x1b[2Jclear", "without control characters"),
        ("bidi \u202e txet", "without control characters"),
    ],
)
def test_a_message_text_is_checked_in_json_and_python_objects(text: str, expected: str) -> None:
    data = {"kind": "message", "player": "B", "partner": "A", "text": text}
    with pytest.raises(InvalidActionError, match=expected):
        from_json(data)
    game = Game.new(RULES, 1)
    with pytest.raises(InvalidActionError, match=expected):
        game.verify(Message("B", "A", text))


def test_a_message_at_the_limit_is_accepted() -> None:
    text = "x" * MAX_MESSAGE_CHARS
    game = Game.new(RULES, 1)
    game.apply(parse(f"B message A -- {text}"))
    assert game.log[-1].text == f"B to A: {text}"


# -- legality -----------------------------------------------------------------------------


def test_the_mover_may_send_one_message_to_its_partner_before_each_move() -> None:
    game = Game.new(RULES, 1)
    session = game.session
    assert session is not None and session.pair == ("B", "A") and game.to_move() == "B"
    before = (game.to_move(), session.exchanges, session.offer, session.status)
    game.apply(parse("B message A -- Shall we start with investment?"))
    assert (game.to_move(), session.exchanges, session.offer, session.status) == before
    entry = game.log[-1]
    assert entry.kind == "message" and entry.audience == frozenset({"A", "B"})
    assert entry.text == "B to A: Shall we start with investment?"
    # One message a move: a second one waits until B has moved.
    with pytest.raises(IllegalActionError, match="one message before each move"):
        game.verify(parse("B message A -- And farm goods?"))
    game.apply(parse("B propose A b-invest=40"))
    # A answers: it may write once, then must accept, reject or counter.
    game.apply(parse("A message B -- Too little."))
    with pytest.raises(IllegalActionError, match="one message before each move"):
        game.verify(parse("A message B -- Really."))
    game.apply(parse("A counter B b-invest=80"))
    game.apply(parse("B message A -- Fine."))
    game.apply(parse("B accept"))
    assert game.deals[-1].terms == parse("B propose A b-invest=80").terms  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("B message C -- psst", "B's talks this session are with A"),
        ("B message B -- me", "B's talks this session are with A"),
        ("A message B -- not my turn", "it is B's turn"),
        ("C message A -- outsider", "it is B's turn"),
        ("Z message A -- nobody", "unknown player"),
    ],
)
def test_messages_outside_ones_own_talks_turn_are_illegal(text: str, reason: str) -> None:
    game = Game.new(RULES, 1)
    with pytest.raises(IllegalActionError, match=reason):
        game.verify(parse(text))


def test_no_messages_in_the_orders_phase_and_none_in_the_legal_list() -> None:
    game = _sequence(["B pass"])
    assert game.phase == "orders"
    with pytest.raises(IllegalActionError, match="message is a talks move"):
        game.verify(parse(f"{game.to_move()} message B -- hello"))
    # Free text cannot be listed: the legal actions never hold a message, though one is legal.
    talks = Game.new(RULES, 1)
    legal = talks.legal_actions("B")
    assert parse("B message A -- hello") in legal
    assert not any(isinstance(a, Message) for a in legal)
    assert all(not isinstance(legal.sample(random.Random(n)), Message) for n in range(50))


# -- who sees it --------------------------------------------------------------------------


def test_a_message_is_seen_by_the_two_talkers_and_the_instructor_only() -> None:
    plain = _sequence(["B propose A b-invest=40"])
    told = _sequence(["B message A -- Secret: 80 would do.", "B propose A b-invest=40"])
    for viewer in ("C", SPECTATOR):
        assert _json(told, viewer) == _json(plain, viewer), viewer
        assert str(told.view(viewer)) == str(plain.view(viewer)), viewer
        assert "80 would do" not in _json(told, viewer) + str(told.view(viewer))
        assert told.what_if("C").to_json() == plain.what_if("C").to_json()
    for viewer in ("A", "B", None):
        assert "B to A: Secret: 80 would do." in _json(told, viewer), viewer
        assert "Secret: 80 would do." in str(told.view(viewer)), viewer


def _without_messages(view: dict[str, Any]) -> dict[str, Any]:
    return {**view, "log": [e for e in view["log"] if e["kind"] != "message"]}


def _message_lines(view: dict[str, Any]) -> list[str]:
    return [e["text"] for e in view["log"] if e["kind"] == "message"]


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_messages_change_nothing_but_the_talkers_logs(seed: int) -> None:
    """The same random game with and without messages before talks moves: after every move,
    every viewer's view minus the message lines is the same; third parties, spectators and
    projections see no difference at all; the messages a player sees are those of its own
    sessions; the final scores are equal."""
    rng = random.Random(seed)
    plain, told = Game.new(RULES, seed), Game.new(RULES, seed)
    sent: list[tuple[frozenset[str], str]] = []
    steps = 0
    while not plain.is_over():
        mover = plain.to_move()
        assert mover is not None and told.to_move() == mover
        session = told.session
        if session is not None and rng.random() < 0.7:
            partner = session.responder if mover == session.requester else session.requester
            message = Message(mover, partner, f"note {len(sent)} from {mover}: 80 would do")
            told.apply(message)
            sent.append((frozenset(session.pair), f"{mover} to {partner}: {message.text}"))
        action: Action = plain.legal_actions(mover).sample(rng)
        plain.apply(action)
        told.apply(action)
        steps += 1
        if steps % 7 == 0 or plain.is_over():
            for viewer in (*RULES.player_ids, SPECTATOR, None):
                a, b = plain.view(viewer).to_json(), told.view(viewer).to_json()
                assert _without_messages(b) == a, viewer
                who = viewer if isinstance(viewer, str) else None
                expected = [
                    text
                    for pair, text in sent
                    if viewer is None or (who is not None and who in pair)
                ]
                assert _message_lines(b) == expected, viewer
            if not plain.is_over():
                for p in RULES.player_ids:
                    assert plain.what_if(p).to_json() == told.what_if(p).to_json(), p
    assert told.is_over() and told.scores() == plain.scores()
    # A random game can end before any talks (seed 12671475 did); hypothesis then draws
    # another seed, and fails the test if it finds none that holds talks.
    assume(sent)
    state_plain, state_told = plain.state_json(), told.state_json()
    assert state_told.pop("actions") == state_plain.pop("actions") + len(sent)
    assert state_told == state_plain


def test_a_game_with_messages_replays_from_its_notation() -> None:
    game = _sequence(["B message A -- Let us talk.", "B propose A b-invest=40", "A accept"])
    copy = Game.replay(RULES, 1, [parse(str(a)) for a in game.actions])
    assert copy.state_hash() == game.state_hash()
    assert [e.text for e in copy.log] == [e.text for e in game.log]
