"""``tradegame join``: a bot relayed over the network plays the game it plays on a pipe; a
person plays a seat in the terminal; the instructor's operations from the command line."""

from __future__ import annotations

import asyncio
import sys
import zipfile
from pathlib import Path

from tests.rooms.support import codes, start_server
from tradegame.agents.base import play_match
from tradegame.scenario import load_rules

ROOT = Path(__file__).resolve().parents[2]
BOT = f"cmd:{sys.executable} {ROOT / 'examples' / 'bots' / 'simple_bot.py'}"
SEATS = {"US": "dove", "EU": "linear"}


async def tradegame(
    *argv: str, stdin: bytes | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tradegame",
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin), timeout)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_a_bot_over_the_network_plays_the_game_it_plays_on_a_pipe(tmp_path):
    server = await start_server(tmp_path, "classroom-lesson", seats=SEATS, seed=4)
    try:
        url = f"http://127.0.0.1:{server.port}"
        code, _, err = await tradegame("join", url, "--code", codes(server)["JP"], "--bot", BOT)
        assert code == 0, err
        assert "playing JP in room 1" in err and "--token" in err
        room = server.rooms[1]
        assert room.game.is_over()
        seed = room.match.seed
    finally:
        await server.stop()
    local = await asyncio.to_thread(
        play_match, load_rules("classroom-lesson"), seed, {**SEATS, "JP": BOT}, allow_code=True
    )
    assert local.state_hash() == room.game.state_hash()


async def test_a_message_nested_too_deep_is_ignored_not_a_crash():
    """A server (anyone on the network the user joins) sent brackets nested 100,000 deep:
    json.loads raised RecursionError and `tradegame join` ended with a traceback."""
    import aiohttp

    from tradegame.rooms import connection

    class Message:
        type = aiohttp.WSMsgType.TEXT
        data = "[" * 100_000 + "]" * 100_000

    class Socket:
        async def receive(self):
            return Message()

    assert await connection.receive(Socket()) == {}


async def test_a_person_plays_a_seat_in_the_terminal(tmp_path):
    server = await start_server(tmp_path, "classroom-lesson", seats=SEATS)
    try:
        url = f"http://127.0.0.1:{server.port}"
        # "nonsense" is refused with the engine's reason; then the first legal move each time
        answers = b"nonsense\n" + b"1\n" * 400
        code, out, err = await tradegame("join", url, "--code", codes(server)["JP"], stdin=answers)
        assert code == 0, err
        assert "You play JP in room 1" in out
        assert "refused: not an action" in out
        assert "## You (private)" in out and "Final score" in out
        assert server.rooms[1].game.is_over()
    finally:
        await server.stop()


async def test_the_instructors_operations_from_the_command_line(tmp_path):
    server = await start_server(tmp_path / "rooms", "classroom-lesson", rooms=2, seats=SEATS)
    try:
        url = f"http://127.0.0.1:{server.port}"
        teacher = server.book.instructor_code
        code, out, _ = await tradegame("join", url, "--instructor", teacher, "--pause")
        assert code == 0 and out.splitlines() == ["room 1: done", "room 2: done"]
        assert all(r.paused for r in server.rooms.values())
        code, out, _ = await tradegame("join", url, "--instructor", teacher)
        assert code == 0 and "room 2: paused, round 1/" in out
        code, out, _ = await tradegame("join", url, "--instructor", teacher, "--rollback", "1")
        assert code == 2  # --rollback needs --room
        archive = tmp_path / "class.zip"
        code, out, _ = await tradegame(
            "join", url, "--instructor", teacher, "--archive", str(archive)
        )
        assert code == 0 and sorted(zipfile.ZipFile(archive).namelist()) == [
            "instructor-log-01.json",
            "instructor-log-02.json",
            "room-01.json",
            "room-02.json",
        ]
        code, _, err = await tradegame("join", url, "--instructor", codes(server)["JP"], "--pause")
        assert code == 1 and "not the instructor's" in err
        code, _, err = await tradegame("join", url, "--instructor", "AAAA-AAAA")
        assert code == 1 and "not valid" in err
    finally:
        await server.stop()


async def test_the_instructor_follows_the_rooms_as_they_change(tmp_path):
    server = await start_server(tmp_path, "classroom-lesson", rooms=2, seats=SEATS)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tradegame",
        "join",
        f"http://127.0.0.1:{server.port}",
        "--instructor",
        server.book.instructor_code,
        "--follow",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        first = [await asyncio.wait_for(proc.stdout.readline(), 30) for _ in range(2)]
        assert [line.decode().split(":")[0] for line in first] == ["room 1", "room 2"]
        server.rooms[2].pause()
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line.startswith("room 2: paused, round 1/")
    finally:
        proc.kill()
        await proc.wait()
        await server.stop()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


async def test_the_relayed_bot_and_what_it_started_end_with_join(tmp_path):
    pidfile = tmp_path / "child.pid"
    bot = tmp_path / "bot.py"
    bot.write_text(
        "import json, subprocess, sys\n"
        f"child = subprocess.Popen(['sleep', '120'])\nopen({str(pidfile)!r}, 'w')"
        ".write(str(child.pid))\n"
        "for line in sys.stdin:\n"
        "    m = json.loads(line)\n"
        "    if m['type'] == 'turn':\n"
        "        a = next((x for x in m['legal'] if x.endswith((' pass', ' done', ' reject'))),"
        " m['legal'][0])\n"
        "        print(json.dumps({'id': m['id'], 'action': a}), flush=True)\n"
    )
    server = await start_server(tmp_path / "rooms", "classroom-lesson", seats=SEATS)
    try:
        code, _, err = await tradegame(
            "join",
            f"http://127.0.0.1:{server.port}",
            "--code",
            codes(server)["JP"],
            "--bot",
            f"cmd:{sys.executable} {bot}",
        )
        assert code == 0, err
        assert server.rooms[1].game.is_over()
        pid = int(pidfile.read_text())
        for _ in range(50):
            if not alive(pid):
                break
            await asyncio.sleep(0.1)
        assert not alive(pid)
    finally:
        await server.stop()
