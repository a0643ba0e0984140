"""The game screen's start-up: the first paint holds the status line, the tab titles and the
keys, no panel (the turn shows the talks tab at once: the dashboard's, blank in that frame, was
6% of the instructions to it); every panel is mounted after it (the shown tab's, when its tab is
first shown, or while the player reads), and a tab key pressed at once still reaches its tab,
filled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tradegame.ui.screens.game import TABS, GameScreen
from tradegame.ui.widgets.tabs import GameTabs

from .support import make_app, make_match, wait_for_text, wait_until


async def test_no_panel_is_there_at_the_first_paint(tmp_path: Path) -> None:
    panels_at_first_paint: list[list[str]] = []
    advance = GameScreen.advance

    def spy(self: GameScreen) -> None:  # the turn: the first callback after the first paint
        if not panels_at_first_paint:
            panels_at_first_paint.append(
                sorted(w.id for w in self.query("*") if w.id and w.id.endswith("-panel"))
            )
        advance(self)

    GameScreen.advance = spy  # type: ignore[method-assign]
    try:
        match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
        app = make_app(tmp_path, match)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for_text(pilot, "Your move")
            assert panels_at_first_paint == [[]]
            screen = app.screen
            assert isinstance(screen, GameScreen)
            # the turn's tab first, then the others while the player reads
            await wait_for_text(pilot, "Your draft")
            await wait_until(
                pilot,
                lambda: all(screen.panel(tab) is not None for tab in TABS),
                what="every panel mounted",
            )
    finally:
        GameScreen.advance = advance  # type: ignore[method-assign]


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


def test_kept_lines_draw_exactly_what_the_renderable_draws() -> None:
    """RenderedLines is only a cache: the same segments, line for line, at every width (a
    Markdown briefing with a table and headings, and a Rich table), drawn once per width."""
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.table import Table

    from tradegame.ui.widgets.common import RenderedLines

    table = Table("objective", "weight")
    table.add_row("Tariff faced on autos, a long label that wraps", "0.4")
    source = "# Japan — your briefing\n\n| a | b |\n|---|--:|\n| x | 1 |\n\n" + "word " * 80
    console = Console(width=120, force_terminal=True, color_system="truecolor")
    for renderable in (Markdown(source, hyperlinks=False), table):
        kept = RenderedLines(renderable)
        for width in (20, 57, 80, 118):
            options = console.options.update_width(width).update(highlight=False)
            want = console.render_lines(renderable, options, pad=False)
            assert console.render_lines(kept, options, pad=False) == want
            assert console.render_lines(kept, options, pad=False) == want  # from the cache
        assert len(kept._lines) <= RenderedLines.MAX_WIDTHS


async def test_the_briefing_is_drawn_before_its_tab_is_shown(tmp_path: Path) -> None:
    """While the player reads, the hidden briefing is updated and drawn at the width its tab
    shows it at: pressing 5 then draws no Markdown (its first view was the slowest key)."""
    from rich.markdown import Markdown

    from tradegame.ui.widgets.common import RenderedLines
    from tradegame.ui.widgets.logbook import BriefingPanel

    drawn: list[int | None] = []
    lines = RenderedLines.lines

    def spy(self: RenderedLines, console: Any, options: Any) -> Any:
        if isinstance(self.renderable, Markdown) and self._key(options) not in self._lines:
            drawn.append(options.max_width)
        return lines(self, console, options)

    RenderedLines.lines = spy  # type: ignore[method-assign]
    try:
        for size in ((100, 30), (80, 24)):
            match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
            app = make_app(tmp_path, match)
            async with app.run_test(size=size) as pilot:
                await wait_for_text(pilot, "Your move")
                screen = app.screen
                assert isinstance(screen, GameScreen)
                await wait_until(pilot, lambda: bool(drawn), what="the briefing drawn")
                panel = screen.panel("briefing")
                assert isinstance(panel, BriefingPanel)
                assert screen.query_one(GameTabs).active != "briefing"
                drawn.clear()
                await pilot.press("5")
                await wait_for_text(pilot, "Objectives (private)")
                await pilot.pause(0.1)
                assert drawn == [], f"drawn again when shown at {size}"
    finally:
        RenderedLines.lines = lines  # type: ignore[method-assign]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_hidden_log_is_brought_up_to_date_before_its_tab_is_shown(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """New log entries are written while the log tab is hidden (a moment after the view
    changed): pressing 4 then writes nothing. Written when shown, the log was repainted twice
    (the new lines, then scrolled to them): 70-120 ms, the slowest key of a game. The lines
    written while hidden are wrapped at the width the tab shows them at (a hidden panel has
    no width: RichLog then wrapped at 78 columns, half the width at 160)."""
    from tradegame.ui.widgets.logbook import LogPanel

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(tmp_path, match)
    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "Your move")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        await pilot.press("4")
        await wait_for_text(pilot, "Round 1")
        panel = screen.panel("log")
        assert isinstance(panel, LogPanel)
        shown = len(panel.lines)
        await pilot.press("2", "p")  # pass: the talks' result goes to the log
        tabs = screen.query_one(GameTabs)
        await wait_until(  # the AI seats have moved: the game waits for the player
            pilot,
            lambda: screen.is_my_turn() and len(panel.lines) > shown and "log" not in screen._dirty,
            what="the hidden log written",
        )
        assert tabs.active != "log"
        written: list[int] = []
        update = LogPanel.update_frame

        def spy(self: LogPanel, frame: Any) -> None:
            written.append(len(frame.view.get("log", [])))
            update(self, frame)

        LogPanel.update_frame = spy  # type: ignore[method-assign]
        try:
            await pilot.press("4")
            await pilot.pause(0.1)
            assert tabs.active == "log"
            assert written == []
            place = panel.scrollable_content_region.width
            widths = [line.cell_length for line in panel.lines]
            assert max(widths) <= place and max(widths) > place - 12  # wrapped at the place
        finally:
            LogPanel.update_frame = update  # type: ignore[method-assign]


async def test_log_lines_fit_their_place_at_80_columns() -> None:
    """RichLog draws every line at least 78 columns wide by default; at 80 columns the text's
    place is 76 (the padding and the scroll bar), so the end of each wrapped line was cut:
    "(all-" for "(all-in", "ceili" for "ceiling" (seen in tmux at 80×24, also before this
    session's changes). Short and long logs alike."""
    from textual.app import App, ComposeResult

    from tradegame.session.match import Match, load_scenario
    from tradegame.session.text import Names
    from tradegame.ui.widgets.common import Frame
    from tradegame.ui.widgets.logbook import LogPanel

    sc = load_scenario("april-2025")
    match = Match(sc.rules, 3, {p: "random" for p in sc.rules.player_ids})
    frames = []
    while not match.game.is_over():
        match.apply_ai(match.think(match.snapshot(), match.game.to_move()))
        view = match.view_json("JP")
        frames.append(Frame(view=view, viewer="JP", names=Names(view)))

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield LogPanel()

    app = Bench()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LogPanel)
        short = next(f for f in frames if 3 <= len(f.view["log"]) <= 6)
        panel.update_frame(short)
        await pilot.pause()
        assert (
            max(line.cell_length for line in panel.lines) <= panel.scrollable_content_region.width
        )
        panel.update_frame(frames[-1])  # a whole game
        await pilot.pause()
        await pilot.pause()
        width = panel.scrollable_content_region.width
        assert max(line.cell_length for line in panel.lines) <= width


async def test_the_dashboard_is_redrawn_only_when_what_it_shows_changed(tmp_path: Path) -> None:
    """Staging an order makes a new frame with the same view: showing the dashboard then keeps
    what it drew; a new view (a move played) redraws it."""
    from textual.widgets import Static

    from tradegame.ui.widgets.dashboard import Dashboard

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(tmp_path, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move")
        await pilot.press("1")
        await wait_for_text(pilot, "Tariffs in force")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        dashboard = screen.query_one(Dashboard)
        drawn: list[str] = []
        update = Static.update

        def spy(self: Static, *args: Any, **kwargs: Any) -> None:
            if self.id and self.id.startswith("dash-"):
                drawn.append(self.id)
            update(self, *args, **kwargs)

        Static.update = spy  # type: ignore[method-assign]
        try:
            frame = screen.build_frame()
            dashboard.update_frame(frame)
            dashboard.update_frame(screen.build_frame())  # a new frame, the same view
            assert drawn == []
            assert frame.view is not screen.build_frame().view
            changed = screen.build_frame()
            changed.view = {**changed.view, "round": int(changed.view["round"]) + 1}
            dashboard.update_frame(changed)
            assert sorted(drawn) == ["dash-left", "dash-right"]  # its two columns
        finally:
            Static.update = update  # type: ignore[method-assign]
