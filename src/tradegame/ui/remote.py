"""``tradegame join URL --code CODE`` in a terminal: the game's own screen, fed by a room.

:class:`RemoteApp` shows the same :class:`~tradegame.ui.screens.game.GameScreen` a local
player uses, on a :class:`~tradegame.session.play.RemotePlay` session (the seat of a room
server, :class:`tradegame.rooms.remote_seat.RemoteSeat`): the same tabs, keys, dialogs, round
reports, command palette and end screen. What the server does not give a seat is not offered:
saving or loading the whole game, a new game, the instructor's controls, and previews until
the server offers them.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tradegame.session.play import RemotePlay
from tradegame.ui.commands import LegalActionsProvider
from tradegame.ui.toasts import Toasts


class ConnectingScreen(Screen[None]):
    """Until the seat is joined: what is happening, then why it failed if it did."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Connecting to the room…"), id="connecting")
        yield Footer()

    def show(self, text: str) -> None:
        self.query_one("#connecting", Static).update(Text(text))


class RemoteApp(Toasts):
    """The terminal client of one seat of a room server: the local game's screen."""

    TITLE = "tradegame"
    CSS_PATH = str(Path(__file__).parent / "app.tcss")  # the local game's look
    COMMANDS = App.COMMANDS | {LegalActionsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(self, seat: RemotePlay) -> None:
        super().__init__()
        self.seat = seat

    def on_mount(self) -> None:
        self.push_screen(ConnectingScreen(id="connecting-screen"))
        self.run_worker(self.seat.run(), group="connection", exit_on_error=False)
        self.run_worker(self._when_ready(), group="ready", exit_on_error=False)

    async def _when_ready(self) -> None:
        from tradegame.ui.screens.game import GameScreen

        await self.seat.ready.wait()
        if self.seat.refusal is not None:
            screen = self.screen
            if isinstance(screen, ConnectingScreen):
                screen.show(f"The room did not seat you: {self.seat.refusal}\n\n(q quits)")
            return
        self.sub_title = self.seat.title
        self.switch_screen(GameScreen(self.seat))

    def action_help(self) -> None:
        from tradegame.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_game", "save", "load"):
            return False  # the whole game is the server's
        return True


__all__ = ["ConnectingScreen", "RemoteApp"]
