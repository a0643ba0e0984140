"""Start-up: the new-game screen paints before pydantic (the scenario models), PyYAML and the
engine are imported (it only lists scenario names); they come with the first scenario, loaded
after the first paint (PyYAML and pydantic only when the cache of checked scenarios does not
hold it: a game started from the command line with a warm cache imports neither). Run in a
fresh interpreter: the test session has long imported them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, json, sys, tempfile
from pathlib import Path
from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.setup import SetupScreen

seen = {}
choose = SetupScreen.choose

def spy(self, *args, **kwargs):
    seen.setdefault(
        "at_load",
        sorted(m for m in ("pydantic", "yaml", "tradegame.engine") if m in sys.modules),
    )
    return choose(self, *args, **kwargs)

SetupScreen.choose = spy

async def main():
    app = TradeGameApp(Options(save_dir=Path(tempfile.mkdtemp())))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            summary = app.screen.query("#scenario-summary")  # none before the screen mounts
            if "at_load" in seen and summary and "Players:" in str(summary.first().render()):
                if app.screen.query("#seats Select"):  # the seat menus, built after it
                    break
        await pilot.pause(0.1)  # let the menus finish mounting before the app closes
    seen["after"] = sorted(
        m for m in ("pydantic", "yaml", "tradegame.engine") if m in sys.modules
    )

asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_first_screen_paints_before_pydantic_yaml_and_the_engine_are_imported(
    tmp_path: Path,
) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=True,
        env=dict(os.environ, TRADEGAME_CACHE_DIR=str(tmp_path / "cache")),  # a cold cache
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["at_load"] == []  # first paint done, none of them imported yet
    assert seen["after"] == ["pydantic", "tradegame.engine", "yaml"]  # then the scenario is
    # loaded (control)


GAME = """
import argparse, asyncio, json, sys, tempfile
from pathlib import Path
from tradegame.commands.play import build_options
from tradegame.ui.app import TradeGameApp

args = argparse.Namespace(
    seed=1, scenario=None, seat=["JP=human", "US=passive", "EU=passive"],
    instructor=False, web=False, offer=[],
)
options = build_options(args)
options.save_dir = Path(tempfile.mkdtemp())
app = TradeGameApp(options)
seen = {}
start_autosave = TradeGameApp._start_autosave

def spy(self, *args, **kwargs):  # runs after the game screen's first refresh
    seen.setdefault("status", str(self.screen.query_one("#status").content))
    seen.setdefault("imported", sorted(m for m in ("pydantic", "yaml") if m in sys.modules))
    return start_autosave(self, *args, **kwargs)

TradeGameApp._start_autosave = spy

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if "status" in seen:
                break

asyncio.run(main())
print(json.dumps(seen))
"""


def test_a_game_from_the_command_line_starts_without_them_once_cached(tmp_path: Path) -> None:
    env = dict(os.environ, TRADEGAME_CACHE_DIR=str(tmp_path / "cache"))

    def start() -> dict[str, object]:
        out = subprocess.run(
            [sys.executable, "-c", GAME],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            check=True,
            env=env,
        )
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))

    first = start()  # checks the scenario, and caches it (control)
    assert "Your move" in str(first["status"]) and first["imported"] == ["pydantic", "yaml"]
    second = start()
    assert "Your move" in str(second["status"]) and second["imported"] == []


def test_the_play_command_imports_no_engine_before_the_new_game_screen(tmp_path: Path) -> None:
    """`tradegame` with no arguments runs `commands.play`: its imports used to pull in the
    whole engine (through `commands.common`) before the new-game screen painted."""
    script = (
        "import json, sys\n"
        "import tradegame.cli, tradegame.commands.play, tradegame.ui.app\n"
        "print(json.dumps(sorted(m for m in ('pydantic', 'yaml', 'tradegame.engine') "
        "if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
