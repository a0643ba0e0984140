"""A move typed in the command palette that cannot be played says why (by keys, 80×24)."""

from __future__ import annotations

from pathlib import Path

from .support import (
    flat_text,
    make_app,
    make_match,
    screen_text,
    wait_for_text,
    wait_for_words,
    wait_until,
)


async def _palette(pilot: object, app: object, typed: str) -> None:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await wait_for_text(pilot, "🔎")
    await pilot.press(*typed)  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: typed in flat_text(app), what="the query")  # type: ignore[arg-type]
    await pilot.pause(0.5)  # type: ignore[attr-defined]


async def test_a_mistyped_move_says_what_is_wrong(save_dir: Path) -> None:
    """ "propose US jp_lng=abc" found "No matches found" and enter did nothing."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await _palette(pilot, app, "propose US jp_lng=abc")
        assert "No matches found" not in flat_text(app)
        assert "not a move:" in flat_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game")
        await wait_for_words(pilot, "Not a move")  # (the status line may wrap inside it)
        assert "abc" in app.screen.message, app.screen.message


async def test_a_move_not_legal_now_says_why(save_dir: Path) -> None:
    """ "accept" with no offer on the table: the engine's reason, not "No matches found"."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await _palette(pilot, app, "renege d9")
        assert "No matches found" not in flat_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game")
        await wait_until(pilot, lambda: "Not allowed" in app.screen.message, what="the reason")
        assert game.phase == "talks" and game.to_move() == "JP"  # nothing was played


async def test_words_to_search_still_search(save_dir: Path) -> None:
    """A search ("lng") is no move: no "not a move" line among its matches."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await _palette(pilot, app, "lng")
        assert "not a move" not in flat_text(app)


async def test_a_pasted_control_character_is_shown_not_sent(save_dir: Path) -> None:
    """A paste (the terminal's bracketed paste) holding an escape: the line that says the move
    is mistyped shows it as \\x1b, never writes it to the terminal."""
    from textual import events
    from textual.widgets import Input

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+p")
        await wait_for_text(pilot, "🔎")
        app.screen.query_one(Input).post_message(events.Paste("propose US x=\x1b[31m"))
        await wait_until(pilot, lambda: "not a move" in flat_text(app), what="the line")
        line = next(x for x in screen_text(app).splitlines() if "not a move" in x)
        assert "\x1b" not in line and "\\x1b" in line, repr(line)
