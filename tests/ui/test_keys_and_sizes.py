"""Everywhere-features: the command palette's legal moves, help, watching an all-AI game step
by step, themes, and no crash at any terminal size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.end import EndScreen
from tradegame.ui.screens.game import SPEEDS, GameScreen
from tradegame.ui.screens.help import HelpScreen

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def test_palette_lists_and_plays_legal_moves(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=4)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        moves = [str(a) for a in screen.palette_actions()]
        assert "JP pass" in moves and "JP propose US jp_lng=5" in moves
        assert all(m.startswith("JP ") for m in moves)
        # A deal typed in notation (without the player id) is offered; chosen, it shows
        # every term and its preview, and is played only once confirmed.
        await pilot.press("ctrl+p", *"propose US jp_lng=5,us_process=1")
        await wait_for_text(pilot, "JP propose US jp_lng=5,us_process=1")
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        await wait_for_text(pilot, "Projected score")
        text = screen_text(app)
        assert "Offer to United States, 2 terms:" in text and "More US LNG: $5bn/yr" in text
        assert not game.actions  # nothing played yet
        await pilot.press("escape")  # back: still nothing
        await pilot.pause()
        assert not game.actions
        await pilot.press("ctrl+p", *"propose US jp_lng=5,us_process=1")
        await wait_for_text(pilot, "JP propose US jp_lng=5,us_process=1")
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(game.actions) >= 1, what="the proposal")
        assert str(game.actions[0]) == "JP propose US jp_lng=5,us_process=1"
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="Japan's orders"
        )
        # An order from the palette is staged, not sent.
        await pilot.press("ctrl+p", *"reassure US")
        await wait_for_text(pilot, "JP say reassure US")
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (1/3)")
        assert screen.staged and str(screen.staged[0]) == "JP say reassure US"
        assert not any(str(a) == "JP say reassure US" for a in game.actions)


async def test_help_screen_and_back(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("f1")
        await wait_for_text(pilot, "keys (esc closes)")
        assert isinstance(app.screen, HelpScreen)
        assert "command palette" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, GameScreen)


async def test_watch_an_all_ai_game_step_by_step(save_dir: Path) -> None:
    match = make_match({"US": "random", "JP": "random"}, seed=9, name="us-japan-primer")
    game = match.game
    app = TradeGameApp(Options(match=match, save_dir=save_dir, spectate_delay=1.0))
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Watching AI seats")
        await pilot.press("space")  # pause before the first move
        await wait_for_text(pilot, "paused")
        before = len(game.actions)
        await pilot.press("n")
        await wait_until(pilot, lambda: len(game.actions) == before + 1, what="one move")
        await pilot.pause(0.1)
        assert len(game.actions) == before + 1  # one move, then it waits
        screen = app.screen
        assert isinstance(screen, GameScreen)
        await pilot.press("v")  # view as the first player
        assert screen.viewer == "US"
        await wait_for_text(pilot, "view: US")
        await pilot.press(*["plus"] * len(SPEEDS))  # fastest: no pause at all
        assert SPEEDS[screen.speed_index] == 0.0
        await pilot.press("space")
        # A report after each round (play waits for it), the last one above the results.
        reports = 0

        async def closed_reports() -> bool:
            nonlocal reports
            while app.screen.id == "round-report":
                reports += 1
                assert "(you)" not in screen_text(app)
                await pilot.press("enter")
                await pilot.pause()
            return isinstance(app.screen, EndScreen)

        deadline = 60
        while not await closed_reports() and deadline:
            await pilot.pause(0.5)
            deadline -= 1
        assert game.is_over()
        assert reports >= 1
        text = screen_text(app)
        assert "Game over" in text and "Joint welfare" in text


async def test_light_theme_game_screen_reads(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("1")
        await wait_for_text(pilot, "Market stress")


SIZES = [(20, 5), (1, 1), (40, 10), (200, 60)]


async def test_no_crash_at_any_terminal_size(save_dir: Path) -> None:
    """Every screen at tiny and large sizes, with keys pressed at each."""
    match = make_match({"JP": "human", "EU": "human", "US": "passive"}, seed=2)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Pass the keyboard to Japan")
        for w, h in SIZES:  # the curtain
            await pilot.resize_terminal(w, h)
            await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.press("enter")
        await wait_for_text(pilot, "Your move, Japan")
        for tab in "12345":
            await pilot.press(tab)
            for w, h in SIZES:
                await pilot.resize_terminal(w, h)
                await pilot.press("right")
                screen_text(app)
        await pilot.resize_terminal(80, 24)
        await pilot.press("f1")
        for w, h in SIZES:
            await pilot.resize_terminal(w, h)
            screen_text(app)
        await pilot.press("escape")
        # Below 80×24 the screen says so and takes no move (nothing can be played half
        # seen); at 80×24 again the game is where it was.
        await pilot.resize_terminal(79, 24)
        await wait_for_text(pilot, "tradegame needs at least 80×24")
        assert "This terminal is 79×24" in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        assert match.game.phase == "talks"
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game screen")
        await pilot.press("p")
        await wait_until(pilot, lambda: match.game.phase == "orders", what="orders")
        await pilot.press("ctrl+d")
        for w, h in SIZES:
            await pilot.resize_terminal(w, h)
            screen_text(app)
        await pilot.press("escape")
    # The new-game screen and its dialogs.
    app = TradeGameApp(Options(save_dir=save_dir))
    async with app.run_test(size=(20, 5)) as pilot:
        await pilot.pause(0.3)
        for w, h in SIZES:
            await pilot.resize_terminal(w, h)
            await pilot.press("tab")
            screen_text(app)
        await pilot.press("o")
        for w, h in SIZES:
            await pilot.resize_terminal(w, h)
            screen_text(app)


async def test_the_mouse_works_too(save_dir: Path) -> None:
    from tradegame.ui.widgets.tabs import TabBar
    from tradegame.ui.widgets.talks import TalksPanel, TermList

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one(TermList)
        first = terms.options[0].id
        assert await pilot.click(TermList, offset=(4, 0))  # the first item goes in
        await wait_for_text(pilot, "Your draft: 1 term")
        assert first in app.screen.query_one(TalksPanel).draft.levels
        bar = app.screen.query_one(TabBar)
        log = next(start for tab, start, _ in bar.spans() if tab == "log")
        assert await pilot.click(TabBar, offset=(log + 1, 0))  # a tab's title
        await wait_for_text(pilot, "JP and US hold ministerial talks")


async def test_an_unexpected_error_is_a_message_not_a_crash(
    save_dir: Path, monkeypatch: Any
) -> None:
    from tradegame.ui.screens.dialogs import MessageDialog
    from tradegame.ui.widgets.dashboard import Dashboard

    def broken(self: Any, frame: Any) -> None:
        raise RuntimeError("a bug in a panel")

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        monkeypatch.setattr(Dashboard, "update_frame", broken)
        await pilot.press("p", "1")  # showing the dashboard fails
        await wait_for_text(pilot, "Something went wrong")
        assert isinstance(app.screen, MessageDialog)
        assert "a bug in a panel" in app.screen.message
        await pilot.press("enter")
        assert match.game.phase == "orders"  # the move itself stands


async def test_palette_sends_a_free_text_message_to_the_talks_partner(save_dir: Path) -> None:
    """``message US any words`` in the palette: the words become one clean line (escapes shown,
    markup literal), the message is played once confirmed, the turn stays with Japan, and the
    log shows it as private text."""
    from tradegame.engine import Message

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=4)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+p", *"message US Autos   first, [bold]then[/bold] LNG")
        await wait_for_text(pilot, "JP message US -- Autos first, [bold]then[/bold] LNG")
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        assert "Message to US: Autos first, [bold]then[/bold] LNG" in screen_text(app)
        # No preview: a message changes nothing (it read "not possible now: message is a
        # talks move; now is the orders phase", in the talks phase).
        await wait_for_text(pilot, "changes nothing in the game")
        await pilot.pause(0.3)
        assert "not possible" not in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(game.actions) == 1, what="the message")
        assert game.actions[0] == Message("JP", "US", "Autos first, [bold]then[/bold] LNG")
        assert game.to_move() == "JP" and game.phase == "talks"
        await pilot.press("4")  # the log tab
        await wait_for_text(pilot, "JP to US: Autos first, [bold]then[/bold] LNG")
