"""Engine speed: issue 17's figures in one run, in CPU time (not wall clock), one core.

    .venv/bin/python benchmarks/engine_micro.py                  # april-2025, about 40 s
    .venv/bin/python benchmarks/engine_micro.py --budget 2 --greedy-games 2   # quicker
    .venv/bin/python benchmarks/engine_micro.py --tournament     # also workers 2 against 1
    .venv/bin/python benchmarks/engine_micro.py --json out.json

It reports:

- the ``tradegame`` package measured (this checkout's, or the one ``PYTHONPATH`` names);
- random play: games and decisions per CPU second, timed in turns with OpenSpiel's pure-Python
  ``python_tic_tac_toe`` (uniform random play, when ``open_spiel`` is installed), and the ratio
  of decisions per second (the load of a shared machine falls on both alike);
- ``what_if``: ms per call of no moves warm (the baseline projection remembered) and cold
  (nothing remembered), and the copy alone; and of one random legal move of the player to move,
  warm (one copy of the game and one play-out of the passive tail: what a bot's call costs).
  Engines since issue 17's third session answer no moves with the remembered baseline (warm:
  a copy; cold: one play-out), so compare versions on the move line;
- greedy in every seat: games per CPU second and ``what_if`` calls per game; and games per CPU
  second in the scenario with its red lines taken out (``instructions.py --no-red-lines``):
  the games issue 17's reference bb57d96 plays too (main's greedy games with red lines are
  shorter), with their own digest;
- the end-of-round pieces: the economy snapshot with nothing remembered and with the cells'
  results remembered, the round's state capture, the state JSON;
- a digest of what was played (every random and greedy game's actions and final state hash,
  every projection's score): two versions of the engine that play the same games print the
  same digest;
- with ``--tournament``: ``benchmarks/tournament_wall.py``'s figures: the wall time of
  ``tradegame tournament`` (128 games by default) with ``--workers 2`` and ``--workers 1`` in
  turns (meaningful on an idle machine), whether every run's files are byte-identical, and
  where the time of each run goes (start-up, each worker's busy and idle time, the end).

To compare two versions of the engine, run this for each back to back, e.g. with
``PYTHONPATH=/path/to/other/src``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Slices:
    """A contender timed in CPU seconds over any number of slices (seeds go on)."""

    def __init__(self, one: Callable[[int], int]) -> None:
        self.one = one
        self.seed = 0
        self.games = 0
        self.actions = 0
        self.cpu = 0.0

    def run_for(self, seconds: float) -> None:
        start = time.process_time()
        while True:
            self.actions += self.one(self.seed)
            self.seed += 1
            self.games += 1
            elapsed = time.process_time() - start
            if elapsed >= seconds:
                self.cpu += elapsed
                return

    def rates(self) -> tuple[float, float]:
        return self.games / self.cpu, self.actions / self.cpu


def tic_tac_toe() -> Slices | None:
    try:
        # registers the pure-Python games; no py.typed
        import open_spiel.python.games  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
        import pyspiel  # type: ignore[import-not-found, unused-ignore]  # no stubs
    except ImportError:
        return None
    game = pyspiel.load_game("python_tic_tac_toe")

    def one(seed: int) -> int:
        rng = random.Random(seed)
        state = game.new_initial_state()
        actions = 0
        while not state.is_terminal():
            state.apply_action(rng.choice(state.legal_actions()))
            actions += 1
        return actions

    one(0)
    return Slices(one)


def tournament(scenario: str, agents: str, games: int) -> dict[str, Any]:
    """benchmarks/tournament_wall.py: --workers 2 against 1 in turns (wall time, 3 runs
    each), byte-identical files, and where the time of each goes (printed here)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from tournament_wall import measure, report

    out = measure(scenario, agents, games)
    print("\n".join(report(out)))
    return out


def greedy_without_red_lines(scenario: str, games: int) -> dict[str, Any] | None:
    """Greedy in every seat in the bundled ``scenario`` with its red lines taken out
    (instructions.py's ``--no-red-lines``): the games issue 17's reference bb57d96 plays too,
    so their games per CPU second compare (with red lines, main's greedy games are shorter).
    None when ``scenario`` is not a bundled scenario with a red line."""
    import tempfile

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from instructions import RED_LINE, bundled_file, without_red_lines

    from tradegame.agents.base import play_match
    from tradegame.scenario import load_rules

    bundled = bundled_file(scenario)
    if bundled is None:
        return None
    if not any(RED_LINE.match(line) for line in bundled.read_text(encoding="utf-8").splitlines()):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        rules = load_rules(str(without_red_lines(scenario, Path(tmp))))
    seats = dict.fromkeys(rules.player_ids, "greedy")
    play_match(rules, 10_000, dict.fromkeys(rules.player_ids, "random"))  # per-scenario caches
    digest = hashlib.sha256()
    t = time.process_time()
    for seed in range(games):
        digest.update(play_match(rules, seed, seats).state_hash().encode())
    cpu = time.process_time() - t
    return {"games_per_s": games / cpu, "digest": digest.hexdigest()[:16]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--budget", type=float, default=6.0, help="CPU s for random play and peer")
    ap.add_argument("--greedy-games", type=int, default=3)
    ap.add_argument("--tournament", action="store_true", help="also time --workers 2 and 1")
    ap.add_argument("--tournament-agents", default="greedy,hawk,random,dove")
    ap.add_argument("--tournament-games", type=int, default=128)
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()

    from tradegame.agents.base import play_match
    from tradegame.engine import Game
    from tradegame.scenario import load_rules

    rules = load_rules(args.scenario)
    ids = rules.player_ids
    digest = hashlib.sha256()
    results: dict[str, Any] = {"scenario": args.scenario, "python": sys.version.split()[0]}
    compiled = [
        m
        for m in ("state", "economy", "phases.resolution")
        if not str(getattr(sys.modules[f"tradegame.engine.{m}"], "__file__", "")).endswith(".py")
    ]
    results["compiled_modules"] = compiled
    # which checkout: PYTHONPATH=OTHER/src measures another, and a wrong path measures this one
    results["code"] = str(Path(sys.modules["tradegame"].__file__ or "").parent)
    print(f"tradegame engine, {args.scenario}, Python {results['python']}, CPU time, one core")
    print(f"code: {results['code']}")
    print(f"compiled modules: {', '.join(compiled) or 'none (pure Python)'}")

    # ------------------------------------------------------------------ random play
    seats = dict.fromkeys(ids, "random")
    play_match(rules, 10_000, seats)  # warm the per-scenario caches

    for seed in range(30):  # what is played (outside the timing)
        game = play_match(rules, seed, seats)
        digest.update(" ".join(map(str, game.actions)).encode())
        digest.update(game.state_hash().encode())
    ours = Slices(lambda seed: len(play_match(rules, seed, seats).actions))
    peer = tic_tac_toe()
    for _ in range(6):  # in turns: a change of load falls on both
        ours.run_for(args.budget / 6)
        if peer is not None:
            peer.run_for(args.budget / 6)
    games_s, decisions_s = ours.rates()
    results["random"] = {"games_per_s": games_s, "decisions_per_s": decisions_s}
    line = f"random play     {games_s:8.1f} games/s {decisions_s:9.0f} decisions/s"
    if peer is not None:
        _, peer_s = peer.rates()
        results["tic_tac_toe_decisions_per_s"] = peer_s
        results["ratio_to_tic_tac_toe"] = decisions_s / peer_s
        line += f"   python_tic_tac_toe {peer_s:9.0f}/s  ratio ×{decisions_s / peer_s:.2f}"
    else:
        line += "   python_tic_tac_toe: not installed (pip install open_spiel)"
    print(line)

    # ------------------------------------------------------------------ what_if
    games = []
    for seed in range(6):
        done = play_match(rules, seed, seats)
        for frac in (0.2, 0.5, 0.8):
            games.append(Game.replay(rules, seed, done.actions[: int(len(done.actions) * frac)]))
    for g in games:  # warm: every baseline remembered, the per-scenario caches filled
        for p in ids:
            digest.update(repr(g.what_if(p).score).encode())
    reps = 4

    def timed(fn: Callable[[Game, str], object]) -> float:
        t = time.process_time()
        for _ in range(reps):
            for g in games:
                for p in ids:
                    fn(g, p)
        return 1000 * (time.process_time() - t) / (reps * len(games) * len(ids))

    def cold(g: Game, p: str) -> object:
        g.projection_cache.clear()  # the baseline projection is played out too
        return g.what_if(p)

    warm_ms = timed(lambda g, p: g.what_if(p))
    cold_ms = timed(cold)
    copy_ms = timed(lambda g, p: g.copy())
    # One move of the player to move (a random legal one): a copy and a play-out of the
    # passive tail, the baseline remembered. (No moves at all is the baseline itself: an
    # engine that remembers it answers "warm" above with a copy, and "cold" with one play-out.)
    moves = []
    for n, g in enumerate(games):
        mover = g.to_move()
        assert mover is not None
        moves.append((g, mover, [g.legal_actions(mover).sample(random.Random(n))]))
        g.what_if(mover, moves[-1][2])
    t = time.process_time()
    for _ in range(reps * len(ids)):
        for g, p, hypo in moves:
            g.what_if(p, hypo)
    move_ms = 1000 * (time.process_time() - t) / (reps * len(ids) * len(moves))
    results["what_if"] = {
        "warm_ms": warm_ms,
        "cold_ms": cold_ms,
        "copy_ms": copy_ms,
        "one_move_warm_ms": move_ms,
    }
    print(
        f"what_if         {warm_ms:8.3f} ms warm  {cold_ms:8.3f} ms cold"
        f"  (copy of the game {1000 * copy_ms:.0f} µs)"
    )
    print(f"what_if of a move {move_ms:6.3f} ms warm (one random legal move of the mover)")

    # ------------------------------------------------------------------ greedy
    greedy = dict.fromkeys(ids, "greedy")
    calls = 0
    real = Game.what_if

    def counted(game: Game, *a: Any, **k: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(game, *a, **k)

    Game.what_if = counted  # type: ignore[method-assign, assignment]
    try:
        t = time.process_time()
        for seed in range(args.greedy_games):
            game = play_match(rules, seed, greedy)
            digest.update(" ".join(map(str, game.actions)).encode())
            digest.update(game.state_hash().encode())
        cpu = time.process_time() - t
    finally:
        Game.what_if = real  # type: ignore[method-assign]
    results["greedy"] = {
        "games_per_s": args.greedy_games / cpu,
        "what_if_per_game": calls / args.greedy_games,
    }
    print(
        f"greedy (every seat) {args.greedy_games / cpu:6.2f} games/s"
        f"  {calls / args.greedy_games:.0f} what_if/game"
    )
    same = greedy_without_red_lines(args.scenario, args.greedy_games)
    if same is not None:
        results["greedy_no_red_lines"] = same
        print(
            f"greedy, no red lines {same['games_per_s']:6.2f} games/s"
            f"  (the games bb57d96 plays too; digest {same['digest']})"
        )

    # ------------------------------------------------------------------ pieces
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
    results["pieces_us"] = {}
    for name, fn in pieces:
        us = timeit.timeit(fn, number=n) / n * 1e6
        results["pieces_us"][name.strip()] = us
        print(f"{name:14} {us:8.1f} µs")

    results["digest"] = digest.hexdigest()[:16]
    print(f"digest of the games and projections played: {results['digest']}")

    if args.tournament:
        tour = tournament(args.scenario, args.tournament_agents, args.tournament_games)
        results["tournament"] = tour
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    import plain_errors  # beside this script

    plain_errors.run(main)
