"""The room server: rooms, seats with codes, spectators and the instructor over websockets.

aiohttp serves it (``/ws`` for the protocol in :mod:`tradegame.rooms.protocol`, ``/`` for
the browser page, ``/archive.zip`` for the instructor's download). aiohttp because it is
already installed with textual-serve (the ``web`` extra), small and well kept, and gives
websockets and plain HTTP in one server on asyncio, where the rooms' games run too.

Trust: a client is data. It names no file, command or agent that runs code; only the host's
command line does (``--seat``, ``--dir``). A browser's websocket must come from this server's
own page (``Origin``, as in ``tradegame serve``); programs (bots, ``tradegame join``) send no
``Origin`` and authenticate by code or token like everyone. Messages are bounded in size and
rate (a flood waits), connections in number, and wrong codes slow the connection down and
then close it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import os
import sys
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from tradegame.rooms import protocol as proto
from tradegame.rooms.codes import Seat, SeatBook, new_code, new_token
from tradegame.rooms.room import Refused, Room
from tradegame.rooms.views import instructor_view, public_view

MAX_CONNECTIONS = 200
MAX_MESSAGES_PER_SECOND = 40
"""Client messages handled per second and connection; the next ones wait."""
MAX_WRONG_CODES = 5
"""Wrong codes or tokens a connection may send before it is closed."""
WRONG_CODE_DELAY = 0.5
"""Seconds before a wrong code is answered (guessing costs time)."""
MAX_QUEUED = 200
"""Messages waiting for a slow client before it is disconnected."""
PREVIEWS_PER_SECOND = 4.0
PREVIEW_BURST = 8.0
"""What-if previews per connection: a burst of this many, then this many a second (each is a
projection of the whole game, about a millisecond or more of the server's time)."""
NO_CLOCK_SECONDS = 3600.0
"""The bot protocol's ``time_limit`` in a room without a move clock (a bot needs a number)."""
STATE_FILE = "server.json"
STATE_FORMAT = "tradegame-rooms"
BAD_CODE = "this code is not valid; check it and type it again, or ask the instructor"
BAD_TOKEN = (
    "this seat was claimed again with its code (or the token is not valid): join with your code"
)

PAGE_HEADERS = {
    # the page's own script only; no frames (clickjacking), no referrer leaving the page
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src "
    "'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def room_file(number: int) -> str:
    return f"room-{number:02d}.json"


@dataclass
class PreviewAllowance:
    """A seat's what-if previews: a burst of :data:`PREVIEW_BURST`, then
    :data:`PREVIEWS_PER_SECOND` (a token bucket). Kept per seat, not per connection: a client
    that joins again with its token (a new connection) does not get a new burst."""

    left: float = PREVIEW_BURST
    at: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        now = time.monotonic()
        self.left = min(PREVIEW_BURST, self.left + (now - self.at) * PREVIEWS_PER_SECOND)
        self.at = now
        if self.left < 1.0:
            return False
        self.left -= 1.0
        return True


@dataclass(eq=False)
class Client:
    """One websocket connection and what it has joined."""

    ws: web.WebSocketResponse
    role: str | None = None  # "player", "spectator", "instructor"
    room: Room | None = None
    seat: Seat | None = None
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(MAX_QUEUED))
    wrong: int = 0
    window: float = 0.0
    count: int = 0
    ended: bool = False
    """The seat was sent the bot protocol's ``end``."""
    opened: float = field(default_factory=time.monotonic)
    leaving: bool = False
    """Ended by the server to make room (see :meth:`RoomServer._make_room`)."""

    def send(self, message: Mapping[str, Any]) -> None:
        try:
            self.queue.put_nowait(proto.encode(dict(message)))
        except asyncio.QueueFull:  # a client that does not read: let it go
            self.drop()

    def drop(self) -> None:
        """End the connection after the messages queued (all of them dropped when full)."""
        try:
            self.queue.put_nowait(None)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class RoomServer:
    """Rooms of one scenario. Build with :meth:`create` (new or resumed from ``folder``)."""

    def __init__(
        self,
        rooms: list[Room],
        book: SeatBook,
        folder: Path,
        *,
        scenario_sha: str,
        origins: set[tuple[str, str, int]],
        max_connections: int = MAX_CONNECTIONS,
        seeds: Mapping[int, int],
    ) -> None:
        self.rooms = {room.number: room for room in rooms}
        self.book = book
        self.folder = folder
        self.scenario_sha = scenario_sha
        self.origins = origins
        self.previews: dict[tuple[int, str], PreviewAllowance] = {}
        """Each seat's what-if allowance, by (room, player)."""
        self.max_connections = max_connections
        self.seeds = dict(seeds)
        self.clients: set[Client] = set()
        self.runner: web.AppRunner | None = None
        self.port: int | None = None
        for room in rooms:
            room.on_change = self._room_changed
            room.on_saved = lambda room: self.write_state()

    # ------------------------------------------------------------------ building

    @classmethod
    def create(
        cls,
        scenario_text: str,
        scenario_name: str,
        *,
        rooms: int | None,
        seats: Mapping[str, str],
        code_seats: set[str],
        folder: Path,
        seed: int | None = None,
        clock: float | None = None,
        clock_agent: str = "passive",
        clock_code: bool = False,
        origins: set[tuple[str, str, int]] | None = None,
        max_connections: int = MAX_CONNECTIONS,
        warn: Callable[[str], None] | None = None,
    ) -> tuple[RoomServer, bool]:
        """A server for ``rooms`` rooms in ``folder``; resumes the rooms saved there, with
        their instructor logs. Returns the server and whether it resumed. Raises
        :class:`ValueError` with the reason. ``warn`` hears what was set aside (an unreadable
        instructor log); by default it is printed on stderr."""
        import random

        from tradegame.classroom.worlds import team_seed
        from tradegame.rooms.journal import load_log, log_file
        from tradegame.saves import SaveError, load_game
        from tradegame.saves.format import text_sha256
        from tradegame.scenario import rules_from_text
        from tradegame.session.match import HUMAN, Match

        if warn is None:
            warn = _warn
        rules = rules_from_text(scenario_text, scenario_name)
        sha = text_sha256(scenario_text)
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"--dir {folder}: not a folder")
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        state = read_state(folder / STATE_FILE)
        resumed = state is not None
        if state is not None:
            if state["scenario_sha256"] != sha:
                raise ValueError(
                    f"{folder} holds the rooms of another scenario (or another "
                    f"version of it); give another --dir"
                )
            if rooms is not None and rooms != len(state["rooms"]):
                raise ValueError(
                    f"{folder} holds {len(state['rooms'])} rooms, not {rooms}; "
                    f"leave out --rooms to resume them, or give another --dir"
                )
            book = SeatBook(
                state["instructor_code"],
                [Seat(s["room"], s["player"], s["code"], s["token"]) for s in state["seats"]],
            )
            seeds = {r["room"]: r["seed"] for r in state["rooms"]}
            versions = {r["room"]: r["version"] + 1 for r in state["rooms"]}
            paused = {r["room"]: r["paused"] for r in state["rooms"]}
        else:
            count = rooms or 1
            base = seed if seed is not None else random.SystemRandom().randrange(2**31)
            seeds = {k: team_seed(base, k) for k in range(1, count + 1)}
            versions = {k: 0 for k in seeds}
            paused = {k: False for k in seeds}
            book = SeatBook(new_code())
        full = {p: seats.get(p, HUMAN) for p in rules.player_ids}
        # a role given to an agent on this run has no seat code any more (nor its token)
        book.seats = [s for s in book.seats if full.get(s.player) == HUMAN]
        built: list[Room] = []
        for number, room_seed in sorted(seeds.items()):
            for player in rules.player_ids:
                if full[player] == HUMAN and book.seat(number, player) is None:
                    book.seats.append(Seat(number, player, new_code()))
            path = folder / room_file(number)
            game = None
            created = None
            if path.exists():
                try:
                    loaded = load_game(path)
                except SaveError as exc:
                    raise ValueError(str(exc)) from None
                if text_sha256(loaded.scenario_text) != sha or loaded.game.seed != room_seed:
                    raise ValueError(
                        f"{path}: not this server's room {number} (another "
                        f"scenario or seed); give another --dir"
                    )
                game, created = loaded.game, loaded.meta.created
            log_path = folder / log_file(number)
            log = load_log(log_path, number, warn)
            match = Match(
                rules,
                room_seed,
                full,
                game=game,
                scenario_name=scenario_name,
                scenario_text=scenario_text,
                created=created,
                code_seats=code_seats,
            )
            match.instructor_log = log
            built.append(
                Room(
                    number,
                    match,
                    save_path=path,
                    log_path=log_path,
                    version=versions[number],
                    paused=paused[number],
                    clock=clock,
                    clock_agent=clock_agent,
                    clock_code=clock_code,
                )
            )
        server = cls(
            built,
            book,
            folder,
            scenario_sha=sha,
            origins=origins or set(),
            max_connections=max_connections,
            seeds=seeds,
        )
        server.write_state()
        return server, resumed

    def state(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "version": 1,
            "scenario_sha256": self.scenario_sha,
            **self.book.to_json(),
            "rooms": [
                {
                    "room": r.number,
                    "seed": self.seeds[r.number],
                    "version": r.version,
                    "paused": r.paused,
                }
                for r in self.rooms.values()
            ],
        }

    def write_state(self) -> None:
        """Codes, tokens and each room's version, for a restart (readable by this user only:
        it holds every seat's code)."""
        from tradegame.saves.atomic import atomic_write_bytes

        path = self.folder / STATE_FILE
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        data = json.dumps(self.state(), indent=1).encode()
        try:
            atomic_write_bytes(path, data, what="server state file")
        except OSError as exc:
            print(f"tradegame: cannot write {path}: {exc}", file=sys.stderr, flush=True)

    # ------------------------------------------------------------------ running

    def app(self) -> web.Application:
        app = web.Application(client_max_size=proto.MAX_MESSAGE_BYTES)
        app.router.add_get("/", self.handle_page)
        app.router.add_get("/app.js", self.handle_script)
        app.router.add_get("/ws", self.handle_ws)
        app.router.add_get("/archive.zip", self.handle_archive)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Start serving (in the running loop); returns the port."""
        for room in self.rooms.values():
            room.start()
        self.runner = web.AppRunner(self.app(), handle_signals=False, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        return self.port

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()  # runs _on_shutdown
            self.runner = None

    async def _on_shutdown(self, app: web.Application) -> None:
        for client in list(self.clients):
            await client.ws.close(code=WSCloseCode.GOING_AWAY, message=b"the server is stopping")
        await asyncio.gather(*(room.stop() for room in self.rooms.values()), return_exceptions=True)
        self.write_state()

    # ------------------------------------------------------------------ HTTP

    async def handle_page(self, request: web.Request) -> web.StreamResponse:
        from tradegame.rooms.page import PAGE

        return web.Response(text=PAGE, content_type="text/html", headers=PAGE_HEADERS)

    async def handle_script(self, request: web.Request) -> web.StreamResponse:
        from tradegame.rooms.page import app_js

        script = app_js(PREVIEW_BURST, PREVIEWS_PER_SECOND, proto.MAX_PREVIEW_ACTIONS)
        return web.Response(
            text=script, content_type="application/javascript", headers=PAGE_HEADERS
        )

    async def handle_archive(self, request: web.Request) -> web.StreamResponse:
        """Every room's save in one zip, for ``Authorization: Bearer INSTRUCTOR-CODE``."""
        given = request.headers.get("Authorization", "")
        code = given[7:] if given.lower().startswith("bearer ") else ""
        if self.book.by_code(code) != "instructor":
            await asyncio.sleep(WRONG_CODE_DELAY)
            return web.Response(
                status=403,
                text="tradegame: the instructor code is needed (Authorization: Bearer CODE)\n",
            )
        data = await self.archive()
        return web.Response(
            body=data,
            content_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="rooms.zip"'},
        )

    async def archive(self) -> bytes:
        await asyncio.gather(*(room.save_now() for room in self.rooms.values()))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for room in self.rooms.values():
                if room.save_path.is_file():
                    archive.write(room.save_path, room_file(room.number))
                if room.log_path is not None and room.log_path.is_file():
                    archive.write(room.log_path, room.log_path.name)
        return buffer.getvalue()

    # ------------------------------------------------------------------ websockets

    async def handle_ws(self, request: web.Request) -> web.StreamResponse:
        from tradegame.addresses import origin_of

        origin = request.headers.get("Origin")
        if origin is not None and origin_of(origin) not in self.origins:
            return web.Response(
                status=403,
                text="tradegame: this page may not join a room "
                "(the Origin header is not this server's)\n",
            )
        if len(self.clients) >= self.max_connections:
            self._make_room()
        if len(self.clients) >= self.max_connections:
            return web.Response(
                status=503,
                text=f"tradegame: all {self.max_connections} "
                f"connections are taken; try again later\n",
            )
        ws = web.WebSocketResponse(
            max_msg_size=proto.MAX_MESSAGE_BYTES, heartbeat=20, compress=False
        )
        await ws.prepare(request)
        client = Client(ws)
        self.clients.add(client)
        writer = asyncio.create_task(self._write(client))
        try:
            client.send({"type": "hello", "protocol": proto.PROTOCOL, "rooms": sorted(self.rooms)})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    if msg.type == WSMsgType.BINARY:
                        client.send({"type": "error", "reason": "send JSON text messages"})
                    continue
                await self._throttle(client)
                try:
                    await self._handle(client, msg.data)
                except Exception as exc:  # noqa: BLE001 - a bug must not end the server
                    print(
                        f"tradegame: internal error on a message ({type(exc).__name__}: "
                        f"{proto.shown(str(exc), 300)})",
                        file=sys.stderr,
                        flush=True,
                    )
                    client.send(
                        {
                            "type": "error",
                            "reason": "internal error; the message was not carried out",
                        }
                    )
                if client.wrong >= MAX_WRONG_CODES:
                    break
        finally:
            self._detach(client)
            client.drop()
            await writer
            if not ws.closed:
                await ws.close()
        return ws

    async def _write(self, client: Client) -> None:
        while True:
            text = await client.queue.get()
            if text is None:
                break
            try:
                await client.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                break
        if not client.ws.closed:
            await client.ws.close()

    async def _throttle(self, client: Client) -> None:
        """Past the rate, the connection's next message waits for the next second (its
        socket is not read meanwhile): a flood slows down, a fast bot only waits a little."""
        now = time.monotonic()
        if now - client.window > 1.0:
            client.window, client.count = now, 0
        client.count += 1
        if client.count > MAX_MESSAGES_PER_SECOND:
            await asyncio.sleep(max(0.0, client.window + 1.0 - now))
            client.window, client.count = time.monotonic(), 1

    def _make_room(self) -> None:
        """At the connection limit, end the oldest connection that holds no seat and is not
        the instructor's (one that never joined, or a spectator): connections that anyone can
        open without a code must not lock the students with codes out of the class."""
        idle = min(
            (c for c in self.clients if c.role in (None, "spectator") and not c.leaving),
            key=lambda c: c.opened,
            default=None,
        )
        if idle is not None:
            idle.leaving = True
            idle.send(
                {
                    "type": "error",
                    "reason": "the server is full; this connection, which holds no seat, "
                    "makes room for one that does",
                }
            )
            self._detach(idle)
            idle.drop()

    def _detach(self, client: Client) -> None:
        self.clients.discard(client)
        if client.seat is not None:
            client.seat.holders = max(0, client.seat.holders - 1)
            client.seat = None
            self._seats_changed()

    def _seats_changed(self) -> None:
        """A student joined or left: every instructor gets the rooms and who is connected
        (the console's connected marks), not only after the instructor's own operations."""
        for other in list(self.clients):
            if other.role == "instructor":
                self._send_rooms(other)

    async def _handle(self, client: Client, text: str) -> None:
        if client.leaving:  # ended to make room; its last messages are not carried out
            return
        try:
            message = proto.decode(text)
        except proto.BadMessage as exc:
            client.send({"type": "error", "reason": str(exc)})
            return
        kind = message.type
        if kind == "ping":
            client.send({"type": "pong"})
        elif kind == "join":
            await self._join(client, message)
        elif kind == "watch":
            self._watch(client, message.room)
        elif kind == "move":
            self._move(client, message)
        elif kind == "what_if":
            await self._what_if(client, message)
        elif client.role != "instructor":
            client.send({"type": "error", "reason": f"{kind}: only the instructor may do this"})
        else:
            await self._instruct(client, message)

    # ------------------------------------------------------------------ joining

    async def _join(self, client: Client, message: proto.Join) -> None:
        if client.role is not None:
            client.send({"type": "refused", "reason": "this connection has already joined"})
            return
        if (message.code is None) == (message.token is None):
            client.send({"type": "error", "reason": "join: give a code or a token"})
            return
        if message.code is not None:
            found = self.book.by_code(message.code)
            if found is None:
                await self._wrong(client, BAD_CODE)
                return
            if found == "instructor":
                client.role = "instructor"
                client.send(
                    {
                        "type": "welcome",
                        "protocol": proto.PROTOCOL,
                        "role": "instructor",
                        "rooms": sorted(self.rooms),
                    }
                )
                self._send_rooms(client)
                return
            assert isinstance(found, Seat)
            if found.holders > 0:
                client.send(
                    {
                        "type": "refused",
                        "reason": "this seat is taken by a player who "
                        "is connected now; a dropped player reconnects with the token "
                        "their browser or program keeps",
                    }
                )
                return
            found.token = new_token()  # the previous holder's token no longer works
            self.write_state()
            seat = found
        else:
            by_token = self.book.by_token(message.token or "")
            if by_token is None:
                await self._wrong(client, BAD_TOKEN)
                return
            seat = by_token
            for other in list(self.clients):  # the same person's older connection
                if other is not client and other.seat is seat:
                    other.send(
                        {
                            "type": "error",
                            "reason": "this seat was joined from "
                            "another connection with its token; this one ends",
                        }
                    )
                    self._detach(other)
                    other.drop()
        room = self.rooms[seat.room]
        seat.holders += 1
        client.role, client.room, client.seat = "player", room, seat
        self._seats_changed()
        client.send(
            {
                "type": "welcome",
                "protocol": proto.PROTOCOL,
                "role": "player",
                "room": room.number,
                "player": seat.player,
                "token": seat.token,
                "version": room.version,
                "sectors": {s.id: s.name for s in room.match.rules.sectors},
                "export_boosts": room.match.export_boosts,
            }
        )
        self._send_seat(client, start=True)

    async def _wrong(self, client: Client, reason: str) -> None:
        client.wrong += 1
        await asyncio.sleep(WRONG_CODE_DELAY)
        client.send({"type": "refused", "reason": reason})

    def _watch(self, client: Client, number: int) -> None:
        if client.role not in (None, "spectator", "instructor"):
            client.send({"type": "refused", "reason": "a seat cannot also watch"})
            return
        room = self.rooms.get(number)
        if room is None:
            client.send(
                {
                    "type": "refused",
                    "reason": f"there is no room {number} (rooms 1 to {len(self.rooms)})",
                }
            )
            return
        if client.role is None:
            client.role = "spectator"
        client.room = room
        client.send(
            {
                "type": "welcome",
                "protocol": proto.PROTOCOL,
                "role": client.role,
                "room": number,
                "version": room.version,
            }
        )
        self._send_watch(client)

    # ------------------------------------------------------------------ moves

    def _move(self, client: Client, message: proto.Move) -> None:
        if client.role != "player" or client.seat is None or client.room is None:
            client.send({"type": "refused", "reason": "join a seat before moving"})
            return
        room = client.room
        try:
            room.submit(client.seat.player, message.action, message.version)
        except Refused as exc:
            client.send({"type": "refused", "reason": str(exc), "version": room.version})
            self._send_seat(client)  # the state the move should have been made on
            return
        client.send({"type": "accepted", "version": room.version})

    async def _what_if(self, client: Client, message: proto.WhatIf) -> None:
        """The projection of the seat's own moves on the room's state now (the engine's
        ``what_if``, which reads only what that seat may see: other players' political costs
        and gains count as zero). Answered with ``what_if`` carrying the request's ``id`` and
        either ``projection`` or ``error`` (``illegal`` when the moves are not possible)."""
        from tradegame.engine import IllegalActionError, InvalidActionError, parse

        def answer(**fields: Any) -> None:
            client.send({"type": "what_if", "id": message.id, **fields})

        if client.role != "player" or client.seat is None or client.room is None:
            answer(error="join a seat before asking for previews")
            return
        allowance = self.previews.setdefault(
            (client.seat.room, client.seat.player), PreviewAllowance()
        )
        if not allowance.take():
            answer(error=f"too many previews; at most {PREVIEWS_PER_SECOND:g} a second")
            return
        room, player = client.room, client.seat.player
        if room.game.is_over():
            answer(error="the game is over")
            return
        if message.version != room.version:
            answer(error="the game has moved on", version=room.version)
            return
        actions = []
        for text in message.actions:
            try:
                action = parse(text)
            except InvalidActionError as exc:
                answer(error=f"not an action: {proto.shown(str(exc), 200)}", illegal=True)
                return
            if action.player != player:
                answer(error=f"a preview is of {player}'s own moves", illegal=True)
                return
            actions.append(action)
        snapshot, version = room.game.copy(), room.version
        try:
            projection = await asyncio.to_thread(snapshot.what_if, player, actions)
        except (IllegalActionError, InvalidActionError) as exc:
            answer(error=proto.shown(str(exc), 300), illegal=True)
            return
        answer(version=version, projection=projection.to_json())

    # ------------------------------------------------------------------ what clients see

    def _room_changed(self, room: Room) -> None:
        for client in list(self.clients):
            if client.room is room:
                if client.role == "player":
                    self._send_seat(client)
                else:
                    self._send_watch(client)
            if client.role == "instructor":
                client.send({"type": "room", **room.summary()})

    def _send_seat(self, client: Client, *, start: bool = False) -> None:
        from tradegame.agents.base import Turn
        from tradegame.agents.protocol import end_message, start_message, turn_message

        room, seat = client.room, client.seat
        assert room is not None and seat is not None
        game, player = room.game, seat.player
        view = game.view(player)
        left = room.clock_left()
        limit = left if left is not None else NO_CLOCK_SECONDS
        if start:
            seed = int.from_bytes(
                hashlib.sha256(f"{room.match.seed}:{room.number}:{player}".encode()).digest()[:4],
                "big",
            )
            client.send(
                {
                    **start_message(player, view, limit, seed),
                    "room": room.number,
                    "version": room.version,
                }
            )
        client.send(
            {
                "type": "update",
                "room": room.number,
                "version": room.version,
                "paused": room.paused,
                "clock": room.clock,
                "clock_left": left,
                "projected": room.baseline(player),
                "view": view.to_json(),
            }
        )
        if game.is_over():
            if not client.ended or start:
                client.ended = True
                from tradegame.engine.scoring import score_breakdown

                breakdown = {p: score_breakdown(game, p) for p in room.match.rules.player_ids}
                # the bot protocol's end, and how each score was made (public once it is over)
                client.send({**end_message(player, view), "breakdown": breakdown})
        elif not room.paused and game.to_move() == player:
            turn = Turn(game, player)
            turn._view = view  # built once for the update and the turn
            client.send({**turn_message(turn, room.version, limit), "version": room.version})

    def _send_watch(self, client: Client) -> None:
        """A spectator's update: the public view; the instructor watching a room sees all."""
        room = client.room
        assert room is not None
        view = instructor_view(room.game) if client.role == "instructor" else public_view(room.game)
        client.send(
            {
                "type": "update",
                "room": room.number,
                "version": room.version,
                "paused": room.paused,
                "clock": room.clock,
                "clock_left": room.clock_left(),
                "view": view,
            }
        )

    def _send_rooms(self, client: Client) -> None:
        client.send(
            {
                "type": "rooms",
                "rooms": [r.summary() for r in self.rooms.values()],
                "seats": [
                    {"room": s.room, "player": s.player, "connected": s.holders > 0}
                    for s in self.book.seats
                ],
            }
        )

    # ------------------------------------------------------------------ the instructor

    async def _instruct(self, client: Client, message: Any) -> None:
        kind = message.type
        if kind == "rooms":
            self._send_rooms(client)
            return
        if kind == "archive":
            data = await self.archive()
            client.send(
                {"type": "archive", "name": "rooms.zip", "data": base64.b64encode(data).decode()}
            )
            return
        if kind == "clock":
            self._set_clock(client, message)
            return
        number = getattr(message, "room", None)
        if number is not None and number not in self.rooms:
            client.send(
                {
                    "type": "refused",
                    "reason": f"there is no room {number} (rooms 1 to {len(self.rooms)})",
                }
            )
            return
        targets = [self.rooms[number]] if number is not None else list(self.rooms.values())
        results: dict[int, str] = {}
        for room in targets:
            try:
                if kind == "pause":
                    room.pause()
                elif kind == "resume":
                    room.resume()
                elif kind == "end":
                    room.end()
                elif kind == "news":
                    room.news(message.text, message.effects)
                elif kind == "inject":
                    room.inject(message.id)
                elif kind == "rollback":
                    await room.rollback(message.round)
                results[room.number] = "done"
            except Refused as exc:
                results[room.number] = f"refused: {exc}"
        client.send(
            {"type": "done", "op": kind, "results": {str(k): v for k, v in results.items()}}
        )

    def _set_clock(self, client: Client, message: proto.Clock) -> None:
        from tradegame.agents.base import AgentSpecError, agent_rng, make_agent

        agent = message.agent or "passive"
        if agent != "passive":
            try:  # a network client never names code: built-in agents only
                probe = make_agent(agent, agent_rng(0, "", agent), allow_code=False)
            except AgentSpecError as exc:
                client.send({"type": "refused", "reason": proto.shown(str(exc), 300)})
                return
            close = getattr(probe, "close", None)
            if callable(close):
                close()
        for room in self.rooms.values():
            room.clock, room.clock_agent, room.clock_code = message.seconds, agent, False
            room.changed()
        client.send(
            {"type": "done", "op": "clock", "results": {str(n): "done" for n in self.rooms}}
        )


def _warn(text: str) -> None:
    print(f"tradegame: {text}", file=sys.stderr, flush=True)


def read_state(path: Path) -> dict[str, Any] | None:
    """The state file of a folder's earlier run, or None when there is none. Raises
    ValueError for one that cannot be read."""
    from pydantic import BaseModel, ConfigDict, ValidationError

    from tradegame.untrusted import FileRefused, read_regular_file

    class SeatState(BaseModel):
        model_config = ConfigDict(extra="forbid")
        room: int
        player: str
        code: str
        token: str | None

    class RoomState(BaseModel):
        model_config = ConfigDict(extra="forbid")
        room: int
        seed: int
        version: int
        paused: bool

    class State(BaseModel):
        model_config = ConfigDict(extra="forbid")
        format: str
        version: int
        scenario_sha256: str
        instructor_code: str
        seats: list[SeatState]
        rooms: list[RoomState]

    try:
        data = read_regular_file(path, 4 * 1024 * 1024, what="server state file")
    except FileRefused as exc:
        if exc.kind == "missing":
            return None
        raise ValueError(f"{path}: {exc}") from None
    try:
        state = State.model_validate_json(data)
    except ValidationError:
        raise ValueError(
            f"{path}: not a tradegame room server's state file; give another --dir"
        ) from None
    if state.format != STATE_FORMAT:
        raise ValueError(f"{path}: not a tradegame room server's state file")
    return state.model_dump()


__all__ = ["RoomServer", "read_state", "room_file"]
