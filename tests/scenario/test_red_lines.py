"""The EU's digital rules are a red line in every bundled scenario that offers them (issue 15):
the handout says the member states will not ratify them, so the scenario data must make that
true whatever else is in the deal and however high the Commission's standing climbs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradegame.scenario import load_rules

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
WITH_DIGITAL = ["classroom-lesson", "april-2025", "with-china", "china-lesson"]


def _best_case_cost(rules, item_id: str, level_value: float) -> float:  # noqa: ANN001
    """The EU's political cost of the friendliest deal holding the red-line item: it gives
    that level and nothing else, and gets every US item at its most valued level."""
    item = rules.item(item_id)
    own = next(lv.cost for lv in item.levels if lv.value == level_value)
    received = sum(
        max(lv.gain for lv in it.levels)
        for it in rules.items
        if it.owner != "EU" and it.can_go_to("EU")
    )
    return own - received


@pytest.mark.parametrize("name", WITH_DIGITAL)
def test_no_deal_with_the_digital_rules_is_ever_ratified(name: str) -> None:
    rules = load_rules(SCENARIOS / f"{name}.yaml")
    rat = rules.player("EU").ratification
    assert rat is not None
    widest = rat.win_set(100.0)  # the Council at the Commission's highest possible standing
    item = rules.item("eu_digital")
    for lv in item.levels:
        assert _best_case_cost(rules, "eu_digital", lv.value) > widest, (name, lv.value)
    # Control: the same deal without the digital rules fits, so the check can fail.
    assert (
        -sum(
            max(lv.gain for lv in it.levels)
            for it in rules.items
            if it.owner != "EU" and it.can_go_to("EU")
        )
        <= widest
    )


@pytest.mark.parametrize("name", WITH_DIGITAL)
def test_the_handout_states_the_red_line(name: str) -> None:
    rules = load_rules(SCENARIOS / f"{name}.yaml")
    text = " ".join(rules.player("EU").briefing_confidential.split()).lower()
    assert "red line" in text and "digital" in text
