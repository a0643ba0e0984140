"""The footer shows the keys that apply where the player is: the command palette's over the
game, no save where there is no game, no "] More" when every term of the offer shows."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.keys import KeyFooter

from .support import countered_match, make_app, screen_text, wait_for_text, wait_until


def footer_line(app: TradeGameApp) -> str:
    """The screen's last line: the footer, as the player sees it."""
    return screen_text(app).splitlines()[-1]


def game_footer(app: TradeGameApp) -> KeyFooter:
    game = next(s for s in app.screen_stack if isinstance(s, GameScreen))
    return game.query_one(KeyFooter)


async def test_with_the_palette_open_the_footer_shows_the_palettes_keys(save_dir: Path) -> None:
    app = make_app(save_dir, countered_match(4))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 4 terms")
        assert "Send offer" in footer_line(app)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: "command palette" in footer_line(app), what="its keys")
        line = footer_line(app)
        assert "esc" in line
        for game_key in ("Send offer", "Level", "In/out", "Accept"):
            assert game_key not in line
        # A move chosen there: the summary's keys (esc goes back), not the game's.
        await pilot.press(*"accept")
        await wait_for_text(pilot, "JP accept")
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        await wait_until(
            pilot,
            lambda: [k.description for k in game_footer(app).keys] == ["Back"],
            what="the summary's keys",
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Send offer" in footer_line(app), what="the game's keys")
        assert "Back" not in footer_line(app)


async def test_the_new_game_screen_offers_no_save(save_dir: Path) -> None:
    app = TradeGameApp(Options(save_dir=save_dir, ai_delay=0.0, seed=7))
    app.animation_level = "none"
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await wait_for_text(pilot, "Start")
        assert "Save" not in footer_line(app)
        await pilot.press("ctrl+s")  # does nothing, says nothing
        await pilot.pause()
        assert "no game to save" not in screen_text(app)
        await pilot.press("s")  # start the game: now there is one to save
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await wait_until(pilot, lambda: "^s Save" in footer_line(app), what="the save key")
        await pilot.press("ctrl+n")  # leave it for a new one: no save again
        await wait_for_text(pilot, "Leave this game for a new one?")
        await pilot.press("y")
        await wait_for_text(pilot, "The 90-day pause")
        await wait_until(pilot, lambda: "Start" in footer_line(app), what="the new-game keys")
        assert "Save" not in footer_line(app)


async def test_more_terms_shows_only_while_terms_are_out_of_view(save_dir: Path) -> None:
    # Two terms fit at 80×24: no "more (])" under the offer, and ] does nothing.
    app = make_app(save_dir, countered_match(2))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 2 terms")
        await wait_for_text(pilot, "a accept · r reject")
        await pilot.pause()
        assert "more (])" not in screen_text(app)
        assert "] More " not in footer_line(app)  # the offer says it, not the footer
        assert "a Accept" in footer_line(app)
    # Six do not: the offer says so until the last term is in view.
    app = make_app(save_dir, countered_match(6))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 6 terms")
        await wait_for_text(pilot, "more (])")
        assert "] More " not in footer_line(app)
        for _ in range(6):
            await pilot.press("right_square_bracket")
        await wait_for_text(pilot, "above ([)")
        await wait_until(pilot, lambda: "more (])" not in screen_text(app), what="no more")


async def test_ctrl_d_is_done_from_the_orders_filter(save_dir: Path) -> None:
    """The orders tab opens with the filter focused, where ctrl+d deleted a character and
    Done could not be reached; the footer said "d Done", which typed a "d" there."""
    from tradegame.ui.screens.dialogs import DoneDialog

    from .support import make_match

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="orders"
        )
        await pilot.press("3", "slash", *"dx")
        await wait_for_text(pilot, "dx")
        line = footer_line(app)
        assert "^d Done" in line and " d Done" not in line and "x Remove" not in line
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: isinstance(app.screen, DoneDialog), what="the summary")
