"""The instructor's connection, for the console app (``tradegame join URL --instructor CODE``)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

from tradegame.rooms import connection
from tradegame.rooms.connection import decode, need
from tradegame.untrusted import printable


class InstructorLink:
    """The instructor's connection, for the console app (``tradegame join URL --instructor
    CODE`` in a terminal): every room's summary and seats, kept current by the server's
    ``room`` messages, and the operations sent as the protocol's messages. What the server
    sends is checked and its control characters neutralised before anything reads it."""

    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code
        self.rooms: dict[int, dict[str, Any]] = {}
        self.seats: list[dict[str, Any]] = []
        self.notices: list[str] = []
        """What the server answered, newest last (results per room, refusals)."""
        self.ready = asyncio.Event()
        self.refusal: str | None = None
        self.on_change: Any = lambda: None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._welcomed = False
        self._archive_to: list[str] = []
        """Where the archives asked for are to be written, oldest first (the keyboard user's
        paths: the server's answer carries no name that is used)."""

    async def run(self) -> None:
        """Connect and join; a connection lost later (the host restarted, the network
        dropped) is joined again with the same code, up to ``RECONNECTS`` tries in a row,
        ``RECONNECT_DELAY`` seconds apart (:mod:`~tradegame.rooms.connection`; the same code
        works on a resumed host)."""
        attempts = 0
        async with aiohttp.ClientSession() as session:
            while True:
                if await self._connection(session):
                    attempts = 0  # it was joined: a later drop starts counting again
                if self.refusal is not None or not self.ready.is_set():
                    break
                attempts += 1
                if attempts > connection.RECONNECTS:
                    self.say(
                        "the server cannot be reached; gave up after "
                        f"{connection.RECONNECTS} tries "
                        f"(q quits; start the console again when the server is back)"
                    )
                    break
                self.say(f"joining again ({attempts} of {connection.RECONNECTS})")
                await asyncio.sleep(connection.RECONNECT_DELAY)
        self.ready.set()

    async def _connection(self, session: aiohttp.ClientSession) -> bool:
        """One connection until it closes; whether the server welcomed it as instructor."""
        self._welcomed = False
        try:
            self._ws = await session.ws_connect(
                self.url, max_msg_size=64 * 1024 * 1024, heartbeat=20
            )
        except (aiohttp.ClientError, OSError) as exc:
            reason = f"cannot reach the server ({printable(str(exc))[:200]})"
            if not self.ready.is_set():
                self.refusal = reason
            else:
                self.say(reason)
            return False
        await self._ws.send_json({"type": "join", "code": self.code})
        async for msg in self._ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                self.handle(decode(msg.data))
            except (ValueError, RecursionError, KeyError, TypeError) as exc:
                self.say(
                    f"a message from the server could not be read ({printable(str(exc))[:120]})"
                )
            if self.refusal is not None:
                await self._ws.close()
                break
        if self.refusal is None:
            self.say("the server closed the connection")
        return self._welcomed

    def handle(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind == "welcome":
            if m.get("role") != "instructor":
                self.refusal = "that is a seat's code, not the instructor's"
            else:
                self._welcomed = True
        elif kind == "rooms":
            rooms = need(m, "rooms", list)
            self.rooms = {need(r, "room", int): r for r in rooms if isinstance(r, dict)}
            self.seats = [s for s in need(m, "seats", list) if isinstance(s, dict)]
            if not self.ready.is_set():
                self.ready.set()
                return
        elif kind == "room":
            self.rooms[need(m, "room", int)] = m
        elif kind == "done":
            results = need(m, "results", dict)
            op = str(m.get("op"))
            for room, result in sorted(results.items()):
                self.notices.append(f"{op}, room {room}: {result}")
            self.notices = self.notices[-200:]
            if op in ("pause", "resume", "end", "rollback", "clock"):
                self.ask({"type": "rooms"})  # the seats' connections too
        elif kind == "archive":
            self._write_archive(str(need(m, "data", str)))
        elif kind in ("refused", "error"):
            reason = str(m.get("reason") or "refused")
            if not self.ready.is_set():
                self.refusal = reason
                return
            self.notices.append(f"refused: {reason}")
        self.on_change()

    def _write_archive(self, encoded: str) -> None:
        import binascii

        from tradegame.saves.atomic import atomic_write_bytes

        if not self._archive_to:
            self.notices.append("an archive came that was not asked for: not written")
            return
        path = self._archive_to.pop(0)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            self.notices.append("the server's archive could not be read: not written")
            return
        try:
            atomic_write_bytes(path, data, what="zip file")
        except OSError as exc:
            self.notices.append(printable(f"cannot write {path}: {exc}"))
            return
        self.notices.append(
            printable(
                f"wrote {path} ({len(data)} bytes): every room's save, for "
                "report --compare and grades once unzipped"
            )
        )

    def ask_archive(self, path: str) -> None:
        """Ask for every room's save as one zip, to be written to ``path`` when it comes."""
        if self._ws is None or self._ws.closed:
            self.say("not connected")
            return
        self._archive_to.append(path)
        self.ask({"type": "archive"})

    def say(self, text: str) -> None:
        self.notices.append(printable(text))
        self.on_change()

    def ask(self, message: dict[str, Any]) -> None:
        """Send one of the instructor's operations (the answer comes as a notice)."""
        ws = self._ws
        if ws is None or ws.closed:
            self.say("not connected")
            return
        asyncio.get_running_loop().create_task(ws.send_json(message))
