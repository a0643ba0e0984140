"""Back at the game from the results (l), the status line said "The game is over.  You sent
no orders and ended your turn.": the last turn's line stayed after the game. By keys at
80×24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradegame.agents.base import passive_move
from tradegame.ui.screens.end import EndScreen
from tradegame.ui.screens.game import GameScreen

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def _back_at_the_game_from_the_results(pilot: Any) -> None:
    """Close the last round's report (if any), then go back to the game from the results."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: app.screen.id == "round-report" or isinstance(app.screen, EndScreen),
        what="the last report",
    )
    if app.screen.id == "round-report":
        await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, EndScreen), what="the results")
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
    await wait_for_text(pilot, "The game is over.")


async def test_the_last_turns_line_goes_with_the_game(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while not (game.round == game.rounds_total() and game.phase == "orders"):
        mover = game.to_move()
        assert mover is not None
        game.apply(passive_move(game, mover))
    while game.to_move() != "JP":
        mover = game.to_move()
        assert mover is not None
        game.apply(passive_move(game, mover))
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan: give your orders")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await _back_at_the_game_from_the_results(pilot)
        assert "ended your turn" not in screen_text(app)


async def test_an_early_end_leaves_no_talks_line(save_dir: Path) -> None:
    """The instructor ends the game early: back at the game, the status line said "The game
    is over.  JP made no proposal to US. JP made no proposal to US." (the passes of every
    seat to the end, Japan's own among them)."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: app.screen.id == "confirm-end", what="the question")
        await pilot.press("y")
        await _back_at_the_game_from_the_results(pilot)
        assert "made no proposal" not in screen_text(app)
