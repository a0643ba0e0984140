"""Three steps of resolution written without a loop of bytecode give, bit for bit (float.hex),
what the steps as they were written before give, at every resolution of random and greedy
games of every bundled scenario, their projections (what_if) included:

- markets.update: the escalation shock takes ``max(0.0, rise)`` of each rise as a comparison,
  and a round whose rates did not move takes the shock of no rise made once;
- politics.update: the stress cost takes ``max(0.0, stress - 50)`` as a comparison (the
  approval statements added and the relations reassurance added wear off as before);
- resolution._snap_back: the cells whose rate rose are found with ``map`` over the rates.

Each reference below is the step's code before the change, kept here to compare with, and
reads the rules' own numbers (not the modules' ``_constants``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.phases import markets, politics, resolution
from tradegame.engine.records import RATE_EPS, clamp
from tradegame.engine.rules import Rules
from tradegame.engine.state import State
from tradegame.scenario import load_rules, rules_from_text
from tradegame.scenario.loader import bundled_scenarios

# Every bundled scenario, and one whose market-stress holder is not its first player (each
# bundled one's is: politics.update finds the holder's place among the players).
HOLDER_MOVED = "april-2025, EU holding market stress"
SCENARIOS = [*sorted(bundled_scenarios()), HOLDER_MOVED]


@cache
def _rules(name: str) -> Rules:
    if name == HOLDER_MOVED:
        text = (Path(__file__).parents[2] / "scenarios" / "april-2025.yaml").read_text()
        moved = text.replace('market_stress_player: "US"', 'market_stress_player: "EU"')
        assert moved != text
        rules = rules_from_text(moved, name)
        assert rules.market_stress_player == "EU" and rules.player_ids[0] != "EU"
        return rules
    return load_rules(name)


def _reference_stress(g: State, rates: Sequence[float], rates_before: Sequence[float]) -> float:
    """markets.update's new stress as computed before (with max)."""
    ms = g.rules.market_stress  # (the rules' own numbers: not markets._constants)
    applied, faced = eco.stress_pressure(g.rules, list(rates))
    target = ms.floor + ms.tariff_weight * applied + ms.retaliation_weight * faced
    for p in g.rules.players:
        for c in p.countermeasures:
            if c.id in g.active_packages:
                target += c.market_stress
    shock = 0.0
    if ms.escalation_weight:
        applied_before, faced_before = eco.stress_pressure(g.rules, list(rates_before))
        shock = ms.escalation_weight * (
            max(0.0, applied - applied_before) + max(0.0, faced - faced_before)
        )
    return clamp(g.stress + ms.decay * (target - g.stress) + shock)


def _reference_approval(g: State, snap: eco.Snapshot) -> dict[str, dict[str, str]]:
    """politics.update's new approval of every player (with max), the approval statements
    added and the relations reassurance added, as computed before, player by player."""
    pol, holder = g.rules.politics, g.rules.market_stress_player  # (not politics._constants)
    weight = g.rules.market_stress.approval_weight
    stress_cost = weight * max(0.0, g.stress - 50.0) if holder is not None else 0.0
    approval, talk, relations, boosts = {}, {}, {}, {}
    for p in g.rules.players:
        pid = p.id
        delta = -pol.pain_weight * snap.pain_pct[pid]
        if pid == holder:
            delta -= stress_cost
        delta += pol.approval_drift * (p.approval - g.approval[pid])
        approval[pid] = clamp(g.approval[pid] + delta).hex()
        talk[pid] = (g.talk_approval[pid] * (1.0 - pol.approval_drift)).hex()
    for key, boost in g.talk_relations.items():
        worn = pol.statements.reassure_fade * boost
        relations[key] = clamp(g.relations[key] - worn).hex()
        boosts[key] = (boost - worn).hex()
    return {"approval": approval, "talk": talk, "relations": relations, "boosts": boosts}


def _hexes(g: State) -> dict[str, dict[str, str]]:
    """What _reference_approval computes, as politics.update left it."""
    relations = {key: g.relations[key].hex() for key in g.talk_relations}
    return {
        "approval": {p: v.hex() for p, v in g.approval.items()},
        "talk": {p: v.hex() for p, v in g.talk_approval.items()},
        "relations": relations,
        "boosts": {key: v.hex() for key, v in g.talk_relations.items()},
    }


@contextmanager
def _checked(counts: dict[str, int]) -> Iterator[None]:
    """Wrap the three steps to compare each call with its reference."""
    real_markets: Callable[..., None] = markets.update
    real_politics: Callable[..., None] = politics.update
    real_snap_back: Callable[..., None] = resolution._snap_back

    def markets_update(g: State, rates: Sequence[float], rates_before: Sequence[float]) -> None:
        expected = _reference_stress(g, rates, rates_before)
        real_markets(g, rates, rates_before)
        assert g.stress.hex() == expected.hex()
        counts["markets"] += 1

    def politics_update(g: State, snap: eco.Snapshot, *rest: Any) -> None:
        expected = _reference_approval(g, snap)
        real_politics(g, snap, *rest)
        assert _hexes(g) == expected
        counts["talk"] += any(g.talk_approval.values())
        counts["politics"] += 1

    def snap_back(g: State, raised_against: set[tuple[str, str]]) -> None:
        before = g._current_rates()
        had = set(raised_against)
        real_snap_back(g, raised_against)
        after = g._current_rates()
        expected = had | {
            cell.pair
            for cell, old, new in zip(eco.compile_rules(g.rules).cells, before, after, strict=True)
            if new > old + RATE_EPS
        }
        assert raised_against == expected
        counts["snap_back"] += 1
        counts["rose"] += bool(expected - had)

    markets.update = markets_update
    politics.update = politics_update  # type: ignore[assignment]  # (a wrapper: *rest)
    resolution._snap_back = snap_back
    try:
        yield
    finally:
        markets.update = real_markets
        politics.update = real_politics
        resolution._snap_back = real_snap_back


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_steps_equal_their_references_in_random_and_greedy_games(name: str) -> None:
    rules = _rules(name)
    counts = dict.fromkeys(("markets", "politics", "talk", "snap_back", "rose"), 0)
    with _checked(counts):
        for seed in range(3):
            rng = random.Random(seed)
            game = Game.new(rules, seed)
            while not game.is_over():
                player = game.to_move()
                assert player is not None
                if rng.random() < 0.05:
                    game.what_if(player, [])  # a projection plays the tail out
                game.apply(game.legal_actions(player).sample(rng))
        play_match(rules, 0, dict.fromkeys(rules.player_ids, "greedy"))
    assert counts["markets"] > 100 and counts["politics"] > 100, counts
    assert counts["talk"] > 10, counts  # statements' approval wore off, compared
    assert counts["snap_back"] > 3, counts
    if name.startswith("april-2025"):
        assert counts["rose"] > 0, counts  # a snap-back that raised a rate was compared
