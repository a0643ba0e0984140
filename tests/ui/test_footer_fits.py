"""The footer at 80 columns keeps every key in force, ^s Save last among them: watching AI
seats ("^s Save" was cut to "^s") and answering an offer ("f1 Help" and "^s Save" were out of
sight). Where the keys need the room, the command palette's key is drawn without its word
("▏^p"), and "] More", which the offer itself shows ("▼ 2 more (])"), is left to it."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.widgets.keys import KeyFooter

from .support import countered_match, make_app, make_match, screen_text, wait_for_text


def _footer(app: object) -> str:
    return screen_text(app).rstrip("\n").split("\n")[-1]  # type: ignore[arg-type]


async def test_the_watch_view_shows_every_key_at_80_columns(save_dir: Path) -> None:
    match = make_match({"JP": "passive", "US": "dove", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    app.options.spectate_delay = 60.0  # 2 s a move: paused below before any
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Watching AI seats")
        await pilot.press("space")  # paused: nobody moves while the screen is read
        await wait_for_text(pilot, "paused")
        await pilot.pause(0.2)
        footer = _footer(app)
        for key in ("space Pause/run", "n Step", "+ Faster", "- Slower", "v View as"):
            assert key in footer, footer
        assert "f1 Help" in footer and "^s Save" in footer, footer
        assert footer.rstrip().endswith("▏^p"), footer
    # Wide enough, the palette's key has its word.
    app = make_app(save_dir, make_match({"JP": "passive", "US": "dove", "EU": "passive"}))
    app.options.spectate_delay = 60.0
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for_text(pilot, "Watching AI seats")
        await pilot.press("space")  # paused: nobody moves while the screen is read
        await wait_for_text(pilot, "paused")
        await pilot.pause(0.2)
        assert _footer(app).rstrip().endswith("▏^p palette"), _footer(app)


async def test_answering_an_offer_shows_save_at_80_columns(save_dir: Path) -> None:
    app = make_app(save_dir, countered_match())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 6 terms")
        await wait_for_text(pilot, "more (])")  # the offer says how to see the rest
        await pilot.pause(0.2)
        footer = _footer(app)
        for key in ("←→ Level", "space In/out", "a Accept", "r Reject", "f1 Help", "^s Save"):
            assert key in footer, footer
        assert "] More" not in footer
        shown = {k.description for k in app.screen.query_one(KeyFooter).keys}
        assert "Save" in shown
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
