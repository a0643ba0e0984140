"""Text snapshots of the main screens at a fixed size.

Each snapshot is the screen's characters (``snapshots/NAME.txt``), so a diff reads like the
screen. Regenerate deliberately, and review the diff, with::

    TRADEGAME_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/ui/test_snapshots.py

(Why not pytest-textual-snapshot: its 1.1.0 pins syrupy 4.8, which needs pytest < 9, and this
project runs pytest 9; SVG snapshots are also hard to review. Colours are not compared here;
the light-theme test and the tmux test look at real rendering.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.widgets.talks import TermList

from .support import (
    close_reports_until_end,
    countered_match,
    make_app,
    make_match,
    screen_text,
    wait_for_text,
    wait_for_words,
    wait_until,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("TRADEGAME_UPDATE_SNAPSHOTS") == "1"
SIZES = [(80, 24), (160, 45)]
"""The stated minimum and a wide terminal (two panes from about 120 columns)."""


def normalise(text: str) -> str:
    """Trailing spaces dropped, and every digit written as 0: the snapshots guard the layout
    and the words; the numbers belong to the engine's tests (a recalibration that keeps the
    number of digits does not touch them)."""
    text = re.sub(r"[0-9]", "0", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    text = normalise(text)
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"new snapshot written: {path} (review it, then run again)")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from {path}; if the change is intended, "
        f"regenerate with TRADEGAME_UPDATE_SNAPSHOTS=1"
    )


async def shoot(
    app: TradeGameApp, name: str, size: tuple[int, int], steps: Callable[[Any], Awaitable[None]]
) -> None:
    async with app.run_test(size=size) as pilot:
        await steps(pilot)
        await pilot.pause(0.3)  # let the debounced previews land
        await pilot.pause()
        check(f"{name}-{size[0]}x{size[1]}", screen_text(app))


sizes = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")


@sizes
async def test_snapshot_new_game_screen(save_dir: Path, size: tuple[int, int]) -> None:
    app = TradeGameApp(Options(save_dir=save_dir, seed=7))
    app.animation_level = "none"

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Scenario")
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 3, what="seats")

    await shoot(app, "new_game", size, steps)


def japan_app(save_dir: Path) -> TradeGameApp:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    return make_app(save_dir, match)


@sizes
async def test_snapshot_talks_with_a_draft_and_its_preview(
    save_dir: Path, size: tuple[int, int]
) -> None:
    app = japan_app(save_dir)

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one(TermList)
        ids = [o.id for o in terms.options]
        await pilot.press("right", "right")  # US cap at 15%
        await pilot.press(*(["down"] * ids.index("jp_investment")), "space")
        await wait_for_text(pilot, "if your draft is agreed")

    await shoot(app, "talks", size, steps)


@sizes
async def test_snapshot_dashboard(save_dir: Path, size: tuple[int, int]) -> None:
    app = japan_app(save_dir)

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_for_text(pilot, "Round 1 report")
        await pilot.press("enter")
        await wait_for_text(pilot, "Round 2/13")
        await pilot.press("1")
        await wait_for_text(pilot, "Market stress")

    await shoot(app, "dashboard", size, steps)


@sizes
async def test_snapshot_orders_with_one_staged(save_dir: Path, size: tuple[int, int]) -> None:
    app = japan_app(save_dir)

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await pilot.press("slash", *"lng", "down", "enter")
        await wait_for_text(pilot, "Staged (1/3)")
        await pilot.press("slash", "ctrl+u", *"aircraft", "down")
        await wait_for_words(pilot, "This order adds")

    await shoot(app, "orders", size, steps)


@sizes
async def test_snapshot_end_of_game(save_dir: Path, size: tuple[int, int]) -> None:
    match = make_match({"US": "passive", "JP": "passive"}, seed=1, name="us-japan-primer")
    app = TradeGameApp(Options(match=match, save_dir=save_dir, spectate_delay=0.0))
    app.animation_level = "none"

    async def steps(pilot: Any) -> None:
        await close_reports_until_end(pilot)  # the watcher's reports come first

    await shoot(app, "end", size, steps)


@sizes
async def test_snapshot_round_report(save_dir: Path, size: tuple[int, int]) -> None:
    app = japan_app(save_dir)

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_for_text(pilot, "Round 1 report")

    await shoot(app, "round_report", size, steps)


@sizes
async def test_snapshot_counter_offer_of_six_terms(save_dir: Path, size: tuple[int, int]) -> None:
    app = make_app(save_dir, countered_match())

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "US offers 6 terms")

    await shoot(app, "counter_offer", size, steps)


@sizes
async def test_snapshot_dashboard_of_four_players(save_dir: Path, size: tuple[int, int]) -> None:
    """The four-player lesson (china-lesson) from China's seat: four rows in the players'
    table, none cut at 80 columns; the wide terminal also shows the tariff table with the
    US–China rows (145% and 125% are three-digit rates)."""
    match = make_match(
        {"CN": "human", "US": "passive", "JP": "passive", "EU": "passive"},
        seed=1,
        name="china-lesson",
    )
    app = make_app(save_dir, match)

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Your move, China")
        await pilot.press("1")
        await wait_for_text(pilot, "Market stress")

    await shoot(app, "dashboard_four_players", size, steps)


@sizes
async def test_snapshot_dashboard_with_measures_in_force(
    save_dir: Path, size: tuple[int, int]
) -> None:
    """Four players with five measures in force between them: each row of the players' table
    stays one line (the table counts them) and the measures are named in full below it; before,
    their names broke words in a narrow column ("countermeasu re") and made the table taller
    than a 24-line screen."""
    from tradegame.engine import parse

    match = make_match(
        {"CN": "human", "US": "passive", "JP": "passive", "EU": "passive"},
        seed=1,
        name="china-lesson",
    )
    game = match.game
    orders = {
        "JP": ["JP countermeasure jp_treasury_card on"],
        "EU": ["EU countermeasure eu_cm_steel on", "EU countermeasure eu_cm_95bn on"],
        "CN": ["CN countermeasure cn_rare_earths on", "CN countermeasure cn_treasury_card on"],
    }
    while game.round == 1:
        p = game.to_move()
        if game.phase == "orders" and orders.get(p):
            game.apply(parse(orders[p].pop(0)))
        else:
            game.apply(parse(f"{p} {'done' if game.phase == 'orders' else 'pass'}"))
    app = make_app(save_dir, match)

    async def steps(pilot: Any) -> None:
        await wait_for_text(pilot, "Your move, China")
        # Round 1's start, replayed in a thread: the sparklines start there.
        await wait_until(pilot, lambda: 1 in app.screen.round_marks.get("CN", {}), what="r1")
        await pilot.press("1")
        await wait_for_text(pilot, "Measures in force")
        lines = screen_text(app).splitlines()
        first = next(n for n, ln in enumerate(lines) if ln.strip().startswith("US United"))
        rows = lines[first : first + 4]  # one line a player, in the scenario's order
        for pid, row in zip(("US", "JP", "EU", "CN"), rows, strict=True):
            assert row.strip().startswith(pid), rows
            assert re.search(r"%\s+(none|\d active)", row), row
        text = " ".join(screen_text(app).split())
        assert "EU Second countermeasure list (€95bn, consultation from 8 May)" in text
        assert "CN Rare-earth export licences" in text and "countermeasu re" not in text

    await shoot(app, "dashboard_measures", size, steps)
