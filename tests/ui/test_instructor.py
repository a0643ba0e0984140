"""Instructor mode (``tradegame play --instructor``): the instructor tab shows every player's
private data; injects, rollback and an early end work from the keyboard and are logged."""

from __future__ import annotations

from pathlib import Path

from tradegame.agents.base import passive_move
from tradegame.engine import Game
from tradegame.saves import load_game
from tradegame.ui.instructor import round_starts
from tradegame.ui.screens.end import EndScreen
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.instructor import InstructorPanel

from .support import make_app, make_match, screen_text, wait_for_text, wait_until

CONFIDENTIAL = ("United States — confidential", "Japan — confidential",
                "European Union — confidential")


def played_rounds(seats: dict[str, str], rounds: int, seed: int = 3) -> tuple:
    """A match whose first ``rounds`` rounds were played with passive moves, and the number
    of actions before each round's first action."""
    match = make_match(seats, seed=seed)
    game = match.game
    starts = [0]
    while len(game.round_hashes) < rounds:
        before = len(game.round_hashes)
        mover = game.to_move()
        assert mover is not None
        game.apply(passive_move(game, mover))
        if len(game.round_hashes) != before:
            starts.append(len(game.actions))
    return match, starts


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_instructor_sees_every_confidential_briefing(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("6")
        await pilot.pause()
        panel = app.screen.query_one(InstructorPanel)
        for heading in CONFIDENTIAL:
            assert heading in panel.source
        assert "Win-set" in panel.source or "win-set" in panel.source
        await wait_for_text(pilot, "Instructor view")
        # the screen shows the briefings: scroll through the tab and collect the text
        seen = ""
        for _ in range(60):
            seen += flat(screen_text(app))
            if all(h in seen for h in CONFIDENTIAL):
                break
            await pilot.press("pagedown")
            await pilot.pause()
        assert all(h in seen for h in CONFIDENTIAL), seen[-2000:]


async def test_inject_is_logged_changes_state_and_is_saved(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        game = app.match.game
        stress = game.view(None).to_json()["market_stress"]
        await pilot.press("i")
        await wait_until(pilot, lambda: app.screen.id == "inject-dialog", what="inject list")
        await pilot.press("enter")  # the first inject: pharma_232 (+4 market stress)
        await wait_until(pilot, lambda: any(a.kind == "inject" for a in game.actions),
                         what="inject fired")
        assert game.view(None).to_json()["market_stress"] > stress
        assert game.layer_status["us_pharma_232"] == "in_force"
        assert any("Instructor inject" in e.text for e in game.log)
        await pilot.press("4")
        await wait_for_text(pilot, "Instructor inject")
        assert any("inject pharma_232" in line for line in app.match.instructor_log)
        app.screen.tg_app._save(str(save_dir / "inj.json"), app.match, app.match.snapshot())
        await app.workers.wait_for_complete()
        loaded = load_game(save_dir / "inj.json")
        assert [str(a) for a in loaded.game.actions if a.kind == "inject"] == \
            ["! inject pharma_232"]


async def test_rollback_restores_the_round_state(save_dir: Path) -> None:
    match, starts = played_rounds({"JP": "human", "US": "passive", "EU": "passive"}, 2)
    rules, seed = match.rules, match.seed
    actions = list(match.game.actions)
    assert round_starts(match)[:3] == starts[:3]
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        # roll back to round 2: the dialog lists the newest round first
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.id == "rollback-dialog", what="rounds")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.screen.id == "confirm-rollback", what="confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.match is not match, what="rolled back")
        expected = Game.replay(rules, seed, actions[:starts[1]])
        assert app.match.game.state_hash() == expected.state_hash()
        assert app.match.game.round == 2
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        assert app.screen.paused
        # and to round 1: the state of a new game
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.id == "rollback-dialog", what="rounds")
        await pilot.press("end", "enter")
        await wait_until(pilot, lambda: app.screen.id == "confirm-rollback", what="confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.match.game.round == 1 and not app.match.game.actions,
                         what="round 1")
        assert app.match.game.state_hash() == Game.replay(rules, seed, []).state_hash()
        assert sum("rolled back" in line for line in app.match.instructor_log) == 2
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("6", "end")
        await wait_for_text(pilot, "rolled back to the start of round 1")


async def test_pause_stops_ai_and_end_early_shows_results(save_dir: Path) -> None:
    match = make_match({"JP": "passive", "US": "passive", "EU": "passive"}, seed=2)
    app = make_app(save_dir, match, instructor=True)
    app.options.spectate_delay = 1.0
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("space")
        await pilot.pause()
        assert app.screen.paused
        moves = len(match.game.actions)
        await pilot.pause(0.3)
        assert len(match.game.actions) == moves
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: app.screen.id == "confirm-end", what="confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, EndScreen), what="end screen")
        assert match.game.is_over()
        assert any("ended the game early" in line for line in match.instructor_log)
