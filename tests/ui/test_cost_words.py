"""A deal's political cost reads as a player reads it: "gain to you 3.0" for a deal whose gains
outweigh its costs, not "cost to you −3.0"; "cost to you 26.0", not "+26.0". By keys at 80×24,
and the words against the number they stand for."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tradegame.engine import Counter, Propose, Term
from tradegame.ui.widgets.talks import TermList, cost_words

from .support import flat_text, make_app, make_match, wait_for_text, wait_for_words


def _number(words: str) -> float:
    """The signed political cost that ``words`` say (a gain is a negative cost)."""
    kind, _, number = words.partition(" to you ")
    assert kind in ("cost", "gain"), words
    assert number[0].isdigit(), words  # no sign: the word says which way
    return float(number) if kind == "cost" else -float(number)


@given(st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_the_words_say_the_cost_as_shown(cost: float) -> None:
    words = cost_words(cost)
    assert _number(words) == float(f"{cost:.1f}")
    assert words.startswith("gain") == (float(f"{cost:.1f}") < 0)


def test_a_cost_that_rounds_to_nothing_is_no_gain() -> None:
    assert cost_words(-0.04) == "cost to you 0.0"
    assert cost_words(-0.0) == "cost to you 0.0"
    assert cost_words(-0.05000001) == "gain to you 0.1"


async def test_a_draft_that_only_asks_reads_as_a_gain(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one(TermList)
        await wait_for_text(pilot, "Your draft: empty")
        first = match.game.rules.item(str(terms.options[0].id))
        assert first.owner == "US"  # what Japan asks comes first
        await pilot.press("space")
        gain = first.levels[0].gain
        await wait_for_words(pilot, f"Your draft: 1 term (≤8) · gain to you {gain:.1f} · fits")
        assert "cost to you −" not in flat_text(app)


async def test_an_offer_that_only_gives_reads_as_a_gain(save_dir: Path) -> None:
    """The US counters with one thing it gives Japan: the verdict over it is a gain."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while game.to_move() != "JP" or game.session is None:
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    items = [game.rules.item(i) for i in match.deal_items("JP", "US")]
    us = next(it for it in items if it.owner == "US" and it.levels[-1].gain > 0)
    jp = next(it for it in items if it.owner == "JP")
    match.apply(Propose("JP", "US", (Term(jp.id, jp.levels[0].value),)))
    match.apply(Counter("US", "JP", (Term(us.id, us.levels[-1].value),)))
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_words(
            pilot, f"US offers 1 term · gain to you {us.levels[-1].gain:.1f} — fits your win-set"
        )
        assert "cost to you" not in flat_text(app)
