"""The game screen's first frame on a real terminal holds the status line ("Your move") and
the tab titles. Textual draws the first screen inside its start-up batch and drops that frame;
what did not change afterwards was not drawn until it changed, so the dashboard's tables came
first and "Your move" two frames (50-80 ms of CPU) later (see TradeGameApp.on_ready). The
shown tab's panel comes after that frame, and not at all when the turn shows another tab (the
talks tab here): the dashboard's tables were drawn for the first frame and replaced a moment
later."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from tradegame.ui.screens.game import GameScreen

from .support import make_app, make_match, screen_text, wait_for_text

PLAY = [sys.executable, "-m", "tradegame", "play", "--seat", "JP=human", "--seat"]
PLAY += ["US=passive", "--seat", "EU=passive", "--seed", "1"]


def test_the_status_line_comes_first_then_the_turns_tab(tmp_path: Path) -> None:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
        "TRADEGAME_SAVE_DIR": str(tmp_path / "saves"),
        "TRADEGAME_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("TEXTUAL_DRIVER", None)
    proc = subprocess.Popen(
        PLAY, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    out = b""
    try:
        deadline = time.monotonic() + 60
        while b"Your draft" not in out:  # the talks tab: Japan opens the talks
            assert time.monotonic() < deadline, f"timed out: {out[-2000:]!r}"
            assert proc.poll() is None, f"the game ended early: {out[-2000:]!r}"
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                out += os.read(master, 65536)
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    assert out.index(b"Your move") < out.index(b"Your draft")
    assert out.index(b"1 Dashboard") < out.index(b"Your draft")  # the tab titles too
    assert b"Players" not in out  # the dashboard's first table: never drawn for nothing


async def test_the_dashboard_is_filled_when_the_turn_shows_no_other_tab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Watching AI seats, the dashboard stays: it is filled after the first frame (the AI
    seats do not move here, so no move's update fills it)."""
    monkeypatch.setattr(GameScreen, "_schedule_ai", lambda self: None)
    match = make_match({"JP": "passive", "US": "passive", "EU": "passive"})
    app = make_app(tmp_path, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Tariffs in force")
        assert "Players" in screen_text(app)


async def test_no_frame_is_drawn_for_nothing_inside_the_start_up_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual drew the game screen inside its start-up batch and dropped the frame; the game
    screen now waits for the app to be ready (GameScreen._compositor_refresh), and is drawn
    whole then."""
    drawn: list[tuple[int, bool]] = []
    refresh = Screen._compositor_refresh

    def spy(self: Screen[Any]) -> None:
        if isinstance(self, GameScreen):
            drawn.append((self.app._batch_count, bool(getattr(self.app, "ready_seen", True))))
        refresh(self)

    monkeypatch.setattr(Screen, "_compositor_refresh", spy)
    app = make_app(tmp_path, make_match({"JP": "human", "US": "passive", "EU": "passive"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move")
        assert "1 Dashboard" in screen_text(app)
    assert drawn and all(ready or not batch for batch, ready in drawn)
    assert app.ready_seen
