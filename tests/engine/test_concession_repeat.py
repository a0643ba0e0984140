"""A unilateral concession in force is not granted again: the orders phase refuses the very
same concession to the same partner (``orders._concession_now``), and allows the same item
to another partner or at another level."""

from __future__ import annotations

import pytest

from tradegame.engine import Game, IllegalActionError
from tradegame.engine.actions import Concede, Done
from tradegame.scenario import load_rules

RULES = load_rules("april-2025")


def _to_orders(game: Game) -> None:
    while game.phase != "orders":
        player = game.to_move()
        assert player is not None
        game.apply(next(a for a in game.legal_actions(player) if a.kind in ("pass", "reject")))


def _finish_round(game: Game) -> None:
    while game.phase == "orders":
        mover = game.to_move()
        assert mover is not None
        game.apply(Done(mover))


def test_the_same_concession_in_force_is_refused_and_others_are_not() -> None:
    game = Game.new(RULES, 1)
    _to_orders(game)
    player = game.to_move()
    assert player is not None
    concession = next(a for a in game.legal_actions(player) if isinstance(a, Concede))
    game.apply(concession)
    _finish_round(game)
    assert any(
        d.unilateral and d.terms == concession.terms and d.parties == (player, concession.partner)
        for d in game.deals_in_force()
    )
    _to_orders(game)
    while game.to_move() != player:
        mover = game.to_move()
        assert mover is not None
        game.apply(Done(mover))
    again = Concede(player, concession.partner, concession.terms)
    with pytest.raises(IllegalActionError, match="already grants .* exactly this concession"):
        game.apply(again)
    # Not the same concession: the same item at another level, or to another partner.
    others = [
        a
        for a in game.legal_actions(player)
        if isinstance(a, Concede)
        and a.terms[0].item == concession.terms[0].item
        and (a.partner != concession.partner or a.terms != concession.terms)
    ]
    assert others, "no other concession of the same item to check"
    for other in others:
        assert game.can(other)
    assert again not in list(game.legal_actions(player))
