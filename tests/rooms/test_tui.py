"""``tradegame join URL --code CODE`` in a terminal: the game's own panels against a room
(Textual Pilot, the server in the same event loop)."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from tests.rooms.support import codes, start_server, url_of
from tradegame.engine import parse
from tradegame.ui.remote import RemoteApp, RemoteGameScreen
from tradegame.ui.widgets.common import ActionChosen
from tradegame.ui.widgets.orders import OrdersPanel


async def wait(pilot, condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await pilot.pause(0.05)


async def test_a_seat_plays_over_the_network_with_the_games_screens(tmp_path):
    server = await start_server(tmp_path, "classroom-lesson", seats={"US": "dove", "EU": "linear"})
    room = server.rooms[1]
    try:
        app = RemoteApp(url_of(server), {"code": codes(server)["JP"]})
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            assert isinstance(screen, RemoteGameScreen)
            await wait(pilot, screen.my_turn)
            status = str(screen.query_one("#status", Static).render())
            assert "Your move" in status and "You play JP in room 1" in status
            assert screen.view is not None and screen.view["viewer"] == "JP"
            # talks: pass with the game's own key
            before = len(room.game.actions)
            await pilot.press("p")
            await wait(pilot, lambda: len(room.game.actions) > before)
            assert str(room.game.actions[before]) == "JP pass"
            # play on to the orders phase, passing (or rejecting) in talks
            while room.game.phase != "orders" or room.game.to_move() != "JP":
                await wait(pilot, lambda: screen.my_turn() or room.game.phase == "orders")
                if room.game.phase == "talks" and screen.my_turn():
                    key = "p" if screen.turn and not screen.turn["talks"]["offer"] else "r"
                    await pilot.press(key)
                    await pilot.pause(0.2)
            await wait(pilot, screen.my_turn)
            # an order chosen in the orders panel is staged here, then sent with Done
            order = parse(next(a for a in screen.turn["legal"] if a != "JP done"))
            screen.query_one(OrdersPanel).post_message(ActionChosen(order))
            await wait(pilot, lambda: screen.staged == [order])
            assert order not in room.game.actions
            await pilot.press("ctrl+d")
            await wait(pilot, lambda: any(str(a) == "JP done" for a in room.game.actions))
            sent = [str(a) for a in room.game.actions if a.player == "JP"][-2:]
            assert sent == [str(order), "JP done"]
    finally:
        await server.stop()
