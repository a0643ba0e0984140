"""A whole game over the network: three seats, an AI seat, a disconnect mid-turn and a
reconnection by token; the server's game equals the same moves played locally."""

from __future__ import annotations

import asyncio
import random

import aiohttp
import pytest

from tests.rooms.support import Conn, codes, play_locally, play_seat, start_server, url_of
from tradegame.saves import load_game
from tradegame.scenario.loader import load_scenario_text

SCENARIO = "with-china"
SEATS = {"CN": "tit-for-tat"}
AI = {"US": "dove", "EU": "linear"}


@pytest.mark.slow
async def test_a_whole_game_over_websockets_equals_the_same_moves_played_locally(tmp_path):
    text, _ = load_scenario_text(SCENARIO)
    server = await start_server(tmp_path, SCENARIO, seats=SEATS, seed=11)
    try:
        seed = server.rooms[1].match.seed
        async with aiohttp.ClientSession() as session:
            conns = {}
            for player, code in codes(server).items():
                conns[player] = await Conn(session, url_of(server)).open()
                await conns[player].send({"type": "join", "code": code})
            assert sorted(conns) == ["EU", "JP", "US"]
            results = await asyncio.wait_for(
                asyncio.gather(
                    *(
                        play_seat(
                            conn,
                            random.Random(f"1:{player}"),
                            drop_at=3 if player == "JP" else None,
                        )
                        for player, conn in conns.items()
                    )
                ),
                300,
            )
            assert all(moves > 0 for _, moves in results)
            for conn, _ in results:
                await conn.close()
        room = server.rooms[1]
        assert room.game.is_over()
        await room.save_now()
        saved = load_game(tmp_path / "room-01.json")
    finally:
        await server.stop()
    local = play_locally(text, SCENARIO, seed, SEATS, rng_seed=1)
    assert saved.game.state_hash() == local.state_hash()
    assert [str(a) for a in saved.game.actions] == [str(a) for a in local.actions]


async def test_a_restarted_server_resumes_every_room_with_its_codes_and_tokens(tmp_path):
    server = await start_server(tmp_path, "classroom-lesson", rooms=2, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(server)).open()
            await jp.send({"type": "join", "code": codes(server)["JP"]})
            token = (await jp.until("welcome"))["token"]
            for _ in range(3):
                turn = await jp.until("turn")
                await jp.send({"action": turn["legal"][0], "id": turn["id"]})
                assert (await jp.until("accepted", "refused"))["type"] == "accepted"
    finally:
        await server.stop()
    # Read once the server has stopped: until then its AI seats may still be moving.
    before = {
        n: (r.game.state_hash(), list(r.game.actions), r.version) for n, r in server.rooms.items()
    }
    book = server.book.to_json()
    again = await start_server(tmp_path, "classroom-lesson", rooms=None, seats=AI)
    try:
        assert again.book.to_json() == book
        for n, room in again.rooms.items():
            state_hash, actions, version = before[n]
            # the same game goes on (its AI seats may already have moved again)
            assert room.game.actions[: len(actions)] == actions
            if len(room.game.actions) == len(actions):
                assert room.game.state_hash() == state_hash
            assert room.version > version  # moves sent before the restart are stale
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(again)).open()
            await jp.send({"type": "join", "token": token})
            welcome = await jp.until("welcome")
            assert welcome["player"] == "JP" and welcome["room"] == 1
    finally:
        await again.stop()


async def test_a_role_given_to_an_agent_on_restart_loses_its_code_and_token(tmp_path):
    server = await start_server(tmp_path, "classroom-lesson", seats={"US": "dove"})
    jp_code = codes(server)["JP"]
    try:
        async with aiohttp.ClientSession() as session:
            eu = await Conn(session, url_of(server)).open()
            await eu.send({"type": "join", "code": codes(server)["EU"]})
            token = (await eu.until("welcome"))["token"]
    finally:
        await server.stop()
    again = await start_server(
        tmp_path, "classroom-lesson", rooms=None, seats={"US": "dove", "EU": "linear"}
    )
    try:
        assert codes(again) == {"JP": jp_code}
        async with aiohttp.ClientSession() as session:
            eu = await Conn(session, url_of(again)).open()
            await eu.send({"type": "join", "token": token})
            assert (await eu.until("welcome", "refused"))["type"] == "refused"
    finally:
        await again.stop()


async def test_a_message_over_the_network_reaches_the_partner_and_no_spectator(tmp_path):
    """A seat's `message` move is refereed like any move: accepted, the turn stays with the
    sender (a new turn follows), the partner's view shows it, a spectator's does not."""
    from tradegame.rooms.views import public_view

    server = await start_server(tmp_path, "classroom-lesson", seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(server)).open()
            await jp.send({"type": "join", "code": codes(server)["JP"]})
            room = server.rooms[1]
            for _ in range(40):  # JP's moves until it is in talks
                turn = await jp.until("turn")
                if room.game.session is not None:
                    break
                await jp.send({"action": turn["legal"][-1], "id": turn["id"]})
                await jp.until("accepted", "refused")
            session_now = room.game.session
            assert session_now is not None and "JP" in session_now.pair
            partner = next(p for p in session_now.pair if p != "JP")
            text = "JP message " + partner + " -- Autos first, then LNG"
            await jp.send({"action": text, "id": turn["id"]})
            assert (await jp.until("accepted", "refused"))["type"] == "accepted"
            again = await jp.until("turn")
            assert room.game.to_move() == "JP" and again["id"] != turn["id"]
            line = f"JP to {partner}: Autos first, then LNG"
            assert line in [e["text"] for e in room.game.view(partner).to_json()["log"]]
            assert line in [e["text"] for e in room.game.view("JP").to_json()["log"]]
            assert line not in str(public_view(room.game))  # what spectators are sent
            third = next(p for p in room.game.rules.player_ids if p not in session_now.pair)
            assert line not in str(room.game.view(third).to_json())
            await jp.close()
    finally:
        await server.stop()


async def test_a_message_with_control_characters_is_refused_with_the_reason(tmp_path):
    """A `message` whose text has control characters (an escape sequence, a bidi override)
    parses but fails the engine's verify (InvalidActionError): the seat gets a refusal saying
    why, not 'internal error', and nothing is applied."""
    server = await start_server(tmp_path, "classroom-lesson", seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(server)).open()
            await jp.send({"type": "join", "code": codes(server)["JP"]})
            turn = await jp.until("turn")
            room = server.rooms[1]
            session_now = room.game.session
            assert session_now is not None and "JP" in session_now.pair  # JP opens talks
            partner = next(p for p in session_now.pair if p != "JP")
            before = len(room.game.actions)
            for text in ("hi \x1b[2J\x1b]0;owned\x07", "hi \u202eevil"):
                await jp.send({"action": f"JP message {partner} -- {text}", "id": turn["id"]})
                answer = await jp.until("accepted", "refused", "error")
                assert answer["type"] == "refused", answer
                assert "control characters" in answer["reason"]
                assert "\x1b" not in answer["reason"] and "\u202e" not in answer["reason"]
            assert len(room.game.actions) == before
            await jp.close()
    finally:
        await server.stop()


async def test_joining_again_with_the_token_gives_no_new_preview_burst(tmp_path):
    """The what-if allowance (a burst of 8, then 4 a second) is the seat's, not the
    connection's: a client reconnecting with its token in a loop got 8 fresh previews each
    time (hundreds a second), each a projection of the whole game on the server."""
    server = await start_server(tmp_path, "classroom-lesson", seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            first = await Conn(session, url_of(server)).open()
            await first.send({"type": "join", "code": codes(server)["JP"]})
            token = (await first.until("welcome"))["token"]
            await first.close()
            answered = refused = 0
            for _ in range(3):
                conn = await Conn(session, url_of(server)).open()
                await conn.send({"type": "join", "token": token})
                version = (await conn.until("welcome"))["version"]
                for n in range(8):
                    await conn.send({"type": "what_if", "id": n, "version": version, "actions": []})
                for _ in range(8):
                    reply = await conn.until("what_if")
                    if "projection" in reply:
                        answered += 1
                    else:
                        assert "too many previews" in reply["error"], reply
                        refused += 1
                await conn.close()
            assert answered + refused == 24
            assert answered <= 8 + 4 * 2  # the burst, and what two seconds at most refill
    finally:
        await server.stop()


async def test_connections_without_a_seat_cannot_lock_students_out(tmp_path):
    """Anyone can open a websocket without a code; at --max-connections, the oldest
    connection that holds no seat (never joined, or a spectator) makes room for a new one,
    so a student with a code still gets in. Seats are never ended to make room. Before, the
    idle connections held every place and the student got 503."""
    server = await start_server(tmp_path, "classroom-lesson", seats=AI, max_connections=3)
    try:
        async with aiohttp.ClientSession() as session:
            hogs = [await Conn(session, url_of(server)).open() for _ in range(3)]
            await hogs[1].send({"type": "watch", "room": 1})
            await hogs[1].until("welcome")
            jp = await Conn(session, url_of(server)).open()  # the server is full
            await jp.send({"type": "join", "code": codes(server)["JP"]})
            await jp.until("welcome")
            for _ in range(3):  # each new connection ends the oldest seatless one
                await Conn(session, url_of(server)).open()
            seat = next(s for s in server.book.seats if s.player == "JP")
            assert seat.holders == 1 and len(server.clients) == 3
            await jp.send({"type": "ping"})
            assert (await jp.until("pong"))["type"] == "pong"  # the seat is still connected
    finally:
        await server.stop()
