"""Issue 17's tournament figure: ``tradegame tournament … --workers 2`` against ``--workers 1``,
wall time, the same bytes, and where the time of a run with workers goes.

    .venv/bin/python benchmarks/tournament_wall.py              # 128 games, ~2 min idle
    .venv/bin/python benchmarks/tournament_wall.py --games 48 --repeats 1 --json out.json

It runs the real command, each time in a fresh interpreter, with ``--workers 1`` and
``--workers 2`` in turns (``--repeats`` times each), and reports every wall time, the ratio
of the medians and of the best times, and whether every run wrote the same bytes (the CSV
and the JSON lines). The default tournament is two full cycles of greedy, hawk, random and
dove in april-2025's three roles (128 games, about 17 s of play on one core): long enough
that start-up is not the whole measurement, and with greedy's long games first in each cycle.

Then one traced run of each: the same command, through ``tradegame.cli.main`` in a child
interpreter whose tournament runner notes, for every game, the process that played it, when
(the system's monotonic clock) and its CPU time. From that it reports, from the command's
launch to its exit: the start-up before the first game starts, then for each process that
played games its start (launch to its first game), its busy time (wall and CPU), the gaps
between its games (waiting for work) and its tail (its last game's end to the end of the
last game), and the end (the last game's end to the exit: summary, workers' exit,
interpreter exit); the CPU of the command's own process and, with workers, of the fork
server. Busy + start + gaps + tail + end is each process's whole wall time, so idle time is
what is not busy. Wall times are meaningful on an idle machine only; CPU times hold on a
loaded one (other work only stretches the wall times).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TRACE_ENV = "TRADEGAME_BENCH_TRACE"


# ---------------------------------------------------------------------- inside the traced run


def _note(**fields: Any) -> None:
    fields.update(pid=os.getpid(), t=time.monotonic(), cpu=time.process_time())
    with open(os.environ[TRACE_ENV], "a", encoding="utf-8") as f:
        f.write(json.dumps(fields) + "\n")


def _traced_play_game(task: Any, source: Any = None) -> Any:
    from tradegame.tournament import runner

    wall, cpu = time.monotonic(), time.process_time()
    try:
        return runner._untraced_play_game(task, source)  # type: ignore[attr-defined]
    finally:
        _note(game=task.index, start=wall, cpu_used=time.process_time() - cpu)


def _traced_chunk(tasks: Any, source: Any = None) -> Any:
    """In a worker (this module is its main module, as a pool's worker imports its parent's)."""
    from tradegame.tournament import runner

    out = []
    for task in tasks:
        wall, cpu = time.monotonic(), time.process_time()
        out += runner._play_chunk([task], source)
        _note(game=task.index, start=wall, cpu_used=time.process_time() - cpu)
    return out


def _traced_chunk_counted(tasks: Any, source: Any = None) -> Any:
    """The same, for a runner whose workers also report their CPU with each chunk."""
    from tradegame.tournament import runner

    out, used = [], 0.0
    for task in tasks:
        wall, cpu = time.monotonic(), time.process_time()
        outcomes, reported = runner._play_chunk_counted([task], source)
        _note(game=task.index, start=wall, cpu_used=time.process_time() - cpu)
        out += outcomes
        used += reported
    return out, used


def _fork_server_cpu() -> float | None:
    """CPU seconds of this process's fork server so far (Linux), or None."""
    try:
        from multiprocessing import forkserver

        pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
        if pid is None:
            return None
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (ImportError, AttributeError, OSError, IndexError, ValueError):
        return None


def traced_main(argv: list[str]) -> int:
    from tradegame import cli
    from tradegame.tournament import runner

    runner._untraced_play_game = runner.play_game  # type: ignore[attr-defined]
    runner.play_game = _traced_play_game  # the games played in this process (--workers 1)
    if hasattr(runner, "_play_chunk_counted"):  # the chunks sent to workers
        runner._play_chunk_counted = _traced_chunk_counted
    else:  # a runner from before the fork server (to compare)
        runner._play_chunk = _traced_chunk
    pool = runner._pool

    def traced_pool(*args: Any) -> Any:
        _note(pool=True)
        return pool(*args)

    runner._pool = traced_pool  # type: ignore[assignment]
    code = cli.main(argv)
    _note(end=True, fork_server_cpu=_fork_server_cpu())
    return code


# ---------------------------------------------------------------------- the measurement


def bytecode_cached() -> bool:
    """Whether the engine's compiled bytecode is cached (else every process compiles every
    module it imports: about 0.12 s of CPU each here, e.g. under PYTHONDONTWRITEBYTECODE)."""
    import importlib.util

    spec = importlib.util.find_spec("tradegame.engine.game")
    if spec is None or spec.origin is None:
        return False
    return os.path.exists(importlib.util.cache_from_source(spec.origin))


def command(scenario: str, agents: str, games: int, workers: int, out: Path) -> list[str]:
    return [
        *("tournament", scenario, "--agents", agents, "--games", str(games), "--seed", "1"),
        *("--workers", str(workers), "--out", str(out), "--no-progress", "--force"),
    ]


def tradegame_command() -> list[str]:
    """The ``tradegame`` command as users run it (the script beside this Python), else
    ``python -m tradegame``."""
    script = Path(sys.executable).with_name("tradegame")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "tradegame"]


def tradegame_code() -> str:
    """The folder of the ``tradegame`` package the command runs (the one this interpreter finds:
    PYTHONPATH=OTHER/src runs another checkout's, a wrong path this one)."""
    spec = importlib.util.find_spec("tradegame")
    return os.path.dirname(spec.origin or "") if spec is not None else "(not found)"


def timed_run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(launch, exit) on the monotonic clock and the command's stderr."""
    launch = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    end = time.monotonic()
    if proc.returncode != 0:
        raise SystemExit(f"the tournament failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return launch, end, proc.stderr


def analyse(trace: Path, launch: float, end: float) -> dict[str, Any]:
    notes = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    main = next(n for n in notes if n.get("end"))
    pools = [n["t"] - launch for n in notes if n.get("pool")]
    games = [n for n in notes if "game" in n]
    first = min(g["start"] for g in games)
    last = max(g["t"] for g in games)
    by_pid: dict[int, list[dict[str, Any]]] = {}
    for g in sorted(games, key=lambda g: g["start"]):
        by_pid.setdefault(g["pid"], []).append(g)
    processes = []
    for pid, played in by_pid.items():
        busy = sum(g["t"] - g["start"] for g in played)
        span = played[-1]["t"] - played[0]["start"]
        processes.append(
            {
                "games": len(played),
                "start_s": played[0]["start"] - launch,
                "busy_s": busy,
                "busy_cpu_s": sum(g["cpu_used"] for g in played),
                "start_cpu_s": played[0]["cpu"] - played[0]["cpu_used"],
                "gaps_s": span - busy,
                "tail_s": last - played[-1]["t"],
                "command_process": pid == main["pid"],
            }
        )
    return {
        "wall_s": end - launch,
        "start_up_s": first - launch,
        "pool_s": pools[0] if pools else None,
        "pool_cpu_s": next((n["cpu"] for n in notes if n.get("pool")), None),
        "end_s": end - last,
        "command_cpu_s": main["cpu"],
        "command_end_cpu_s": (  # after its last game, until cli.main returned
            main["cpu"] - max(own)
            if (own := [g["cpu"] for g in games if g["pid"] == main["pid"]])
            else None
        ),
        "fork_server_cpu_s": main.get("fork_server_cpu"),
        "processes": processes,
    }


def cpu_bound(serial: dict[str, Any], parallel: dict[str, Any]) -> dict[str, float]:
    """The least wall time each run could take on an idle machine, from CPU costs alone:
    serially, the command's start-up, the games and its end; with workers, the command's
    start-up or the fork server's (whichever is longer: they run side by side), the slowest
    worker's start, the games shared evenly, and the command's end as in the serial run. The
    games' CPU is the mean of the two runs' (on a loaded machine a CPU second of the same
    work varies by a quarter from run to run). Gaps, the tail and the processes' exits are
    left out, so the ratio is the most an idle machine can give for this tournament."""
    workers = [p for p in parallel["processes"] if not p["command_process"]]
    (own,) = [p for p in serial["processes"] if p["command_process"]]
    games = (own["busy_cpu_s"] + sum(p["busy_cpu_s"] for p in workers)) / 2
    end = serial["command_end_cpu_s"] or 0.0
    one = own["start_cpu_s"] + games + end
    start = max(parallel["pool_cpu_s"] or 0.0, parallel["fork_server_cpu_s"] or 0.0)
    two = start + max(p["start_cpu_s"] for p in workers) + games / len(workers) + end
    return {
        "workers_1_s": one,
        "workers_2_s": two,
        "speed_up": one / two,
        "games_cpu_s": games,
        "games_cpu_serial_s": own["busy_cpu_s"],
        "games_cpu_workers_s": sum(p["busy_cpu_s"] for p in workers),
    }


def games_line(stderr: str) -> float | None:
    """The command's own 'N games in X s' (from its start-up's end to the last game)."""
    found = re.search(r"games? in ([0-9.]+) s", stderr)
    return float(found.group(1)) if found else None


def measure(
    scenario: str = "april-2025",
    agents: str = "greedy,hawk,random,dove",
    games: int = 128,
    repeats: int = 3,
    trace: bool = True,
) -> dict[str, Any]:
    runs: dict[int, list[float]] = {1: [], 2: []}
    contents: set[bytes] = set()
    result: dict[str, Any] = {
        "scenario": scenario,
        "agents": agents,
        "games": games,
        "cpus": os.cpu_count(),
        "bytecode_cached": bytecode_cached(),
        "code": tradegame_code(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for workers in (1, 2):
                out = Path(tmp) / f"w{workers}.csv"
                cmd = tradegame_command()
                launch, end, _ = timed_run(cmd + command(scenario, agents, games, workers, out))
                runs[workers].append(end - launch)
                contents.add(out.read_bytes() + b"\0" + out.with_suffix(".jsonl").read_bytes())
        traced = {}
        if trace:
            for workers in (1, 2):
                out = Path(tmp) / f"t{workers}.csv"
                log = Path(tmp) / f"t{workers}.trace"
                env = {**os.environ, TRACE_ENV: str(log)}
                cmd = [sys.executable, os.path.abspath(__file__), "--traced", "--"]
                launch, end, err = timed_run(
                    cmd + command(scenario, agents, games, workers, out), env
                )
                traced[workers] = analyse(log, launch, end)
                traced[workers]["games_line_s"] = games_line(err)
                contents.add(out.read_bytes() + b"\0" + out.with_suffix(".jsonl").read_bytes())
    if 1 in traced and 2 in traced:
        result["cpu_bound"] = cpu_bound(traced[1], traced[2])
    one, two = statistics.median(runs[1]), statistics.median(runs[2])
    result.update(
        workers_1_s=runs[1],
        workers_2_s=runs[2],
        workers_1_median_s=one,
        workers_2_median_s=two,
        speed_up=one / two,
        speed_up_best=min(runs[1]) / min(runs[2]),
        identical=len(contents) == 1,
        traced=traced,
    )
    return result


def report(r: dict[str, Any]) -> list[str]:
    lines = [
        f"tournament {r['scenario']}, {r['games']} games of {r['agents']} (wall time, "
        f"{len(r['workers_1_s'])} runs each, in turns; {r['cpus']} CPUs; bytecode "
        f"{'cached' if r['bytecode_cached'] else 'not cached: every process compiles'}):",
        f"  code: {r['code']}",
        "  --workers 1 " + ", ".join(f"{s:.2f}" for s in r["workers_1_s"]) + " s",
        "  --workers 2 " + ", ".join(f"{s:.2f}" for s in r["workers_2_s"]) + " s",
        f"  speed-up ×{r['speed_up']:.2f} (medians {r['workers_1_median_s']:.2f} / "
        f"{r['workers_2_median_s']:.2f} s; best ×{r['speed_up_best']:.2f}); every run's "
        f"CSV and JSON lines byte-identical: {r['identical']}",
    ]
    bound = r.get("cpu_bound")
    if bound is not None:
        lines.append(
            f"  from CPU time alone (an idle machine's best; the games' "
            f"{bound['games_cpu_s']:.2f} s of CPU as the mean of the traced runs): --workers 1 "
            f"{bound['workers_1_s']:.2f} s, --workers 2 {bound['workers_2_s']:.2f} s, "
            f"×{bound['speed_up']:.2f} at most"
        )
        lines.append(
            f"  the games' CPU: {bound['games_cpu_serial_s']:.2f} s played serially, "
            f"{bound['games_cpu_workers_s']:.2f} s in the workers (×"
            f"{bound['games_cpu_workers_s'] / bound['games_cpu_serial_s']:.2f}: on an idle "
            f"machine, more than ×1 is what two games at once cost each other, e.g. cores "
            f"that share a physical core or its caches)"
        )
    for workers, t in sorted(r.get("traced", {}).items()):
        lines.append(
            f"  traced --workers {workers}: {t['wall_s']:.2f} s wall = start-up "
            f"{t['start_up_s']:.2f} s before the first game"
            + (
                f" (the pool made at {t['pool_s']:.2f} s, after {t['pool_cpu_s']:.2f} s of the "
                f"command's CPU)"
                if t["pool_s"] is not None
                else ""
            )
            + f" + play + end {t['end_s']:.2f} s after the last"
            + (
                f" ({t['command_end_cpu_s']:.3f} s of the command's CPU before its exit)"
                if t["command_end_cpu_s"] is not None
                else ""
            )
            + f"; the command's process {t['command_cpu_s']:.2f} s CPU"
            + (
                f", the fork server {t['fork_server_cpu_s']:.2f} s CPU"
                if t["fork_server_cpu_s"] is not None
                else ""
            )
        )
        for p in t["processes"]:
            who = "the command's process" if p["command_process"] else "worker"
            lines.append(
                f"    {who}: {p['games']} games, starts at {p['start_s']:.2f} s (after "
                f"{p['start_cpu_s']:.3f} s of its own CPU), busy "
                f"{p['busy_s']:.2f} s ({p['busy_cpu_s']:.2f} s CPU), gaps {p['gaps_s']:.2f} s, "
                f"tail {p['tail_s']:.2f} s"
            )
    return lines


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--traced":
        sys.exit(traced_main(sys.argv[sys.argv.index("--") + 1 :]))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--agents", default="greedy,hawk,random,dove")
    ap.add_argument("--games", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3, help="runs of each, in turns")
    ap.add_argument("--no-trace", action="store_true", help="skip the traced runs")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    r = measure(args.scenario, args.agents, args.games, args.repeats, not args.no_trace)
    print("\n".join(report(r)))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
