"""The phase machine: a state that checks and applies actions, running the automatic phases.

talks → orders → resolution (ratification, politics, markets) → news of the next round →
talks, until the game is over. Each phase's rules live in :mod:`tradegame.engine.phases`;
this module only says which phase an action belongs to and what comes next.
"""

from __future__ import annotations

from tradegame.engine.actions import Action, Inject, News, check_action
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.phases import news, orders, resolution, talks
from tradegame.engine.records import ORDERS, OVER, TALKS
from tradegame.engine.rules import Rules
from tradegame.engine.state import State

_INSTRUCTOR = (News, Inject)  # the instructor's actions (bound once: push reads it every move)


class Machine(State):
    """A state driven by actions: :meth:`verify` checks one, :meth:`apply` plays it."""

    def __init__(self, rules: Rules, seed: int) -> None:
        super().__init__(rules, seed)
        self._begin_round()

    # ------------------------------------------------------------------ legality

    def can(self, action: Action) -> bool:
        try:
            self.verify(action)
        except IllegalActionError:
            return False
        return True

    def _legal_now(self, action: Action) -> bool:
        """:meth:`can` for the engine's own candidates (legal.py), well-formed by making:
        the rules only, without :func:`check_action`."""
        try:
            self._check(action)
        except IllegalActionError:
            return False
        return True

    def verify(self, action: Action) -> None:
        """Raise :class:`IllegalActionError`, naming the rule, unless ``action`` is legal now
        (:class:`InvalidActionError` if it is not a well-formed action at all)."""
        verified = self._verified
        if verified is not None and verified[0] is action and verified[1] == len(self.actions):
            return  # this very action was found legal in this very state (e.g. by sample())
        check_action(action)  # InvalidActionError for anything but a well-formed action
        self._check(action)
        # apply() of this very action in this very state need not verify it again (a match
        # verifies each agent's move before applying it).
        self._verified = (action, len(self.actions))

    def _check(self, action: Action) -> None:
        if isinstance(action, (News, Inject)):
            news.verify_instructor(self, action)
            return
        if action.player not in self._ids:
            raise IllegalActionError(f"unknown player {action.player!r}")
        if self.phase == OVER:
            raise IllegalActionError("the game is over")
        mover = self.to_move()
        if action.player != mover:
            raise IllegalActionError(
                f"it is {mover}'s turn ({self.phase} phase), not {action.player}'s"
            )
        if self.phase == TALKS:
            talks.verify(self, action)
        else:
            orders.verify(self, action)

    # ------------------------------------------------------------------ the phase machine

    def apply(self, action: Action) -> None:
        """Verify and play ``action`` (python-chess ``push_uci``: the checked entry point)."""
        verified = self._verified
        if verified is None or verified[0] is not action or verified[1] != len(self.actions):
            self.verify(action)
        self.push(action)

    def push(self, action: Action) -> None:
        """Play ``action`` without checking it (python-chess ``push``): the caller vouches
        that it is legal now. Automatic phases that follow run at once."""
        self._verified = None
        self.actions.append(action)
        if isinstance(action, _INSTRUCTOR):
            news.apply_instructor(self, action)
        elif self.phase == TALKS:
            talks.apply(self, action)  # the last session's end opens the orders phase
        elif orders.apply(self, action):  # everyone is done
            self._end_round()

    def pass_round(self) -> None:
        """Play every move left in this round as the passive one (scoring.play_out_passing):
        in talks, pass (no offer on the table) or reject (an offer); in orders, done, the
        players in turn. The very moves :meth:`push` would be given one at a time, each
        through its phase's own rule (talks.apply; orders.say_done, what orders.apply does
        with a done), then the resolution."""
        self._verified = None
        if self.phase == TALKS:
            passive = self.tables.passive_moves
            append = self.actions.append
            to_move = self.to_move  # who moves: its one rule, asked before every move
            sessions = self.sessions
            apply_talk = talks.apply
            while self.phase == TALKS:  # a session ended moves to the next, or to orders
                mover = to_move()
                assert mover is not None
                pass_, reject, _ = passive[mover]
                offer = sessions[self.session_index].offer
                action: Action = pass_ if offer is None else reject
                append(action)
                apply_talk(self, action)
        if self.phase != ORDERS:
            return  # the game is over
        # Every player to move says done, in turn (each done leaves the next one to move).
        movers = self._turns_left()
        append = self.actions.append
        done_moves = self.tables.done_moves
        for mover in movers:
            append(done_moves[mover])
        done = orders.say_done(self, movers)
        assert done  # (the round ends when the last player is done)
        self._end_round()

    def _end_round(self) -> None:
        """Every player is done: the resolution, then the next round unless it ended the
        game."""
        resolution.resolve(self)
        if self.phase != OVER:
            self.round += 1
            self._sampler_kinds = None  # the sampler's kinds are the round's (legal.py)
            self._begin_round()

    def _begin_round(self) -> None:
        """News, then talks (or straight to orders when no session is held)."""
        news.run(self)
        talks.begin(self)
