"""The round reports in the log tab wrap each bullet's words under themselves, as the report's
dialog does: at 80 columns a news item's second line began at the left edge, under the
bullets. By keys, at 80×24."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.logbook import LogPanel

from .support import (
    make_app,
    make_match,
    play_round_one_passively,
    report_text,
    wait_for_text,
    wait_until,
)


def _log_lines(app: object) -> list[str]:
    panel = app.screen.query_one(LogPanel)  # type: ignore[attr-defined]
    return [strip.text for strip in panel.lines]


async def test_the_logs_report_bullets_wrap_under_their_words(save_dir: Path) -> None:
    # Seed 3: Hungary's vote against the countermeasures is news in round 1's report.
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await play_round_one_passively(pilot, game, "JP")
        await wait_until(pilot, lambda: report_text(app) is not None, what="the report")
        report = report_text(app) or ""
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await pilot.press("4")
        await wait_until(pilot, lambda: any("•" in line for line in _log_lines(app)), what="log")
        lines = [line.rstrip() for line in _log_lines(app)]
        long_bullets = [b for b in report.split("\n") if b.startswith("  • ") and len(b) > 80]
        assert long_bullets, report
        for bullet in long_bullets:
            start = bullet.strip()
            first = next(
                n for n, line in enumerate(lines) if line and start.startswith(line.strip())
            )
            after = lines[first + 1]
            assert after.startswith(" " * 4), f"under the bullets:\n{lines[first]}\n{after}"
            assert after.strip() in bullet
