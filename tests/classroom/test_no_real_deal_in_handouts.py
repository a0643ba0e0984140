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


@pytest.mark.parametrize("scenario", ["with-china", "china-lesson"])
def test_no_handout_gives_the_geneva_levels(scenario: str) -> None:
    """China is a player: the US–China truce is theirs to make. with-china's handouts said
    "Geneva (12 May) cut the US tariff on China from 145% to 30%" and "A truce (historically:
    Geneva, 12 May, to 30%)"; those sentences belong to the debrief, as in china-lesson."""
    rules = load_rules(scenario)
    for role in rules.player_ids:
        text = " ".join(to_markdown(briefing_doc(rules, role)).split())
        assert "Geneva deal" not in text and "historically" not in text, (scenario, role)
        assert "to 30%" not in text and "145% to 30%" not in text, (scenario, role)
