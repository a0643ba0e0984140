"""The game screen's start-up: the first paint holds the status line and the first tab's panel
alone; every other panel is mounted after it (when its tab is first shown, or while the player
reads), and a tab key pressed at once still reaches its tab, filled."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.screens.game import TABS, GameScreen
from tradegame.ui.widgets.common import KeyFooter

from .support import make_app, make_match, wait_for_text, wait_until


async def test_only_the_first_panel_is_there_at_the_first_paint(tmp_path: Path) -> None:
    panels_at_first_paint: list[list[str]] = []
    fill = GameScreen._fill_shown_tab

    def spy(self: GameScreen) -> None:  # the first callback after the first refresh
        if not panels_at_first_paint:
            panels_at_first_paint.append(
                sorted(w.id for w in self.query("*") if w.id and w.id.endswith("-panel"))
            )
        fill(self)

    GameScreen._fill_shown_tab = spy  # type: ignore[method-assign]
    try:
        match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
        app = make_app(tmp_path, match)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for_text(pilot, "Your move")
            assert panels_at_first_paint == [["dashboard-panel"]]
            screen = app.screen
            assert isinstance(screen, GameScreen)
            # then the others, while the player reads
            await wait_until(
                pilot,
                lambda: all(screen.panel(tab) is not None for tab in TABS),
                what="every panel mounted",
            )
    finally:
        GameScreen._fill_shown_tab = fill  # type: ignore[method-assign]


async def test_a_tab_key_pressed_at_once_shows_its_tab(tmp_path: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(tmp_path, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("5")  # before the briefing's panel was mounted
        await wait_for_text(pilot, "Objectives (private)")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        assert screen.panel("briefing") is not None
        assert screen.focused is screen.panel("briefing")
        await pilot.press("3", "4", "1")
        await wait_for_text(pilot, "Tariffs in force")


async def test_the_footer_is_rebuilt_only_when_its_keys_change(tmp_path: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(tmp_path, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move")
        footer = app.screen.query_one(KeyFooter)
        await pilot.pause(0.2)
        keys = list(footer.children)
        assert keys
        footer.bindings_changed(app.screen)  # nothing changed: the same key widgets
        await pilot.pause(0.1)
        assert list(footer.children) == keys
