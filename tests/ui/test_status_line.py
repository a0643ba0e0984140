"""The status bar at 80×24 says the result of the player's own talks move whole."""

from __future__ import annotations

from pathlib import Path

from .support import (
    make_app,
    make_match,
    screen_text,
    wait_for_text,
    wait_for_words,
    wait_until,
)


async def test_accepting_says_the_result_whole_at_80x24(save_dir: Path) -> None:
    """As the US, accepting Japan's offer: the status bar said "You: Accept the offer on the
    table. US accepts JP's offer (d1); it goes to" and cut "ratification at resolution."."""
    match = make_match(
        {"US": "human", "JP": "random", "EU": "bargainer"}, seed=4, name="classroom-lesson"
    )
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, United States")
        while True:
            await wait_until(pilot, lambda: game.to_move() == "US", what="the US's move")
            session = game.session
            if game.phase == "talks" and session is not None and session.offer is not None:
                break
            assert game.round == 1, "no offer to the US in round 1: choose another seed"
            await pilot.press("p" if game.phase == "talks" else "ctrl+d")
            if game.phase == "orders":
                await pilot.press("enter")
            await pilot.pause()
        await wait_for_text(pilot, "a accepts")
        await pilot.press("a")
        await wait_until(pilot, lambda: "accepts" in app.screen.message, what="the result")
        await pilot.pause(0.2)
        result = app.screen.message
        top = " ".join(" ".join(screen_text(app).splitlines()[1:4]).split())
        assert " ".join(result.split()) in top, (result, top)
        assert "You: Accept" not in top


async def test_with_hints_the_result_of_a_move_is_not_cut(save_dir: Path) -> None:
    """The guided first game at 80×24: the hint took the status bar's two lines, and the US's
    answer to Japan's offer was cut after "US accepts JP's"."""
    match = make_match({"JP": "human", "US": "dove"}, seed=1, name="us-japan-primer")
    app = make_app(save_dir, match, guided=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "h hides hints")
        await pilot.press("space", "down", "down", "down", "down", "space", "s")
        await wait_until(pilot, lambda: "accepts" in app.screen.message, what="the answer")
        await pilot.pause(0.2)
        result = app.screen.message
        top = " ".join(" ".join(screen_text(app).splitlines()[1:5]).split())
        assert " ".join(result.split()) in top, (result, top)


async def test_a_paused_watch_says_who_moves_next_not_that_they_are_moving(
    save_dir: Path,
) -> None:
    """Watching AI seats, paused: the status line said "Japan (JP, AI: bargainer) is
    moving…" for as long as the pause lasted, although nothing moved."""
    match = make_match({"JP": "passive", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    app.options.spectate_delay = 1.0
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Watching AI seats: running")
        await pilot.press("space")
        await wait_for_words(pilot, "Watching AI seats: paused")
        await wait_for_words(pilot, "moves next.")
        assert "is moving" not in screen_text(app)
