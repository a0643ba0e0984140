"""Engine micro-benchmarks: CPU time (not wall clock) of the engine's hot paths, one core.

    .venv/bin/python benchmarks/engine_micro.py                  # april-2025
    .venv/bin/python benchmarks/engine_micro.py --scenario with-china --games 300

Reports random-agent games and decisions per CPU second, ms per ``what_if`` (cold: the
baseline projection is recomputed each call), and µs per end-of-round piece (snapshot and
rates with nothing remembered and with the cells' results remembered, state capture, state
JSON). CPU time is steadier than wall clock on a shared machine; to
compare two versions of the engine, run this for each back to back, e.g. with
``PYTHONPATH=/path/to/other/src``.
"""

from __future__ import annotations

import argparse
import time
import timeit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--games", type=int, default=150)
    args = ap.parse_args()

    from tradegame.agents.base import play_match
    from tradegame.engine import Game
    from tradegame.scenario import load_rules

    rules = load_rules(args.scenario)
    ids = rules.player_ids
    seats = dict.fromkeys(ids, "random")
    play_match(rules, 10_000, seats)  # warm the per-scenario caches

    t = time.process_time()
    actions = 0
    for seed in range(args.games):
        actions += len(play_match(rules, seed, seats).actions)
    cpu = time.process_time() - t
    print(f"random games   {args.games / cpu:8.1f} games/s  {actions / cpu:9.0f} decisions/s")

    games = []
    for seed in range(6):
        done = play_match(rules, seed, seats)
        for frac in (0.2, 0.5, 0.8):
            games.append(Game.replay(rules, seed, done.actions[: int(len(done.actions) * frac)]))
    t = time.process_time()
    calls = 0
    for _ in range(3):
        for g in games:
            for p in ids:
                g.projection_cache.clear()  # cold: the baseline projection is played out too
                g.what_if(p)
                calls += 1
    print(f"what_if (cold) {1000 * (time.process_time() - t) / calls:8.3f} ms/call")

    g = play_match(rules, 3, seats)
    n = 2000

    from tradegame.engine import economy as eco

    def fresh_snapshot() -> object:  # nothing remembered: every cell computed
        g._invalidate()
        index = getattr(rules, "_index", None)  # engines before the scenario tables
        if index is not None:
            index.pop("rates_cache", None)
        else:
            from tradegame.engine.tables import tables_of

            tables_of(rules).caches.rates.clear()
        for memo in getattr(eco.compile_rules(rules), "cell_memos", ()):
            memo.clear()
        return g.snapshot()

    def remembered_snapshot() -> object:  # the cells' results remembered from before
        g._invalidate()
        return g.snapshot()

    pieces = [
        ("snapshot+rates", fresh_snapshot),
        ("  remembered", remembered_snapshot),
        ("state_json", g.state_json),
    ]
    capture = getattr(g, "_state_capture", None)  # newer engines keep this each round
    if capture is not None:
        pieces.append(("state capture", capture))
    for name, fn in pieces:
        print(f"{name:14} {timeit.timeit(fn, number=n) / n * 1e6:8.1f} µs")


if __name__ == "__main__":
    main()
