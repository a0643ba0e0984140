"""Helpers for the interface tests: build apps, read the screen as text, wait for things."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.match import Match, load_scenario

_SCENARIOS: dict[str, Any] = {}


def scenario(name: str = "april-2025") -> Any:
    if name not in _SCENARIOS:
        _SCENARIOS[name] = load_scenario(name)
    return _SCENARIOS[name]


def make_match(seats: dict[str, str], seed: int = 1, name: str = "april-2025") -> Match:
    sc = scenario(name)
    return Match(sc.rules, seed, seats, scenario_name=sc.source, scenario_text=sc.text)


def make_app(save_dir: Path, match: Match | None = None, **options: Any) -> TradeGameApp:
    """An app with no AI delay and saves in ``save_dir``."""
    opts = Options(match=match, save_dir=save_dir, ai_delay=0.0, spectate_delay=0.0, **options)
    app = TradeGameApp(opts)
    app.animation_level = "none"
    return app


def screen_text(app: TradeGameApp) -> str:
    """The characters on the screen now (what a player sees), as plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True)
    console.print(update)
    return console.export_text(styles=False)


async def wait_until(pilot: Any, predicate: Callable[[], bool], timeout: float = 20.0,
                     what: str = "condition") -> None:
    """Let the app run until ``predicate()`` holds (raises AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen:\n"
                                 f"{screen_text(pilot.app)}")
        await asyncio.sleep(0.01)


async def wait_for_text(pilot: Any, text: str, timeout: float = 20.0) -> None:
    await wait_until(pilot, lambda: text in screen_text(pilot.app), timeout, repr(text))
