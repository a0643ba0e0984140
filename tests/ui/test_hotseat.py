"""Hot-seat: two people share the keyboard. A curtain hides the previous player's screen, and
no private data of one seat is ever on screen during the other's turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tradegame.ui.screens.curtain import CurtainScreen
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.widgets.talks import TermList

from .support import make_app, make_match, screen_text, wait_for_text, wait_until

# Phrases from each seat's confidential briefing (and the heading of it).
SECRETS = {
    "JP": ("Priority: the car tariff", "Japan — confidential"),
    "EU": ("You speak for 27 governments", "Union — confidential"),
}


def private_to(player: str, text: str) -> list[str]:
    """The secrets of ``player`` on a screen (line breaks and padding ignored)."""
    flat = " ".join(text.split())
    return [s for s in SECRETS[player] if s in flat]


async def test_curtain_between_players_and_nothing_private_leaks(save_dir: Path) -> None:
    match = make_match({"JP": "human", "EU": "human", "US": "passive"}, seed=5)
    game = match.game
    app = make_app(save_dir, match)
    seen: dict[str, list[str]] = {"JP": [], "EU": [], "curtain": []}

    def look() -> str:
        """Record the screen under whoever holds the keyboard now."""
        text = screen_text(app)
        if isinstance(app.screen, CurtainScreen):
            seen["curtain"].append(text)
        elif isinstance(app.screen, GameScreen) and app.screen.viewer:
            seen[app.screen.viewer].append(text)
        return text

    async with app.run_test(size=(100, 32)) as pilot:
        # The game starts behind the curtain: Japan opens the talks with the US.
        await wait_for_text(pilot, "Pass the keyboard to Japan (JP)")
        assert isinstance(app.screen, CurtainScreen)
        look()
        await pilot.press("enter")
        await wait_for_text(pilot, "Your move, Japan")
        look()
        await pilot.press("5")  # Japan reads its briefing
        await wait_for_text(pilot, "Japan — confidential")
        look()
        await pilot.press("2")
        terms = app.screen.query_one(TermList)
        steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
        await pilot.press(*(["down"] * steps), "space", "s")  # propose More US LNG
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="Japan's orders"
        )
        await pilot.press("4")
        await wait_for_text(pilot, "JP proposes: More US LNG")
        look()
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")

        # The EU is next: the curtain comes down first.
        await wait_for_text(pilot, "Pass the keyboard to European Union (EU)")
        curtain = look()
        assert not private_to("JP", curtain)
        assert "Your move" not in curtain and "win-set" not in curtain
        assert "orders" not in curtain
        await pilot.press("enter")
        await wait_for_text(pilot, "Your move, European Union")
        assert "You sent" not in look()  # Japan's last message went with it
        await pilot.press("5")
        await wait_for_text(pilot, "Union — confidential")
        look()
        await pilot.press("4")  # the EU's log: talks took place,
        await wait_for_text(pilot, "JP and US hold ministerial talks")
        log = look()
        assert "JP proposes" not in log and "More US LNG" not in log  # but not what was said
        await pilot.press("1")
        await wait_for_text(pilot, "Players")
        look()
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")

        # Round 2: back to Japan, behind the curtain again.
        await wait_for_text(pilot, "Pass the keyboard to Japan (JP)")
        look()
        await pilot.press("enter")
        # Japan's report of round 1 comes after the curtain, never before it.
        await wait_for_text(pilot, "Round 1 report")
        look()
        await pilot.press("enter")
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("5")
        await wait_for_text(pilot, "Japan — confidential")
        look()

    assert seen["JP"] and seen["EU"] and len(seen["curtain"]) >= 3
    for text in seen["JP"]:
        assert not private_to("EU", text)
    for text in seen["EU"]:
        assert not private_to("JP", text)
    for text in seen["curtain"]:
        assert not private_to("JP", text) and not private_to("EU", text)
    # Positive controls: each seat did see its own briefing, so the check can fail.
    assert any(private_to("JP", t) for t in seen["JP"])
    assert any(private_to("EU", t) for t in seen["EU"])


async def test_orders_filter_is_reset_for_the_next_player(save_dir: Path) -> None:
    """One player's filter text never reaches the next player in hot-seat (issue 15): the
    EU finds an empty filter and its whole list, and Japan's word is nowhere on its screen."""
    from textual.widgets import Input

    from tradegame.ui.widgets.orders import OrdersPanel

    match = make_match({"JP": "human", "EU": "human", "US": "passive"}, seed=5)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_for_text(pilot, "Pass the keyboard to Japan (JP)")
        await pilot.press("enter")
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("2", "p")  # Japan passes the talks
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="Japan's orders"
        )
        await pilot.press("3", "slash", *"zqxjw")  # a filter nothing matches
        await wait_for_text(pilot, "no order matches the filter")
        assert "zqxjw" in screen_text(app)
        await pilot.press("down", "d")  # to the list, then Done
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_for_text(pilot, "Pass the keyboard to European Union (EU)")
        await pilot.press("enter")
        await wait_for_text(pilot, "Your move, European Union")
        await pilot.press("3")
        await wait_until(pilot, lambda: game.to_move() == "EU", what="the EU's orders")
        panel = app.screen.query_one(OrdersPanel)
        await wait_until(pilot, lambda: panel.active, what="the EU's orders panel")
        await pilot.pause()
        text = screen_text(app)
        assert panel.query_one(Input).value == ""
        assert "zqxjw" not in text
        assert "no order matches the filter" not in text
        assert "EU" in " ".join(panel._shown)  # the EU's own orders are listed


async def test_the_last_round_report_of_each_player_comes_after_their_own_curtain(
    save_dir: Path,
) -> None:
    """Hot-seat at the end: JP's report of the last round behind JP's curtain, then EU's
    behind EU's, then the public results; neither report carries the other's view."""
    import copy
    import random

    match = make_match({"JP": "human", "EU": "human", "US": "passive"}, seed=5)
    game = match.game
    rng = random.Random(5)
    # Play to the last move of the game (a copy tells where that is), moves from the engine.
    moves = []
    trial = copy.deepcopy(game)
    while not trial.is_over():
        action = trial.legal_actions(trial.to_move()).sample(rng)
        moves.append(action)
        trial.apply(action)
    for action in moves[:-1]:
        game.apply(action)
    last = moves[-1]
    app = make_app(save_dir, match)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, CurtainScreen), what="a curtain")
        assert app.screen.player == last.player
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        # A report of an earlier round may come first after the curtain: close it.
        await pilot.pause(0.3)
        while app.screen.id == "round-report":
            await pilot.press("enter")
            await pilot.pause()
        screen = next(s for s in app.screen_stack if isinstance(s, GameScreen))
        if last.kind == "done":
            await pilot.press("ctrl+d")
            await wait_for_text(pilot, "send these orders?")
            await pilot.press("enter")
        else:
            screen.play(last)
        await wait_until(pilot, game.is_over, what="the end")
        rounds = len(game.history)
        for player in ("JP", "EU"):
            await wait_until(
                pilot, lambda: isinstance(app.screen, CurtainScreen), what=f"{player}'s curtain"
            )
            assert app.screen.player == player
            curtain = screen_text(app)
            assert f"Round {rounds} report" not in curtain
            await pilot.press("enter")
            await wait_for_text(pilot, f"Round {rounds} report")
            other = "EU" if player == "JP" else "JP"
            text = screen_text(app)
            assert not private_to(other, text)
            assert f"{player} (you)" in text and f"{other} (you)" not in text
            await pilot.press("enter")
        await wait_for_text(pilot, "Game over")


def _finished_hot_seat(private_note: bool) -> Any:
    """A hot-seat game (JP and EU at the keyboard, US passive) played to its end by agents;
    with ``private_note`` Japan's log also holds private entries only Japan may read."""
    from tradegame.engine.records import LogEntry

    played = make_match({"JP": "bargainer", "EU": "bargainer", "US": "passive"}, seed=2)
    while not played.game.is_over():
        played.apply_ai(played.think(played.snapshot(), played.game.to_move()))
    match = make_match({"JP": "human", "EU": "human", "US": "passive"}, seed=2)
    for action in played.game.actions:
        match.apply(action)
    assert match.game.is_over()
    if private_note:
        game = match.game
        for text in (JP_NOTE, "JP proposes: JP-ONLY TERMS", "JP orders: JP-ONLY ORDER"):
            game.log.append(LogEntry(game.round, game.day, "end", "note", text, frozenset({"JP"})))
    return match


JP_NOTE = "Japan's private note: fold on rice"


async def test_the_shared_end_screen_holds_nobodys_private_log(save_dir: Path) -> None:
    """Differential: two hot-seat games that differ only in Japan's private log (the first
    human seat, whose view the end screen once was made from) show the same end screen and
    hold the same data behind it — the public view, nobody's own."""
    from tradegame.engine import SPECTATOR
    from tradegame.ui.screens.end import EndScreen

    seen: list[tuple[str, dict[str, Any]]] = []
    for private_note in (False, True):
        match = _finished_hot_seat(private_note)
        # Japan's own view does hold the note (so the check below can fail).
        assert any(e["text"] == JP_NOTE for e in match.view_json("JP")["log"]) == private_note
        app = make_app(save_dir, match)
        async with app.run_test(size=(120, 45)) as pilot:
            # Each seat's report of the last round behind its curtain, then the results.
            for _ in range(8):
                await wait_until(
                    pilot,
                    lambda app=app: (
                        app.screen.id in ("round-report", "end")
                        or isinstance(app.screen, CurtainScreen)
                    ),
                    what="a curtain, a report or the end",
                )
                if isinstance(app.screen, EndScreen):
                    break
                await pilot.press("enter")
                await pilot.pause()
            await wait_for_text(pilot, "Game over", timeout=30)
            assert isinstance(app.screen, EndScreen)
            text = screen_text(app)
            data = app.screen.frame.view
            assert "you" not in data and "(you)" not in text
            assert data == match.game.view(SPECTATOR).to_json()
            assert JP_NOTE not in " ".join(text.split())
            seen.append((text, data))
    (plain_text, plain_data), (noted_text, noted_data) = seen
    assert noted_text == plain_text
    assert noted_data == plain_data
