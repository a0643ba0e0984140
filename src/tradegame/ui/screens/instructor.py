"""The instructor's dialogs: choose an inject to fire, choose a round to roll back to."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from tradegame.ui.screens.dialogs import DIALOG_CSS


class ChoiceDialog(ModalScreen[str | None]):
    """A list to choose from (enter chooses, escape cancels); returns the option's id."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog") + """
    ChoiceDialog OptionList { height: auto; max-height: 16; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str, options: list[tuple[str, str]],
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.hint = hint
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Static(self.hint)
            yield OptionList(*[Option(label, id=key) for key, label in self.options],
                             id="choices")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["ChoiceDialog"]
