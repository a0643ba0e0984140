"""``Match.round_starts``: a saved game's round starts, replayed from its actions, are the
states its players saw at each round's start while it was played (the round reports of a
loaded game compare against them)."""

from __future__ import annotations

import pytest

from tradegame.session.match import Match, load_scenario


@pytest.mark.parametrize("name", ["april-2025", "us-japan-primer"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_round_starts_are_the_states_seen_live(name: str, seed: int) -> None:
    scenario = load_scenario(name)
    seats = dict.fromkeys(scenario.rules.player_ids, "random")
    match = Match(scenario.rules, seed, seats)
    game = match.game
    seen = {game.round: game.state_hash()}  # round 1 before any action
    while not game.is_over():
        before = game.round
        match.apply_ai(match.think(match.snapshot(), game.to_move() or ""))
        if game.round != before and not game.is_over():
            seen[game.round] = game.state_hash()
        if game.round == 5 and name == "april-2025":
            break  # a game in progress, as a save mid-game holds it
    starts = list(Match.round_starts(match.snapshot()))
    assert [g.round for g in starts] == list(range(1, len(seen) + 1))
    assert {g.round: g.state_hash() for g in starts} == seen
    assert all(g is not game for g in starts)
    # The copies are the caller's: playing on one changes neither the game nor the next.
    if len(starts) > 1 and not starts[0].is_over():
        first = starts[0]
        first.apply(match.think(first, first.to_move() or "").action)
        assert starts[1].state_hash() == seen[2] and game.state_hash() != first.state_hash()
