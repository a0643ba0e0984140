"""Where random play's time goes: the rules, the random agent's sampler, and the match loop.

    .venv/bin/python benchmarks/random_play_split.py                 # april-2025, about 30 s
    .venv/bin/python benchmarks/random_play_split.py --games 20 --turns 3

It plays ``--games`` random games (every seat ``random``, as ``engine_micro.py`` times them)
and records their moves, then times three ways of playing exactly those games, in turns (a
change of load falls on all three), in CPU time:

- ``random``: ``play_match`` with the random agent in every seat (what ``engine_micro.py``
  times: the match loop asks each seat's agent, which samples a legal move);
- ``match``: ``play_match`` with a random agent whose ``move()`` gives the recorded move and
  marks it legal in this very state, as ``LegalActions.sample`` does: the match loop as it
  asks the random agent (``move()`` with the seat's legal actions, no turn, the sampler's
  mark taken for the check) without the sampler;
- ``rules``: ``Game.new`` and ``push`` of the recorded moves: the phases alone (every move
  and every round's resolution), no agent and no check.

So ``random`` minus ``match`` is the sampler's share, ``match`` minus ``rules`` the match
loop's, and ``rules`` the phases'. Every way must end every game in the same state (it
says so, and stops, otherwise). The games are recorded with a rules object of their own, and
each way is warmed up with one other game, as ``engine_micro.py`` is: what a scenario
remembers (per rules object) is not warmed by the very games timed, but for the turns before.

For a steadier split on a shared machine, count instructions, one way at a time: cachegrind
(``valgrind --tool=cachegrind --cache-sim=no``, ``PYTHONHASHSEED=0``) of ``--only WAY --turns
1 --freeze --no-check`` for each way and for ``--only none`` (the recording and the warm-up
alone); each way's count less that of ``none`` is its games'. (``--no-check``: the check's
state hashes make every game's log and history.) ``--freeze`` calls ``gc.freeze()`` after the
warm-up, so that whether a full collection of the warm-up's objects falls among the timed
games (several million instructions either way) does not depend on the way or the code.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable, Sequence


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="april-2025")
    ap.add_argument("--games", type=int, default=40, help="random games, seeds 0 to N-1")
    ap.add_argument("--turns", type=int, default=5, help="times each way is timed, in turns")
    ap.add_argument(
        "--only",
        choices=("random", "match", "rules", "none"),
        help="play this way only (none: only record the games and warm up)",
    )
    ap.add_argument("--freeze", action="store_true", help="gc.freeze() after the warm-up")
    ap.add_argument(
        "--no-check",
        action="store_true",
        help="do not compare the final states (a state hash makes the log and history)",
    )
    args = ap.parse_args()

    from tradegame.agents.base import play_match
    from tradegame.agents.builtin import RandomAgent
    from tradegame.engine import Action, Game
    from tradegame.engine.legal import LegalActions
    from tradegame.scenario import load_rules

    # The games are recorded with rules of their own: the scenario's remembered results
    # (kept per rules object) are not warmed by the very games timed.
    recording = load_rules(args.scenario)
    random_seats = dict.fromkeys(recording.player_ids, "random")
    recorded: list[tuple[int, list[Action], str]] = []
    for seed in range(args.games):
        game = play_match(recording, seed, random_seats)
        recorded.append((seed, list(game.actions), game.state_hash()))
    rules = load_rules(args.scenario)

    def replaying(moves: Sequence[Action]) -> RandomAgent:
        """A random agent whose move() gives the recorded moves in order, each marked legal
        in the state it is given in, as LegalActions.sample marks the move it draws: play_match
        asks it as it asks the random agent (move() with the legal actions, no turn)."""
        agent = RandomAgent(random.Random(0))
        given = iter(moves)

        def move(legal: LegalActions) -> Action:
            action = next(given)
            game = legal.game
            game._verified = (action, len(game.actions))
            return action

        agent.move = move  # type: ignore[method-assign]
        return agent

    def by_random(seed: int, moves: Sequence[Action]) -> Game:
        return play_match(rules, seed, random_seats)

    def by_match_loop(seed: int, moves: Sequence[Action]) -> Game:
        return play_match(rules, seed, dict.fromkeys(rules.player_ids, replaying(moves)))

    def by_rules(seed: int, moves: Sequence[Action]) -> Game:
        game = Game.new(rules, seed)
        if hasattr(game, "defer_round_captures"):  # as play_match does (engines before: no such)
            game.defer_round_captures()
        push = game.push
        for move in moves:
            push(move)
        return game

    ways: dict[str, Callable[[int, Sequence[Action]], Game]] = {
        "random": by_random,
        "match": by_match_loop,
        "rules": by_rules,
    }
    if args.only:
        ways = {name: way for name, way in ways.items() if name == args.only}
    warm = play_match(rules, 10_000, random_seats)  # the per-scenario caches, for every way
    ways_warmed = ways or {"random": by_random}  # (none: warmed as if it were random)
    for way in ways_warmed.values():
        way(10_000, warm.actions)
    if args.freeze:
        gc.collect()
        gc.freeze()
    cpu = dict.fromkeys(ways, 0.0)
    for _ in range(args.turns):
        for name, way in ways.items():
            start = time.process_time()
            games = [way(seed, moves) for seed, moves, _ in recorded]
            cpu[name] += time.process_time() - start
            if args.no_check:
                continue
            for game, (seed, _, final) in zip(games, recorded, strict=True):
                if game.state_hash() != final:
                    sys.exit(f"{name}: game {seed} ended in another state than random play")
    if not recorded or not ways:
        return
    played = args.turns * len(recorded)
    decisions = sum(len(moves) for _, moves, _ in recorded)
    per_game = {name: seconds / played * 1000 for name, seconds in cpu.items()}
    print(
        f"random play of {args.scenario}: {len(recorded)} games, "
        f"{decisions / len(recorded):.0f} moves a game, {args.turns} turns, CPU ms a game"
    )
    for name, ms in per_game.items():
        print(f"  {name:8s} {ms:8.3f} ms")
    if len(per_game) == 3:
        total = per_game["random"]
        parts: list[tuple[str, float]] = [
            ("the sampler", per_game["random"] - per_game["match"]),
            ("the match loop", per_game["match"] - per_game["rules"]),
            ("the rules (moves and rounds)", per_game["rules"]),
        ]
        for what, ms in parts:
            print(f"  {what:30s} {ms:8.3f} ms  {ms / total:6.1%}")


if __name__ == "__main__":
    import plain_errors  # beside this script

    plain_errors.run(main)
