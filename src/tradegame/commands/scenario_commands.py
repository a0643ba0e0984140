"""``tradegame validate``, ``tradegame schema`` and ``tradegame scenarios``."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from tradegame.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from tradegame.scenario.loader import (
    DEFAULT_SCENARIO,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    load_scenario_text,
    parse_scenario,
)
from tradegame.scenario.models import Scenario, round_count
from tradegame.scenario.schema import schema_text


def validate(args: argparse.Namespace) -> int:
    """Check each file (a path or a bundled name); print its problems like a compiler would."""
    code = EXIT_OK
    for source in args.files:
        try:
            text, shown = load_scenario_text(source)
            scenario = parse_scenario(text, shown)
        except ScenarioError as exc:
            for problem in exc.problems:
                _emit(sys.stderr, str(problem))
            code = EXIT_BAD_INPUT
            continue
        _emit(sys.stdout, f"{shown}: OK — {_summary(scenario)}")
    return code


def schema(args: argparse.Namespace) -> int:
    """Print the scenario JSON Schema (the text of the checked-in copy)."""
    _emit(sys.stdout, schema_text().removesuffix("\n"))
    return EXIT_OK


def scenarios(args: argparse.Namespace) -> int:
    """List the bundled scenarios: name, title and players; the default is marked."""
    bundled = bundled_scenarios()
    if not bundled:
        _emit(sys.stderr, "tradegame: no bundled scenarios found (is the installation complete?)")
        return EXIT_FAILED
    rows: list[tuple[str, str, str]] = []
    broken = 0
    for name in bundled:
        label = f"{name} (default)" if name == DEFAULT_SCENARIO else name
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            broken += 1
            rows.append(
                (
                    label,
                    f"invalid: {len(exc.problems)} problem(s)",
                    f"see: tradegame validate {name}",
                )
            )
            continue
        players = ", ".join(p.id for p in scenario.players)
        rows.append((label, scenario.title, f"players: {players}"))
    width = max(len(label) for label, _, _ in rows)
    title_width = max(len(title) for _, title, _ in rows)
    for label, title, players in rows:
        _emit(sys.stdout, f"{label:<{width}}  {title:<{title_width}}  {players}")
    return EXIT_FAILED if broken else EXIT_OK


def _summary(scenario: Scenario) -> str:
    players, sectors, rounds = len(scenario.players), len(scenario.sectors), round_count(scenario)
    return (
        f"{players} player{'s' * (players != 1)}, {sectors} sector{'s' * (sectors != 1)}, "
        f"{rounds} round{'s' * (rounds != 1)}"
    )


def _emit(stream: TextIO, line: str) -> None:
    """Print a line even where the terminal's encoding cannot show every character."""
    try:
        print(line, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(line.encode(encoding, "backslashreplace").decode(encoding), file=stream)
