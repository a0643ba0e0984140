"""The footer (ui/widgets/keys.py): one widget that shows exactly the keys in force, as
Textual's footer showed them, repainted (never rebuilt) when they change; a click runs a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from tradegame.ui.screens.game import GameScreen
from tradegame.ui.screens.help import HelpScreen
from tradegame.ui.widgets.keys import KeyFooter, shown_keys

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


class Keys(Screen[None]):
    """Every case the footer meets: a key in force, one shown dimmed (check_action None),
    one hidden (False), one never shown, two keys for one action, a focused widget's own."""

    BINDINGS = [
        Binding("a", "go('a')", "Accept"),
        Binding("r", "go('r')", "Reject"),
        Binding("x", "hidden", "Hidden"),
        Binding("1", "tab", "Tab", show=False),
        Binding("plus,equals_sign", "faster", "Faster", key_display="+"),
        Binding("ctrl+d", "done", "Done"),
    ]
    enabled = True

    def __init__(self, footer: Widget) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Focusable("words")
        yield self.footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hidden":
            return False
        if action == "done":
            return True if self.enabled else None
        return True

    def action_go(self, key: str) -> None:
        self.app.pressed.append(key)  # type: ignore[attr-defined]


class Focusable(Static, can_focus=True):
    BINDINGS = [Binding("left", "noop", "Level −"), Binding("s", "noop", "Send offer")]

    def action_noop(self) -> None:
        pass


class KeysApp(App[None]):
    BINDINGS = [Binding("f1", "noop", "Help"), Binding("ctrl+s", "noop", "Save")]

    def __init__(self, footer: Widget) -> None:
        super().__init__()
        self.footer = footer
        self.pressed: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(Keys(self.footer))

    def action_noop(self) -> None:
        pass


async def _bottom_line(footer: Widget, width: int, focus: bool, enabled: bool) -> str:
    app = KeysApp(footer)
    async with app.run_test(size=(width, 6)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Keys)
        screen.enabled = enabled
        if focus:
            screen.query_one(Focusable).focus()
        else:
            screen.set_focus(None)
        screen.refresh_bindings()
        for _ in range(5):
            await pilot.pause(0.05)
        return screen_text(app).splitlines()[-1]  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [100, 80, 50])
@pytest.mark.parametrize("focus", [True, False])
@pytest.mark.parametrize("enabled", [True, False])
async def test_the_footer_shows_what_textuals_footer_showed(
    width: int, focus: bool, enabled: bool
) -> None:
    """The same characters as Textual's own footer, at 100, 80 and 50 columns, with and
    without a focused widget's keys, a key dimmed; but where the keys do not fit, the
    palette's key is drawn without its word ("▏^p"), and the keys take its room."""
    ours = await _bottom_line(KeyFooter(), width, focus, enabled)
    textuals = await _bottom_line(Footer(), width, focus, enabled)
    every_key = (await _bottom_line(Footer(), 200, focus, enabled)).split("▏")[0].rstrip()
    if len(every_key) + len(" ▏^p palette ") <= width:
        assert ours == textuals
    else:
        assert ours.endswith("▏^p ") and len(ours) == width
        assert ours[:-4] == every_key.ljust(width)[: width - 4]
    assert "Hidden" not in ours and "Tab" not in ours
    assert ("Level −" in ours) == focus


async def test_the_footer_lists_exactly_the_keys_in_force_and_a_click_runs_one() -> None:
    footer = KeyFooter()
    app = KeysApp(footer)
    async with app.run_test(size=(100, 6)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Keys)
        screen.set_focus(None)
        await pilot.pause(0.1)
        keys, palette = shown_keys(screen)
        assert [k.key for k in footer.keys][:5] == ["a", "r", "plus", "ctrl+d", "f1"]
        assert footer.keys == keys and footer.palette == palette
        assert palette is not None and palette.key == "ctrl+p"
        assert all(k.enabled for k in keys)
        screen.enabled = False  # check_action answers None: shown dimmed, not in force
        screen.refresh_bindings()
        await pilot.pause(0.1)
        assert [k.key for k in footer.keys if not k.enabled] == ["ctrl+d"]
        # a click on "r Reject" presses r; a click on the dimmed key does nothing
        _, start, _, shown = next(span for span in footer._spans if span[3].key == "r")
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await pilot.pause(0.1)
        assert app.pressed == ["r"]
        _, start, _, shown = next(span for span in footer._spans if span[3].key == "ctrl+d")
        assert not shown.enabled
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await pilot.pause(0.1)
        assert app.pressed == ["r"]
        assert not footer.children  # one widget, whatever it shows


async def test_the_game_footer_follows_the_keys_and_runs_a_clicked_one(tmp_path: Path) -> None:
    """In a game at 80×24: the footer names the keys in force on each tab (the talks keys
    come and go), stays one widget, and a click on Help opens the help."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(tmp_path, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        footer = screen.query_one(KeyFooter)

        def line() -> str:
            return screen_text(app).splitlines()[-1]

        def in_force() -> list[str]:
            keys, _ = shown_keys(screen)
            return [k.description for k in keys]

        for tab, words in (("2", "Send offer"), ("3", "Pass"), ("1", "Pass")):
            await pilot.press(tab)
            await wait_until(pilot, lambda words=words: words in line(), what=words)
            assert [k.description for k in footer.keys] == in_force()
            assert not footer.children
        await pilot.press("2")
        await wait_until(pilot, lambda: "Send offer" in line(), what="talks keys")
        assert "←→ Level" in line()
        await pilot.press("3")
        await wait_until(pilot, lambda: "←→ Level" not in line(), what="talks keys gone")
        _, start, _, _ = next(span for span in footer._spans if span[3].key == "f1")
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")


def _cells(app: App[None]) -> list[tuple[object, ...]]:
    """The bottom line's cells as drawn: character, background, and the colour, bold and
    dim of a character that is not a space."""
    import io

    from rich.console import Console
    from rich.text import Text

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True,
        color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
    )  # fmt: skip
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True
    )
    console.print(update)
    line = Text.from_ansi(console.export_text(styles=True).splitlines()[-1])
    cells: list[tuple[object, ...]] = []
    for offset, char in enumerate(line.plain):
        style = line.get_style_at_offset(console, offset)
        ink = char != " "
        cells.append(
            (char, ink and style.color, style.bgcolor, ink and style.bold, ink and style.dim)
        )
    return cells


async def _drawn(footer: Widget, hover: bool, enabled: bool) -> list[tuple[object, ...]]:
    from textual.widgets._footer import FooterKey

    app = KeysApp(footer)
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Keys)
        screen.enabled = enabled
        screen.set_focus(None)
        screen.refresh_bindings()
        for _ in range(5):
            await pilot.pause(0.05)
        if hover:  # the mouse over the first key, "a Accept"
            if isinstance(footer, Footer):
                await pilot.hover(footer.query(FooterKey).first(), offset=(1, 0))
            else:
                await pilot.hover(KeyFooter, offset=(1, 0))
            for _ in range(5):
                await pilot.pause(0.05)
        return list(_cells(app))


@pytest.mark.parametrize(("hover", "enabled"), [(False, True), (True, True), (False, False)])
async def test_the_footer_has_the_colours_of_textuals_footer(hover: bool, enabled: bool) -> None:
    """The same colours as Textual's footer, cell by cell: a Rich style drops a colour's
    alpha, so the palette key's edge ($foreground 20%) was drawn full white and a key under
    the mouse ($block-hover-background, 10% white) on a white ground with orange words; and a
    dimmed key lost its bold (two text styles merged, the last one kept)."""
    ours = await _drawn(KeyFooter(), hover, enabled)
    textuals = await _drawn(Footer(), hover, enabled)
    assert ours == textuals


async def test_answering_an_offer_at_80x24_the_footer_has_accept_and_reject_whole(
    tmp_path: Path,
) -> None:
    """Facing a counter-offer in the talks tab, the footer's "← Level −  → Level +" pushed
    "r Reject" to the edge: it read "r Rejec▏". The arrows are one key now ("←→ Level")."""
    from .support import countered_match

    app = make_app(tmp_path, countered_match(3))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "a accept · r reject")
        await pilot.pause(0.2)
        last = screen_text(app).splitlines()[-1]
        for words in ("←→ Level ", "s Send offer ", "a Accept ", "r Reject ", "f1 Help "):
            assert words in last, last
        await pilot.press("right")  # ←→ still change the highlighted item's level
        await wait_for_text(pilot, "Your draft: 1 term")
        await pilot.press("left")
        await wait_for_text(pilot, "Your draft: empty")
    # With terms out of view, the offer says "▼ 3 more (])" (the footer has no room for it).
    app = make_app(tmp_path, countered_match(6))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "a accept · r reject")
        await wait_for_text(pilot, "more (])")
        last = screen_text(app).splitlines()[-1]
        for words in ("←→ Level ", "a Accept ", "r Reject ", "^s Save"):
            assert words in last, last
