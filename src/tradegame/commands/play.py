"""``tradegame play``: the game in the terminal.

Until the Textual interface lands, this plays a headless demonstration game of the chosen
scenario with AI seats and prints its transcript; the command line stays the same.
"""

from __future__ import annotations

import argparse
import random

from tradegame.cli import EXIT_OK, UserError
from tradegame.commands.common import load_rules_or_exit, parse_seats


def run(args: argparse.Namespace) -> int:
    from tradegame.agents.base import AgentSpecError, play_match
    from tradegame.commands.match import transcript
    from tradegame.scenario.loader import DEFAULT_SCENARIO

    rules = load_rules_or_exit(args.scenario or DEFAULT_SCENARIO)
    seats = parse_seats(args.seat, rules, allow_human=True)
    if any(agent == "human" for agent in seats.values()):
        raise UserError("human seats need the terminal interface, which is not built yet; "
                        "this version plays a demonstration game between AI seats")
    seats = {p: seats.get(p, "random") for p in rules.player_ids}
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    incidents: list[str] = []
    try:
        game = play_match(rules, seed, seats, incidents=incidents)
    except AgentSpecError as exc:
        raise UserError(str(exc)) from None
    print("tradegame: the terminal interface is not built yet; here is a demonstration game "
          "between AI seats.\n")
    print(transcript(game, seats, incidents))
    print(f"\nReplay it with: tradegame match {args.scenario or DEFAULT_SCENARIO} "
          + " ".join(f"--seat {p}={a}" for p, a in seats.items()) + f" --seed {seed}")
    return EXIT_OK
