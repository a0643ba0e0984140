"""Keys typed faster than the screen redraws act in the order typed (tmux send-keys, a paste,
a fast typist): a key is never applied to a draft as it was before the keys typed before it."""

from __future__ import annotations

from pathlib import Path

from textual import events

from tradegame.ui.widgets.talks import TalksPanel, TermList

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def test_space_then_send_typed_at_once_sends_the_item(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    notes: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.pause(0.3)
        assert isinstance(app.focused, TermList)
        panel = app.screen.query_one(TalksPanel)
        real_notify = panel.notify

        def notify(message: str, **kwargs: object) -> None:
            notes.append(message)
            real_notify(message, **kwargs)  # type: ignore[arg-type]

        panel.notify = notify  # type: ignore[method-assign]
        # Both keys reach the app before either is handled, as from a terminal.
        for key, char in (("space", " "), ("s", "s")):
            app.post_message(events.Key(key, char))
        await wait_until(
            pilot,
            lambda: any(
                "JP proposes" in str(e.get("text")) for e in match.game.view("JP").to_json()["log"]
            ),
            what="Japan's offer in the log",
        )
        assert not any("draft is empty" in n for n in notes), notes


async def test_enter_then_done_typed_at_once_shows_the_order_just_staged(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("p")
        await wait_until(
            pilot,
            lambda: match.game.phase == "orders" and match.game.to_move() == "JP",
            what="Japan's orders",
        )
        await pilot.press("3", "slash", *"reassure", "down")
        await wait_for_text(pilot, "Preview — Reassure US")
        for key, char in (("enter", "\r"), ("ctrl+d", None)):
            app.post_message(events.Key(key, char))
        await wait_for_text(pilot, "send these orders?")
        await pilot.pause(0.3)
        text = screen_text(app)
        assert "1. Reassure US" in text, text


async def test_tab_keys_typed_at_once_show_the_last_tab_typed(save_dir: Path) -> None:
    """Each tab key focuses its panel, and the report of that focus (Textual's TabPane.Focused;
    now GameTabs's own) made its tab active again after the keys typed next: "1 3 2 4" typed
    at once showed the orders tab with the log's panel focused, so the next keys went to a
    hidden panel."""
    from tradegame.ui.widgets.tabs import GameTabs

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.press("p")
        await wait_until(
            pilot,
            lambda: match.game.phase == "orders" and match.game.to_move() == "JP",
            what="Japan's orders",
        )
        await pilot.pause(0.5)  # every panel mounted
        tabs = app.screen.query_one(GameTabs)
        for keys, tab in (("1324", "log"), ("4213", "orders"), ("3141", "dashboard")):
            for key in keys:
                app.post_message(events.Key(key, key))
            await pilot.pause(0.5)
            assert tabs.active == tab, keys
            panel = app.screen.panel(tab)  # type: ignore[attr-defined]
            assert app.focused is not None and panel in app.focused.ancestors_with_self
        await pilot.press("4")
        await wait_for_text(pilot, "Round 1")  # the log shows


async def test_a_tab_with_nothing_to_focus_typed_fast_stays_shown(save_dir: Path) -> None:
    """In the talks phase the orders tab has nothing to focus ("Orders come after the talks"):
    the focus stayed in the tab left, whose late report of its focus made it active again, so
    "1 3" typed at once showed the dashboard (in tmux: 5 2 1 3 ended on the dashboard)."""
    from tradegame.ui.widgets.tabs import GameTabs

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.pause(0.5)  # every panel mounted
        tabs = app.screen.query_one(GameTabs)
        for keys in ("13", "23", "53", "5213"):
            await pilot.press("4")
            await pilot.pause(0.3)
            for key in keys:
                app.post_message(events.Key(key, key))
            await pilot.pause(0.5)
            assert tabs.active == "orders", keys
            assert "Orders come after the talks" in screen_text(app), keys


async def test_an_item_put_in_and_out_at_once_leaves_no_preview_of_it(save_dir: Path) -> None:
    """→ then space typed at once: the draft is empty again, and the preview asked for by →
    (the draft with the item) came after and was shown under the empty draft, as if it were
    the draft's (in tmux: "Your draft: empty" over "Preview — if your draft is agreed")."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=7)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.pause(0.3)
        assert isinstance(app.focused, TermList)
        for key in ("right", "space"):
            app.post_message(events.Key(key, " " if key == "space" else None))
        await wait_for_text(pilot, "Your draft: empty")
        await pilot.pause(1.5)  # the preview asked for by → is computed and comes back
        text = " ".join(screen_text(app).split())
        assert "Your draft: empty" in text
        assert "if your draft is agreed" not in text, text
        assert "put items in your draft" in text
