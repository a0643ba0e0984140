"""The room protocol (``tradegame-room/1``): JSON objects, one per websocket text message.

Everything a client sends is data: a code or token, a room number, an action in the engine's
notation, the version it saw, and for the instructor a room, a round, news text or an inject
id. No message names a file, a command, a module or an agent that runs code; any other
``type`` or field is refused. A seat's messages are the JSON-lines bot protocol's
(:mod:`tradegame.agents.protocol`): ``start``, ``turn`` (whose ``id`` is the version to echo)
and ``end``, answered by ``{"action": "<notation>", "id": ID}``; so a bot relayed by
``tradegame join --bot`` or speaking websockets itself plays a seat unchanged.

Client to server::

    {"type": "join", "code": "K7QM-X3TP"}          a seat (or the instructor) by its code
    {"type": "join", "token": "..."}               a seat again, after a drop or a reload
    {"type": "watch", "room": 2}                   a spectator: the public view only
    {"type": "move", "action": "JP pass", "version": 17}
    {"action": "JP pass", "id": 17}                the same move, as a bot answers a turn
    {"type": "ping"}
    instructor only ("room" a number, or null / absent for every room):
    {"type": "rooms"}  {"type": "pause", "room": 2}  {"type": "resume"}
    {"type": "news", "room": null, "text": "...", "effects": "stress=10"}
    {"type": "inject", "room": 3, "id": "yen_surge"}
    {"type": "rollback", "room": 3, "round": 2}      {"type": "end", "room": 3}
    {"type": "clock", "seconds": 120, "agent": "passive"}   (built-in agents only)
    {"type": "archive"}                              every room's save, one zip

Server to client: ``welcome`` (role, room, player, token, rooms), ``update`` (version, paused,
the clock, the viewer's own view: a seat's, or the public view), the bot protocol's ``start``,
``turn`` and ``end`` for a seat, ``accepted``/``refused`` after a move (with the version now),
``rooms`` (the instructor's list), ``done`` (an instructor operation's result), ``archive``
(base64 zip), ``error`` (a message that was not understood; the connection stays).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter, ValidationError
from pydantic_core import to_json

from tradegame.untrusted import printable

PROTOCOL = "tradegame-room/1"
MAX_MESSAGE_BYTES = 64 * 1024
"""A client message larger than this closes the connection (aiohttp's ``max_msg_size``)."""
MAX_TEXT = 2000
"""The longest text field a client may send (an action, news text)."""

Text = Annotated[str, Field(max_length=MAX_TEXT)]
Secret = Annotated[str, Field(min_length=1, max_length=200)]
RoomNo = Annotated[StrictInt, Field(ge=1, le=10_000)]
Version = Annotated[StrictInt, Field(ge=0, le=2**53)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Join(_Message):
    type: Literal["join"]
    code: Secret | None = None
    token: Secret | None = None


class Watch(_Message):
    type: Literal["watch"]
    room: RoomNo


class Move(_Message):
    type: Literal["move"]
    action: Text
    version: Version


class Ping(_Message):
    type: Literal["ping"]


class Rooms(_Message):
    type: Literal["rooms"]


class Pause(_Message):
    type: Literal["pause", "resume", "end"]
    room: RoomNo | None = None


class News(_Message):
    type: Literal["news"]
    room: RoomNo | None = None
    text: Text
    effects: Text = ""


class Inject(_Message):
    type: Literal["inject"]
    room: RoomNo | None = None
    id: Annotated[str, Field(max_length=200)]


class Rollback(_Message):
    type: Literal["rollback"]
    room: RoomNo
    round: Annotated[StrictInt, Field(ge=1, le=10_000)]


class Clock(_Message):
    type: Literal["clock"]
    seconds: Annotated[float, Field(gt=0, le=86_400, allow_inf_nan=False)] | None
    agent: Annotated[str, Field(max_length=100)] | None = None


class Archive(_Message):
    type: Literal["archive"]


MAX_PREVIEW_ACTIONS = 12
"""Moves in one what-if request (a talks draft, or a turn's orders and Done)."""


class WhatIf(_Message):
    """A seat asks for the projection of its own moves on the room's current state."""

    type: Literal["what_if"]
    id: Annotated[StrictInt, Field(ge=0, le=2**53)]
    version: Version
    actions: Annotated[list[Text], Field(max_length=MAX_PREVIEW_ACTIONS)]


ClientMessage = Annotated[
    Join
    | Watch
    | Move
    | Ping
    | Rooms
    | Pause
    | News
    | Inject
    | Rollback
    | Clock
    | Archive
    | WhatIf,
    Field(discriminator="type"),
]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(ClientMessage)


class BotAnswer(BaseModel):
    """A bot's answer to a ``turn``, sent as it is (other keys are ignored, as on a pipe)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    action: Text
    id: Version


class BadMessage(ValueError):
    """A client message that is not one of the protocol's; ``str()`` quotes nothing of it
    beyond a short, neutralised excerpt."""


def decode(text: str | bytes) -> Any:
    """The message in a websocket text frame, or :class:`BadMessage`."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise BadMessage("not a JSON object") from None
    if not isinstance(raw, dict):
        raise BadMessage("not a JSON object")
    if "type" not in raw and "action" in raw:  # a bot's answer, forwarded as it is
        try:
            answer = BotAnswer.model_validate(raw)
        except ValidationError:
            raise BadMessage(
                'a bot answer is {"action": "<notation>", "id": <the turn\'s id>}'
            ) from None
        return Move(type="move", action=answer.action, version=answer.id)
    try:
        return _ADAPTER.validate_python(raw)
    except ValidationError as exc:
        kind = raw.get("type")
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(x) for x in first.get("loc", ()) if x != kind)
        what = first.get("msg", "invalid")
        label = shown(kind) if isinstance(kind, str) else "message"
        raise BadMessage(f"{label}: {where + ': ' if where else ''}{what}") from None


def shown(text: str, limit: int = 60) -> str:
    """Client text as it may appear in a reply: short, control characters neutralised."""
    return printable(text if len(text) <= limit else text[: limit - 3] + "...")


def encode(message: dict[str, Any]) -> str:
    # pydantic-core's encoder: 3x the standard library's on a whole view (about 70 KB), which
    # every seat gets after every move. The engine keeps numbers finite (NonFiniteError).
    return to_json(message, inf_nan_mode="null").decode()


__all__ = [
    "MAX_MESSAGE_BYTES",
    "PROTOCOL",
    "Archive",
    "BadMessage",
    "Clock",
    "Inject",
    "Join",
    "Move",
    "News",
    "Pause",
    "Ping",
    "Rollback",
    "Rooms",
    "Watch",
    "decode",
    "encode",
    "shown",
]
