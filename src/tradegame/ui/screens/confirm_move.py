"""A move chosen in the command palette is shown with its preview and played only when the
player confirms it (the palette lists moves by notation; nobody should sign a line of it
unseen)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tradegame.ui.screens.dialogs import DIALOG_CSS, DialogBox, ScrollsBody


class MoveDialog(ScrollsBody, ModalScreen[bool]):
    """The move in words (every term), its notation and its preview; enter plays it,
    escape goes back without playing."""

    DEFAULT_CSS = DIALOG_CSS.format(name="MoveDialog")
    BINDINGS = [
        Binding("enter", "answer(True)", "Play it"),
        Binding("escape", "answer(False)", "Back"),
    ]

    def __init__(
        self, title: str, lines: list[str], notation: str, preview: Text | None = None
    ) -> None:
        super().__init__(id="confirm-move")
        self.title_text = title
        self.lines = lines
        self.notation = notation
        self.preview = preview
        """What shows in place of the preview (a move that changes nothing has none)."""

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label(self.title_text, classes="title")
            text = Text()
            for line in self.lines:
                text.append(line + "\n")
            text.append(self.notation, style="dim")
            yield Static(text, id="move-text")
            yield Static(
                self.preview or Text("Preview: computing…", style="italic"), id="move-preview"
            )
            with Horizontal(classes="buttons"):
                yield Button("Back (esc)", id="no")
                yield Button("Play it (enter)", id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def show_preview(self, text: Text) -> None:
        self.query_one("#move-preview", Static).update(text)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


__all__ = ["MoveDialog"]
