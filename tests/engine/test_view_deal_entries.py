"""The deals section's entries, remembered per scenario by deal and viewer (view._deal_entries)
and shared by every view, against entries made with nothing remembered: at every step of
random games and of a game of greedy, hawk and random seats in every bundled scenario, from
every viewer, the same records (repr: the levels' types too) and the same JSON. A game changes
its own deals in place (status, ended_by): a kept entry must follow."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine.view import SPECTATOR, _deal_entries, _deals
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _states(name: str) -> Iterator[Game]:
    rules = load_rules(name)
    ids = rules.player_ids
    mixes: list[tuple[int, dict[str, str]]] = [
        (0, dict.fromkeys(ids, "random")),
        (1, dict.fromkeys(ids, "random")),
        (2, {p: ("greedy", "hawk", "random")[i % 3] for i, p in enumerate(ids)}),
    ]
    for seed, seats in mixes:
        played = play_match(rules, seed, seats)
        game = Game.new(rules, seed)  # one game, played on: its deals change in place
        for action in played.actions:
            yield game
            game.apply(action)
        yield game


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_deal_entries_kept_are_those_made_afresh(name: str) -> None:
    hits = 0
    for game in _states(name):
        kept = _deal_entries(game.rules)  # (the games' rules: load_rules makes new ones)
        for viewer in (*game.rules.player_ids, None, SPECTATOR):
            known = {id(k[-1]) for k in kept.values()}
            got = _deals(game, viewer)
            hits += sum(id(e) in known for e in got)  # entries found kept
            saved = dict(kept)
            kept.clear()
            try:
                fresh = _deals(game, viewer)
            finally:
                kept.clear()
                kept.update(saved)
            assert repr(got) == repr(fresh)
            assert json.dumps([e.to_json() for e in got]) == json.dumps(
                [e.to_json() for e in fresh]
            )
    assert hits > 20, hits
