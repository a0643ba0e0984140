"""A load that fails, by keys at 80×24: the error shows, and nothing stays over it."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.dialogs import MessageDialog
from tradegame.ui.screens.setup import SetupScreen

from .support import screen_text, wait_for_text, wait_until


def setup_app(save_dir: Path, **options: object) -> TradeGameApp:
    app = TradeGameApp(Options(save_dir=save_dir, ai_delay=0.0, seed=7, **options))  # type: ignore[arg-type]
    app.animation_level = "none"
    return app


async def test_loading_toast_goes_when_the_load_fails(save_dir: Path, tmp_path: Path) -> None:
    """The "Loading …" toast stayed up for its 5 s after the error's dialog opened; with a long
    path it covered the dialog's OK button at 80×24."""
    bad = tmp_path / ("a" * 150) / "broken.json"
    bad.parent.mkdir()
    bad.write_text('{"format": "tradegame-save", "vers')  # truncated
    app = setup_app(save_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.focused is not None, what="the load dialog")
        await pilot.press(*str(bad), "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog), what="the error")
        await wait_until(
            pilot,
            lambda: not any(n.message.startswith("Loading") for n in app._notifications),
            timeout=3.0,  # the toast's own timeout is 5 s
            what="the Loading toast to go",
        )
        assert "Loading" not in screen_text(app)
        assert "OK" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, SetupScreen)


async def test_loading_toast_goes_when_the_game_begins(save_dir: Path, tmp_path: Path) -> None:
    from tradegame.engine import parse
    from tradegame.session.persistence import save

    from .support import make_match

    good = tmp_path / "good.json"
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    match.apply(parse("JP pass"))
    save(good, match)
    app = setup_app(save_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.focused is not None, what="the load dialog")
        await pilot.press(*str(good), "enter")
        await wait_until(pilot, lambda: app.match is not None, what="the game")
        await wait_until(
            pilot,
            lambda: not any(n.message.startswith("Loading") for n in app._notifications),
            timeout=3.0,
            what="the Loading toast to go",
        )


async def test_a_pasted_save_that_fails_leaves_no_loading_toast(save_dir: Path) -> None:
    """In a browser (``tradegame serve``) a save is pasted as text: one that is not a save."""
    from textual.widgets import Button

    app = setup_app(save_dir, web=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await pilot.press("o")
        await wait_for_text(pilot, "paste the save")
        await pilot.press(*"{not a save", "tab", "tab")
        assert isinstance(app.focused, Button) and app.focused.id == "load"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog), what="the error")
        await wait_until(
            pilot,
            lambda: not any(n.message.startswith("Loading") for n in app._notifications),
            timeout=3.0,
            what="the Loading toast to go",
        )
