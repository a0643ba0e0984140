"""What ``--time-limit`` costs an in-process agent: a thread and a copy of the game per call.

    .venv/bin/python benchmarks/time_limits.py                   # april-2025, random and greedy
    .venv/bin/python benchmarks/time_limits.py --agents random --games 20

For each agent (in every seat), plays the same seeds without a limit and with a limit that is
never reached (60 s), in turns, and prints wall-clock ms per decision both ways and the
difference per decision; it checks that both ways give the same games (same state hashes).
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--agents", default="random,greedy")
    ap.add_argument("--games", type=int, default=6)
    args = ap.parse_args()

    from tradegame.agents.base import play_match
    from tradegame.scenario import load_rules

    rules = load_rules(args.scenario)
    play_match(rules, 10_000, dict.fromkeys(rules.player_ids, "random"))  # warm the caches
    print(f"{args.scenario}, {args.games} games per agent and way (wall clock)")
    for agent in [a.strip() for a in args.agents.split(",") if a.strip()]:
        seats = dict.fromkeys(rules.player_ids, agent)
        times = {None: 0.0, 60.0: 0.0}
        decisions = {None: 0, 60.0: 0}
        hashes: dict[float | None, list[str]] = {None: [], 60.0: []}
        for seed in range(args.games):
            for limit in (None, 60.0):  # in turns: a change in the machine's load hits both
                started = time.perf_counter()
                game = play_match(rules, seed, seats, time_limit=limit)
                times[limit] += time.perf_counter() - started
                decisions[limit] += len(game.actions)
                hashes[limit].append(game.state_hash())
        free = 1000 * times[None] / max(1, decisions[None])
        timed = 1000 * times[60.0] / max(1, decisions[60.0])
        same = "same games" if hashes[None] == hashes[60.0] else "DIFFERENT GAMES"
        print(
            f"  {agent:<10} {free:8.3f} ms/decision free, {timed:8.3f} with a limit: "
            f"{timed - free:+.3f} ms ({same})"
        )


if __name__ == "__main__":
    main()
