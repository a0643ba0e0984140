"""A number read from outside (a ``cmd:`` bot's answer, a save, the keyboard, JSON) is the
same value however it is written: ``-0``, ``-0%`` and ``-0.0`` are zero.

Found attacking issue 17's number parser: ``US tariff us_jp_autos_232 -0`` from a bot was
legal and set the layer to ``-0.0``. The game then hashed differently from the same game with
``0`` (the state JSON writes ``-0.0``), logged "to -0%", and could not be saved: a save
replays the actions from their notation, where ``-0.0`` is written ``0``, and the replay's
state differed ("cannot save: ... this is a bug in the engine"). ``term_text`` remembers a
term's text per scenario by ``(item, level)``, where ``-0.0 == 0.0``: which text a game got
depended on which game in the process logged the term first.
"""

from __future__ import annotations

import math

import pytest

from tradegame.agents.protocol import parse_reply
from tradegame.engine import Game
from tradegame.engine.actions import Action, Concede, Done, SetTariff, Term, from_json, parse
from tradegame.saves.store import make_document
from tradegame.scenario import load_rules

RULES = load_rules("april-2025")
LAYER = "us_jp_autos_232"  # US's instrument from 0% to 50%


def _orders_game() -> Game:
    game = Game.new(RULES, 1)
    while game.phase != "orders":
        player = game.to_move()
        assert player is not None
        game.apply(next(a for a in game.legal_actions(player) if a.kind in ("pass", "reject")))
    return game


def _played(action: Action) -> Game:
    game = _orders_game()
    game.apply(action)
    while game.phase == "orders":  # the round resolves: the order takes effect
        player = game.to_move()
        assert player is not None
        game.apply(Done(player))
    return game


ZEROS = [
    parse_reply(f'{{"action": "US tariff {LAYER} -0"}}'.encode())[0],  # a cmd: bot's answer
    parse_reply(f'{{"action": "US tariff {LAYER} -0%"}}'.encode())[0],
    parse(f"US tariff {LAYER} -0.0"),  # a save's or the keyboard's notation
    from_json({"kind": "set_tariff", "player": "US", "layer": LAYER, "rate": -0.0}),
]


@pytest.mark.parametrize("action", ZEROS, ids=["bot", "bot-pct", "notation", "json"])
def test_a_negative_zero_read_from_outside_is_zero(action: Action) -> None:
    rate = action.rate  # type: ignore[attr-defined]
    assert math.copysign(1.0, rate) == 1.0
    plain = _played(parse(f"US tariff {LAYER} 0"))
    game = _played(action)
    assert game.state_hash() == plain.state_hash()
    assert [e.to_json() for e in game.log] == [e.to_json() for e in plain.log]
    assert not any("-0%" in e.text for e in game.log)
    # The game saves: its notation replays to the same state.
    make_document(game, dict.fromkeys(RULES.player_ids, "random"))


def test_a_negative_zero_term_level_is_zero() -> None:
    action = parse("EU concede US eu_zero_industrial=-0")
    assert math.copysign(1.0, action.terms[0].value) == 1.0  # type: ignore[attr-defined]
    again = from_json({"kind": "concede", "player": "EU", "partner": "US", "terms": [["x", -0.0]]})
    assert math.copysign(1.0, again.terms[0].value) == 1.0  # type: ignore[attr-defined]


# A Python bot builds its actions itself: ``SetTariff("US", layer, 0)`` with a whole number, or
# -0.0, is natural. Before, it was legal but set the layer to the int 0: the state JSON wrote
# ``0`` not ``0.0``, the hash differed from the same move read from notation, and the game
# could not be saved ("cannot save: ... this is a bug in the engine").
PYTHON_RATES = [SetTariff("US", LAYER, 0), SetTariff("US", LAYER, -0.0)]


@pytest.mark.parametrize("action", PYTHON_RATES, ids=["int", "negative-zero"])
def test_a_python_bots_whole_number_rate_is_the_same_move(action: SetTariff) -> None:
    assert type(action.rate) is float and math.copysign(1.0, action.rate) == 1.0
    plain = _played(parse(f"US tariff {LAYER} 0"))
    game = _played(action)
    assert game.state_hash() == plain.state_hash()
    make_document(game, dict.fromkeys(RULES.player_ids, "random"))


def test_a_python_bots_whole_number_term_level_is_the_same_move() -> None:
    game = _orders_game()
    player = game.to_move()
    assert player is not None
    concession = next(
        a
        for a in game.legal_actions(player)
        if isinstance(a, Concede) and a.terms[0].value == int(a.terms[0].value)
    )
    whole = Concede(
        concession.player,
        concession.partner,
        tuple(Term(t.item, int(t.value)) for t in concession.terms),
    )
    assert all(type(t.value) is float for t in whole.terms)
    hashes = []
    for action in (concession, whole):
        played = _orders_game()
        played.apply(action)
        while played.phase == "orders":
            mover = played.to_move()
            assert mover is not None
            played.apply(Done(mover))
        hashes.append(played.state_hash())
        make_document(played, dict.fromkeys(RULES.player_ids, "random"))
    assert hashes[0] == hashes[1]


def test_only_whole_numbers_and_negative_zero_are_made_plain() -> None:
    """A bool, a huge int or another type is left as given, for check_action to refuse."""
    assert Term("x", True).value is True  # type: ignore[arg-type]
    assert type(Term("x", 2**60).value) is int
    assert Term("x", 0.25).value == 0.25
