"""The pure game engine: rules, actions, state, economy, scoring and views.

No I/O, no UI, no global randomness; imports neither textual nor yaml (a test checks).
A game is fully determined by (rules, seed, actions)::

    game = Game.new(rules, seed=7)
    while not game.is_over():
        player = game.to_move()
        game.apply(game.legal_actions(player).sample(rng))
    game.scores(), game.batna()
"""

from tradegame.engine.actions import (
    Accept,
    Action,
    Concede,
    Counter,
    Countermeasure,
    Done,
    ExtendDeadline,
    Inject,
    Message,
    News,
    Pass,
    Propose,
    Reject,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
    from_json,
    parse,
)
from tradegame.engine.errors import IllegalActionError, InvalidActionError, NonFiniteError
from tradegame.engine.game import Deal, Game, LogEntry
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import Projection
from tradegame.engine.view import SPECTATOR, Glance, View

__all__ = [
    "Accept",
    "Action",
    "Concede",
    "Counter",
    "Countermeasure",
    "Deal",
    "Done",
    "ExtendDeadline",
    "Game",
    "Glance",
    "IllegalActionError",
    "Inject",
    "InvalidActionError",
    "LogEntry",
    "Message",
    "News",
    "NonFiniteError",
    "Pass",
    "Projection",
    "Propose",
    "Reject",
    "Renege",
    "RequestTalks",
    "Rules",
    "SPECTATOR",
    "View",
    "SetTariff",
    "Statement",
    "Term",
    "from_json",
    "parse",
]
