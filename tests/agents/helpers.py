"""Helpers for agent tests: games brought to a chosen decision, scripted opponents."""

from __future__ import annotations

from tradegame.agents.base import Turn, passive_move
from tradegame.engine import Game, Propose, RequestTalks, Rules, Term, parse


def game_with_offer(
    rules: Rules, seed: int, round_: int, proposer: str, responder: str, terms: str
) -> Game:
    """A game where everyone passed until round ``round_``, in which ``proposer`` (who asked
    for the talks in the round before) has just offered ``terms`` to ``responder``."""
    game = Game.new(rules, seed)
    requested = False
    while True:
        session = game.session
        if (
            game.round == round_
            and session is not None
            and set(session.pair) == {proposer, responder}
            and session.offer is None
            and game.to_move() == proposer
        ):
            break
        if game.round > round_ or game.is_over():
            raise AssertionError(f"no {proposer}-{responder} session in round {round_}")
        mover = game.to_move()
        assert mover is not None
        if (
            game.phase == "orders"
            and game.round == round_ - 1
            and mover == proposer
            and not requested
        ):
            requested = True
            game.apply(RequestTalks(proposer, responder, "ministerial"))
            continue
        game.apply(passive_move(game, mover))
    deal = tuple(sorted(parse(f"{proposer} propose {responder} {terms}").terms))  # type: ignore[attr-defined]
    game.apply(Propose(proposer, responder, deal))
    return game


def respond(agent: object, game: Game, player: str) -> str:
    """The agent's answer, as notation, to the offer on the table."""
    return str(agent.act(Turn(game, player)))  # type: ignore[attr-defined]


def terms_of(text: str) -> tuple[Term, ...]:
    return parse(text).terms  # type: ignore[attr-defined, no-any-return]
