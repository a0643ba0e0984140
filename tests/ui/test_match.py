"""The interface's game model without a screen: drafts, staged orders, AI moves on snapshots."""

from __future__ import annotations

from tradegame.engine import Done, Game, Term, parse
from tradegame.session.match import Match, OfferDraft

from .support import make_match


def test_offer_draft_levels_cycle_in_and_out() -> None:
    draft = OfferDraft()
    levels = [2.0, 5.0, 10.0]
    draft.cycle("jp_lng", levels, 1)
    assert draft.terms() == (Term("jp_lng", 2.0),)
    draft.cycle("jp_lng", levels, 1)
    draft.cycle("jp_lng", levels, 1)
    assert draft.levels == {"jp_lng": 10.0}
    draft.cycle("jp_lng", levels, 1)  # past the top: out of the deal
    assert not draft
    draft.cycle("jp_lng", levels, -1)  # from outside, left enters at the top
    assert draft.levels == {"jp_lng": 10.0}
    draft.toggle("us_cap_jp", [0.2, 0.15])
    assert draft.terms() == (Term("jp_lng", 10.0), Term("us_cap_jp", 0.2))
    draft.toggle("jp_lng", levels)
    assert draft.levels == {"us_cap_jp": 0.2}


def test_staged_orders_are_checked_by_the_engine_and_never_reach_the_game() -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    match.apply(parse("JP pass"))
    match.apply(parse("US done"))
    assert match.game.phase == "orders" and match.game.to_move() == "JP"
    staged = [parse("JP concede US jp_lng=2")]
    legal = [str(a) for a in match.legal_orders("JP", staged)]
    assert "JP concede US jp_aircraft=1" in legal
    assert not any(a.startswith("JP concede US jp_lng=") for a in legal)  # one per item
    assert "JP done" not in legal
    full = [*staged, parse("JP say reassure US"), parse("JP say reassure EU")]
    assert match.legal_orders("JP", full) == []  # max_orders = 3
    assert match.game.orders["JP"] == []  # nothing sent


class Failing:
    name = "failing"
    description = "raises"

    def act(self, turn: object) -> object:
        raise RuntimeError("boom")


def test_a_failing_agent_loses_its_move_and_the_game_goes_on() -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    match.apply(parse("JP pass"))
    match.agents["US"] = Failing()  # type: ignore[assignment]
    move = match.think(match.snapshot(), "US")
    assert str(move.action) == "US done" and "boom" in (move.incident or "")
    assert match.apply_ai(move)
    assert match.incidents and "became a pass" in match.incidents[0]


def test_a_stale_ai_move_is_not_applied() -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    match.apply(parse("JP pass"))
    move = match.think(match.snapshot(), "US")
    match.apply(Done("US"))
    assert not match.apply_ai(move)


def test_thinking_ahead_on_a_snapshot_matches_real_play() -> None:
    """Batched AI moves computed on a copy replay exactly on the game."""
    seats = {"US": "tit-for-tat", "JP": "human", "EU": "random"}
    match = make_match(seats, seed=8)
    match.apply(parse("JP propose US jp_lng=5"))
    moves = match.think_ahead(match.snapshot())
    assert moves and all(m.player != "JP" for m in moves)
    for move in moves:
        assert match.apply_ai(move)
    assert match.game.to_move() == "JP" or match.game.is_over()
    replay = Game.replay(match.rules, match.seed, match.game.actions)
    assert replay.state_hash() == match.game.state_hash()


def test_hot_seat_and_seats() -> None:
    match = make_match({"JP": "human", "EU": "human"})
    assert match.humans == ("JP", "EU") and match.hot_seat
    assert match.seats["US"] not in ("human", "")
    solo = Match(match.rules, 1, {"JP": "human"})
    assert not solo.hot_seat and solo.is_human("JP") and not solo.is_human("US")


def test_the_match_model_does_not_import_textual() -> None:
    import subprocess
    import sys

    modules = ", ".join(
        f"tradegame.session.{m}" for m in ("match", "instructor", "persistence", "text")
    )
    code = f"import sys, {modules}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
