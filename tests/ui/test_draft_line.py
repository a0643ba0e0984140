"""The talks tab's draft line at 80×24 is whole: it took two lines (" · s sends it" on the
second), and with a third line in the status bar and a long offer the panel had one line
too few, so the draft line showed "... EXCEEDS your win-set (20.5) · s" and the rest was cut
(tmux: the US's counter-offer of 6 terms, e to copy it)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from .support import countered_match, flat_text, make_app, wait_for_text, wait_for_words


async def test_the_draft_line_is_whole_under_a_long_offer_at_80x24(save_dir: Path) -> None:
    app = make_app(save_dir, countered_match(6))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 6 terms")
        await pilot.press("h", "h")  # a line in the status bar: "Hints off (h turns them on)."
        await wait_for_words(pilot, "Hints off")
        await pilot.press("e")  # the offer copied into the draft
        await wait_for_text(pilot, "Your draft: 6 terms")
        await pilot.pause(0.2)
        draft = str(app.screen.query_one("#talks-draft", Static).content)
        assert "win-set" in draft, draft
        assert " ".join(draft.split()) in flat_text(app), (draft, flat_text(app))


async def test_the_previews_note_reads_apart_from_its_title(save_dir: Path) -> None:
    """An empty draft: "Preview put items in your draft to see what the deal would do" read
    as one sentence; the note now follows " — ", as a projection's subject does."""
    from .support import make_match

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft: empty")
        await wait_for_words(pilot, "Preview — put items in your draft to see what the deal")
        await pilot.press("space")  # an item in the draft: its projection, under the title
        await wait_for_text(pilot, "Preview — if your draft is agreed")
        await pilot.press("space")
        await wait_for_words(pilot, "Preview — put items in your draft")
