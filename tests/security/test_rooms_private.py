"""Nothing private of one seat reaches another seat or a spectator of a room: a differential
test plays the same game twice over websockets, with one seat's private data changed, and
compares every message the other seats and a spectator receive."""

from __future__ import annotations

import asyncio
import json
import random

import aiohttp
import pytest

from tests.rooms.support import Conn, codes, play_seat, start_server, url_of
from tradegame.scenario.loader import load_scenario_text

SCENARIO = "classroom-lesson"


def variant(text: str) -> str:
    """classroom-lesson with JP's private data changed: its confidential briefing and the
    weights of two of its objectives (same sum)."""
    changed = text.replace("## Japan — confidential", "## Japan — confidential ZQX-SECRET", 1)
    changed = changed.replace(
        "best: 0.025, worst: 0.275, weight: 0.25}", "best: 0.025, worst: 0.275, weight: 0.30}", 1
    )
    changed = changed.replace(
        '{metric: tariff_faced, partner: "US", best: 0.033, worst: 0.30, weight: 0.15}',
        '{metric: tariff_faced, partner: "US", best: 0.033, worst: 0.30, weight: 0.10}',
        1,
    )
    assert changed.count("ZQX-SECRET") == 1 and changed.count("weight: 0.30}") == 1
    assert "weight: 0.10}" in changed
    return changed


def published(message: dict) -> dict:
    """A message without the final results, which the end of the game publishes to all (the
    scores, BATNAs and, in the ``end`` message only, how every score was made: the local end
    screen shows the same)."""
    if message.get("type") == "end":
        message = {k: v for k, v in message.items() if k != "breakdown"}

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("scores", "batna")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(message)


async def everything_received(folder, text):
    server = await start_server(folder, SCENARIO, text=text, seed=5)
    try:
        async with aiohttp.ClientSession() as session:
            spectator = await Conn(session, url_of(server)).open()
            await spectator.send({"type": "watch", "room": 1})
            conns = {}
            for player, code in codes(server).items():
                conns[player] = await Conn(session, url_of(server)).open()
                await conns[player].send({"type": "join", "code": code})
            await asyncio.wait_for(
                asyncio.gather(
                    *(play_seat(conn, random.Random(f"diff:{p}")) for p, conn in conns.items())
                ),
                300,
            )
            while True:  # the spectator's remaining messages
                try:
                    await asyncio.wait_for(spectator.recv(), 0.5)
                except TimeoutError:
                    break
            assert server.rooms[1].game.is_over()
            received = {p: conn.received for p, conn in conns.items()}
            received["spectator"] = spectator.received
            return received
    finally:
        await server.stop()


def without_tokens(messages):
    return [{k: v for k, v in m.items() if k != "token"} for m in messages]


@pytest.mark.slow
async def test_no_seat_and_no_spectator_receives_anything_private_of_a_seat(tmp_path):
    text, _ = load_scenario_text(SCENARIO)
    plain = await everything_received(tmp_path / "a", text)
    changed = await everything_received(tmp_path / "b", variant(text))
    # JP itself sees the change (the test would be empty otherwise) ...
    assert "ZQX-SECRET" in json.dumps(changed["JP"])
    assert published_all(plain["JP"]) != published_all(changed["JP"])
    # ... and nobody else receives anything different, message for message
    for who in ("US", "EU", "spectator"):
        assert len(plain[who]) == len(changed[who]) > 10
        assert "ZQX-SECRET" not in json.dumps(changed[who])
        assert published_all(without_tokens(plain[who])) == published_all(
            without_tokens(changed[who])
        ), who


def published_all(messages):
    return [published(m) for m in messages]


async def test_a_spectator_gets_the_public_view_and_the_instructor_watching_sees_all(tmp_path):
    server = await start_server(tmp_path, SCENARIO, seats={"US": "dove", "EU": "linear"})
    try:
        async with aiohttp.ClientSession() as session:
            spectator = await Conn(session, url_of(server)).open()
            await spectator.send({"type": "watch", "room": 1})
            assert (await spectator.until("welcome"))["role"] == "spectator"
            view = (await spectator.until("update"))["view"]
            assert view["viewer"] == "spectator"
            assert "you" not in view and "private" not in view
            assert "Japan — confidential" not in json.dumps(view)
            teacher = await Conn(session, url_of(server)).open()
            await teacher.send({"type": "join", "code": server.book.instructor_code})
            await teacher.until("welcome")
            await teacher.send({"type": "watch", "room": 1})
            full = (await teacher.until("update"))["view"]
            assert full["viewer"] == "instructor" and "JP" in full["private"]
            await spectator.send({"type": "watch", "room": 9})
            assert "no room 9" in (await spectator.until("refused"))["reason"]
    finally:
        await server.stop()
