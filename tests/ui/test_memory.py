"""The garbage collector waits for the first screen, then start-up's objects are frozen (see
ui/memory.py: a full collection over them took 65-75 ms, on whatever key it landed). Run in a
fresh interpreter: freezing the test session's objects would outlive the test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, gc, json, tempfile
from pathlib import Path
from tradegame.ui import app as app_module, memory

out = {}
memory.pause_collector()
out["paused"] = not gc.isenabled()
app_module.SETTLE_DELAY = 0.05
app = app_module.TradeGameApp(app_module.Options(save_dir=Path(tempfile.mkdtemp())))

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if gc.isenabled():
                break
        out["enabled"] = gc.isenabled()
        out["frozen"] = gc.get_freeze_count()

asyncio.run(main())
gc.disable()  # someone else's choice: settling must not undo it
memory.settle_collector()
out["left_disabled"] = not gc.isenabled()
print(json.dumps(out))
"""


def test_the_collector_waits_for_the_first_screen_then_freezes_start_up(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["paused"]
    assert seen["enabled"]  # restarted by the app once its first screen is up
    assert seen["frozen"] > 10_000  # Textual's and tradegame's modules and widgets
    assert seen["left_disabled"]
