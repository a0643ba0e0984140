"""The orders list by keys at 80×24."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.widgets.orders import OrderList

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def _to_orders(pilot: object, app: object) -> None:
    await wait_for_text(pilot, "Your move, Japan")
    await pilot.press("p")  # type: ignore[attr-defined]
    await wait_for_text(pilot, "give your orders")


async def test_staging_an_order_keeps_the_highlight_where_it_was(save_dir: Path) -> None:
    """Staging "Request working talks with EU" (near the end of the list) sent the highlight
    back to the first order, "Set Japanese retaliatory tariff on US goods to 0%"."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_orders(pilot, app)
        olist = app.screen.query_one(OrderList)
        await pilot.press("down")  # from the filter to the list
        await wait_until(pilot, lambda: olist.highlighted_option is not None, what="highlight")
        target = olist.get_option_index("JP request EU working")
        while olist.highlighted is not None and olist.highlighted < target:
            await pilot.press("down")
        before = olist.highlighted
        assert before == target
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (1/3)")
        await pilot.pause()
        assert olist.highlighted is not None
        assert olist.highlighted >= before - 1, (before, olist.highlighted)
        assert str(olist.highlighted_option.id).startswith("JP request"), olist.highlighted_option


async def test_a_long_order_wraps_under_itself_not_under_the_group_headers(
    save_dir: Path,
) -> None:
    """At 80 columns "Concede to US: US farm and other goods (corn, soy, fertiliser,
    bioethanol): $4bn/yr" wrapped to the left edge, where the group headers are."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_orders(pilot, app)
        await pilot.press("slash", *"farm and other")
        await wait_for_text(pilot, "Concede to US: US farm")
        lines = screen_text(app).splitlines()
        first = next(n for n, ln in enumerate(lines) if "Concede to US: US farm" in ln)
        wrapped = lines[first + 1]
        assert wrapped.startswith("  ") and wrapped.strip(), lines[first : first + 2]


async def test_words_typed_in_the_list_go_to_the_filter(save_dir: Path) -> None:
    """After the talks the orders tab opens with its list focused, under "filter orders (type
    here; ↓ to the list)": "reassure" typed there did nothing, and the ↓ and enter that
    followed staged a tariff (played in tmux as Japan). A character that is no key of the
    game goes to the filter; the game's keys (x, d) still work from the list."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await wait_until(pilot, lambda: isinstance(app.screen.focused, OrderList), what="list")
        await pilot.press(*"reassure us", "down", "enter")
        await wait_for_text(pilot, "Staged (1/3)")
        assert [str(a) for a in app.screen.staged] == ["JP say reassure US"]
        await pilot.press("x")  # from the list: removes the staged order
        await wait_for_text(pilot, "Staged (0/3)")
        await pilot.press("d")  # and d is Done
        await wait_for_text(pilot, "send these orders?")


async def test_a_new_filter_highlights_its_first_match(save_dir: Path) -> None:
    """With the highlight on the second order of the list, "reassure" then ↓ highlighted the
    second match (Reassure EU), not the first: the highlight kept its place in the list."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        olist = app.screen.query_one(OrderList)
        await wait_until(pilot, lambda: app.screen.focused is olist, what="the list")
        await pilot.press("down")  # its second order (the first row is a group's heading)
        await wait_until(pilot, lambda: olist.highlighted == 2, what="the second order")
        await pilot.press("slash", *"reassure", "down", "enter")
        await wait_for_text(pilot, "Staged (1/3)")
        assert [str(a) for a in app.screen.staged] == ["JP say reassure US"]
