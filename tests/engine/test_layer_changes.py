"""A layer's move forgets only what layers are part of (issue 17).

When the news moves a layer (a scheduled layer taking effect, a ``set_layer`` effect) and
when paused layers snap back at the deadline, ``State._layers_changed`` forgets the rates
and the snapshot and keeps what the deals in force make: their list, the deals that bound
rates, the settled pairs and the term index. Checked here at every such moment of random
games of every scenario, projections and copies among them: each kept value, and the
rates and snapshot made after it, equal those of a state that forgot everything
(``_invalidate``), bit for bit.
"""

from __future__ import annotations

import dataclasses
import random
import sys
from collections import Counter
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Rules
from tradegame.engine.state import State

from .test_fast_paths import _scenarios
from .test_round_caches import _play


def _bits(value: Any) -> Any:
    """``value`` with every float as its hex (bit for bit), containers compared in order."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, dict):
        return [(_bits(k), _bits(v)) for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [_bits(v) for v in value]
    return value


def _snapshot_bits(snap: eco.Snapshot) -> Any:
    return [_bits(getattr(snap, f.name)) for f in dataclasses.fields(snap)]


def _economy(g: State) -> Any:
    """What the economy reads now, bit for bit (computed or kept)."""
    terms = g.terms()
    return (
        [d.id for d in g.deals_in_force()],
        sorted(g.settled_pairs()),
        _bits(g._current_rates()),
        _bits(g.layered_rates()),
        _snapshot_bits(g.snapshot()),
        _bits(terms.pledgers),
    )


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_a_layers_move_keeps_only_what_layers_are_no_part_of(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = State._layers_changed
    checked = Counter[str]()

    def layers_changed(g: State) -> None:
        real(g)
        fresh = g.copy()
        fresh._invalidate()  # forgets everything the deals in force make too
        fresh._layers = None
        assert _economy(g) == _economy(fresh)
        checked["projection" if isinstance(g, Projected) else "play"] += 1

    monkeypatch.setattr(State, "_layers_changed", layers_changed)
    for _ in _play(rules, range(3), what_if=0.3, copies=0.05):
        pass
    assert checked["play"] > 0 and checked["projection"] > 0, checked


def test_the_news_and_the_snap_back_move_layers_in_random_games(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The moments checked above happen: the snap-back at the deadline, and news moving a layer.
    from tradegame.scenario import load_rules

    rules = load_rules("april-2025")
    calls = Counter[str]()
    real = State._layers_changed

    def layers_changed(g: State) -> None:
        calls[sys._getframe(1).f_code.co_name] += 1
        real(g)

    monkeypatch.setattr(State, "_layers_changed", layers_changed)
    rng = random.Random(4)
    game = Game.new(rules, 4)
    while (mover := game.to_move()) is not None:
        game.apply(game.legal_actions(mover).sample(rng))
    assert calls["_snap_back"] == 1 and calls["run"] > 0, calls
