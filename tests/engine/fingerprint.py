"""Behaviour fingerprint of the engine: a fixed set of games and what they produced.

Plays every bundled scenario with every built-in agent on every seat, rotating mixes of all
agents, and random play under several seeds; records each game's state hash after every round,
the action list's hash, final scores, BATNA, the final views (every player's and the public
one) and a ``what_if`` projection per player. A refactoring of the engine must leave the stored
fixture byte-identical.

Regenerate deliberately (and review why it changed):
    .venv/bin/python tests/engine/fingerprint.py --write
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from tradegame.agents.base import play_match, registry
from tradegame.engine import Action, Game
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

FIXTURE = Path(__file__).with_name("fingerprint.json")
RANDOM_SEEDS = (0, 1, 2, 3, 4)
MIX_SEEDS = (11,)


def _sha(data: Any) -> str:
    # No sort_keys: the key order of views and projections is part of their JSON.
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Fixed order: the registry's order depends on which agent modules were imported first (it
# differs in a pytest-xdist worker), and the mixes below depend on the order.
AGENTS = (
    "random",
    "passive",
    "historical",
    "boulware",
    "linear",
    "conceder",
    "hawk",
    "dove",
    "tit-for-tat",
    "greedy",
    "bargainer",
)
# Built-ins added since the fixture was made: not in the mixes (adding one reshuffles them all).
NOT_FINGERPRINTED = ("search", "statements", "settle-early", "hold-out")


def _games(name: str, players: tuple[str, ...]) -> list[tuple[str, int, dict[str, str]]]:
    agents = list(AGENTS)
    assert set(agents) | set(NOT_FINGERPRINTED) == set(registry()), (
        "a built-in agent was added or removed: update AGENTS"
    )
    games = [(f"all-{a}", 1, {p: a for p in players}) for a in agents]
    for seed in MIX_SEEDS:
        for k in range(len(agents)):
            seats = {p: agents[(k + i * 3) % len(agents)] for i, p in enumerate(players)}
            games.append((f"mix{k}", seed, seats))
    games += [(f"random-{s}", s, {p: "random" for p in players}) for s in RANDOM_SEEDS]
    return games


def play(name: str, label: str, seed: int, seats: dict[str, str]) -> dict[str, Any]:
    rules = load_rules(name)
    rounds: list[str] = []
    last = [1]

    def on_action(game: Game, action: Action) -> None:
        if game.round != last[0] or game.is_over():
            rounds.append(game.state_hash()[:16])
            last[0] = game.round

    game = play_match(rules, seed, seats, on_action=on_action)
    views = {str(p): _sha(game.view(p).to_json()) for p in (*rules.player_ids, None)}
    what_if = {p: _sha(game.what_if(p, []).to_json()) for p in rules.player_ids}
    return {
        "game": f"{name}/{label}/seed{seed}",
        "seats": ",".join(seats[p] for p in rules.player_ids),
        "actions": len(game.actions),
        "actions_sha": _sha([str(a) for a in game.actions]),
        "round_hashes": rounds,
        "state": game.state_hash(),
        "scores": game.scores(),
        "batna": game.batna(),
        "views": views,
        "what_if": what_if,
    }


def fingerprint() -> list[dict[str, Any]]:
    out = []
    for name in sorted(bundled_scenarios()):
        players = load_rules(name).player_ids
        for label, seed, seats in _games(name, tuple(players)):
            out.append(play(name, label, seed, seats))
    return out


def dumps(data: list[dict[str, Any]]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the stored fixture")
    args = parser.parse_args(argv)
    text = dumps(fingerprint())
    if args.write:
        FIXTURE.write_text(text, encoding="utf-8")
        return 0
    same = FIXTURE.exists() and FIXTURE.read_text(encoding="utf-8") == text
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
