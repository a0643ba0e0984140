"""Start-up: the new-game screen paints before pydantic (the scenario models) and PyYAML are
imported; they come with the first scenario, loaded after the first paint. Run in a fresh
interpreter: the test session has long imported both."""

from __future__ import annotations

import json
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
    seen.setdefault("at_load", sorted(m for m in ("pydantic", "yaml") if m in sys.modules))
    return choose(self, *args, **kwargs)

SetupScreen.choose = spy

async def main():
    app = TradeGameApp(Options(save_dir=Path(tempfile.mkdtemp())))
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if "at_load" in seen and "pydantic" in sys.modules:
                break
    seen["after"] = sorted(m for m in ("pydantic", "yaml") if m in sys.modules)

asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_first_screen_paints_before_pydantic_and_yaml_are_imported(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["at_load"] == []  # first paint done, nothing of either imported yet
    assert seen["after"] == ["pydantic", "yaml"]  # then the scenario is loaded (control)
