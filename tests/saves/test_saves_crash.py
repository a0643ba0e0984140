"""Crash test: SIGKILL a process while it saves in a loop, then load what survived.

The child process (forked, so it starts in milliseconds with everything imported) saves
default-scenario games of about 62 KB (early positions, so each save is quick to build and the
loop spends much of its time writing) in a tight loop, either as autosaves (a new file each
time, the last 3 kept) or over one path (a manual save), and reports each save done down a
pipe. The parent lets it finish a random number of saves, then kills it at a random moment within
the next one (a fraction of the last save's duration, so the kill lands inside the loop however
loaded the machine is: no wall-clock budget), and loads every save file left. With the atomic
writer every file must load and be one of the games written; the negative control, a plain
``open``/``json.dump`` writer, must leave a torn file at least once, which shows the check can
fail (and that the loader reports a torn file as truncated or empty, not with a traceback).
This simulates a killed process, not a power cut: that is what the fsyncs are for, and a test
cannot pull the plug.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.saves import Autosaver, SaveError, load_game
from tradegame.saves.store import make_document, rules_for_text, write_document
from tradegame.scenario.loader import load_scenario_text

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")

TEXT = load_scenario_text("april-2025")[0]
RULES = rules_for_text(TEXT, "scenarios/april-2025.yaml")
SEATS = {p: "random" for p in RULES.player_ids}
ATOMIC_TRIALS = 20
NAIVE_MAX_TRIALS = 150  # a plain writer tears about 1 kill in 5 here (p ≈ 0.2 per kill, so
# 30 kills miss with odds of 0.1%); the test stops at the first torn file, typically < 1 s
SAVES_BEFORE_KILL = (1, 8)  # saves the child completes before the one it is killed in
START_TIMEOUT = 60.0  # seconds for the child's next save at most (only a hung child takes it)


def _states() -> list[Game]:
    rng = random.Random(11)
    game = Game.new(RULES, 11)
    out = []
    for n in range(25):  # early positions: cheap to build, so the loop mostly writes
        if n % 5 == 0:
            out.append(game.copy())
        game.apply(game.legal_actions().sample(rng))
    return out


STATES = _states()
KNOWN = {g.state_hash() for g in STATES}


def naive_writer(path: Path, doc: Mapping[str, Any]) -> None:
    """The negative control: what a save routine looks like without care."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


def _loop(
    kind: str, folder: Path, writer: Callable[[Path, Mapping[str, Any]], None], progress: int
) -> None:
    if kind == "autosave":
        saver = Autosaver(
            folder, "crash", keep=3, scenario_text=TEXT, scenario_name="april-2025", writer=writer
        )
        save: Callable[[Game], Any] = lambda g: saver.autosave(g, SEATS)  # noqa: E731
    else:
        target = folder / "game.json"

        def save(g: Game) -> None:
            writer(target, make_document(g, SEATS, scenario_text=TEXT))

    n = 0
    while True:
        save(STATES[n % len(STATES)])
        os.write(progress, b"s")
        n += 1


def _wait_for_save(r: int) -> float:
    """Wait for the child's next save; the time it was reported."""
    ok, _, _ = select.select([r], [], [], START_TIMEOUT)
    assert ok and os.read(r, 1) == b"s", "the saving child stopped saving"
    return time.monotonic()


def _trial(
    kind: str, folder: Path, writer: Callable[[Path, Mapping[str, Any]], None], rng: random.Random
) -> list[str]:
    """Run and kill one saving child; the problems of the files it left (empty if none)."""
    folder.mkdir()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            os.close(r)
            _loop(kind, folder, writer, w)
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    os.close(w)
    try:
        times = [_wait_for_save(r)]
        for _ in range(rng.randint(*SAVES_BEFORE_KILL)):
            times.append(_wait_for_save(r))
        time.sleep(rng.uniform(0.0, times[-1] - times[-2]))  # into the next save
        os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(r)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"the saving loop stopped by itself (status {status})"
    )
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    assert files, "no save survived"
    problems = []
    for path in files:
        try:
            loaded = load_game(path)
        except SaveError as exc:
            problems.append(str(exc))
            continue
        assert loaded.game.state_hash() in KNOWN
    return problems


@pytest.mark.parametrize("kind", ["autosave", "overwrite"])
def test_a_killed_atomic_saver_never_leaves_a_torn_file(kind: str, tmp_path: Path) -> None:
    rng = random.Random(f"atomic-{kind}")
    for trial in range(ATOMIC_TRIALS):
        problems = _trial(kind, tmp_path / f"t{trial}", write_document, rng)
        assert problems == [], problems
    if kind == "autosave":  # the loop really ran: later trials got past the first autosave
        seqs = [
            int(p.name.split("-")[1])
            for d in tmp_path.iterdir()
            for p in d.iterdir()
            if p.name.startswith("crash-")
        ]
        assert max(seqs) > 3


@pytest.mark.parametrize("kind", ["autosave", "overwrite"])
def test_negative_control_a_plain_writer_leaves_torn_files(kind: str, tmp_path: Path) -> None:
    rng = random.Random(f"naive-{kind}")
    torn: list[str] = []
    trials = 0
    while not torn and trials < NAIVE_MAX_TRIALS:
        torn = _trial(kind, tmp_path / f"t{trials}", naive_writer, rng)
        trials += 1
    assert torn, f"the plain writer left no torn file in {trials} kills: the test is blind"
    for message in torn:
        assert ": the file is truncated" in message or message.endswith(": the file is empty")


def test_a_new_autosaver_continues_after_a_crash(tmp_path: Path) -> None:
    """Leftover temporary files are ignored, numbering continues; the crashed run's autosaves
    stay (a new run prunes only its own)."""
    folder = tmp_path / "saves"
    folder.mkdir()
    (folder / ".crash-0007-round01.json.abcd1234.tmp").write_text('{"format": "tradegame-')
    for seq in (5, 6, 7):
        (folder / f"crash-{seq:04d}-round01.json").write_text("{}")
    saver = Autosaver(folder, "crash", keep=3, scenario_text=TEXT)
    path = saver.autosave(STATES[1], SEATS)
    assert path.name == f"crash-0008-round{STATES[1].round:02d}.json"
    assert [p.name[:10] for p in saver.files()] == [
        "crash-0005",
        "crash-0006",
        "crash-0007",
        "crash-0008",
    ]
    assert saver.written == [path]
    assert load_game(path).game.state_hash() == STATES[1].state_hash()
