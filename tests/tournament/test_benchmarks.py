"""A smoke test of benchmarks/run.py (benchmarks are measured by the script, never asserted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_script_runs_with_a_tiny_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--budget",
            "0.01",
            "--agents",
            "random,passive,hawk",
            "--memory-agents",
            "random",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    text = proc.stdout
    assert "Scenario load (april-2025" in text
    for name in ("random", "passive", "hawk"):
        assert f"\n{name} " in text
    assert "Reference peers" in text and "python_tic_tac_toe" in text
    assert f"code: {ROOT / 'src' / 'tradegame'}\n" in text  # which checkout it measured
    data = json.loads(out.read_text())
    assert data["environment"]["code"] == str(ROOT / "src" / "tradegame")
    rows = {row["name"]: row for row in data["agents"]}
    assert rows["passive"]["passes"] == rows["passive"]["actions"] > 0  # BATNA: all passes
    assert rows["hawk"]["what_ifs"] > 0 and rows["random"]["what_ifs"] == 0
    assert data["memory"]["peak_mib"]["random"] > 0
    for peer in data["peers"]:
        assert peer["note"].startswith("not installed") or peer["games"] >= 1


def test_the_tournament_benchmark_traces_every_game_of_both_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """benchmarks/tournament_wall.py: the figures come from the real command (the same bytes
    for 1 and 2 workers), and its trace finds every game, played by the command itself with
    one worker and by other processes with two."""
    out = tmp_path / "wall.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "tournament_wall.py"),
            *("--scenario", str(ROOT / "tests" / "engine" / "small.yaml")),
            *("--agents", "random,dove", "--games", "6", "--repeats", "1"),
            *("--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    data = json.loads(out.read_text())
    assert data["identical"] is True and data["games"] == 6
    # which checkout the command ran
    assert f"code: {ROOT / 'src' / 'tradegame'}\n" in proc.stdout
    assert data["code"] == str(ROOT / "src" / "tradegame")
    serial, parallel = data["traced"]["1"], data["traced"]["2"]
    assert [(p["games"], p["command_process"]) for p in serial["processes"]] == [(6, True)]
    workers = parallel["processes"]
    # two workers (or one, when the other was not scheduled before the games ran out)
    assert sum(p["games"] for p in workers) == 6 and 1 <= len(workers) <= 2
    assert not any(p["command_process"] for p in workers)
    assert data["cpu_bound"]["speed_up"] > 0


def test_the_random_play_split_replays_the_same_games_three_ways() -> None:
    """benchmarks/random_play_split.py: each way ends every recorded game in the state random
    play ended it in (the script stops otherwise), and the three shares add up to random play."""
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "random_play_split.py"),
            *("--games", "2", "--turns", "1", "--freeze"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("random play of april-2025: 2 games")
    ms = {line.split()[0]: float(line.split()[1]) for line in lines[1:4]}
    assert set(ms) == {"random", "match", "rules"} and all(v > 0 for v in ms.values())
    shares = [float(line.split()[-3]) for line in lines[4:7]]
    assert abs(sum(shares) - ms["random"]) < 0.01


@pytest.mark.parametrize(
    "script",
    ["run", "engine_micro", "random_play_split", "greedy_split", "rl_env", "news_check"],
)
def test_a_scenario_that_does_not_load_is_a_plain_message(script: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{script}.py"), "--scenario", "no-such"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{script}.py: ") and "no such file or bundled" in proc.stderr


@pytest.mark.parametrize(
    ("script", "args"),
    [
        ("run", ["--agents", "no-such", "--budget", "0.01", "--no-peers"]),
        ("run", ["--agents", "random", "--memory-agents", "no-such", "--budget", "0.01"]),
        ("news_check", ["--agents", "no-such", "--games", "1"]),
    ],
)
def test_an_unknown_agent_is_a_plain_message(script: str, args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{script}.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{script}.py: unknown agent 'no-such'")


def test_engine_micro_runs_and_says_which_code_it_measured(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """benchmarks/engine_micro.py with the smallest budget: every figure, the digest, and the
    checkout whose code was measured (a comparison runs it with PYTHONPATH=OTHER/src)."""
    out = tmp_path / "micro.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "engine_micro.py"),
            *("--scenario", str(ROOT / "tests" / "engine" / "small.yaml")),
            *("--budget", "0.01", "--greedy-games", "1", "--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert f"code: {ROOT / 'src' / 'tradegame'}\n" in proc.stdout
    assert "digest of the games and projections played: " in proc.stdout
    data = json.loads(out.read_text())
    assert data["code"] == str(ROOT / "src" / "tradegame") and len(data["digest"]) == 16
    assert data["random"]["decisions_per_s"] > 0 and data["greedy"]["what_if_per_game"] > 0
    assert "greedy_no_red_lines" not in data  # small.yaml is a path, with no red line


def test_engine_micro_times_greedy_in_the_games_bb57d96_plays_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With a bundled scenario that has red lines, engine_micro also times greedy with them
    taken out (the fair comparison with issue 17's reference); a path to a scenario without
    red lines gives no such line (test above)."""
    out = tmp_path / "micro.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "engine_micro.py"),
            *("--scenario", "april-2025", "--budget", "0.01", "--greedy-games", "1"),
            *("--json", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    same = json.loads(out.read_text())["greedy_no_red_lines"]
    assert same["games_per_s"] > 0 and re.fullmatch(r"[0-9a-f]{16}", same["digest"])
    assert f"(the games bb57d96 plays too; digest {same['digest']})\n" in proc.stdout


def test_the_greedy_split_gives_every_sample_a_region() -> None:
    """benchmarks/greedy_split.py: the regions' shares add up to all samples, and the tail's
    subtotal to its parts (shares are measured, never asserted)."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "greedy_split.py"), "--games", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("greedy in every seat, april-2025, 2 games")
    shares = {}
    for line in lines[3 : lines.index("", 3)]:
        name, share = line.rsplit(maxsplit=1)
        shares[name.strip()] = float(share.rstrip("%"))
    regions = {k: v for k, v in shares.items() if k.startswith("what_if: ") or k == "outside"}
    assert abs(sum(regions.values()) - 100) < 0.1 * len(regions)
    tail = sum(v for k, v in regions.items() if k.startswith("what_if: tail"))
    assert abs(shares["of which the tail (all its parts below)"] - tail) < 0.1 * len(regions)
