"""Dashboard sparklines: a tiny change is not stretched to full height (issue 15)."""

from __future__ import annotations

from tradegame.session.text import SPARKS, spark


def test_a_tiny_range_is_drawn_nearly_flat() -> None:
    gdp = [-0.55, -0.55, -0.54, -0.54]  # GDP effect, % a year: a hundredth of a point
    assert spark(gdp) == SPARKS[0] * 2 + SPARKS[-1] * 2  # stretched: looks like a jump
    flat = spark(gdp, min_range=0.5)
    assert {SPARKS.index(c) for c in flat} <= {len(SPARKS) // 2 - 1, len(SPARKS) // 2}


def test_a_range_wider_than_the_minimum_uses_the_full_height() -> None:
    approval = [30.0, 35.0, 52.0]
    assert spark(approval, min_range=10.0) == spark(approval)
    assert spark(approval, min_range=10.0)[0] == SPARKS[0]
    assert spark(approval, min_range=10.0)[-1] == SPARKS[-1]
