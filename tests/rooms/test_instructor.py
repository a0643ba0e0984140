"""The instructor's operations over the protocol: pause, inject, news, rollback, end early,
the move clock and the archive of every room's save."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import zipfile

import aiohttp

from tests.rooms.support import Conn, codes, start_server, url_of
from tradegame.saves import load_game

SCENARIO = "classroom-lesson"
AI = {"US": "dove", "EU": "linear"}  # JP is the human seat of every room


async def join(session, server, code):
    conn = await Conn(session, url_of(server)).open()
    await conn.send({"type": "join", "code": code})
    welcome = await conn.until("welcome", "refused")
    assert welcome["type"] == "welcome", welcome
    return conn


async def instructor(session, server):
    return await join(session, server, server.book.instructor_code)


async def seats(session, server):
    return {n: await join(session, server, codes(server, n)["JP"]) for n in server.rooms}


async def until_jp_moves(server, conn):
    """Wait for JP's turn and return it."""
    return await conn.until("turn")


async def test_pause_blocks_moves_in_every_room_and_resume_frees_them(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=3, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await seats(session, server)
            turns = {n: await until_jp_moves(server, c) for n, c in jp.items()}
            teacher = await instructor(session, server)
            await teacher.send({"type": "pause"})
            done = await teacher.until("done")
            assert done["results"] == {"1": "done", "2": "done", "3": "done"}
            before = {n: len(r.game.actions) for n, r in server.rooms.items()}
            for n, conn in jp.items():
                room = server.rooms[n]
                await conn.send(
                    {"type": "move", "action": turns[n]["legal"][0], "version": room.version}
                )
                refused = await conn.until("refused", "accepted")
                assert refused["type"] == "refused" and "paused" in refused["reason"]
            await asyncio.sleep(0.3)
            assert {n: len(r.game.actions) for n, r in server.rooms.items()} == before
            await teacher.send({"type": "resume", "room": 2})
            await teacher.until("done")
            await jp[2].send(
                {"type": "move", "action": turns[2]["legal"][0], "version": server.rooms[2].version}
            )
            assert (await jp[2].until("refused", "accepted"))["type"] == "accepted"
            await jp[1].send(
                {"type": "move", "action": turns[1]["legal"][0], "version": server.rooms[1].version}
            )
            assert (await jp[1].until("refused", "accepted"))["type"] == "refused"
    finally:
        await server.stop()


async def test_an_inject_and_news_reach_every_room_and_every_seat(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=3, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await seats(session, server)
            teacher = await instructor(session, server)
            await teacher.send({"type": "inject", "id": "yen_surge"})
            assert set((await teacher.until("done"))["results"].values()) == {"done"}
            await teacher.send({"type": "news", "text": "Markets wobble", "effects": "stress=5"})
            assert set((await teacher.until("done"))["results"].values()) == {"done"}
            for n, room in server.rooms.items():
                kinds = [a.kind for a in room.game.actions]
                assert "inject" in kinds and "news" in kinds
                seen = False
                while not seen:  # JP's screen in that room shows the news
                    update = await jp[n].until("update")
                    seen = any("Markets wobble" in e["text"] for e in update["view"]["log"])
            # an inject the scenario does not have is refused in every room, with the list
            await teacher.send({"type": "inject", "id": "moon_landing"})
            results = (await teacher.until("done"))["results"]
            assert all(r.startswith("refused") and "yen_surge" in r for r in results.values())
    finally:
        await server.stop()


async def play_until_round(conn, server, number, round_no):
    room = server.rooms[number]
    while room.game.round < round_no:
        turn = await conn.until("turn")
        if turn["id"] != room.version:
            continue
        await conn.send(
            {
                "action": next(
                    (a for a in turn["legal"] if a.endswith(("done", "pass", "reject"))),
                    turn["legal"][0],
                ),
                "id": turn["id"],
            }
        )
        await conn.until("accepted", "refused")


async def test_rollback_and_end_early_and_the_archive_of_every_save(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=2, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await seats(session, server)
            await asyncio.wait_for(play_until_round(jp[1], server, 1, 3), 60)
            room = server.rooms[1]
            old_version = room.version
            teacher = await instructor(session, server)
            await teacher.send({"type": "rollback", "room": 1, "round": 2})
            assert (await teacher.until("done"))["results"] == {"1": "done"}
            assert room.game.round == 2 and room.version > old_version
            rolled = room.version
            update = await jp[1].until("update")
            while update["version"] < rolled:
                update = await jp[1].until("update")
            assert update["view"]["round"] == 2
            await teacher.send({"type": "rollback", "room": 1, "round": 9})
            assert "refused" in (await teacher.until("done"))["results"]["1"]
            await teacher.send({"type": "end", "room": 2})
            await teacher.until("done")
            assert server.rooms[2].game.is_over()
            end = await jp[2].until("end")
            assert set(end["scores"]) == {"US", "JP", "EU"}
            await teacher.send({"type": "archive"})
            archive = await teacher.until("archive")
        data = base64.b64decode(archive["data"])
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert sorted(zf.namelist()) == [
                "instructor-log-01.json",
                "instructor-log-02.json",
                "room-01.json",
                "room-02.json",
            ]
            zf.extractall(tmp_path / "unzipped")
        # the rollback is in room 1's log (the save holds only the rolled-back game)
        log = json.loads((tmp_path / "unzipped" / "instructor-log-01.json").read_text())
        assert any("rolled back to the start of round 2" in line for line in log["entries"])
        one = load_game(tmp_path / "unzipped" / "room-01.json")
        two = load_game(tmp_path / "unzipped" / "room-02.json")
        assert one.game.round == 2 and not one.game.is_over()
        assert one.game.state_hash() == server.rooms[1].game.state_hash()
        assert two.game.is_over() and two.seats["JP"] == "human" and two.seats["US"] == "dove"
    finally:
        await server.stop()


async def test_the_clock_plays_an_idle_seat_and_names_only_built_in_agents(tmp_path):
    server = await start_server(tmp_path, SCENARIO, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await join(session, server, codes(server)["JP"])
            await jp.until("turn")
            teacher = await instructor(session, server)
            await teacher.send({"type": "clock", "seconds": 0.2, "agent": "hawk"})
            await teacher.until("done")
            room = server.rooms[1]
            for _ in range(100):
                if room.game.round >= 2:
                    break
                await asyncio.sleep(0.1)
            assert room.game.round >= 2  # JP never moved, the clock's hawk did
            assert any("clock ran out; hawk played" in line for line in room.match.instructor_log)
            await teacher.send({"type": "clock", "seconds": 5, "agent": "cmd:true"})
            refused = await teacher.until("refused")
            assert "cmd:" in refused["reason"] and room.clock_agent == "hawk"
    finally:
        await server.stop()


async def test_a_seat_cannot_use_instructor_operations(tmp_path):
    server = await start_server(tmp_path, SCENARIO, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await join(session, server, codes(server)["JP"])
            for op in (
                {"type": "pause"},
                {"type": "archive"},
                {"type": "end"},
                {"type": "rollback", "room": 1, "round": 1},
            ):
                await jp.send(op)
                assert "instructor" in (await jp.until("error"))["reason"]
            assert not server.rooms[1].paused and not server.rooms[1].game.is_over()
            async with session.get(f"http://127.0.0.1:{server.port}/archive.zip") as resp:
                assert resp.status == 403
            async with session.get(
                f"http://127.0.0.1:{server.port}/archive.zip",
                headers={"Authorization": f"Bearer {server.book.instructor_code}"},
            ) as resp:
                assert resp.status == 200 and (await resp.read())[:2] == b"PK"
    finally:
        await server.stop()


async def test_the_instructor_learns_when_a_student_joins_or_leaves(tmp_path):
    """The console's connected marks (JP● / JP○) follow students joining and leaving, not only
    the instructor's own operations: the server sends the rooms and seats to every instructor
    when a seat's connection changes."""
    server = await start_server(tmp_path, SCENARIO, rooms=2, seats=AI)

    def connected(message, room):
        return next(
            s["connected"] for s in message["seats"] if s["room"] == room and s["player"] == "JP"
        )

    try:
        async with aiohttp.ClientSession() as session:
            teacher = await instructor(session, server)
            first = await teacher.until("rooms")
            assert not connected(first, 2)
            student = await join(session, server, codes(server, 2)["JP"])
            joined = await teacher.until("rooms")
            assert connected(joined, 2) and not connected(joined, 1)
            await student.close()
            left = await teacher.until("rooms")
            assert not connected(left, 2)
    finally:
        await server.stop()


async def test_room_saves_are_readable_by_the_host_user_only(tmp_path):
    """A room's save holds every seat's private data; in a --dir others can read (made
    beforehand, or the current folder) it is still written for the host's user only, like
    server.json and the instructor logs."""
    import os
    import stat

    folder = tmp_path / "lesson"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    server = await start_server(folder, SCENARIO, rooms=1, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            teacher = await instructor(session, server)
            await teacher.send({"type": "news", "text": "Tokyo markets fall"})
            await teacher.until("done")
            room = server.rooms[1]
            await room.save_now()
            assert room.save_path.is_file()
            assert stat.S_IMODE(room.save_path.stat().st_mode) & 0o077 == 0
            assert load_game(room.save_path)  # still a save the tools read
    finally:
        await server.stop()


async def test_a_finished_game_is_not_rolled_back(tmp_path):
    """The end sends every seat every player's score breakdown (each seat's private
    objectives); rolling an ended room back would let the class play on with those secrets
    known, so the rollback of a finished game is refused and changes nothing."""
    server = await start_server(tmp_path, SCENARIO, rooms=1, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await seats(session, server)
            teacher = await instructor(session, server)
            await teacher.send({"type": "end", "room": 1})
            await teacher.until("done")
            end = await jp[1].until("end")
            assert set(end["breakdown"]) == {"US", "JP", "EU"}  # others' objectives, seen
            room = server.rooms[1]
            version = room.version
            await teacher.send({"type": "rollback", "room": 1, "round": 1})
            result = (await teacher.until("done"))["results"]["1"]
            assert result.startswith("refused") and "objectives" in result
            assert room.game.is_over() and room.version == version
    finally:
        await server.stop()
