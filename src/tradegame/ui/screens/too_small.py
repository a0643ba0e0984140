"""Below 80×24 the screens cannot show every term of an offer: say so instead of playing on
with parts of the game cut off."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(ModalScreen[None]):
    """Shown while the terminal is smaller than the minimum; it closes itself once the
    terminal is large enough again (ctrl+q still quits)."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen Static { width: auto; max-width: 100%; height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="too-small")

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self.show(self.app.size.width, self.app.size.height)

    def show(self, width: int, height: int) -> None:
        text = Text()
        text.append(f"tradegame needs at least {MIN_WIDTH}×{MIN_HEIGHT}", style="bold")
        text.append(
            f"\nThis terminal is {width}×{height}. Make the window larger (or the "
            f"font smaller); the game goes on where it was."
        )
        for widget in self.query("#too-small-text").results(Static):
            widget.update(text)

    def on_resize(self, event: Any) -> None:
        check_size(self)


def check_size(screen: Screen[Any]) -> None:
    """Open or close the "too small" screen for the app's current size."""
    app = screen.app
    width, height = app.size
    small = width < MIN_WIDTH or height < MIN_HEIGHT
    shown = [s for s in app.screen_stack if isinstance(s, TooSmallScreen)]
    if small and not shown:
        app.push_screen(TooSmallScreen())
    elif small:
        shown[0].show(width, height)
    elif shown and app.screen is shown[0]:
        app.pop_screen()


__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "TooSmallScreen", "check_size"]
