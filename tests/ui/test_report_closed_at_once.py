"""A round report closed as it opens (a watcher's space, meant to pause, came as the report
did; seen once at 80×24): its mount handler looked for the Continue button of a dialog
already being taken down, and the app ended with a NoMatches traceback. The handler focuses
the button only if it is there."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Button

from tradegame.ui.screens.game import GameScreen
from tradegame.ui.screens.report import RoundReportDialog

from .support import make_app, make_match, wait_for_text, wait_until


async def test_a_report_being_taken_down_is_not_focused(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        dialog = RoundReportDialog(Text("Round 1 report"))
        await app.push_screen(dialog)
        await dialog.query_one("#ok", Button).remove()  # as when it closes while mounting
        dialog.on_mount()  # no NoMatches
        dialog.dismiss(None)
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="closed")
        assert app._exception is None
