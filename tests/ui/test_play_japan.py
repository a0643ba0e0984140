"""A whole game of the default scenario as Japan against AI seats, played only with keys.

The US seat is the cooperative ``dove`` (it accepts any offer that raises its projected score),
so an LNG offer is accepted deterministically; the EU is ``passive``.
"""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.widgets.talks import TermList

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def test_japan_plays_a_whole_game_by_keys(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "dove", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 32)) as pilot:
        # Round 1 opens on the talks tab: Japan proposes in Washington.
        await wait_for_text(pilot, "Your move, Japan")
        text = screen_text(app)
        assert "Ministerial talks with United States (US)" in text
        assert "Round 1/13" in text and "83 days left" in text

        # Build the offer: More US LNG at its second level ($5bn/yr), by keys only.
        terms = app.screen.query_one(TermList)
        steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
        await pilot.press(*(["down"] * steps), "right", "right")
        await wait_for_text(pilot, "if your draft is agreed")
        text = screen_text(app)
        assert "[$5bn/yr]" in text
        # The highlighted item's description from the scenario shows under the list.
        description = game.rules.item("jp_lng").description
        assert description and " ".join(description.split()[:6]) in " ".join(text.split())
        assert "Projected score" in text and "change +" in text  # the preview (what_if)
        assert "fits your win-set" in text
        await pilot.press("s")

        # The dove accepts; Japan gives orders next, and the status line says so.
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="Japan's orders"
        )
        assert any(str(a) == "US accept" for a in game.actions)
        await wait_for_text(pilot, "US accepts JP's offer (d1); it")
        await pilot.press("4")
        await wait_for_text(pilot, "US accepts JP's offer (d1)")

        # An order with its preview: filter, highlight, read the preview, stage it.
        await pilot.press("3", "slash", *"reassure", "down")
        await wait_for_text(pilot, "Preview — Reassure US")
        assert "Projected score" in screen_text(app)
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (1/3)")
        # With an order staged, a candidate's preview says what it adds on top of it.
        await pilot.press("ctrl+u", *"claim progress", "down")
        await wait_for_text(pilot, "with your staged orders")
        await wait_for_text(pilot, "This order adds")
        assert "to your staged orders'" in screen_text(app)
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await wait_for_text(pilot, "change ")  # the combined preview of the orders
        assert "1. Reassure US" in screen_text(app)
        await pilot.press("enter")

        # Resolution: the deal enters force and shows on the dashboard.
        await wait_until(pilot, lambda: game.round == 2 and game.to_move() == "JP", what="round 2")
        assert "JP say reassure US" in [str(a) for a in game.actions]
        # The round report says what the resolution did, then enter goes back to the game.
        await wait_for_text(pilot, "Round 1 report")
        text = screen_text(app)
        assert "d1 between JP and US enters force: More US LNG [JP] $5bn/yr." in text
        assert "Your projected score" in text and "Market stress" in text
        await pilot.press("enter")
        await pilot.press("1")
        await wait_for_text(pilot, "JP–US deal, in force")

        # Play out the game: pass or reject in talks, Done without orders.
        while not game.is_over():
            await wait_until(
                pilot, lambda: game.is_over() or game.to_move() == "JP", what="Japan's move"
            )
            if game.is_over():
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
        # The last round's report comes too, before the results.
        await wait_for_text(pilot, "report")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the last report")
        await pilot.press("enter")
        await wait_for_text(pilot, "Game over")
        text = screen_text(app)
        for word in ("Result", "Score", "BATNA", "Surplus", "Joint welfare", "d1"):
            assert word in text, word
        scores, batna = game.scores(), game.batna()
        assert f"{scores['JP']:.1f}" in text and f"{batna['JP']:.1f}" in text
        # Autosaves were written each round (the newest five are kept).
        assert len(list(save_dir.glob("april-2025-s3-*-round*.json"))) == 5
