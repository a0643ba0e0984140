"""An offer's terms read in words at 80×24."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tradegame.session.match import Match
from tradegame.ui.screens.report import RoundReportDialog
from tradegame.ui.widgets.talks import TermList

from .support import (
    flat_text,
    make_app,
    make_match,
    play_round_one_passively,
    scenario,
    wait_for_text,
    wait_until,
)


async def test_a_suspended_countermeasure_in_an_offer_reads_agreed(save_dir: Path) -> None:
    """As the US in the classroom lesson, the EU's offer listed "Shelve the second list:
    level 1" and "Keep the first list suspended: level 1" (the item has one level, 1)."""
    match = make_match(
        {"US": "human", "JP": "passive", "EU": "bargainer"}, seed=4, name="classroom-lesson"
    )
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, United States")
        await play_round_one_passively(pilot, game, "US")
        await wait_until(pilot, lambda: isinstance(app.screen, RoundReportDialog), what="report")
        await pilot.press("enter")
        await wait_for_text(pilot, "answer EU's offer")
        await pilot.press("2")
        for _ in range(3):  # every term of the offer, ] shows those below
            await pilot.press("right_square_bracket")
        text = flat_text(app)
        assert "Shelve the second list: agreed" in text, text
        assert "level 1" not in text, text


async def test_a_red_line_is_marked_in_the_catalogue(save_dir: Path) -> None:
    """As the US opening talks with the EU, the EU's digital rules (a red line declared in
    public: the Council never ratifies a deal that gives it) looked like any other item;
    only its description, shown while it is highlighted, said so."""
    match = make_match({"US": "human", "JP": "passive", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, United States")
        while game.round == 1 and game.phase == "talks":
            await wait_until(pilot, lambda: game.to_move() == "US", what="the US's move")
            if game.phase != "talks":
                break
            await pilot.press("p" if game.session and game.session.offer is None else "r")
            await pilot.pause()
        await wait_for_text(pilot, "give your orders")
        await pilot.press("slash", *"ministerial talks with EU", "down", "enter")
        await wait_for_text(pilot, "Staged (1/3)")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RoundReportDialog), what="report")
        await pilot.press("enter")
        await wait_for_text(pilot, "open the talks with EU")
        await pilot.press("2")
        terms = app.screen.query_one(TermList)
        for _ in range(30):  # down the catalogue to the digital rules (shown whole)
            if terms.highlighted_option is not None and terms.highlighted_option.id == "eu_digital":
                break
            await pilot.press("down")
        await pilot.pause(0.2)
        text = flat_text(app)
        assert "Soften the digital rules (DMA/DSA) for US firms RED LINE" in text, text


async def test_an_item_without_a_description_says_so(save_dir: Path) -> None:
    """An item with no description: the line under the catalogue was blank. (The primer's items
    had none; every bundled item has one now, tests/scenario/test_item_descriptions.py, so
    they are taken out here.)"""
    sc = scenario("us-japan-primer")
    rules = replace(sc.rules, items=tuple(replace(it, description="") for it in sc.rules.items))
    match = Match(
        rules, 1, {"JP": "human", "US": "dove"}, scenario_name=sc.source, scenario_text=sc.text
    )
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "You open")
        await pilot.pause(0.2)
        text = flat_text(app)
        assert "The scenario gives no description of this item." in text, text
