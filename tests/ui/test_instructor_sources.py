"""The instructor tab says where the scenario's figures come from (the data sheet's sections,
issue 15)."""

from __future__ import annotations

from tradegame.ui.widgets.instructor import instructor_markdown

from .support import make_match


def test_the_instructor_view_names_the_source_of_each_figure() -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, name="april-2025")
    text = instructor_markdown(match, paused=False)
    sources = text.split("## Sources of the figures", 1)[1]
    assert "`jp_lng` More US LNG: §2f Energy / LNG" in sources
    assert "§1b Japan track" in sources and "(not in the sheet)" not in sources
    assert "tradegame sources SECTION" in sources
