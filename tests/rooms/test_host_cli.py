"""``tradegame host`` as a teacher runs it: codes printed, the browser's Origin checked,
SIGTERM saves every room and the same command resumes them with the same codes."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

import aiohttp

from tests.rooms.support import Conn
from tradegame.cli import main


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(folder, port):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tradegame",
            "host",
            "classroom-lesson",
            "--rooms",
            "2",
            "--seat",
            "US=dove",
            "--seat",
            "EU=linear",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "codes.csv" in line or not line:
            break
    return proc, "".join(lines)


def stop(proc) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    return proc.returncode, err


async def one_move(port, code, origin=None):
    headers = {"Origin": origin} if origin else {}
    async with aiohttp.ClientSession() as session:
        conn = await Conn(session, f"http://127.0.0.1:{port}/ws").open(headers=headers)
        await conn.send({"type": "join", "code": code})
        turn = await conn.until("turn")
        await conn.send({"action": turn["legal"][0], "id": turn["id"]})
        reply = await conn.until("accepted", "refused")
        await conn.close()
        return reply


async def refused_origin(port):
    async with aiohttp.ClientSession() as session:
        try:
            await session.ws_connect(
                f"http://127.0.0.1:{port}/ws", headers={"Origin": "http://evil.example"}
            )
        except aiohttp.WSServerHandshakeError as exc:
            return exc.status
    return None


def test_host_prints_codes_checks_origin_and_resumes_after_sigterm(tmp_path):
    folder = tmp_path / "class"
    port = free_port()
    proc, out = start(folder, port)
    try:
        assert f"hosting 2 rooms of classroom-lesson at http://127.0.0.1:{port}/" in out
        rows = (folder / "codes.csv").read_text().splitlines()
        assert oct(os.stat(folder / "codes.csv").st_mode & 0o777) == "0o600"
        codes = {(r.split(",")[0], r.split(",")[1]): r.split(",")[2] for r in rows[1:]}
        assert set(codes) == {("1", "JP"), ("2", "JP"), ("all", "instructor")}
        for code in codes.values():
            assert code in out
        slips = (folder / "codes.html").read_text()
        assert oct(os.stat(folder / "codes.html").st_mode & 0o777) == "0o600"
        assert slips.count('class="slip"') == 2 and codes[("2", "JP")] in slips
        assert f"http://127.0.0.1:{port}/" in slips and "Room 2: you play <b>Japan" in slips
        assert codes[("all", "instructor")] not in slips
        reply = asyncio.run(one_move(port, codes[("1", "JP")], origin=f"http://localhost:{port}"))
        assert reply["type"] == "accepted"
        assert asyncio.run(refused_origin(port)) == 403
    finally:
        code, err = stop(proc)
    assert code == 0, err
    assert "every room is saved" in err
    saved = (folder / "room-01.json").read_text()
    proc, out = start(folder, port)
    try:
        assert "resumed 2 rooms" in out
        for code in codes.values():
            assert code in out  # the same codes: the handouts still work
        from tradegame.saves import load_game

        assert len(load_game(folder / "room-01.json").game.actions) > 0
    finally:
        code, _ = stop(proc)
    assert code == 0
    assert len(saved) > 0


def test_host_refuses_bad_arguments_with_the_fix(tmp_path, capsys):
    assert main(["host", "classroom-lesson", "--host", "0.0.0.0", "--dir", str(tmp_path)]) == 2
    assert "--public-url" in capsys.readouterr().err
    assert main(["host", "classroom-lesson", "--seat", "JP=nonsense", "--dir", str(tmp_path)]) == 2
    assert "unknown agent" in capsys.readouterr().err
    assert main(["host", "classroom-lesson", "--rooms", "0", "--dir", str(tmp_path)]) == 2
    assert main(["host", "april-2025", "--dir", str(tmp_path / "x"), "--port", "0"]) == 2
