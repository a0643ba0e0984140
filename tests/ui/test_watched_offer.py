"""Watching AI seats from a party's point of view, the talks tab lists the offer on the table
with its terms: viewing as the US it said "offer from US" and nothing of what was offered,
which that view holds. A viewer outside the talks sees neither. By keys, at 80×24."""

from __future__ import annotations

from pathlib import Path

from tradegame.engine import Counter, Propose, Term
from tradegame.session.match import Match

from .support import flat_text, make_app, make_match, wait_for_text, wait_until


def _us_offer_on_the_table() -> Match:
    """Every seat passive; Japan proposed, the US countered with two terms, Japan to answer."""
    match = make_match({"JP": "passive", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while game.to_move() != "JP" or game.session is None:
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    items = match.deal_items("JP", "US")
    us = next(i for i in items if game.rules.item(i).owner == "US")
    jp = next(i for i in items if game.rules.item(i).owner == "JP")

    def term(item: str) -> Term:
        return Term(item, game.rules.item(item).levels[0].value)

    match.apply(Propose("JP", "US", (term(jp),)))
    match.apply(Counter("US", "JP", (term(us), term(jp))))
    return match


async def test_a_watcher_viewing_as_a_party_reads_the_offers_terms(save_dir: Path) -> None:
    match = _us_offer_on_the_table()
    offer = match.game.session.offer
    assert offer is not None
    app = make_app(save_dir, match)
    app.options.spectate_delay = 60.0  # 2 s a move: paused below before any
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Watching AI seats")
        await pilot.press("space")  # paused: nobody moves while the screen is read
        await wait_for_text(pilot, "paused")
        await pilot.press("2")
        await wait_for_text(pilot, "Talks this round")
        names = [match.game.rules.item(t.item).name for t in offer]
        assert "offer from" not in flat_text(app)  # the public view: no offer shown
        for _ in range(3):  # all → JP → US
            await pilot.press("v")
            if "view: US" in flat_text(app):
                break
        await wait_for_text(pilot, "offer from US")
        words = flat_text(app)
        for name in names:
            assert name.split(" (")[0][:30] in words, words
        await wait_until(pilot, lambda: "US gives" in flat_text(app), what="who gives what")
