"""A benchmark's ``main`` run so that a scenario that does not load (a misspelt name, a broken
file) ends in the loader's message and exit status 1, not a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def run(main: Callable[[], T]) -> T:
    from tradegame.scenario.loader import ScenarioError  # also where bb57d96 has it

    try:
        return main()
    except ScenarioError as exc:
        sys.exit(f"{Path(sys.argv[0]).name}: {exc}")
