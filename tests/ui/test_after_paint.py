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

from tradegame.ui.app import TradeGameApp

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
from tradegame.cli import main
sys.exit(main(sys.argv[3:]))
"""


GAME = ["play", "--seat", "JP=human", "--seat", "US=passive", "--seat", "EU=passive"]


def _loaded_at_first_screen(tmp_path: Path, marker: str, args: list[str]) -> list[str]:
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
