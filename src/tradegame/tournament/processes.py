"""Where a tournament's worker processes come from: a fork server, started as early as a
command can (before it imports the engine), forking each worker already warm; spawned
workers where there is no fork server. Light on purpose: it imports neither the engine nor
the agents, so that ``tradegame tournament`` can start the server first thing (the
reasons for a fork server rather than ``fork`` or ``spawn`` are in
:mod:`tradegame.tournament.runner`)."""

from __future__ import annotations

import multiprocessing
import sys
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


def context() -> Any:
    """The fork server where the platform has one, else spawn (never plain fork: see
    :mod:`tradegame.tournament.runner`). Not before Python 3.11.1: 3.11.0's fork server
    listened on a Linux abstract socket that any local user could connect to
    (CVE-2022-42919); nor in a frozen program (PyInstaller and the like), whose executable
    is not a Python to start the server with."""
    if (
        sys.version_info >= (3, 11, 1)
        and not getattr(sys, "frozen", False)
        and "forkserver" in multiprocessing.get_all_start_methods()
    ):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


def start_workers_early(workers: int) -> None:
    """Start, in the background, what ``workers`` worker processes will be forked from (the
    fork server, importing :data:`PRELOAD`), so that it is ready by the time the games
    start; a command calls this before its own start-up. Nothing is started for one worker,
    or where workers are spawned (each then starts with its pool)."""
    if workers > 1:
        ctx = context()
        if ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()


__all__ = ["PRELOAD", "context", "start_workers_early"]
