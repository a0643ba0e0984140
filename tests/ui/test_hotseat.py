"""Hot-seat: two people share the keyboard. A curtain hides the previous player's screen, and
no private data of one seat is ever on screen during the other's turn."""

from __future__ import annotations

from pathlib import Path

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
