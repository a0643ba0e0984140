"""Tournaments that meet trouble: a worker killed mid-run, results already on disk, a full
disk. Finished games are never lost, the files hold whole lines only, and what could not
finish is reported (exit 1), never as a traceback."""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tradegame.agents.base import agent_rng
from tradegame.cli import main
from tradegame.tournament import plan, results
from tradegame.tournament.results import csv_header

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "tests" / "engine" / "small.yaml")
ROLES = ["A", "B", "C"]
KILLER = f"{Path(__file__).resolve().parent / 'killer.py'}:Killer"
AGENTS = ["--agents", "dove,random", "--agent", KILLER]
SPECS = ["dove", "random", KILLER]  # the order the command plans with
GAMES, SEED, DOOMED = 10, 3, 5  # game 5 seats the killer once (as C)


def tournament(out: Path, *extra: str, kill: bool = False) -> subprocess.CompletedProcess[str]:
    """``tradegame tournament`` in a fresh interpreter (its workers are real processes);
    with ``kill``, the killer agent SIGKILLs its worker in game DOOMED."""
    env = {k: v for k, v in os.environ.items() if k != "TRADEGAME_TEST_KILL_TOKEN"}
    if kill:
        env["TRADEGAME_TEST_KILL_TOKEN"] = kill_token()
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tradegame",
            "tournament",
            SMALL,
            *AGENTS,
            "--games",
            str(GAMES),
            "--seed",
            str(SEED),
            "--out",
            str(out),
            "--no-progress",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=out.parent,
        check=False,
    )


def kill_token() -> str:
    task = plan(SMALL, ROLES, SPECS, GAMES, SEED)[DOOMED]
    role = next(r for r, agent in task.seats if agent == KILLER)
    return repr(agent_rng(task.seed, role, KILLER).random())


def whole_lines(path: Path) -> list[str]:
    data = path.read_text(encoding="utf-8")
    assert data == "" or data.endswith("\n"), f"{path.name} ends with a torn line"
    return data.splitlines(keepends=True)


def games_in(out: Path) -> tuple[list[int], list[int]]:
    """The game numbers in the CSV and in the JSON lines (checking every line is whole)."""
    rows = whole_lines(out)
    assert rows and rows[0].rstrip("\n").split(",") == csv_header(ROLES)
    in_csv = [int(row["game"]) for row in csv.DictReader(rows)]
    in_json = [json.loads(line)["game"] for line in whole_lines(out.with_suffix(".jsonl"))]
    return in_csv, in_json


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    """The files of the same tournament run without trouble, in one process."""
    out = tmp_path_factory.mktemp("reference") / "r.csv"
    proc = tournament(out, "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert games_in(out) == (list(range(GAMES)), list(range(GAMES)))
    return out.read_bytes(), out.with_suffix(".jsonl").read_bytes()


def test_the_killer_agent_kills_in_one_game_only() -> None:
    token = kill_token()
    tasks = plan(SMALL, ROLES, SPECS, GAMES, SEED)
    hits = [
        t.index
        for t in tasks
        for role, agent in t.seats
        if agent == KILLER and repr(agent_rng(t.seed, role, KILLER).random()) == token
    ]
    assert hits == [DOOMED]


# ---------------------------------------------------------------------- a killed worker


def test_a_killed_worker_loses_only_its_own_game_and_resume_finishes(tmp_path, reference) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    proc = tournament(out, "--workers", "2", kill=True)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"1 of {GAMES} games could not finish" in proc.stderr
    assert (
        f"game {DOOMED} (seed " in proc.stderr and "worker process playing it died" in proc.stderr
    )
    assert "--resume" in proc.stderr
    assert "By agent" in proc.stdout  # the summary of the games that finished
    others = [i for i in range(GAMES) if i != DOOMED]
    assert games_in(out) == (others, others)
    # the other games are exactly the rows of a run without trouble
    ref_csv, ref_json = (b.decode().splitlines(keepends=True) for b in reference)
    assert whole_lines(out) == [ref_csv[0]] + [ref_csv[1 + i] for i in others]
    assert whole_lines(out.with_suffix(".jsonl")) == [ref_json[i] for i in others]

    # --resume plays only the missing game; the files end as a run without trouble
    proc = tournament(out, "--workers", "2", "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "1 game in" in proc.stderr and f"({GAMES - 1} already in the results)" in proc.stderr
    assert (out.read_bytes(), out.with_suffix(".jsonl").read_bytes()) == reference
    assert f"Tournament on small: {GAMES} games" in proc.stdout

    # and with nothing missing, --resume plays nothing and changes nothing
    proc = tournament(out, "--resume")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("0 games in")
    assert (out.read_bytes(), out.with_suffix(".jsonl").read_bytes()) == reference


SLEEPER = """
import os, time
from pathlib import Path
from tradegame.engine import Done, Pass, Reject

class Sleeper:
    name = "sleeper"
    def __init__(self, rng):
        pass
    def act(self, turn):
        Path(os.environ["PIDS"], str(os.getpid())).touch()
        time.sleep(0.05)
        talks = turn.talks
        if talks is None:
            return Done(turn.player)
        return Pass(turn.player) if talks.offer is None else Reject(turn.player)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_tournament_is_killed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL cannot be handled: the workers must notice their parent is gone, not wait
    for work for ever (each left one process and its bots behind)."""
    (tmp_path / "sleeper.py").write_text(SLEEPER)
    pids = tmp_path / "pids"
    pids.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradegame",
            "tournament",
            SMALL,
            "--agent",
            f"{tmp_path / 'sleeper.py'}:Sleeper",
            "--agents",
            "dove",
            "--games",
            "40",
            "--seed",
            "1",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "r.csv"),
            "--no-progress",
        ],
        env={**os.environ, "PIDS": str(pids)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.name) for p in pids.iterdir()]
        assert len(workers) == 2, "the workers did not start"
        assert proc.poll() is None, "the tournament ended before the kill"
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 5  # the watch polls twice a second
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == [], "worker processes outlived the killed tournament"


def test_sigterm_stops_the_tournament_like_ctrl_c(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SIGTERM's default ended the process at once: no word on what was kept, and the pool's
    semaphores left to a UserWarning from multiprocessing on stderr."""
    (tmp_path / "sleeper.py").write_text(SLEEPER)
    pids = tmp_path / "pids"
    pids.mkdir()
    out = tmp_path / "r.csv"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradegame",
            "tournament",
            SMALL,
            "--agent",
            f"{tmp_path / 'sleeper.py'}:Sleeper",
            "--agents",
            "dove",
            "--games",
            "40",
            "--seed",
            "1",
            "--workers",
            "2",
            "--out",
            str(out),
            "--no-progress",
        ],
        env={**os.environ, "PIDS": str(pids)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the tournament ended before the signal"
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.startswith("tradegame: stopped by SIGTERM; ") and "--resume" in err, err
    assert "Warning" not in err and "Traceback" not in err, err
    in_csv, in_json = games_in(out)  # whole lines only
    assert in_csv == in_json


def test_a_stopped_pool_has_closed_its_pipes_before_the_tournament_exits() -> None:
    """A pool stopped by ctrl+c or a signal left its manager thread closing its wake-up pipe
    while the interpreter's exit hook wrote to it: "OSError: [Errno 9] Bad file descriptor" and
    a traceback after "stopped by SIGTERM" (once in CI, at load). ``_stop`` now waits for it."""
    from tradegame.tournament.runner import _context, _pool, _stop

    pool = _pool(_context(), 2, {})
    busy = [pool.submit(time.sleep, 30) for _ in range(2)]
    deadline = time.monotonic() + 60
    while not any(f.running() for f in busy) and time.monotonic() < deadline:
        time.sleep(0.01)
    manager = pool._executor_manager_thread  # type: ignore[attr-defined]
    assert manager is not None and manager.is_alive()
    _stop(pool)
    assert not manager.is_alive(), "the pool's manager thread outlived _stop"


# ---------------------------------------------------------------------- --out already there


def run_main(out: Path, capsys, *extra: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code = main(
        [
            "tournament",
            SMALL,
            "--agents",
            "dove,random",
            "--games",
            "4",
            "--seed",
            "1",
            "--out",
            str(out),
            "--no-progress",
            *extra,
        ]
    )
    return code, capsys.readouterr().err


def test_an_existing_out_is_refused_unless_force_or_resume(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    assert run_main(out, capsys)[0] == 0
    first = out.read_bytes(), out.with_suffix(".jsonl").read_bytes()
    out.write_bytes(first[0] + b"a line the user wrote\n")

    code, err = run_main(out, capsys)
    assert code == 2 and "already exists" in err and "--force" in err and "--resume" in err
    assert out.read_bytes() == first[0] + b"a line the user wrote\n"  # untouched

    code, err = run_main(out, capsys, "--force", "--resume")
    assert code == 2 and "give one" in err

    assert run_main(out, capsys, "--force")[0] == 0
    assert (out.read_bytes(), out.with_suffix(".jsonl").read_bytes()) == first

    out.unlink()  # the JSON lines alone count as existing results too
    code, err = run_main(out, capsys)
    assert code == 2 and "r.jsonl already exists" in err


def test_resume_refuses_another_tournaments_results(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    assert run_main(out, capsys)[0] == 0
    before = out.read_bytes()
    code = main(
        [
            "tournament",
            SMALL,
            "--agents",
            "dove,random",
            "--games",
            "4",
            "--seed",
            "2",
            "--out",
            str(out),
            "--no-progress",
            "--resume",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "cannot resume" in err and "another tournament" in err
    assert "not the same --seed;" in err and "r.plan.json" in err
    assert out.read_bytes() == before
    # Without the plan file (results of an older version), games are checked one by one.
    out.with_suffix(".plan.json").unlink()
    code = main(
        [
            "tournament",
            SMALL,
            "--agents",
            "dove,random",
            "--games",
            "4",
            "--seed",
            "2",
            "--out",
            str(out),
            "--no-progress",
            "--resume",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "has no plan file" in err and "not a game of this tournament" in err
    assert out.read_bytes() == before


def test_a_refused_resume_names_what_differs_in_plain_words(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The refusal read "not the same the agents (--agents, --agent, in order)"."""
    out = tmp_path / "r.csv"
    assert run_main(out, capsys)[0] == 0
    code = main(
        ["tournament", SMALL, "--agents", "random,dove", "--games", "4", "--seed", "1"]
        + ["--out", str(out), "--no-progress", "--resume"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "not the same agents (--agents, --agent, in order);" in err, err
    assert "the same the" not in err


@pytest.mark.parametrize("edit", ["csv", "jsonl"])
def test_resume_replays_a_game_whose_figures_were_edited_in_one_file(
    edit, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """A score changed by hand in the CSV (or the JSON lines) was kept by --resume: the game
    matched by number, seed, seats and state hash, so the files then disagreed and were not
    the bytes of a run without a break, silently."""
    out = tmp_path / "r.csv"
    jsonl = out.with_suffix(".jsonl")
    assert run_main(out, capsys)[0] == 0
    whole = out.read_bytes(), jsonl.read_bytes()
    if edit == "csv":
        lines = whole[0].split(b"\n")
        cells = lines[2].split(b",")
        cells[6] = b"99.9000"  # game 1's first score (after game, scenario, seed, 3 seats)
        lines[2] = b",".join(cells)
        out.write_bytes(b"\n".join(lines))
    else:
        lines = whole[1].split(b"\n")
        record = json.loads(lines[1])
        role = sorted(record["score"])[0]
        record["score"][role] = 99.9
        lines[1] = json.dumps(record, sort_keys=True).encode()
        jsonl.write_bytes(b"\n".join(lines))
    code, err = run_main(out, capsys, "--resume")
    assert code == 0, err
    assert "1 game in" in err and "(3 already in the results)" in err
    assert "r.csv line 3: game 1, not the row the program wrote for r.jsonl line 2" in err
    assert (out.read_bytes(), jsonl.read_bytes()) == whole


def test_resume_drops_torn_and_one_sided_lines_and_plays_those_games(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    jsonl = out.with_suffix(".jsonl")
    assert run_main(out, capsys)[0] == 0
    whole = out.read_bytes(), jsonl.read_bytes()
    csv_lines = whole[0].splitlines(keepends=True)
    json_lines = whole[1].splitlines(keepends=True)
    # game 1 in the CSV only, game 3 torn in the JSON lines (as a power cut may leave them)
    out.write_bytes(b"".join(csv_lines[:4]))
    jsonl.write_bytes(json_lines[0] + json_lines[2] + json_lines[3][:40])
    code, err = run_main(out, capsys, "--resume")
    assert code == 0, err
    assert "2 games in" in err and "(2 already in the results)" in err
    assert "were torn, unreadable, edited or in one file only" in err
    assert (out.read_bytes(), jsonl.read_bytes()) == whole


def test_resume_keeps_the_files_permissions(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The files are rewritten in game order through a temporary file, which mkstemp makes
    private (0600): a results file shared with a class must stay readable after --resume."""
    out = tmp_path / "r.csv"
    jsonl = out.with_suffix(".jsonl")
    assert run_main(out, capsys)[0] == 0
    out.chmod(0o644)
    jsonl.chmod(0o640)
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:3]))  # games 2 and 3 to play again
    code, err = run_main(out, capsys, "--resume")
    assert code == 0, err
    assert (out.stat().st_mode & 0o777, jsonl.stat().st_mode & 0o777) == (0o644, 0o640)


def test_resume_drops_hostile_json_lines_and_plays_those_games(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A line of 100,000 nested brackets was an internal error (RecursionError); a score of
    1e999 (read as infinity) was taken in, making the summary's means inf and nan."""
    out = tmp_path / "r.csv"
    jsonl = out.with_suffix(".jsonl")
    assert run_main(out, capsys)[0] == 0
    whole = out.read_bytes(), jsonl.read_bytes()
    lines = whole[1].decode().splitlines(keepends=True)
    lines[1] = "[" * 100_000 + "]" * 100_000 + "\n"
    lines[2] = re.sub(r'"score": \{"A": [-0-9.e]+', '"score": {"A": 1e999', lines[2])
    assert "1e999" in lines[2]
    jsonl.write_text("".join(lines))
    code, err = run_main(out, capsys, "--resume")
    assert code == 0, err
    assert "Traceback" not in err and "internal error" not in err
    assert "4 line(s)" in err and "2 games in" in err  # each game: its JSON and CSV lines
    assert (out.read_bytes(), jsonl.read_bytes()) == whole


# ---------------------------------------------------------------------- a full disk


def test_a_full_disk_keeps_whole_lines_and_names_the_file(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    jsonl = out.with_suffix(".jsonl")
    real = results.write_all
    calls = {"jsonl": 0}

    def write_all(fd: int, data: bytes) -> None:
        # The disk fills up in the middle of the third game's JSON line: half of it goes
        # out, then the write fails.
        if os.path.realpath(f"/proc/self/fd/{fd}") == str(jsonl.resolve()):
            calls["jsonl"] += 1
            if calls["jsonl"] == 3:
                os.write(fd, data[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(fd, data)

    monkeypatch.setattr(results, "write_all", write_all)
    code, err = run_main(out, capsys, "--games", "6")
    assert code == 1
    assert f"cannot write {jsonl}: No space left on device" in err
    assert "the 2 games before it are kept whole" in err and "--resume" in err
    assert "Traceback" not in err
    assert games_in(out) == ([0, 1], [0, 1])  # the third game is in neither file

    monkeypatch.setattr(results, "write_all", real)  # room again: --resume finishes
    code, err = run_main(out, capsys, "--games", "6", "--resume")
    assert code == 0, err
    assert games_in(out) == (list(range(6)), list(range(6)))


def test_resume_on_a_full_disk_needs_no_room_when_the_files_are_in_order(
    tmp_path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Putting the files in game order used to copy them whatever they held: on a nearly
    full disk a resume that had appended in order ended with 'the results are complete but
    not in game order (No space left on device)'."""
    out = tmp_path / "r.csv"
    jsonl = out.with_suffix(".jsonl")
    assert run_main(out, capsys)[0] == 0
    whole = out.read_bytes(), jsonl.read_bytes()
    out.write_bytes(b"".join(whole[0].splitlines(keepends=True)[:3]))  # games 0 and 1 kept
    jsonl.write_bytes(b"".join(whole[1].splitlines(keepends=True)[:2]))

    def no_room(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(results.tempfile, "mkstemp", no_room)
    code, err = run_main(out, capsys, "--resume")  # games 2 and 3 are appended, in order
    assert code == 0, err
    assert "not in game order" not in err and "No space" not in err
    assert games_in(out) == ([0, 1, 2, 3], [0, 1, 2, 3])
    assert (out.read_bytes(), jsonl.read_bytes()) == whole
    # More --games changes the plan file, which is replaced through a temporary file: on a
    # full disk that is refused by name before any game, and nothing is lost.
    code, err = run_main(out, capsys, "--resume", "--games", "6")
    assert code == 1 and "cannot write" in err and "r.plan.json: No space left" in err
    assert "nothing was played" in err
    assert (out.read_bytes(), jsonl.read_bytes()) == whole


def test_a_full_disk_before_the_first_game_is_a_clear_error(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(results, "write_all", full)
    out = tmp_path / "r.csv"
    code, err = run_main(out, capsys)
    assert code == 1 and f"cannot write {out}: No space left on device" in err
    assert "nothing was played" in err
    assert not out.exists() and not out.with_suffix(".jsonl").exists()  # no torn header


def test_a_tournament_too_large_to_plan_is_refused_before_anything_is_made(
    tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """--games 10**11 (or 100 agents in 3 roles with no --games: 10**6 assignments, listed)
    built the list of every game first and filled the memory."""
    out = tmp_path / "r.csv"
    code, err = run_main(out, capsys, "--games", str(10**11))
    assert code == 2 and "--games must be at most 1,000,000" in err
    agents = ",".join(f"search:ms={i}" for i in range(1, 102))  # 101 distinct built-in specs
    code = main(["tournament", SMALL, "--agents", agents, "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "101 agents to 3 roles is 1,030,301 games" in err, err
    assert not out.exists()
