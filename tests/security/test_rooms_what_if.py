"""What-if previews over the network reveal nothing private of another seat: a differential
test asks the host for the same projections in two rooms whose scenarios differ only in the
US's private data (its political costs, the gains it would get, an objective), and a control
changes Japan's own cost (Japan's previews must then differ, or the test compares nothing).
Also: only a seat's own moves, only its current state, at a bounded rate."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.rooms.support import Conn, codes, start_server, url_of
from tradegame.engine import Propose, parse
from tradegame.scenario.loader import load_scenario_text

SCENARIO = "classroom-lesson"
SEATS = {"US": "passive", "EU": "passive"}  # agents that read no private data: same moves


def us_private(text: str) -> str:
    """The US's political cost of a ceiling for Japan, the US's gain from Japan's investment
    vehicle, and the best value of a US objective, changed."""
    out = text.replace("{value: 0.20, cost: 1, gain: 3}", "{value: 0.20, cost: 7, gain: 3}", 1)
    out = out.replace("{value: 250, cost: 4, gain: 5}", "{value: 250, cost: 4, gain: 9}", 1)
    out = out.replace(
        "{metric: investment_received, best: 300, worst: 0, weight: 0.15}",
        "{metric: investment_received, best: 200, worst: 0, weight: 0.15}",
        1,
    )
    assert out.count("cost: 7, gain: 3}") == 1 and "gain: 9}" in out and "best: 200," in out
    return out


def jp_private(text: str) -> str:
    """Japan's own political cost of its investment vehicle, changed (the control)."""
    out = text.replace("{value: 250, cost: 4, gain: 5}", "{value: 250, cost: 9, gain: 5}", 1)
    assert "cost: 9, gain: 5}" in out
    return out


def hypotheses(turn: dict) -> list[list[str]]:
    """The moves Japan asks previews of on this turn: each legal move (up to 12), and two-term
    offers to the US that touch the changed items."""
    legal = [a for a in turn["legal"]][:12]
    asks = [[]] + [[a] for a in legal]
    offers = [parse(a) for a in turn["legal"] if " propose " in a or " counter " in a]
    for first in offers[:6]:
        for second in offers[:6]:
            if isinstance(first, Propose) and isinstance(second, Propose):
                items = {t.item for t in first.terms} | {t.item for t in second.terms}
                if len(items) == 2 and {"us_cap_jp", "jp_investment"} & items:
                    both = Propose(first.player, first.partner, first.terms + second.terms)
                    asks.append([str(both)])
    if turn["phase"] == "orders":
        orders = [a for a in turn["legal"] if not a.endswith(" done")]
        asks.append([*orders[:2], "JP done"])
    return asks


async def previews_of_a_game(folder, text, turns: int = 10) -> list:
    """Everything Japan's seat learns from previews (and the updates' baselines) over
    ``turns`` of its turns, playing the first legal move each time."""
    server = await start_server(folder, SCENARIO, text=text, seats=SEATS, seed=5)
    seen = []
    try:
        async with aiohttp.ClientSession() as session:
            jp = await Conn(session, url_of(server)).open()
            await jp.send({"type": "join", "code": codes(server)["JP"]})
            await jp.until("welcome")
            request = 0
            for _ in range(turns):
                turn = await jp.until("turn", "end")
                if turn["type"] == "end":
                    break
                for actions in hypotheses(turn):
                    request += 1
                    await jp.send(
                        {
                            "type": "what_if",
                            "id": request,
                            "version": turn["id"],
                            "actions": actions,
                        }
                    )
                    reply = await jp.until("what_if")
                    assert reply["id"] == request
                    if "error" in reply:
                        assert "too many previews" in reply["error"]
                        await asyncio.sleep(1.0)  # the allowance refills; ask again
                        await jp.send(
                            {
                                "type": "what_if",
                                "id": request,
                                "version": turn["id"],
                                "actions": actions,
                            }
                        )
                        reply = await jp.until("what_if")
                    seen.append((actions, reply.get("projection"), reply.get("error")))
                move = turn["legal"][0] if turn["phase"] != "orders" else "JP done"
                await jp.send({"type": "move", "action": move, "version": turn["id"]})
                await jp.until("accepted")
            seen.append(
                ("baselines", [m.get("projected") for m in jp.received if m["type"] == "update"])
            )
    finally:
        await server.stop()
    return seen


async def test_previews_over_the_network_reveal_nothing_of_another_seat(tmp_path, monkeypatch):
    from tradegame.rooms import server as host

    monkeypatch.setattr(host, "PREVIEWS_PER_SECOND", 1e6)  # the rate is tested below
    text, _ = load_scenario_text(SCENARIO)
    plain = await previews_of_a_game(tmp_path / "plain", text)
    other = await previews_of_a_game(tmp_path / "us", us_private(text))
    own = await previews_of_a_game(tmp_path / "jp", jp_private(text))
    projections = [p for _, p, _ in plain[:-1] if p is not None]
    assert len(projections) > 40  # the test compares something
    assert any("jp_investment" in str(a) for a, _, _ in plain[:-1])
    assert plain == other  # every projection, and every baseline, identical
    assert plain != own  # the control: Japan's own private data does show in its previews


async def test_a_preview_is_of_the_seats_own_moves_on_its_current_state_at_a_bounded_rate(
    tmp_path,
):
    server = await start_server(tmp_path, SCENARIO, seats=SEATS, seed=5)
    try:
        async with aiohttp.ClientSession() as session:
            stranger = await Conn(session, url_of(server)).open()
            await stranger.send({"type": "what_if", "id": 1, "version": 0, "actions": []})
            assert "join a seat" in (await stranger.until("what_if"))["error"]
            jp = await Conn(session, url_of(server)).open()
            await jp.send({"type": "join", "code": codes(server)["JP"]})
            turn = await jp.until("turn")
            v = turn["id"]

            async def ask(actions, version=v, request=2):
                await jp.send(
                    {"type": "what_if", "id": request, "version": version, "actions": actions}
                )
                return await jp.until("what_if")

            assert "own moves" in (await ask(["US pass"]))["error"]
            assert (await ask(["JP fly"]))["illegal"] is True
            assert "moved on" in (await ask([], version=v + 5))["error"]
            # paths, code and oversize requests are not messages at all
            await jp.send({"type": "what_if", "id": 3, "version": v, "actions": [], "path": "/"})
            assert "what_if" in (await jp.until("error"))["reason"]
            await jp.send({"type": "what_if", "id": 3, "version": v, "actions": ["JP pass"] * 13})
            assert (await jp.until("error"))["type"] == "error"
            # a burst, then refusals: at most a few a second
            answers = [await ask([], request=10 + n) for n in range(20)]
            limited = [a for a in answers if "too many previews" in a.get("error", "")]
            assert limited and len(limited) >= 10
            assert all("\x1b" not in str(a) for a in answers)
            await asyncio.sleep(0.6)
            assert "projection" in await ask([])  # it refills
            assert server.rooms[1].version == v  # a preview changes nothing
    finally:
        await server.stop()
