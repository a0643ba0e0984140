"""No student's handout names the real EU deal (Turnberry, 27 July): the april-2025 and
with-china EU briefings said a "package like Turnberry — 15% ceiling with cars, zero
industrial tariffs, $750bn of energy, $600bn of investment — passes", the answer the class is
meant to find (issue 15: the real deals anchor every student)."""

from __future__ import annotations

import pytest

from tradegame.classroom.briefing import briefing_doc
from tradegame.classroom.html import to_markdown
from tradegame.scenario import load_rules


@pytest.mark.parametrize(
    "scenario", ["april-2025", "with-china", "classroom-lesson", "china-lesson", "us-japan-primer"]
)
def test_no_handout_names_the_real_eu_deal(scenario: str) -> None:
    rules = load_rules(scenario)
    for role in rules.player_ids:
        text = to_markdown(briefing_doc(rules, role))
        assert "Turnberry" not in text, (scenario, role)
