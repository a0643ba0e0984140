"""Where a tournament's worker processes come from: a fork server, started as early as a
command can (before it imports the engine), forking each worker already warm; spawned
workers where there is no fork server. Light on purpose: it imports neither the engine nor
the agents, so that ``tradegame tournament`` can start the server first thing (the
reasons for a fork server rather than ``fork`` or ``spawn`` are in
:mod:`tradegame.tournament.runner`)."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
from collections.abc import Iterator
from typing import Any

PRELOAD = (
    "__main__",  # the parent's main script, which each worker imports (``tradegame``'s is tiny)
    "tradegame.tournament.runner",
    "tradegame.agents.base",
    "tradegame.agents.builtin",
    "tradegame.scenario",
)
"""Modules the fork server imports once, for every worker it forks: what playing a game of
the built-in agents needs (an agent named by module or path is imported in the worker)."""


_NO_SERVER: list[str] = []
"""Why this process's fork server could not be started, once it could not (its workers are
then spawned)."""


def context() -> Any:
    """The fork server where the platform has one, else spawn (never plain fork: see
    :mod:`tradegame.tournament.runner`). Not before Python 3.11.1: 3.11.0's fork server
    listened on a Linux abstract socket that any local user could connect to
    (CVE-2022-42919); nor in a frozen program (PyInstaller and the like), whose executable
    is not a Python to start the server with; nor where the server cannot listen (its
    socket's path, in the temporary folder, is limited to 108 bytes: a long ``TMPDIR``).
    Starts the fork server if it is not running."""
    if (
        sys.version_info >= (3, 11, 1)
        and not getattr(sys, "frozen", False)
        and "forkserver" in multiprocessing.get_all_start_methods()
        and not _NO_SERVER
    ):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        if _start_server():
            return ctx
    return multiprocessing.get_context("spawn")


def _start_server() -> bool:
    from multiprocessing import forkserver, resource_tracker

    try:
        # The resource tracker first: starting it unblocks SIGINT (it blocks and unblocks it
        # around its own start), which would let the fork server start with SIGINT open.
        resource_tracker.ensure_running()
        with sigint_held():
            forkserver.ensure_running()
    except OSError as exc:  # e.g. "AF_UNIX path too long" under a long TMPDIR
        _NO_SERVER.append(str(exc))
        return False
    return True


@contextlib.contextmanager
def sigint_held() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) in this thread while it starts a process: the process starts
    with SIGINT blocked, as its own handling of Ctrl-C is not set up yet (the terminal sends
    SIGINT to every process of the command; the fork server's imports, or a spawned worker's,
    would each print a traceback). A worker unblocks it once it ignores it
    (:func:`release_sigint`); a Ctrl-C that came meanwhile reaches this process after."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def release_sigint() -> None:
    """In a worker that ignores SIGINT: unblock it (see :func:`sigint_held`), so that the
    programs it starts (``cmd:`` bots) do not inherit it blocked."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def start_workers_early(workers: int) -> None:
    """Start, in the background, what ``workers`` worker processes will be forked from (the
    fork server, importing :data:`PRELOAD`), so that it is ready by the time the games
    start; a command calls this before its own start-up. Nothing is started for one worker,
    or where workers are spawned (each then starts with its pool)."""
    if workers > 1:
        context()


__all__ = ["PRELOAD", "context", "release_sigint", "sigint_held", "start_workers_early"]
