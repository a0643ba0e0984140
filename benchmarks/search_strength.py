"""The search agent's strength: against every built-in agent, in every role, next to greedy.

    .venv/bin/python benchmarks/search_strength.py                      # ~10 min on 2 cores
    .venv/bin/python benchmarks/search_strength.py --spec search:ms=200 --seeds 6 --workers 2
    .venv/bin/python benchmarks/search_strength.py --opponents greedy,bargainer --json out.json

For each opponent agent and each role, the same seeds are played twice: the search agent
(``--spec``) in that role and the opponent in every other seat, then greedy in that role with
the same opponents. The table gives, per opponent and role, the mean difference in the
role's surplus (score minus its no-deal baseline) search − greedy with a 95% confidence
interval (Student's t over the seeds, paired), and the search agent's mean wall-clock time
per move; then, per role, the mean over opponents with an interval over all its paired games
(pooled over opponents), the time per move and how many games search did better. The
issue's aim: +5 or more in every role at 200 ms a move or less. JSON with every game's figures
goes to ``--json`` (default benchmarks/search_strength.json).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

EXCLUDED = ("search",)  # the agent under test; human and code agents are not built-ins
T95 = [12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13]


def t95(df: int) -> float:
    return T95[df - 1] if 1 <= df <= len(T95) else 2.0 if df <= 60 else 1.96


class Timed:
    """Forwards to an agent and keeps the wall-clock time of each of its moves."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent
        self.times: list[float] = []

    def act(self, turn: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.agent.act(turn)
        finally:
            self.times.append(time.perf_counter() - started)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.agent, name)


def one(task: tuple[str, str, str, str, int]) -> dict[str, Any]:
    scenario, spec, opponent, role, seed = task
    from tradegame.agents.base import agent_rng, make_agent, play_match
    from tradegame.scenario import load_rules

    rules = load_rules(scenario)
    out: dict[str, Any] = {"opponent": opponent, "role": role, "seed": seed}
    for label, mine in (("search", spec), ("greedy", "greedy")):
        timed = Timed(make_agent(mine, agent_rng(seed, role, mine)))
        seats: dict[str, Any] = {p: opponent for p in rules.player_ids}
        seats[role] = timed
        game = play_match(rules, seed, seats)
        out[label] = game.scores()[role] - game.batna()[role]
        if label == "search":
            out["moves"] = len(timed.times)
            out["seconds"] = sum(timed.times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--spec", default="search", help="the search agent's spec (search:ms=200)")
    ap.add_argument("--opponents", default="", help="comma-separated (default: every built-in)")
    ap.add_argument("--roles", default="", help="comma-separated roles (default: every role)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds run from this one up")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", default="benchmarks/search_strength.json")
    args = ap.parse_args()

    from tradegame.agents.base import registry
    from tradegame.scenario import load_rules

    rules = load_rules(args.scenario)
    opponents = [o.strip() for o in args.opponents.split(",") if o.strip()] or [
        n for n in sorted(registry()) if n not in EXCLUDED
    ]
    roles = [r.strip() for r in args.roles.split(",") if r.strip()] or list(rules.player_ids)
    unknown = sorted(set(roles) - set(rules.player_ids))
    if unknown:
        ap.error(f"--roles: no such role in {args.scenario}: {', '.join(unknown)}")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    tasks = [(args.scenario, args.spec, o, r, s) for o in opponents for r in roles for s in seeds]
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            rows = list(pool.map(one, tasks))
    else:
        rows = [one(t) for t in tasks]
    wall = time.perf_counter() - started

    summary: list[dict[str, Any]] = []
    print(
        f"{args.spec} vs greedy in the same seat, {args.scenario}, {args.seeds} seeds, "
        f"surplus difference [95% CI]; ms per move of the search agent"
    )
    print(f"{'opponent':<14}" + "".join(f"{r:>26}" for r in roles))
    for o in opponents:
        cells = []
        for r in roles:
            mine = [x for x in rows if x["opponent"] == o and x["role"] == r]
            diffs = [x["search"] - x["greedy"] for x in mine]
            mean = statistics.fmean(diffs)
            half = (
                t95(len(diffs) - 1) * statistics.stdev(diffs) / math.sqrt(len(diffs))
                if len(diffs) > 1
                else math.inf
            )
            ms = 1000 * sum(x["seconds"] for x in mine) / max(1, sum(x["moves"] for x in mine))
            summary.append(
                {"opponent": o, "role": r, "diff": mean, "ci95": half, "ms_per_move": ms}
            )
            cells.append(f"{mean:+6.1f} [±{half:4.1f}] {ms:5.0f} ms")
        print(f"{o:<14}" + "".join(f"{c:>26}" for c in cells))
    per_role: list[dict[str, Any]] = []
    for r in roles:
        d = [s["diff"] for s in summary if s["role"] == r]
        games = [x for x in rows if x["role"] == r]
        diffs = [x["search"] - x["greedy"] for x in games]
        half = (
            t95(len(diffs) - 1) * statistics.stdev(diffs) / math.sqrt(len(diffs))
            if len(diffs) > 1
            else math.inf
        )
        ms = 1000 * sum(x["seconds"] for x in games) / max(1, sum(x["moves"] for x in games))
        wins = sum(1 for x in diffs if x > 0)
        per_role.append(
            {"role": r, "diff": statistics.fmean(d), "ci95": half, "ms_per_move": ms, "wins": wins}
        )
        print(
            f"mean over opponents, {r}: {statistics.fmean(d):+.1f} "
            f"[±{half:.1f} over the {len(diffs)} games], {ms:.0f} ms a move, "
            f"better than greedy in {wins} of {len(diffs)}"
        )
    print(f"{len(tasks) * 2} games in {wall:.0f} s")
    with open(args.json, "w") as f:
        json.dump(
            {
                "spec": args.spec,
                "scenario": args.scenario,
                "seeds": args.seeds,
                "summary": summary,
                "roles": per_role,
                "games": rows,
            },
            f,
            indent=1,
        )


if __name__ == "__main__":
    main()
