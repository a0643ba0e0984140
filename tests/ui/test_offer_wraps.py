"""The offer on the table at 80×24: a term that wraps goes on under its words, not at the
box's left edge ("• US gives Tariff ceiling for Japan (all-in, all goods except cars and" then
"steel): 20%" under the bullet, read as a term of its own)."""

from __future__ import annotations

from pathlib import Path

from tradegame.ui.widgets.talks import OfferTerms

from .support import countered_match, make_app, screen_text, wait_for_text


async def test_an_offers_wrapped_terms_hang_under_their_words(save_dir: Path) -> None:
    app = make_app(save_dir, countered_match(6))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 6 terms")
        await pilot.pause(0.2)
        box = app.screen.query_one(OfferTerms).region
        lines = screen_text(app).splitlines()[box.y : box.bottom]
        wrapped = [line for line in lines if not line.lstrip().startswith("•")]
        assert wrapped, lines  # at 80 columns some term takes two lines
        for line in wrapped:
            assert line.startswith("   ") and line[3] != " ", lines
        await pilot.press("]")  # the terms below: the same
        await pilot.pause(0.2)
        lines = screen_text(app).splitlines()[box.y : box.bottom]
        for line in lines:
            assert line.lstrip().startswith("•") or line.startswith("   "), lines
