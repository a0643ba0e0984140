"""A regulatory term reads as what it does wherever the interface writes a deal's terms (the
dashboard's deals, the results' table): the view's term text is the engine's log line,
"Accept US car safety standards without extra testing [JP] 1", whose bare level says nothing.
The interface writes terms with the player's own words, as the talks tab does ("JP gives
…: +10% exports")."""

from __future__ import annotations

from pathlib import Path

from tradegame.engine import Propose, Term
from tradegame.session.match import Match
from tradegame.session.text import Names
from tradegame.ui.screens.end import deals_table

from .support import flat_text, make_app, make_match, wait_for_text, wait_until

ITEM = "jp_car_standards"


def _car_standards_agreed() -> Match:
    """Japan (human) has offered the US its car standards at level 1 and the dove agreed."""
    match = make_match({"JP": "human", "US": "dove", "EU": "passive"}, seed=3)
    game = match.game
    while game.to_move() != "JP" or game.session is None:
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    match.apply(Propose("JP", "US", (Term(ITEM, 1),)))
    while game.to_move() != "JP":
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    assert any(
        any(t.item == ITEM for t in d.terms) for d in game.deals if d.status.value == "agreed"
    ), "the dove agreed"
    return match


async def test_the_dashboard_writes_a_regulatory_term_in_words(save_dir: Path) -> None:
    match = _car_standards_agreed()
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("1")
        await wait_for_text(pilot, "Deals")
        await wait_until(pilot, lambda: "JP gives Accept US car" in flat_text(app), what="deal")
        words = flat_text(app)
        assert "[JP] 1" not in words
        assert "+10% exports" in words, words


def test_the_results_table_writes_a_regulatory_term_in_words() -> None:
    match = _car_standards_agreed()
    view = match.game.view("JP").to_json()
    table = deals_table(view, Names(view, export_boosts=match.export_boosts))
    cells = [str(cell) for column in table.columns for cell in column.cells]
    assert not any("[JP] 1" in cell for cell in cells), cells
    assert any("JP gives Accept US car" in c and "+10% exports" in c for c in cells), cells
