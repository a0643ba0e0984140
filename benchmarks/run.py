"""tradegame benchmarks: how fast the engine and the built-in agents play, on one core.

    .venv/bin/python benchmarks/run.py                 # about a minute
    .venv/bin/python benchmarks/run.py --budget 0.5    # quicker, noisier
    .venv/bin/python benchmarks/run.py --json out.json

For the default scenario it reports scenario load time; for each built-in agent (in every
seat) full games per second, agent decisions per second (applied actions: one action chosen
by an agent and applied; automatic phases are not decisions, DESIGN §3.9), actions per game,
the share of pass / done / reject moves, what_if calls per game and their cost; peak memory
(tracemalloc, one game) and the process's maximum resident set. In the same run it measures
reference peers when they are installed (``pip install -e '.[bench]'``): OpenSpiel's
pure-Python ``python_tic_tac_toe`` and its ``bargaining`` game with uniform random play
(through ``pyspiel``), and PettingZoo's ``connect_four_v3`` with masked random play, and
prints tradegame's figures as ratios to theirs. Peers that are missing are reported as "not
installed". The random agent and the peers are timed in turns (six slices each within the
budget), so a change of load on the machine falls on all of them alike; the ratios divide
their totals. Timings are wall clock (CPU time: benchmarks/engine_micro.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

AGENTS = [
    "random",
    "passive",
    "hawk",
    "dove",
    "tit-for-tat",
    "boulware",
    "conceder",
    "linear",
    "greedy",
    "historical",
]


@dataclass
class Figures:
    name: str
    games: int = 0
    seconds: float = 0.0
    actions: int = 0
    passes: int = 0  # pass, done and reject moves
    dones: int = 0
    what_ifs: int = 0
    what_if_seconds: float = 0.0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def games_per_s(self) -> float:
        return self.games / self.seconds if self.seconds else 0.0

    @property
    def actions_per_s(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0

    @property
    def actions_per_game(self) -> float:
        return self.actions / self.games if self.games else 0.0

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            games_per_s=self.games_per_s,
            actions_per_s=self.actions_per_s,
            actions_per_game=self.actions_per_game,
        )
        return out


class Meter:
    """One contender: ``one(seed) -> (actions, passes, dones)`` plays a game; the figures
    add up over any number of time slices (seeds continue from slice to slice)."""

    def __init__(
        self,
        name: str,
        one: Callable[[int], tuple[int, int, int]],
        close: Callable[[], object] | None = None,
    ) -> None:
        self.fig = Figures(name)
        self.one = one
        self.seed = 0
        self.close = close  # releases what the contender holds (an environment)

    def run_for(self, seconds: float, min_games: int = 1) -> Figures:
        fig = self.fig
        games = 0
        start = time.perf_counter()
        while True:
            actions, passes, dones = self.one(self.seed)
            self.seed += 1
            games += 1
            fig.games += 1
            fig.actions += actions
            fig.passes += passes
            fig.dones += dones
            elapsed = time.perf_counter() - start
            if elapsed >= seconds and games >= min_games:
                fig.seconds += elapsed
                return fig


def interleaved(meters: list[Meter], budget: float, slices: int = 6) -> None:
    """Run each meter for ``budget`` seconds in all, in turns of budget/slices: a change in
    the machine's load during the run then falls on every contender alike."""
    for _ in range(slices):
        for meter in meters:
            meter.run_for(budget / slices)


# ---------------------------------------------------------------------- tradegame


def bench_load(scenario: str, budget: float) -> dict[str, float]:
    from tradegame.scenario import load_rules

    times: list[float] = []
    start = time.perf_counter()
    while not times or time.perf_counter() - start < budget:
        t = time.perf_counter()
        load_rules(scenario)
        times.append(time.perf_counter() - t)
    return {"median_ms": 1000 * statistics.median(times), "runs": len(times)}


class WhatIfMeter:
    """Counts ``Game.what_if`` calls and the time spent in them."""

    def __init__(self) -> None:
        from tradegame.engine.game import Game

        self.calls = 0
        self.seconds = 0.0
        self._game = Game
        self._real = Game.what_if

    def __enter__(self) -> WhatIfMeter:
        real = self._real
        meter = self

        def what_if(game: Any, *args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return real(game, *args, **kwargs)
            finally:
                meter.calls += 1
                meter.seconds += time.perf_counter() - t

        self._game.what_if = what_if  # type: ignore[method-assign, assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self._game.what_if = self._real  # type: ignore[method-assign]


def agent_meter(rules: Any, agent: str) -> Meter:
    from tradegame.agents.base import play_match
    from tradegame.engine import Done, Pass, Reject

    seats = dict.fromkeys(rules.player_ids, agent)

    def one(seed: int) -> tuple[int, int, int]:
        game = play_match(rules, seed, seats)
        passes = sum(isinstance(a, (Pass, Done, Reject)) for a in game.actions)
        dones = sum(isinstance(a, Done) for a in game.actions)
        return len(game.actions), passes, dones

    one(10_000)  # warm the caches (BATNA per seed is cached, so use another seed)
    return Meter(agent, one)


def bench_agent(rules: Any, agent: str, budget: float) -> Figures:
    meter = agent_meter(rules, agent)
    with WhatIfMeter() as what_ifs:
        fig = meter.run_for(budget)
    fig.what_ifs, fig.what_if_seconds = what_ifs.calls, what_ifs.seconds
    return fig


def bench_memory(rules: Any, agent: str) -> float:
    """Peak traced memory (MiB) while playing one game, caches warm."""
    from tradegame.agents.base import play_match

    seats = dict.fromkeys(rules.player_ids, agent)
    play_match(rules, 20_000, seats)
    gc.collect()
    tracemalloc.start()
    play_match(rules, 20_001, seats)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def max_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 2**10


# ---------------------------------------------------------------------- peers


def openspiel_meter(name: str) -> Meter | Figures:
    """A meter for an OpenSpiel game, or Figures saying it is not installed."""
    try:
        import pyspiel  # type: ignore[import-not-found, unused-ignore]  # no stubs
    except ImportError:
        return Figures(f"OpenSpiel {name}", note="not installed (pip install open_spiel)")
    if name.startswith("python_"):
        # registers the pure-Python games; no py.typed
        import open_spiel.python.games  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
    game = pyspiel.load_game(name)

    def one(seed: int) -> tuple[int, int, int]:
        rng = random.Random(seed)
        state = game.new_initial_state()
        actions = 0
        while not state.is_terminal():
            if state.is_chance_node():
                outcomes, probs = zip(*state.chance_outcomes(), strict=True)
                state.apply_action(rng.choices(outcomes, probs)[0])
                continue
            state.apply_action(rng.choice(state.legal_actions()))
            actions += 1
        return actions, 0, 0

    one(0)
    return Meter(f"OpenSpiel {name}", one)


def pettingzoo_meter() -> Meter | Figures:
    """A meter for PettingZoo's connect_four_v3, or Figures saying it is not installed."""
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pettingzoo.classic import connect_four_v3  # type: ignore[import-untyped, import-not-found, unused-ignore]  # no py.typed
    except ImportError:
        return Figures(
            "PettingZoo connect_four_v3", note="not installed (pip install 'pettingzoo[classic]')"
        )
    env = connect_four_v3.env()

    def one(seed: int) -> tuple[int, int, int]:
        env.reset(seed=seed)
        env.action_space(env.possible_agents[0]).seed(seed)
        env.action_space(env.possible_agents[1]).seed(seed + 1)
        actions = 0
        for agent in env.agent_iter():
            obs, _, term, trunc, _ = env.last()
            if term or trunc:
                action = None
            else:
                action = env.action_space(agent).sample(obs["action_mask"])
                actions += 1
            env.step(action)
        return actions, 0, 0

    one(0)
    return Meter("PettingZoo connect_four_v3", one, close=env.close)


# ---------------------------------------------------------------------- report


def report(results: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    env = results["environment"]
    add(
        f"tradegame benchmarks — Python {env['python']} on {env['platform']}, one core, "
        f"budget {env['budget']} s per row"
    )
    add(f"code: {env['code']}")
    add("")
    load = results["scenario_load"]
    add(
        f"Scenario load ({results['scenario']}, YAML → validated → rules): "
        f"{load['median_ms']:.1f} ms (median of {load['runs']})"
    )
    add("")
    add(
        f"{'agent (every seat)':<20}{'games/s':>9}{'decisions/s':>13}{'actions/game':>14}"
        f"{'pass+done':>11}{'done':>7}{'what_if/game':>14}{'ms/what_if':>12}"
    )
    for f in results["agents"]:
        fig = Figures(**{k: v for k, v in f.items() if k in Figures.__dataclass_fields__})
        share = fig.passes / fig.actions if fig.actions else 0.0
        done = fig.dones / fig.actions if fig.actions else 0.0
        wi = fig.what_ifs / fig.games if fig.games else 0.0
        ms = 1000 * fig.what_if_seconds / fig.what_ifs if fig.what_ifs else 0.0
        add(
            f"{fig.name:<20}{fig.games_per_s:>9.1f}{fig.actions_per_s:>13.0f}"
            f"{fig.actions_per_game:>14.1f}{share:>11.0%}{done:>7.0%}{wi:>14.1f}"
            f"{ms:>12.2f}"
        )
    add("")
    mem = results["memory"]
    peaks = ", ".join(f"{a} {v:.2f} MiB" for a, v in mem["peak_mib"].items())
    rss = f"; process max RSS {mem['max_rss_mib']:.0f} MiB" if mem["max_rss_mib"] else ""
    add(f"Peak memory of one game (tracemalloc): {peaks}{rss}")
    add("")
    add("Reference peers (uniform random play, one core):")
    ours = next(f for f in results["agents"] if f["name"] == "random")
    for p in results["peers"]:
        if p["note"]:
            add(f"  {p['name']:<30} {p['note']}")
            continue
        g_ratio = ours["games_per_s"] / p["games_per_s"] if p["games_per_s"] else 0.0
        a_ratio = ours["actions_per_s"] / p["actions_per_s"] if p["actions_per_s"] else 0.0
        add(
            f"  {p['name']:<30} {p['games_per_s']:>9.1f} games/s {p['actions_per_s']:>9.0f} "
            f"actions/s {p['actions_per_game']:>6.1f} actions/game;  tradegame random: "
            f"×{g_ratio:.3f} games/s, ×{a_ratio:.2f} decisions/s"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--budget",
        type=float,
        default=3.0,
        help="seconds per measurement (default 3; at least one game each)",
    )
    parser.add_argument("--scenario", default="april-2025")
    parser.add_argument(
        "--agents", default=",".join(AGENTS), help="comma-separated built-in agents to time"
    )
    parser.add_argument(
        "--memory-agents",
        default="random,greedy",
        help="agents whose one-game peak memory is traced",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip the reference peers")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    from tradegame.scenario import load_rules

    results: dict[str, Any] = {
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "budget": args.budget,
            # which checkout: PYTHONPATH=OTHER/src measures another, a wrong path this one
            "code": str(Path(sys.modules["tradegame"].__file__ or "").parent),
        },
        "scenario": args.scenario,
        "scenario_load": bench_load(args.scenario, args.budget),
    }
    rules = load_rules(args.scenario)
    # The random agent and the peers take turns (interleaved), so their ratios compare
    # figures taken under the same load; the other agents run one after another.
    peers: list[Meter | Figures] = []
    if not args.no_peers:
        peers = [
            openspiel_meter("python_tic_tac_toe"),
            openspiel_meter("bargaining"),
            pettingzoo_meter(),
        ]
    random_meter = agent_meter(rules, "random")
    interleaved([random_meter, *(p for p in peers if isinstance(p, Meter))], args.budget)
    agents = [a for a in args.agents.split(",") if a]
    results["agents"] = [
        random_meter.fig.to_json()
        if a == "random"
        else bench_agent(rules, a, args.budget).to_json()
        for a in agents
    ]
    if "random" not in agents:
        results["agents"].insert(0, random_meter.fig.to_json())
    results["memory"] = {
        "peak_mib": {a: bench_memory(rules, a) for a in args.memory_agents.split(",") if a},
        "max_rss_mib": max_rss_mib(),
    }
    results["peers"] = [(p.fig if isinstance(p, Meter) else p).to_json() for p in peers]
    for peer in peers:
        close = getattr(peer, "close", None)
        if close is not None:
            close()
    print(report(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    import plain_errors  # beside this script

    sys.exit(plain_errors.run(main))
