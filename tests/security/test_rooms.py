"""The room server's trust rules, attacked over real websockets (``tradegame host``).

A client is data: a forged or another seat's token, a wrong code, a stale or repeated move,
a message naming a file or a command are refused (what a seat or a spectator receives is
tested in ``test_rooms_private.py``).
"""

from __future__ import annotations

import asyncio

import aiohttp

from tests.rooms.support import Conn, codes, start_server, url_of

SCENARIO = "classroom-lesson"


async def joined(session, server, code):
    conn = await Conn(session, url_of(server)).open()
    await conn.send({"type": "join", "code": code})
    welcome = await conn.until("welcome", "refused")
    return conn, welcome


async def test_forged_and_other_seats_tokens_and_wrong_codes_are_refused(tmp_path):
    server = await start_server(tmp_path, SCENARIO, seats={"US": "dove"})
    try:
        seat_codes = codes(server)
        async with aiohttp.ClientSession() as session:
            jp, welcome = await joined(session, server, seat_codes["JP"])
            assert welcome["type"] == "welcome" and welcome["player"] == "JP"
            # a forged token, and a token one character off
            for token in (
                "x" * 43,
                welcome["token"][:-1] + ("A" if welcome["token"][-1] != "A" else "B"),
            ):
                other = await Conn(session, url_of(server)).open()
                await other.send({"type": "join", "token": token})
                refused = await other.until("welcome", "refused")
                assert refused["type"] == "refused" and "token" not in refused
                await other.close()
            # a wrong code and a code one character off get the same answer
            answers = []
            near = seat_codes["EU"][:-1] + ("2" if seat_codes["EU"][-1] != "2" else "3")
            for code in ("ZZZZ-ZZZZ", near, server.book.instructor_code[:-1] + "?"):
                other = await Conn(session, url_of(server)).open()
                await other.send({"type": "join", "code": code})
                answers.append(await other.until("welcome", "refused"))
                await other.close()
            assert all(a["type"] == "refused" for a in answers)
            assert len({a["reason"] for a in answers}) == 1
            # a taken seat is refused with its code; its token takes it back
            _, taken = await joined(session, server, seat_codes["JP"])
            assert taken["type"] == "refused" and "taken" in taken["reason"]
            again = await Conn(session, url_of(server)).open()
            await again.send({"type": "join", "token": welcome["token"]})
            assert (await again.until("welcome"))["player"] == "JP"
            assert "another connection" in (await jp.until("error"))["reason"]
            jp = again
            # JP's connection cannot move for EU, nor join again as EU
            game = server.rooms[1].game
            await jp.send({"type": "move", "action": "EU pass", "version": server.rooms[1].version})
            refused = await jp.until("refused")
            assert game.actions == server.rooms[1].game.actions
            assert "JP" in refused["reason"]
            await jp.send({"type": "join", "code": seat_codes["EU"]})
            assert (await jp.until("refused", "welcome"))["type"] == "refused"
            assert server.book.seat(1, "EU").holders == 0
            # a spectator cannot move
            spectator = await Conn(session, url_of(server)).open()
            await spectator.send({"type": "move", "action": "JP pass", "version": 0})
            assert (await spectator.until("refused"))["type"] == "refused"
            # too many wrong codes close the connection
            guesser = await Conn(session, url_of(server)).open()
            for n in range(5):
                await guesser.send({"type": "join", "code": f"AAAA-AAA{n + 2}"})
            closed = False
            try:
                for _ in range(10):
                    await guesser.recv()
            except ConnectionError:
                closed = True
            assert closed
    finally:
        await server.stop()


async def test_a_stale_or_repeated_move_is_refused_never_applied_twice(tmp_path):
    server = await start_server(tmp_path, SCENARIO)
    try:
        room = server.rooms[1]
        async with aiohttp.ClientSession() as session:
            conns = {p: (await joined(session, server, c))[0] for p, c in codes(server).items()}
            mover = room.game.to_move()
            turn = await conns[mover].until("turn")
            move = {"action": turn["legal"][0], "id": turn["id"]}
            await conns[mover].send(move)
            assert (await conns[mover].until("accepted", "refused"))["type"] == "accepted"
            actions = len(room.game.actions)
            version = room.version
            await conns[mover].send(move)  # the same message again
            refused = await conns[mover].until("accepted", "refused")
            assert refused["type"] == "refused" and "stale" in refused["reason"]
            assert refused["version"] == version
            # an older version, a future one: refused too
            nxt = room.game.to_move()
            for v in (0, version + 1, version - 1):
                await conns[nxt].send({"type": "move", "action": f"{nxt} pass", "version": v})
                assert (await conns[nxt].until("accepted", "refused"))["type"] == "refused"
            assert len(room.game.actions) == actions and room.version == version
    finally:
        await server.stop()


async def test_no_message_names_a_file_or_starts_a_process(tmp_path):
    marker = tmp_path / "marker"
    attacks = [
        {"type": "join", "code": "x", "seat": f"cmd:touch {marker}"},
        {"type": "load", "path": "/etc/passwd"},
        {"type": "save", "path": str(marker)},
        {"type": "seat", "player": "JP", "agent": f"cmd:touch {marker}"},
        {"type": "move", "action": f"JP cmd:touch {marker}", "version": 0},
        {"type": "move", "action": "JP pass", "version": 0, "agent": f"cmd:touch {marker}"},
        {"type": "clock", "seconds": 1, "agent": f"cmd:touch {marker}"},
        {"type": "clock", "seconds": 1, "agent": f"{tmp_path}/evil.py:Bot"},
        {"type": "news", "text": "\x1b]52;c;aGk=\x07 hello", "effects": ""},
        {"type": "inject", "id": "../../etc/passwd"},
        {"type": "archive", "path": str(marker)},
        {"type": "join", "code": "\x1b[2J" * 10},
    ]
    (tmp_path / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('x')\nclass Bot: pass\n")
    server = await start_server(tmp_path / "rooms", SCENARIO)
    try:
        async with aiohttp.ClientSession() as session:
            seat, _ = await joined(session, server, codes(server)["JP"])
            teacher, welcome = await joined(session, server, server.book.instructor_code)
            assert welcome["role"] == "instructor"
            for conn in (seat, teacher):
                for attack in attacks:
                    await conn.send(attack)
                    reply = await conn.until("error", "refused", "done")
                    if reply["type"] == "done":  # a news text neutralised, an unknown inject
                        assert all(r != "done" for r in reply["results"].values()), reply
                    assert not any(
                        "\x1b" in t or "\x07" in t or "root:" in t for t in strings(reply)
                    ), reply
                    await asyncio.sleep(0.05)
            assert not marker.exists()
            assert not any(a.kind == "news" for a in server.rooms[1].game.actions)
    finally:
        await server.stop()
    assert not marker.exists()


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


async def test_limits_message_size_rate_and_connections(tmp_path):
    server = await start_server(tmp_path, SCENARIO, max_connections=3)
    try:
        async with aiohttp.ClientSession() as session:
            big = await Conn(session, url_of(server)).open()
            await big.send({"type": "join", "code": "x" * 100_000})
            closed = False
            try:
                await big.recv()
            except ConnectionError:
                closed = True
            assert closed  # over 64 KiB: the connection is closed, nothing is parsed
            flood = await Conn(session, url_of(server)).open()
            started = asyncio.get_running_loop().time()
            for _ in range(90):
                await flood.ws.send_str('{"type": "ping"}')
            for _ in range(90):
                assert (await flood.recv())["type"] == "pong"
            assert asyncio.get_running_loop().time() - started >= 2.0  # 40 a second
            await flood.close()
            await asyncio.sleep(0.2)
            assert not server.clients
            # Three connections that hold seats fill the server: a fourth is refused. (Seatless
            # ones would be ended to make room, so idle sockets cannot lock students out.)
            seat_codes = list(codes(server).values())
            assert len(seat_codes) >= 3
            held = []
            for code in seat_codes[:3]:
                conn = await Conn(session, url_of(server)).open()
                await conn.send({"type": "join", "code": code})
                await conn.until("welcome")
                held.append(conn)
            try:
                await session.ws_connect(url_of(server))
                raise AssertionError("a fourth connection was accepted")
            except aiohttp.WSServerHandshakeError as exc:
                assert exc.status == 503
            for conn in held:
                await conn.close()
    finally:
        await server.stop()
