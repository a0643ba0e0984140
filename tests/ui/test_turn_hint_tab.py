"""The turn hint in the status line names the tab to go to only from another tab: on the talks
tab it said "build an offer (tab 2)", on the orders tab "give your orders (tab 3)". By keys,
at 80×24."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.app import TradeGameApp
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.tabs import GameTabs

from .support import make_app, make_match, screen_text, wait_for_words, wait_until


def _status(app: TradeGameApp) -> str:
    """The status lines' words, as on the screen (the three lines under the title)."""
    assert isinstance(app.screen, GameScreen)
    return " ".join(" ".join(screen_text(app).splitlines()[1:4]).split())


async def test_the_turn_hint_names_a_tab_only_from_another_tab(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_words(pilot, "Your move, Japan: open the talks with US")
        await wait_until(
            pilot, lambda: app.screen.query_one(GameTabs).active == "talks", what="talks tab"
        )
        await pilot.pause()
        assert "build an offer or pass (p)." in _status(app)
        assert "(tab 2)" not in _status(app)

        await pilot.press("1")  # the dashboard: the hint says where to build the offer
        await wait_until(pilot, lambda: "build an offer (tab 2)" in _status(app), what="tab 2")
        await pilot.press("2")
        await wait_until(pilot, lambda: "(tab 2)" not in _status(app), what="no tab 2")
        assert "build an offer or pass (p)." in _status(app)

        await pilot.press("p")  # orders next, on the orders tab
        await wait_until(pilot, lambda: game.phase == "orders" and game.to_move() == "JP")
        await wait_for_words(pilot, "Your move, Japan: give your orders")
        await wait_until(
            pilot, lambda: app.screen.query_one(GameTabs).active == "orders", what="orders tab"
        )
        await pilot.pause()
        assert "give your orders, then Done (ctrl+d)." in _status(app)
        await pilot.press("4")
        await wait_until(
            pilot,
            lambda: "give your orders (tab 3), then Done (ctrl+d)." in _status(app),
            what="tab 3 from the log",
        )
