"""Scripted news against the state: count the news items that contradicted the game (issue 19 f).

    .venv/bin/python benchmarks/news_check.py                      # 1,000 random games, april-2025
    .venv/bin/python benchmarks/news_check.py --scenario all       # 1,000 of each bundled scenario
    .venv/bin/python benchmarks/news_check.py --as-before          # played without requirements
    .venv/bin/python benchmarks/news_check.py --agents historical,greedy,random --games 200

Plays GAMES games (random legal moves by default; ``--agents`` seats built-in agents drawn per
seat from the list), then replays each through the news checker
(:func:`tradegame.engine.newscheck.check_game`), which holds every news item to its event's
``requires`` as it is published and checks that a session an event claims was really held.
Prints the count of news items that contradicted the state per scenario and in total, and
for each event what it needed that was not so (an item may fail more than one way).
``--as-before`` plays the same games by the rules as they were before issue 19 f (the events'
requirements removed) and holds them to the scenario's requirements: the count the
requirements remove. Exit status 1 if a game played by the real rules contradicted its news.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from collections import Counter


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025", help="a scenario, or 'all' (bundled)")
    ap.add_argument("--games", type=int, default=1000, help="games per scenario (1000)")
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--agents", default="random", help="comma-separated built-in agents")
    ap.add_argument(
        "--as-before", action="store_true", help="play without the events' requirements"
    )
    args = ap.parse_args(argv)

    from tradegame.agents.base import play_match
    from tradegame.engine import Game
    from tradegame.engine.newscheck import check_game, requirements
    from tradegame.scenario import load_rules
    from tradegame.scenario.loader import bundled_scenarios

    names = sorted(bundled_scenarios()) if args.scenario == "all" else [args.scenario]
    agents = args.agents.split(",")
    total = 0
    started = time.perf_counter()
    for name in names:
        rules = load_rules(name)
        expected = requirements(rules)
        played = rules
        if args.as_before:
            played = dataclasses.replace(
                rules, events=tuple(dataclasses.replace(e, requires=()) for e in rules.events)
            )
        by_event: Counter[str] = Counter()  # what was needed and not so, per event
        items = 0  # news items published against the state (one may fail several ways)
        games_with = 0
        for seed in range(args.first_seed, args.first_seed + args.games):
            rng = random.Random(seed)
            if agents == ["random"]:
                game = Game.new(played, seed)
                while not game.is_over():
                    game.apply(game.legal_actions().sample(rng))
            else:
                seats = {p: rng.choice(agents) for p in played.player_ids}
                game = play_match(played, seed, seats)
            found = check_game(game, expected)
            games_with += bool(found)
            items += len({(c.round, c.event) for c in found})
            for c in found:
                by_event[f"{c.event} needs {c.needs.split(' in round')[0]}"] += 1
        total += items
        print(
            f"{name}: {items} news items contradicted the state in {games_with} of "
            f"{args.games} games (agents {args.agents}, seeds {args.first_seed}.."
            f"{args.first_seed + args.games - 1}{', as before' if args.as_before else ''})"
        )
        for what, n in by_event.most_common():
            print(f"  {n:6d}  {what}")
    print(f"total: {total} news items ({time.perf_counter() - started:.1f} s)")
    return 1 if total and not args.as_before else 0


if __name__ == "__main__":
    import plain_errors  # beside this script

    sys.exit(plain_errors.run(main))
