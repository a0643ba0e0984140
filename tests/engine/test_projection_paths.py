"""A projection's shortcuts must report what the full computation reports, bit for bit.

- A projection keeps only its viewer's sums in the ledger (``State.ledger_only``): at every
  step of random games, for every player and a random hypothetical, the viewer's sums, score
  and metrics equal those of the same projection keeping every player's sums.
  A non-finite number that would enter another player's sums is refused all the same.
- ``what_if``'s metrics are computed when first read (``scoring.Metrics``): read at once or
  after the game has moved on, they equal metrics computed at once, and the real game and its
  copies keep every player's sums.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
from collections.abc import Sequence

import pytest

from tradegame.engine import Game, NonFiniteError
from tradegame.engine import economy as eco
from tradegame.engine.actions import ORDER_KINDS, Action
from tradegame.engine.projection import (
    Projected,
    _play_hypothetical,
    _public_metrics,
)
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import Metrics, play_out_passing, score
from tradegame.engine.state import State
from tradegame.scenario import load_rules


def _bits(values: dict[str, float]) -> dict[str, str]:
    return {k: float(v).hex() for k, v in values.items()}


def _projected(game: Game, player: str, hypo: Sequence[Action], full: bool) -> Projected:
    sim = Projected.of(game, player)
    if full:
        sim.ledger_only = None  # every player's sums, as a real game keeps them
    _play_hypothetical(sim, player, hypo)
    play_out_passing(sim)
    return sim


def _viewer_sums(sim: Projected, player: str) -> dict[str, str]:
    led = sim.ledger
    out = {f"player.{k}": v.hex() for k, v in led.player[player].items()}
    for index, _ in sim.tables.trade_cells[player]:
        out[f"rate.{index}"] = led.flow_rate[index].hex()
        out[f"value.{index}"] = led.flow_value[index].hex()
    for key, v in led.relations.items():
        if player in key:
            out[f"relations.{key}"] = v.hex()
    out["days"] = str(led.days)
    return out


def _random_states(rules: Rules, seeds: range, every: float) -> list[Game]:
    out = []
    for seed in seeds:
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            if rng.random() < every:
                out.append(game.copy())
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
    return out


@pytest.mark.parametrize("name", ["april-2025", "with-china"])
def test_a_projection_keeping_its_viewers_sums_reports_the_full_computation(name: str) -> None:
    rules = load_rules(name)
    checked = 0
    hypothetical = 0
    for n, game in enumerate(_random_states(rules, range(4), 0.12)):
        rng = random.Random(n)
        for player in rules.player_ids:
            hypo: list[Action] = []
            if game.to_move() == player:
                action = game.legal_actions(player).sample(rng)
                if action.kind in ORDER_KINDS or game.session is not None:
                    hypo = [action]
                    hypothetical += 1
            fast = _projected(game, player, hypo, full=False)
            full = _projected(game, player, hypo, full=True)
            assert _viewer_sums(fast, player) == _viewer_sums(full, player)
            assert score(fast, player).hex() == score(full, player).hex()
            assert _bits(_public_metrics(fast, player)) == _bits(_public_metrics(full, player))
            # what_if (the viewer's sums only) reports the full computation
            projection = game.what_if(player, hypo)
            assert projection.score.hex() == score(full, player).hex()
            assert _bits(dict(projection.metrics)) == _bits(_public_metrics(full, player))
            checked += 1
    assert checked > 100 and hypothetical > 20, (checked, hypothetical)


def test_the_game_and_its_copies_keep_every_players_sums() -> None:
    rules = load_rules("april-2025")
    for game in _random_states(rules, range(2), 0.1):
        for player in rules.player_ids:
            game.what_if(player)
        assert game.ledger_only is None and game.copy().ledger_only is None
        assert "ledger_only" not in vars(game)
    sim = Projected.of(Game.new(rules, 0), "JP")
    assert sim.ledger_only == "JP" and sim.viewer == "JP"


def test_metrics_read_late_equal_metrics_read_at_once() -> None:
    rules = load_rules("april-2025")
    rng = random.Random(5)
    game = Game.new(rules, 5)
    pending: list[tuple[Metrics, dict[str, str]]] = []
    while not game.is_over():
        player = game.to_move()
        assert player is not None
        if rng.random() < 0.2:
            late = game.what_if(player)
            now = game.what_if(player)
            assert isinstance(late.metrics, Metrics)
            eager = _bits(_public_metrics(_projected(game, player, [], full=True), player))
            assert _bits(dict(now.metrics)) == eager
            pending.append((late.metrics, eager))
        game.apply(game.legal_actions(player).sample(rng))
    assert len(pending) > 10
    for metrics, eager in pending:  # read after the game has moved on (and ended)
        assert _bits(dict(metrics)) == eager
        assert len(metrics) == len(eager) and list(metrics) == list(eager)


def test_what_if_of_no_moves_is_the_baseline_projection_played_once() -> None:
    # what_if(player, []) is the baseline projection itself: its score, baseline and metrics
    # equal a fresh projection's, cold (nothing remembered) and warm, read at once or late.
    rules = load_rules("with-china")
    late: list[tuple[Metrics, dict[str, str]]] = []
    for n, game in enumerate(_random_states(rules, range(3), 0.1)):
        for player in rules.player_ids:
            fresh = _projected(game, player, [], full=True)
            want = score(fresh, player).hex()
            eager = _bits(_public_metrics(fresh, player))
            game.projection_cache.clear()
            cold = game.what_if(player, [])
            warm = game.what_if(player)
            for p in (cold, warm):
                assert p.score.hex() == want and p.baseline.hex() == want and p.change == 0.0
                assert p.notes == ()
            assert _bits(dict(cold.metrics)) == eager
            if n % 2:
                assert _bits(dict(warm.metrics)) == eager
            else:
                late.append((warm.metrics, eager))  # read after the game moved on
            assert game.what_if(player, []).to_json() == cold.to_json()
        rng = random.Random(n)
        for _ in range(6):  # the game moves on before the late metrics are read
            mover = game.to_move()
            if mover is None:
                break
            game.apply(game.legal_actions(mover).sample(rng))
    assert len(late) > 5
    for metrics, eager in late:
        assert _bits(dict(metrics)) == eager


def test_a_non_finite_number_is_refused_as_when_every_sum_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A projection keeping only its viewer's sums refuses a non-finite number that would
    # enter another player's sums just as a projection keeping them all does, naming it.
    rules = load_rules("april-2025")
    game = Game.new(rules, 3)
    real = State.snapshot

    def snapshot(g: State) -> eco.Snapshot:
        snap = real(g)
        if isinstance(g, Projected) and g.round >= 3:
            return dataclasses.replace(snap, gdp_bn={**snap.gdp_bn, "US": math.inf})
        return snap

    monkeypatch.setattr(State, "snapshot", snapshot)
    messages = []
    for full in (False, True):
        with pytest.raises(NonFiniteError) as err:
            _projected(game, "JP", [], full)
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "gdp_bn of US became inf" in messages[0]


def test_finite_numbers_whose_sum_overflows_are_named_as_a_sum() -> None:
    # Every number finite, their sum not (two approvals near the float limit): the error
    # names the sum, in a sentence ("the a sum of the state became inf" before).
    from tradegame.engine.phases.resolution import _check_finite

    game = Game.new(load_rules("us-japan-primer"), 0)
    state = game.copy()
    state.approval = dict.fromkeys(state.approval, 1.7e308)
    with pytest.raises(NonFiniteError) as err:
        _check_finite(state)
    assert str(err.value).startswith("round 1: the sum of the state's numbers became inf (")


def test_projections_leave_the_game_as_it_was() -> None:
    # A projection's copy shares the game's ledger flow lists (never changed in place) and
    # keeps only its viewer's sums: projecting, with or without a move, changes nothing in
    # the game it was made from.
    rules = load_rules("april-2025")
    for seed in range(3):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            action = game.legal_actions(player).sample(rng)
            if rng.random() < 0.25:
                before = json.dumps(game.state_json(), sort_keys=True)
                flows = (game.ledger.flow_rate, game.ledger.flow_value)
                game.what_if(player, [action])
                game.what_if(player)
                assert json.dumps(game.state_json(), sort_keys=True) == before
                assert (game.ledger.flow_rate, game.ledger.flow_value) == flows
            game.apply(action)


@pytest.mark.parametrize("scenario", ["april-2025", "with-china"])
def test_a_projection_remembers_none_of_the_real_games_baselines(scenario: str) -> None:
    """``what_if``'s baselines are keyed by the moves played; a projection drops others'
    orders and unpublished deals without a move, so the real game's remembered baselines are
    not its own. A baseline asked of a projection equals one computed from nothing (the
    real game's baselines warm first)."""
    from tradegame.engine.projection import what_if

    rules = load_rules(scenario)
    ids = rules.player_ids
    checked = 0
    for seed in range(3):
        game = Game(rules, seed)
        rng = random.Random(seed)
        while not game.is_over():
            mover = game.to_move()
            assert mover is not None
            if game.phase == "orders" and any(game.orders.get(p) for p in ids):
                for p in ids:
                    game.what_if(p)  # the real game's baselines remembered
                for viewer in ids:
                    sim = Projected.of(game, viewer)
                    fresh = Projected.of(game, viewer)
                    fresh.projection_cache.clear()
                    for p in ids:
                        asked = what_if(sim, p, ()).score
                        assert asked.hex() == what_if(fresh, p, ()).score.hex(), (seed, viewer)
                        checked += 1
            game.apply(game.legal_actions(mover).sample(rng))
    assert checked > 0


class _LoggingProjection(Projected):
    """A projection that keeps its log, as every state did before projections kept none."""

    KEEPS_LOG = True
    _log = State._log
    _logf = State._logf


@pytest.mark.parametrize("name", ["april-2025", "with-china", "us-japan-primer"])
def test_a_projection_keeps_no_log_and_plays_as_one_that_keeps_it(name: str) -> None:
    # Nothing a projection reports reads its log: played with and without one, the same
    # state (hash), score and metrics at the end; the one without has no lines at all.
    rules = load_rules(name)
    logged = 0
    for n, game in enumerate(_random_states(rules, range(2), 0.15)):
        rng = random.Random(n)
        for player in rules.player_ids:
            hypo: list[Action] = []
            if game.to_move() == player:
                action = game.legal_actions(player).sample(rng)
                if action.kind in ORDER_KINDS or game.session is not None:
                    hypo = [action]
            sims = []
            for cls in (Projected, _LoggingProjection):
                sim = cls.of(game, player)
                _play_hypothetical(sim, player, hypo)
                play_out_passing(sim)
                sims.append(sim)
            quiet, logging = sims
            assert quiet.log == [] and quiet._logbook == ([], [])
            logged += len(logging.log) > len(game.log)
            assert quiet.state_hash() == logging.state_hash()
            assert score(quiet, player).hex() == score(logging, player).hex()
            assert _bits(_public_metrics(quiet, player)) == _bits(_public_metrics(logging, player))
    assert logged > 20, logged
