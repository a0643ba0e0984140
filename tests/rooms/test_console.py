"""The instructor's console (``tradegame join URL --instructor CODE`` in a terminal), driven by
keys with Textual Pilot against a room server on a free port: every room listed, pause and
resume one or all, news, end a game, the room's log; a wrong code is refused."""

from __future__ import annotations

import asyncio
import json
import zipfile

import aiohttp
from textual.widgets import DataTable

from tests.rooms.support import Conn, codes, start_server, url_of
from tests.ui.support import screen_text, wait_for_text, wait_until
from tradegame.rooms.instructor_link import InstructorLink
from tradegame.rooms.server import RoomServer
from tradegame.ui.console import ConsoleApp, ConsoleScreen

SCENARIO = "classroom-lesson"
AI = {"US": "dove", "EU": "linear"}  # JP is the human seat of every room


def console(server, code: str | None = None) -> ConsoleApp:
    return ConsoleApp(InstructorLink(url_of(server), code or server.book.instructor_code))


async def test_the_console_lists_rooms_and_pauses_resumes_and_publishes_by_keys(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=3, seats=AI)
    rooms = server.rooms
    try:
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(server)).open()  # a student in room 2
            await jp.send({"type": "join", "code": codes(server, 2)["JP"]})
            await jp.until("welcome")
            app = console(server)
            async with app.run_test(size=(120, 36)) as pilot:
                await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
                table = app.screen.query_one("#rooms", DataTable)
                assert table.row_count == 3
                text = screen_text(app)
                assert "JP●" in text and "JP○" in text  # room 2's student is connected
                # p pauses the highlighted room (room 1), P every room, r and R resume
                await pilot.press("p")
                await wait_until(pilot, lambda: rooms[1].paused, what="room 1 paused")
                assert not rooms[2].paused and not rooms[3].paused
                await wait_for_text(pilot, "pause, room 1: done")
                await pilot.press("down", "P")
                await wait_until(pilot, lambda: all(r.paused for r in rooms.values()))
                await pilot.press("r")  # the highlighted room is now room 2
                await wait_until(pilot, lambda: not rooms[2].paused, what="room 2 resumed")
                assert rooms[1].paused and rooms[3].paused
                await wait_for_text(pilot, "resumed by the instructor")  # room 2's log
                await pilot.press("R")
                await wait_until(pilot, lambda: not any(r.paused for r in rooms.values()))
                # n: news to the highlighted room, typed in the dialog
                await pilot.press("n")
                await wait_until(pilot, lambda: app.screen.id == "news-dialog")
                await pilot.press(*"Tokyo markets fall", "enter")
                await wait_until(
                    pilot,
                    lambda: any(
                        "Tokyo markets fall" in line for line in rooms[2].match.instructor_log
                    ),
                    what="the news in room 2",
                )
                assert not any("Tokyo" in line for line in rooms[1].match.instructor_log)
                await wait_for_text(pilot, "news published: Tokyo markets fall")
                # N: news to every room
                await pilot.press("N")
                await wait_until(pilot, lambda: app.screen.id == "news-dialog")
                await pilot.press(*"Yen surges", "enter")
                await wait_until(
                    pilot,
                    lambda: all(
                        any("Yen surges" in line for line in r.match.instructor_log)
                        for r in rooms.values()
                    ),
                    what="the news in every room",
                )
                # e: end the highlighted room's game, after the confirmation
                await pilot.press("up", "e")
                await wait_until(pilot, lambda: app.screen.id == "confirm-end")
                await pilot.press("y")
                await wait_until(pilot, lambda: rooms[1].game.is_over(), what="room 1 over")
                assert not rooms[2].game.is_over()
                await wait_for_text(pilot, "over")
                await pilot.press("q")
    finally:
        await server.stop()


async def test_the_console_shows_what_the_server_sends_as_text(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=1, seats=AI)
    try:
        rooms = server.rooms
        rooms[1].match.instructor_log.append("[@click=app.quit]quit \x1b[2J")
        app = console(server)
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
            await wait_for_text(pilot, "[@click=app.quit]quit \\x1b[2J")
            assert app.is_running
    finally:
        await server.stop()


async def test_a_wrong_or_a_seats_code_does_not_open_the_console(tmp_path):
    server = await start_server(tmp_path, SCENARIO, rooms=1, seats=AI)
    try:
        for code, said in (
            ("AAAA-AAAA", "this code is not valid"),
            (codes(server)["JP"], "that is a seat's code, not the instructor's"),
        ):
            app = console(server, code)
            async with app.run_test(size=(120, 36)) as pilot:
                await wait_for_text(pilot, "The server did not let you in: " + said)
                assert not isinstance(app.screen, ConsoleScreen)
                await pilot.press("q")
    finally:
        await server.stop()


async def test_the_console_injects_rolls_back_sets_the_clock_and_writes_the_archive_by_keys(
    tmp_path, monkeypatch
):
    from tests.rooms.test_instructor import play_until_round

    server = await start_server(tmp_path / "server", SCENARIO, rooms=2, seats=AI)
    rooms = server.rooms
    monkeypatch.chdir(tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(server)).open()  # the student of room 1
            await jp.send({"type": "join", "code": codes(server, 1)["JP"]})
            await jp.until("welcome")
            await asyncio.wait_for(play_until_round(jp, server, 1, 3), 60)
            app = console(server)
            async with app.run_test(size=(120, 36)) as pilot:
                await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))

                def injects(n):
                    return [a for a in rooms[n].game.actions if a.kind == "inject"]

                # i: an inject in the highlighted room (room 1), after a confirmation; b: a
                # rollback, after a confirmation whose enter is Cancel. Both cancelled first:
                # the inject that follows is the room's only one, and the round unchanged
                await pilot.press("i")
                await wait_until(pilot, lambda: app.screen.id != "console")
                await pilot.press(*"yen_surge", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-inject")
                await pilot.press("n")
                await wait_until(pilot, lambda: app.screen.id == "console")
                assert rooms[1].game.round >= 3
                await pilot.press("b", *"2", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-rollback")
                await pilot.press("enter")
                await wait_until(pilot, lambda: app.screen.id == "console")
                await pilot.press("i", *"yen_surge", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-inject")
                await pilot.press("y")
                await wait_for_text(pilot, "inject, room 1: done")
                assert len(injects(1)) == 1 and not injects(2)
                assert rooms[1].game.round >= 3
                # I: to every room; an unknown id is refused with the scenario's list
                await pilot.press("I", *"moon_landing", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-inject")
                await pilot.press("y")
                await wait_for_text(pilot, "inject, room 2: refused: no inject 'moon_landing'")
                # b: roll room 1 back to round 2 (not a number is said)
                await pilot.press("b", *"two", "enter")
                await wait_for_text(pilot, "rollback: 'two' is not a round number")
                await pilot.press("b", *"2", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-rollback")
                await pilot.press("y")
                await wait_until(pilot, lambda: rooms[1].game.round == 2, what="rolled back")
                await wait_for_text(pilot, "rollback, room 1: done")
                # c: the move clock of every room, with a built-in agent; a code agent is
                # refused (a network client never names code), 'off' removes it
                await pilot.press("c", *"45 greedy", "enter")
                await wait_until(
                    pilot,
                    lambda: all(
                        r.clock == 45 and r.clock_agent == "greedy" for r in rooms.values()
                    ),
                    what="the clock set",
                )
                await pilot.press("c", *"30 cmd:touch x", "enter")
                await wait_for_text(pilot, "refused:")
                assert all(r.clock == 45 for r in rooms.values())
                await pilot.press("c", *"soon", "enter")
                await wait_for_text(pilot, "clock: 'soon' is not a number of seconds (or off)")
                await pilot.press("c", *"off", "enter")
                await wait_until(pilot, lambda: all(r.clock is None for r in rooms.values()))
                # a: the archive, written where the keyboard user says; an existing file is
                # replaced only after a confirmation
                await pilot.press("a")
                await wait_until(pilot, lambda: app.screen.id != "console")
                await pilot.press("enter")  # the default name, rooms.zip
                await wait_until(pilot, lambda: (tmp_path / "rooms.zip").exists())
                await wait_for_text(pilot, "wrote rooms.zip")
                with zipfile.ZipFile(tmp_path / "rooms.zip") as zf:
                    assert "room-01.json" in zf.namelist() and "room-02.json" in zf.namelist()
                    saved = json.loads(zf.read("room-01.json"))
                assert saved["format"] == "tradegame-save"
                (tmp_path / "mine.zip").write_text("keep me")
                await pilot.press("a", *("backspace",) * 9, *"mine.zip", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-archive")
                await pilot.press("n")
                await wait_until(pilot, lambda: app.screen.id == "console")
                assert not app.link._archive_to  # nothing asked for
                assert (tmp_path / "mine.zip").read_text() == "keep me"
                await pilot.press("a", *("backspace",) * 9, *"mine.zip", "enter")
                await wait_until(pilot, lambda: app.screen.id == "confirm-archive")
                await pilot.press("y")
                await wait_until(pilot, lambda: zipfile.is_zipfile(tmp_path / "mine.zip"))
                await pilot.press("q")
    finally:
        await server.stop()


async def test_the_console_joins_again_when_the_host_restarts(tmp_path, monkeypatch):
    """The host stopped and started again with the same --dir (same codes, same port): the
    instructor's console joins again by itself and its operations reach the resumed rooms,
    instead of showing the old table while every key answers 'not connected'."""
    import tradegame.rooms.connection as connection_module

    monkeypatch.setattr(connection_module, "RECONNECT_DELAY", 0.2)
    server = await start_server(tmp_path, SCENARIO, rooms=2, seats=AI)
    port = server.port
    link = InstructorLink(url_of(server), server.book.instructor_code)
    task = asyncio.create_task(link.run())
    again = None
    try:
        await asyncio.wait_for(link.ready.wait(), 10)
        assert link.refusal is None and sorted(link.rooms) == [1, 2]
        await server.stop()
        await asyncio.sleep(0.3)
        from tradegame.scenario.loader import load_scenario_text

        text, _ = load_scenario_text(SCENARIO)
        again, _ = RoomServer.create(
            text, SCENARIO, rooms=2, seats=AI, code_seats=set(), folder=tmp_path, seed=7
        )
        await again.start("127.0.0.1", port)
        for _ in range(100):
            if any(c.role == "instructor" for c in again.clients):
                break
            await asyncio.sleep(0.1)
        link.ask({"type": "pause", "room": 2})
        for _ in range(100):
            if again.rooms[2].paused:
                break
            await asyncio.sleep(0.1)
        assert again.rooms[2].paused and not again.rooms[1].paused
        assert any("joining again" in n for n in link.notices)
    finally:
        task.cancel()
        if again is not None:
            await again.stop()


async def test_every_seat_mark_shows_at_80_columns(tmp_path):
    """Four human seats (with-china): the seat marks come before the scores, so at 80×24 none
    is cut off (the scores, the widest cell, are what scrolls out of view)."""
    server = await start_server(tmp_path, "with-china", rooms=1, seats={})
    try:
        app = console(server)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ConsoleScreen))
            await wait_for_text(pilot, "Seats")
            text = screen_text(app)
            players = server.rooms[1].match.rules.player_ids
            assert len(players) == 4
            for player in players:
                assert f"{player}○" in text
    finally:
        await server.stop()
