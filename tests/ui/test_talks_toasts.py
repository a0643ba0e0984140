"""A talks toast says what happened in talks to a player who is not looking at them: on the
Talks tab, which shows the offer, there is none (it repeated the status line there and covered
the preview for 8 s), and showing the Talks tab takes a talks toast down. By keys, at 80×24,
with the toasts drawn (``notifications=True``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.tabs import GameTabs
from tradegame.ui.widgets.talks import TermList

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


def _talks_toasts(app: Any) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Talks"]


async def _offer_lng(pilot: Any) -> None:
    """Japan's first move, by keys: More US LNG in the draft, sent."""
    app = pilot.app
    await wait_for_text(pilot, "Your move, Japan")
    terms = app.screen.query_one(TermList)
    steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
    await pilot.press(*(["down"] * steps), "right")
    await wait_for_text(pilot, "if your draft is agreed")
    await pilot.press("s")


async def test_no_talks_toast_over_the_talks_tab(save_dir: Path) -> None:
    # The bargainer counters: Japan answers it on the Talks tab, which shows it.
    match = make_match({"JP": "human", "US": "bargainer", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _offer_lng(pilot)
        await wait_until(
            pilot,
            lambda: game.to_move() == "JP" and game.session is not None and game.session.offer,
            what="the US's counter-offer",
        )
        await wait_for_text(pilot, "US offers 3 terms")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, GameScreen)
        assert screen.query_one(GameTabs).active == "talks"
        assert _talks_toasts(app) == []
        assert "counter-offer" in screen.message  # the status line still says it
        assert "Preview" in screen_text(app)


async def test_a_talks_toast_on_another_tab_goes_when_the_talks_tab_is_shown(
    save_dir: Path,
) -> None:
    # Tit-for-tat accepts: Japan's orders come next, on the Orders tab, with the toast.
    match = make_match({"JP": "human", "US": "tit-for-tat", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await _offer_lng(pilot)
        await wait_until(pilot, lambda: game.phase == "orders", what="the orders")
        await wait_until(pilot, lambda: bool(_talks_toasts(app)), what="the toast")
        assert "US accepts JP's offer" in _talks_toasts(app)[0]
        assert app.screen.query_one(GameTabs).active == "orders"
        await pilot.press("2")
        await wait_until(pilot, lambda: not _talks_toasts(app), what="the toast taken down")
        await pilot.pause(0.2)
        assert not _talks_toasts(app)


async def test_no_toast_of_the_players_own_answer(save_dir: Path) -> None:
    """As the US, rejecting Japan's offer: "US rejects JP's offer." came back as a toast over
    the orders tab for 8 s (the US has talks with the EU too, so its screen is brought up to
    date after the EU's move, off the Talks tab). The status line says it."""
    match = make_match({"US": "human", "JP": "bargainer", "EU": "bargainer"}, seed=2)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_until(
            pilot,
            lambda: game.to_move() == "US" and game.session is not None and game.session.offer,
            what="Japan's offer",
        )
        await wait_for_text(pilot, "a accepts, r rejects")
        await pilot.press("r")
        await wait_until(pilot, lambda: game.phase == "orders", what="the orders")
        await wait_until(pilot, lambda: "US rejects JP's offer." in app.screen.message)
        await pilot.pause(0.5)
        assert not any("US rejects" in m for m in _talks_toasts(app)), _talks_toasts(app)
