"""Terminal interface speed: start-up to the first screen, and how long a key press takes.

    .venv/bin/python benchmarks/ui_startup.py [--runs N] [--key-runs N] [--json]
        [--baseline OTHER/.venv/bin/tradegame | --baseline-src OTHER/src]

1. **Start-up** (target: at most 1.4× a trivial Textual app; wall time and the CPU time the
   process had used when the words appeared, from /proc). The installed ``tradegame``
   command runs in a pseudo-terminal (``pty``); the clock stops when the first screen's words
   appear in what it writes: "New game" for the bare command (the README's first command),
   "Your move" for ``tradegame play --seat JP=human ...`` (the game screen itself), and, not
   a first screen but the whole start as a player waits for it, "Your draft" for the same
   game's talks tab, which the turn shows once the first frame is on the terminal. A trivial
   Textual app (a header, one line of text, a footer) is measured the same way in the same
   run, interleaved with the others, so the ratio does not depend on how busy the machine
   is. Median and max of N runs, after one uncounted warm-up of each (the cache of checked
   scenarios, in a temporary folder, is then warm, as for a player's second game; the
   warm-up runs without ``PYTHONDONTWRITEBYTECODE``, so that the compiled dataclass methods
   are written beside the bytecode as a player's first start writes them: see
   ``tradegame/codecache.py``). The ``tradegame`` package's bytecode is written first, as
   ``pip install`` does.
2. **Loading a scenario** warm (target: at most 50 ms), from the cache and checked again.
3. **Key presses** (target: every key shows its effect within 100 ms, and at most 50 ms of
   the main thread's CPU, where the app handles keys; the AI and previews think in worker
   threads). In-process, headless:
   for each key of a scripted game (move, change a level, switch tabs, stage an order, open
   and confirm Done ...), the time until the app has handled the key and every message it
   caused (for a key that ends the human's move this includes the AI seats' replies that
   follow at once). What-if previews run in worker threads by design and are not part of
   it; the script reports them separately (key to preview on screen). With ``--key-runs N``
   the scripted game is played N times, each in a fresh interpreter (alternating with the
   baseline's when one is given): the median of the runs' medians and the range of their
   slowest keys.

A baseline (before/after in one run): ``--baseline`` names another checkout's ``tradegame``
command; ``--baseline-src`` another checkout's ``src`` folder, run by this interpreter with
``PYTHONPATH`` (no second virtual environment needed).

Measured, not asserted: DESIGN §7 keeps timings out of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).with_name("tradegame")


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) ``pid`` has used so far, from /proc (Linux); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_to_screen(
    command: list[str], marker: bytes, env: dict[str, str], timeout: float = 20.0
) -> tuple[float, float | None]:
    """Seconds from launching ``command`` in a 100×30 pty until ``marker`` is written, and the
    CPU seconds the process had used by then (None where /proc is missing)."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{marker!r} not seen in {timeout}s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if marker in seen:
                    return time.perf_counter() - start, _cpu_seconds(proc.pid)
    finally:
        try:
            os.write(master, b"\x11")  # ctrl+q
        except OSError:
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(master)
    raise RuntimeError(f"the program ended before {marker!r} appeared")


TRIVIAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Trivial(App):
    def compose(self):
        yield Header()
        yield Static("A trivial Textual app")
        yield Footer()


Trivial().run()
"""
TRIVIAL = "trivial Textual app (reference)"


def compile_tree(src: Path) -> None:
    """Write the bytecode of a source tree (a ``--baseline-src`` checkout)."""
    subprocess.run(
        [sys.executable, "-c", f"import compileall; compileall.compile_dir({str(src)!r}, quiet=1)"],
        check=True,
    )


def compile_bytecode(command: Path) -> None:
    """Write the bytecode of the ``tradegame`` package that ``command`` runs, as ``pip install``
    does: the libraries the trivial app imports have theirs, and an editable checkout run with
    PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start."""
    subprocess.run(
        [
            str(command.with_name("python")),
            "-c",
            "import compileall, os, tradegame; "
            "compileall.compile_dir(os.path.dirname(tradegame.__file__), quiet=1)",
        ],
        check=True,
    )


def startup(
    runs: int, baseline: Path | None = None, baseline_src: Path | None = None
) -> dict[str, Any]:
    for binary in (BIN, baseline):
        if binary is not None:
            compile_bytecode(binary)
    if baseline_src is not None:
        compile_tree(baseline_src)
    folder = tempfile.mkdtemp(prefix="tg-bench-")
    env = dict(
        os.environ,
        TERM="xterm-256color",
        TEXTUAL_ANIMATIONS="none",
        TRADEGAME_SAVE_DIR=folder,
        TRADEGAME_CACHE_DIR=folder,  # the cache of checked scenarios: warmed below
    )
    trivial = Path(folder) / "trivial_app.py"
    trivial.write_text(TRIVIAL_APP, encoding="utf-8")
    cases = {
        TRIVIAL: ([sys.executable, str(trivial)], b"A trivial Textual app"),
        "new game screen (tradegame)": ([str(BIN)], b"New game"),
        "game screen (play --seat JP=human)": (
            [
                str(BIN),
                "play",
                "--seat",
                "JP=human",
                "--seat",
                "US=passive",
                "--seat",
                "EU=passive",
                "--seed",
                "1",
            ],
            b"Your move",
        ),
    }
    # Not a first screen: the talks tab, where Japan's first move is made (the turn shows it
    # once the first frame is on the terminal), for the whole start as a player waits for it.
    game = cases["game screen (play --seat JP=human)"][0]
    cases["game screen, talks tab ready (Your draft)"] = (game, b"Your draft")
    # The baseline's own cache folder: an entry names the code that wrote it, and each version
    # would otherwise replace the other's entry and check the scenario again at every start.
    own_cache = f"TRADEGAME_CACHE_DIR={Path(folder) / 'baseline'}"
    if baseline is not None:  # another checkout's command, measured in the same run
        for name, (command, marker) in list(cases.items())[1:]:
            cases[f"{name} [baseline]"] = (["env", own_cache, str(baseline), *command[1:]], marker)
    elif baseline_src is not None:  # another checkout's sources, this interpreter
        for name, (command, marker) in list(cases.items())[1:]:
            run_it = [sys.executable, "-m", "tradegame", *command[1:]]
            cases[f"{name} [baseline]"] = (
                ["env", f"PYTHONPATH={baseline_src}", own_cache, *run_it],
                marker,
            )
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    # A warm-up, not counted: the scenario cache, the compiled dataclass methods (written where
    # Python may write bytecode) and the OS's file cache are then warm, as in play.
    first_start = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command, marker in cases.values():
        time_to_screen(command, marker, first_start)
    for _ in range(runs):  # interleaved: a busy moment slows every case alike
        for name, (command, marker) in cases.items():
            wall, used = time_to_screen(command, marker, env)
            times[name].append(wall)
            if used is not None:
                cpu[name].append(used)
    out: dict[str, Any] = {}
    reference = statistics.median(times[TRIVIAL])
    cpu_reference = statistics.median(cpu[TRIVIAL]) if cpu[TRIVIAL] else None
    for name, values in times.items():
        median = statistics.median(values)
        out[name] = {
            "median_s": median,
            "max_s": max(values),
            "runs": runs,
            "vs_trivial": median / reference,
            "cpu_median_s": statistics.median(cpu[name]) if cpu[name] else None,
            "cpu_range_s": (min(cpu[name]), max(cpu[name])) if cpu[name] else None,
            "cpu_vs_trivial": (
                statistics.median(cpu[name]) / cpu_reference
                if cpu[name] and cpu_reference
                else None
            ),
        }
    shutil.rmtree(folder, ignore_errors=True)
    return out


def compose_times(runs: int) -> dict[str, Any]:
    """Composing every bundled scenario (the loader's first step), with libyaml and with the
    bounded pure-Python loader, interleaved; milliseconds for all of them, medians."""
    from tradegame.scenario import loader

    texts = [loader.load_scenario_text(name)[0] for name in sorted(loader.bundled_scenarios())]
    fast = loader._CLoader
    times: dict[str, list[float]] = {"libyaml": [], "python": []}
    try:
        for _ in range(runs):
            for name, cls in (("libyaml", fast), ("python", None)):
                if name == "libyaml" and fast is None:
                    continue
                loader._CLoader = cls
                start = time.perf_counter()
                for text in texts:
                    loader._compose(text)
                times[name].append((time.perf_counter() - start) * 1000)
    finally:
        loader._CLoader = fast
    return {
        "runs": runs,
        "libyaml_ms": statistics.median(times["libyaml"]) if times["libyaml"] else None,
        "python_ms": statistics.median(times["python"]),
    }


def load_times(runs: int) -> dict[str, Any]:
    """Loading each bundled scenario as a game does (``session.match.load_scenario``), warm
    (modules imported): from the cache of checked scenarios, and checked again without it
    (target: at most 50 ms warm). Milliseconds, medians, the slowest scenario."""
    from tradegame.scenario import cache
    from tradegame.scenario.bundled import bundled_scenarios
    from tradegame.session.match import load_scenario

    names = sorted(bundled_scenarios())
    folder = tempfile.mkdtemp(prefix="tg-bench-cache-")
    before = os.environ.get(cache.ENV)
    out: dict[str, Any] = {"runs": runs}
    try:
        for label, setting in (("cached", folder), ("checked", "")):
            os.environ[cache.ENV] = setting
            for name in names:
                load_scenario(name)  # warm: imports done, the entry written
            per_name = {}
            for name in names:
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    load_scenario(name)
                    times.append((time.perf_counter() - start) * 1000)
                per_name[name] = statistics.median(times)
            slowest = max(per_name, key=per_name.__getitem__)
            out[f"{label}_ms"] = per_name[slowest]
            out[f"{label}_slowest"] = slowest
    finally:
        if before is None:
            os.environ.pop(cache.ENV, None)
        else:
            os.environ[cache.ENV] = before
        shutil.rmtree(folder, ignore_errors=True)
    return out


async def key_latencies() -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "ui"))
    from support import make_app, make_match, screen_text  # type: ignore[import-not-found]

    from tradegame.ui.widgets.talks import TermList

    match = make_match({"JP": "human", "US": "dove", "EU": "passive"}, seed=3)
    app = make_app(Path(tempfile.mkdtemp(prefix="tg-bench-")), match)
    handled: list[tuple[str, float]] = []
    handled_cpu: list[tuple[str, float]] = []
    previews: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.5)

        async def key(name: str) -> None:
            start, cpu_start = time.perf_counter(), time.thread_time()
            await app._press_keys_fast(name)
            await pilot._wait_for_screen()
            handled.append((name, time.perf_counter() - start))
            handled_cpu.append((name, time.thread_time() - cpu_start))

        async def preview_after(name: str, words: str) -> None:
            start = time.perf_counter()
            await key(name)
            while words not in screen_text(app):
                await asyncio.sleep(0.005)
                if time.perf_counter() - start > 5:
                    break
            previews.append(time.perf_counter() - start)

        terms = app.screen.query_one(TermList)
        index = [o.id for o in terms.options].index("jp_lng")
        for _ in range(index):
            await key("down")
        await preview_after("right", "if your draft is agreed")
        await preview_after("right", "if your draft is agreed")
        for tab in "14352":
            await key(tab)
        await key("s")
        await pilot.pause(0.5)
        for name in ("3", "down", "down", "enter", "x", "slash", "escape"):
            await key(name)
        await key("ctrl+d")
        await key("enter")
        await pilot.pause(0.5)
        await key("enter")  # the round report: back to the game
        for tab in "12345":
            await key(tab)
        await pilot.pause(0.5)  # let the last messages drain before exit
    times = [t for _, t in handled]
    worst = sorted(handled, key=lambda kv: -kv[1])[:5]
    cpu_times = [t for _, t in handled_cpu]
    worst_cpu = sorted(handled_cpu, key=lambda kv: -kv[1])[:5]
    return {
        "cpu_median_ms": 1000 * statistics.median(cpu_times),
        "cpu_slowest_ms": 1000 * max(cpu_times),
        "cpu_slowest": [(k, round(1000 * t, 1)) for k, t in worst_cpu],
        "keys": len(times),
        "median_ms": 1000 * statistics.median(times),
        "slowest_ms": 1000 * max(times),
        "p95_ms": 1000 * sorted(times)[int(0.95 * (len(times) - 1))],
        "max_ms": 1000 * max(times),
        "slowest": [(k, round(1000 * t, 1)) for k, t in worst],
        "preview_median_ms": 1000 * statistics.median(previews) if previews else None,
    }


def key_runs(runs: int, baseline: Path | None, baseline_src: Path | None) -> dict[str, Any]:
    """The scripted game played ``runs`` times, each in a fresh interpreter, alternating with
    the baseline's: medians of the per-game median CPU and of the per-game slowest key."""
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "this checkout": ([sys.executable, __file__, "--keys-only"], dict(os.environ))
    }
    if baseline is not None:
        python = str(baseline.with_name("python"))
        cases["baseline"] = ([python, __file__, "--keys-only"], dict(os.environ))
    elif baseline_src is not None:
        env = dict(os.environ, PYTHONPATH=str(baseline_src))
        cases["baseline"] = ([sys.executable, __file__, "--keys-only"], env)
    got: dict[str, list[dict[str, Any]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (command, env) in cases.items():
            out = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            got[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    summary: dict[str, Any] = {}
    for name, games in got.items():
        medians = [g["cpu_median_ms"] for g in games]
        slowest = [g["cpu_slowest_ms"] for g in games]
        summary[name] = {
            "runs": len(games),
            "cpu_median_ms": statistics.median(medians),
            "cpu_median_range": (min(medians), max(medians)),
            "cpu_slowest_ms": statistics.median(slowest),
            "cpu_slowest_range": (min(slowest), max(slowest)),
            "worst": [g["cpu_slowest"][0] for g in games],
        }
    return summary


def _install_fast_press() -> None:
    """Send one key without Pilot's idle waits (they would dominate the measurement)."""
    from textual import events
    from textual.app import App

    async def press_fast(self: App[Any], key: str) -> None:
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(self)
        assert self._driver is not None
        self._driver.send_message(event)
        await asyncio.sleep(0)

    App._press_keys_fast = press_fast  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout's tradegame command, started in the same run (before/after)",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="another checkout's src folder, run by this interpreter with PYTHONPATH",
    )
    parser.add_argument("--skip-keys", action="store_true", help="start-up and loading only")
    parser.add_argument(
        "--key-runs",
        type=int,
        default=1,
        help="play the scripted game N times, each in a fresh interpreter",
    )
    parser.add_argument("--keys-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.keys_only:  # one run of the scripted game, for --key-runs
        _install_fast_press()
        print(json.dumps(asyncio.run(key_latencies())))
        return 0
    results: dict[str, Any] = {}
    if BIN.exists():
        results["startup"] = startup(args.runs, args.baseline, args.baseline_src)
    else:
        results["startup"] = f"skipped: {BIN} not installed"
    results["compose"] = compose_times(max(args.runs, 5))
    results["load"] = load_times(max(args.runs, 5))
    if not args.skip_keys:
        if args.key_runs > 1 or args.baseline or args.baseline_src:
            results["key_runs"] = key_runs(args.key_runs, args.baseline, args.baseline_src)
        else:
            _install_fast_press()
            results["keys"] = asyncio.run(key_latencies())
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print("tradegame terminal interface")
    if isinstance(results["startup"], dict):
        for name, r in results["startup"].items():
            cpu = (
                f"; CPU {r['cpu_median_s']:.2f} s [{r['cpu_range_s'][0]:.2f}-"
                f"{r['cpu_range_s'][1]:.2f}], {r['cpu_vs_trivial']:.2f}×"
                if r["cpu_vs_trivial"] is not None
                else ""
            )
            print(
                f"  start-up, {name}: median {r['median_s']:.3f} s, "
                f"max {r['max_s']:.3f} s ({r['runs']} runs), "
                f"{r['vs_trivial']:.2f}× the trivial app "
                f"({'no target: not a first screen' if 'talks tab' in name else 'target ≤ 1.4×'})"
                f"{cpu}"
            )
    else:
        print("  start-up:", results["startup"])
    c = results["compose"]
    print(
        f"  composing the bundled scenarios' YAML: libyaml {c['libyaml_ms']:.1f} ms, "
        f"pure Python {c['python_ms']:.1f} ms (medians of {c['runs']}; "
        f"{c['python_ms'] / c['libyaml_ms']:.2f}×)"
        if c["libyaml_ms"] is not None
        else f"  composing the bundled scenarios' YAML: pure Python {c['python_ms']:.1f} ms "
        "(PyYAML has no libyaml here)"
    )
    ld = results["load"]
    print(
        f"  loading a scenario, warm (slowest bundled, median of {ld['runs']}): from the cache "
        f"{ld['cached_ms']:.1f} ms ({ld['cached_slowest']}), checked without it "
        f"{ld['checked_ms']:.1f} ms ({ld['checked_slowest']}) (target ≤ 50 ms)"
    )
    for name, r in results.get("key_runs", {}).items():
        print(
            f"  keys, {name} ({r['runs']} games): CPU median {r['cpu_median_ms']:.1f} ms "
            f"[{r['cpu_median_range'][0]:.1f}-{r['cpu_median_range'][1]:.1f}], slowest "
            f"{r['cpu_slowest_ms']:.1f} ms [{r['cpu_slowest_range'][0]:.1f}-"
            f"{r['cpu_slowest_range'][1]:.1f}] (target ≤ 50 ms); slowest keys: {r['worst']}"
        )
    if "keys" not in results:
        return 0
    k = results["keys"]
    print(
        f"  key → effect: median {k['median_ms']:.1f} ms, p95 {k['p95_ms']:.1f} ms, "
        f"slowest {k['max_ms']:.1f} ms over {k['keys']} keys (target < 100 ms)"
    )
    print(f"  slowest keys: {k['slowest']}")
    print(
        f"  key → effect, CPU: median {k['cpu_median_ms']:.1f} ms, slowest "
        f"{k['cpu_slowest_ms']:.1f} ms (target ≤ 50 ms); slowest: {k['cpu_slowest']}"
    )
    if k["preview_median_ms"] is not None:
        print(
            f"  key to what-if preview on screen (worker thread): median "
            f"{k['preview_median_ms']:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
