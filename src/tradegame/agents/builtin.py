"""Built-in agents. Each is one explainable strategy; ``description`` says it in a line.

``random`` and ``passive`` live here; the negotiators (hawk, dove, tit-for-tat, boulware,
linear, conceder, greedy) in :mod:`tradegame.agents.negotiators` and the historical agent in
:mod:`tradegame.agents.historical`. Importing this module registers them all.
"""

from __future__ import annotations

import random

from tradegame.agents.base import Turn, register
from tradegame.engine import Action, Done, Pass, Reject
from tradegame.engine.legal import LegalActions


@register("random")
class RandomAgent:
    """Uniform over kinds of legal move, then over moves of that kind."""

    name = "random"
    description = "plays a random legal move (a kind of move first, then one of that kind)"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def act(self, turn: Turn) -> Action:
        return self.move(turn.legal)

    def move(self, legal: LegalActions) -> Action:
        """The move, from the legal actions alone (play_match asks it so, without a turn)."""
        return legal.sample(self.rng)


_RANDOM_ACT = RandomAgent.act


def asks_legal_only(agent: object) -> bool:
    """Whether ``agent`` is the random agent whose act() is its own as written here, which
    reads the turn's legal actions alone: play_match then asks its move() with them and makes
    no turn. An act() set on the instance or the class, or a subclass, is asked as written."""
    if type(agent) is not RandomAgent:
        return False
    # (Not vars(agent): a look at the instance's dict makes its attributes slower to read.)
    act = agent.act
    return getattr(act, "__func__", None) is _RANDOM_ACT and getattr(act, "__self__", None) is agent


_RANDOM_MOVE = RandomAgent.move


def samples_itself(agent: object) -> bool:
    """Whether ``agent``'s move() is RandomAgent.move as written here (``legal.sample`` with
    its ``rng``): play_match then has the seat's legal actions sample with ``agent.rng``
    (read at every move) without calling it. A move() set on the instance or the class is
    called as it is."""
    move = getattr(agent, "move", None)
    own = getattr(move, "__func__", None) is _RANDOM_MOVE
    return own and getattr(move, "__self__", None) is agent


@register("passive")
class PassiveAgent:
    """Never proposes, accepts or orders anything: the BATNA reference."""

    name = "passive"
    description = "never proposes, accepts or orders anything (the BATNA reference)"

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng

    def act(self, turn: Turn) -> Action:
        for action in (Pass(turn.player), Reject(turn.player), Done(turn.player)):
            if action in turn.legal:
                return action
        raise AssertionError("a passive move is always legal")  # pragma: no cover


# The other built-ins register themselves on import.
from tradegame.agents import historical, negotiators, probes, search  # noqa: E402, F401
