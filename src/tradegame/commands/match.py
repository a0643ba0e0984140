"""``tradegame match``: a headless game between agents, as a transcript or one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from tradegame.commands.common import load_scenario_or_exit, parse_seats
from tradegame.engine import Game
from tradegame.engine.game import term_text
from tradegame.errors import EXIT_OK, UserError


def result_json(game: Game, seats: dict[str, str], incidents: list[str]) -> dict[str, Any]:
    scores = game.scores()
    batna = game.batna()
    return {
        "scenario": game.rules.id,
        "seed": game.seed,
        "seats": seats,
        "score": {p: round(v, 6) for p, v in scores.items()},
        "batna": {p: round(v, 6) for p, v in batna.items()},
        "surplus": {p: round(scores[p] - batna[p], 6) for p in scores},
        "joint_surplus": round(sum(scores[p] - batna[p] for p in scores), 6),
        "deals": [
            {
                "id": d.id,
                "parties": list(d.parties),
                "round": d.round,
                "status": d.status,
                "unilateral": d.unilateral,
                "terms": [{"item": t.item, "level": t.value} for t in d.terms],
            }
            for d in game.deals
        ],
        "rounds": game.round,
        "actions": len(game.actions),
        "incidents": incidents,
        "state_hash": game.state_hash(),
    }


def transcript(game: Game, seats: dict[str, str], incidents: list[str]) -> str:
    rules = game.rules
    lines = [
        f"{rules.title} — seed {game.seed}",
        "Seats: " + ", ".join(f"{p}={a}" for p, a in seats.items()),
        "",
    ]
    current = 0
    for entry in game.log:
        if entry.round != current:
            current = entry.round
            lines.append(f"Round {current} (day {entry.day}, {game.date_of(entry.day)})")
        private = f" [to {', '.join(sorted(entry.audience))}]" if entry.audience else ""
        lines.append(f"  {entry.phase:<10} {entry.text}{private}")
    lines.append("")
    for line in incidents:
        lines.append(f"incident: {line}")
    scores, batna = game.scores(), game.batna()
    lines.append(f"{'player':<8}{'agent':<14}{'score':>8}{'BATNA':>8}{'surplus':>9}")
    for p in rules.player_ids:
        lines.append(
            f"{p:<8}{seats[p]:<14}{scores[p]:>8.1f}{batna[p]:>8.1f}{scores[p] - batna[p]:>+9.1f}"
        )
    lines.append(f"joint surplus {sum(scores[p] - batna[p] for p in scores):+.1f}")
    live = game.deals_in_force()
    lines.append("Deals in force: " + ("none" if not live else ""))
    for d in live:
        lines.append(
            f"  {d.id} {'-'.join(d.parties)}: " + "; ".join(term_text(rules, t) for t in d.terms)
        )
    lines.append(f"{game.round} rounds, {len(game.actions)} actions, state {game.state_hash()}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from tradegame.agents.base import AgentSpecError, play_match

    rules, scenario_text, scenario_name = load_scenario_or_exit(args.scenario)
    seats = parse_seats(args.seat, rules)
    seats = {p: seats.get(p, "passive") for p in rules.player_ids}
    incidents: list[str] = []
    try:
        game = play_match(
            rules,
            args.seed,
            seats,
            incidents=incidents,
            time_limit=getattr(args, "time_limit", None),
            startup_limit=getattr(args, "startup_limit", None),
            allow_code=True,
        )  # the seats were typed on this command line
    except AgentSpecError as exc:
        raise UserError(str(exc)) from None
    if getattr(args, "save", None):
        from tradegame.saves import SaveError, save_game

        try:
            save_game(
                args.save, game, seats, scenario_text=scenario_text, scenario_name=scenario_name
            )
        except SaveError as exc:
            raise UserError(str(exc), code=1) from None
    if args.json:
        json.dump(result_json(game, seats, incidents), sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(transcript(game, seats, incidents))
    return EXIT_OK
