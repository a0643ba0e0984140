"""The legal orders remembered by ``orders.NOW_KEY`` (06c5fab) belong to the state they are
handed to, also a state whose layer tables a caller replaced by dicts in another key order.

The tariffs' key is the layers' statuses and rates as tuples of the dicts' values: two states
with the layers' values mirrored and the tables in reversed key order make the same key, and the
second was handed the first one's tariff orders (found by atk25; ac2ba8b lists what verify
passes); the key is now made of the tables' items. A caller's edit, so contrived; the
projection rates cache (State._current_rates) keys by the same value tuples and has had the
same blind spot since before this session.
"""

from __future__ import annotations

import random

from tradegame.engine import Game, SetTariff
from tradegame.engine.kinds import LayerStatus
from tradegame.scenario import load_rules


def _first_orders_move(game: Game, rng: random.Random) -> str:
    while True:
        p = game.to_move()
        assert p is not None
        if game.phase == "orders" and not game.orders[p]:
            return p
        game.apply(game.legal_actions(p).sample(rng))


def test_tariff_orders_of_a_state_with_reordered_layer_tables() -> None:
    game = Game.new(load_rules("april-2025"), 0)
    p = _first_orders_move(game, random.Random(0))
    layers = list(game.layer_rate)
    rates = [game.layer_rate[k] for k in layers]
    n = len(layers)

    first = game.copy()
    for k in layers:
        first.layer_status[k] = LayerStatus.IN_FORCE
    first._layers_changed()
    list(first.legal_actions(p))  # remembered

    # The same value tuples, the tables in reversed key order: layer i has rate n-1-i.
    mirrored = game.copy()
    mirrored.layer_rate = {k: rates[n - 1 - i] for i, k in reversed(list(enumerate(layers)))}
    mirrored.layer_status = dict.fromkeys(reversed(layers), LayerStatus.IN_FORCE)
    mirrored._layers_changed()
    assert tuple(mirrored.layer_rate.values()) == tuple(first.layer_rate.values())

    listed = {a for a in mirrored.legal_actions(p) if isinstance(a, SetTariff)}
    candidates = listed | {SetTariff(p, k, r) for k in layers for r in set(rates)}
    assert any(not mirrored.can(a) for a in candidates)  # some are refused: the test bites
    assert {a for a in candidates if mirrored.can(a)} == listed
