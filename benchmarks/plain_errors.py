"""A benchmark's ``main`` run so that a user's error, a scenario that does not load (a misspelt
name, a broken file) or an unknown agent, ends in its message and exit status 1, not a
traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def run(main: Callable[[], T]) -> T:
    from tradegame.agents.base import AgentSpecError
    from tradegame.scenario.loader import ScenarioError  # both also where bb57d96 has them

    try:
        return main()
    except (ScenarioError, AgentSpecError) as exc:
        sys.exit(f"{Path(sys.argv[0]).name}: {exc}")
