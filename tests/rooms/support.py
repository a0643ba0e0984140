"""Helpers for the room server tests: an in-process server and websocket clients."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import aiohttp

from tradegame.agents.base import Turn, agent_rng, make_agent, safe_move
from tradegame.agents.protocol import turn_message
from tradegame.engine import Game, parse
from tradegame.rooms.server import RoomServer
from tradegame.scenario.loader import load_scenario_text

TIMEOUT = 20.0


async def start_server(
    folder: Path,
    scenario: str = "classroom-lesson",
    *,
    rooms: int = 1,
    seats: dict[str, str] | None = None,
    seed: int = 7,
    text: str | None = None,
    **kw: Any,
) -> RoomServer:
    if text is None:
        text, _ = load_scenario_text(scenario)
    server, _ = RoomServer.create(
        text,
        scenario,
        rooms=rooms,
        seats=seats or {},
        code_seats=set(),
        folder=folder,
        seed=seed,
        **kw,
    )
    await server.start("127.0.0.1", 0)
    return server


class Conn:
    """A websocket client of the room protocol, keeping every message it received."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.received: list[dict[str, Any]] = []

    async def open(self, **kw: Any) -> Conn:
        self.ws = await self.session.ws_connect(self.url, max_msg_size=0, **kw)
        hello = await self.recv()
        assert hello["type"] == "hello"
        return self

    async def send(self, message: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send_json(message)

    async def recv(self) -> dict[str, Any]:
        assert self.ws is not None
        msg = await asyncio.wait_for(self.ws.receive(), TIMEOUT)
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"closed: {msg.type}")
        data: dict[str, Any] = msg.json()
        self.received.append(data)
        return data

    async def until(self, *types: str) -> dict[str, Any]:
        while True:
            message = await self.recv()
            if message["type"] in types:
                return message

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def url_of(server: RoomServer) -> str:
    return f"http://127.0.0.1:{server.port}/ws"


def codes(server: RoomServer, room: int = 1) -> dict[str, str]:
    return {s.player: s.code for s in server.book.seats if s.room == room}


def choose(rng: random.Random, legal: list[str]) -> str:
    """A seat's choice from its turn's legal list (the same locally and over the network)."""
    return rng.choice(legal)


def play_locally(text: str, name: str, seed: int, seats: dict[str, str], rng_seed: int = 1) -> Game:
    """The game the network test plays, with the same choices made here without a server."""
    from tradegame.scenario import rules_from_text

    rules = rules_from_text(text, name)
    game = Game.new(rules, seed)
    rngs = {p: random.Random(f"{rng_seed}:{p}") for p in rules.player_ids}
    agents = {p: make_agent(s, agent_rng(seed, p, s)) for p, s in seats.items()}
    while not game.is_over():
        player = game.to_move()
        assert player is not None
        if player in agents:
            action, _ = safe_move(agents[player], game.copy(), player)
        else:
            legal = turn_message(Turn(game, player), 0, 0.0)["legal"]
            action = parse(choose(rngs[player], legal))
        game.apply(action)
    return game


async def play_seat(
    conn: Conn, rng: random.Random, *, drop_at: int | None = None
) -> tuple[Conn, int]:
    """Answer this seat's turns until the end; at turn ``drop_at`` disconnect without
    answering and come back with the token. Returns the connection and the moves made."""
    welcome = await conn.until("welcome")
    token = welcome["token"]
    moves = 0
    turns = 0
    while True:
        message = await conn.until("turn", "end", "refused")
        assert message["type"] != "refused", message
        if message["type"] == "end":
            return conn, moves
        turns += 1
        if turns == drop_at:
            await conn.close()
            conn = await Conn(conn.session, conn.url).open()
            await conn.send({"type": "join", "token": token})
            again = await conn.until("welcome")
            assert again["player"] == welcome["player"] and again["token"] == token
            start = await conn.until("start")
            assert start["view"]["you"]["id"] == welcome["player"]
            message = await conn.until("turn")  # the same turn, again
        await conn.send({"action": choose(rng, message["legal"]), "id": message["id"]})
        reply = await conn.until("accepted", "refused")
        assert reply["type"] == "accepted", reply
        moves += 1
