"""The header's title watcher when the header is being removed (CI saw it end the app)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tradegame.ui.widgets.keys import TitleHeader


class _HeaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TitleHeader()


async def test_a_title_set_while_the_header_is_being_removed_is_no_error() -> None:
    """A screen's children are removed before its header is unmounted; a title set in
    between (a game begun as the new-game screen closes) made Textual's Header watcher raise
    NoMatches ('HeaderTitle' on TitleHeader), which ended the app with a traceback."""
    app = _HeaderApp()
    async with app.run_test(size=(60, 5)) as pilot:
        header = app.query_one(TitleHeader)
        await header.query_one("HeaderTitle").remove()
        app.title = "a game begun"
        app.sub_title = "as its screen closes"
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
    assert app._exception is None  # run_test re-raises it too


async def test_the_title_still_follows_the_app() -> None:
    app = _HeaderApp()
    async with app.run_test(size=(60, 5)) as pilot:
        app.title = "TEAM ONE"
        await pilot.pause()
        await pilot.pause()
        assert "TEAM ONE" in str(app.query_one("HeaderTitle").render())
