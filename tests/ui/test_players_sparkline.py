"""The players' table on the dashboard draws a small approval move flat, as the charts do
(a one-point move was stretched to full height and read like a steep rise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradegame.session.text import SPARKS

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def test_a_small_approval_move_is_drawn_flat_in_the_players_table(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        while game.round < 4:
            await wait_until(
                pilot,
                lambda: app.screen.id == "round-report" or game.to_move() == "JP",
                what="Japan's move",
            )
            if app.screen.id == "round-report":
                await pilot.press("enter")
                await pilot.pause()
            elif game.phase == "orders":
                await pilot.press("ctrl+d")
                await wait_for_text(pilot, "send these orders?")
                await pilot.press("enter")
                await pilot.pause()
            else:
                await pilot.press("p")
                await pilot.pause()
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game")
        await pilot.press("1")
        await wait_for_text(pilot, "Appr.")
        view = game.view("JP").to_json()
        small = []
        for p in view["players"]:
            values = [h["approval"][p["id"]] for h in view["history"]] + [p["approval"]]
            if 0 < max(values) - min(values) < 2:
                small.append(p["id"])
        assert small, "no player whose approval moved a little: choose another seed"
        lines = [line.split() for line in screen_text(app).splitlines()]
        rows = {words[0]: " ".join(words) for words in lines if words}
        for pid in small:
            marks = next(w for w in rows[pid].split() if set(w) <= set(SPARKS))  # the first
            assert marks and not (SPARKS[0] in marks and SPARKS[-1] in marks), rows[pid]


async def test_the_sparklines_start_at_the_games_start(save_dir: Path) -> None:
    """In round 2, market stress that had fallen from 50 to 42 in round 1 was drawn rising
    ("42/100 ▄▅"): the line began at the end of round 1, and its second point (now, the same
    number give or take) drew a rounding step. It starts at round 1's start now."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    start = game.view("JP").to_json()["market_stress"]
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        while game.round < 2:
            await wait_until(
                pilot,
                lambda: app.screen.id == "round-report" or game.to_move() == "JP",
                what="Japan's move",
            )
            if app.screen.id == "round-report":
                break
            if game.phase == "orders":
                await pilot.press("ctrl+d")
                await wait_for_text(pilot, "send these orders?")
                await pilot.press("enter")
            else:
                await pilot.press("p")
            await pilot.pause()
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game")
        await pilot.press("1")
        await wait_for_text(pilot, "Market stress")
        now = game.view("JP").to_json()["market_stress"]
        assert start - now > 5, (start, now)  # a fall that must show: choose another seed
        line = next(x for x in screen_text(app).splitlines() if "Market stress" in x)
        marks = next(w for w in line.split() if w and set(w) <= set(SPARKS))
        assert len(marks) >= 3, line  # the start, round 1's end, now
        assert SPARKS.index(marks[0]) > SPARKS.index(marks[-1]), line


@pytest.mark.parametrize(("name", "rounds"), [("april-2025", 6), ("china-lesson", 5)])
async def test_no_players_name_wraps_at_80_columns_later_in_the_game(
    save_dir: Path, name: str, rounds: int
) -> None:
    """From round 5 the approval sparklines were six points wide and "EU European Union" took
    two lines at 80×24 ("EU European" / "Union"); in the China lesson, with China facing
    "141.34%", from round 2."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3, name=name)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        while game.round < rounds:
            await wait_until(
                pilot,
                lambda: app.screen.id == "round-report" or game.to_move() == "JP",
                what="Japan's move",
            )
            if app.screen.id == "round-report":
                await pilot.press("enter")
            elif game.phase == "orders":
                await pilot.press("ctrl+d")
                await wait_for_text(pilot, "send these orders?")
                await pilot.press("enter")
            else:
                await pilot.press("p")
            await pilot.pause()
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game")
        await pilot.press("1")
        await wait_for_text(pilot, "Appr.")
        text = screen_text(app)
        assert "EU European Union" in text, text
        assert "Union" not in text.replace("EU European Union", ""), text
