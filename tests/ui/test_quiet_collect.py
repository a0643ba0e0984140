"""The one full garbage collection after a game is left (ui/memory.py's recollect: 70-120 ms
of CPU on this project's machine) waits until the keys stop: it ran 1.5 s after the game was
left, whatever the player was typing, and the key pressed then waited for it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tradegame.ui import app as app_module
from tradegame.ui import memory
from tradegame.ui.screens.setup import SetupScreen

from .support import make_app, make_match, wait_for_text, wait_until


async def test_the_collection_after_a_game_is_left_waits_for_the_keys_to_stop(
    save_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[float] = []

    def recollect() -> bool:
        calls.append(time.monotonic())
        return False

    monkeypatch.setattr(memory, "recollect", recollect)
    monkeypatch.setattr(app_module, "SETTLE_DELAY", 0.2)
    quiet = 3.0  # wide: a loaded machine is slow to type
    monkeypatch.setattr(app_module, "KEY_QUIET", quiet, raising=False)
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move")
        await pilot.press("ctrl+n")
        await wait_for_text(pilot, "Leave this game")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen), what="new game")
        # The player chooses the next scenario: a key every fifth of a second for 2 s.
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            await pilot.press("down")
            await pilot.pause(0.1)
            await pilot.press("up")
            last_key = time.monotonic()
            await pilot.pause(0.1)
        assert not calls, "the collection ran while keys were being pressed"
        await wait_until(pilot, lambda: bool(calls), timeout=30, what="the collection")
        assert calls[0] - getattr(app, "_last_key", last_key) >= quiet - 0.05
