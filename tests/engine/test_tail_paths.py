"""The shortcuts of a projection's passive tail report what the full computation reports, bit
for bit (float.hex), on random games of every bundled scenario.

- Markets: when the rates as a round ends are the very tuple they were as it began, the
  pressure before is the pressure after (``stress_pressure`` is a function of the rates): the
  stress equals the one computed from an equal but distinct tuple.
- Politics: the words of a public demand are remembered per scenario and subject; they equal
  the term's text made afresh.
- Scoring: the cells a cell metric (tariff_faced, trade_balance) counts are remembered per
  player, partner and sector; the metric equals a scan of every cell.
- A copy (``State.copy_as``) copies the dicts, sets and lists it finds by the state's attribute
  names: an attribute holds a container always or never; and it shares settled pledges, which
  never change again. The compiled build's copy shares every attribute slot to slot first
  (``State._share_all``): it names every attribute a state has.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import random
from functools import cache

import pytest

from tradegame.engine import Game, newscheck
from tradegame.engine import economy as eco
from tradegame.engine.actions import SetTariff, Statement, Term
from tradegame.engine.errors import IllegalActionError, InvalidActionError
from tradegame.engine.phases import markets, orders, politics
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import (
    _remaining_days,
    metric,
    over_window,
    play_out_passing,
    score,
)
from tradegame.engine.state import _REBUILT_ON_COPY, State
from tradegame.engine.text import _term_text
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

from .test_projection_paths import _random_states

SCENARIOS = sorted(bundled_scenarios())


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


@pytest.mark.parametrize("name", SCENARIOS)
def test_market_stress_from_the_same_rates_equals_the_full_computation(name: str) -> None:
    rules = _rules(name)
    checked = 0
    for game in _random_states(rules, range(3), 0.2):
        rates = game._current_rates()
        shortcut, full = game.copy(), game.copy()
        markets.update(shortcut, rates, rates)  # the same object: the pressure read once
        markets.update(full, rates, tuple(list(rates)))  # equal, distinct: computed twice
        assert shortcut.stress.hex() == full.stress.hex()
        checked += 1
    assert checked > 5


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_words_and_term_of_a_public_demand_are_the_subject_parsed(name: str) -> None:
    rules = _rules(name)
    subjects = set()
    for game in _random_states(rules, range(4), 0.3):
        mover = game.to_move()
        if mover is not None and game.phase == "orders":
            subjects |= {
                a.subject
                for a in game.legal_actions(mover)
                if isinstance(a, Statement) and a.statement == "public_demand"
            }
    assert subjects
    for subject in sorted(subjects):
        fresh = _term_text(rules, Term.parse(subject))
        assert politics.demand_text(rules, subject) == fresh  # made
        assert politics.demand_text(rules, subject) == fresh  # remembered
        term = Term.parse(subject)  # what ratification compares a deal's terms with
        made = politics.demand_term(rules, subject)
        assert (made.item, made.value.hex()) == (term.item, term.value.hex())
        assert politics.demand_term(rules, subject) is made  # remembered


def _walk(rules: Rules, seed: int) -> list[State]:
    """Every state of a random game, and a projection of each for the player to move."""
    rng = random.Random(seed)
    game = Game.new(rules, seed)
    out: list[State] = []
    while not game.is_over():
        player = game.to_move()
        assert player is not None
        out.append(game.copy())
        out.append(Projected.of(game, player))
        game.apply(game.legal_actions(player).sample(rng))
    out.append(game)
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_an_attribute_holds_a_container_always_or_never(name: str) -> None:
    """copy_as remembers which attributes to copy by the attribute names alone."""
    kinds: dict[str, set[bool]] = {}
    for seed in range(3):
        for state in _walk(_rules(name), seed):
            for attr, value in vars(state).items():
                kinds.setdefault(attr, set()).add(isinstance(value, (dict, set, list)))
    mixed = {attr for attr, seen in kinds.items() if len(seen) > 1} - _REBUILT_ON_COPY
    assert not mixed


def _fields(record: object) -> tuple[object, ...]:
    """A record's fields but its owner (no part of its value: see records, copy on write)."""
    return tuple(getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "owner")


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_copy_copies_every_container_and_shares_only_settled_records(name: str) -> None:
    # Deals and sessions are shared, copy on write (test_copy_on_write); open pledges are
    # copied at once (a projection settles them all), settled ones shared.
    for state in _walk(_rules(name), 5)[::5]:
        copy = state.copy()
        assert list(vars(copy)) == list(vars(state))
        for attr, value in vars(state).items():
            # (The deals in force are shared; the sampler's kinds, forgotten: None.)
            if isinstance(value, (dict, set, list)) and attr not in ("_in_force", "_sampler_kinds"):
                assert vars(copy)[attr] is not value, attr
                assert vars(copy)[attr] == value, attr
        for mine, theirs in zip(state.pledges, copy.pledges, strict=True):
            assert (mine is theirs) == mine.settled
            assert _fields(mine) == _fields(theirs)
        assert all(map(operator.is_, state.deals, copy.deals))
        assert all(map(operator.is_, state.sessions, copy.sessions))


def _shares_every_attribute(state: State) -> None:
    """The compiled build's copy_as shares every attribute slot to slot (State._share_all
    and a kind of state's own): each attribute of ``state``, the very object, and nothing
    more but a class default."""
    new = object.__new__(type(state))
    state._share_all(new)
    mine, theirs = vars(state), vars(new)
    for attr, value in mine.items():
        assert attr in theirs and theirs[attr] is value, attr
    for attr in theirs.keys() - mine.keys():
        assert theirs[attr] == getattr(type(state), attr), attr


@pytest.mark.parametrize("name", SCENARIOS)
def test_share_all_sets_every_attribute_of_a_state(name: str) -> None:
    for state in _walk(_rules(name), 4)[::3]:
        _shares_every_attribute(state)


def test_share_all_sets_every_attribute_of_the_news_checkers_state() -> None:
    rules = _rules("april-2025")
    game = Game.new(rules, 3)
    for _ in range(40):
        if game.is_over():
            break
        game.apply(game.legal_actions().sample(random.Random(len(game.actions))))
    witnessed = newscheck._Witnessed(rules, 3, newscheck.requirements(rules))
    for action in game.actions:
        witnessed.apply(action)
    _shares_every_attribute(witnessed)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_settled_pledge_never_changes(name: str) -> None:
    """A copy shares its settled pledges with the game it was copied from."""
    rules = _rules(name)
    for seed in range(4):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        settled: dict[int, tuple[object, ...]] = {}
        while not game.is_over():
            for pledge in game.pledges:
                if id(pledge) in settled:
                    assert _fields(pledge) == settled[id(pledge)]
                elif pledge.settled:
                    settled[id(pledge)] = _fields(pledge)
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
        assert all(_fields(p) == settled[id(p)] for p in game.pledges if id(p) in settled)


@pytest.mark.parametrize("name", SCENARIOS)
def test_market_stress_by_the_rates_id_equals_the_rule(name: str) -> None:
    """markets remembers stress_pressure by the rates tuple's id, keeping the tuple."""
    rules = _rules(name)
    if rules.market_stress_player is None:
        pytest.skip("no market stress in this scenario")
    for game in _random_states(rules, range(2), 0.2):
        rates = game._current_rates()
        for _ in range(2):  # made, then remembered
            assert markets._pressure(rules, rates) == eco.stress_pressure(rules, list(rates))
        twin = tuple(list(rates))  # an equal tuple: its own entry, the same pressure
        assert markets._pressure(rules, twin) == markets._pressure(rules, rates)


class _Text(str):
    """A str subclass: equal to the id it copies, but not a well-formed field."""


def test_an_order_played_in_a_projection_is_checked_as_apply_checks_it() -> None:
    """what_if plays an order of the player to move with push, after the rule's own check
    and check_action: a malformed or illegal order is refused as Machine.apply refuses it."""
    rules = _rules("april-2025")
    rng = random.Random(1)
    game = Game.new(rules, 1)
    while game.phase != "orders":
        mover = game.to_move()
        assert mover is not None
        game.apply(game.legal_actions(mover).sample(rng))
    mover = game.to_move()
    assert mover is not None
    good = next(a for a in game.legal_actions(mover) if isinstance(a, SetTariff))
    layer = good.layer
    refused = []
    for bad in (
        SetTariff(mover, _Text(layer), good.rate),  # malformed: check_action refuses it
        SetTariff(mover, layer, math.nan),
        SetTariff(mover, layer, 7.123456),  # well formed, not a legal rate
        SetTariff(mover, "no-such-layer", 0.1),
    ):
        sim = Projected.of(game, mover)
        expected: tuple[type[BaseException], str] | None = None
        try:
            orders.verify(sim, bad)
            sim.apply(bad)
        except (IllegalActionError, InvalidActionError) as err:
            expected = (type(err), str(err))
        assert expected is not None
        with pytest.raises(expected[0]) as got:
            game.what_if(mover, [bad])
        assert str(got.value) == expected[1]
        refused.append(expected[0])
    assert InvalidActionError in refused and IllegalActionError in refused
    sim = Projected.of(game, mover)
    sim.apply(good)
    play_out_passing(sim)
    assert game.what_if(mover, [good]).score.hex() == score(sim, mover).hex()


def _scanned(game: Game, player: str, name: str, partner: str | None, sector: str | None) -> float:
    """tariff_faced and trade_balance as a scan of every flow cell computes them."""
    led, snap, rest = game.ledger, game.snapshot(), _remaining_days(game)
    num = den = so_far = today = 0.0
    for cell in game.tables.compiled.cells:
        if name == "tariff_faced":
            if (
                cell.exporter == player
                and partner in (None, cell.importer)
                and sector in (None, cell.sector)
            ):
                avg = over_window(led.flow_rate[cell.index], snap.rate[cell.index], led.days, rest)
                num += avg * cell.v0
                den += cell.v0
            continue
        sign = 1.0 if cell.exporter == player else -1.0 if cell.importer == player else 0.0
        other = cell.importer if sign > 0 else cell.exporter
        if sign and partner in (None, other) and sector in (None, cell.sector):
            so_far += sign * led.flow_value[cell.index]
            today += sign * snap.value[cell.index]
    if name == "tariff_faced":
        return num / den if den else 0.0
    return over_window(so_far, today, led.days, rest)


@pytest.mark.parametrize("name", SCENARIOS)
def test_cell_metrics_from_the_remembered_cells_equal_a_scan_of_every_cell(name: str) -> None:
    """scoring remembers which cells a cell metric counts, per player, partner and sector."""
    rules = _rules(name)
    sectors = sorted({c.sector for c in rules.flows}) + ["no-such-sector"]
    checked = 0
    for game in _random_states(rules, range(1), 0.1):
        for player in rules.player_ids:
            for partner in [None, *rules.player_ids]:
                for sector in [None, *sectors]:
                    for metric_name in ("tariff_faced", "trade_balance"):
                        for _ in range(2):  # made, then remembered
                            got = metric(game, player, metric_name, partner, sector)
                            want = _scanned(game, player, metric_name, partner, sector)
                            assert got.hex() == want.hex()
                        checked += 1
    assert checked > 100


def _score_metric_by_metric(game: State, player: str) -> float:
    """scoring.score as the weighted sum of each objective's metric read on its own."""
    total = 0.0
    for obj in game.rules.player(player).objectives:
        total += obj.weight * obj.normalise(metric(game, player, obj))  # type: ignore[arg-type]
    return 100.0 * total


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_score_equals_its_metrics_read_one_by_one(name: str) -> None:
    """score reads the days to come, the days summed and the snapshot once for all its
    metrics, and its cell metrics' cells from its plan (made once per scenario and player):
    it equals the sum of each metric read on its own, in games, copies and projections
    (finished or not) of every scenario."""
    rules = _rules(name)
    checked = 0
    for seed in range(2):
        for state in _walk(rules, seed)[::3]:
            for player in rules.player_ids:
                assert isinstance(state, Game | Projected)
                want = _score_metric_by_metric(state, player)
                assert score(state, player).hex() == want.hex()
                checked += 1
            if isinstance(state, Projected) and state.viewer is not None:
                play_out_passing(state)
                want = _score_metric_by_metric(state, state.viewer)
                assert score(state, state.viewer).hex() == want.hex()
                checked += 1
    assert checked > 50


def test_a_copy_of_another_layout_copies_its_own_containers() -> None:
    """copy_as looks at the layout a kind of state last met first: a state of the same
    kind with other attributes is copied by its own."""
    rules = _rules("april-2025")
    game = Game.new(rules, 1)
    game.copy()  # the layout met last
    other = Game.new(rules, 2)
    other.extra = [1]  # type: ignore[attr-defined]  # a container more than the last met
    copy = other.copy()
    assert copy.extra == [1] and copy.extra is not other.extra  # type: ignore[attr-defined]
    again = game.copy()  # and the first layout again
    assert again.approval == game.approval and again.approval is not game.approval
    assert copy.approval is not other.approval
