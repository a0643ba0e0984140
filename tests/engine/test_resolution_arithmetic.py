"""Three steps of resolution written without a loop of bytecode give, bit for bit (float.hex),
what the steps as they were written before give, at every resolution of random and greedy
games of every bundled scenario, their projections (what_if) included:

- markets.update: the escalation shock takes ``max(0.0, rise)`` of each rise as a comparison;
- politics.update: the stress cost takes ``max(0.0, stress - 50)`` as a comparison;
- resolution._snap_back: the cells whose rate rose are found with ``map`` over the rates.

Each reference below is the step's code before the change, kept here to compare with.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.phases import markets, politics, resolution
from tradegame.engine.records import RATE_EPS, clamp
from tradegame.engine.rules import Rules
from tradegame.engine.state import State
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


def _reference_stress(g: State, rates: Sequence[float], rates_before: Sequence[float]) -> float:
    """markets.update's new stress as computed before (with max)."""
    constants = markets._constants(g.rules)
    assert constants is not None
    floor, tariff_weight, retaliation_weight, escalation_weight, decay, packages = constants
    applied, faced = eco.stress_pressure(g.rules, list(rates))
    target = floor + tariff_weight * applied + retaliation_weight * faced
    for package, stress in packages:
        if package in g.active_packages:
            target += stress
    shock = 0.0
    if escalation_weight:
        applied_before, faced_before = eco.stress_pressure(g.rules, list(rates_before))
        shock = escalation_weight * (
            max(0.0, applied - applied_before) + max(0.0, faced - faced_before)
        )
    return clamp(g.stress + decay * (target - g.stress) + shock)


def _reference_approval(g: State, snap: eco.Snapshot) -> dict[str, str]:
    """politics.update's new approval of every player as computed before (with max)."""
    bases, holder, neg_pain_weight, drift, _, _, stress_weight, _ = politics._constants(g.rules)
    stress_cost = stress_weight * max(0.0, g.stress - 50.0) if holder is not None else 0.0
    out = {}
    for pid, base in bases:
        delta = neg_pain_weight * snap.pain_pct[pid]
        if pid == holder:
            delta -= stress_cost
        delta += drift * (base - g.approval[pid])
        out[pid] = clamp(g.approval[pid] + delta).hex()
    return out


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
        assert {p: v.hex() for p, v in g.approval.items()} == expected
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
    counts = dict.fromkeys(("markets", "politics", "snap_back", "rose"), 0)
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
    assert counts["snap_back"] > 3, counts
    if name == "april-2025":
        assert counts["rose"] > 0, counts  # a snap-back that raised a rate was compared
