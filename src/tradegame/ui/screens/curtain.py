"""The hot-seat curtain: an opaque screen between two players' turns.

It shows no game data at all beyond whose turn it is, and the game screen below it has already
dropped the previous player's view before it goes up.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from tradegame.ui.widgets.keys import KeyFooter


class CurtainScreen(Screen[str]):
    """'Pass the keyboard to <player>'; dismissed (with the player id) by that player."""

    DEFAULT_CSS = """
    CurtainScreen { background: $panel; }
    CurtainScreen Static { width: auto; text-align: center; padding: 1 2; }
    CurtainScreen Button { margin: 1 0; }
    """
    BINDINGS = [Binding("enter", "ready", "I am at the keyboard")]

    def __init__(self, player: str, name: str) -> None:
        super().__init__(id="curtain")
        self.player = player
        self.player_name = name

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                text = Text(justify="center")
                text.append("Hot-seat\n\n", style="bold")
                text.append(
                    f"Pass the keyboard to {self.player_name} ({self.player}).\n\n", style="bold"
                )
                text.append(
                    "The previous player's screen is hidden.\n"
                    f"{self.player_name}: press enter when you are ready."
                )
                yield Static(text, id="curtain-text")
            with Center():
                yield Button(
                    Content(f"I am {self.player_name}"),
                    id="ready",  # not markup
                    variant="primary",
                )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#ready", Button).focus()

    @on(Button.Pressed, "#ready")
    def action_ready(self) -> None:
        self.dismiss(self.player)


__all__ = ["CurtainScreen"]
