"""``tradegame join URL --instructor CODE`` in a terminal: the instructor's console.

Every room in a table (state, round, phase, whose move, scores, the seats connected), kept
current by the server; the highlighted room's instructor log and the server's answers below.
Keys: ``p``/``r`` pause or resume the highlighted room, ``P``/``R`` every room, ``n`` news to
the highlighted room, ``N`` news to every room, ``i``/``I`` fire one of the scenario's injects
in the highlighted room or every room, ``b`` rolls the highlighted room back to a round and
``e`` ends its game (each after a confirmation), ``c`` sets the move clock of every room (seconds
and the agent that plays an idle seat), ``a`` writes every room's save as one zip file (the
path typed here; an existing file is replaced only after a confirmation), ``q`` quits.
The console holds no game: it shows what the server sends (its
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

# Seats before scores: at 80 columns the scores (the widest cell) are the part cut off.
COLUMNS = ("Room", "State", "Round", "Phase", "To move", "Seats", "Scores")


class Link(Protocol):
    """The instructor's connection (:class:`tradegame.rooms.instructor_link.InstructorLink`)."""

    rooms: dict[int, dict[str, Any]]
    seats: list[dict[str, Any]]
    notices: list[str]
    ready: asyncio.Event
    refusal: str | None
    on_change: Any

    async def run(self) -> None: ...

    def ask(self, message: dict[str, Any]) -> None: ...

    def ask_archive(self, path: str) -> None: ...

    def say(self, text: str) -> None: ...


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
        connected or "(no human seat)",
        scores,
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
        Binding("i", "inject(True)", "Inject"),
        Binding("I", "inject(False)", "Inject to all"),
        Binding("b", "rollback", "Roll back"),
        Binding("e", "end", "End game"),
        Binding("c", "clock", "Move clock"),
        Binding("a", "archive", "Archive"),
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

    def action_inject(self, one: bool) -> None:
        from tradegame.ui.screens.dialogs import ConfirmDialog, PathDialog

        target = self.target(one)
        where = f"room {target['room']}" if target else "every room"

        def fire(inject_id: str | None) -> None:
            if not inject_id:
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.link.ask({"type": "inject", "id": inject_id, **target})

            self.app.push_screen(
                ConfirmDialog(
                    f"Fire the inject {inject_id!r} in {where}? Its news and effects cannot "
                    "be taken back (only by rolling a room back).",
                    yes="Fire",
                    no="Cancel",
                    id="confirm-inject",
                ),
                confirmed,
            )

        self.app.push_screen(
            PathDialog(f"The id of the inject to fire in {where}", button="Fire"), fire
        )

    def action_rollback(self) -> None:
        from tradegame.ui.screens.dialogs import ConfirmDialog, PathDialog

        number = self.selected()
        if number is None:
            return

        def to_round(answer: str | None) -> None:
            if answer is None:
                return
            try:
                round_no = int(answer)
            except ValueError:
                self.link.say(f"rollback: {answer!r} is not a round number")
                return
            if round_no < 1:
                self.link.say("rollback: rounds start at 1")
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.link.ask({"type": "rollback", "room": number, "round": round_no})

            self.app.push_screen(
                ConfirmDialog(
                    f"Roll room {number} back to the start of round {round_no}? Every move "
                    "made since is lost for good.",
                    yes="Roll back",
                    no="Cancel",
                    id="confirm-rollback",
                    default_yes=False,
                ),
                confirmed,
            )

        self.app.push_screen(
            PathDialog(f"Roll room {number} back to the start of round", button="Next"), to_round
        )

    def action_clock(self) -> None:
        from tradegame.ui.screens.dialogs import PathDialog

        def set_clock(answer: str | None) -> None:
            if answer is None:
                return
            words = answer.split()
            if words and words[0].lower() == "off":
                self.link.ask({"type": "clock", "seconds": None})
                return
            try:
                seconds = float(words[0])
            except (ValueError, IndexError):
                self.link.say(f"clock: {answer!r} is not a number of seconds (or off)")
                return
            if not 0 < seconds <= 86_400:
                self.link.say("clock: between 1 second and a day (86400), or off")
                return
            agent = words[1] if len(words) > 1 else "passive"
            self.link.ask({"type": "clock", "seconds": seconds, "agent": agent})

        self.app.push_screen(
            PathDialog(
                "Move clock for every room: seconds, then the agent that plays an idle seat "
                "(passive if none), e.g. '90 greedy'; 'off' removes it",
                placeholder="90 passive",
                button="Set",
            ),
            set_clock,
        )

    def action_archive(self) -> None:
        from pathlib import Path

        from tradegame.ui.screens.dialogs import ConfirmDialog, PathDialog

        def write(path: str | None) -> None:
            if not path:
                return
            if not Path(path).exists():
                self.link.ask_archive(path)
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self.link.ask_archive(path)

            self.app.push_screen(
                ConfirmDialog(
                    f"{path} exists. Replace it with the archive?",
                    yes="Replace",
                    no="Cancel",
                    id="confirm-archive",
                    default_yes=False,
                ),
                confirmed,
            )

        self.app.push_screen(
            PathDialog("Write every room's save as one zip file to", "rooms.zip", button="Write"),
            write,
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
