"""The dashboard's tariff table at 80×24: every rate in full (a sector's name may be
shortened, a rate never: "14.85%" and "148.3%" showed as "14.8…" and "148.…")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradegame.session.text import pct

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


@pytest.mark.parametrize("name", ["april-2025", "with-china"])
async def test_every_rate_of_the_tariff_table_shows_in_full_at_80x24(
    save_dir: Path, name: str
) -> None:
    seats = {"JP": "human", "US": "passive", "EU": "passive", "CN": "passive"}
    match = make_match({p: seats[p] for p in make_match({}, name=name).rules.player_ids}, 1, name)
    app = make_app(save_dir, match)
    cells: dict[str, dict[str, str]] = {}
    sectors: list[str] = []
    for t in match.game.view("JP").to_json()["tariffs"]:
        cells.setdefault(f"{t['importer']}→{t['exporter']}", {})[t["sector"]] = pct(t["rate"])
        sectors += [t["sector"]] if t["sector"] not in sectors else []
    rows = {row: [got.get(s, "·") for s in sectors] for row, got in cells.items()}
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("1")
        await wait_for_text(pilot, "Market stress")
        for _ in range(12):  # down the dashboard until the table's rows are on screen
            if all(f" {row} " in screen_text(app) for row in rows):
                break
            await pilot.press("pagedown")
            await pilot.pause()
        await wait_until(
            pilot, lambda: all(f" {row} " in screen_text(app) for row in rows), what="the rows"
        )
        lines = {line.split()[0]: line for line in screen_text(app).splitlines() if "→" in line}
        for row, rates in rows.items():
            line = lines[row]
            assert "…" not in line, line
            shown = line.split()[1 : 1 + len(rates)]  # (a scroll bar may follow)
            assert [c.rstrip("*") for c in shown] == rates, line
