"""A toast never covers a dialog at 80×24: the toasts up when a dialog opens wait until it
closes, then show again. By keys, with the toasts drawn (``notifications=True``)."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.screens.dialogs import LoadDialog
from tradegame.ui.screens.game import GameScreen

from .support import (
    make_app,
    make_match,
    play_round_one_passively,
    screen_text,
    wait_for_text,
    wait_until,
)


def _shown(app: object) -> list[str]:
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]


async def test_the_saved_toast_waits_until_the_load_dialog_closes(save_dir: Path) -> None:
    """ctrl+s then ctrl+o: the "Saved to …" toast covered the load dialog's Cancel button."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Saved to" in m for m in _shown(app)), what="Saved")
        await wait_for_text(pilot, "Saved to")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, LoadDialog), what="load dialog")
        await pilot.pause(0.2)
        assert not any("Saved to" in m for m in _shown(app))
        assert "Saved to" not in screen_text(app) and "Cancel" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await wait_until(pilot, lambda: any("Saved to" in m for m in _shown(app)), what="again")
        await wait_for_text(pilot, "Saved to")


async def test_an_earlier_talks_toast_waits_until_the_round_report_closes(save_dir: Path) -> None:
    """The talks line of an exchange earlier in the round (8 s) still covered the round
    report when the orders were given within that time."""
    from tradegame.ui.widgets.talks import TermList

    # Tit-for-tat accepts Japan's offer: the toast comes on the Orders tab, where the turn
    # goes (none over the Talks tab: see test_talks_toasts).
    match = make_match({"JP": "human", "US": "tit-for-tat", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one(TermList)
        steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
        await pilot.press(*(["down"] * steps), "right")
        await wait_for_text(pilot, "if your draft is agreed")
        await pilot.press("s")
        await wait_until(pilot, lambda: game.phase == "orders", what="the orders")
        await wait_for_text(pilot, "give your orders")
        await wait_until(pilot, lambda: bool(_shown(app)), what="a talks toast")
        talks = [n.message for n in app._notifications if n.title == "Talks"]
        assert talks, _shown(app)
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.pause(0.3)
        assert not any(m in talks for m in _shown(app)), "a toast over the report"
        assert "Talks" not in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        await wait_until(pilot, lambda: any(m in talks for m in _shown(app)), what="again")


async def test_an_offer_made_while_the_report_is_open_waits_for_it(save_dir: Path) -> None:
    """As the US in the classroom lesson: the EU's offer of round 2, made while the round 1
    report was open, came as a toast over the report's Continue button."""
    from tradegame.ui.screens.report import RoundReportDialog

    match = make_match(
        {"US": "human", "JP": "passive", "EU": "bargainer"}, seed=4, name="classroom-lesson"
    )
    game = match.game
    app = make_app(save_dir, match)
    app.options.ai_delay = 0.5  # the AI moves after the report is up, as in a real game
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your move, United States")
        await play_round_one_passively(pilot, game, "US")
        await wait_until(pilot, lambda: isinstance(app.screen, RoundReportDialog), what="report")

        def offered() -> bool:
            s = game.session
            return game.round == 2 and s is not None and s.offer is not None

        await wait_until(pilot, offered, what="the EU's offer")
        await pilot.pause(0.3)
        assert isinstance(app.screen, RoundReportDialog)
        assert not any("made an offer" in m for m in _shown(app)), _shown(app)
        assert "made an offer" not in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        # The turn shows the Talks tab, where the offer is: the toast is not shown over it.
        await wait_for_text(pilot, "EU offers")
        await pilot.pause(0.3)
        assert not any("made an offer" in m for m in _shown(app)), _shown(app)
        assert not any(n.title == "Talks" for n in app._notifications)


async def test_a_held_toast_is_seen_for_its_time_in_all(save_dir: Path) -> None:
    """A toast shown again with its whole time after each dialog came back for ever while
    dialogs came and went: a talks line of round 5 was still up on the end screen."""
    import time

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Saved to" in m for m in _shown(app)), what="Saved")
        end = time.monotonic() + 7.0  # the toast's own time is 5 s
        while time.monotonic() < end:
            await pilot.pause(0.8)  # shown
            await pilot.press("ctrl+o")  # held
            await wait_until(pilot, lambda: isinstance(app.screen, LoadDialog), what="load")
            await pilot.press("escape")  # shown again
            await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.pause(0.5)
        assert not any("Saved to" in m for m in _shown(app)), _shown(app)


async def test_toasts_wait_until_the_help_screen_closes(save_dir: Path) -> None:
    """F1 at 80×24: the "Saved to …" toast, and a talks line raised while the help was open,
    covered the help's keys; now they wait until it closes, as for a dialog."""
    from tradegame.ui.screens.help import HelpScreen

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("Saved to" in m for m in _shown(app)), what="Saved")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        app.notify_after_dialogs("US made an offer", title="Talks")  # as the game screen does
        await pilot.pause(0.2)
        assert not _shown(app), _shown(app)
        assert "Saved to" not in screen_text(app) and "made an offer" not in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")

        def both() -> bool:
            shown = _shown(app)
            return "US made an offer" in shown and any("Saved to" in m for m in shown)

        await wait_until(pilot, both, what="both toasts again")
