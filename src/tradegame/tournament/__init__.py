"""Tournaments: many headless games between agents, reproducible and parallel.

``plan`` lists the games (every assignment of agents to roles, cycled; a sha256-derived seed
per game), ``run`` plays them in this process or in worker processes and yields their
outcomes in game order (a result, or why a game could not finish), ``ResultsWriter`` streams
results to CSV and JSON lines a whole line at a time, ``read_results`` reads them back for a
resumed run, ``summarize`` aggregates them per agent and per role. ``tradegame tournament``
is the command-line front end.

The runner's names (``run``, ``play_game``, ``GameFailed``, ``Unfinished``) are imported
when first used: importing the package, e.g. for :mod:`tradegame.tournament.processes`,
does not import the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tradegame.tournament.plan import GameTask, assignments, game_seed, plan
from tradegame.tournament.results import (
    GameResult,
    ResultsWriteError,
    ResultsWriter,
    Summary,
    read_results,
    summarize,
)

if TYPE_CHECKING:
    from tradegame.tournament.runner import GameFailed, Unfinished, play_game, run

_RUNNER = ("GameFailed", "Unfinished", "play_game", "run")


def __getattr__(name: str) -> Any:
    if name in _RUNNER:
        return getattr(importlib.import_module("tradegame.tournament.runner"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "GameFailed",
    "GameResult",
    "GameTask",
    "ResultsWriteError",
    "ResultsWriter",
    "Summary",
    "Unfinished",
    "assignments",
    "game_seed",
    "plan",
    "play_game",
    "read_results",
    "run",
    "summarize",
]
