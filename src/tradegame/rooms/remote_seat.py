"""One seat of a room server, for the game screen (``tradegame join URL --code CODE``): the same
:class:`~tradegame.session.play.RemotePlay` interface as a local game, fed by what the server
sends this seat."""

from __future__ import annotations

import asyncio
import math
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
from tradegame.rooms import connection
from tradegame.rooms.connection import BadServerMessage, decode, need
from tradegame.session.play import Notice, PreviewUnavailable, RemotePlay, TalksNow
from tradegame.untrusted import printable

PREVIEW_TIMEOUT = 10.0
"""Seconds a what-if preview may take the server before the screen says there is none."""


def export_boosts_of(sent: Any) -> dict[str, tuple[str, float]]:
    """The welcome's regulatory items' effects (item -> [sector, share per level unit]); an
    entry that is not that shape, or a share that is not a finite number, is left out (its
    levels then read "level 1")."""
    if not isinstance(sent, dict):
        return {}
    found: dict[str, tuple[str, float]] = {}
    for item, pair in sent.items():
        if not (isinstance(item, str) and isinstance(pair, list) and len(pair) == 2):
            continue
        sector, share = pair
        if (
            isinstance(sector, str)
            and isinstance(share, int | float)
            and not isinstance(share, bool)
            and math.isfinite(share)
        ):
            found[item] = (sector, float(share))
    return found


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
        self._export_boosts: dict[str, tuple[str, float]] = {}
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
        back (after :data:`connection.RECONNECTS` attempts)."""
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
                if attempts > connection.RECONNECTS or self.token is None:
                    self._fail_requests(reason)
                    self.refusal = self.refusal or reason
                    self.connection = f"{reason}; join again with --token {self.token}"
                    self._notify(Notice(self.connection, error=True, title="Disconnected"))
                    self.ready.set()
                    return
                self._fail_requests(reason)
                self.connection = f"{reason}; joining again ({attempts} of {connection.RECONNECTS})"
                self._turn = None
                self._sending = []
                self._notify(Notice(self.connection))
                await asyncio.sleep(connection.RECONNECT_DELAY)

    def _receive(self, text: str) -> None:
        try:
            self.handle(decode(text))
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
            self.me = need(m, "player", str)
            self.room = need(m, "room", int)
            self.token = need(m, "token", str)
            sectors = m.get("sectors") or {}
            self._sectors = {str(k): str(v) for k, v in sectors.items()}
            self._export_boosts = export_boosts_of(m.get("export_boosts"))
            self.connection = "connected"
        elif kind == "update":
            view = need(m, "view", dict)
            version = need(m, "version", int)
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
            need(m, "id", int)
            legal = need(m, "legal", list)
            if not all(isinstance(a, str) for a in legal):
                raise BadServerMessage("turn: legal is not a list of moves")
            self._turn = m
            self._notify(None)
        elif kind == "accepted":
            self._version = need(m, "version", int)
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
    def export_boosts(self) -> dict[str, tuple[str, float]]:
        return dict(self._export_boosts)

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
