"""Work meant for "after the first paint" waits for the frame to reach the terminal
(TradeGameApp.call_after_paint). Textual's ``call_after_refresh`` runs before the screen's
update timer draws the frame, so the new-game screen's scenario load (a worker thread importing
the engine and, on a cold cache, PyYAML and pydantic) and the game screen's thread importing
the briefing's Markdown parser started before the first screen was written, and delayed it.
On a real terminal (a pty), the modules they import are checked at the moment the first
screen's words are written."""

from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from textual.app import App

from tradegame.ui.app import PAINT_WAIT_MAX, TradeGameApp

from .support import make_app

PROBE = """
import json, os, sys
import textual.drivers.linux_driver as linux_driver

marker, out = sys.argv[1].encode(), sys.argv[2]
WATCHED = ("tradegame.engine", "yaml", "rich.markdown", "tradegame.scenario.hindsight",
           "tradegame.ui.widgets.talks")
write, seen = linux_driver.LinuxDriver.write, [b""]

def spy(self, data):
    write(self, data)
    seen[0] += data.encode() if isinstance(data, str) else data
    if marker in seen[0]:
        loaded = [m for m in WATCHED if m in sys.modules]
        with open(out, "w") as f:
            json.dump(loaded, f)
        os._exit(0)

linux_driver.LinuxDriver.write = spy
if os.environ.get("PROBE_PAINT_WAIT"):  # a machine so slow that no frame comes in time
    import tradegame.ui.app
    tradegame.ui.app.PAINT_WAIT = float(os.environ["PROBE_PAINT_WAIT"])
from tradegame.cli import main
sys.exit(main(sys.argv[3:]))
"""


GAME = ["play", "--seat", "JP=human", "--seat", "US=passive", "--seat", "EU=passive"]


def _loaded_at_first_screen(
    tmp_path: Path, marker: str, args: list[str], paint_wait: float | None = None
) -> list[str]:
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
    if paint_wait is not None:
        env["PROBE_PAINT_WAIT"] = str(paint_wait)
    out = tmp_path / "loaded.json"
    command = [sys.executable, "-c", PROBE, marker, str(out), *args]
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    shown = b""
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None:
            assert time.monotonic() < deadline, f"timed out: {shown[-2000:]!r}"
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    shown += os.read(master, 65536)
                except OSError:
                    break
    finally:
        proc.kill()
        proc.wait()
        os.close(master)
    assert out.exists(), f"the screen never showed {marker!r}: {shown[-2000:]!r}"
    loaded: list[str] = json.loads(out.read_text())
    return loaded


def test_the_new_game_screen_is_written_before_the_scenario_loads(tmp_path: Path) -> None:
    # The engine and the loader come with the scenario, in a worker thread started after it.
    assert _loaded_at_first_screen(tmp_path, "New game", []) == []


def test_the_game_screen_is_written_before_the_briefings_parser_loads(tmp_path: Path) -> None:
    # The engine is needed for the game itself; the briefing's Markdown parser is not, nor
    # the talks panel (the turn shows its tab after the first frame), nor the hindsight
    # rule's patterns (scenario text shown to a player: none in the first frame). (PyYAML may
    # be: the cache of checked scenarios is cold here.)
    loaded = _loaded_at_first_screen(tmp_path, "Your move", GAME)
    assert "tradegame.engine" in loaded
    later = {"rich.markdown", "tradegame.scenario.hindsight", "tradegame.ui.widgets.talks"}
    assert not later & set(loaded)


def test_work_after_the_paint_waits_for_a_frame_that_is_due(tmp_path: Path) -> None:
    # A loaded machine (or a profiler) draws the first frame later than PAINT_WAIT after the
    # game screen asked for work after it: while that frame is due, the work waits on (it
    # ran at the timer, and the talks tab was mounted before "Your move" was written).
    loaded = _loaded_at_first_screen(tmp_path, "Your move", GAME, paint_wait=0.001)
    assert "tradegame.engine" in loaded
    assert "tradegame.ui.widgets.talks" not in loaded


async def test_work_after_the_paint_runs_when_no_frame_is_due(tmp_path: Path) -> None:
    # The timer's side of call_after_paint (headless, no frame is ever written): work waits
    # on while a frame is due, runs once none is, and runs after PAINT_WAIT_MAX regardless.
    app = make_app(tmp_path)
    calls: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert not app.frame_due()
        app._after_paint.append(lambda: calls.append("idle"))
        app._paint_waited = 0.0
        app._paint_overdue()
        await pilot.pause()
        assert calls == ["idle"]
        app.screen.refresh(layout=True)  # a frame is due
        assert app.frame_due()
        app._after_paint.append(lambda: calls.append("due"))
        app._paint_overdue()
        assert app._paint_wait is not None  # waits on for the frame...
        await pilot.pause()
        assert calls == ["idle", "due"]  # ...which runs it when written
        assert app._paint_wait is None
        app.screen.refresh(layout=True)
        app._after_paint.append(lambda: calls.append("late"))
        app._paint_waited = PAINT_WAIT_MAX  # waited long enough: runs without the frame
        app._paint_overdue()
        assert app._paint_wait is None
        await pilot.pause()
        assert calls == ["idle", "due", "late"]


def test_textual_still_writes_frames_through_display() -> None:
    """call_after_paint hears of a frame through Textual's private ``App._display`` (a newer
    Textual without it would leave the waiting work to the PAINT_WAIT timer: slower, not
    wrong)."""
    assert TradeGameApp._display is not App._display
    assert callable(getattr(App, "_display", None))


async def test_headless_it_runs_after_the_refresh(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    calls: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.call_after_paint(lambda: calls.append("ran"))
        await pilot.pause()
        assert calls == ["ran"]
