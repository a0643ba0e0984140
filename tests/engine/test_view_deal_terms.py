"""The deals section's term records, remembered per scenario (view._deal_terms), against
records made afresh, at every step of random games in every bundled scenario and from every
viewer: the same JSON, text and level (its type included), and never a record of another
term."""

from __future__ import annotations

import json
import random

import pytest

from tradegame.engine import Game
from tradegame.engine.records import Deal
from tradegame.engine.text import _term_text
from tradegame.engine.view import SPECTATOR, DealTerm, _deals
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _fresh_terms(game: Game, deal: Deal) -> list[dict[str, object]]:
    return [DealTerm(t.item, t.value, _term_text(game.rules, t)).to_json() for t in deal.terms]


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_deals_term_records_are_those_made_afresh(name: str) -> None:
    rules = load_rules(name)
    checked = 0
    for seed in range(3):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
            for viewer in (*rules.player_ids, None, SPECTATOR):
                entries = _deals(game, viewer)
                shown = {d.id: d for d in game.deals}
                assert len(shown) == len(game.deals)  # (ids are unique in a real game)
                for entry in entries:
                    got = [t.to_json() for t in entry.terms]
                    want = _fresh_terms(game, shown[entry.id])
                    # json.dumps: 1.0 and 1 would be equal values but different JSON
                    assert json.dumps(got) == json.dumps(want)
                    checked += len(got)
    assert checked > 20, checked
