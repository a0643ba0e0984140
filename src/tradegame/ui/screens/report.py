"""The round report, shown to a player at the keyboard after each resolution (the log keeps
every report too)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tradegame.ui.screens.dialogs import DIALOG_CSS, DialogBox, ScrollsBody
from tradegame.ui.widgets.common import BulletedText


class RoundReportDialog(ScrollsBody, ModalScreen[None]):
    """What the last resolution changed; enter, space or escape goes back to the game
    (↑/↓ scroll a long report)."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="RoundReportDialog")
        + """
    RoundReportDialog > DialogBox { max-width: 110; }
    """
    )
    BINDINGS = [
        Binding("escape", "close", "Back to the game"),
        Binding("enter,space", "close", "Continue", show=False),
    ]

    def __init__(self, report: Text) -> None:
        super().__init__(id="round-report")
        self.report = report

    def compose(self) -> ComposeResult:
        with DialogBox(id="report-body"):
            # Each bullet's lines under its words (a news item wrapped to the edge).
            yield Static(BulletedText(self.report), id="report-text")
            with Horizontal(classes="buttons"):
                yield Button("Continue (enter)", id="ok", variant="primary")

    def on_mount(self) -> None:
        # A key that closed it as it opened (a watcher's space) has taken the button away.
        for button in self.query("#ok").results(Button):
            button.focus()

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["RoundReportDialog"]
