"""The round report's projected score is the projection at the round's start.

A projection's chance is drawn from a stream keyed by the round and the phase (engine
projection._projection_rng), so "if nobody does anything more" asked in a round's orders
differs from the same question asked at its start, with no move in between (seed 2 of
april-2025, Japan passing: 22.98 at round 7's start, 21.77 in its orders, 22.98 at round 8's).
The screen noted the report's figure when it first built a frame in the round; the AI seats
play on in one batch, so that was often Japan's next turn, in the orders: round 3's figure
was 23.56 where the round started at 19.31.
"""

from __future__ import annotations

from pathlib import Path

from tradegame.session.match import Match

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def test_report_projection_is_noted_at_the_round_start(save_dir: Path) -> None:
    match = make_match({"JP": "human"}, seed=2)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        while game.round < 8:
            await wait_until(
                pilot, lambda: game.round >= 8 or game.to_move() == "JP", what="Japan's move"
            )
            if game.round >= 8:
                break
            await pilot.pause()
            await pilot.pause()
            if app.screen.id == "round-report":
                await pilot.press("enter")
                continue
            session = game.session
            if session is not None:
                await pilot.press("p" if session.offer is None else "r")
            else:
                await pilot.press("ctrl+d")
                await wait_for_text(pilot, "send these orders?")
                await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="round 7 report")
        # The words say which question the figure answers (a preview asks it from now).
        assert "at round start, no more moves" in screen_text(app)
        screen = next(s for s in app.screen_stack if hasattr(s, "round_marks"))
        marks = screen.round_marks["JP"]
        starts = {int(g.round): g for g in Match.round_starts(game)}
        for round_no in range(1, 9):
            expected = match.projected("JP", starts[round_no])
            assert marks[round_no]["projected"] == expected, round_no
