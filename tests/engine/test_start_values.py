"""A game starts from its scenario's values, made once per scenario (``tables.Start``): each
new game's are what the scenario gives, computed here from nothing, and no game's play
changes the next game's start (a game changes copies)."""

from __future__ import annotations

import random

import pytest

from tradegame.engine import Game
from tradegame.engine.kinds import LayerStatus
from tradegame.engine.records import LEDGER_KEYS, ledger_layout, pair_key
from tradegame.engine.rules import Rules
from tradegame.engine.state import State

from .test_fast_paths import _scenarios


def _fresh_start(rules: Rules) -> dict[str, object]:
    """What a game of ``rules`` starts with, from the scenario alone."""
    start_day = rules.calendar.start_day
    relations = dict.fromkeys(ledger_layout(rules.player_ids).pairs, 50.0)
    for (a, b), value in rules.relations:
        relations[pair_key(a, b)] = value
    return {
        "layer_rate": {la.id: la.rate for la in rules.layers},
        "layer_status": {
            la.id: "inactive"
            if la.from_day is not None and la.from_day > start_day and la.status == "in_force"
            else la.status
            for la in rules.layers
        },
        "layer_info": {la.id: (la.combine, la.replaces) for la in rules.layers},
        "active_packages": [
            cm.id for p in rules.players for cm in p.countermeasures if cm.active_at_start
        ],
        "available_items": {it.id for it in rules.items if it.available},
        "approval": {p.id: p.approval for p in rules.players},
        "credibility": {p.id: p.credibility for p in rules.players},
        "relations": relations,
    }


def _start_of(g: State) -> dict[str, object]:
    return {
        "layer_rate": g.layer_rate,
        "layer_status": g.layer_status,
        "layer_info": g.layer_info,
        "active_packages": list(g.active_packages),  # (a set's order: made in scenario order)
        "available_items": set(g.available_items),
        "approval": g.approval,
        "credibility": g.credibility,
        "relations": g.relations,
    }


def _check_start(g: State) -> None:
    fresh = _fresh_start(g.rules)
    assert _start_of(g) == fresh
    # Same order of keys (the ledger and the state's JSON follow it), same members.
    for name in ("layer_rate", "layer_status", "approval", "credibility", "relations"):
        assert list(getattr(g, name)) == list(fresh[name])  # type: ignore[call-overload]
    assert all(type(status) is LayerStatus for status in g.layer_status.values())
    led = g.ledger
    assert led.days == 0
    assert led.sums == (0.0,) * (len(LEDGER_KEYS) * len(g.rules.player_ids))
    assert led.pair_sums == (0.0,) * len(fresh["relations"])  # type: ignore[arg-type]
    assert led.flow_rate == led.flow_value == (0.0,) * len(g.rules.flows)


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_a_game_starts_from_the_scenarios_values(name: str, rules: Rules) -> None:
    first = State(rules, 0)
    _check_start(first)
    rng = random.Random(name)
    # Random games change every start value (news, orders, deals, packages) in place.
    for seed in range(3):
        game = Game.new(rules, seed)
        while not game.is_over():
            game.push(game.legal_actions().sample(rng))
        _check_start(State(rules, seed))
    # A state made before the games played has its own values: none of theirs.
    _check_start(first)
