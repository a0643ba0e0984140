"""The instructor's dialogs: choose an inject to fire, choose a round to roll back to, write a
news item."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tradegame.ui.screens.dialogs import DIALOG_CSS, DialogBox, ScrollsBody
from tradegame.ui.widgets.common import Hanging, SteadyInput


class ChoiceDialog(ScrollsBody, ModalScreen[str | None]):
    """A list to choose from (enter chooses, escape cancels); returns the option's id."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, hint: str, options: list[tuple[str, str]], id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.hint = hint
        self.options = options

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label(self.title_text, classes="title")
            yield Static(self.hint)
            # Scenario texts, never markup; a bullet, and each choice wrapping under itself
            # (at 80×24 an inject's second line began at the edge, like the next inject).
            yield OptionList(
                *[Option(Hanging(Text("• "), Text(label)), id=key) for key, label in self.options],
                id="choices",
                markup=False,
            )
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


NEWS_EFFECTS_HINT = (
    "Effects (optional, separated by spaces): stress=N  approval:PLAYER=N  "
    "credibility:PLAYER=N  relations:PLAYER:PLAYER=N  (N signed, e.g. "
    "approval:JP=-3)"
)


class NewsDialog(ScrollsBody, ModalScreen[bool]):
    """Write a news item: its text and optional effects in the engine's notation. Enter (in
    either field) publishes it through ``publish(text, effects)``, which returns an error
    message to show here (the dialog stays open) or None (the dialog closes, returning True);
    tab moves between the fields, escape cancels."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="NewsDialog")
        + """
    NewsDialog Input { margin: 0 0 0 0; }
    NewsDialog .hint { color: $text-muted; }
    NewsDialog #news-error { color: $error; height: auto; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, publish: Callable[[str, str], str | None], players: list[str], id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.publish = publish
        self.players = players

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label("Write a news item", classes="title")
            yield Static(
                "It is in everyone's log at once and is a move of the saved game "
                "(enter publishes, tab next field, esc cancels)."
            )
            yield SteadyInput(
                placeholder="News text, e.g. Bond yields jump after the auction", id="news-text"
            )
            yield SteadyInput(
                placeholder="Effects, e.g. stress=10 approval:JP=-3", id="news-effects"
            )
            players = ", ".join(self.players)
            yield Static(f"{NEWS_EFFECTS_HINT}; players: {players}.", classes="hint")
            yield Static("", id="news-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Publish", id="publish", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#news-text", Input).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#news-error", Static).update(Text(message))

    @on(Input.Submitted)
    @on(Button.Pressed, "#publish")
    def action_publish(self) -> None:
        text = self.query_one("#news-text", Input).value
        effects = self.query_one("#news-effects", Input).value
        error = self.publish(text, effects)
        if error:
            self.show_error(error)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


__all__ = ["ChoiceDialog", "NewsDialog"]
