"""Where a greedy game's time goes: what_if (the copy, the passive tail by phase, the score)
and the rest (the agents, their views and legal moves, the real game's own rounds).

    .venv/bin/python benchmarks/greedy_split.py                       # april-2025, about 30 s
    .venv/bin/python benchmarks/greedy_split.py --games 40 --top 30

It plays ``--games`` games with ``greedy`` in every seat (as ``engine_micro.py`` times them),
after one warm-up game, and samples the Python stack every ``--interval-us`` of CPU time
(``ITIMER_PROF``, so time spent waiting for the CPU on a loaded machine is not counted).
Each sample is given to one region, the innermost of:

- ``what_if: copy`` (``Projected.of``: the copy of the game a projection plays on),
- ``what_if: hypothetical`` (the moves asked about, played on the copy),
- ``what_if: tail ...`` (``scoring.play_out_passing``: everyone passes to the end), split by
  the phase function running: ``news`` (``news.run``), ``talks`` (``talks.begin`` and the
  passive talks moves), ``orders`` (the passive ``done`` moves), ``resolution`` (split again
  into ``economy`` — the snapshot, rates and terms —, ``ledger``, ``politics``, ``markets``,
  ``ratification`` and the rest),
- ``what_if: score`` (``scoring.score``), ``what_if: other``,
- ``outside``: everything else (the agents, ``Turn.sections``, the legal moves, the match
  loop, the real game's moves and rounds).

Then it lists the functions with the most samples inclusive, in each region group. Samples are
statistical (a few thousand): a share is good to a percent or so; for a change of a few
percent count instructions instead (valgrind ``--tool=cachegrind --cache-sim=no``,
``PYTHONHASHSEED=0``, one game against an empty run).
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
from types import CodeType, FrameType

ENGINE = "tradegame/engine/"

# The innermost of these functions (file ending, function name) names the region.
REGIONS: tuple[tuple[str, str, str], ...] = (
    ("engine/projection.py", "of", "what_if: copy"),
    ("engine/projection.py", "_play_hypothetical", "what_if: hypothetical"),
    ("engine/scoring.py", "play_out_passing", "what_if: tail"),
    ("engine/scoring.py", "score", "what_if: score"),
    ("engine/projection.py", "what_if", "what_if: other"),
)
# Within the tail: the innermost of these names the part.
TAIL_PARTS: tuple[tuple[str, str, str], ...] = (
    ("engine/phases/news.py", "run", "news"),
    ("engine/phases/talks.py", "begin", "talks"),
    ("engine/phases/talks.py", "apply", "talks"),
    ("engine/phases/orders.py", "apply", "orders"),
    ("engine/phases/resolution.py", "resolve", "resolution: other"),
    ("engine/state.py", "snapshot", "resolution: economy"),
    ("engine/state.py", "_current_rates", "resolution: economy"),
    ("engine/state.py", "terms", "resolution: economy"),
    ("engine/state.py", "_accumulate", "resolution: ledger"),
    ("engine/phases/politics.py", "update", "resolution: politics"),
    ("engine/phases/politics.py", "close", "resolution: politics"),
    ("engine/phases/markets.py", "update", "resolution: markets"),
    ("engine/phases/ratification.py", "ratify", "resolution: ratification"),
)


def _name(code: CodeType) -> str:
    path = code.co_filename.replace("\\", "/")
    short = path.split("src/tradegame/")[-1]
    return f"{short}:{code.co_firstlineno} {code.co_name}"


def _match(code: CodeType, table: tuple[tuple[str, str, str], ...]) -> str | None:
    path = code.co_filename.replace("\\", "/")
    if "tradegame/" not in path:
        return None
    for ending, function, label in table:
        if code.co_name == function and path.endswith(ending):
            return label
    return None


class Sampler:
    def __init__(self) -> None:
        self.samples = 0
        self.regions: collections.Counter[str] = collections.Counter()
        self.inclusive: collections.Counter[tuple[str, str]] = collections.Counter()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        codes: list[CodeType] = []
        while frame is not None:
            codes.append(frame.f_code)
            frame = frame.f_back
        self.samples += 1
        region = "outside"
        inner = 0
        for depth, code in enumerate(codes):  # innermost first
            label = _match(code, REGIONS)
            if label is not None:
                region, inner = label, depth
                break
        if region == "what_if: tail":
            part = "passive moves and rounds"
            for code in codes[:inner]:
                label = _match(code, TAIL_PARTS)
                if label is not None:
                    part = label
                    break
            region = f"what_if: tail: {part}"
        self.regions[region] += 1
        group = "what_if: tail" if region.startswith("what_if: tail") else region
        seen: set[str] = set()
        for code in codes[: inner if region != "outside" else len(codes)]:
            name = _name(code)
            if name not in seen:
                seen.add(name)
                self.inclusive[(group, name)] += 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--games", type=int, default=30)
    ap.add_argument("--interval-us", type=int, default=500, help="CPU µs between samples")
    ap.add_argument("--top", type=int, default=12, help="functions listed per region group")
    args = ap.parse_args()

    from tradegame.agents.base import play_match
    from tradegame.scenario import load_rules

    rules = load_rules(args.scenario)
    seats = dict.fromkeys(rules.player_ids, "greedy")
    play_match(rules, 10_000, seats)  # warm the per-scenario caches
    sampler = Sampler()
    signal.signal(signal.SIGPROF, sampler)
    interval = args.interval_us / 1e6
    signal.setitimer(signal.ITIMER_PROF, interval, interval)
    try:
        for seed in range(args.games):
            play_match(rules, seed, seats)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
    total = sampler.samples
    if not total:
        sys.exit("no samples: play more games or sample more often")
    print(f"greedy in every seat, {args.scenario}, {args.games} games, {total} samples")
    print("\nregion                                        share")
    groups: collections.Counter[str] = collections.Counter()
    for region, n in sampler.regions.items():
        groups["what_if" if region.startswith("what_if") else region] += n
    print(f"{'what_if (all)':44s} {100 * groups['what_if'] / total:5.1f}%")
    tail = sum(n for region, n in sampler.regions.items() if region.startswith("what_if: tail"))
    print(f"{'  of which the tail (all its parts below)':44s} {100 * tail / total:5.1f}%")
    for region, n in sorted(sampler.regions.items(), key=lambda kv: -kv[1]):
        print(f"  {region:42s} {100 * n / total:5.1f}%")
    by_group: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
    for (group, name), n in sampler.inclusive.items():
        by_group[group].append((n, name))
    for group in sorted(by_group, key=lambda g: -sum(n for n, _ in by_group[g])):
        print(f"\n{group}: functions by samples inclusive (share of all samples)")
        for n, name in sorted(by_group[group], reverse=True)[: args.top]:
            print(f"  {100 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    import plain_errors  # beside this script

    plain_errors.run(main)
