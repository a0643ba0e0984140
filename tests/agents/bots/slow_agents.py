"""In-process agents that overrun their time limit in the ways Python allows: a loop in
Python code (stoppable), a sleep in C code (not stoppable), and a loop that catches every
exception, BaseException included (not stoppable). Each plays the failing seat's own move
(pass, reject, done) until its ``hang_from``-th move, so a game where it overruns is the game
of ``Mover`` in its seat, move for move."""

from __future__ import annotations

import os
import threading
import time

from tradegame.engine import Done, Pass, Reject

RELEASE = threading.Event()
"""Set by the tests to let the unstoppable agents' threads end."""

SEEN_GAMES: list[int] = []
"""id() of the game each agent's turn was on (the tests check it is never the live game)."""


def passive(turn):  # type: ignore[no-untyped-def]
    talks = turn.talks
    if talks is None:
        return Done(turn.player)
    return Pass(turn.player) if talks.offer is None else Reject(turn.player)


class Mover:
    name = "mover"
    description = "plays the move a failing seat gets"

    def __init__(self, rng=None):  # type: ignore[no-untyped-def]
        self.moves = 0

    def act(self, turn):  # type: ignore[no-untyped-def]
        SEEN_GAMES.append(id(turn._game))
        self.moves += 1
        if self.moves >= self.hang_from():
            self.hang(turn)
        return passive(turn)

    def hang_from(self) -> int:
        return int(os.environ.get("TRADEGAME_TEST_HANG_FROM", "3"))

    def hang(self, turn) -> None:  # type: ignore[no-untyped-def]
        return None


class Looper(Mover):
    """Loops in Python code: the stop reaches it at its next instruction."""

    def hang(self, turn) -> None:  # type: ignore[no-untyped-def]
        n = 0
        while True:
            n += 1


class Sleeper(Mover):
    """Sleeps in C code (until released): the stop cannot reach it while it sleeps. When it
    wakes it tries to wreck the game it was given, which is its own copy."""

    def hang(self, turn) -> None:  # type: ignore[no-untyped-def]
        RELEASE.wait(30)
        turn._game.projection_cache.clear()
        turn._game.projection_cache[(len(turn._game.actions), turn.player)] = 1e9
        turn.what_if([])


class Stubborn(Mover):
    """Catches everything, AgentStopped included, and loops on (until released)."""

    def hang(self, turn) -> None:  # type: ignore[no-untyped-def]
        while not RELEASE.is_set():
            try:
                while not RELEASE.is_set():
                    time.sleep(0.001)
            except BaseException:  # noqa: BLE001 - what a badly written agent does
                continue


class SlowStart(Mover):
    """Its start hook takes too long: the seat passes from the first move."""

    def start(self, player, view):  # type: ignore[no-untyped-def]
        RELEASE.wait(30)

    def hang_from(self) -> int:
        return 10**9


class Exiter(Mover):
    """Calls sys.exit() in its move (in the agent's thread): a pass, not the end of the game."""

    def hang(self, turn) -> None:  # type: ignore[no-untyped-def]
        raise SystemExit(3)
