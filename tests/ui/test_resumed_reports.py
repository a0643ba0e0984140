"""A game loaded from a save shows the same round reports for the rounds before the save as
the player saw while playing them: the tariffs that moved and the projected score were noted
live at each round's start and not saved; they are replayed from the save's actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.logbook import LogPanel, log_text

from .support import make_app, make_match, wait_for_text, wait_until


async def _close_report(pilot: Any) -> None:
    await wait_until(pilot, lambda: pilot.app.screen.id == "round-report", what="the report")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, GameScreen), what="the game")


async def test_a_resumed_game_reports_the_rounds_before_the_save_as_they_were(
    save_dir: Path,
) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    game = match.game
    target = save_dir / "two rounds.json"
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 32)) as pilot:
        # Round 1: pass in the talks, then raise Japan's tariff on US goods by an order.
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="orders"
        )
        await pilot.press("3", "slash", *"retaliatory tariff on US goods to 10%", "down")
        await wait_for_text(pilot, "Preview — Set Japanese retaliatory tariff on US goods to 10%")
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (1/3)")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: game.round == 2, what="round 2")
        await _close_report(pilot)
        # Round 2: pass, no orders.
        await wait_until(pilot, lambda: game.to_move() == "JP", what="Japan's move")
        await pilot.press("p")
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="orders"
        )
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: game.round == 3, what="round 3")
        await _close_report(pilot)
        await wait_until(pilot, lambda: game.to_move() == "JP", what="Japan's move")
        screen = app.screen
        assert isinstance(screen, GameScreen) and screen.frame is not None
        screen.refresh_view()
        before = log_text(screen.frame).plain
        assert "JP on US" in before and "Your projected score" in before  # what was seen
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_until(pilot, target.exists, what="the save")

    app = TradeGameApp(Options(save_dir=save_dir, ai_delay=0.0, seed=7))
    app.animation_level = "none"
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await pilot.press("o")
        await wait_for_text(pilot, "two rounds.json")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("4")  # the log tab: every round's report
        await wait_for_text(pilot, "Round 2 report")
        screen = app.screen
        assert isinstance(screen, GameScreen)

        def same_log() -> bool:
            assert isinstance(screen, GameScreen) and screen.frame is not None
            return log_text(screen.frame).plain == before

        await wait_until(pilot, same_log, what="the log as it was before the save")
        # The log tab, drawn before the replay came in, was written again with them.
        panel = screen.query_one(LogPanel)
        await wait_until(
            pilot,
            lambda: "JP on US" in "\n".join(line.text for line in panel.lines),
            what="the tariff line in the log tab",
        )
