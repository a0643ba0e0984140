"""RL environment speed: steps per CPU second next to the engine's own random play, one core.

    .venv/bin/python benchmarks/rl_env.py                  # april-2025, about 40 s
    .venv/bin/python benchmarks/rl_env.py --budget 4 --scenario with-china
    .venv/bin/python benchmarks/rl_env.py --text --json out.json

To compare two versions, run this file with each one's sources first on the path, back to
back: ``PYTHONPATH=/path/to/other/src .venv/bin/python benchmarks/rl_env.py``.

Contenders, timed in turns (six slices each within the budget, so a change of load on the
shared machine falls on all of them alike; CPU time of this process, which is one thread):

- ``engine random``: the engine's own random play (``play_match`` with ``random`` in every
  seat, as ``benchmarks/engine_micro.py``): decisions per second;
- ``AEC masked random``: the PettingZoo environment (``tradegame.rl.env``) driven by the usual
  ``agent_iter`` / ``last`` / ``step`` loop, each step a uniform draw from ``action_mask``;
  a step is one ``step()`` call (an "add term" id is a step; the final dead steps are too);
- ``AEC + text`` (``--text``): the same with the opt-in text observation;
- ``Seat env masked random``: the one-seat Gymnasium environment as Japan, ``random`` in
  the other seats, a uniform draw from ``action_masks()`` each step (the other seats' moves
  are inside the step).

Then, on the states of a few random games, the CPU cost of each piece an observation needs:
the legal-id mask, the view, the vector, the text.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any


class Meter:
    """``one(seed) -> steps`` plays one episode; figures add up over time slices."""

    def __init__(self, name: str, unit: str, one: Callable[[int], int]) -> None:
        self.name, self.unit, self.one = name, unit, one
        self.seed = 0
        self.episodes = self.steps = 0
        self.cpu = 0.0

    def run_for(self, seconds: float) -> None:
        start = time.process_time()
        while True:
            self.steps += self.one(self.seed)
            self.seed += 1
            self.episodes += 1
            elapsed = time.process_time() - start
            if elapsed >= seconds:
                self.cpu += elapsed
                return

    def row(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "episodes": self.episodes,
            "steps": self.steps,
            "cpu_s": round(self.cpu, 3),
            "per_s": round(self.steps / self.cpu, 1) if self.cpu else 0.0,
            "per_episode": round(self.steps / self.episodes, 1) if self.episodes else 0.0,
        }


def engine_meter(rules: Any) -> Meter:
    from tradegame.agents.base import play_match

    seats = dict.fromkeys(rules.player_ids, "random")

    def one(seed: int) -> int:
        return len(play_match(rules, seed, seats).actions)

    return Meter("engine random", "decisions", one)


def aec_meter(rules: Any, text: bool) -> Meter:
    import numpy as np

    from tradegame.rl.aec import TradeGameEnv

    env = TradeGameEnv(rules=rules, text_observation=text)

    def one(seed: int) -> int:
        env.reset(seed=seed)
        rng = np.random.default_rng(seed)
        steps = 0
        for _agent in env.agent_iter():
            obs, _, terminated, truncated, _ = env.last()
            if terminated or truncated:
                action = None
            else:
                legal = np.flatnonzero(obs["action_mask"])
                action = int(legal[rng.integers(len(legal))])
            env.step(action)
            steps += 1
        return steps

    return Meter("AEC masked random" + (" + text" if text else ""), "steps", one)


def seat_meter(rules: Any) -> Meter:
    import numpy as np

    from tradegame.rl.seat import SeatEnv

    seat = rules.player_ids[1] if len(rules.player_ids) > 1 else rules.player_ids[0]
    env = SeatEnv(rules=rules, seat=seat, opponents="random")

    def one(seed: int) -> int:
        env.reset(seed=seed)
        rng = np.random.default_rng(seed)
        steps = 0
        done = env.game.is_over()
        while not done:
            legal = np.flatnonzero(env.action_masks())
            _, _, done, _, _ = env.step(int(legal[rng.integers(len(legal))]))
            steps += 1
        return steps

    return Meter(f"Seat env ({seat}) masked random", "steps", one)


def pieces(rules: Any, games: int) -> dict[str, dict[str, float]]:
    """µs of CPU per state for each piece of an observation, by phase (orders / talks): the
    least of three timings of each piece on each state of ``games`` random games, averaged."""
    from tradegame.engine import Game
    from tradegame.rl.aec import TradeGameEnv

    env = TradeGameEnv(rules=rules)
    text_env = TradeGameEnv(rules=rules, text_observation=True)
    named: list[tuple[str, Callable[[Any, str], object]]] = [
        ("mask", lambda game, p: env.codec.legal_ids(game, p)),
        ("view", lambda game, p: game.view(p)),
        ("glance", lambda game, p: game.glance(p)),
        ("observe", lambda game, p: _uncached_observe(env, p)),
        ("text", lambda game, p: _uncached_text(text_env, p)),
    ]
    if not hasattr(Game, "glance"):  # an engine before Game.glance (PYTHONPATH=old/src)
        named = [(name, fn) for name, fn in named if name != "glance"]
    total: dict[tuple[str, str], float] = {}
    count: dict[tuple[str, str], int] = {}
    for seed in range(games):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            p = game.to_move()
            assert p is not None
            phase = "talks" if game.session is not None else "orders"
            for e in (env, text_env):
                e.game, e.agent_selection, e.draft = game, p, ()
            for name, fn in named:
                best = float("inf")
                for _ in range(3):
                    t = time.process_time()
                    fn(game, p)
                    best = min(best, time.process_time() - t)
                total[name, phase] = total.get((name, phase), 0.0) + best
                count[name, phase] = count.get((name, phase), 0) + 1
            game.apply(game.legal_actions().sample(rng))
    out: dict[str, dict[str, float]] = {}
    for name, _ in named:
        for phase in ("orders", "talks"):
            if (name, phase) in total:
                us = total[name, phase] / count[name, phase] * 1e6
                out.setdefault(name, {})[phase] = round(us, 1)
    return out


def _uncached_observe(env: Any, agent: str) -> Any:
    forget = getattr(env, "_forget", None)  # drop what the environment remembers of the state
    if forget is not None:
        forget()
    return env.observe(agent)


def _uncached_text(env: Any, agent: str) -> str:
    forget = getattr(env, "_forget", None)
    if forget is not None:
        forget()
    text: str = env.observe_text(agent)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--budget", type=float, default=8.0, help="CPU seconds per contender")
    ap.add_argument("--text", action="store_true", help="also the opt-in text observation")
    ap.add_argument("--no-seat", action="store_true", help="skip the one-seat environment")
    ap.add_argument("--pieces", type=int, default=3, help="games for the per-piece costs")
    ap.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = ap.parse_args(argv)

    from tradegame.scenario import load_rules

    rules = load_rules(args.scenario)
    meters = [engine_meter(rules), aec_meter(rules, text=False)]
    if args.text:
        meters.append(aec_meter(rules, text=True))
    if not args.no_seat:
        meters.append(seat_meter(rules))
    for m in meters:  # warm the per-scenario caches (and gymnasium's Text space)
        m.one(10_000)
    slices = 6
    for _ in range(slices):
        for m in meters:
            m.run_for(args.budget / slices)
    rows = [m.row() for m in meters]
    engine = rows[0]["per_s"]
    print(
        f"tradegame RL environments — {args.scenario}, Python {sys.version.split()[0]}, "
        f"CPU time, one core, {args.budget:g} s per contender in {slices} slices"
    )
    # which checkout: PYTHONPATH=OTHER/src measures another, a wrong path this one
    code = os.path.dirname(sys.modules["tradegame"].__file__ or "")
    print(f"code: {code}")
    print(f"{'contender':34} {'per CPU s':>12} {'per episode':>12} {'episodes':>9}  ×engine")
    for r in rows:
        ratio = r["per_s"] / engine if engine else 0.0
        print(
            f"{r['name']:34} {r['per_s']:8.0f} {r['unit'][:5]:>5} {r['per_episode']:10.1f}"
            f" {r['episodes']:9d}  {ratio:6.3f}"
        )
    costs = pieces(rules, args.pieces) if args.pieces else {}
    if costs:
        print(f"\nper state, µs of CPU ({args.pieces} random games' states):")
        for name, by_phase in costs.items():
            cells = "  ".join(f"{ph} {us:7.1f}" for ph, us in sorted(by_phase.items()))
            print(f"  {name:20} {cells}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(
                {"scenario": args.scenario, "code": code, "rows": rows, "pieces_us": costs},
                fh,
                indent=1,
            )
    return 0


if __name__ == "__main__":
    import plain_errors  # beside this script

    raise SystemExit(plain_errors.run(main))
