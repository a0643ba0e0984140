"""A time limit for agents that run inside the game's process (Python classes, installed
packages' agents, the built-ins): what ``--time-limit`` means for them.

Python cannot kill a thread, so the limit is kept this way, and this is all it promises:

* each call of the agent (``act``; ``start`` within the start-up limit; ``end`` and ``close``)
  runs in a daemon thread of its own, on a **private copy of the game** (``Turn.detached``):
  a call that overruns can never read or write the live game, whose caches another agent's
  ``what_if`` would otherwise share;
* the game waits for it at most the limit: then that move becomes a pass (reject, done), the
  incident is recorded as for any failing agent, and the seat is **retired**: it passes for
  the rest of the game without its agent being called again (as a ``cmd:`` bot that keeps
  failing is benched);
* the runaway thread is asked to stop: an exception (:class:`AgentStopped`, a
  ``BaseException``, so ``except Exception`` in the agent does not swallow it) is raised in it
  at its next Python instruction (CPython's ``PyThreadState_SetAsyncExc``). That stops a loop
  or a search in Python code within a fraction of a second. It cannot stop a thread blocked
  in C (a ``time.sleep``, a socket read without a timeout) or one that catches
  ``BaseException``: such a thread runs on in the background, on its own copy, until it
  returns or the program ends (it is a daemon: it never keeps the program alive). The
  incident says which happened, and :func:`runaway_threads` counts those still running.

So the damage of an agent that overruns is bounded to one move's wait, the rest of that game
passed, and — only for an agent that also defeats the stop — one thread per seat and game.
Code you cannot vouch for belongs out of process (``cmd:``), where the whole process group
is killed.

An agent that keeps its own time (the ``cmd:`` bots, or any class with ``keeps_time = True``)
is not wrapped.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from tradegame.engine import Action

STOP_GRACE = 0.2
"""Seconds given to a runaway thread to stop, once asked, before it is reported as running."""

DEFAULT_START_LIMIT = 10.0
"""Seconds for an in-process agent's ``start`` hook when no ``--startup-limit`` is given."""

_RUNAWAYS: list[threading.Thread] = []
_RUNAWAYS_LOCK = threading.Lock()


class AgentOverrun(Exception):
    """An in-process agent took longer than its time limit (its move becomes a pass)."""


class AgentRetired(Exception):
    """The seat of an agent that overran passes for the rest of the game."""


class AgentStopped(BaseException):
    """Raised inside a runaway agent's thread to stop it (not an ``Exception``, so a broad
    ``except Exception`` in the agent does not swallow it)."""


def runaway_threads() -> int:
    """Agent threads that overran, were asked to stop, and are still running."""
    with _RUNAWAYS_LOCK:
        _RUNAWAYS[:] = [t for t in _RUNAWAYS if t.is_alive()]
        return len(_RUNAWAYS)


def _raise_in(thread: threading.Thread) -> bool:
    """Ask ``thread`` to raise :class:`AgentStopped` at its next Python instruction."""
    if sys.implementation.name != "cpython" or thread.ident is None:
        return False
    import ctypes

    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    ident = ctypes.c_ulong(thread.ident)
    hit = set_async(ident, ctypes.py_object(AgentStopped))
    if hit > 1:  # never expected: undo rather than hit several threads
        set_async(ident, None)
        return False
    return bool(hit == 1)


class TimedAgent:
    """An in-process agent with a time limit per call (see the module's description)."""

    keeps_time = True

    def __init__(self, agent: Any, limit: float, start_limit: float | None = None) -> None:
        self.agent = agent
        self.limit = float(limit)
        self.start_limit = max(
            self.limit, DEFAULT_START_LIMIT if start_limit is None else float(start_limit)
        )
        self.name = str(getattr(agent, "name", type(agent).__name__))
        self.description = str(getattr(agent, "description", ""))
        self.retired: str | None = None  # why, once the agent overran

    def __getattr__(self, name: str) -> Any:
        # Anything else (an agent's own attributes, for its tests or reports) is the agent's.
        if name == "agent":
            raise AttributeError(name)
        return getattr(self.agent, name)

    # -- the agent hooks

    def act(self, turn: Any) -> Action:
        if self.retired is not None:
            raise AgentRetired(self.retired)
        private = turn.detached()
        action = self._call("a move", self.limit, self.agent.act, private)
        turn.what_if_calls += private.what_if_calls
        result: Action = action
        return result

    def start(self, player: str, view: Any) -> None:
        hook = getattr(self.agent, "start", None)
        if callable(hook) and self.retired is None:
            self._call("its start", self.start_limit, hook, player, view)

    def end(self, player: str, view: Any) -> None:
        hook = getattr(self.agent, "end", None)
        if callable(hook) and self.retired is None:
            self._call("its end", self.limit, hook, player, view)

    def close(self) -> None:
        hook = getattr(self.agent, "close", None)
        if callable(hook):
            self._call("closing", self.limit, hook)

    # -- one call in a thread

    def _call(self, what: str, limit: float, fn: Callable[..., Any], *args: Any) -> Any:
        box: dict[str, Any] = {}
        finished = threading.Event()
        lock = threading.Lock()
        done = [False]

        def target() -> None:
            try:
                try:
                    box["value"] = fn(*args)
                except BaseException as exc:  # handed to the game's thread, which decides
                    box["error"] = exc
                with lock:
                    done[0] = True
                finished.set()
            except AgentStopped:  # asked to stop just as the call returned
                finished.set()

        thread = threading.Thread(target=target, name=f"tradegame-agent-{self.name}", daemon=True)
        thread.start()
        if not finished.wait(limit):
            with lock:  # no stop is sent once the call has returned
                late = done[0]
                asked = not late and _raise_in(thread)
            if not late:
                thread.join(STOP_GRACE if asked else 0.0)
            if late:
                fate = "its answer came after the limit"
            elif thread.is_alive():
                with _RUNAWAYS_LOCK:
                    _RUNAWAYS.append(thread)
                fate = (
                    "the agent could not be stopped and runs on in the background, on its "
                    "own copy of the game, until it returns or the program ends"
                )
            else:
                fate = "the agent was stopped"
            self.retired = (
                f"the agent took longer than its {limit:g} s limit for {what} earlier in "
                f"the game; its seat passes for the rest of the game"
            )
            raise AgentOverrun(
                f"no answer within the {limit:g} s limit for {what}; its seat passes for the "
                f"rest of the game ({fate})"
            )
        if "error" in box:
            raise box["error"]
        return box.get("value")


__all__ = [
    "DEFAULT_START_LIMIT",
    "STOP_GRACE",
    "AgentOverrun",
    "AgentRetired",
    "AgentStopped",
    "TimedAgent",
    "runaway_threads",
]
