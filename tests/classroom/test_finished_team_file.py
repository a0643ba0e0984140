"""A finished team file opened again (the teacher looking at a team's game after class) goes
straight to the results: it used to show every human seat's curtain and last-round report
first (eight dialogs for china-lesson's four students)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.support import wait_until
from tradegame.agents.base import play_match
from tradegame.commands.play import load_save
from tradegame.saves import save_game
from tradegame.scenario import load_rules
from tradegame.scenario.loader import load_scenario_text
from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.curtain import CurtainScreen
from tradegame.ui.screens.end import EndScreen

SCENARIO = "china-lesson"


async def test_a_finished_hot_seat_file_opens_on_its_results(tmp_path: Path) -> None:
    rules = load_rules(SCENARIO)
    game = play_match(rules, 3, dict.fromkeys(rules.player_ids, "passive"))
    assert game.is_over()
    text, _ = load_scenario_text(SCENARIO)
    save = tmp_path / "team-01.json"
    seats = dict.fromkeys(rules.player_ids, "human")
    save_game(save, game, seats, scenario_text=text, scenario_name=SCENARIO)
    app = TradeGameApp(Options(match=load_save(str(save), []), ai_delay=0.0, spectate_delay=0.0))
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        seen: list[str] = []

        def at_results() -> bool:
            seen.append(type(app.screen).__name__)
            return isinstance(app.screen, EndScreen)

        await wait_until(pilot, at_results, what="the results")
        assert CurtainScreen.__name__ not in seen and "RoundReportDialog" not in seen, seen
