"""A toast never covers a dialog at 80×24: the toasts up when a dialog opens wait until it
closes, then show again. By keys, with the toasts drawn (``notifications=True``)."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.screens.dialogs import LoadDialog
from tradegame.ui.screens.game import GameScreen

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


def _shown(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


async def test_the_saved_toast_waits_until_the_load_dialog_closes(save_dir: Path) -> None:
    """ctrl+s then ctrl+o: the "Saved to …" toast covered the load dialog's Cancel button."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Saved to" in m for m in _shown(app)), what="Saved")
        await wait_for_text(pilot, "Saved to")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, LoadDialog), what="load dialog")
        await pilot.pause(0.2)
        assert not any("Saved to" in m for m in _shown(app))
        assert "Saved to" not in screen_text(app) and "Cancel" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await wait_until(pilot, lambda: any("Saved to" in m for m in _shown(app)), what="again")
        await wait_for_text(pilot, "Saved to")


async def test_an_earlier_talks_toast_waits_until_the_round_report_closes(save_dir: Path) -> None:
    """The talks line of an exchange earlier in the round (8 s) still covered the round
    report when the orders were given within that time."""
    match = make_match({"JP": "human", "US": "bargainer", "EU": "bargainer"}, seed=1)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        while game.round == 1 and game.phase == "talks":
            await wait_until(pilot, lambda: game.to_move() == "JP", what="Japan's move")
            if game.phase != "talks":
                break
            await pilot.press("p" if game.session and game.session.offer is None else "r")
            await pilot.pause()
        await wait_for_text(pilot, "give your orders")
        await wait_until(pilot, lambda: bool(_shown(app)), what="a talks toast")
        talks = [n.message for n in app._notifications if n.title == "Talks"]
        assert talks, _shown(app)
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.pause(0.3)
        assert not any(m in talks for m in _shown(app)), "a toast over the report"
        assert "Talks" not in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await wait_until(pilot, lambda: any(m in talks for m in _shown(app)), what="again")
