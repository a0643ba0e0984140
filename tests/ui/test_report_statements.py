"""A round's report lists the statements its orders made and what became of them: a
player's own claim or fact-check was in the log but not in the report."""

from __future__ import annotations

from pathlib import Path

from .support import make_app, make_match, report_text, wait_for_text, wait_until


async def test_the_round_report_lists_the_statements_made(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="orders"
        )
        await pilot.press("3", "slash", *"claim progress with US", "down")
        await wait_for_text(pilot, "Preview — Claim progress with US")
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (1/3)")
        await pilot.press("slash", "ctrl+u", *"trade barriers", "down")
        await wait_for_text(pilot, "Preview — Fact-check US")
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (2/3)")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: report_text(app) is not None, what="the report")
        report = " ".join((report_text(app) or "").split())
        orders = report.split("Tariffs and orders", 1)[1].split("Your projected score", 1)[0]
        assert "JP claims progress in its talks with US." in orders
        assert "JP fact-checks US's claim" in orders and "US loses credibility" in orders
