"""``tradegame join URL --code CODE`` in a terminal: the game's own panels, fed by a room.

The screen holds no game: it shows what the server sends for this seat (its view, and on its
turn the legal moves, the deal items and the talks), with the same dashboard, talks, orders,
log and briefing panels as a local game (they read only a :class:`Frame` built from a view).
A chosen talks move is sent at once; orders are staged here and sent, one by one and then
``done``, when the player presses Done, each with the version the server last said, so a
stale or repeated one is refused by the server rather than applied twice. Previews (what-if
projections) are computed from the whole game, so they are not offered over the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import aiohttp
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from tradegame.engine import Action, Done, parse
from tradegame.engine.actions import ORDER_KINDS
from tradegame.engine.errors import InvalidActionError
from tradegame.session.text import Names, describe
from tradegame.ui.widgets.common import ActionChosen, Frame, PreviewWanted
from tradegame.ui.widgets.dashboard import Dashboard, status_text
from tradegame.ui.widgets.logbook import BriefingPanel, LogPanel
from tradegame.ui.widgets.orders import OrdersPanel
from tradegame.ui.widgets.talks import TalksPanel
from tradegame.untrusted import printable

NO_PREVIEW = "Previews are not available when playing over the network."


class RemoteGameScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('dashboard')", "Dashboard", show=False),
        Binding("2", "tab('talks')", "Talks", show=False),
        Binding("3", "tab('orders')", "Orders", show=False),
        Binding("4", "tab('log')", "Log", show=False),
        Binding("5", "tab('briefing')", "Briefing", show=False),
        Binding("a", "talks('accept')", "Accept"),
        Binding("r", "talks('reject')", "Reject"),
        Binding("p", "talks('pass')", "Pass"),
        Binding("ctrl+d", "done", "Done"),
    ]
    DEFAULT_CSS = """
    RemoteGameScreen #status { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    RemoteGameScreen #tabs { height: 1fr; }
    RemoteGameScreen TabPane { padding: 0; height: 1fr; }
    """

    def __init__(self, url: str, secret: dict[str, str]) -> None:
        super().__init__()
        self.url, self.secret = url, secret
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.me: str | None = None
        self.room: int | None = None
        self.view: dict[str, Any] | None = None
        self.turn: dict[str, Any] | None = None
        self.version = -1
        self.paused = False
        self.staged: list[Action] = []
        self.sending: list[Action] = []
        self.sectors: dict[str, str] = {}
        self.message = "Connecting…"
        self.token: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status")
        with TabbedContent(id="tabs", initial="dashboard"):
            with TabPane("1 Dashboard", id="dashboard"):
                yield Dashboard(id="dashboard-panel")
            with TabPane("2 Talks", id="talks"):
                yield TalksPanel(id="talks-panel")
            with TabPane("3 Orders", id="orders"):
                yield OrdersPanel(id="orders-panel")
            with TabPane("4 Log", id="log"):
                yield LogPanel(id="log-panel")
            with TabPane("5 Briefing", id="briefing"):
                yield BriefingPanel(id="briefing-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#status", Static).update(self.message)
        self.connect()

    # ------------------------------------------------------------------ the connection

    @work(exclusive=True, group="connection", exit_on_error=False)
    async def connect(self) -> None:
        async with aiohttp.ClientSession() as session:
            try:
                self.ws = await session.ws_connect(
                    self.url, max_msg_size=64 * 1024 * 1024, heartbeat=20
                )
            except (aiohttp.ClientError, OSError) as exc:
                self.say(f"cannot reach the server: {exc}")
                return
            await self.ws.send_json({"type": "join", **self.secret})
            async for msg in self.ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    self.handle(msg.json())
                except (ValueError, KeyError, TypeError) as exc:
                    self.say(f"a message from the server could not be read ({exc})")
            self.say(
                f"the server closed the connection; join again with --token {self.token}"
                if self.token
                else "the server closed the connection"
            )

    def handle(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind == "welcome":
            self.me, self.room, self.token = m.get("player"), m.get("room"), m.get("token")
            self.sectors = dict(m.get("sectors") or {})
            self.app.sub_title = f"{self.me} · room {self.room}"
            self.say(f"You play {self.me} in room {self.room}.")
        elif kind == "update":
            self.view, self.version, self.paused = m["view"], m["version"], m["paused"]
            if self.turn is not None and self.turn.get("id") != self.version:
                self.turn = None
            self.refresh_view()
        elif kind == "turn":
            self.turn = m
            self.refresh_view()
        elif kind == "accepted":
            self.version = m["version"]
            self.send_next()
        elif kind in ("refused", "error"):
            self.sending = []
            self.say(f"Refused: {m.get('reason')}")
        elif kind == "end":
            self.turn = None
            self.refresh_view()

    async def send(self, action: Action) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.send_json(
                {"type": "move", "action": str(action), "version": self.version}
            )

    def send_next(self) -> None:
        """After an accepted move, the next of the orders being sent."""
        if self.sending:
            self.run_worker(self.send(self.sending.pop(0)), group="send")

    # ------------------------------------------------------------------ the panels

    def my_turn(self) -> bool:
        return (
            self.turn is not None
            and not self.paused
            and self.view is not None
            and self.turn.get("id") == self.version
        )

    def build_frame(self) -> Frame:
        assert self.view is not None
        view = self.view
        turn = self.turn if self.my_turn() else None
        talks = (turn or {}).get("talks") or {}
        orders: list[Action] = []
        if turn is not None and view.get("phase") == "orders":
            for text in turn.get("legal", []):
                try:
                    action = parse(text)
                except InvalidActionError:
                    continue
                if not isinstance(action, Done) and action not in self.staged:
                    orders.append(action)
        limits = view.get("limits", {})
        return Frame(
            view=view,
            viewer=self.me,
            names=Names(view, self.sectors),
            my_turn=turn is not None,
            mover=view.get("to_move"),
            mover_seat="",
            partner=talks.get("partner"),
            deal_items=[d["id"] for d in (turn or {}).get("deal_items", [])],
            legal_orders=orders,
            staged=list(self.staged),
            max_terms=int(limits.get("max_terms", 0)),
            max_orders=int(limits.get("max_orders", 0)),
        )

    def refresh_view(self) -> None:
        if self.view is None or not self.is_attached:
            return
        frame = self.build_frame()
        extra = " · PAUSED by the instructor" if self.paused else ""
        status = status_text(frame, extra)
        if self.message:
            status.append("\n" + self.message)
        self.query_one("#status", Static).update(status)
        for tab in ("dashboard", "talks", "orders", "log", "briefing"):
            # five panel classes, each with update_frame(frame); query_one types a Widget
            self.query_one(f"#{tab}-panel").update_frame(frame)  # type: ignore[attr-defined]

    def say(self, text: str) -> None:
        self.message = printable(text)
        if self.view is None:
            self.query_one("#status", Static).update(Text(self.message))
        else:
            self.refresh_view()

    # ------------------------------------------------------------------ moves

    @on(ActionChosen)
    def _action_chosen(self, event: ActionChosen) -> None:
        event.stop()
        self.play(event.action)

    def play(self, action: Action) -> None:
        if not self.my_turn() or self.me is None or self.view is None:
            self.say("It is not your move now.")
            return
        if action.player != self.me:
            self.say(f"That is a move for {action.player}, and you are {self.me}.")
            return
        names = Names(self.view, self.sectors)
        if self.view.get("phase") == "orders" and isinstance(action, Done):
            self.sending = [*self.staged, action]
            sent = len(self.staged)
            self.staged = []
            self.say(f"Sending {sent} order{'s' if sent != 1 else ''} and ending your turn.")
            self.send_next()
            return
        if self.view.get("phase") == "orders" and action.kind in ORDER_KINDS:
            self.staged.append(action)
            self.say(f"Staged: {describe(action, names)} (sent when you press Done).")
            return
        self.say(f"You: {describe(action, names)}.")
        self.run_worker(self.send(action), group="send")

    @on(OrdersPanel.Unstage)
    def _unstage(self, event: OrdersPanel.Unstage) -> None:
        event.stop()
        if self.staged:
            self.staged.pop(event.index)
            self.refresh_view()

    @on(PreviewWanted)
    def _preview_wanted(self, event: PreviewWanted) -> None:
        event.stop()
        if event.key.startswith("talks"):
            self.query_one(TalksPanel).show_preview(event.key, None, NO_PREVIEW)
        elif event.key.startswith("orders"):
            self.query_one(OrdersPanel).show_preview(event.key, None, NO_PREVIEW)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_talks(self, move: str) -> None:
        from tradegame.engine import Accept, Pass, Reject

        if self.me is not None:
            self.play({"accept": Accept, "reject": Reject, "pass": Pass}[move](self.me))

    def action_done(self) -> None:
        if self.me is not None:
            self.play(Done(self.me))


class RemoteApp(App[None]):
    """The terminal client of one seat of a room server."""

    TITLE = "tradegame"
    CSS_PATH = str(Path(__file__).parent / "app.tcss")  # the local game's look

    def __init__(self, url: str, secret: dict[str, str]) -> None:
        super().__init__()
        self.url, self.secret = url, secret

    def on_mount(self) -> None:
        self.push_screen(RemoteGameScreen(self.url, self.secret))


__all__ = ["RemoteApp", "RemoteGameScreen"]
