"""``tradegame join URL --code CODE`` in a terminal: the local game's own screen against a
room server on a free port (Textual Pilot, keystrokes only, the server in the same event
loop, real websockets)."""

from __future__ import annotations

import aiohttp

from tests.rooms.support import Conn, codes, start_server, url_of
from tests.ui.support import close_reports_until_end, screen_text, wait_for_text, wait_until
from tradegame.rooms.remote_seat import RemoteSeat
from tradegame.session.play import PlaySession
from tradegame.ui.remote import RemoteApp
from tradegame.ui.screens.game import TABS, GameScreen
from tradegame.ui.widgets.talks import TermList

SEATS = {"US": "dove", "EU": "passive"}  # JP is the human seat, played over the network


def remote(server, player: str = "JP", **secret: str) -> tuple[RemoteApp, RemoteSeat]:
    seat = RemoteSeat(url_of(server), secret or {"code": codes(server)[player]})
    return RemoteApp(seat), seat


async def test_a_remote_seat_plays_a_whole_game_on_the_local_game_screen(tmp_path):
    server = await start_server(tmp_path, "april-2025", seats=SEATS, seed=3)
    room = server.rooms[1]
    game = lambda: room.game  # noqa: E731 - the room's game (a rollback would replace it)
    try:
        app, seat = remote(server)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_text(pilot, "Your move, Japan")
            screen = app.screen
            # the very screen a local player has, on a session whose game is elsewhere
            assert type(screen) is GameScreen and isinstance(screen.session, PlaySession)
            assert screen.session is seat and not seat.local and screen.tabs == TABS
            assert "Ministerial talks with United States (US)" in screen_text(app)
            # its view is exactly the server's view for JP
            assert seat.view_json("JP") == game().view("JP").to_json()
            # what a regulatory item's level does, from the welcome, as locally
            assert seat.export_boosts == room.match.export_boosts
            assert seat.export_boosts["jp_car_standards"] == ("autos", 0.1)

            # an offer built by keys in the talks tab, as locally: More US LNG, second level
            terms = screen.query_one(TermList)
            steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
            await pilot.press(*(["down"] * steps), "right", "right")
            await wait_for_text(pilot, "if your draft is agreed")  # the preview, asked of the host
            text = screen_text(app)
            assert "fits your win-set" in text and "Projected score" in text
            await pilot.press("s")
            await wait_until(
                pilot,
                lambda: any(str(a).startswith("JP propose US jp_lng=") for a in game().actions),
                what="the offer on the server",
            )
            await wait_until(
                pilot,
                lambda: game().phase == "orders" and game().to_move() == "JP",
                what="Japan's orders",
            )
            assert any(str(a) == "US accept" for a in game().actions)
            await wait_for_text(pilot, "US accepts JP's offer (d1)")

            # an order filtered and staged by keys, sent with ctrl+d and enter
            await pilot.press("3", "slash", *"reassure", "down")
            await wait_for_text(pilot, "Preview — Reassure US")
            assert "Projected score" in screen_text(app)
            await pilot.press("enter")
            await wait_for_text(pilot, "Staged (1/3)")
            assert not any(str(a) == "JP say reassure US" for a in game().actions)  # not yet
            await pilot.press("ctrl+d")
            await wait_for_text(pilot, "send these orders?")
            assert "1. Reassure US" in screen_text(app)
            await pilot.press("enter")
            await wait_until(pilot, lambda: game().round == 2, what="round 2")
            assert "JP say reassure US" in [str(a) for a in game().actions]
            # the round report, as locally
            await wait_for_text(pilot, "Round 1 report")
            text = screen_text(app)
            assert "d1 between JP and US enters force" in text
            assert "Your projected score" in text  # against the round's baseline, as locally
            await pilot.press("enter")

            # play out by keys: pass or reject in talks, Done without orders
            while not game().is_over():
                await wait_until(
                    pilot,
                    lambda: game().is_over() or screen.is_my_turn(),
                    what="Japan's move",
                )
                if game().is_over():
                    break
                await pilot.pause()
                if app.screen.id == "round-report":
                    await pilot.press("enter")
                    continue
                before = room.version
                talks = seat.talks_now()
                if talks is not None:
                    await pilot.press("p" if talks.offer is None else "r")
                else:
                    await pilot.press("ctrl+d")
                    await wait_for_text(pilot, "send these orders?")
                    await pilot.press("enter")
                await wait_until(pilot, lambda b=before: room.version > b, what="the move sent")
            await close_reports_until_end(pilot)  # the last round's report, then the results
            text = screen_text(app)
            scores, batna = game().scores(), game().batna()
            assert f"{scores['JP']:.1f}" in text and f"{batna['JP']:.1f}" in text
            assert set(seat.score_breakdown()) == {"US", "JP", "EU"}
    finally:
        await server.stop()


async def test_a_paused_room_takes_no_keys_and_says_so(tmp_path):
    server = await start_server(tmp_path, "april-2025", seats=SEATS, seed=3)
    room = server.rooms[1]
    try:
        app, seat = remote(server)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_text(pilot, "Your move, Japan")
            room.pause()
            await wait_for_text(pilot, "PAUSED by the instructor")
            before = len(room.game.actions)
            await pilot.press("p")
            await pilot.pause(0.3)
            assert len(room.game.actions) == before and not app.screen.is_my_turn()
            room.resume()
            await wait_until(pilot, app.screen.is_my_turn, what="the turn back")
            await pilot.press("p")
            await wait_until(pilot, lambda: len(room.game.actions) > before, what="the pass")
            assert str(room.game.actions[before]) == "JP pass"
    finally:
        await server.stop()


async def test_a_move_refused_by_the_server_is_shown_and_the_game_goes_on(tmp_path):
    server = await start_server(tmp_path, "april-2025", seats=SEATS, seed=3)
    room = server.rooms[1]
    try:
        app, seat = remote(server)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_text(pilot, "Your move, Japan")
            # the room moves on while its update is still on the way: news the seat has not
            # heard of yet, so its pass is made for the older version
            notify, room.on_change = room.on_change, lambda r: None
            room.news("Markets fall")
            await pilot.pause()
            room.on_change = notify
            await pilot.press("p")
            await wait_for_text(pilot, "stale or repeated move")
            assert not any(str(a) == "JP pass" for a in room.game.actions)
            await wait_until(pilot, app.screen.is_my_turn, what="the current turn")
            await pilot.press("p")
            await wait_until(
                pilot, lambda: any(str(a) == "JP pass" for a in room.game.actions), what="pass"
            )
    finally:
        await server.stop()


async def test_a_wrong_code_gets_the_servers_refusal_not_a_screen(tmp_path):
    server = await start_server(tmp_path, "april-2025", seats=SEATS, seed=3)
    try:
        app, seat = remote(server, code="AAAA-AAAA")
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_text(pilot, "The room did not seat you: this code is not valid")
            assert not isinstance(app.screen, GameScreen)
            await pilot.press("q")
        assert seat.refusal is not None and seat.me is None
    finally:
        await server.stop()


async def test_a_dropped_connection_rejoins_the_seat_by_itself(tmp_path):
    server = await start_server(tmp_path, "april-2025", seats=SEATS, seed=3)
    room = server.rooms[1]
    try:
        app, seat = remote(server)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_text(pilot, "Your move, Japan")
            token = seat.token
            # another connection with the seat's token takes it over: this one is closed
            async with aiohttp.ClientSession() as session:
                other = await Conn(session, url_of(server)).open()
                await other.send({"type": "join", "token": token})
                await other.until("welcome")
                await other.close()
            await wait_until(pilot, lambda: seat.connection == "connected" and seat.ready.is_set())
            await wait_until(pilot, app.screen.is_my_turn, timeout=30, what="the seat again")
            before = len(room.game.actions)
            await pilot.press("p")
            await wait_until(pilot, lambda: len(room.game.actions) > before, what="the pass")
    finally:
        await server.stop()


async def test_a_rollback_clears_the_result_of_an_exchange_it_undid(tmp_path):
    """The instructor rolls the room back past an accepted offer: the seat's status line no
    longer says the deal was accepted (it kept the old notice before)."""
    server = await start_server(tmp_path, "april-2025", seats=SEATS, seed=3)
    room = server.rooms[1]
    try:
        app, _ = remote(server)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_text(pilot, "Your move, Japan")
            screen = app.screen
            terms = screen.query_one(TermList)
            steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
            await pilot.press(*(["down"] * steps), "right", "right", "s")
            await wait_for_text(pilot, "US accepts JP's offer (d1)")
            async with aiohttp.ClientSession() as session:
                teacher = await Conn(session, url_of(server)).open()
                await teacher.send({"type": "join", "code": server.book.instructor_code})
                await teacher.until("welcome")
                await teacher.send({"type": "rollback", "room": 1, "round": 1})
                assert (await teacher.until("done"))["results"] == {"1": "done"}
            await wait_until(
                pilot,
                lambda: (
                    not any(str(a) == "US accept" for a in room.game.actions)
                    and "US accepts JP's offer" not in screen.message
                ),
                what="the rolled-back seat",
            )
            assert "US accepts JP's offer (d1)" not in screen_text(app)
    finally:
        await server.stop()


def test_what_a_server_sends_is_checked_and_escaped():
    seat = RemoteSeat("http://127.0.0.1:1/ws", {"code": "X"})
    heard = []
    seat.ready.set()
    seat.on_change = heard.append
    seat.me = "JP"
    seat._receive(
        '{"type": "update", "version": 3, "paused": false, "view": '
        '{"players": [{"id": "JP", "name": "\\u001b]52;c;cHduZWQ=\\u0007x"}]}}'
    )
    assert seat.player_name("JP") == "\\x1b]52;c;cHduZWQ=\\x07x"
    for bad in (
        "[1]",
        '{"type": "update", "version": "3", "view": {}}',
        "{nope",
        '{"type": "turn", "id": 4, "legal": [1]}',
        "[" * 100_000,
    ):
        seat._receive(bad)
        assert heard[-1] is not None and "could not be read" in heard[-1].text
    assert seat.version == 3


def test_a_servers_export_boosts_are_kept_only_when_well_formed():
    from tradegame.rooms.remote_seat import export_boosts_of

    sent = {
        "ok": ["autos", 0.1],
        "whole": ["other", 1],
        "nan": ["autos", float("nan")],
        "flag": ["autos", True],
        "short": ["autos"],
        "text": ["autos", "0.1"],
        "sector": [3, 0.1],
    }
    assert export_boosts_of(sent) == {"ok": ("autos", 0.1), "whole": ("other", 1.0)}
    for bad in (None, [], "x", 3):
        assert export_boosts_of(bad) == {}


async def test_the_room_clients_toasts_are_plain_text_and_wait_for_dialogs():
    """The room client shows the local game's screen, so it has the local app's toast rules
    (ui/toasts.py): a talks toast raised under a dialog waits for it (the screen called a
    method only the local app had: a traceback dialog in every room game), and a toast is
    plain text (a server's words in ``[@click=app.quit]`` are shown, not run)."""
    from tradegame.ui.screens.dialogs import MessageDialog

    seat = RemoteSeat("http://127.0.0.1:1/ws", {"code": "X"})  # never connects
    app = RemoteApp(seat)
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify("[@click=app.quit]US[/] says hello", title="Talks")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["[@click=app.quit]US[/] says hello"]
        assert not any(n.markup for n in app._notifications)
        app.push_screen(MessageDialog("A dialog", "with a button"))
        await pilot.pause()
        assert not list(app._notifications)  # held while the dialog is up
        app.notify_after_dialogs("EU made an offer", title="Talks", timeout=8)
        await pilot.pause()
        assert not list(app._notifications)
        app.pop_screen()
        await pilot.pause()
        shown = sorted(n.message for n in app._notifications)
        assert shown == ["EU made an offer", "[@click=app.quit]US[/] says hello"]
