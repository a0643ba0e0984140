"""Instructor mode (``tradegame play --instructor``): the instructor tab shows every player's
private data; injects, rollback and an early end work from the keyboard and are logged."""

from __future__ import annotations

from pathlib import Path

from tradegame.agents.base import passive_move
from tradegame.engine import Game, News
from tradegame.saves import load_game
from tradegame.session.instructor import round_starts
from tradegame.ui.screens.end import EndScreen
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.screens.instructor import NewsDialog
from tradegame.ui.widgets.instructor import InstructorPanel

from .support import (
    close_reports_until_end,
    make_app,
    make_match,
    screen_text,
    wait_for_text,
    wait_until,
)

CONFIDENTIAL = (
    "United States — confidential",
    "Japan — confidential",
    "European Union — confidential",
)


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


def rollback_news(round_no: int) -> News:
    return News("!", f"The instructor rolled the game back to the start of round {round_no}.")


END_NEWS = News("!", "The instructor ended the game early; everyone passes from here.")


def stress_of(game: Game) -> float:
    return game.view(None).to_json()["market_stress"]


async def type_keys(pilot, text: str) -> None:
    """Type ``text`` key by key into the focused widget."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


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
        await wait_until(
            pilot, lambda: any(a.kind == "inject" for a in game.actions), what="inject fired"
        )
        assert game.view(None).to_json()["market_stress"] > stress
        assert game.layer_status["us_pharma_232"] == "in_force"
        assert any("Instructor inject" in e.text for e in game.log)
        await pilot.press("4")
        await wait_for_text(pilot, "Instructor inject")
        assert any("inject pharma_232" in line for line in app.match.instructor_log)
        app.screen.tg_app._save(str(save_dir / "inj.json"), app.match, app.match.snapshot())
        await app.workers.wait_for_complete()
        loaded = load_game(save_dir / "inj.json")
        assert [str(a) for a in loaded.game.actions if a.kind == "inject"] == [
            "! inject pharma_232"
        ]


async def test_rollback_restores_the_round_state(save_dir: Path) -> None:
    match, starts = played_rounds({"JP": "human", "US": "passive", "EU": "passive"}, 2)
    rules, seed = match.rules, match.seed
    actions = list(match.game.actions)
    assert round_starts(match)[:3] == starts[:3]
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        # roll back to round 2: the dialog lists the newest round first (round 3's start is
        # listed once a move has been made in it)
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.id == "rollback-dialog", what="rounds")
        ids = [key for key, _ in app.screen.options]
        await pilot.press(*["down"] * ids.index("2"), "enter")
        await wait_until(pilot, lambda: app.screen.id == "confirm-rollback", what="confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.match is not match, what="rolled back")
        # the rolled-back game is the replay of round 1, then the instructor's news about it
        expected = Game.replay(rules, seed, [*actions[: starts[1]], rollback_news(2)])
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
        await wait_until(
            pilot,
            lambda: app.match.game.round == 1 and app.match.game.actions == [rollback_news(1)],
            what="round 1",
        )
        assert (
            app.match.game.state_hash() == Game.replay(rules, seed, [rollback_news(1)]).state_hash()
        )
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
        await close_reports_until_end(pilot)  # the last round's report, then the results
        assert isinstance(app.screen, EndScreen)
        assert match.game.is_over()
        assert any("ended the game early" in line for line in match.instructor_log)


async def test_typed_news_with_effects_is_logged_and_shifts_stress(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        game = app.match.game
        await pilot.press("w")
        await wait_until(pilot, lambda: app.screen.id == "news-dialog", what="news dialog")
        await type_keys(pilot, "Bond yields jump after the auction")
        await pilot.press("tab")
        await type_keys(pilot, "stress=15")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any(a.kind == "news" for a in game.actions), what="news published"
        )
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="dialog closed")
        k = next(i for i, a in enumerate(game.actions) if a.kind == "news")
        news = game.actions[k]
        assert news == News("!", "Bond yields jump after the auction", ("stress=15",))
        before = Game.replay(match.rules, match.seed, game.actions[:k])
        after = Game.replay(match.rules, match.seed, game.actions[: k + 1])
        assert stress_of(after) == stress_of(before) + 15
        assert any(
            e.text == "Instructor news: Bond yields jump after the auction" for e in game.log
        )
        assert any("news published: Bond yields jump" in line for line in app.match.instructor_log)
        await pilot.press("4")
        await wait_for_text(pilot, "Instructor news: Bond yields jump")


async def test_news_with_a_bad_effect_shows_an_error_and_changes_nothing(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        game = app.match.game
        await pilot.press("w")
        await wait_until(pilot, lambda: app.screen.id == "news-dialog", what="news dialog")
        dialog = app.screen
        assert isinstance(dialog, NewsDialog)
        actions, stress, log = list(game.actions), stress_of(game), len(game.log)

        def error_text() -> str:
            return str(dialog.query_one("#news-error").render())

        await type_keys(pilot, "Markets wobble")
        await pilot.press("tab")
        await type_keys(pilot, "stress=lots")  # not a number: InvalidActionError
        await pilot.press("enter")
        await wait_until(pilot, lambda: "stress" in error_text(), what="parse error")
        assert "Traceback" not in error_text() and "\n" not in error_text().strip()
        assert app.screen is dialog
        await pilot.press(*["backspace"] * len("stress=lots"))
        await type_keys(pilot, "approval:XX=-3")  # no such player: IllegalActionError
        await pilot.press("enter")
        await wait_until(pilot, lambda: "XX" in error_text(), what="player error")
        assert "unknown player" in error_text()
        assert app.screen is dialog
        assert game.actions == actions and stress_of(game) == stress and len(game.log) == log
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="cancelled")
        assert not any(a.kind == "news" for a in game.actions)
        assert not any("Instructor news" in e.text for e in game.log)


def _kept(label: str) -> tuple[int, int]:
    """(actions kept, actions in all) in a roll-back choice's words."""
    kept, _, total = label.partition("(")[2].partition(" actions kept")[0].partition(" of ")
    return int(kept), int(total)


async def test_rollback_offers_only_a_start_that_undoes_something(save_dir: Path) -> None:
    """In round 1 before any move the dialog offered "Start of round 1 (0 of 0 actions
    kept)"; the start of a round with no move yet is no choice either."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    game = match.game
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        assert game.actions == []  # Japan opens the game
        await pilot.press("b")
        await wait_for_text(pilot, "Nothing to roll back yet.")
        assert isinstance(app.screen, GameScreen)
        await pilot.press("1", "space")  # AI play paused (from the dashboard: see the footer)
        await wait_until(pilot, lambda: app.screen.paused, what="paused")
        await pilot.press("p")  # Japan passes: there is a move to undo
        await wait_until(pilot, lambda: len(game.actions) > 0, what="a move")
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.id == "rollback-dialog", what="rounds")
        options = list(app.screen.options)
        total = len(game.actions)
        assert options[-1][1] == f"Start of round 1 (0 of {total} actions kept)"
        assert all(kept < of == total for kept, of in (_kept(label) for _, label in options))
        await pilot.press("escape")
        # Round 2 before its first move (paused, one AI move at a time to get there): its
        # start undoes nothing.
        while game.round == 1:
            await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
            before = len(game.actions)
            if game.to_move() != "JP":
                await pilot.press("n")
            elif game.phase == "talks":
                await pilot.press("p")
            else:
                await pilot.press("ctrl+d")
                await wait_for_text(pilot, "send these orders?")
                await pilot.press("enter")
            await wait_until(pilot, lambda n=before: len(game.actions) > n, what="a move")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="report")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        assert round_starts(match)[-1] == len(game.actions)  # nobody moved in round 2
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.id == "rollback-dialog", what="rounds")
        assert [key for key, _ in app.screen.options] == ["1"]


async def test_rollback_and_end_early_news_are_in_the_log_and_the_save(save_dir: Path) -> None:
    match, _ = played_rounds({"JP": "human", "US": "passive", "EU": "passive"}, 1)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.id == "rollback-dialog", what="rounds")
        await pilot.press("end", "enter")  # round 1
        await wait_until(pilot, lambda: app.screen.id == "confirm-rollback", what="confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.match is not match, what="rolled back")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        rolled = app.match
        text = "Instructor news: The instructor rolled the game back to the start of round 1."
        assert rolled.game.actions[-1] == rollback_news(1)
        assert any(e.text == text for e in rolled.game.log)
        assert any("rolled back to the start of round 1" in line for line in rolled.instructor_log)
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: app.screen.id == "confirm-end", what="confirm")
        await pilot.press("y")
        await close_reports_until_end(pilot)  # the last round's report, then the results
        assert isinstance(app.screen, EndScreen)
        game = rolled.game
        assert game.is_over()
        assert END_NEWS in game.actions
        assert game.actions.index(END_NEWS) > game.actions.index(rollback_news(1))
        ended = "Instructor news: The instructor ended the game early; everyone passes from here."
        assert any(e.text == ended for e in game.log)
        assert any("ended the game early" in line for line in rolled.instructor_log)
        app._save(str(save_dir / "news.json"), rolled, rolled.snapshot())
        await app.workers.wait_for_complete()
        loaded = load_game(save_dir / "news.json")
        assert [a for a in loaded.game.actions if a.kind == "news"] == [rollback_news(1), END_NEWS]
        assert {text, ended} <= {e.text for e in loaded.game.log}
        assert loaded.game.state_hash() == game.state_hash()


async def test_the_teachers_keys_are_all_in_the_footer_at_80x24(save_dir: Path) -> None:
    """After the player's keys, the instructor's were cut at 80 columns ("n Step  i▏"): inject,
    write news, roll back and end game were out of sight. They have a line of their own, in
    full on every tab, and a click on one runs it."""
    from tradegame.ui.widgets.keys import KeyFooter

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    teacher = ["n Step", "i Inject", "w Write news", "b Roll back", "^e End game"]
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        for tab in ("2", "3", "1", "4", "5", "6"):
            await pilot.press(tab)
            await pilot.pause(0.2)
            last = screen_text(app).splitlines()[-1]
            for words in teacher:
                assert words in last, (tab, last)
            if tab != "2":  # the talks list takes space (in/out) while it has the focus
                assert "space Pause/run" in last, (tab, last)
            above = screen_text(app).splitlines()[-2]
            assert "f1 Help" in above and "^p palette" in above, (tab, above)
        footer = app.screen.query_one(KeyFooter)
        line, start, _, _ = next(s for s in footer._spans if s[3].key == "b")
        assert line == 1
        await pilot.click(KeyFooter, offset=(start + 1, line))
        await wait_for_text(pilot, "Nothing to roll back yet.")  # no move made yet


async def test_each_inject_wraps_under_itself_at_80x24(save_dir: Path) -> None:
    """The inject list at 80×24: an inject's second line began at the dialog's edge, where
    the next inject begins, so the list read as one text. Each has a bullet now, and its
    second line is indented under its text."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("i")
        await wait_for_text(pilot, "Fire an inject")
        await pilot.pause(0.2)
        rows = [line.strip().strip("█").rstrip() for line in screen_text(app).splitlines()]
        first = next(n for n, row in enumerate(rows) if "Pharma Section 232" in row)
        assert rows[first].startswith(" • Pharma Section 232"), rows[first]
        assert rows[first + 1].startswith("   ") and rows[first + 1].strip(), rows[first + 1]


async def test_a_toast_leaves_the_instructors_two_footer_lines_in_sight(save_dir: Path) -> None:
    """A toast stood on the footer's last line but one: over the instructor's first footer
    line (the player's keys and the palette's)."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        app.notify("A toast about the game", title="Talks", timeout=30)
        await wait_for_text(pilot, "A toast about the game")
        lines = screen_text(app).splitlines()
        assert "^p palette" in lines[-2] and "f1 Help" in lines[-2], lines[-2]
        assert "i Inject" in lines[-1], lines[-1]
