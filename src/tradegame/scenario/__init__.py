"""Scenario files: pydantic models, the YAML loader with located errors, and the converter
that builds the engine's rules."""

from __future__ import annotations

import os

from tradegame.engine.rules import Rules


def load_rules(source: str | os.PathLike[str]) -> Rules:
    """Load a bundled scenario by name, or a file by path, as engine rules.

    Raises :class:`tradegame.scenario.loader.ScenarioError` with located problems.
    """
    from tradegame.scenario.convert import to_rules
    from tradegame.scenario.loader import load_scenario_text, parse_scenario

    text, shown = load_scenario_text(source)
    return to_rules(parse_scenario(text, shown), text)


def rules_from_text(text: str, filename: str = "<scenario>") -> Rules:
    """Parse scenario text (e.g. the copy stored in a save file) into engine rules."""
    from tradegame.scenario.convert import to_rules
    from tradegame.scenario.loader import parse_scenario

    return to_rules(parse_scenario(text, filename), text)
