"""A cell metric that counts no cell is a metric like any other, in projections too.

A scenario author may give a player an objective over a partner and a sector they do not
trade in (``tariff_faced`` of JP's agri exports to the US, with no such flow), or a player
that exports nothing: ``tariff_faced`` then counts no cell and is 0 (as ``trade_balance``
of a pair that trades nothing would be).
A projection keeps its rounds and adds them when a sum is read (``State.ledger_flows``), so
the empty list of cells reaches that fast path in every ``what_if`` of such a player.

(atk20, issue 17: a faster ``ledger_flows`` tried during session 10 picked the cells with
``operator.itemgetter(*indexes)``, which raises ``TypeError`` for no index: every
``what_if`` of JP in the scenario below failed, and greedy games in it changed their moves.)
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tradegame.engine import Game
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import metric, play_out_passing, score
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

JP_AGRI_FLOW = '  - {exporter: "JP", importer: "US", sector: agri,'
JP_OBJECTIVE = '- {metric: tariff_faced, partner: "US", best: 0.033,'


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Rules:
    """us-japan-primer without JP's agri exports to the US, and JP's second objective the
    tariff those exports face: an objective over no flow (the scenario validates)."""
    text = bundled_scenarios()["us-japan-primer"].read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(JP_AGRI_FLOW)]
    assert len(kept) == len(lines) - 1
    text = "".join(kept)
    assert text.count(JP_OBJECTIVE) == 1
    text = text.replace(JP_OBJECTIVE, JP_OBJECTIVE.replace('"US",', '"US", sector: agri,'))
    path: Path = tmp_path_factory.mktemp("scenario") / "no-agri-flow.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_rules(str(path))
    assert not [f for f in loaded.flows if f.exporter == "JP" and f.sector == "agri"]
    assert any(o.sector == "agri" for o in loaded.player("JP").objectives)
    return loaded


def test_a_projection_of_no_cells_sums_none(rules: Rules) -> None:
    game = Game.new(rules, 0)
    sim = Projected.of(game, "JP")
    sim.pass_round()
    sim.pass_round()
    assert sim._book[1]  # the rounds are kept: ledger_flows adds them when read
    assert sim.ledger_flows([], False) == []
    assert sim.ledger_flows([], True) == []
    assert metric(sim, "JP", "tariff_faced", "US", "agri") == 0.0  # (den 0: no cell)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_what_if_of_a_player_with_an_objective_over_no_flow(rules: Rules, seed: int) -> None:
    game = Game.new(rules, seed)
    rng = random.Random(seed)
    while not game.is_over():
        for player in rules.player_ids:
            projection = game.what_if(player, [])
            assert dict(projection.metrics.items())  # read: the projection's play-out
            sim = Projected.of(game, player)
            play_out_passing(sim)
            assert score(sim, player) == projection.baseline
            assert metric(sim, "JP", "tariff_faced", "US", "agri") == 0.0
        game.apply(game.legal_actions(game.to_move()).sample(rng))
