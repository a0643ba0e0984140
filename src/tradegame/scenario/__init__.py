"""Scenario files: pydantic models, the YAML loader with located errors, and the converter
that builds the engine's rules."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # listing the bundled scenarios (the new-game screen) needs no engine
    from tradegame.engine.rules import Rules


def load_rules(source: str | os.PathLike[str]) -> Rules:
    """Load a bundled scenario by name, or a file by path, as engine rules.

    Raises :class:`tradegame.scenario.loader.ScenarioError` with located problems.
    """
    from tradegame.scenario.files import load_scenario_text

    text, shown = load_scenario_text(source)
    return rules_from_text(text, shown)


def rules_from_text(text: str, filename: str = "<scenario>") -> Rules:
    """Parse scenario text (e.g. the copy stored in a save file) into engine rules: from the
    cache of checked scenarios when it holds this very text (:mod:`tradegame.scenario.cache`),
    else checked by the loader (and then cached)."""
    from tradegame.scenario.cache import cached_rules, store_rules

    rules = cached_rules(text)
    if rules is not None:
        return rules
    from tradegame.scenario.convert import to_rules
    from tradegame.scenario.loader import parse_scenario

    rules = to_rules(parse_scenario(text, filename), text)
    store_rules(text, rules)
    return rules
