"""One play-through of a scenario: the rules of DESIGN §3 as a deterministic state machine.

A game is fully determined by (rules, seed, actions). :class:`Game` is mutable for speed
(python-chess style); :meth:`Game.copy` gives an independent copy, :attr:`Game.actions` the
action list that replays it. Automatic phases (news, resolution) run inside :meth:`apply`, so
``to_move()`` always names the player who must act, or ``None`` when the game is over.

:class:`Game` is the facade: the state is :class:`~tradegame.engine.state.State`, each phase's
rules live in :mod:`tradegame.engine.phases`, and the phase machine is :meth:`Game.apply`:
talks → orders → resolution (ratification, politics, markets) → news of the next round → talks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tradegame.engine.actions import Action
from tradegame.engine.legal import LegalActions
from tradegame.engine.machine import Machine
from tradegame.engine.projection import batna, what_if
from tradegame.engine.records import (
    ORDERS,
    OVER,
    TALKS,
    Deal,
    LogEntry,
    Session,
    clamp,
    on_step,
    pair_key,
)
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import Projection, score
from tradegame.engine.text import fmt_pct, term_text, terms_text
from tradegame.engine.view import SPECTATOR, Glance, View, Viewer, build_glance, build_view


class Game(Machine):
    """A game in progress. Build one with :meth:`new`; act with :meth:`apply`."""

    @classmethod
    def new(cls, rules: Rules, seed: int = 0) -> Game:
        """A new game of ``rules`` whose chance is decided by ``seed``."""
        return cls(rules, seed)

    @classmethod
    def replay(cls, rules: Rules, seed: int, actions: Iterable[Action]) -> Game:
        """Rebuild a game from its seed and action list (each action is verified)."""
        game = cls(rules, seed)
        for action in actions:
            game.apply(action)
        return game

    def legal_actions(self, player: str | None = None) -> LegalActions:
        """A lazy view of ``player``'s legal actions (iterate, ``in``, ``len``, ``sample``)."""
        return LegalActions(self, player if player is not None else self.to_move())

    def view(self, player: Viewer) -> View:
        """What ``player`` may see (DESIGN §3.7); ``None`` is the instructor's full view,
        :data:`~tradegame.engine.view.SPECTATOR` the public one."""
        return build_view(self, player)

    def glance(self, player: str) -> Glance:
        """Part of ``view(player)`` (the same records, without the tariff table, deals, claims,
        log and history): what an observation vector reads, made much faster."""
        return build_glance(self, player)

    def scores(self) -> dict[str, float]:
        """Each player's score (0–100) if things stay as they are now (final when over)."""
        return {p: score(self, p) for p in self.rules.player_ids}

    def batna(self) -> dict[str, float]:
        """Each player's score if nobody agrees to anything (everyone passes)."""
        return batna(self.rules, self.seed)

    def what_if(self, player: str, actions: Sequence[Action] = ()) -> Projection:
        """Project ``player``'s score after hypothetical ``actions`` (game unchanged)."""
        return what_if(self, player, actions)


__all__ = [
    "ORDERS",
    "OVER",
    "SPECTATOR",
    "TALKS",
    "Deal",
    "Game",
    "LogEntry",
    "Session",
    "clamp",
    "fmt_pct",
    "on_step",
    "pair_key",
    "term_text",
    "terms_text",
]
