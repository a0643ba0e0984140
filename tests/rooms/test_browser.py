"""The room server's page in headless Chromium: a student types a seat's code, sees that
seat's game, makes a move by clicking it and reloads the page back into the seat (driven
over the DevTools protocol).

Needs the Debian package ``chromium`` (``/usr/bin/chromium``), as the serve browser test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
from collections.abc import AsyncIterator

import aiohttp

from tests.rooms.support import codes, start_server
from tests.ui.test_serve_browser import CHROMIUM_FLAGS, chromium, free_port
from tradegame.addresses import allowed_origins


class Page:
    """One tab of Chromium, driven over its DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.next_id = ws, 0

    async def call(self, method: str, **params: object) -> dict:
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            reply = json.loads((await asyncio.wait_for(self.ws.receive(), 30)).data)
            if reply.get("id") == self.next_id:
                return reply

    async def js(self, expression: str) -> object:
        reply = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply["result"]["result"].get("value")

    async def until(self, expression: str, timeout: float = 20) -> object:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            value = await self.js(expression)
            if value:
                return value
            await asyncio.sleep(0.2)
        raise AssertionError(
            f"not true in {timeout} s: {expression}; page: "
            f"{await self.js('document.body.innerText')}"
        )


async def devtools_page(session: aiohttp.ClientSession, port: int) -> str:
    for _ in range(100):
        try:
            async with session.get(f"http://127.0.0.1:{port}/json/list") as resp:
                targets = await resp.json()
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("chromium's DevTools did not start")


@contextlib.asynccontextmanager
async def chromium_page(tmp_path, server) -> AsyncIterator[Page]:
    """A headless Chromium tab on the server's page."""
    server.origins = allowed_origins("127.0.0.1", server.port, None)
    debug_port = free_port()
    proc = await asyncio.create_subprocess_exec(
        chromium(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'chromium'}",
        f"--remote-debugging-port={debug_port}",
        "about:blank",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(await devtools_page(session, debug_port), max_msg_size=0)
            page = Page(ws)
            await page.call("Page.enable")
            await page.call("Page.navigate", url=f"http://127.0.0.1:{server.port}/")
            # the page's script has run (its handlers are set), not only its HTML
            await page.until("document.getElementById('code-form').onsubmit !== null")
            yield page
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()


async def test_a_student_joins_a_seat_with_a_code_in_chromium_and_makes_a_move(tmp_path):
    server = await start_server(
        tmp_path / "rooms", "classroom-lesson", seats={"US": "dove", "EU": "linear"}
    )
    try:
        room = server.rooms[1]
        async with chromium_page(tmp_path, server) as page:
            await page.js(
                f"document.getElementById('code').value = "
                f"{json.dumps(codes(server)['JP'].lower())};"
                f"document.getElementById('join-button').click()"
            )
            bar = await page.until(
                "document.getElementById('game').hidden === false && "
                "document.getElementById('bar').textContent"
            )
            assert "You play JP in room 1" in str(bar)
            report = await page.js("document.getElementById('report').textContent")
            assert "Japan — confidential" in str(report)  # JP's own private data
            first = await page.until(
                "(b => b && b.textContent)(document.querySelector('#legal button.move'))"
            )
            before = len(room.game.actions)
            assert room.game.to_move() == "JP"
            await page.js("document.querySelector('#legal button.move').click()")
            for _ in range(100):
                if len(room.game.actions) > before:
                    break
                await asyncio.sleep(0.1)
            assert str(room.game.actions[before]) == first
            # a reload rejoins the seat with the tab's token, without the code
            await page.call("Page.reload")
            await page.until(
                "document.getElementById('game').hidden === false && "
                "document.getElementById('bar').textContent"
                ".includes('You play JP')"
            )
            assert server.book.seat(1, "JP").holders == 1
    finally:
        await server.stop()


async def test_the_instructor_pauses_every_room_from_the_page_and_a_spectator_watches(tmp_path):
    server = await start_server(
        tmp_path / "rooms", "classroom-lesson", rooms=2, seats={"US": "dove", "EU": "linear"}
    )
    try:
        async with chromium_page(tmp_path, server) as page:
            await page.js(
                f"document.getElementById('code').value = "
                f"{json.dumps(server.book.instructor_code)};"
                f"document.getElementById('join-button').click()"
            )
            rows = await page.until("document.querySelectorAll('#rooms tr').length")
            assert rows == 2
            assert "to move: JP" in str(
                await page.js("document.getElementById('rooms').textContent")
            )
            await page.js(
                "[...document.querySelectorAll('#rooms button')]"
                ".find(b => b.textContent === 'Pause all').click()"
            )
            await page.until(
                "document.getElementById('status').textContent"
                ".includes('pause: room 1 done; room 2 done')"
            )
            assert all(room.paused for room in server.rooms.values())
            await page.until("document.querySelector('#rooms tr').textContent.includes('paused')")
        async with chromium_page(tmp_path / "second", server) as page:
            await page.js(
                "document.getElementById('watch-room').value = '2';"
                "document.getElementById('watch-button').click()"
            )
            bar = await page.until(
                "document.getElementById('game').hidden === false && "
                "document.getElementById('bar').textContent"
            )
            assert str(bar).startswith("Room 2") and "PAUSED" in str(bar)
            report = str(await page.js("document.getElementById('report').textContent"))
            assert "confidential" not in report and "You (private)" not in report
    finally:
        await server.stop()


HOOK = """
window.__got = []; window.__sent = [];
const Native = window.WebSocket;
window.WebSocket = function (url) {
  const ws = new Native(url);
  ws.addEventListener('message', (e) => window.__got.push(JSON.parse(e.data)));
  const send = ws.send.bind(ws);
  ws.send = (data) => { window.__sent.push(JSON.parse(data)); send(data); };
  return ws;
};
"""


async def join_in_page(page: Page, code: str) -> None:
    await page.js(HOOK)
    await page.js(
        f"document.getElementById('code').value = {json.dumps(code)};"
        f"document.getElementById('join-button').click()"
    )
    await page.until("document.querySelector('#legal button.whatif') !== null")


async def preview_typed(page: Page, move: str) -> str:
    """Type ``move``, click What if?, and return the preview once the server answered."""
    asked = await page.js("window.__sent.filter(m => m.type === 'what_if').length")
    await page.js(
        f"document.getElementById('move').value = {json.dumps(move)};"
        "document.getElementById('whatif-typed').click()"
    )
    await page.until(
        f"window.__got.filter(m => m.type === 'what_if').length > {asked} && "
        "!document.getElementById('preview').textContent.endsWith('(asking)')"
    )
    return str(await page.js("document.getElementById('preview').textContent"))


async def page_previews(tmp_path, text: str) -> tuple[list[str], list[dict], str]:
    """What Japan's page shows and receives when it asks "what if?" of its first turn's moves
    and of two-term offers that touch the US's private items."""
    from tests.security.test_rooms_what_if import SEATS, hypotheses

    server = await start_server(
        tmp_path / "rooms", "classroom-lesson", text=text, seats=SEATS, seed=5
    )
    try:
        async with chromium_page(tmp_path, server) as page:
            await join_in_page(page, codes(server)["JP"])
            turn = await page.js("window.__got.find(m => m.type === 'turn')")
            assert isinstance(turn, dict)
            shown = [
                await preview_typed(page, actions[0])
                for actions in hypotheses(turn)
                if len(actions) == 1
            ]
            got = await page.js("window.__got.filter(m => m.type === 'what_if')")
            screen = str(await page.js("document.getElementById('game').innerText"))
    finally:
        await server.stop()
    assert isinstance(got, list)
    return shown, got, screen


async def test_the_page_shows_what_if_previews_and_nothing_private_of_another_seat(
    tmp_path, monkeypatch
):
    """A differential test through the page: the US's private data changed, Japan's page
    shows and receives the same previews; Japan's own cost changed (the control), they differ."""
    from tests.security.test_rooms_what_if import jp_private, us_private
    from tradegame.rooms import server as host
    from tradegame.scenario.loader import load_scenario_text

    monkeypatch.setattr(host, "PREVIEWS_PER_SECOND", 1e6)  # the page's limit is tested below
    text, _ = load_scenario_text("classroom-lesson")
    plain = await page_previews(tmp_path / "plain", text)
    shown = plain[0]
    assert len(shown) >= 8 and all(s.startswith("What if JP ") for s in shown)
    assert any("Your projected score" in s and "against doing nothing more" in s for s in shown)
    assert any("jp_investment" in s for s in shown)
    assert not any("too many previews" in str(m) for m in plain[1])
    assert plain == await page_previews(tmp_path / "us", us_private(text))
    assert plain != await page_previews(tmp_path / "jp", jp_private(text))


async def test_the_page_keeps_the_servers_preview_limits_and_shows_only_the_newest_answer(
    tmp_path,
):
    from tradegame.rooms.server import PREVIEW_BURST, PREVIEWS_PER_SECOND

    server = await start_server(
        tmp_path / "rooms", "classroom-lesson", seats={"US": "passive", "EU": "passive"}, seed=5
    )
    try:
        room = server.rooms[1]
        async with chromium_page(tmp_path, server) as page:
            await join_in_page(page, codes(server)["JP"])
            version = room.version
            # twenty clicks at once: the burst is sent, the rest are told to wait
            # (the wait message is read in the same script as the clicks: an answer arriving
            # afterwards replaces it)
            said = str(
                await page.js(
                    "(() => { const w = [...document.querySelectorAll('#legal button.whatif')];"
                    "for (let i = 0; i < 20; i++) w[i % w.length].click();"
                    "return document.getElementById('preview').textContent; })()"
                )
            )
            sent = await page.js("window.__sent.filter(m => m.type === 'what_if').length")
            assert sent == int(PREVIEW_BURST)
            assert f"at most {PREVIEWS_PER_SECOND:g} a second" in said
            await page.until(f"window.__got.filter(m => m.type === 'what_if').length == {sent}")
            answers = await page.js("window.__got.filter(m => m.type === 'what_if')")
            assert isinstance(answers, list)
            assert all("projection" in a for a in answers)  # the server refused none
            # the allowance refills: a typed move's preview, once the server answers
            first = await page.js("window.__got.find(m => m.type === 'turn').legal[0]")
            wanted = json.dumps(f"What if {first}?\nYour projected score")
            await page.until(
                "(() => { const t = document.getElementById('preview').textContent;"
                f"if (t.startsWith({wanted})) return true;"
                "if (!t.endsWith('(asking)')) {"
                f"  document.getElementById('move').value = {json.dumps(first)};"
                "  document.getElementById('whatif-typed').click(); }"
                "return false; })()"
            )
            # a move that is not Japan's: the server's reason, in the page as text (asked
            # again while the page's own allowance refuses it: on a loaded machine the loop
            # above may have spent it)
            await page.until(
                "(() => { const t = document.getElementById('preview').textContent;"
                'if (t.includes("a preview is of JP\'s own moves")) return true;'
                "if (!t.endsWith('(asking)')) {"
                "  document.getElementById('move').value = 'US pass';"
                "  document.getElementById('whatif-typed').click(); }"
                "return false; })()"
            )
            assert room.version == version  # previews changed nothing
    finally:
        await server.stop()
