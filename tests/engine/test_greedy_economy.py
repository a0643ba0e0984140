"""The economy a greedy game reads, in the game and in its projections (most of its reads),
is the one made from nothing, bit for bit, in every bundled scenario.

Greedy agents project every candidate move to the end of the game: the projections share
rates, term indexes, snapshots and layer states across states by what they are made of
(issue 17). Each read is checked against the rule run on a second copy of the scenario's
rules, whose per-scenario tables and memories no game touches:

- ``State.snapshot``: every field a snapshot compares (rates, values, sums, pains), from
  ``economy.all_rates``, ``economy.index_terms`` and ``economy.snapshot`` of the state now;
- ``State._current_rates``: the layers' part of the rates (``economy.LayerState``) made from
  the one the state holds, against one made with none (``economy.layer_state``).

And a layer state projections remember is not given back for layers at another zero.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import economy as eco
from tradegame.engine.state import State
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios

from .test_fast_paths import _all_in_variant
from .test_round_caches import _bits, _in_force_deals

NAMES = sorted(bundled_scenarios())


def _compared(snap: eco.Snapshot) -> object:
    return _bits([getattr(snap, f.name) for f in dataclasses.fields(snap) if f.compare])


@pytest.mark.parametrize("name", NAMES)
def test_a_greedy_games_economy_is_the_rule_from_nothing(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = load_rules(name)
    plain = load_rules(name)  # the same scenario: tables and memories of its own
    compiled, plain_compiled = eco.compile_rules(rules), eco.compile_rules(plain)
    assert compiled is not plain_compiled
    real_snapshot, real_rates = State.snapshot, State._current_rates
    seen = Counter[str]()

    def snapshot(game: State) -> eco.Snapshot:
        snap = real_snapshot(game)
        terms = eco.index_terms(plain, _in_force_deals(game), game.credibility)  # type: ignore[arg-type]
        rates = eco.all_rates(
            plain_compiled, game.layer_rate, game.layer_status, game.active_packages, terms
        )
        fresh = eco.snapshot(plain, tuple(rates), terms, set(game.active_packages))
        assert _compared(snap) == _compared(fresh)
        seen["pledged" if terms.pledgers else "snapshot"] += 1
        return snap

    def current_rates(game: State) -> tuple[float, ...]:
        rates = real_rates(game)
        kept = eco.layer_state(
            compiled, game._layers, game.layer_rate, game.layer_status, game.active_packages
        )
        fresh = eco.layer_state(
            plain_compiled, None, game.layer_rate, game.layer_status, game.active_packages
        )
        assert _bits(kept.plain) == _bits(fresh.plain)
        assert _bits(kept.in_force) == _bits(fresh.in_force)
        seen["layers"] += 1
        return rates

    monkeypatch.setattr(State, "snapshot", snapshot)
    monkeypatch.setattr(State, "_current_rates", current_rates)
    play_match(rules, 0, dict.fromkeys(rules.player_ids, "greedy"))
    assert seen["snapshot"] + seen["pledged"] > 50 and seen["layers"] > 50, seen


def test_a_remembered_layer_state_is_not_given_back_for_layers_at_the_other_zero() -> None:
    # Projections' layer states are remembered by the layers' rates, where 0.0 and -0.0 are
    # equal keys; an all-in layer's rate is its cells' rate as it is, so a zero must be the
    # very object the remembered state was made with.
    compiled = eco.compile_rules(_all_in_variant())
    assert any(is_all_in for plan, _ in compiled.plans for _, is_all_in, _ in plan)
    status = dict.fromkeys(compiled.layer_ids, "in_force")
    for zero in (0.0, -0.0, 0.0, -0.0):
        rates = dict.fromkeys(compiled.layer_ids, zero)
        kept = eco.layer_state(compiled, None, rates, status, set(), True)
        fresh = eco.layer_state(compiled, None, rates, status, set())
        assert _bits(kept.plain) == _bits(fresh.plain)
        assert _bits(kept.in_force) == _bits(fresh.in_force)
    assert compiled.layer_memo
