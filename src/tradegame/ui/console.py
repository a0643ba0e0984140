"""``tradegame join URL --instructor CODE`` in a terminal: the instructor's console.

Every room in a table (state, round, phase, whose move, scores, the seats connected), kept
current by the server; the highlighted room's instructor log and the server's answers below.
Keys: ``p``/``r`` pause or resume the highlighted room, ``P``/``R`` every room, ``n`` news to
the highlighted room, ``N`` news to every room, ``e`` ends the highlighted room's game (after
a confirmation), ``q`` quits. The console holds no game: it shows what the server sends (its
strings already neutralised, and shown as text, never markup) and sends the protocol's
operations, which the server checks like any other client's.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar, Protocol

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

COLUMNS = ("Room", "State", "Round", "Phase", "To move", "Scores", "Seats connected")


class Link(Protocol):
    """The instructor's connection (:class:`tradegame.rooms.client.InstructorLink`)."""

    rooms: dict[int, dict[str, Any]]
    seats: list[dict[str, Any]]
    notices: list[str]
    ready: asyncio.Event
    refusal: str | None
    on_change: Any

    async def run(self) -> None: ...

    def ask(self, message: dict[str, Any]) -> None: ...


def room_cells(room: dict[str, Any], seats: list[dict[str, Any]]) -> list[Text]:
    scores = ", ".join(
        f"{p} {v:.1f}"
        for p, v in (room.get("scores") or {}).items()
        if isinstance(v, (int, float)) and not isinstance(v, bool)
    )
    mine = [s for s in seats if s.get("room") == room.get("room")]
    connected = " ".join(f"{s.get('player')}{'●' if s.get('connected') else '○'}" for s in mine)
    values = (
        room.get("room"),
        room.get("state"),
        f"{room.get('round')}/{room.get('rounds_total')}",
        room.get("phase"),
        room.get("to_move") or "-",
        scores,
        connected or "(no human seat)",
    )
    return [Text(str(v)) for v in values]


class ConsoleScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "op('pause', True)", "Pause room"),
        Binding("r", "op('resume', True)", "Resume room"),
        Binding("P", "op('pause', False)", "Pause all"),
        Binding("R", "op('resume', False)", "Resume all"),
        Binding("n", "news(True)", "News"),
        Binding("N", "news(False)", "News to all"),
        Binding("e", "end", "End game"),
        Binding("q", "app.quit", "Quit"),
    ]
    DEFAULT_CSS = """
    ConsoleScreen #rooms { height: auto; max-height: 60%; }
    ConsoleScreen #below { height: 1fr; }
    ConsoleScreen #room-log { height: 1fr; border: round $primary; padding: 0 1; }
    ConsoleScreen #notices { height: auto; max-height: 8; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, link: Link) -> None:
        super().__init__(id="console")
        self.link = link

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[Text] = DataTable(id="rooms", cursor_type="row", zebra_stripes=True)
        yield table
        with Vertical(id="below"):
            yield Static(id="room-log")
            yield Static(id="notices")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#rooms", DataTable)
        table.add_columns(*COLUMNS)
        self.link.on_change = self.refresh_rooms
        self.refresh_rooms()
        table.focus()

    def selected(self) -> int | None:
        table = self.query_one("#rooms", DataTable)
        numbers = sorted(self.link.rooms)
        if not numbers:
            return None
        return numbers[min(max(table.cursor_row, 0), len(numbers) - 1)]

    def refresh_rooms(self) -> None:
        if not self.is_attached:
            return
        table = self.query_one("#rooms", DataTable)
        row = table.cursor_row
        table.clear()
        for number in sorted(self.link.rooms):
            table.add_row(*room_cells(self.link.rooms[number], self.link.seats), key=str(number))
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self.show_room()

    def show_room(self) -> None:
        number = self.selected()
        log = Text()
        if number is not None:
            room = self.link.rooms[number]
            log.append(f"Room {number}: the instructor's log\n", style="bold")
            for line in room.get("log") or ["(nothing yet)"]:
                log.append(str(line) + "\n")
        self.query_one("#room-log", Static).update(log)
        notices = Text("\n".join(self.link.notices[-6:]))
        self.query_one("#notices", Static).update(notices)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_room()

    def target(self, one: bool) -> dict[str, Any]:
        number = self.selected() if one else None
        return {"room": number} if number is not None else {}

    def action_op(self, op: str, one: bool) -> None:
        self.link.ask({"type": op, **self.target(one)})

    def action_news(self, one: bool) -> None:
        from tradegame.ui.screens.instructor import NewsDialog

        target = self.target(one)
        players = sorted(
            {str(s.get("player")) for s in self.link.seats}
            | {p for r in self.link.rooms.values() for p in (r.get("scores") or {})}
        )

        def publish(text: str, effects: str) -> str | None:
            if not text.strip():
                return "the news item needs a text"
            self.link.ask({"type": "news", "text": text, "effects": effects, **target})
            return None

        self.app.push_screen(NewsDialog(publish, players, id="news-dialog"))

    def action_end(self) -> None:
        from tradegame.ui.screens.dialogs import ConfirmDialog

        number = self.selected()
        if number is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.link.ask({"type": "end", "room": number})

        self.app.push_screen(
            ConfirmDialog(
                f"End room {number}'s game now? Every seat passes to the end of the calendar.",
                yes="End the game",
                no="Cancel",
                id="confirm-end",
            ),
            confirmed,
        )


class ConnectingScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Connecting to the rooms…"), id="connecting")
        yield Footer()


class ConsoleApp(App[None]):
    """The instructor's console of a room server."""

    TITLE = "tradegame · instructor"

    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link

    def on_mount(self) -> None:
        self.push_screen(ConnectingScreen())
        self.run_worker(self.link.run(), group="connection", exit_on_error=False)
        self.run_worker(self._when_ready(), group="ready", exit_on_error=False)

    async def _when_ready(self) -> None:
        await self.link.ready.wait()
        if self.link.refusal is not None:
            self.screen.query_one("#connecting", Static).update(
                Text(f"The server did not let you in: {self.link.refusal}\n\n(q quits)")
            )
            return
        self.switch_screen(ConsoleScreen(self.link))


__all__ = ["ConsoleApp", "ConsoleScreen"]
