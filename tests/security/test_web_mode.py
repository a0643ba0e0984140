"""``tradegame serve`` as an attacker sees it: a browser user who is not at the server's keyboard.

Part 1 drives the web-mode app (``Options(web=True)``) through Textual's Pilot: every dialog that
used to take a server path (save, load, open a scenario file) is tried with absolute paths,
``..`` paths, a symlink and ``/dev/zero``; no path input exists, nothing named is read or written.
Part 2 runs the real server in a subprocess on a free port and talks to it with aiohttp's client:
foreign ``Origin``, too many connections, the instructor view without the secret, a LAN address
without ``--public-url``, and SIGTERM with a browser connected.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input, OptionList, TextArea

from tradegame.cli import main
from tradegame.scenario.loader import bundled_scenarios
from tradegame.session.match import Match, load_scenario
from tradegame.session.persistence import load_text, save
from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.dialogs import LoadDialog, MessageDialog, PathDialog, WebLoadDialog
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.screens.setup import OPEN_FILE, SetupScreen

SEATS = {"JP": "human", "US": "passive", "EU": "passive"}


def make_match(seats: dict[str, str], seed: int = 1) -> Match:
    sc = load_scenario("april-2025")
    return Match(sc.rules, seed, seats, scenario_name=sc.source, scenario_text=sc.text)


def make_app(save_dir: Path, match: Match | None = None, **options: Any) -> TradeGameApp:
    app = TradeGameApp(
        Options(match=match, save_dir=save_dir, ai_delay=0.0, spectate_delay=0.0, **options)
    )
    app.animation_level = "none"
    return app


def screen_text(app: TradeGameApp) -> str:
    """What the browser user sees now, as plain text."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True
    )
    console.print(
        app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens, simplify=True
        )
    )
    return console.export_text(styles=False)


async def wait_until(
    pilot: Any, predicate: Any, timeout: float = 20.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen:\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)


@pytest.fixture
def save_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The host's save folder (also the default one)."""
    folder = tmp_path / "saves"
    folder.mkdir()
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(folder))
    return folder


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, dict[str, Any]]]:
    """What the app delivers to the browser (Textual's deliver_binary, recorded)."""
    got: list[tuple[bytes, dict[str, Any]]] = []

    def deliver(self: Any, data: Any, **kw: Any) -> str:
        got.append((data.read(), kw))
        return "key"

    monkeypatch.setattr(TradeGameApp, "deliver_binary", deliver)
    return got


@pytest.fixture
def victim(tmp_path: Path) -> dict[str, Path]:
    """Files outside the game's folders that an attacker would name: a real save (to list,
    load or overwrite), a symlink to it, a text file, and an empty folder."""
    outside = tmp_path / "outside"
    outside.mkdir()
    real = outside / "other-player.json"
    save(real, make_match(SEATS, seed=77))
    link = outside / "link.json"
    link.symlink_to(real)
    secret = outside / "secret.txt"
    secret.write_text("do not read me\n")
    return {"dir": outside, "save": real, "link": link, "secret": secret}


def snapshot(folder: Path) -> dict[str, tuple[int, float]]:
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime)
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def attacks(victim: dict[str, Path]) -> list[str]:
    return [
        str(victim["save"]),
        str(victim["link"]),
        str(victim["secret"]),
        "/dev/zero",
        "/etc/passwd",
        "../../../../etc/passwd",
        f"{victim['dir']}/../outside/link.json",
        "~/.bashrc",
    ]


async def start_web_game(pilot: Any) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, GameScreen), what="game")


# --------------------------------------------------------------------------- saving


async def test_web_save_is_a_download_and_writes_no_file(
    save_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    downloads: list[tuple[bytes, dict[str, Any]]],
    victim: dict[str, Path],
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = snapshot(victim["dir"])
    app = make_app(save_dir, make_match(SEATS, seed=5), web=True, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_web_game(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(downloads), what="download")
        # no dialog asked for a path: there was nowhere to type one
        assert isinstance(app.screen, GameScreen)
        assert not any(isinstance(s, PathDialog | LoadDialog) for s in app.screen_stack)
    data, kw = downloads[0]
    assert kw["open_method"] == "download" and kw["mime_type"] == "application/json"
    assert re.fullmatch(r"[\w.-]+\.json", kw["save_filename"]), kw["save_filename"]
    assert load_text(data).game.seed == 5  # the download is a real save
    assert list(save_dir.iterdir()) == [] and list(work.iterdir()) == []
    assert snapshot(victim["dir"]) == before


async def test_web_path_dialog_takes_no_path_even_if_opened(
    save_dir: Path, victim: dict[str, Path]
) -> None:
    """Defence in depth: the terminal's path dialog, pushed in web mode, has no input."""
    chosen: list[str | None] = []
    app = make_app(save_dir, make_match(SEATS), web=True, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_web_game(pilot)
        app.push_screen(
            PathDialog("Save the game to", str(victim["save"]), button="Save"), chosen.append
        )
        await wait_until(pilot, lambda: isinstance(app.screen, PathDialog), what="dialog")
        assert not app.screen.query(Input)
        assert str(victim["save"]) not in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(chosen), what="dismissed")
        app.push_screen(LoadDialog([], str(victim["dir"])), chosen.append)
        await wait_until(pilot, lambda: isinstance(app.screen, LoadDialog), what="dialog")
        assert not app.screen.query(Input) and not app.screen.query(OptionList)
        assert str(victim["dir"]) not in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(chosen) == 2, what="dismissed")
    assert chosen == [None, None]


# --------------------------------------------------------------------------- loading


async def paste_and_load(pilot: Any, text: str) -> None:
    app = pilot.app
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, WebLoadDialog), what="load dialog")
    dialog = app.screen
    assert not dialog.query(Input), "a path input in the web load dialog"
    dialog.query_one(TextArea).load_text(text)
    await pilot.click("#load")


@pytest.mark.parametrize("index", range(8))
async def test_web_load_never_reads_a_named_path(
    save_dir: Path, victim: dict[str, Path], index: int
) -> None:
    path = attacks(victim)[index]
    app = make_app(save_dir, make_match(SEATS, seed=3), web=True, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_web_game(pilot)
        match = app.match
        started = time.monotonic()
        await paste_and_load(pilot, path)
        await wait_until(
            pilot, lambda: isinstance(app.screen, MessageDialog), timeout=10, what="the refusal"
        )
        assert time.monotonic() - started < 10  # /dev/zero was not read
        text = screen_text(app)
        assert "the pasted save" in text and "not valid JSON" in text, text
        assert "do not read me" not in text and "root:" not in text
        assert app.match is match and app.match.seed == 3  # the other player's save not loaded


async def test_web_load_takes_a_pasted_save(save_dir: Path, victim: dict[str, Path]) -> None:
    pasted = victim["save"].read_text()
    app = make_app(save_dir, make_match(SEATS, seed=3), web=True, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_web_game(pilot)
        await paste_and_load(pilot, pasted)
        await wait_until(
            pilot, lambda: app.match is not None and app.match.seed == 77, what="the pasted game"
        )


async def test_web_load_of_a_save_naming_a_command_runs_nothing(
    save_dir: Path, tmp_path: Path, victim: dict[str, Path]
) -> None:
    import json

    from tradegame.saves.format import checksum

    marker = tmp_path / "pwned"
    doc = json.loads(victim["save"].read_text())
    doc["seats"]["US"] = f"cmd:touch {marker}"
    doc["checksum"] = checksum(doc)  # a well-formed save, as an attacker would make it
    pasted = json.dumps(doc)
    app = make_app(save_dir, make_match(SEATS, seed=3), web=True, autosave=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_web_game(pilot)
        await paste_and_load(pilot, pasted)
        await wait_until(
            pilot,
            lambda: (
                app.match is not None
                and app.match.seed == 77
                or isinstance(app.screen, MessageDialog)
            ),
            what="load or refusal",
        )
        await pilot.pause(1.0)
        assert (
            app.match is not None
            and app.match.seats.get("US") != doc["seats"]["US"]
            or app.match.seed == 3
        )
    assert not marker.exists()


async def test_web_load_lists_only_this_sessions_autosaves_by_name(
    save_dir: Path, victim: dict[str, Path]
) -> None:
    """Another session's autosaves (here: the shared save folder's) are invisible; this
    session's are in a private folder and shown without a path."""
    save(save_dir / "someone-else.json", make_match(SEATS, seed=9))
    app = make_app(save_dir, make_match(SEATS, seed=4), web=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await start_web_game(pilot)
        assert app.match is not None
        app.autosave(app.match)
        await wait_until(pilot, lambda: app.last_autosave is not None, what="autosave")
        private = app.autosave_dir()
        assert private is not None and app.last_autosave.parent == private
        assert private.resolve() != save_dir.resolve()
        assert Path(tempfile.gettempdir()).resolve() in private.resolve().parents
        assert stat.S_IMODE(private.stat().st_mode) == 0o700
        assert sorted(p.name for p in save_dir.iterdir()) == ["someone-else.json"]
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, WebLoadDialog), what="dialog")
        labels = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert len(labels) == 1 and app.last_autosave.name in labels[0]
        text = screen_text(app)
        assert "someone-else" not in text and str(private) not in text
        assert str(save_dir) not in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, WebLoadDialog), what="load")
    assert not private.exists()  # removed when the session ends


# --------------------------------------------------------------------------- scenarios


async def test_web_new_game_offers_no_scenario_file(
    save_dir: Path, tmp_path: Path, victim: dict[str, Path]
) -> None:
    host_file = tmp_path / "host-lesson.yaml"
    host_file.write_bytes(next(iter(bundled_scenarios().values())).read_bytes())
    app = make_app(save_dir, web=True, scenarios=(str(host_file),))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen), what="setup")
        setup = app.screen
        ids = [o.id for o in setup.query_one("#scenario-list", OptionList).options]
        assert OPEN_FILE not in ids
        assert set(ids) == {*bundled_scenarios(), str(host_file)}
        assert "Open a scenario file" not in screen_text(app)
        # what the old "open a file" dialog took: nothing loads it
        for path in attacks(victim):
            setup.choose(path)
        await pilot.pause(0.5)
        assert all(source in ids for source in app.scenario_cache)
        assert not isinstance(app.screen, MessageDialog)


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Served:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc, self.port, self.log = proc, port, log
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start ``tradegame serve ARGS`` on a free port (own process group, killed at the end)."""
    pytest.importorskip("aiohttp")
    started: list[Served] = []

    def start(*args: str) -> Served:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        env = dict(
            os.environ, TRADEGAME_SAVE_DIR=str(tmp_path / "saves"), TEXTUAL_ANIMATIONS="none"
        )
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tradegame", "serve", "--port", str(port), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        served = Served(proc, port, log)
        started.append(served)
        return served

    yield start
    for served in started:
        try:
            os.killpg(served.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        served.proc.wait(timeout=5)


async def page(served: Served, query: str = "", session: Any = None) -> tuple[int, str]:
    import aiohttp

    deadline = time.monotonic() + 20
    own = session is None
    session = session or aiohttp.ClientSession()
    try:
        while True:
            try:
                async with session.get(f"{served.url}/{query}") as response:
                    return response.status, await response.text()
            except aiohttp.ClientError:
                if time.monotonic() > deadline:
                    raise AssertionError("serve did not answer:\n" + served.output()) from None
                await asyncio.sleep(0.1)
    finally:
        if own:
            await session.close()


async def screen_until(ws: Any, text: str, timeout: float = 20.0, settle: float = 0.0) -> str:
    """The app's output over the websocket (escape sequences removed) once it shows ``text``,
    and ``settle`` seconds more of it."""
    import aiohttp

    ansi = re.compile(rb"\x1b(\[[0-9;?$]*[A-Za-z~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9])")
    buffer = bytearray()
    deadline = time.monotonic() + timeout
    seen: float | None = None
    while True:
        shown = " ".join(ansi.sub(b"", bytes(buffer)).decode("utf-8", "replace").split())
        if seen is None and text in shown:
            seen = time.monotonic()
        if seen is not None and time.monotonic() >= seen + settle:
            return shown
        if seen is None and time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never shown; got: {shown[-2000:]}")
        try:
            msg = await ws.receive(timeout=1.0)
        except TimeoutError:
            continue
        if msg.type == aiohttp.WSMsgType.BINARY:
            buffer += msg.data
        elif msg.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"the websocket closed; got: {shown[-2000:]}")


async def connect(
    served: Served,
    origin: str | None = "own",
    session: Any = None,
    query: str = "",
    size: str = "width=120&height=40",
) -> Any:
    import aiohttp

    headers = {} if origin is None else {"Origin": served.url if origin == "own" else origin}
    own = session is None
    session = session or aiohttp.ClientSession()
    try:
        ws = await session.ws_connect(f"{served.url}/ws?{size}{query}", headers=headers)
    except BaseException:
        if own:
            await session.close()
        raise
    ws.own_session = session if own else None  # closed by close()
    return ws


async def close(ws: Any) -> None:
    await ws.close()
    if ws.own_session is not None:
        await ws.own_session.close()


@pytest.mark.parametrize(
    "origin",
    [None, "http://evil.example", "null", "http://127.0.0.1.evil.example:1", "https://127.0.0.1"],
)
async def test_serve_refuses_a_websocket_from_another_origin(
    serve: Any, origin: str | None
) -> None:
    import aiohttp

    served = serve()
    assert (await page(served))[0] == 200
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await connect(served, origin)
    assert info.value.status == 403
    # its own page's origin (and localhost's, the same machine) plays
    for own in ("own", f"http://localhost:{served.port}"):
        ws = await connect(served, own)
        try:
            await screen_until(ws, "New game")
        finally:
            await close(ws)


async def test_serve_refuses_a_giant_terminal(serve: Any) -> None:
    import aiohttp

    served = serve()
    await page(served)
    for size in ("width=100000000&height=40", "width=80&height=-1", "width=1e9"):
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await connect(served, size=size)
        assert info.value.status == 400
    assert served.children() == []


async def test_serve_refuses_past_the_connection_limit(serve: Any) -> None:
    import aiohttp

    served = serve("--max-connections", "1")
    assert (await page(served))[0] == 200
    first = await connect(served)
    try:
        await screen_until(first, "New game")
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await connect(served)
        assert info.value.status == 503
        status, body = await page(served)
        assert status == 503 and "All 1 places are taken" in body
        assert len(served.children()) == 1
    finally:
        await close(first)
    deadline = time.monotonic() + 10  # the place is free again once the game has ended
    while (await page(served))[0] != 200:
        assert time.monotonic() < deadline, "the place never came free"
        await asyncio.sleep(0.2)


async def test_serve_gives_the_instructor_view_only_with_the_secret(serve: Any) -> None:
    import aiohttp

    served = serve("april-2025", "--seat", "JP=human", "--seed", "1", "--instructor")
    await page(served)
    found = re.search(r"\?instructor=([\w-]+)", served.output())
    assert found, served.output()
    token = found.group(1)
    assert len(token) >= 20
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    for query in ("", f"&instructor={wrong}", "&instructor="):
        ws = await connect(served, query=query)
        try:
            shown = await screen_until(ws, "1 Dashboard", settle=1.5)
            assert "5 Briefing" in shown and "Instructor" not in shown, query
        finally:
            await close(ws)
    # a wrong secret in the page's address gets no cookie either
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await page(served, f"?instructor={wrong}", session)
        ws = await connect(served, session=session)
        try:
            shown = await screen_until(ws, "1 Dashboard", settle=1.5)
            assert "5 Briefing" in shown and "Instructor" not in shown
        finally:
            await close(ws)
    # the printed instructor URL, opened as a browser does (page, then its websocket)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        status, _ = await page(served, f"?instructor={token}", session)
        assert status == 200
        ws = await connect(served, session=session)
        try:
            await screen_until(ws, "6 Instructor")
        finally:
            await close(ws)


def test_serve_refuses_a_lan_address_without_public_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 2
    err = capsys.readouterr().err
    assert "--host 0.0.0.0 needs --public-url http://THIS-MACHINE:8123" in err
    assert main(["serve", "--host", "0.0.0.0", "--public-url", "ftp://x"]) == 2
    assert "not an http:// or https:// URL" in capsys.readouterr().err


async def test_serve_stops_on_sigterm_with_a_browser_connected(serve: Any) -> None:
    served = serve()
    await page(served)
    ws = await connect(served)
    try:
        await screen_until(ws, "New game")
        games = served.children()
        assert games, "no game process"
        started = time.monotonic()
        served.proc.send_signal(signal.SIGTERM)
        await asyncio.to_thread(served.proc.wait, 10)
        assert time.monotonic() - started < 6
    finally:
        await close(ws)
    for pid in games:  # the browser's game ended with the server
        deadline = time.monotonic() + 5
        while (
            Path(f"/proc/{pid}").exists()
            and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
        ):
            assert time.monotonic() < deadline, f"game process {pid} still running"
            await asyncio.sleep(0.1)


def test_serve_offers_only_files_the_host_named(tmp_path: Path) -> None:
    from tradegame.cli import build_parser
    from tradegame.commands import serve as serve_command

    lesson = tmp_path / "lesson.yaml"
    lesson.write_bytes(next(iter(bundled_scenarios().values())).read_bytes())
    args = build_parser().parse_args(["serve", "april-2025", str(lesson)])
    offered = serve_command.check(args)
    assert offered == ["april-2025", str(lesson.resolve())]
    argv = serve_command.play_command(args, offered).split()
    assert argv[0] == "exec" and "--web" in argv
    assert argv.count("--offer") == 2
