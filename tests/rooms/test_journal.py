"""The instructor log survives a restart of the host; an unreadable one is set aside, never
lost, and the host says where it is broken."""

from __future__ import annotations

import json

import aiohttp
from hypothesis import given
from hypothesis import strategies as st

from tests.rooms.support import Conn, start_server, url_of
from tradegame.rooms.journal import (
    LogUnreadable,
    dump_log,
    load_log,
    log_file,
    read_log,
)

SCENARIO = "classroom-lesson"
AI = {"US": "dove", "EU": "linear"}


async def teacher(session, server):
    conn = await Conn(session, url_of(server)).open()
    await conn.send({"type": "join", "code": server.book.instructor_code})
    await conn.until("rooms")
    return conn


async def test_the_instructor_log_is_back_after_a_restart(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=2, seats=AI)
    try:
        async with aiohttp.ClientSession() as session:
            conn = await teacher(session, server)
            await conn.send({"type": "pause", "room": 1})
            await conn.until("done")
            await conn.send({"type": "news", "text": "Tokyo markets fall", "effects": ""})
            await conn.until("done")
            await conn.close()
        before = {n: list(r.match.instructor_log) for n, r in server.rooms.items()}
    finally:
        await server.stop()
    assert any("paused by the instructor" in line for line in before[1])
    assert all(any("Tokyo markets fall" in line for line in log) for log in before.values())
    assert (tmp_path / log_file(1)).stat().st_mode & 0o077 == 0

    again = await start_server(tmp_path, SCENARIO, rooms=2, seats=AI)
    try:
        assert {n: r.match.instructor_log for n, r in again.rooms.items()} == before
        async with aiohttp.ClientSession() as session:
            conn = await teacher(session, again)
            rooms = {r["room"]: r for r in conn.received[-1]["rooms"]}
            assert rooms[1]["log"] == before[1][-20:]
            # and it goes on from there
            await conn.send({"type": "resume", "room": 1})
            await conn.until("done")
            await conn.close()
    finally:
        await again.stop()
    kept = read_log(tmp_path / log_file(1), 1)
    assert kept is not None and kept[: len(before[1])] == before[1]
    assert "resumed by the instructor" in kept[-1]


async def test_an_unreadable_log_is_set_aside_with_where_it_breaks(tmp_path, capsys):
    server = await start_server(tmp_path, SCENARIO, rooms=1, seats=AI)
    server.rooms[1].pause()
    await server.stop()
    path = tmp_path / log_file(1)
    broken = path.read_bytes()[:-9]  # a write cut short
    path.write_bytes(broken)

    again = await start_server(tmp_path, SCENARIO, rooms=1, seats=AI)
    try:
        err = capsys.readouterr().err
        assert f"{path}:" in err and "not JSON" in err and "unreadable-1" in err
        aside = tmp_path / f"{log_file(1)}.unreadable-1"
        assert aside.read_bytes() == broken  # nothing lost
        log = again.rooms[1].match.instructor_log
        assert log == [f"the earlier instructor log could not be read; it is kept as {aside.name}"]
        again.rooms[1].resume()
    finally:
        await again.stop()
    assert aside.read_bytes() == broken
    fresh = read_log(path, 1)
    assert fresh is not None and fresh[0] == log[0] and "resumed" in fresh[-1]


def test_each_kind_of_bad_log_is_located(tmp_path):
    path = tmp_path / log_file(3)

    def reason(data: bytes) -> str:
        path.write_bytes(data)
        try:
            read_log(path, 3)
        except LogUnreadable as exc:
            return str(exc)
        raise AssertionError("read")

    good = json.loads(dump_log(3, ["a"]))
    assert reason(b'{"format": 1,\n  "x": ]') == f"{path}:2:8: not JSON (Expecting value)"
    assert reason(b"\xff\xfe") == f"{path}: byte 0: not UTF-8 text"
    assert "not an instructor log" in reason(b"[1, 2]")
    assert reason(json.dumps({**good, "room": 4}).encode()) == f"{path}: room: not room 3's log"
    bad_entry = json.dumps({**good, "entries": ["ok", 5]}).encode()
    assert reason(bad_entry) == f"{path}: entries[1]: expected a line of text"
    assert "\x1b" not in reason(json.dumps({**good, "\x1b[2J": 1}).encode())
    path.unlink()
    path.mkdir()
    assert "is a directory" in reason_dir(path)
    assert read_log(tmp_path / "none.json", 3) is None


def reason_dir(path) -> str:
    try:
        read_log(path, 3)
    except LogUnreadable as exc:
        return str(exc)
    raise AssertionError("read")


def test_a_log_holding_terminal_escapes_reads_back_escaped(tmp_path):
    path = tmp_path / log_file(1)
    path.write_bytes(dump_log(1, ["round 1, day 1: news \x1b]52;c;cHduZWQ=\x07"]))
    warned: list[str] = []
    log = load_log(path, 1, warned.append)
    assert warned == [] and "\x1b" not in log[0] and "\\x1b" in log[0]


@given(st.lists(st.text(max_size=200), max_size=30))
def test_what_is_written_reads_back(entries):
    import tempfile
    from pathlib import Path

    from tradegame.rooms.journal import write_log
    from tradegame.untrusted import printable

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / log_file(2)
        write_log(path, 2, entries)
        assert read_log(path, 2) == [printable(e) for e in entries]
