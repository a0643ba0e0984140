"""Tournaments: the game plan, identical results for any number of workers, replay of any
row with ``tradegame match``, the summary figures and the command line."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.tournament import ResultsWriter, assignments, game_seed, plan, run, summarize
from tradegame.tournament.results import GameResult, csv_header

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "tests" / "engine" / "small.yaml")
ROLES = ["A", "B", "C"]


# ---------------------------------------------------------------------- the plan


def test_assignments_cover_every_agent_in_every_role_in_a_fixed_order() -> None:
    assert assignments(["X", "Y"], ["a", "b"]) == [("a", "a"), ("a", "b"), ("b", "a"), ("b", "b")]
    cycle = assignments(ROLES, ["p", "q", "r"])
    assert len(cycle) == 27 and len(set(cycle)) == 27


def test_game_seeds_come_from_sha256_of_the_tournament_seed_and_index() -> None:
    expected = int.from_bytes(hashlib.sha256(b"tradegame:7:3").digest()[:4], "big")
    assert game_seed(7, 3) == expected
    assert game_seed(0, 0) == 2716360471  # pinned: sha256sum of 'tradegame:0:0' starts a1e85f17
    assert len({game_seed(1, i) for i in range(1000)}) == 1000


def test_the_plan_cycles_through_the_assignments() -> None:
    tasks = plan("small", ["X", "Y"], ["a", "b"], 6, seed=5)
    assert [t.index for t in tasks] == list(range(6))
    assert [tuple(a for _, a in t.seats) for t in tasks] == [
        ("a", "a"),
        ("a", "b"),
        ("b", "a"),
        ("b", "b"),
        ("a", "a"),
        ("a", "b"),
    ]
    assert tasks[4].seed != tasks[0].seed and tasks[4].seed == game_seed(5, 4)


# ---------------------------------------------------------------------- running


def results_csv(path: Path, results: list[GameResult]) -> bytes:
    with ResultsWriter(path, ROLES) as writer:
        for r in results:
            writer.write(r)
    return path.read_bytes() + path.with_suffix(".jsonl").read_bytes()


def test_two_workers_give_the_same_bytes_as_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    tasks = plan(SMALL, ROLES, ["random", "dove", "hawk"], 16, seed=11)
    finished: list[int] = []
    parallel = list(run(tasks, workers=2, on_result=lambda r: finished.append(r.index)))
    serial = list(run(tasks, workers=1))
    assert [r.index for r in parallel] == list(range(16))  # yielded in game order
    assert sorted(finished) == list(range(16))
    pids = {r.pid for r in parallel}
    assert len(pids) > 1, "more than one worker process played games"
    assert os.getpid() not in pids
    assert {r.pid for r in serial} == {os.getpid()}
    assert results_csv(tmp_path / "w2.csv", parallel) == results_csv(tmp_path / "w1.csv", serial)
    assert any(any(r.deal.values()) for r in serial), "some games end with a deal"


def test_any_row_replays_alone_with_tradegame_match(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    assert (
        main(
            [
                "tournament",
                SMALL,
                "--agents",
                "dove,greedy,random",
                "--games",
                "5",
                "--seed",
                "2",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 5
    for row in (rows[1], rows[4]):
        seats = [f"--seat={p}={row[f'seat_{p}']}" for p in ROLES]
        proc = subprocess.run(  # a new interpreter: another hash seed, nothing shared
            [
                sys.executable,
                "-m",
                "tradegame",
                "match",
                row["scenario"],
                *seats,
                "--seed",
                row["seed"],
                "--json",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        data = json.loads(proc.stdout)
        assert data["state_hash"] == row["state_hash"]
        for p in ROLES:
            assert f"{data['score'][p]:.4f}" == row[f"score_{p}"]


def test_the_command_line_writes_identical_files_for_any_workers(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}.csv"
        code = main(
            [
                "tournament",
                SMALL,
                "--agents",
                "random,passive,dove",
                "--games",
                "9",
                "--seed",
                "4",
                "--workers",
                str(workers),
                "--out",
                str(out),
            ]
        )
        assert code == 0
        captured = capsys.readouterr()
        assert "By agent" in captured.out and "Role A" in captured.out
        assert "9 games in" in captured.err
        outputs[workers] = (out.read_bytes(), out.with_suffix(".jsonl").read_bytes())
    assert outputs[1] == outputs[2]
    header = outputs[1][0].decode().splitlines()[0].split(",")
    assert header == csv_header(ROLES)
    lines = outputs[1][1].decode().splitlines()
    assert [json.loads(x)["game"] for x in lines] == list(range(9))


def test_bad_tournament_arguments_are_user_errors(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = str(tmp_path / "x.csv")
    assert main(["tournament", SMALL, "--agents", "random,nosuch", "--out", out]) == 2
    assert "unknown agent 'nosuch'" in capsys.readouterr().err
    assert main(["tournament", SMALL, "--agents", "random", "--games", "0", "--out", out]) == 2
    assert main(["tournament", SMALL, "--out", out]) == 2
    assert "name the agents" in capsys.readouterr().err


# ---------------------------------------------------------------------- the summary


def result(
    index: int, seats: dict[str, str], score: dict[str, float], deal: dict[str, bool]
) -> GameResult:
    return GameResult(
        index=index,
        scenario="s",
        seed=index,
        seats=seats,
        score=score,
        batna=dict.fromkeys(seats, 10.0),
        deal=deal,
        deals=[],
        rounds=1,
        actions=1,
        passes=1,
        incidents=[],
        state_hash="h",
    )


def test_summary_figures_per_agent_and_role() -> None:
    results = [
        result(0, {"A": "x", "B": "y"}, {"A": 20.0, "B": 10.0}, {"A": True, "B": True}),
        result(1, {"A": "y", "B": "x"}, {"A": 12.0, "B": 14.0}, {"A": False, "B": False}),
        result(2, {"A": "x", "B": "x"}, {"A": 30.0, "B": 16.0}, {"A": True, "B": False}),
    ]
    s = summarize(results, ["A", "B"], ["x", "y"])
    x = s.by_agent["x"]
    assert x.n == 4 and x.mean_score == pytest.approx(20.0)
    assert x.mean_surplus == pytest.approx(10.0) and x.deal_rate == pytest.approx(0.5)
    # joint welfare: games 0, 1, 2, 2 have joint surpluses 10, 6, 26, 26
    assert x.joint_welfare == pytest.approx((10 + 6 + 26 + 26) / 4)
    assert x.spread == pytest.approx(
        pytest.importorskip("statistics").stdev([20.0, 14.0, 30.0, 16.0])
    )
    assert s.by_role[("A", "x")].n == 2 and s.by_role[("A", "y")].mean_score == 12.0
    assert s.best_in_role("A") == "x" and s.best_in_role("B") == "x"
    assert s.dominant() == "x" and s.games_with_deal == 2
    assert s.to_json()["by_role"]["B"]["y"]["n"] == 1
