"""A snapshot's sums add each cell's operands (economy.CellOperands, issue 17): the same
floats, bit for bit, as the rule's own steps (skip a gain or pain that is not there, take a
cost away).

- Any sequence of cells, with any floats (signed zeros, tiny and huge values, cancellations),
  summed both ways (hypothesis).
- Every snapshot read in random games of every scenario (copies and projections among them),
  against one made from nothing by the rule's steps: one loop over the cells in cell order,
  each from :func:`economy.cell_effects` at its terms, then the terms' and countermeasures'
  amounts and the shares of GDP. Every field, float.hex for float.hex.

And the layers' part of the rates remembered per scenario, plan by plan (economy.layer_state),
against the rule from nothing wherever a game's rates are read; a layer at -0.0 is never
taken for one at 0.0 (equal keys, other rates when the layer is all-in).

The written sums (economy.WrittenSums: a snapshot's pains and lazy sums) add as a loop does,
and stress_pressure (economy.WrittenPressures) is the rule from nothing at every step of
random games of every scenario.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.projection import Projected
from tradegame.engine.records import ECONOMY_KEYS
from tradegame.engine.rules import Rules
from tradegame.engine.state import State
from tradegame.scenario import load_rules

from .test_fast_paths import _all_in_variant, _scenarios
from .test_round_caches import _bits, _in_force_deals, _play

_floats = st.one_of(
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e308, -1e308, 1.0, -1.0, 1e-300]),
    st.floats(allow_nan=False, allow_infinity=False),
)
_effects = st.tuples(
    _floats,
    _floats,
    _floats,
    _floats,
    st.none() | _floats,
    _floats,
    st.none() | _floats,
    st.none() | _floats,
)


@given(st.lists(st.tuples(_effects, st.booleans()), max_size=12))
def test_adding_operands_gives_the_rule_steps_floats(
    cells: list[tuple[eco.CellEffects, bool]],
) -> None:
    steps = [0.0, 0.0, 0.0, 0.0]  # gdp, revenue, consumer cost, pain: as the rule's steps
    for effects, exported in cells:
        if exported:
            steps[0] += effects[3]
            if effects[6] is not None:
                steps[3] -= effects[6]
        else:
            steps[1] += effects[1]
            steps[2] += effects[2]
            if effects[4] is not None:
                steps[0] += effects[4]
            steps[0] -= effects[5]
            if effects[7] is not None:
                steps[3] += effects[7]
    added = [0.0, 0.0, 0.0, 0.0]  # by adding operands, as snapshot() does
    for effects, exported in cells:
        operands = eco._cell_entry(0.0, effects)[:8]
        assert operands[0] is effects[0] and len(operands) == 8
        if exported:
            added[0] += operands[3]
            added[3] += operands[6]
        else:
            added[1] += operands[1]
            added[2] += operands[2]
            added[0] += operands[4]
            added[0] += operands[5]
            added[3] += operands[7]
    assert _bits(added) == _bits(steps)


def _from_nothing(game: State) -> eco.Snapshot:
    """The snapshot of ``game`` by the rule's own steps, nothing remembered."""
    rules = game.rules
    params = rules.economy
    compiled = eco.compile_rules(rules)
    terms = eco.index_terms(rules, _in_force_deals(game), game.credibility)  # type: ignore[arg-type]
    rates = eco.all_rates(compiled, game.layer_rate, game.layer_status, game.active_packages, terms)
    ids = rules.player_ids
    gdp = dict.fromkeys(ids, 0.0)
    revenue = dict.fromkeys(ids, 0.0)
    consumer = dict.fromkeys(ids, 0.0)
    pain = dict.fromkeys(ids, 0.0)
    values = []
    for p in ids:  # each player's sums over its cells in cell order
        for cell in compiled.cells:
            if p not in (cell.exporter, cell.importer):
                continue
            fx = 1.0 + terms.currency.get(cell.exporter, 0.0) if terms.currency else 1.0
            boost = terms.boosts.get(cell.flow_key, 0.0) if terms.boosts else 0.0
            bought = terms.purchases.get(cell.flow_key) if terms.purchases else None
            value, rev, cost, export_effect, substituted, net_cost, e_pain, i_pain = (
                eco.cell_effects(cell, rates[cell.index], fx, boost, bought, params)
            )
            if p == cell.exporter:
                gdp[p] += export_effect
                if e_pain is not None:
                    pain[p] -= e_pain
            else:
                revenue[p] += rev
                consumer[p] += cost
                if substituted is not None:
                    gdp[p] += substituted
                gdp[p] -= net_cost
                if i_pain is not None:
                    pain[p] += i_pain
    for cell in compiled.cells:
        fx = 1.0 + terms.currency.get(cell.exporter, 0.0) if terms.currency else 1.0
        boost = terms.boosts.get(cell.flow_key, 0.0) if terms.boosts else 0.0
        bought = terms.purchases.get(cell.flow_key) if terms.purchases else None
        values.append(eco.cell_effects(cell, rates[cell.index], fx, boost, bought, params)[0])
    for receiver, per_year in terms.investment.items():
        gdp[receiver] += params.investment_multiplier * params.investment_realisation * per_year
    for receiver, per_year in terms.cost_sharing.items():
        gdp[receiver] += per_year
    for giver, per_year in terms.cost_sharing_paid.items():
        gdp[giver] -= per_year
    for p in rules.players:
        for c in p.countermeasures:
            if c.gdp_cost_pct and c.id in game.active_packages:
                cost_bn = c.gdp_cost_pct / 100.0 * p.gdp_bn
                gdp[p.id] -= cost_bn
                pain[p.id] += cost_bn
    return eco.Snapshot(
        rate=tuple(rates),
        value=values,
        gdp_bn=gdp,
        gdp_pct={p.id: 100.0 * gdp[p.id] / p.gdp_bn for p in rules.players},
        revenue=revenue,
        consumer_cost=consumer,
        investment_received={p: terms.investment.get(p, 0.0) for p in ids},
        purchases_received={p: terms.purchases_received.get(p, 0.0) for p in ids},
        cost_sharing_received={p: terms.cost_sharing.get(p, 0.0) for p in ids},
        pain_pct={p.id: 100.0 * pain[p.id] / p.gdp_bn for p in rules.players},
    )


_FIELDS = tuple(f.name for f in dataclasses.fields(eco.Snapshot) if f.init)


def _fields(snap: eco.Snapshot) -> dict[str, object]:
    return {name: _bits(getattr(snap, name)) for name in _FIELDS}


def _made(snap: eco.Snapshot) -> bool:
    """Whether the sums a snapshot makes when first read are made (the fields are set)."""
    try:
        eco.Snapshot.gdp_bn.__get__(snap, eco.Snapshot)  # type: ignore[attr-defined]
    except AttributeError:
        return False
    return True


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_every_snapshot_read_is_the_rule_steps_from_nothing(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sums a snapshot makes when first read (all but the pains) are those of the rule's
    # steps when the snapshot was made, read at once or after the game moved on (rounds
    # later, a projection's tail played); its bound is at least every number's size.
    real = State.snapshot
    seen = Counter[str]()
    late: list[tuple[eco.Snapshot, dict[str, object]]] = []
    later: set[int] = set()

    def snapshot(game: State) -> eco.Snapshot:
        snap = real(game)
        if id(snap) in later:
            return snap  # (read again: it is checked at the end)
        expected = _fields(_from_nothing(game))
        seen["fresh"] += not _made(snap)
        if _made(snap) or seen["fresh"] % 2:
            assert _fields(snap) == expected
            assert snap.bound >= eco._added_size(snap)
        else:
            assert _bits(snap.pain_pct) == expected["pain_pct"]  # (made at once)
            late.append((snap, expected))
            later.add(id(snap))  # (kept in late: not another's id)
            seen["late, a projection's" if isinstance(game, Projected) else "late, a game's"] += 1
        terms = game.terms()
        seen["pledges" if terms.investment or terms.cost_sharing else "plain"] += 1
        seen["pain"] += any(v != 0.0 for v in snap.pain_pct.values())
        seen["packages"] += bool(game.active_packages)
        return snap

    monkeypatch.setattr(State, "snapshot", snapshot)
    for game in _play(rules, range(5), what_if=0.03, copies=0.02):
        if not game.actions:
            game.defer_round_captures()  # as bots' games: nothing reads the ledger
        game.snapshot()
    assert seen["plain"] > 50 and seen["pain"] > 50, seen
    if name == "april-2025":
        assert seen["pledges"] > 5 and seen["packages"] > 5, seen
    # Made after the game moved on: by a score, the game's ledger read by a copy, or now.
    assert seen["late, a game's"] > 10 and seen["late, a projection's"] > 0, seen
    for snap, expected in late:
        assert _fields(snap) == expected
        assert snap.bound >= eco._added_size(snap)


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_a_players_own_sums_are_the_rule_steps_from_nothing(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # economy.player_sums makes one player's values of the tables alone (a projection reads
    # its viewer's only): they are the tables' values from nothing, read before the tables
    # are made or after, one player first and then the others; in random games with
    # projections and copies, and a greedy game.
    real = State.snapshot
    seen = Counter[str]()

    def snapshot(game: State) -> eco.Snapshot:
        snap = real(game)
        n = seen["read"]
        seen["read"] += 1
        if n % 3:
            return snap  # (a sample: the steps from nothing cost)
        expected = _fields(_from_nothing(game))
        ids = list(game.rules.player_ids)
        first = n // 3 % len(ids)
        seen["after the tables" if _made(snap) else "before the tables"] += 1
        for p in ids[first:] + ids[:first]:
            own = [expected[key][p] for key in ECONOMY_KEYS]  # type: ignore[index]
            assert _bits(list(eco.player_sums(snap, p))) == own, (p, first)
        return snap

    monkeypatch.setattr(State, "snapshot", snapshot)
    for game in _play(rules, range(3), what_if=0.05, copies=0.02):
        game.snapshot()
    play_match(rules, 0, dict.fromkeys(rules.player_ids, "greedy"))
    assert seen["before the tables"] > 100 and seen["after the tables"] > 5, seen


def test_a_snapshot_made_by_hand_is_read_as_it_is() -> None:
    # A snapshot made from its fields (a caller's, a test's) reads them back; its bound is
    # its numbers' sizes added; a name it has not is an AttributeError, not a loop.
    rules = load_rules("april-2025")
    made = Game.new(rules, 1).snapshot()
    fields = {name: getattr(made, name) for name in _FIELDS}
    by_hand = eco.Snapshot(**fields)
    assert _fields(by_hand) == _fields(made) and by_hand == made
    assert by_hand.bound == eco._added_size(made) <= made.bound
    for p in rules.player_ids:
        own = [getattr(made, key)[p] for key in ECONOMY_KEYS]
        assert _bits(list(eco.player_sums(by_hand, p))) == _bits(own)
    with pytest.raises(AttributeError):
        by_hand._parts  # noqa: B018
    with pytest.raises(AttributeError):
        made.gdp  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        getattr(by_hand, "no_such_field")  # noqa: B009


def _fresh_plain(game: State) -> tuple[list[object], list[float]]:
    """Each layer plan's layers in force and each cell's rate with no deal term (and the
    active countermeasures), from nothing (the rules' functions, nothing remembered)."""
    compiled = eco.compile_rules(game.rules)
    in_force = [
        eco.layers_in_force(plan, has_replace, game.layer_rate, game.layer_status)
        for plan, has_replace in compiled.plans
    ]
    plain = eco.all_rates(
        compiled, game.layer_rate, game.layer_status, game.active_packages, eco.TermIndex()
    )
    return in_force, plain


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_the_layers_part_remembered_per_plan_is_the_rule_from_nothing(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # economy.layer_state remembers each plan's layers in force and its cells' plain rates
    # per scenario, by the rates and status of the plan's layers (and the active packages,
    # for a plan with cells packages cover): wherever a game's rates
    # are read (copies and projections among them), its layer state is the one made from
    # nothing, bit for bit.
    real = State._current_rates
    compiled = eco.compile_rules(rules)
    seen = Counter[str]()

    def current_rates(game: State) -> tuple[float, ...]:
        rates = real(game)
        in_force, plain = _fresh_plain(game)
        # The layer state the game would make now from the one it keeps (a projection's
        # rates may come from the scenario's cache instead), and from none.
        for known in (game._layers, None):
            layers = eco.layer_state(
                compiled, known, game.layer_rate, game.layer_status, game.active_packages
            )
            assert _bits(layers.plain) == _bits(plain)
            assert _bits(layers.in_force) == _bits(in_force)
        seen["read"] += 1
        return rates

    monkeypatch.setattr(State, "_current_rates", current_rates)
    compiled.plan_memo.clear()
    for game in _play(rules, range(4), what_if=0.03, copies=0.02):
        game.rates()
    assert seen["read"] > 100, seen
    assert compiled.plan_memo or not compiled.layer_ids


def test_a_layer_at_minus_zero_is_not_taken_for_one_at_zero() -> None:
    # 0.0 and -0.0 are equal keys; an all-in layer's rate is its cells' rate as it is, so a
    # plan with a layer at either zero is worked out, never looked up.
    rules = _all_in_variant()
    compiled = eco.compile_rules(rules)
    assert any(is_all_in for plan, _ in compiled.plans for _, is_all_in, _ in plan)
    game = Game.new(rules, 1)
    for zero in (0.0, -0.0, 0.0, -0.0):
        for layer in compiled.layer_ids:
            game.layer_rate[layer] = zero
            game.layer_status[layer] = "in_force"
        game._invalidate()
        game.rates()
        in_force, plain = _fresh_plain(game)
        assert game._layers is not None
        assert _bits(game._layers.plain) == _bits(plain)
        assert _bits(game._layers.in_force) == _bits(in_force)


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_a_players_sums_are_of_its_roles_in_order(name: str, rules: Rules) -> None:
    # snapshot() adds each player's pains, and _own_sums its GDP effect, revenue and
    # consumer cost, as written sums (Compiled.pain_sums, own_sums): their operands are the
    # player's roles (cell, exported?) in cell order, each read where its entry has it. The
    # pains are followed by every cell's size, in cell order (the snapshot's bound).
    compiled = eco.compile_rules(rules)
    *pains, sizes = compiled.pain_sums.operands
    assert sizes == tuple((c.index, 8) for c in compiled.cells)
    assert len(pains) == len(compiled.own_sums) == len(rules.player_ids)
    for roles, of_pain, own in zip(compiled.player_roles, pains, compiled.own_sums, strict=True):
        assert of_pain == tuple((index, 6 if exported else 7) for index, exported in roles)
        gdp = [(i, 3) if exported else (i, k) for i, exported in roles for k in (4, 5)]
        gdp = list(dict.fromkeys(gdp))  # (an export's operand once)
        imported = [i for i, exported in roles if not exported]
        assert own.operands == (
            tuple(gdp),
            tuple((i, 1) for i in imported),
            tuple((i, 2) for i in imported),
        )


@given(
    st.lists(st.lists(_floats, min_size=9, max_size=9), max_size=40),
    st.lists(st.lists(st.tuples(st.integers(0, 39), st.integers(0, 8)), max_size=80), max_size=4),
)
def test_written_sums_add_as_a_loop(
    entries: list[list[float]], sums: list[list[tuple[int, int]]]
) -> None:
    # Each sum's operands added one by one from 0.0, in order: the same floats (float.hex),
    # however long (written in lines of a few dozen) or empty.
    operands = tuple(tuple((i, k) for i, k in of_sum if i < len(entries)) for of_sum in sums)
    written = eco.WrittenSums(operands)
    expected = []
    for of_sum in operands:
        total = 0.0
        for index, position in of_sum:
            total += entries[index][position]
        expected.append(total.hex())
    assert [total.hex() for total in written.add(entries)] == expected
    loaded = pickle.loads(pickle.dumps(written))
    assert [total.hex() for total in loaded.add(entries)] == expected


def test_a_snapshot_goes_through_pickle_and_copy_made_or_not() -> None:
    # A snapshot whose sums are not made yet pickles (and copies): the same fields when
    # read, as one made at once (pickle reads every field, so makes them).
    rules = load_rules("april-2025")
    game = Game.new(rules, 2)
    game.defer_round_captures()
    while game.round < 4:
        mover = game.to_move()
        assert mover is not None
        game.apply(game.legal_actions(mover).sample(random.Random(len(game.actions))))
    snap = game.snapshot()
    assert not _made(snap)
    expected = _fields(_from_nothing(game))
    again = pickle.loads(pickle.dumps(snap))
    copied = copy.deepcopy(snap)
    assert _fields(again) == _fields(copied) == _fields(snap) == expected
    assert again.bound == copied.bound == snap.bound


def test_written_sums_of_many_operands_add_them_all() -> None:
    # Longer than a line of the written function: every operand still added, in order.
    rng = random.Random(5)
    entries = [[rng.uniform(-1e6, 1e6) for _ in range(9)] for _ in range(50)]
    operands = tuple(
        tuple((rng.randrange(50), rng.randrange(9)) for _ in range(length))
        for length in (0, 1, 31, 32, 33, 100, 250)
    )
    expected = []
    for of_sum in operands:
        total = 0.0
        for index, position in of_sum:
            total += entries[index][position]
        expected.append(total.hex())
    assert [total.hex() for total in eco.WrittenSums(operands).add(entries)] == expected


def _fresh_pressure(rules: Rules, rates: list[float]) -> tuple[str, str]:
    """stress_pressure from nothing: each cell the holder imports in (applies), or exports
    in (faces), its extra tariff times its V0 added in cell order, over the V0s added so."""
    holder = rules.market_stress_player
    sums = []
    for side in ("importer", "exporter"):
        total = weight = 0.0
        for cell in eco.compile_rules(rules).cells:
            if getattr(cell, side) == holder:
                total += (rates[cell.index] - cell.mfn) * cell.v0
                weight += cell.v0
        sums.append((total / weight if weight else 0.0).hex())
    return sums[0], sums[1]


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_stress_pressure_is_the_rule_from_nothing(name: str, rules: Rules) -> None:
    # At every round's rates of random games (as a tuple, remembered, as a list, and not
    # remembered by the values, as a game's own markets ask), and at random rates: the
    # written sums add what a loop over the cells adds.
    if rules.market_stress_player is None:
        pytest.skip("no market-stress player")
    rng = random.Random(name)
    checked = 0
    for seed in range(4):
        game = Game.new(rules, seed)
        while not game.is_over():
            game.push(game.legal_actions().sample(rng))
            rates = game._current_rates()
            for asked in (rates, rates, list(rates)):
                got = eco.stress_pressure(rules, asked)
                assert (got[0].hex(), got[1].hex()) == _fresh_pressure(rules, list(rates))
            got = eco.stress_pressure(rules, rates, False)  # a game's: not by the values
            assert (got[0].hex(), got[1].hex()) == _fresh_pressure(rules, list(rates))
            checked += 1
    for _ in range(50):
        rates = [rng.choice([0.0, -0.0, rng.uniform(-1.0, 5.0)]) for _ in range(len(rates))]
        got = eco.stress_pressure(rules, rates)
        assert (got[0].hex(), got[1].hex()) == _fresh_pressure(rules, rates)
    assert checked > 50


def test_written_functions_take_nothing_but_ints_into_their_text() -> None:
    # Their text is executed: an index or position that is not an int (a pickle may hold
    # anything) raises TypeError before any text is written, whatever it holds.
    injected = "0]+__import__('os').getpid()#"
    with pytest.raises(TypeError):
        eco.WrittenSums((((injected, 0),),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        eco.WrittenSums((((0, injected),),))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        eco.WrittenPressures((((injected, 0.0, 1.0),), ()))  # type: ignore[arg-type]
    tampered = eco.WrittenSums((((0, 0),),))
    tampered.operands = ((("1", 0),),)  # type: ignore[assignment]  # (as a pickle may hold)
    with pytest.raises(TypeError):
        pickle.loads(pickle.dumps(tampered))
