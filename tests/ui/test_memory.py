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


NEW_GAMES = """
import asyncio, gc, json, sys, tempfile, weakref
from pathlib import Path
sys.path.insert(0, {support!r})
from support import make_match, wait_for_words, wait_until
from tradegame.ui import app as app_module
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.keys import TitleHeader

app_module.SETTLE_DELAY = 0.2
app_module.RELEASE_TRIES = 50  # 10 s for a screen held a moment (see below) to be let go of
match = make_match({{"JP": "human", "US": "passive", "EU": "passive"}})
app = app_module.TradeGameApp(
    app_module.Options(match=match, save_dir=Path(tempfile.mkdtemp()), ai_delay=0.0)
)
app.animation_level = "none"
out = {{"screens": [], "headers": [], "objects": [], "freed": []}}

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for game in range(5):
            await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="a game")
            await wait_for_words(pilot, "Your move")
            # start-up's objects frozen while this game is up (the first one: as with
            # tradegame play --seat ...)
            await wait_until(pilot, lambda: gc.get_freeze_count() > 0, what="frozen")
            screen = app.screen
            out["screens"].append(weakref.ref(screen))
            out["headers"].append(weakref.ref(screen.query_one(TitleHeader)))
            del screen
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda: app.screen.id == "confirm" or app.screen.id == "setup"
                             or type(app.screen).__name__ == "ConfirmDialog", what="asked")
            if app.screen.id != "setup":
                await pilot.press("y")
            await wait_for_words(pilot, "g starts a guided first game")
            await wait_until(pilot, lambda: len(app.screen.query(".seat")) >= 2, what="seats")
            # The old screen is released a moment later: retried while it is still closing,
            # or still held for a moment (on a loaded machine, a callback Textual runs once the
            # new-game screen is idle), until nothing holds it.
            await wait_until(pilot, lambda: app.releases_done == game + 1, timeout=60,
                             what="released")
            gc.collect()  # what is frozen stays: only the app's release frees a frozen screen
            out["freed"].append(out["screens"][-1]() is None)
            out["objects"].append(len(gc.get_objects()) + gc.get_freeze_count())
            if game < 4:
                await pilot.press("s")
        # Read while the app runs (a pool thread kept the last worker it ran, and its screen).
        print(json.dumps({{
            "freed": out["freed"],
            "screens": [r() is not None for r in out["screens"]],
            "headers": [r() is not None for r in out["headers"]],
            "objects": out["objects"],
        }}))

asyncio.run(main())
"""


def test_a_game_left_for_a_new_one_is_freed(tmp_path: Path) -> None:
    """Each new game started from the new-game screen used to keep the game left behind: the
    first game screen (up when start-up's objects were frozen) for ever, and of every later
    one its header (which Textual's title watchers kept) and the lines Textual's drawing
    cache kept: about 16,000 objects a game. And a pool thread that ran a thread worker of a
    game (its briefing's import, a bot's move) kept the worker, and so its screen, until it
    ran another job: the game left survived its release, and under load (a later game's jobs
    on another thread) the next one too. A weak reference to each old screen and its header
    is dead once the app has released it (a moment after the new-game screen is up), and the
    objects alive stay about the same from game to game."""
    script = NEW_GAMES.format(support=str(Path(__file__).parent))
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["freed"] == [True] * 5  # each by its own release
    assert seen["screens"] == [False] * 5
    assert seen["headers"] == [False] * 5
    objects = seen["objects"]
    # 16,000 objects a game before; what a game leaves now is noise (caches of the engine and
    # of Textual that are bounded).
    assert objects[-1] - objects[1] < 3 * 2_000, objects


def test_a_pool_thread_keeps_nothing_a_job_set_in_its_context() -> None:
    """Textual names a thread worker the active worker in the context of the pool thread that
    runs it; a plain pool thread kept it (and the worker's screen) until its next job. The
    app's pool runs each job in a context of its own; a job handed over with its own context
    (``asyncio.to_thread``) still sees it."""
    import contextvars
    import gc
    import weakref

    from tradegame.ui.memory import FreshContextExecutor

    var: contextvars.ContextVar[object] = contextvars.ContextVar("var")

    class Held:
        pass

    def set_it() -> weakref.ref[Held]:
        held = Held()
        var.set(held)
        return weakref.ref(held)

    with FreshContextExecutor(max_workers=1) as pool:
        ref = pool.submit(set_it).result()
        gc.collect()
        assert ref() is None  # the one pool thread is still there, holding nothing
        assert pool.submit(var.get, "unset").result() == "unset"
        given = contextvars.copy_context()
        given.run(var.set, "given")
        assert pool.submit(given.run, var.get).result() == "given"
