"""Browser play end to end: ``tradegame serve`` on a free localhost port, the page opened in
headless Chromium, and the app's output read over the server's websocket (the terminal is
drawn in a canvas, so the DOM holds no game text: the websocket stream is where it is).

Needs the Debian package ``chromium`` (``/usr/bin/chromium``) and textual-serve (the ``test``
extra installs it). The server's whole process group is killed at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradegame.session.match import default_agent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSI = re.compile(rb"\x1b(\[[0-9;?$]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9])")
NEW_GAME_TEXT = "New game — choose a scenario"


def chromium() -> str:
    path = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if not path:
        pytest.fail(
            "chromium is missing: install the Debian package 'chromium' "
            "(apt-get install -y chromium) for the browser test"
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """``tradegame serve`` in its own process group; yields (port, log file)."""
    pytest.importorskip("aiohttp")  # a dependency of textual-serve
    port = free_port()
    log = tmp_path / "serve.log"
    env = dict(os.environ, TRADEGAME_SAVE_DIR=str(tmp_path / "saves"), TEXTUAL_ANIMATIONS="none")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tradegame", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    try:
        yield port, log
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def plain(data: bytes) -> str:
    return " ".join(ANSI.sub(b"", data).decode("utf-8", "replace").split())


async def wait_for_page(port: int, log: Path, timeout: float = 15.0) -> str:
    import aiohttp

    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    if response.status == 200:
                        return await response.text()
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"tradegame serve did not answer on port {port}:\n"
                    f"{log.read_text(errors='replace')}"
                )
            await asyncio.sleep(0.1)


async def read_until(ws: object, buffer: bytearray, text: str, timeout: float) -> None:
    import aiohttp

    deadline = time.monotonic() + timeout
    while text not in plain(bytes(buffer)):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(
                f"{text!r} never came over the websocket; got:\n{plain(bytes(buffer))[-3000:]}"
            )
        try:
            msg = await ws.receive(timeout=min(left, 1.0))  # type: ignore[attr-defined]
        except TimeoutError:
            continue
        if msg.type == aiohttp.WSMsgType.BINARY:
            buffer += msg.data
        elif msg.type in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
            aiohttp.WSMsgType.ERROR,
        ):
            raise AssertionError(f"the websocket closed; got:\n{plain(bytes(buffer))[-3000:]}")


async def test_serve_shows_the_new_game_screen_in_a_browser(
    server: tuple[int, Path], tmp_path: Path
) -> None:
    import aiohttp

    browser = chromium()
    port, log = server
    url = f"http://127.0.0.1:{port}/"
    page = await wait_for_page(port, log)
    assert "tradegame" in page and "/ws" in page

    # 1. The app's own output over the websocket: the new-game screen, then a game against
    #    AI seats once "s" (start) is typed in the browser terminal.
    #    The websocket comes from the page, as a browser's does: with the page's Origin.
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(
            f"{url}ws?width=120&height=40", headers={"Origin": url.rstrip("/")}
        ) as ws,
    ):
        buffer = bytearray()
        await read_until(ws, buffer, NEW_GAME_TEXT, timeout=15)
        # the scenario loads in a worker: start once the seats (the default agent) are shown
        await read_until(ws, buffer, default_agent(), timeout=15)
        buffer.clear()
        for attempt in range(8):  # the seat choices settle just after they are drawn
            await ws.send_str(json.dumps(["stdin", "s"]))
            try:
                await read_until(ws, buffer, "1 Dashboard", timeout=2.5)
                break
            except AssertionError:
                if attempt == 7:
                    raise
        assert "Japan" in plain(bytes(buffer))

    # 2. The page in headless Chromium: it loads, its terminal connects (DOM), it renders
    #    (screenshot).
    flags = [
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'chromium'}",
        "--window-size=1200,800",
        "--virtual-time-budget=5000",
    ]
    dom = await asyncio.to_thread(
        subprocess.run,
        [browser, *flags, "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    # the page's script ran: an xterm terminal whose websocket is connected to the server
    assert "data-session-websocket-url" in dom.stdout, dom.stdout[-2000:] + dom.stderr[-2000:]
    assert "xterm-text-layer" in dom.stdout and "-connected" in dom.stdout, dom.stdout[-3000:]
    shot = tmp_path / "page.png"
    await asyncio.to_thread(
        subprocess.run,
        [browser, *flags, f"--screenshot={shot}", url],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 2000
    assert "HeadlessChrome" in log.read_text(errors="replace")
