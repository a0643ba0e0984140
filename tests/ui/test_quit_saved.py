"""The quit dialog warns of lost moves only when there are moves since the last save (or
since the game was loaded or started): right after a save it said they were lost."""

from __future__ import annotations

from pathlib import Path

from .support import make_app, make_match, screen_text, wait_for_text, wait_until

WARNING = "lost unless you save"


async def test_quit_warns_only_of_moves_since_the_save(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    target = save_dir / "mine.json"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        # A move: quitting loses it.
        await pilot.press("p")
        await wait_until(pilot, lambda: len(game.actions) > 0, what="Japan's pass")
        await pilot.press("ctrl+q")
        await wait_for_text(pilot, "Quit tradegame?")
        assert WARNING in " ".join(screen_text(app).split())
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.id != "confirm-quit", what="the game")
        # Saved: nothing is lost, and the dialog says so.
        await wait_until(pilot, lambda: game.to_move() == "JP", what="Japan's move")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_until(pilot, target.exists, what="the save")
        said = lambda: [n.message for n in app._notifications]  # noqa: E731
        await wait_until(pilot, lambda: any("Saved to" in m for m in said()), what="Saved")
        await pilot.press("ctrl+q")
        await wait_for_text(pilot, "Quit tradegame?")
        text = " ".join(screen_text(app).split())
        assert WARNING not in text and "Every move of this game is saved" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.id != "confirm-quit", what="the game")
        # Another move after the save: the warning is back.
        before = len(game.actions)
        session = game.session
        if session is not None:
            await pilot.press("p" if session.offer is None else "r")
        else:
            await pilot.press("ctrl+d")
            await wait_for_text(pilot, "send these orders?")
            await pilot.press("enter")
        await wait_until(pilot, lambda: len(game.actions) > before, what="Japan's move")
        await pilot.press("ctrl+q")
        await wait_for_text(pilot, "Quit tradegame?")
        assert WARNING in " ".join(screen_text(app).split())
