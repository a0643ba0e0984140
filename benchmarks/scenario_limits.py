"""How long the scenario loader takes to refuse hostile inputs (the cases of
tests/scenario/test_scenario_limits.py, which check by counting work that each stops at its
limit; the time is measured here, never asserted in a test).

    .venv/bin/python benchmarks/scenario_limits.py            # best of 3, CPU time
    .venv/bin/python benchmarks/scenario_limits.py --runs 5

Prints the CPU milliseconds of each case (best of ``--runs``). The loader's promise
(docs/scenario-format.md, "Limits") is that any of them is answered in well under a second.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = (ROOT / "tests" / "scenario" / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")


def cases() -> dict[str, str]:
    from tradegame.scenario.loader import MAX_BYTES

    number = "1" + ":59" * ((MAX_BYTES - len(MINIMAL.encode()) - 20) // 3)
    return {
        "400,000 keys (over the byte limit)": MINIMAL
        + "".join(f"k{i}: 1\n" for i in range(400_000)),
        "50,000 keys (scalar limit)": MINIMAL + "".join(f"k{i}: 1\n" for i in range(50_000)),
        "a flat list of 100,001 (scalar limit)": MINIMAL + "x: [" + "1, " * 100_000 + "1]\n",
        "30,001 empty lists (node limit)": "x: [" + "[], " * 30_000 + "[]]\n",
        "1,500 keys in one mapping": "x: {" + ", ".join(f"k{i}: 1" for i in range(1_500)) + "}\n",
        "a base-60 number of 512 KiB": MINIMAL + f"x: {number}\n",
        "100,000 nested lists (depth limit)": "a: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "900 unknown keys (problems counted)": MINIMAL + "".join(f"k{i}: 1\n" for i in range(900)),
    }


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    from tradegame.scenario.loader import ScenarioError, parse_scenario

    def refuse(text: str) -> None:
        try:
            parse_scenario(text, "x.yaml")
        except ScenarioError:
            return
        raise SystemExit("a hostile input was accepted")

    print(f"CPU ms to refuse each input, best of {args.runs}")
    for name, text in cases().items():
        ms = 1000 * best(lambda t=text: refuse(t), args.runs)  # type: ignore[misc]
        print(f"  {ms:8.1f}  {name}")


if __name__ == "__main__":
    main()
