"""The wire under every client of a room server: the address, the connection, a checked and
cleaned message, the join. Used by the text clients (:mod:`tradegame.rooms.client`), the game
screen's seat (:mod:`tradegame.rooms.remote_seat`) and the instructor's console
(:mod:`tradegame.rooms.instructor_link`)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tradegame.errors import EXIT_FAILED, UserError
from tradegame.untrusted import printable

RECONNECTS = 5
RECONNECT_DELAY = 2.0
"""Seconds between tries to join again (read at each try, so tests may shorten it)."""


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


def clean(value: Any, depth: int = 0) -> Any:
    """A server's JSON with every string's control characters neutralised (a hostile or broken
    server cannot put escape sequences on the player's terminal), bounded in depth."""
    if depth > 32:
        raise ValueError("nested too deeply")
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {printable(str(k)): clean(v, depth + 1) for k, v in value.items()}
    return value


class BadServerMessage(ValueError):
    """A message from the server that is not what the protocol says."""


def need(message: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = message.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise BadServerMessage(f"{message.get('type')}: {key} is missing or not valid")
    return value


def decode(text: str | bytes) -> dict[str, Any]:
    """One server message: a JSON object with every string cleaned (:func:`clean`). Raises
    ValueError (BadServerMessage included) or RecursionError for anything else."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise BadServerMessage("not a JSON object")
    return clean(data)
