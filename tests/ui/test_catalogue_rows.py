"""The talks catalogue at the stated minimum, 80×24: a long item name wraps under its own
text (not at column 0, under the next row's keys), and a regulatory item's levels say what
they do, as every other item's do in their unit."""

from __future__ import annotations

import re
from pathlib import Path

from tradegame.ui.widgets.talks import TermList

from .support import (
    flat_text,
    make_app,
    make_match,
    screen_text,
    wait_for_text,
    wait_for_words,
    wait_until,
)


async def test_a_long_item_name_wraps_under_its_own_text(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await wait_for_text(pilot, "Tariff ceiling for Japan")
        lines = screen_text(app).splitlines()
        at = next(n for n, line in enumerate(lines) if "Tariff ceiling for Japan" in line)
        column = lines[at].index("Tariff ceiling for Japan")
        assert lines[at].startswith("□ US gives")
        # "... all goods except cars and steel)" goes on under "Tariff", not under "□".
        rest = lines[at + 1]
        assert rest.strip().startswith("except cars and steel"), lines[at : at + 2]
        assert len(rest) - len(rest.lstrip()) == column, lines[at : at + 2]


async def test_a_regulatory_items_levels_say_what_they_do(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one(TermList)
        steps = [o.id for o in terms.options].index("jp_car_standards") - (terms.highlighted or 0)
        await pilot.press(*(["down"] * steps))
        # The scenario's export_boost (0.1 a level, cars and parts), as the rows give
        # "$5bn/yr" or "15%" for other items; never "level 1 · level 2".
        await wait_for_words(pilot, "+10% exports · +20% exports Accept US car safety")
        assert "level 1" not in flat_text(app)
        await wait_for_words(pilot, "Each level: US exports of cars and parts to JP rise by 10%.")
        await pilot.press("right", "right")
        await wait_for_text(pilot, "[+20% exports]")
        # A move typed in the palette shows its terms in the same words.
        await pilot.press("ctrl+p", *"propose US jp_car_standards=1")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        await wait_for_text(pilot, "Accept US car safety standards without extra testing:")
        assert "+10% exports" in screen_text(app) and "level 1" not in screen_text(app)


async def test_the_highlighted_row_stays_whole_in_view(save_dir: Path) -> None:
    """Putting an item in adds "(cost to you N)" to its row, and the draft line and the
    preview under the list grow: the list shrank and the row grew under the screen's edge, so
    the row the arrow keys change was cut, or out of view altogether."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one(TermList)
        ids = [o.id for o in terms.options]
        await pilot.press("right", "right")
        await pilot.press(*(["down"] * ids.index("jp_investment")), "space")
        await wait_for_text(pilot, "if your draft is agreed")
        await pilot.pause(0.3)
        text = flat_text(app)
        row = r"Investment and financing vehicle for the US \(cost to you [\d.]+\)"
        assert re.search(row, text), text
        for item in ("jp_car_standards", "jp_treasury_swap"):
            await pilot.press(*(["down"] * (ids.index(item) - (terms.highlighted or 0))), "space")
            name = str(match.rules.item(item).name)
            await wait_until(
                pilot, lambda n=name: f"{n} (cost to you" in flat_text(app), what=f"{name}'s row"
            )
