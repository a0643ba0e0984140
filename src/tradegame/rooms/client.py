"""A program's side of the room protocol: the bot relay and the instructor's operations.

The bot relay starts the bot the person at this keyboard named (``--bot cmd:COMMAND``), writes
the server's ``start``, ``turn`` and ``end`` messages to its stdin, one per line, and sends its
answers back: the JSON-lines bot protocol, unchanged, over the network. A dropped connection is
re-joined with the seat's token; the bot keeps running.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shlex
import signal
import sys
from collections.abc import Sequence
from typing import Any

import aiohttp

from tradegame.engine import (
    Action,
    Counter,
    Done,
    IllegalActionError,
    InvalidActionError,
    Message,
    Propose,
    Term,
    parse,
)
from tradegame.engine.scoring import Projection
from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError
from tradegame.session.play import Notice, PreviewUnavailable, RemotePlay, TalksNow
from tradegame.untrusted import printable

MAX_BOT_LINE = 1024 * 1024
PREVIEW_TIMEOUT = 10.0
"""Seconds a what-if preview may take the server before the screen says there is none."""
RECONNECTS = 5
RECONNECT_DELAY = 2.0


def ws_url(url: str) -> str:
    """The websocket address of a server URL (``http://host:8000`` → ``.../ws``)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    scheme = {"http": "http", "https": "https", "ws": "http", "wss": "https"}.get(
        parts.scheme.lower()
    )
    if scheme is None or not parts.hostname:
        raise UserError(
            f"{url}: not a server address (write http://HOST:PORT as `tradegame host` printed it)"
        )
    path = parts.path.rstrip("/")
    path = path if path.endswith("/ws") else path + "/ws"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def say(text: str) -> None:
    print(f"tradegame: {printable(text)}", file=sys.stderr, flush=True)


async def connect(session: aiohttp.ClientSession, url: str) -> aiohttp.ClientWebSocketResponse:
    try:
        ws = await session.ws_connect(url, max_msg_size=64 * 1024 * 1024, heartbeat=20)
    except (aiohttp.ClientError, OSError) as exc:
        raise UserError(f"cannot reach {url}: {printable(str(exc))}", EXIT_FAILED) from None
    return ws


async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any] | None:
    """The next message, or None when the connection ended."""
    msg = await ws.receive()
    if msg.type != aiohttp.WSMsgType.TEXT:
        return None
    try:
        data = json.loads(msg.data)
    except (ValueError, RecursionError):  # RecursionError: brackets nested 100,000 deep
        return {}
    return data if isinstance(data, dict) else {}


async def join(ws: aiohttp.ClientWebSocketResponse, **secret: str) -> dict[str, Any]:
    await ws.send_json({"type": "join", **secret})
    while True:
        message = await receive(ws)
        if message is None:
            raise UserError("the server closed the connection", EXIT_FAILED)
        if message.get("type") == "welcome":
            return message
        if message.get("type") in ("refused", "error"):
            raise UserError(str(message.get("reason", "refused")), EXIT_FAILED)


# --------------------------------------------------------------------------- the instructor


async def instruct(args: argparse.Namespace) -> int:
    op: dict[str, Any]
    room = {"room": args.room}
    if args.pause:
        op = {"type": "pause", **room}
    elif args.resume:
        op = {"type": "resume", **room}
    elif args.end:
        op = {"type": "end", **room}
    elif args.news is not None:
        op = {"type": "news", "text": args.news, "effects": args.effects, **room}
    elif args.inject is not None:
        op = {"type": "inject", "id": args.inject, **room}
    elif args.rollback is not None:
        if args.room is None:
            raise UserError("--rollback needs --room N (one room at a time)")
        op = {"type": "rollback", "round": args.rollback, **room}
    elif args.clock is not None:
        op = {"type": "clock", "seconds": args.clock, "agent": args.clock_agent}
    elif args.archive is not None:
        op = {"type": "archive"}
    else:
        op = {"type": "rooms"}
    async with aiohttp.ClientSession() as session:
        ws = await connect(session, ws_url(args.url))
        welcome = await join(ws, code=args.instructor)
        if welcome.get("role") != "instructor":
            await ws.close()
            raise UserError("that is a seat's code, not the instructor's", EXIT_FAILED)
        await ws.send_json(op)
        wanted = {"rooms": "rooms", "archive": "archive"}.get(op["type"], "done")
        while True:
            message = await receive(ws)
            if message is None:
                raise UserError("the server closed the connection", EXIT_FAILED)
            kind = message.get("type")
            if kind in ("refused", "error"):
                raise UserError(str(message.get("reason")), EXIT_FAILED)
            if kind == wanted:
                break
        if op["type"] == "rooms" and getattr(args, "follow", False):
            report(op, message, args)
            await follow(ws, message.get("rooms", []))
        await ws.close()
    return report(op, message, args)


def room_line(r: dict[str, Any]) -> str:
    scores = ", ".join(f"{p} {v:.1f}" for p, v in (r.get("scores") or {}).items())
    return printable(
        f"room {r.get('room')}: {r.get('state')}, round {r.get('round')}"
        f"/{r.get('rounds_total')} {r.get('phase')}, to move: "
        f"{r.get('to_move') or '-'}; scores {scores}"
    )


async def follow(ws: aiohttp.ClientWebSocketResponse, rooms: list[dict[str, Any]]) -> None:
    """Print a room's line whenever its state, round, phase or mover changes (ctrl+c ends)."""

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        return r.get("state"), r.get("round"), r.get("phase"), r.get("to_move")

    last = {r.get("room"): key(r) for r in rooms}
    while True:
        message = await receive(ws)
        if message is None:
            raise UserError("the server closed the connection", EXIT_FAILED)
        if message.get("type") == "room" and last.get(message.get("room")) != key(message):
            last[message.get("room")] = key(message)
            print(room_line(message), flush=True)


def report(op: dict[str, Any], message: dict[str, Any], args: argparse.Namespace) -> int:
    if op["type"] == "archive":
        from tradegame.saves.atomic import atomic_write_bytes

        data = base64.b64decode(str(message.get("data", "")))
        try:
            atomic_write_bytes(args.archive, data, what="zip file")
        except OSError as exc:
            raise UserError(f"cannot write {args.archive}: {exc}", EXIT_FAILED) from None
        print(
            f"tradegame: wrote {args.archive} ({len(data)} bytes): every room's save "
            f"(tradegame report --compare / grades read them once unzipped)"
        )
        return EXIT_OK
    if op["type"] == "rooms":
        for r in message.get("rooms", []):
            print(room_line(r), flush=True)
        return EXIT_OK
    failed = 0
    for room, result in sorted((message.get("results") or {}).items(), key=lambda x: int(x[0])):
        print(printable(f"room {room}: {result}"))
        failed += result != "done"
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------- a bot's seat


async def relay(args: argparse.Namespace) -> int:
    spec = args.bot
    if not spec.startswith("cmd:") or not spec[4:].strip():
        raise UserError(
            "--bot takes cmd:COMMAND (a program speaking the JSON-lines bot protocol, started here)"
        )
    argv = shlex.split(spec[4:])
    try:
        bot = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=MAX_BOT_LINE,
            start_new_session=True,
        )
    except OSError as exc:
        raise UserError(f"--bot: cannot start {argv[0]!r}: {exc.strerror or exc}") from None
    url = ws_url(args.url)
    secret = {"code": args.code} if args.code else {"token": args.token}
    last_turn: list[int | None] = [None]
    try:
        async with aiohttp.ClientSession() as session:
            tries = 0
            while True:
                ws = await connect(session, url)
                welcome = await join(ws, **secret)
                if welcome.get("role") != "player":
                    raise UserError("that code is not a seat's", EXIT_FAILED)
                if "code" in secret:
                    say(
                        f"playing {welcome.get('player')} in room {welcome.get('room')}; "
                        f"to reconnect: --token {welcome.get('token')}"
                    )
                secret = {"token": str(welcome.get("token"))}
                ended = await pump(ws, bot, last_turn)
                await ws.close()
                if ended:
                    return EXIT_OK
                tries += 1
                if tries > RECONNECTS:
                    raise UserError(
                        "the connection dropped and could not be made again", EXIT_FAILED
                    )
                say("the connection dropped; joining again with the token")
                await asyncio.sleep(RECONNECT_DELAY)
    finally:
        if bot.returncode is None:
            bot.kill()
        try:  # and whatever it started: the bot leads its own process group
            os.killpg(bot.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        await bot.wait()


async def pump(
    ws: aiohttp.ClientWebSocketResponse,
    bot: asyncio.subprocess.Process,
    last_turn: list[int | None],
) -> bool:
    """Relay until the game ends (True) or the connection drops (False)."""
    assert bot.stdin is not None and bot.stdout is not None

    async def answers() -> None:
        assert bot.stdout is not None
        while True:
            try:
                line = await bot.stdout.readline()
            except (ValueError, asyncio.LimitOverrunError):
                say("the bot wrote a line over 1 MiB; it was skipped")
                continue
            if not line:
                return
            try:
                answer = json.loads(line)
            except (ValueError, RecursionError):
                answer = None
            if not isinstance(answer, dict) or not isinstance(answer.get("action"), str):
                say("the bot wrote something that is not an answer; skipped")
                continue
            if answer.get("id") is None:
                answer["id"] = last_turn[0]
            await ws.send_json({"action": answer["action"], "id": answer["id"]})

    reader = asyncio.create_task(answers())
    try:
        while True:
            message = await receive(ws)
            if message is None:
                return False
            kind = message.get("type")
            if kind in ("start", "turn", "end"):
                if kind == "turn":
                    last_turn[0] = message.get("id")
                bot.stdin.write(json.dumps(message).encode() + b"\n")
                await bot.stdin.drain()
                if kind == "end":
                    return True
            elif kind == "refused":
                say(f"move refused: {message.get('reason')}")
    except (BrokenPipeError, ConnectionResetError):
        raise UserError("the bot ended before the game did", EXIT_FAILED) from None
    finally:
        reader.cancel()


# --------------------------------------------------------------------------- a person's seat


async def play_text(args: argparse.Namespace) -> int:
    """A plain text client: the seat's situation report and its legal moves, numbered; the
    player types a number or any move in notation."""
    from tradegame.engine.view import render

    secret = {"code": args.code} if args.code else {"token": args.token}
    async with aiohttp.ClientSession() as session:
        ws = await connect(session, ws_url(args.url))
        welcome = await join(ws, **secret)
        if welcome.get("role") != "player":
            raise UserError("that code is not a seat's", EXIT_FAILED)
        me = welcome.get("player")
        print(
            printable(
                f"You play {me} in room {welcome.get('room')}. If you are "
                f"disconnected: tradegame join {args.url} --token "
                f"{welcome.get('token')}"
            ),
            flush=True,
        )
        while True:
            message = await receive(ws)
            if message is None:
                raise UserError(
                    "the server closed the connection; join again with --token", EXIT_FAILED
                )
            kind = message.get("type")
            if kind == "update" and message.get("paused"):
                print("(the instructor has paused the room)", flush=True)
            elif kind in ("refused", "error"):
                print(printable(f"refused: {message.get('reason')}"), flush=True)
            elif kind == "end":
                print(printable(render(message.get("view") or {})), flush=True)
                return EXIT_OK
            elif kind == "turn":
                legal = [str(a) for a in message.get("legal", [])]
                print("\n" + printable(render(message.get("view") or {})), flush=True)
                for n, action in enumerate(legal, start=1):
                    print(printable(f"  {n:>3}. {action}"))
                answer = (
                    await asyncio.to_thread(input, "Your move (a number, or a move in notation): ")
                ).strip()
                if answer.isdigit() and 1 <= int(answer) <= len(legal):
                    answer = legal[int(answer) - 1]
                await ws.send_json({"type": "move", "action": answer, "version": message.get("id")})


# --------------------------------------------------------------------------- the game screen's seat


def _clean(value: Any, depth: int = 0) -> Any:
    """A server's JSON with every string's control characters neutralised (a hostile or broken
    server cannot put escape sequences on the player's terminal), bounded in depth."""
    if depth > 32:
        raise ValueError("nested too deeply")
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {printable(str(k)): _clean(v, depth + 1) for k, v in value.items()}
    return value


class BadServerMessage(ValueError):
    """A message from the server that is not what the protocol says."""


def _need(message: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = message.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise BadServerMessage(f"{message.get('type')}: {key} is missing or not valid")
    return value


class RemoteSeat(RemotePlay):
    """One seat of a room server, for the game screen (``tradegame join URL --code CODE``).

    It holds only what the server sends this seat: its view, and on its turn the legal moves,
    the talks in progress and the items on the table. Moves are sent with the version the
    server last said, so a stale or repeated one is refused there, never applied twice; a
    turn's orders are sent one by one when the player presses Done. The connection is kept by
    :meth:`run` (in the screen's event loop): a dropped one is joined again with the seat's
    token, and every change is passed to :attr:`on_change`.
    """

    local = False

    def __init__(self, url: str, secret: dict[str, str]) -> None:
        self.url, self.secret = url, dict(secret)
        self.me: str | None = None
        self.room: int | None = None
        self.token: str | None = None
        self.seats: dict[str, str] = {}
        self.incidents: list[str] = []
        self.paused = False
        self.over = False
        self.connection = "connecting"
        self.ready = asyncio.Event()
        """Set once the seat is joined and its first view is here (or it was refused)."""
        self.refusal: str | None = None
        """Why the server would not seat this player (the screen is then not shown)."""
        self._view: dict[str, Any] = {}
        self._turn: dict[str, Any] | None = None
        self._version = -1
        self._sectors: dict[str, str] = {}
        self._breakdown: dict[str, list[dict[str, Any]]] = {}
        self._sending: list[Action] = []
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._requests: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._next_request = 0
        self._baselines: dict[int, float] = {}
        """Round → the seat's projected score at the round's start (sent by the server)."""

    # ------------------------------------------------------------------ the connection

    async def run(self) -> None:
        """Join, then follow the room until the game ends or the connection cannot be had
        back (after :data:`RECONNECTS` attempts)."""
        attempts = 0
        async with aiohttp.ClientSession() as session:
            while True:
                try:
                    self._ws = await session.ws_connect(
                        self.url, max_msg_size=64 * 1024 * 1024, heartbeat=20
                    )
                except (aiohttp.ClientError, OSError) as exc:
                    self._ws = None
                    reason = f"cannot reach the server ({printable(str(exc))[:200]})"
                else:
                    attempts = 0 if self.token else attempts
                    secret = {"token": self.token} if self.token else self.secret
                    await self._ws.send_json({"type": "join", **secret})
                    async for msg in self._ws:
                        if msg.type != aiohttp.WSMsgType.TEXT:
                            continue
                        self._receive(msg.data)
                        if self.refusal is not None:
                            await self._ws.close()
                            return
                    reason = "the connection was lost"
                if self.refusal is not None or self.over and self.ready.is_set():
                    return
                attempts += 1
                if attempts > RECONNECTS or self.token is None:
                    self._fail_requests(reason)
                    self.refusal = self.refusal or reason
                    self.connection = f"{reason}; join again with --token {self.token}"
                    self._notify(Notice(self.connection, error=True, title="Disconnected"))
                    self.ready.set()
                    return
                self._fail_requests(reason)
                self.connection = f"{reason}; joining again ({attempts} of {RECONNECTS})"
                self._turn = None
                self._sending = []
                self._notify(Notice(self.connection))
                await asyncio.sleep(RECONNECT_DELAY)

    def _receive(self, text: str) -> None:
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise BadServerMessage("not a JSON object")
            self.handle(_clean(data))
        except (ValueError, RecursionError, KeyError, TypeError) as exc:
            self._notify(
                Notice(f"a message from the server could not be read ({printable(str(exc))[:120]})")
            )

    def handle(self, m: dict[str, Any]) -> None:
        """One message from the server (already cleaned of control characters)."""
        kind = m.get("type")
        if kind == "welcome":
            if m.get("role") != "player":
                self.refusal = "that code is not a seat's code"
                self.ready.set()
                return
            self.me = _need(m, "player", str)
            self.room = _need(m, "room", int)
            self.token = _need(m, "token", str)
            sectors = m.get("sectors") or {}
            self._sectors = {str(k): str(v) for k, v in sectors.items()}
            self.connection = "connected"
        elif kind == "update":
            view = _need(m, "view", dict)
            version = _need(m, "version", int)
            self._view, self._version = view, version
            self.paused = bool(m.get("paused"))
            if self._turn is not None and self._turn.get("id") != version:
                self._turn = None
            seats = {p.get("id"): "" for p in view.get("players", []) if isinstance(p, dict)}
            self.seats = {str(p): ("human" if p == self.me else "") for p in seats}
            projected = m.get("projected")
            if isinstance(projected, (int, float)) and not isinstance(projected, bool):
                self._baselines.setdefault(self.round(), float(projected))
            if not self.ready.is_set():
                self.ready.set()
                return
            self._notify(None)
        elif kind == "what_if":
            request = m.get("id")
            future = self._requests.get(request) if isinstance(request, int) else None
            if future is not None and not future.done():
                future.set_result(m)
        elif kind == "turn":
            _need(m, "id", int)
            legal = _need(m, "legal", list)
            if not all(isinstance(a, str) for a in legal):
                raise BadServerMessage("turn: legal is not a list of moves")
            self._turn = m
            self._notify(None)
        elif kind == "accepted":
            self._version = _need(m, "version", int)
            self._send_next()
        elif kind in ("refused", "error"):
            reason = str(m.get("reason") or "refused")
            if not self.ready.is_set():
                self.refusal = reason
                self.ready.set()
                return
            lost = len(self._sending)
            self._sending = []
            if lost:
                reason += f" ({lost} of your moves were not sent: stage them again)"
            self._notify(Notice(reason, error=True))
        elif kind == "end":
            self.over = True
            self._turn = None
            if isinstance(m.get("view"), dict):
                self._view = m["view"]
            breakdown = m.get("breakdown")
            if isinstance(breakdown, dict):
                self._breakdown = breakdown
            self._notify(None)

    def _fail_requests(self, reason: str) -> None:
        for future in self._requests.values():
            if not future.done():
                future.set_exception(PreviewUnavailable(reason))

    def _notify(self, notice: Notice | None) -> None:
        if self.ready.is_set():
            self.on_change(notice)

    async def _send(self, action: Action) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_json(
                {"type": "move", "action": str(action), "version": self._version}
            )

    def _send_next(self) -> None:
        if self._sending:
            asyncio.get_running_loop().create_task(self._send(self._sending.pop(0)))

    async def close_connection(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    # ------------------------------------------------------------------ PlaySession

    @property
    def title(self) -> str:
        scenario = self._view.get("scenario") or {}
        return f"{scenario.get('title', 'tradegame')} · {self.me} · room {self.room}"

    @property
    def player_ids(self) -> tuple[str, ...]:
        return tuple(str(p.get("id")) for p in self._view.get("players", []))

    @property
    def sector_names(self) -> dict[str, str]:
        return dict(self._sectors)

    @property
    def limits(self) -> tuple[int, int]:
        limits = self._view.get("limits") or {}
        return int(limits.get("max_terms", 0)), int(limits.get("max_orders", 0))

    @property
    def humans(self) -> tuple[str, ...]:
        return (self.me,) if self.me else ()

    def player_name(self, player: str) -> str:
        found: dict[str, Any] = next(
            (p for p in self._view.get("players", []) if p.get("id") == player), {}
        )
        return str(found.get("name", player))

    def status_note(self) -> str:
        parts = []
        if self.connection != "connected":
            parts.append(self.connection)
        if self.paused and not self.over:
            parts.append("PAUSED by the instructor")
        return " · ".join(parts)

    @property
    def version(self) -> int:
        return self._version

    def to_move(self) -> str | None:
        mover = self._view.get("to_move")
        return str(mover) if mover else None

    def phase(self) -> str:
        return str(self._view.get("phase", ""))

    def round(self) -> int:
        value = self._view.get("round", 0)
        return value if isinstance(value, int) else 0

    def is_over(self) -> bool:
        return self.over or self._view.get("scores") is not None

    def can_move(self, player: str) -> bool:
        return (
            player == self.me
            and not self.paused
            and not self.is_over()
            and self._turn is not None
            and self._turn.get("id") == self._version
            and self.connection == "connected"
        )

    def view_json(self, viewer: str | None) -> dict[str, Any]:
        return self._view

    def _my_turn(self) -> dict[str, Any] | None:
        return self._turn if self.me is not None and self.can_move(self.me) else None

    def talks_now(self) -> TalksNow | None:
        turn = self._my_turn()
        talks = (turn or {}).get("talks")
        if not isinstance(talks, dict) or self.me is None:
            return None
        offer = talks.get("offer")
        terms = (
            tuple(Term(str(item), float(value)) for item, value in offer)
            if isinstance(offer, list)
            else None
        )
        partner = str(talks.get("partner"))
        return TalksNow(
            (self.me, partner), int(talks.get("exchanges", 0)), terms, talks.get("offer_by")
        )

    def talks_partner(self, player: str) -> str | None:
        talks = self.talks_now()
        return talks.pair[1] if talks is not None else None

    def deal_items(self, player: str, partner: str) -> list[str]:
        turn = self._my_turn() or {}
        return [str(d.get("id")) for d in turn.get("deal_items", []) if isinstance(d, dict)]

    def _legal(self) -> list[Action]:
        out = []
        for text in (self._my_turn() or {}).get("legal", []):
            try:
                out.append(parse(text))
            except InvalidActionError:
                continue
        return out

    def legal_orders(self, player: str, staged: Sequence[Action]) -> list[Action]:
        if self.phase() != "orders" or len(staged) >= self.limits[1]:
            return []
        return [a for a in self._legal() if not isinstance(a, Done) and a not in staged]

    def palette_moves(self, player: str, staged: Sequence[Action], limit: int) -> list[Action]:
        if self.phase() == "orders":
            return [*self.legal_orders(player, staged), Done(player)]
        return self._legal()[:limit]

    def can(self, action: Action) -> bool:
        if action in self._legal():
            return True
        talks = self.talks_now()
        if talks is None:
            return False
        if isinstance(action, Message):  # free text to the partner: the server referees
            return action.player == self.me and action.partner == talks.pair[1]
        if not isinstance(action, (Propose, Counter)):
            return False
        # any deal on the table (the server's list names single terms): the server referees
        items = set(self.deal_items(action.player, talks.pair[1]))
        return (
            action.player == self.me
            and action.partner == talks.pair[1]
            and isinstance(action, Counter) == (talks.offer is not None)
            and 0 < len(action.terms) <= self.limits[0]
            and all(t.item in items for t in action.terms)
        )

    def score_breakdown(self) -> dict[str, list[dict[str, Any]]]:
        return dict(self._breakdown) if self.is_over() else {}

    def play(self, action: Action) -> bool:
        if self.me is None or not self.can_move(self.me):
            raise IllegalActionError("it is not your move now")
        asyncio.get_running_loop().create_task(self._send(action))
        return False

    def check_orders(self, player: str, staged: Sequence[Action]) -> None:
        legal = set(self._legal())
        max_orders = self.limits[1]
        if len(staged) > max_orders:
            raise IllegalActionError(f"at most {max_orders} orders a round")
        for n, action in enumerate(staged):
            if action not in legal:
                raise IllegalActionError(f"{action} is not one of your orders now")
            if action in staged[:n]:
                raise IllegalActionError(f"{action} is staged already")

    def send_orders(self, player: str, staged: Sequence[Action]) -> bool:
        self.check_orders(player, staged)
        if self.me is None or not self.can_move(self.me):
            raise IllegalActionError("it is not your move now")
        self._sending = [*staged, Done(player)]
        self._send_next()
        return False

    def projected(self, player: str) -> float | None:
        return self._baselines.get(self.round())

    @property
    def can_preview(self) -> bool:
        return True

    async def preview(self, player: str, actions: Sequence[Action]) -> Projection:
        """Asked of the server (which limits how often), for this seat's own moves on the
        state this seat last saw; the answer is checked before it is shown."""
        ws = self._ws
        if ws is None or ws.closed or self.connection != "connected" or player != self.me:
            raise PreviewUnavailable("not connected to the room")
        self._next_request += 1
        request = self._next_request
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._requests[request] = future
        try:
            await ws.send_json(
                {
                    "type": "what_if",
                    "id": request,
                    "version": self._version,
                    "actions": [str(a) for a in actions],
                }
            )
            reply = await asyncio.wait_for(future, PREVIEW_TIMEOUT)
        except TimeoutError:
            raise PreviewUnavailable("the server did not answer in time") from None
        except (ConnectionError, RuntimeError, aiohttp.ClientError):
            raise PreviewUnavailable("the connection was lost") from None
        finally:
            self._requests.pop(request, None)
        if isinstance(reply.get("projection"), dict):
            return _projection(reply["projection"], player)
        reason = str(reply.get("error") or "no answer")
        if reply.get("illegal"):
            raise IllegalActionError(reason)
        raise PreviewUnavailable(reason)


def _projection(data: dict[str, Any], player: str) -> Projection:
    """A server's projection, checked field by field (BadServerMessage otherwise)."""
    import math

    def number(value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BadServerMessage(f"what_if: {where} is not a number")
        if not math.isfinite(value):
            raise BadServerMessage(f"what_if: {where} is not finite")
        return float(value)

    metrics = data.get("metrics")
    notes = data.get("notes")
    if not isinstance(metrics, dict) or not isinstance(notes, list):
        raise BadServerMessage("what_if: the projection is not complete")
    return Projection(
        player,
        number(data.get("score"), "score"),
        number(data.get("baseline"), "baseline"),
        {str(k): number(v, f"metrics.{k}") for k, v in metrics.items()},
        tuple(str(n) for n in notes[:20]),
    )


# ------------------------------------------------------------------- the instructor's console


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
        dropped) is joined again with the same code, up to :data:`RECONNECTS` tries in a
        row, :data:`RECONNECT_DELAY` seconds apart (the same code works on a resumed host)."""
        attempts = 0
        async with aiohttp.ClientSession() as session:
            while True:
                if await self._connection(session):
                    attempts = 0  # it was joined: a later drop starts counting again
                if self.refusal is not None or not self.ready.is_set():
                    break
                attempts += 1
                if attempts > RECONNECTS:
                    self.say(
                        f"the server cannot be reached; gave up after {RECONNECTS} tries "
                        f"(q quits; start the console again when the server is back)"
                    )
                    break
                self.say(f"joining again ({attempts} of {RECONNECTS})")
                await asyncio.sleep(RECONNECT_DELAY)
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
                data = json.loads(msg.data)
                if not isinstance(data, dict):
                    raise BadServerMessage("not a JSON object")
                self.handle(_clean(data))
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
            rooms = _need(m, "rooms", list)
            self.rooms = {_need(r, "room", int): r for r in rooms if isinstance(r, dict)}
            self.seats = [s for s in _need(m, "seats", list) if isinstance(s, dict)]
            if not self.ready.is_set():
                self.ready.set()
                return
        elif kind == "room":
            self.rooms[_need(m, "room", int)] = m
        elif kind == "done":
            results = _need(m, "results", dict)
            op = str(m.get("op"))
            for room, result in sorted(results.items()):
                self.notices.append(f"{op}, room {room}: {result}")
            self.notices = self.notices[-200:]
            if op in ("pause", "resume", "end", "rollback", "clock"):
                self.ask({"type": "rooms"})  # the seats' connections too
        elif kind == "archive":
            self._write_archive(str(_need(m, "data", str)))
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


__all__ = ["InstructorLink", "RemoteSeat", "instruct", "play_text", "relay", "ws_url"]
