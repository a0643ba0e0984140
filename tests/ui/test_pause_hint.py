"""The instructor's status line says what space does: on the instructor's own talks move the
talks list takes space (an item in or out of the draft), and the line said "(space pauses)"
there; it now says where space pauses, and it does pause there. By keys, at 80×24."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.talks import TalksPanel, TermList

from .support import flat_text, make_app, make_match, wait_for_text, wait_until


async def test_the_instructors_pause_hint_is_true_in_the_talks_list(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        panel = screen.query_one(TalksPanel)
        await wait_until(pilot, lambda: isinstance(screen.focused, TermList), what="the list")
        words = flat_text(app)
        assert "(space pauses outside the talks list)" in words, words
        assert "(space pauses)" not in words
        # In the list, space puts the item in the draft; the game is not paused.
        await pilot.press("space")
        await wait_until(pilot, lambda: bool(panel.draft), what="an item in the draft")
        assert not screen.paused
        # Outside it (the dashboard's tab), space pauses, as the line says.
        await pilot.press("1")
        await pilot.press("space")
        await wait_until(pilot, lambda: screen.paused, what="paused")
        await wait_for_text(pilot, "PAUSED (space resumes outside the talks list)")


async def test_the_pause_hint_is_unchanged_away_from_the_instructors_talks_move(
    save_dir: Path,
) -> None:
    # Watching AI seats as the instructor: no list takes space, the line says it plainly.
    match = make_match({"JP": "passive", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    app.options.spectate_delay = 60.0
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Watching AI seats")
        assert "outside the talks list" not in flat_text(app)
        await pilot.press("2", "space")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        await wait_until(pilot, lambda: screen.paused, what="paused from the talks tab")
