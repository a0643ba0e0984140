"""The status bar at 80×24 says the result of the player's own talks move whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.dashboard import status_text
from tradegame.ui.widgets.tabs import GameTabs

from .support import (
    flat_text,
    make_app,
    make_match,
    play_round_one_passively,
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


def _status_lines(app: Any) -> list[str]:
    """The status bar's lines as the terminal shows them."""
    status = app.screen.query_one("#status")
    lines = screen_text(app).splitlines()
    return [line.strip() for line in lines[status.region.y : status.region.bottom]]


def _whole_or_cut(app: Any) -> list[str]:
    """The status bar's lines, checked: all it says is there, or its last line ends in "…"."""
    screen = app.screen
    assert isinstance(screen, GameScreen) and screen.frame is not None
    frame = screen.frame
    said = status_text(
        frame,
        screen._status_extra(),
        screen._hint(frame),
        paused=screen.paused,
        here=screen.query_one(GameTabs).active,
    )
    lines = _status_lines(app)
    assert len(lines) <= (4 if screen.hints else 3), lines
    whole = " ".join(said.plain.split()) in " ".join(" ".join(lines).split())
    assert whole or lines[-1].endswith("…"), (said.plain, lines)
    return lines


async def _us_counters(pilot: Any, game: Any) -> None:
    """Japan's first move by keys (the first item in the draft, sent); the bargainer counters."""
    await wait_for_text(pilot, "Your draft")
    await pilot.press("space", "s")
    await wait_until(
        pilot,
        lambda: game.to_move() == "JP" and game.session is not None and game.session.offer,
        what="the US's counter-offer",
    )
    await wait_until(pilot, lambda: "counter-offer" in pilot.app.screen.message, what="the line")
    await pilot.pause(0.2)


async def test_on_the_talks_tab_the_status_line_does_not_send_you_there(save_dir: Path) -> None:
    """Japan on the Talks tab, the US's counter-offer on it: the status line said "US made a
    counter-offer of 3 terms: read it on the Talks tab (2)."."""
    match = make_match({"JP": "human", "US": "bargainer", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await _us_counters(pilot, match.game)
        assert app.screen.query_one(GameTabs).active == "talks"
        words = " ".join(_whole_or_cut(app))
        assert "US made a counter-offer of " in words and "terms." in words, words
        assert "Talks tab" not in flat_text(app)


async def test_the_instructors_state_stays_in_sight_and_a_cut_ends_in_an_ellipsis(
    save_dir: Path,
) -> None:
    """The instructor's own talks move at 80×24: the talks result and "Instructor: AI play
    running (space pauses outside the talks list)" took a third and a fourth line, and the
    bar showed three: "... (2).  Instructor:" with the rest cut and no "…". With hints on,
    four lines."""
    match = make_match({"JP": "human", "US": "bargainer", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    state = "AI running (space pauses outside the talks list)"
    async with app.run_test(size=(80, 24)) as pilot:
        await _us_counters(pilot, match.game)
        lines = _whole_or_cut(app)
        assert len(lines) == 3 and state in " ".join(lines[1:]), lines
        await pilot.press("h")
        await wait_for_words(pilot, "h hides hints")
        lines = _whole_or_cut(app)
        assert len(lines) == 4 and state in " ".join(lines), lines
        await pilot.press("1", "space")  # on the dashboard, space pauses
        await wait_for_words(pilot, "AI PAUSED (space resumes")
        _whole_or_cut(app)


async def test_the_watchers_status_is_whole_at_80x24(save_dir: Path) -> None:
    """Watching AI seats, paused, from Japan's point of view: the line said the keys the
    footer shows, and with a talks result "... (n: one move, space: run); view:" was cut."""
    match = make_match({"JP": "bargainer", "US": "hawk", "EU": "dove"}, seed=1)
    app = make_app(save_dir, match)
    app.options.spectate_delay = 60.0
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_words(pilot, "Watching AI seats: running,")
        await pilot.press("space", "v")
        await wait_for_words(pilot, "Watching AI seats: paused; view: US")
        await pilot.press("v")
        await wait_for_words(pilot, "view: JP")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        seen = set()
        for _ in range(30):
            if screen.message:
                seen.add(screen.message)
                assert not _whole_or_cut(app)[-1].endswith("…"), _status_lines(app)
            if len(seen) >= 2:
                break
            if app.screen is not screen:  # a round report
                await pilot.press("enter")
            await pilot.press("n")
            await pilot.pause(0.2)
        assert len(seen) >= 2, seen


async def test_a_new_round_does_not_show_the_last_rounds_message(save_dir: Path) -> None:
    """Round 10's orders, in tmux: "Your move, Japan: give your orders (tab 3), then Done
    (ctrl+d).  You sent 0 orders and ended your turn." (said in round 9, kept through the
    report and the AI's moves, so it read as if this turn were over)."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await play_round_one_passively(pilot, game, "JP")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.press("enter")
        await wait_until(pilot, lambda: game.round == 2 and game.to_move() == "JP", what="JP")
        await wait_for_words(pilot, "Your move, Japan")
        await pilot.pause(0.2)
        assert "ended your turn" not in flat_text(app), _status_lines(app)
        # A message of this round stays until the next move.
        await pilot.press("h")
        await wait_for_words(pilot, "Hints on")


async def test_the_clock_line_after_the_deadline_is_one_line_at_80x24(save_dir: Path) -> None:
    """Round 13, past the deadline: "Round 13/13 · 2025-07-09 (day 91) · deadline passed:
    paused tariffs snapped back · talks" took two lines, and the US's offer in the status
    line was cut."""
    from tradegame.agents.base import passive_move

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while game.round < 13:
        mover = game.to_move()
        assert mover is not None
        game.apply(passive_move(game, mover))
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_words(pilot, "Your move, Japan")
        await pilot.pause(0.2)
        lines = _whole_or_cut(app)
        assert "snapped back" in lines[0] and lines[0].endswith(game.phase), lines
        assert not lines[-1].endswith("…"), lines


async def test_the_instructors_inject_is_said_whole_at_80x24(save_dir: Path) -> None:
    """i, enter on the instructor's own talks move: "Instructor: AI running (space pauses
    outside the talks list)  Inject pharma_2…"."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("i")
        await wait_for_text(pilot, "Fire an inject")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "fired" in app.screen.message, what="the inject")
        await pilot.pause(0.2)
        lines = _whole_or_cut(app)
        assert app.screen.message in lines[-1] and not lines[-1].endswith("…"), lines
