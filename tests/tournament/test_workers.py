"""The worker processes of a tournament: how games are cut into chunks, and what a worker
starts from (forked from a fork server that imported the game once, yet with the parent's
environment and rules, another hash seed than the parent's, and no second scenario load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegame.scenario.files import load_scenario_text
from tradegame.tournament import plan, run
from tradegame.tournament.runner import (
    _RULES,
    MAX_CHUNK,
    ScenarioText,
    chunks,
    start_workers_early,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "tests" / "engine" / "small.yaml")
ROLES = ["A", "B", "C"]
RECORDER = f"{Path(__file__).resolve().parent / 'recorder.py'}:Recorder"


@given(st.integers(min_value=0, max_value=3000), st.integers(min_value=1, max_value=16))
def test_chunks_hold_every_game_in_order_and_shrink_to_single_games(
    games: int, workers: int
) -> None:
    tasks = plan(SMALL, ROLES, ["random", "dove"], games, seed=1)
    cut = chunks(tasks, workers)
    assert [t for chunk in cut for t in chunk] == tasks
    sizes = [len(c) for c in cut]
    assert all(1 <= n <= MAX_CHUNK for n in sizes)
    assert sizes == sorted(sizes, reverse=True), "chunks never grow"
    # the games still to send when a chunk goes out are at least 4 chunks a worker, so no
    # worker is left playing a long chunk at the end while the others wait
    left = games
    for n in sizes:
        assert n == 1 or left >= 4 * workers * n
        left -= n
    if games:
        assert sizes[-1] == 1


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_worker_has_the_parents_environment_rules_and_not_its_hash_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork server is started once and keeps the environment it started with; its workers
    must see the parent's as it is when the games start (a spawned worker always did). They
    are handed the rules the parent built, so with the scenario cache turned off none of them
    imports the loader (PyYAML, pydantic) to check the scenario again; and they hash strings
    otherwise than the parent, so the byte-identical files of any --workers also show that no
    result depends on the hash seed."""
    start_workers_early(2)  # the fork server (where there is one) starts with the old values
    record = tmp_path / "record.jsonl"
    monkeypatch.setenv("TRADEGAME_TEST_RECORD", str(record))
    monkeypatch.setenv("TRADEGAME_TEST_MARK", "set after the fork server started")
    monkeypatch.setenv("TRADEGAME_CACHE_DIR", "")  # no checked copy to read
    text, _ = load_scenario_text(SMALL)
    source = ScenarioText("small-under-another-name", text)
    monkeypatch.setattr("tradegame.tournament.runner._RULES", dict(_RULES))  # built afresh
    tasks = plan(source.label, ROLES, ["dove", RECORDER], 8, seed=5)
    outcomes = list(run(tasks, workers=2, source=source))
    assert [o.index for o in outcomes] == list(range(8))
    assert not any(type(o).__name__ == "Unfinished" for o in outcomes)
    seen = records(record)
    assert seen and os.getpid() not in {r["pid"] for r in seen}  # played by workers
    assert {r["mark"] for r in seen} == {"set after the fork server started"}
    assert not any(r["loader"] for r in seen), "a worker checked the scenario again"
    if "PYTHONHASHSEED" not in os.environ:
        assert hash("tradegame") not in {r["hash"] for r in seen}


def test_the_workers_cpu_is_counted_though_they_are_not_this_process_children() -> None:
    """`tradegame balance` reports the processor time of a run. It counted its workers with
    getrusage(RUSAGE_CHILDREN), which sees only this process's children: the fork server's
    workers report their own, with their results."""
    from tradegame.tournament.runner import _context, workers_cpu_seconds

    tasks = plan(SMALL, ROLES, ["random", "hawk", "dove"], 12, seed=3)
    started = time.process_time()
    list(run(tasks, workers=1))
    serial = time.process_time() - started
    before = workers_cpu_seconds()
    list(run(tasks, workers=2))
    reported = workers_cpu_seconds() - before
    if _context().get_start_method() == "forkserver":
        assert reported >= 0.5 * serial > 0
    else:  # spawned workers are this process's children, counted when they end
        assert reported == 0


def test_where_there_is_no_fork_server_workers_are_spawned_and_give_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Windows, and Python 3.11.0 (whose fork server any local user could reach), spawn each
    worker: the same results, the rules handed over as with the fork server, and no CPU
    reported (a spawned worker is this process's child, counted when it ends)."""
    import multiprocessing

    from tradegame.tournament.runner import workers_cpu_seconds

    monkeypatch.setattr(
        "tradegame.tournament.runner._context", lambda: multiprocessing.get_context("spawn")
    )
    tasks = plan(SMALL, ROLES, ["random", "hawk", "dove"], 6, seed=8)
    before = workers_cpu_seconds()
    spawned = list(run(tasks, workers=2))
    assert workers_cpu_seconds() == before
    serial = list(run(tasks, workers=1))
    assert [r.state_hash for r in spawned] == [r.state_hash for r in serial]  # type: ignore[union-attr]
    assert os.getpid() not in {r.pid for r in spawned}  # type: ignore[union-attr]


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter (a fork server is started once per process)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


PLAY_SMALL = f"""
    from tradegame.tournament import plan, run
    tasks = plan({SMALL!r}, ["A", "B", "C"], ["random", "hawk"], 4, seed=2)
    outcomes = list(run(tasks, workers=2))
    serial = list(run(tasks, workers=1))
    assert [o.state_hash for o in outcomes] == [o.state_hash for o in serial], outcomes
    print(len(outcomes))
"""


def test_a_long_temporary_folder_spawns_the_workers_instead_of_failing(tmp_path: Path) -> None:
    """The fork server listens on a socket in the temporary folder, whose path may be at most
    108 bytes: under a long TMPDIR it could not start ('AF_UNIX path too long', an internal
    error of tradegame tournament). The workers are spawned then, with the same results."""
    long = tmp_path / ("t" * (110 - len(str(tmp_path))))
    long.mkdir()
    code = (
        "from tradegame.tournament.processes import context, start_workers_early\n"
        "start_workers_early(2)\n"
        "print(context().get_start_method())\n" + textwrap.dedent(PLAY_SMALL)
    )
    done = _python(code, env={**os.environ, "TMPDIR": str(long)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["spawn", "4"]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_ctrl_c_while_the_fork_server_starts_prints_no_traceback() -> None:
    """Ctrl-C in a terminal reaches every process of the command, the fork server too; while
    it imported the game it printed a KeyboardInterrupt traceback and died. It starts with
    SIGINT held back (it ignores it once its imports are done), and its workers still play."""
    code = (
        "import os, signal\n"
        "from multiprocessing import forkserver\n"
        "from tradegame.tournament.processes import start_workers_early\n"
        "start_workers_early(2)\n"
        "server = forkserver._forkserver._forkserver_pid\n"
        "status = open(f'/proc/{server}/status').read()\n"
        "blocked = int(status.split('SigBlk:')[1].split()[0], 16)\n"
        "print('blocked' if blocked & (1 << (signal.SIGINT - 1)) else 'open')\n"
        "os.kill(server, signal.SIGINT)  # at once: it is still importing\n"
        + textwrap.dedent(PLAY_SMALL)
    )
    done = _python(code)
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr
    assert done.returncode == 0
    assert done.stdout.split() == ["blocked", "4"]


def test_more_workers_than_windows_allows_play_with_as_many_as_it_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On Windows a process pool takes at most 61 workers and raised ValueError for more
    (--workers 64: an internal error). There the games play with 61; the same results.
    Simulated here with a limit of 2."""
    import concurrent.futures.process
    import types

    windows = types.SimpleNamespace(**{**vars(sys), "platform": "win32"})
    monkeypatch.setattr(concurrent.futures.process, "_MAX_WINDOWS_WORKERS", 2)
    monkeypatch.setattr(concurrent.futures.process, "sys", windows)  # the pool's check
    monkeypatch.setattr("tradegame.tournament.runner.sys", windows)
    tasks = plan(SMALL, ROLES, ["random", "hawk"], 6, seed=4)
    outcomes = list(run(tasks, workers=5))
    monkeypatch.undo()
    serial = list(run(tasks, workers=1))
    assert [o.state_hash for o in outcomes] == [o.state_hash for o in serial]  # type: ignore[union-attr]
    assert len({o.pid for o in outcomes}) <= 2  # type: ignore[union-attr]
