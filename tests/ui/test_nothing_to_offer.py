"""Talks in which nothing can be offered (Japan and the EU have no catalogue item for each
other): the talks tab showed an empty list with "Your draft: empty — space or → puts the
highlighted item in.", and the footer "←→ Level  space In/out  s Send offer", keys that did
nothing; the instructor's space, taken by the empty list, did not pause either. By keys at
80×24."""

from __future__ import annotations

from pathlib import Path

from tradegame.agents.base import passive_move
from tradegame.engine import Done, RequestTalks
from tradegame.session.match import Match

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


def _japan_opens_talks_with_the_eu() -> Match:
    """Round 2, Japan to open the ministerial talks it requested with the EU in round 1."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    game = match.game
    while game.round == 1:
        mover = game.to_move()
        assert mover is not None
        if mover == "JP" and game.phase == "orders":
            game.apply(RequestTalks("JP", "EU", "ministerial"))
            game.apply(Done("JP"))
        else:
            game.apply(passive_move(game, mover))
    while game.to_move() != "JP":
        mover = game.to_move()
        assert mover is not None
        game.apply(passive_move(game, mover))
    assert game.session is not None and set(game.session.pair) == {"JP", "EU"}
    assert match.deal_items("JP", "EU") == []
    return match


def _footer(app: object) -> str:
    return "\n".join(screen_text(app).splitlines()[-2:])  # type: ignore[arg-type]


async def test_no_key_that_does_nothing_when_nothing_can_be_offered(save_dir: Path) -> None:
    match = _japan_opens_talks_with_the_eu()
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Nothing can be offered in these talks")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Your draft" not in text and "space or →" not in text, text
        assert "↑↓ item" not in text and "Preview" not in text, text
        for words in ("←→ Level", "space In/out", "s Send offer"):
            assert words not in _footer(app), _footer(app)
        assert "p Pass" in _footer(app)
        await pilot.press("p")
        await wait_until(pilot, lambda: match.game.phase == "orders", what="the pass played")


async def test_the_instructors_space_pauses_when_nothing_can_be_offered(save_dir: Path) -> None:
    match = _japan_opens_talks_with_the_eu()
    app = make_app(save_dir, match, instructor=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Nothing can be offered in these talks")
        await pilot.pause(0.2)
        assert "space Pause/run" in _footer(app), _footer(app)
        assert "outside the talks list" not in screen_text(app)  # there is no list
        await pilot.press("space")
        await wait_for_text(pilot, "AI PAUSED (space resumes)")
        assert app.screen.paused
