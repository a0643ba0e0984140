"""Helpers shared by the subcommands: loading scenarios and parsing seats and rates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradegame.errors import UserError

if TYPE_CHECKING:  # `tradegame play` imports this module: its new-game screen paints before
    from tradegame.engine.rules import Rules  # the engine is imported


def load_rules_or_exit(source: str) -> Rules:
    return load_scenario_or_exit(source)[0]


def load_scenario_or_exit(source: str) -> tuple[Rules, str, str]:
    """(rules, scenario text, name shown to the user); a broken scenario exits with its
    located problems."""
    from tradegame.scenario import rules_from_text
    from tradegame.scenario.files import ScenarioError, load_scenario_text  # no pydantic

    try:
        text, shown = load_scenario_text(source)
        return rules_from_text(text, shown), text, shown
    except ScenarioError as exc:
        raise UserError(f"the scenario has problems:\n{exc}") from None


def parse_rate(text: str) -> float:
    """'0.24' or '24%' -> 0.24."""
    t = text.strip()
    try:
        value = float(t[:-1]) / 100.0 if t.endswith("%") else float(t)
    except ValueError:
        raise UserError(f"not a rate: {text!r} (write 0.24 or 24%)") from None
    if value != value or value < 0:
        raise UserError(f"not a rate: {text!r} (a rate is 0 or more)")
    return value


def parse_seats(specs: list[str], rules: Rules, allow_human: bool = False) -> dict[str, str]:
    """['JP=random', ...] -> {'JP': 'random'}; players are checked against the scenario."""
    seats: dict[str, str] = {}
    for spec in specs:
        player, sep, agent = spec.partition("=")
        if not sep or not player or not agent:
            raise UserError(f"--seat is written PLAYER=AGENT, got {spec!r}")
        if player not in rules.player_ids:
            raise UserError(
                f"--seat {spec}: unknown player {player!r} (players: {', '.join(rules.player_ids)})"
            )
        if agent == "human" and not allow_human:
            raise UserError(f"--seat {spec}: a headless match has no human seats")
        if player in seats:
            raise UserError(f"--seat {player} given twice")
        seats[player] = agent
    return seats
