"""Catalogue descriptions as players read them: the scenario author's source notes removed."""

from __future__ import annotations

import pytest

from tradegame.scenario import load_rules
from tradegame.session.text import player_text


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("The deal set 15% (facts §1b ✅).", "The deal set 15%."),
        (
            "Caps cars; the deal set 15% (facts §1b ✅, §1a 16 Sep ✅).",
            "Caps cars; the deal set 15%.",
        ),
        (
            "Days added (the letters moved it to 1 August, facts §1a ✅).",
            "Days added (the letters moved it to 1 August).",
        ),
        (
            "× ≈$1,000/t (PLACEHOLDER: no rice price in facts.md) ≈ $0.26bn/yr.",
            "× ≈$1,000/t (assumed) ≈ $0.26bn/yr.",
        ),
        ("≈ 0.10 + 0.075 (PLACEHOLDER MFN average) ≈ 0.175.", "≈ 0.10 + 0.075 (assumed) ≈ 0.175."),
        ("A Plaza-style accord (DESIGN §2).", "A Plaza-style accord."),
        (
            "A promise (e.g. not to apply the 25% of the 7 July letter).",
            "A promise (e.g. not to apply the 25% of the 7 July letter).",
        ),
    ],
)
def test_source_notes_are_removed(written: str, shown: str) -> None:
    assert player_text(written) == shown


@pytest.mark.parametrize(
    "name", ["april-2025", "with-china", "classroom-lesson", "us-japan-primer"]
)
def test_no_bundled_description_shows_a_source_note(name: str) -> None:
    for item in load_rules(name).items:
        text = player_text(item.description)
        assert not any(mark in text for mark in ("facts", "§", "PLACEHOLDER", "✅", "◐")), (
            item.id,
            text,
        )
