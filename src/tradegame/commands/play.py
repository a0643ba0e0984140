"""``tradegame play``: the game in the terminal (the Textual interface, :mod:`tradegame.ui`).

- no argument: the new-game screen on the default scenario;
- ``SCENARIO``: the new-game screen on that scenario (checked first: its problems are printed);
- ``--seat PLAYER=human|AGENT`` (any number): start at once; seats not named get the default
  agent; ``--seed N`` fixes the seed;
- ``SAVE.json``: resume a saved game; its seats are a record, and a recorded agent that runs
  code (``cmd:``, ``module:Class``, ``path.py:Class``) is not started (it plays as passive, with
  a notice) unless ``--seat`` names it again;
- ``--instructor``: instructor mode (every player's private data in an instructor tab; pause
  and resume AI play, fire scenario injects, roll back to the start of a round, end early).

Under ``tradegame serve`` (textual-serve sets ``TEXTUAL_DRIVER`` to its web driver) the app
talks to the browser through pipes, so the terminal check is skipped there.

Bad input (a broken scenario, an unknown agent, a corrupt save) is a one-line message and exit
code 2, before the screen opens; inside the interface the same problems show in a dialog.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from tradegame.codecache import compiled_dataclasses
from tradegame.commands.common import parse_seats
from tradegame.errors import EXIT_OK, UserError

if TYPE_CHECKING:  # imported where used, so that `tradegame --help` loads no Textual
    from tradegame.session.match import Match
    from tradegame.ui.app import Options


def build_options(args: argparse.Namespace) -> Options:
    """The app's start options from the command line (raises UserError for bad input)."""
    from tradegame.ui.app import Options

    options = Options(
        seed=args.seed,
        instructor=bool(getattr(args, "instructor", False)),
        web=served_to_browser() or bool(getattr(args, "web", False)),
        scenarios=tuple(getattr(args, "offer", None) or ()),
    )
    source: str | None = args.scenario
    if source is not None and source.lower().endswith(".json"):
        options.match = load_save(source, args.seat)
        return options
    if source is None and not args.seat:
        return options  # the new-game screen loads the default scenario itself
    from tradegame.agents.base import AgentSpecError
    from tradegame.scenario.bundled import DEFAULT_SCENARIO
    from tradegame.scenario.files import ScenarioError
    from tradegame.session.match import HUMAN, Match, load_scenario, random_seed

    try:
        scenario = load_scenario(source or DEFAULT_SCENARIO)
    except ScenarioError as exc:
        raise UserError(f"the scenario has problems:\n{exc}") from None
    if not args.seat:
        options.scenario = scenario.source
        options.preloaded = scenario
        return options
    seats = parse_seats(args.seat, scenario.rules, allow_human=True)
    seed = args.seed if args.seed is not None else random_seed()
    try:  # seats typed on this command line may run code
        options.match = Match(
            scenario.rules,
            seed,
            seats,
            scenario_name=scenario.source,
            scenario_text=scenario.text,
            code_seats=seats,
        )
    except AgentSpecError as exc:
        raise UserError(str(exc)) from None
    if options.match is not None and not any(s == HUMAN for s in options.match.seats.values()):
        options.spectate_delay = 0.5
    return options


def served_to_browser() -> bool:
    """Whether this process is a ``tradegame serve`` session (textual-serve's web driver)."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


def load_save(source: str, seat_args: list[str]) -> Match:
    """The match of the save ``source``: its recorded seats, but a recorded agent that runs code
    is not started (the match's ``seat_notices`` say so) unless ``--seat`` names it again;
    seats given here win over the record."""
    from tradegame.agents.base import AgentSpecError
    from tradegame.session.match import Match
    from tradegame.session.persistence import PersistenceError, load

    try:
        loaded = load(source)
    except PersistenceError as exc:
        raise UserError(str(exc)) from None
    if not seat_args:
        return loaded
    given = parse_seats(seat_args, loaded.rules, allow_human=True)
    loaded.close()
    try:
        match = Match(
            loaded.rules,
            loaded.seed,
            {**loaded.seats, **given},
            game=loaded.game,
            scenario_name=loaded.scenario_name,
            scenario_text=loaded.scenario_text,
            created=loaded.created,
            code_seats=given,
        )
    except AgentSpecError as exc:
        raise UserError(str(exc)) from None
    match.seat_notices = {p: n for p, n in loaded.seat_notices.items() if p not in given}
    match.home, match.team = loaded.home, loaded.team  # a team's file stays the game
    return match


def run(args: argparse.Namespace) -> int:
    from tradegame.ui.memory import pause_collector

    pause_collector()  # until the first screen is up (the app restarts it: see ui/memory.py)
    with compiled_dataclasses():  # Textual's, the engine's and the interface's (start-up)
        options = build_options(args)
        from tradegame.ui.app import TradeGameApp

        if options.match is not None:  # the game screen comes first
            import tradegame.ui.screens.game  # noqa: F401
    web = served_to_browser()
    if not web and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError(
            "tradegame play needs a terminal; for a game between agents without "
            "one, use: tradegame match SCENARIO --seat PLAYER=AGENT ..."
        )

    app = TradeGameApp(options)
    try:
        app.run()
    finally:
        if app.match is not None:
            app.match.close()
    return app.return_code or EXIT_OK  # 128 + N after signal N or a lost terminal
