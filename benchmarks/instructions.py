"""Instructions the engine executes for random play, a greedy game and a ``what_if`` of one
move, counted by valgrind (cachegrind): issue 17's engine figures, steady on a shared machine.

    .venv/bin/python benchmarks/instructions.py                      # all three cases, this src
    .venv/bin/python benchmarks/instructions.py --src OTHER/src      # and another checkout's
    .venv/bin/python benchmarks/instructions.py --cases random --games 10

Timings on this shared 2-core machine move ±20% from run to run; an instruction count moves
by a fraction of a percent, whatever else the machine does. Each case runs twice under
``valgrind --tool=cachegrind --cache-sim=no`` with ``PYTHONHASHSEED=0``: once doing its work
and once doing everything but (importing, loading the scenario, warming the per-scenario
caches with a game of its own, ``gc.freeze()``); the difference is the work's count.

- ``random``: ``play_match`` with the random agent in every seat, seeds 0 to ``--games``-1
  (what ``engine_micro.py`` times), in millions of instructions for all the games;
- ``greedy``: games with the greedy agent in every seat, seeds 0 to ``--greedy-games``-1, in
  millions of instructions a game. Two checkouts whose rules differ play different greedy
  games: bb57d96 (issue 17's reference) had no red lines, and april-2025's ``eu_digital`` red
  line makes main's greedy games shorter. ``--no-red-lines`` takes the scenario's
  ``red_line: true`` lines out, so both play the same games (the digests say so): the fair
  comparison of speed;
- ``what_if``: ``what_if`` of one random legal move of the player to move, its baseline
  remembered, at 18 points of 6 random games (as ``engine_micro.py``'s "what_if of a move"),
  each asked ``--reps`` times, in thousands of instructions a call.

``--branches`` also counts the branches the simulated CPU mispredicts (cachegrind's
``--branch-sim=yes``), per the same unit. In this interpreter a mispredict comes about once per
bytecode dispatched, and CPU time follows them where it does not follow instructions: a change
that removes machine work (hashing, C loops) but no bytecodes moves instructions more than
time. Judge such a change by both.

Each ``--src`` (this checkout's ``src`` first) runs with this interpreter and ``PYTHONPATH``
set to a copy of it made at the start, with the scenarios of the checkout around it: editing or
rebasing a checkout while the script runs changes nothing, and every copy's paths are as long.
The copies are compiled to bytecode before counting. Each case also runs once outside valgrind
to print a digest of what it did (state hashes, projections' results), so two checkouts that
must play the same games can be seen to; the counted runs make no digest, which would make
what play leaves unmade.
Measured, not asserted: DESIGN §7 keeps timings out of tests.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = ("random", "greedy", "what_if")
RED_LINE = re.compile(r"\s*red_line:\s*true\b")
UNIT = {"random": (1e6, "M"), "greedy": (1e6, "M a game"), "what_if": (1e3, "K a call")}


def work(case: str, part: str, scenario: str, games: int, greedy_games: int, reps: int) -> None:
    """Run inside valgrind: set up, then (part == "measured") do the case's work."""
    import gc
    import random

    import tradegame
    from tradegame.agents.base import play_match
    from tradegame.engine import Action, Game
    from tradegame.scenario import load_rules

    src = os.environ.get("PYTHONPATH", "")
    if src and not Path(tradegame.__file__).resolve().is_relative_to(Path(src).resolve()):
        # the venv's own tradegame was found first: the count would be of the wrong code
        sys.exit(f"tradegame was imported from {tradegame.__file__}, not from {src}")
    rules = load_rules(scenario)
    ids = list(rules.player_ids)
    random_seats = dict.fromkeys(ids, "random")
    digest = hashlib.sha256()
    warm = play_match(rules, 10_000, random_seats)  # the per-scenario caches
    todo: Callable[[], list[object]]
    if case == "random":
        todo = lambda: [play_match(rules, seed, random_seats) for seed in range(games)]  # noqa: E731
    elif case == "greedy":
        greedy = dict.fromkeys(ids, "greedy")
        for p in ids:
            warm.what_if(p)
        todo = lambda: [play_match(rules, seed, greedy) for seed in range(greedy_games)]  # noqa: E731
    else:
        points: list[tuple[Game, str, list[Action]]] = []
        for seed in range(6):
            done = play_match(rules, seed, random_seats)
            for frac in (0.2, 0.5, 0.8):
                g = Game.replay(rules, seed, done.actions[: int(len(done.actions) * frac)])
                mover = g.to_move()
                assert mover is not None
                move = [g.legal_actions(mover).sample(random.Random(len(points)))]
                g.what_if(mover, move)  # the baseline and the caches, warm
                points.append((g, mover, move))
        todo = lambda: [g.what_if(p, m) for _ in range(reps) for g, p, m in points]  # noqa: E731

    gc.collect()
    gc.freeze()
    if part == "measured":
        todo()
    elif part == "digest":  # run outside valgrind: a digest reads what play leaves unmade
        for result in todo():
            if isinstance(result, Game):
                digest.update(result.state_hash().encode())
            else:
                digest.update(repr(result).encode())
        print(digest.hexdigest()[:16])
    os._exit(0)  # no teardown counted


def bundled_file(name: str) -> Path | None:
    """The bundled scenario file named ``name`` (a name, not a path: ../x included), or None."""
    path = HERE.parent / "scenarios" / f"{name}.yaml"
    return path if Path(name).name == name and path.is_file() else None


def without_red_lines(name: str, folder: Path) -> Path:
    """The bundled scenario ``name``'s text with its ``red_line: true`` lines taken out, in a
    file of its own. Greedy agents play other games since the red line came in (e0499c35,
    after bb57d96): without it, this checkout's greedy games are bb57d96's, move for move."""
    text = (HERE.parent / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines(keepends=True) if not RED_LINE.match(line)]
    if len(kept) == len(text.splitlines()):
        sys.exit(f"{name} has no 'red_line: true' line")
    out = folder / f"{name}-no-red-lines.yaml"
    out.write_text("".join(kept), encoding="utf-8")
    return out


def work_command(case: str, part: str, args: argparse.Namespace) -> list[str]:
    """This script, asked to do one part of one case with the run's settings."""
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        *("--work", case, part, "--scenario", args.scenario),
        *("--games", str(args.games), "--greedy-games", str(args.greedy_games)),
        *("--reps", str(args.reps)),
    ]


def run_env(src: Path) -> dict[str, str]:
    """The environment of a run of ``src``'s code: the cache of checked scenarios off (a
    checkout's own code checks its own scenarios), the bytecode compiled before read only."""
    return dict(
        os.environ,
        PYTHONPATH=str(src),
        PYTHONHASHSEED="0",
        TRADEGAME_CACHE_DIR="",
        PYTHONDONTWRITEBYTECODE="1",
    )


def count(src: Path, case: str, part: str, args: argparse.Namespace, out: Path) -> tuple[int, int]:
    """Instructions, and branch mispredictions (0 without ``--branches``), of one run."""
    env = run_env(src)
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        f"--branch-sim={'yes' if args.branches else 'no'}",
        f"--cachegrind-out-file={out}",
        *work_command(case, part, args),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{src} {case} {part} failed:\n{done.stderr[-3000:]}")
    text = out.read_text()
    events = re.search(r"^events:\s+(.+)$", text, re.M)
    summary = re.search(r"^summary:\s+(.+)$", text, re.M)
    if events is None or summary is None:
        sys.exit(f"no events or summary line in {out}")
    counts = dict(zip(events.group(1).split(), map(int, summary.group(1).split()), strict=True))
    # Conditional and indirect branches mispredicted: in this interpreter about one per
    # bytecode dispatched, and what CPU time follows when instructions alone do not.
    return counts["Ir"], counts.get("Bcm", 0) + counts.get("Bim", 0)


def digest_of(src: Path, case: str, args: argparse.Namespace) -> str:
    """The case's digest, played outside valgrind; a plain message when ``src`` cannot play it
    (a scenario it cannot load, or an engine without what this script calls)."""
    done = subprocess.run(
        work_command(case, "digest", args), env=run_env(src), capture_output=True, text=True
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        sys.exit(
            f"instructions.py: {src} could not play the {case} case: {lines[-1]}\n"
            "(the scenario must load there, and that engine must have what this script calls:"
            " play_match, Game.replay, legal_actions().sample, what_if)"
        )
    return done.stdout.strip()


def positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {n}")
    return n


def main() -> None:
    intro, _, rest = __doc__.partition("\n\n")
    ap = argparse.ArgumentParser(
        description=intro, epilog=rest, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--work", nargs=2, metavar=("CASE", "PART"), help=argparse.SUPPRESS)
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated: " + ",".join(CASES))
    ap.add_argument("--games", type=positive, default=10, help="random games (seeds 0 to N-1)")
    ap.add_argument(
        "--greedy-games", type=positive, default=3, help="greedy games (seeds 0 to N-1)"
    )
    ap.add_argument("--reps", type=positive, default=3, help="times each what_if point is asked")
    ap.add_argument(
        "--src",
        action="append",
        default=[],
        help="another checkout's src folder (the one holding tradegame/); repeatable",
    )
    ap.add_argument(
        "--no-red-lines",
        action="store_true",
        help="play the bundled scenario with its 'red_line: true' lines taken out (see below)",
    )
    ap.add_argument(
        "--branches",
        action="store_true",
        help="also count branch mispredictions (valgrind --branch-sim=yes; runs slower)",
    )
    args = ap.parse_args()
    if args.work:
        case, part = args.work
        work(case, part, args.scenario, args.games, args.greedy_games, args.reps)
        return
    cases = [c for c in args.cases.split(",") if c]
    if not cases:
        ap.error("--cases names no case")
    for case in cases:
        if case not in CASES:
            ap.error(f"unknown case {case!r}: choose from {', '.join(CASES)}")
    sources = [HERE.parent / "src", *(Path(s).resolve() for s in args.src)]
    for src in sources:
        if not (src / "tradegame" / "__init__.py").is_file():
            ap.error(f"--src {src}: no tradegame package there (give a checkout's src folder)")
    if args.no_red_lines and bundled_file(args.scenario) is None:
        ap.error(f"--no-red-lines takes a bundled scenario's name, not {args.scenario!r}")
    if shutil.which("valgrind") is None:
        sys.exit(
            "instructions.py: valgrind is not installed (it counts the instructions:"
            " apt-get install valgrind)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        if args.no_red_lines:
            args.scenario = str(without_red_lines(args.scenario, Path(tmp)))
        copies = [copy_checkout(src, Path(tmp, f"c{n}")) for n, src in enumerate(sources)]
        for case in cases:
            scale, unit = UNIT[case]
            calls = {"random": 1, "greedy": args.greedy_games, "what_if": 18 * args.reps}[case]
            for n, (src, copy) in enumerate(zip(sources, copies, strict=True)):
                digest = digest_of(copy, case, args)
                measured = count(copy, case, "measured", args, Path(tmp, f"{n}.{case}.m"))
                baseline = count(copy, case, "none", args, Path(tmp, f"{n}.{case}.n"))
                figure = (measured[0] - baseline[0]) / calls / scale
                missed = ""
                if args.branches:
                    wrong = (measured[1] - baseline[1]) / calls / scale
                    missed = f"  mispredicted {wrong:9.2f} {unit.split()[0]}"
                print(
                    f"{case:8s} {figure:12.1f} {unit}{missed}   digest {digest}  {src}",
                    flush=True,
                )


def copy_checkout(src: Path, to: Path) -> Path:
    """A copy of ``src``'s tradegame package, and of the scenarios beside it, at ``to``, compiled
    to bytecode (written once, not counted); its src folder. Every run of a case reads the same
    code even if the checkout is edited or rebased meanwhile (the measured and empty runs once
    imported different code and the counts went wrong with the digests equal), and every copy's
    paths have the same length (a longer path alone moved a count by about 0.2%)."""
    code = to / "src"
    shutil.copytree(
        src / "tradegame", code / "tradegame", ignore=shutil.ignore_patterns("__pycache__")
    )
    if (src.parent / "scenarios").is_dir():  # found beside src/ as in a checkout
        shutil.copytree(src.parent / "scenarios", to / "scenarios")
    compileall.compile_dir(code, quiet=1)
    return code


if __name__ == "__main__":
    main()
