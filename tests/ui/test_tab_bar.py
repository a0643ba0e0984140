"""The game's tab bar (one widget, ``ui/widgets/tabs.py``) draws what Textual's tabs drew, in
the same colours, and works as they did: a click on a title, or ←/→ while the bar has the
focus, shows that tab (its panel mounted if it was not yet)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TabbedContent, TabPane

from tradegame.ui.screens.game import TAB_TITLES, TABS, GameScreen
from tradegame.ui.widgets.tabs import GameTabs, TabBar

from .support import make_app, make_match, wait_for_text, wait_until

TITLES = [(tab, f"{n} {TAB_TITLES[tab]}") for n, tab in enumerate(TABS, 1)]


class Textuals(App[None]):
    def compose(self) -> ComposeResult:
        with TabbedContent(initial=TABS[0]):
            for tab, title in TITLES:
                yield TabPane(title, id=tab)


class Ours(App[None]):
    def compose(self) -> ComposeResult:
        yield GameTabs(TITLES, TABS[0])


def top_cells(app: App[None], rows: int = 2) -> list[list[tuple[object, ...]]]:
    """The first ``rows`` lines of the screen as a player sees each cell: its character, its
    background, and for a visible character its colour and weight (a space shows no colour)."""
    console = Console(width=app.size[0], file=io.StringIO(), color_system="truecolor")
    update = app.screen._compositor.render_update(full=True, simplify=True)
    lines: list[list[tuple[object, ...]]] = [[]]
    for segment in console.render(update):
        if segment.control:
            continue
        style = segment.style or Style()
        for char in segment.text:
            if char == "\n":
                lines.append([])
                continue
            ink = (style.color, style.bold, style.dim, style.italic) if char != " " else None
            lines[-1].append((char, style.bgcolor, style.reverse, ink))
    return [line for line in lines if line][:rows]


async def drawn_bars(app: App[None], focused: bool) -> list[object]:
    """The bar as drawn with each tab active in turn (focused or not)."""
    app.animation_level = "none"  # as the game's: the underline does not slide
    out: list[object] = []
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause(0.1)
        tabs = app.query_one(GameTabs if isinstance(app, Ours) else TabbedContent)
        bar = app.query_one(TabBar if isinstance(app, Ours) else "ContentTabs")
        for tab in (*TABS[1:], TABS[0]):
            tabs.active = tab
            app.set_focus(bar if focused else None)
            await pilot.pause(0.1)
            out.append((tab, top_cells(app)))
    return out


@pytest.mark.parametrize("focused", [True, False])
async def test_the_bar_looks_like_textuals_tabs(focused: bool) -> None:
    assert await drawn_bars(Ours(), focused) == await drawn_bars(Textuals(), focused)


async def test_a_click_on_a_title_shows_its_tab(tmp_path: Path) -> None:
    app = make_app(tmp_path, make_match({"JP": "human", "US": "passive", "EU": "passive"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        bar = screen.query_one(TabBar)
        spans = {tab: (start, end) for tab, start, end in bar.spans()}
        for tab, words in (("log", "Round 1"), ("dashboard", "Tariffs in force")):
            await pilot.click(TabBar, offset=(spans[tab][0] + 2, 0))
            await wait_for_text(pilot, words)
            assert screen.query_one(GameTabs).active == tab
            assert app.focused is bar
        # the underline is part of the bar: a click under "5 Briefing" shows the briefing
        await pilot.click(TabBar, offset=(spans["briefing"][1] - 2, 1))
        await wait_for_text(pilot, "Objectives (private)")
        assert screen.query_one(GameTabs).active == "briefing"


async def test_left_and_right_on_the_focused_bar_move_between_tabs(tmp_path: Path) -> None:
    app = make_app(tmp_path, make_match({"JP": "human", "US": "passive", "EU": "passive"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        tabs = screen.query_one(GameTabs)
        assert tabs.active == "talks"
        app.set_focus(screen.query_one(TabBar))
        await pilot.press("right")
        await wait_for_text(pilot, "Orders come after the talks")
        assert tabs.active == "orders"
        await pilot.press("left", "left", "left")
        await wait_for_text(pilot, "Objectives (private)")  # wrapped round to the last
        assert tabs.active == "briefing"
        shown = [w for w in tabs.children if w.display and w is not tabs.bar]
        assert [w.id for w in shown] == ["briefing-panel"]
        for _ in range(2):  # typed at once: each moves on from the one before
            app.post_message(events.Key("left", None))
        await wait_for_text(pilot, "Orders come after the talks")
        await pilot.pause(0.2)
        assert tabs.active == "orders"


async def test_the_tabs_are_two_widgets_besides_the_panels(tmp_path: Path) -> None:
    """Textual's TabbedContent was 17 widgets for five tabs before the first frame."""
    app = make_app(tmp_path, make_match({"JP": "human", "US": "passive", "EU": "passive"}))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, GameScreen)
        await wait_until(
            pilot, lambda: all(screen.panel(t) is not None for t in TABS), what="every panel"
        )
        tabs = screen.query_one(GameTabs)
        assert [type(w).__name__ for w in tabs.children[:1]] == ["TabBar"]
        assert sorted(w.id or "" for w in tabs.children[1:]) == sorted(f"{t}-panel" for t in TABS)
        assert not list(tabs.bar.walk_children())
