"""Tournaments beyond one run on one machine: the same CSV, byte for byte, whether it is
played serially, with two worker processes, as two shards merged, interrupted and resumed,
or on a 2-worker Dask LocalCluster; and the refusals that keep results of different plans
apart (each a located message, never a traceback, nothing overwritten)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.tournament import results
from tradegame.tournament.plan import Plan, Shard, scenario_digest
from tradegame.tournament.planfile import read_plan
from tradegame.tournament.results import ci95, t975

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "tests" / "engine" / "small.yaml")
GAMES = 9  # 8 assignments of 2 agents to 3 roles, and one more: shards of unequal size
BASE = ["tournament", SMALL, "--agents", "random,dove", "--games", str(GAMES), "--seed", "5"]


def tournament(capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> tuple[int, str]:
    code = main([*BASE, "--out", str(out), "--no-progress", *extra])
    return code, capsys.readouterr().err


def files(out: Path) -> tuple[bytes, bytes, bytes]:
    return (
        out.read_bytes(),
        out.with_suffix(".jsonl").read_bytes(),
        out.with_suffix(".plan.json").read_bytes(),
    )


@pytest.fixture
def serial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[bytes, bytes, bytes]:
    out = tmp_path / "serial" / "r.csv"
    out.parent.mkdir()
    code, err = tournament(capsys, out)
    assert code == 0, err
    return files(out)


# ---------------------------------------------------------------------- byte-identical


def test_two_workers_give_the_serial_files(tmp_path, capsys, serial) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "w.csv"
    code, err = tournament(capsys, out, "--workers", "2")
    assert code == 0, err
    assert files(out) == serial


def test_two_shards_merged_give_the_serial_files(tmp_path, capsys, serial) -> None:  # type: ignore[no-untyped-def]
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert tournament(capsys, one, "--shard", "1/2")[0] == 0
    assert tournament(capsys, two, "--shard", "2/2", "--workers", "2")[0] == 0
    games_one = [json.loads(x)["game"] for x in one.with_suffix(".jsonl").read_text().splitlines()]
    assert games_one == [0, 2, 4, 6, 8]  # shard K of N: index K-1 modulo N
    assert read_plan(two)[1] == Shard(2, 2)  # type: ignore[index]
    merged = tmp_path / "merged.csv"
    code = main(["tournament", "merge", str(two), str(one), "--out", str(merged)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert files(merged) == serial
    assert "9 games from 2 shard(s) merged" in captured.err
    assert "Tournament on" in captured.out and "±" in captured.out


def test_interrupted_and_resumed_gives_the_serial_files(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    serial: tuple[bytes, bytes, bytes],
) -> None:
    out = tmp_path / "r.csv"
    real = results.ResultsWriter.write
    calls = {"n": 0}

    def write_then_stop(self, result):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        real(self, result)

    monkeypatch.setattr(results.ResultsWriter, "write", write_then_stop)
    code, err = tournament(capsys, out)
    assert code == 130 and "4 games are in" in err and "--resume" in err
    monkeypatch.setattr(results.ResultsWriter, "write", real)
    code, err = tournament(capsys, out, "--resume")
    assert code == 0, err
    assert "5 games in" in err and "(4 already in the results)" in err
    assert files(out) == serial


def test_a_truncated_last_line_is_played_again_on_resume(tmp_path, capsys, serial) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    assert tournament(capsys, out, "--shard", "1/1")[0] == 1 - 1
    csv_bytes, jsonl_bytes, _ = files(out)
    out.write_bytes(csv_bytes[:-25])  # a power cut in the middle of game 8's row
    out.with_suffix(".jsonl").write_bytes(jsonl_bytes[: jsonl_bytes.rindex(b"\n", 0, -1) + 30])
    code, err = tournament(capsys, out, "--shard", "1/1", "--resume")
    assert code == 0, err
    assert "r.csv line 10: torn" in err and "r.jsonl line 9: torn" in err
    assert "1 game in" in err
    assert files(out)[:2] == serial[:2]


@pytest.mark.slow  # a LocalCluster starts two worker processes: about 15 s on a busy machine
def test_a_two_worker_dask_local_cluster_gives_the_serial_files(tmp_path, capsys, serial) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    out = tmp_path / "d.csv"
    code, err = tournament(capsys, out, "--executor", "dask", "--workers", "2")
    assert code == 0, err
    assert "on a Dask cluster" in err
    assert files(out) == serial


@pytest.mark.slow
def test_dask_tasks_carry_the_scenario_text_not_its_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The workers play the text the command read: the file may be gone (or be another
    machine's path) by the time a game runs."""
    pytest.importorskip("distributed")
    from tradegame.tournament.cluster import run_dask
    from tradegame.tournament.runner import ScenarioText, run

    text = Path(SMALL).read_text()
    gone = str(tmp_path / "nowhere" / "small.yaml")
    the_plan = Plan(gone, scenario_digest(text), ("A", "B", "C"), ("random", "dove"), 4, 1)
    source = ScenarioText(gone, text)
    remote = list(run_dask(the_plan.tasks(), source, workers=2))
    local = list(run(the_plan.tasks(), 1, source=source))
    assert [r.state_hash for r in remote] == [r.state_hash for r in local]  # type: ignore[union-attr]
    assert [r.index for r in remote] == [0, 1, 2, 3]


# ---------------------------------------------------------------------- refusals


def test_merge_refuses_a_shard_of_another_plan(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert tournament(capsys, one, "--shard", "1/2")[0] == 0
    code = main([*BASE[:-1], "6", "--out", str(two), "--no-progress", "--shard", "2/2"])
    assert code == 0, capsys.readouterr().err
    merged = tmp_path / "m.csv"
    code = main(["tournament", "merge", str(one), str(two), "--out", str(merged)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert f"{two} is not a shard of the same tournament as {one}" in err
    assert "not the same --seed" in err
    assert not merged.exists() and not merged.with_suffix(".plan.json").exists()


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_merge_refuses_a_shard_whose_json_lines_are_not_a_regular_file(
    kind, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """A shard's .jsonl that was a FIFO blocked merge for good (and /dev/zero filled the
    memory): the results files were read with read_bytes, not as untrusted regular files."""
    import signal

    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert tournament(capsys, one, "--shard", "1/2")[0] == 0
    assert tournament(capsys, two, "--shard", "2/2")[0] == 0
    jsonl = two.with_suffix(".jsonl")
    jsonl.unlink()
    os.mkfifo(jsonl)  # (a link to /dev/zero is refused by the same check, not tested: the
    # code before would fill the memory)

    def stuck(*_: object) -> None:
        raise TimeoutError("merge blocked on the shard's .jsonl")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        code = main(["tournament", "merge", str(one), str(two), "--out", str(tmp_path / "m.csv")])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"cannot merge: {jsonl}: is " in err and "only regular files are read" in err
    assert not (tmp_path / "m.csv").exists()


def test_merge_refuses_missing_repeated_and_incomplete_shards(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    shards = {k: tmp_path / f"s{k}.csv" for k in (1, 2, 3)}
    for k, path in shards.items():
        assert tournament(capsys, path, "--shard", f"{k}/3")[0] == 0
    merged = tmp_path / "m.csv"

    def merge(*paths: Path, force: bool = False) -> tuple[int, str]:
        extra = ["--force"] if force else []
        code = main(["tournament", "merge", *map(str, paths), "--out", str(merged), *extra])
        return code, capsys.readouterr().err

    code, err = merge(shards[1], shards[3])
    assert code == 2 and "shard 2/3 is missing" in err
    copy = tmp_path / "copy.csv"
    for suffix in (".csv", ".jsonl", ".plan.json"):
        copy.with_suffix(suffix).write_bytes(shards[3].with_suffix(suffix).read_bytes())
    code, err = merge(shards[1], shards[3], copy)
    assert code == 2 and "are both shard 3/3" in err
    code, err = merge(shards[1], shards[2], shards[2])
    assert code == 2 and f"{shards[2]} is named twice" in err  # it said only "a shard"
    # A shard whose last game was lost (a line torn) is not complete.
    rows = shards[2].read_bytes()
    shards[2].write_bytes(rows[:-10])
    code, err = merge(*shards.values())
    assert code == 2 and f"shard 2/3 ({shards[2]}) has damaged lines" in err
    assert "s2.csv line 4: torn" in err and "--resume" in err
    shards[2].write_bytes(rows[: rows.rindex(b"\n", 0, -1) + 1])
    shards[2].with_suffix(".jsonl").write_text(
        "".join(shards[2].with_suffix(".jsonl").read_text().splitlines(keepends=True)[:-1])
    )
    code, err = merge(*shards.values())
    assert code == 2 and "lacks 1 of its 3 games (7)" in err
    assert not merged.exists()
    # --out may not be a shard, nor replace existing results without --force.
    code = main(["tournament", "merge", str(shards[1]), "--out", str(shards[1])])
    assert code == 2 and "is one of the shards" in capsys.readouterr().err
    merged.write_text("mine\n")
    code, err = merge(*shards.values())
    assert code == 2 and "already exists" in err and merged.read_text() == "mine\n"


def test_merge_refuses_results_without_or_with_a_damaged_plan_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    one = tmp_path / "one.csv"
    assert tournament(capsys, one, "--shard", "1/1")[0] == 0
    plan_file = one.with_suffix(".plan.json")
    good = plan_file.read_text()
    merged = tmp_path / "m.csv"

    def merge() -> tuple[int, str]:
        code = main(["tournament", "merge", str(one), "--out", str(merged)])
        return code, capsys.readouterr().err

    doc = json.loads(good)
    doc["seed"] = 6  # edited: the hash no longer matches
    plan_file.write_text(json.dumps(doc))
    code, err = merge()
    assert code == 2 and 'one.plan.json: its "plan" hash is not the hash of its fields' in err
    doc = json.loads(good)
    doc["agents"] = ["random", "\x1b]52;c;cm0gLXJmIH4=\x07dove"]  # an OSC 52 clipboard write
    plan_file.write_text(json.dumps(doc))
    code, err = merge()
    assert code == 2 and '"agents" is not a list of texts without control characters' in err
    assert "\x1b" not in err and "cm0g" not in err
    # 10**11 games under a hash that matches (anyone can recompute it): merge listed every
    # game of the plan and filled the memory
    doc = json.loads(good)
    doc["games"] = 10**11
    fields = {k: doc[k] for k in ("scenario", "scenario_sha256", "games", "seed")}
    huge = Plan(**fields, roles=tuple(doc["roles"]), agents=tuple(doc["agents"]))
    doc["plan"] = huge.hash
    plan_file.write_text(json.dumps(doc))
    code, err = merge()
    assert code == 2 and '"games" is more than 1,000,000' in err
    plan_file.write_text("[" * 100_000 + "]" * 100_000)
    code, err = merge()
    assert code == 2 and "not a plan file (not JSON)" in err
    plan_file.write_text('{"format": "tradegame-tournament-plan",\n "version": 1,, }')
    code, err = merge()
    assert code == 2 and "one.plan.json line 2 column 15: not a plan file (not JSON)" in err
    plan_file.write_text("root:x:0:0:root:/root:/bin/bash\n")
    code, err = merge()
    assert code == 2 and "not a plan file" in err and "root" not in err.replace(str(tmp_path), "")
    plan_file.unlink()
    code, err = merge()
    assert code == 2 and "has no plan file (one.plan.json) beside it" in err
    assert "Traceback" not in err and not merged.exists()


def test_resume_refuses_another_shard_and_a_corrupt_partial_csv(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    assert tournament(capsys, out, "--shard", "1/2")[0] == 0
    before = files(out)
    code, err = tournament(capsys, out, "--shard", "2/2", "--resume")
    assert code == 2 and "holds shard 1/2 and this command plays shard 2/2" in err
    code, err = tournament(capsys, out, "--resume")
    assert code == 2 and "and this command plays the whole tournament" in err
    out.write_bytes(b"\x00\x01garbage, not a header\n" + before[0].split(b"\n", 1)[1])
    code, err = tournament(capsys, out, "--shard", "1/2", "--resume")
    assert code == 2 and "r.csv line 1 is not the header" in err and "Traceback" not in err
    assert "garbage" not in err
    out.write_bytes(before[0])
    lines = before[0].splitlines(keepends=True)
    lines[2] = b"3,not,a,row\n"
    out.write_bytes(b"".join(lines))
    code, err = tournament(capsys, out, "--shard", "1/2", "--resume")
    assert code == 0, err
    assert "r.csv line 3: not a row of these results" in err and "1 game in" in err
    assert files(out) == before


def test_bad_shard_and_executor_arguments(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    for shard, words in [
        ("3/2", "K must be from 1 to N"),
        ("0/2", "K must be from 1 to N"),
        ("1-2", "--shard takes K/N"),
        ("a/b", "--shard takes K/N"),
    ]:
        code, err = tournament(capsys, out, "--shard", shard)
        assert code == 2 and words in err, (shard, err)
    code, err = tournament(capsys, out, "--shard", "12/12")
    assert code == 2 and "shard 12/12 of a 9-game tournament has no games" in err
    code, err = tournament(capsys, out, "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2 and "give --executor dask" in err
    assert not out.exists() and not out.with_suffix(".plan.json").exists()


def test_without_distributed_the_dask_executor_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    out = tmp_path / "r.csv"
    code, err = tournament(capsys, out, "--executor", "dask")
    assert code == 2 and "pip install 'tradegame[dask]'" in err and not out.exists()


# ---------------------------------------------------------------------- confidence intervals


def test_t_percentiles_match_the_tables() -> None:
    assert t975(1) == 12.706 and t975(10) == 2.228 and t975(30) == 2.042
    assert t975(40) == pytest.approx(2.021, abs=1e-9) and t975(120) == pytest.approx(1.980)
    assert t975(50) == pytest.approx(2.009, abs=0.001)  # table value 2.009
    assert t975(100) == pytest.approx(1.984, abs=0.001)  # table value 1.984
    assert t975(10**9) == pytest.approx(1.960, abs=1e-6)
    values = [t975(d) for d in range(1, 500)]
    assert values == sorted(values, reverse=True)


def test_the_interval_is_the_textbook_t_interval_with_one_seat_a_game() -> None:
    xs = [1.0, 2.0, 3.0, 4.0, 10.0]
    mean = sum(xs) / 5
    s = math.sqrt(sum((x - mean) ** 2 for x in xs) / 4)
    assert ci95(xs, [0, 1, 2, 3, 4]) == pytest.approx(2.776 * s / math.sqrt(5))
    assert ci95([3.0], [0]) is None
    assert ci95([3.0, 4.0], [7, 7]) is None  # two seats of one game: one game


def test_seats_of_one_game_are_counted_together() -> None:
    """An agent holding two roles in each game: its seats move together, so the interval is
    that of the per-game means (here the seats are equal within a game), not narrower."""
    per_game = [1.0, 5.0, 2.0, 8.0]
    clustered = ci95([x for x in per_game for _ in (0, 1)], [g for g in range(4) for _ in (0, 1)])
    assert clustered == pytest.approx(ci95(per_game, [0, 1, 2, 3]))
    naive = ci95([x for x in per_game for _ in (0, 1)], list(range(8)))
    assert naive is not None and clustered is not None and naive < clustered


def test_resume_with_more_games_extends_the_plan(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """--games may grow on --resume (game i is the same game in a longer tournament): the
    files, plan file included, end as a run of the longer tournament would write them."""
    out, fresh = tmp_path / "r.csv", tmp_path / "fresh.csv"
    code = main([*BASE[:-4], "--seed", "5", "--games", "4", "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert read_plan(out)[0].games == 4  # type: ignore[index]
    code, err = tournament(capsys, out, "--resume")
    assert code == 0 and "(4 already in the results)" in err
    assert tournament(capsys, fresh)[0] == 0
    assert files(out) == files(fresh)
