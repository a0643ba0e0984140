"""Modal dialogs: messages (errors), yes/no questions, a path to save to, a save to load (in a
browser: this session's autosaves or a pasted save, never a path), and the summary before Done."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from tradegame.ui.toasts import HoldsToasts
from tradegame.ui.widgets.common import SteadyInput
from tradegame.untrusted import printable

PASTE_LIMIT = 4 * 2**20
"""Characters the web load dialog holds: what a browser can send in one websocket message
(aiohttp's limit), far above any real save; a 16 MiB paste alone cost a game 280 MB."""

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > DialogBox {{
    width: 90%; max-width: 100; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} .title {{ dock: top; text-style: bold; width: 1fr; }}
{name} .buttons {{ dock: bottom; height: auto; align-horizontal: right; }}
{name} .buttons Button {{ margin-left: 1; min-width: 8; }}
{name} OptionList {{ height: auto; max-height: 12; }}
"""


class DialogBox(VerticalScroll, can_focus=False):
    """Every dialog's box: at most 90% of the screen, its title docked at the top and its
    buttons at the bottom, and what lies between scrolling when it needs more rows than are
    left. Buttons laid out below a body of automatic height were pushed out of the box at
    80×24 by a long body (the palette's summary of a four-term counter-offer, a long error),
    and the player could not see how to answer."""


class ScrollsBody(HoldsToasts):
    """Mixin for a dialog: ↑ ↓ page-up page-down scroll its box while a button has the focus
    (a focused list or text field keeps the keys it uses), so a body longer than the screen
    can be read from the keyboard. Toasts shown when it opens wait until it closes."""

    def _scroll_body(self, how: str) -> None:
        screen: Any = self
        found = screen.query(DialogBox)
        if found:
            getattr(found.first(), how)(animate=False)

    def key_down(self) -> None:
        self._scroll_body("scroll_down")

    def key_up(self) -> None:
        self._scroll_body("scroll_up")

    def key_pagedown(self) -> None:
        self._scroll_body("scroll_page_down")

    def key_pageup(self) -> None:
        self._scroll_body("scroll_page_up")


class MessageDialog(ScrollsBody, ModalScreen[None]):
    """A message (an error, or a notice) that stays until dismissed with enter or escape."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="MessageDialog")
        + """
    MessageDialog.error > DialogBox { border: thick $error; }
    """
    )
    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close", show=False)]
    # Focus by Textual when the screen is shown: a query in on_mount raised NoMatches (a
    # traceback) when the dialog was closed again before its mount was handled.
    AUTO_FOCUS = "#ok"

    def __init__(self, title: str, message: str, *, error: bool = True) -> None:
        super().__init__(classes="error" if error else "")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label(Text(self.title_text), classes="title")
            yield Static(Text(self.message), id="message-text")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")

    @on(Button.Pressed, "#ok")
    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ScrollsBody, ModalScreen[bool]):
    """A yes/no question: y for yes, n or escape for no, enter for the focused button (yes
    unless ``default_yes`` is False)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog")
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(
        self,
        question: str,
        yes: str = "Yes",
        no: str = "No",
        id: str | None = None,  # noqa: A002 - Textual's name
        default_yes: bool = True,
    ) -> None:
        super().__init__(id=id)
        self.question = question
        self.yes = yes
        self.no = no
        self.default_yes = default_yes  # which button enter presses at first

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Static(Text(self.question))
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


def served_to_browser(app: Any) -> bool:
    """Whether ``app`` is served to a browser (``Options.web``): no path dialogs there."""
    options = getattr(app, "options", None)
    return bool(getattr(options, "web", False))


NO_PATHS = (
    "In a browser, files on the server cannot be named: save downloads the game "
    "(ctrl+s), and load takes a pasted save (ctrl+o)."
)


class PathDialog(ScrollsBody, ModalScreen[str | None]):
    """Ask for a file path (to save to, or a scenario file to open). Served to a browser it
    asks nothing: it says so and closes with None (the browser user is not at this machine)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PathDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, value: str = "", placeholder: str = "", button: str = "OK"
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.button = button

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label(self.title_text, classes="title")
            if served_to_browser(self.app):
                yield Static(Text(NO_PATHS))
                with Horizontal(classes="buttons"):
                    yield Button("OK", id="cancel", variant="primary")
                return
            yield SteadyInput(self.value, placeholder=self.placeholder, id="path")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.button, id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one(Input if not served_to_browser(self.app) else Button).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        if served_to_browser(self.app):
            self.dismiss(None)
            return
        value = self.query_one(Input).value.strip()
        if value:
            self.dismiss(value)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PathInput(SteadyInput):
    """The load dialog's path field, which has the focus: ↑ ↓ page-up page-down move the
    highlight in the list of saves (in this field's own queue, in order with the keys typed
    around them), and enter with the field empty loads the highlighted save."""

    LIST_KEYS = {
        "up": "cursor_up",
        "down": "cursor_down",
        "pageup": "page_up",
        "pagedown": "page_down",
    }

    async def _on_key(self, event: Any) -> None:
        action = self.LIST_KEYS.get(event.key)
        found = self.screen.query("#saves") if action else None
        if action and found:
            event.stop()
            event.prevent_default()
            getattr(found.first(OptionList), f"action_{action}")()
            return
        await super()._on_key(event)


class LoadDialog(ScrollsBody, ModalScreen[str | None]):
    """Choose a save file from the save folder, or type a path (in a terminal only: served
    to a browser the app uses :class:`WebLoadDialog`, and this one closes with None).

    The path field has the focus, so whatever is typed lands there; ↑ ↓ choose in the list
    and enter loads the path typed, or the highlighted save when none is. (The list used to
    have the focus: a typed path went nowhere and enter loaded the newest save instead.)"""

    DEFAULT_CSS = DIALOG_CSS.format(name="LoadDialog")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, entries: list[Any], folder: str) -> None:
        super().__init__()
        self.entries = entries
        self.folder = folder

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label("Load a saved game", classes="title")
            if served_to_browser(self.app):
                yield Static(Text(NO_PATHS))
                with Horizontal(classes="buttons"):
                    yield Button("OK", id="cancel", variant="primary")
                return
            yield PathInput(placeholder="type the path of a save file and press enter", id="path")
            if self.entries:
                yield Static(
                    Text(
                        f"Or choose one of the saves in {self.folder} (newest first): "
                        "↑ ↓, then enter.",
                        style="italic",
                    )
                )
                yield OptionList(
                    *[Option(printable(e.label), id=str(e.path)) for e in self.entries],
                    id="saves",
                    markup=False,
                )
            else:
                yield Static(Text(f"No saves in {self.folder} yet.", style="italic"))
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if served_to_browser(self.app):
            self.query_one(Button).focus()
        else:
            self.query_one(Input).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if not served_to_browser(self.app):
            self.dismiss(event.option.id)

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        if served_to_browser(self.app):
            return
        if event.value.strip():
            self.dismiss(event.value.strip())
            return
        found = self.query("#saves")
        if found:
            saves = found.first(OptionList)
            if saves.highlighted is not None:
                self.dismiss(saves.get_option_at_index(saves.highlighted).id)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PasteArea(TextArea):
    """The web load dialog's text area: it holds at most ``limit`` characters. Without a
    bound, pastes from a browser grew one game process past 2 GB."""

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit
        self._typed = 0

    def _replace_via_keyboard(self, insert: str, start: Any, end: Any) -> Any:
        # Typing and pasting both come here (edits through the API do not). The size is
        # measured for each paste, and for typed keys every 1024th (measuring is O(size)).
        if len(insert) > 1:
            over = len(self.text) - len(self.get_text_range(start, end)) + len(insert) > self.limit
        else:
            self._typed += 1
            over = self._typed % 1024 == 0 and len(self.text) >= self.limit
        if over:
            self.notify(
                f"Not added: at most {self.limit // 2**20} MiB can be pasted here.",
                severity="error",
                markup=False,
            )
            return None
        return super()._replace_via_keyboard(insert, start, end)


class WebLoadDialog(ScrollsBody, ModalScreen[tuple[str, str] | None]):
    """Load in a browser (``tradegame serve``): one of this session's autosaves, or a save
    pasted as text. No path is shown or accepted: the browser user is not at the server's
    keyboard. Dismisses with ``("autosave", INDEX)`` or ``("text", TEXT)``."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="WebLoadDialog")
        + """
    WebLoadDialog OptionList { max-height: 6; }
    WebLoadDialog TextArea { height: 6; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        self.labels = labels

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label("Load a saved game", classes="title")
            if self.labels:
                yield Static(
                    Text("This session's autosaves (newest first; enter loads):", style="italic")
                )
                yield OptionList(
                    *[Option(label, id=f"autosave-{n}") for n, label in enumerate(self.labels)],
                    id="saves",
                    markup=False,
                )
            yield Static(
                Text(
                    "Or paste a save you downloaded: open the .json file in a text "
                    "editor, copy all of it, paste it below, then press Load.",
                    style="italic",
                )
            )
            yield PasteArea(
                id="paste",
                soft_wrap=False,
                tab_behavior="focus",
                placeholder="paste the save's text here",
                limit=PASTE_LIMIT,
            )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Load", id="load", variant="primary")

    def on_mount(self) -> None:
        if self.labels:
            self.query_one(OptionList).focus()
        else:
            self.query_one(TextArea).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("autosave", (event.option.id or "").removeprefix("autosave-")))

    @on(Button.Pressed, "#load")
    def _load(self) -> None:
        text = self.query_one(TextArea).text
        if text.strip():
            self.dismiss(("text", text))
        else:
            self.notify("Paste a save first.", severity="warning")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class DoneDialog(ScrollsBody, ModalScreen[bool]):
    """The summary before Done: the staged orders and their combined preview."""

    DEFAULT_CSS = DIALOG_CSS.format(name="DoneDialog")
    AUTO_FOCUS = "#yes"  # (a query in on_mount raised NoMatches when the dialog was answered
    # before it was mounted: ctrl+d then enter typed at once)
    BINDINGS = [
        Binding("enter", "answer(True)", "Send orders"),
        Binding("y", "answer(True)", "Send", show=False),
        Binding("escape", "answer(False)", "Back"),
    ]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with DialogBox():
            yield Label("End your turn: send these orders?", classes="title")
            text = Text()
            if not self.lines:
                text.append("No orders this round.", style="italic")
            for n, line in enumerate(self.lines, 1):
                text.append(f"{n}. {line}\n")
            yield Static(text, id="done-orders")
            yield Static(Text("Preview: computing…", style="italic"), id="done-preview")
            with Horizontal(classes="buttons"):
                yield Button("Back (esc)", id="no")
                yield Button("Send and end turn (enter)", id="yes", variant="primary")

    def show_preview(self, text: Text) -> None:
        self.query_one("#done-preview", Static).update(text)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


__all__ = [
    "ConfirmDialog",
    "DialogBox",
    "DoneDialog",
    "LoadDialog",
    "MessageDialog",
    "PathDialog",
    "ScrollsBody",
    "WebLoadDialog",
]
