"""The ledger's flat layout (records.Ledger) against a plain recomputation, bit for bit.

The reference is the ledger as it was kept before: dicts by player and name, by pair, and
per-cell lists, each sum ``+= value * days`` at every resolution, and a projection adding
only its viewer's sums (``ledger_only``) unless the snapshot is not finite. It is kept beside
the engine's ledger by subclasses of the game and of a projection, and compared
- in real games at every step of random games of every bundled scenario, in copies played on
  differently (and the game they came from, which must not see them); a game that defers its
  round captures (as bots' games do) keeps its rounds and adds them when its ledger is read,
  read whole or sum by sum, at any step;
- in projections, which keep their rounds and add a sum when it is read: every sum read one
  by one (``ledger_sum``, ``ledger_relations``, ``ledger_flows``, ``ledger_days``), then the
  whole ledger, and a projection read in the middle of its play-out;
- where a number is not finite or too large to keep a round: the same answer, or the same
  error, as a projection adding every round at once.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
import random
import sys
import threading
from typing import Any

import pytest

from tradegame.engine import Game, NonFiniteError
from tradegame.engine import economy as eco
from tradegame.engine import state as state_module
from tradegame.engine.actions import ORDER_KINDS, Action
from tradegame.engine.projection import Projected, _play_hypothetical
from tradegame.engine.records import LEDGER_KEYS
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import play_out_passing, score
from tradegame.engine.state import State
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _rules(name: str) -> Rules:
    return load_rules(name)


def _fresh_shadow(g: State) -> dict[str, Any]:
    return {
        "days": 0,
        "player": {p: dict.fromkeys(LEDGER_KEYS, 0.0) for p in g.rules.player_ids},
        "flow_rate": [0.0] * len(g.rules.flows),
        "flow_value": [0.0] * len(g.rules.flows),
        "relations": dict.fromkeys(g.relations, 0.0),
    }


def _shadow_add(g: State, shadow: dict[str, Any], snap: eco.Snapshot, days: int) -> None:
    """The ledger as it was kept before the flat layout (State._accumulate at 5e62ab8)."""
    shadow["days"] += days
    only = g.ledger_only
    if only is not None:
        total = sum(snap.rate) + sum(snap.value)
        for table in (
            snap.gdp_bn,
            snap.gdp_pct,
            snap.revenue,
            snap.consumer_cost,
            snap.investment_received,
            snap.purchases_received,
            snap.cost_sharing_received,
        ):
            total += sum(table.values())
        if not math.isfinite(total):
            only = None
    players = shadow["player"]
    for pid, sums in players.items() if only is None else ((only, players[only]),):
        for key in LEDGER_KEYS[:7]:
            sums[key] += getattr(snap, key)[pid] * days
        sums["approval"] += g.approval[pid] * days
        sums["credibility"] += g.credibility[pid] * days
    for cell in g.tables.compiled.cells:
        if only is None or only in (cell.exporter, cell.importer):
            shadow["flow_rate"][cell.index] += snap.rate[cell.index] * days
            shadow["flow_value"][cell.index] += snap.value[cell.index] * days
    for key, value in g.relations.items():
        if only is None or only in key:
            shadow["relations"][key] += value * days


class ShadowGame(Game):
    """A game keeping the reference ledger beside its own."""

    shadow: dict[str, Any]

    def __init__(self, rules: Rules, seed: int) -> None:
        super().__init__(rules, seed)
        self.shadow = _fresh_shadow(self)

    def _accumulate(self, snap: eco.Snapshot, days: int) -> None:
        _shadow_add(self, self.shadow, snap, days)
        super()._accumulate(snap, days)

    def copy_as(self, cls: Any, rng_state: Any = None) -> Any:
        new = super().copy_as(cls, rng_state)
        new.shadow = copy.deepcopy(self.shadow)
        return new


class ShadowProjected(Projected):
    """A projection keeping the reference ledger beside its own."""

    shadow: dict[str, Any]

    def _accumulate(self, snap: eco.Snapshot, days: int) -> None:
        _shadow_add(self, self.shadow, snap, days)
        super()._accumulate(snap, days)


def _bits(shadow: dict[str, Any]) -> dict[str, Any]:
    return {
        "days": shadow["days"],
        "player": {p: {k: v.hex() for k, v in s.items()} for p, s in shadow["player"].items()},
        "flow_rate": [v.hex() for v in shadow["flow_rate"]],
        "flow_value": [v.hex() for v in shadow["flow_value"]],
        "relations": {k: v.hex() for k, v in shadow["relations"].items()},
    }


def _ledger_bits(g: State) -> dict[str, Any]:
    led = g.ledger
    return _bits(
        {
            "days": led.days,
            "player": led.player,
            "flow_rate": list(led.flow_rate),
            "flow_value": list(led.flow_value),
            "relations": led.relations,
        }
    )


def _read_one_by_one(g: State) -> dict[str, Any]:
    """Every sum through the readers scoring.metric uses (a projection adds its kept
    rounds to each sum read)."""
    return _bits(
        {
            "days": g.ledger_days(),
            "player": {p: {k: g.ledger_sum(p, k) for k in LEDGER_KEYS} for p in g.rules.player_ids},
            "flow_rate": [g.ledger_flows([c.index], False)[0] for c in g.tables.compiled.cells],
            "flow_value": g.ledger_flows([c.index for c in g.tables.compiled.cells], True),
            "relations": {pair: g.ledger_relations(pair) for pair in g.relations},
        }
    )


def _step(game: Game, rng: random.Random) -> None:
    player = game.to_move()
    assert player is not None
    game.apply(game.legal_actions(player).sample(rng))


@pytest.mark.parametrize("deferred", [False, True])
@pytest.mark.parametrize("name", SCENARIOS)
def test_the_ledger_equals_a_plain_recomputation_at_every_step(name: str, deferred: bool) -> None:
    rules = _rules(name)
    rounds = copies = most_kept = 0
    for seed in range(6):
        rng = random.Random(seed)
        game = ShadowGame(rules, seed)
        if deferred:  # (as play_match): nothing reads the ledger at each round's end
            game.defer_round_captures()
        assert _ledger_bits(game) == _bits(game.shadow)
        while not game.is_over():
            _step(game, rng)
            most_kept = max(most_kept, len(game._book[1]))
            if not deferred:
                assert not game._book[1]  # each round's capture read the ledger
            if rng.random() < 0.04:
                # A copy played on differently: its own sums, the original's untouched (its
                # rounds kept are added first, by the copy).
                other = game.copy()
                other_rng = random.Random(rng.random())
                for _ in range(40):
                    if other.is_over():
                        break
                    _step(other, other_rng)
                    assert _ledger_bits(other) == _bits(other.shadow)
                assert _ledger_bits(game) == _bits(game.shadow)
                copies += 1
            if deferred and rng.random() < 0.95:
                continue  # the rounds kept so far are read later, with the next ones
            if rng.random() < 0.5:
                assert _read_one_by_one(game) == _bits(game.shadow)
            assert _ledger_bits(game) == _bits(game.shadow)
        assert _ledger_bits(game) == _bits(game.shadow)
        rounds += len(game.round_hashes)
    assert rounds >= 12 and copies >= 3, (rounds, copies)
    if deferred:  # rounds were kept, several at a time
        assert most_kept >= 2, most_kept


def _projection(game: Game, player: str, hypo: list[Action]) -> ShadowProjected:
    sim = ShadowProjected.of(game, player)
    assert isinstance(sim, ShadowProjected)
    sim.shadow = copy.deepcopy(game.shadow) if isinstance(game, ShadowGame) else {}
    _play_hypothetical(sim, player, hypo)
    return sim


def _random_states(rules: Rules, seeds: range, every: float) -> list[ShadowGame]:
    out = []
    for seed in seeds:
        rng = random.Random(seed)
        game = ShadowGame(rules, seed)
        while not game.is_over():
            if rng.random() < every:
                state = game.copy()
                assert isinstance(state, ShadowGame)
                out.append(state)
            _step(game, rng)
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_projection_adds_its_kept_rounds_as_the_plain_recomputation(name: str) -> None:
    rules = _rules(name)
    kept = 0
    for n, game in enumerate(_random_states(rules, range(2), 0.1)):
        rng = random.Random(n)
        for player in rules.player_ids:
            hypo: list[Action] = []
            if game.to_move() == player:
                action = game.legal_actions(player).sample(rng)
                if action.kind in ORDER_KINDS or game.session is not None:
                    hypo = [action]
            sim = _projection(game, player, hypo)
            play_out_passing(sim)
            kept += bool(sim._book[1])
            # Each sum read alone, then all at once; then the score read from the sums
            # added (it was read from the kept rounds first).
            one_by_one = _read_one_by_one(sim)
            lazy_score = score(sim, player)
            assert one_by_one == _bits(sim.shadow)
            # The viewer's cells read together (as scoring.metric reads them), in any order.
            own = [index for index, _ in sim.tables.trade_cells[player]]
            rng.shuffle(own)
            for value in (False, True):
                together = [v.hex() for v in sim.ledger_flows(own, value)]
                kind = "flow_value" if value else "flow_rate"
                assert together == [one_by_one[kind][index] for index in own]
            assert _ledger_bits(sim) == _bits(sim.shadow)
            assert not sim._book[1]
            assert _read_one_by_one(sim) == one_by_one
            assert score(sim, player).hex() == lazy_score.hex()
            # Read (and so added) in the middle of the play-out: the same sums at the end.
            again = _projection(game, player, hypo)
            while not again.is_over():
                _step_passing(again)
                if rng.random() < 0.3:
                    assert _read_one_by_one(again) == _bits(again.shadow)
                    if rng.random() < 0.5:
                        again.ledger  # noqa: B018  (adds the rounds kept)
            assert _ledger_bits(again) == _bits(sim.shadow)
            assert score(again, player).hex() == lazy_score.hex()
    assert kept >= 10, kept


def _step_passing(sim: Projected) -> None:
    """One move of play_out_passing."""
    mover = sim.to_move()
    assert mover is not None
    pass_, reject, done = sim.tables.passive_moves[mover]
    session = sim.session
    if session is not None:
        sim.push(pass_ if session.offer is None else reject)
    else:
        sim.push(done)


@pytest.mark.parametrize("deferred", [False, True])
def test_a_copy_shares_the_games_ledger_with_its_rounds_added(deferred: bool) -> None:
    rules = _rules("april-2025")
    rng = random.Random(4)
    game = Game.new(rules, 4)
    if deferred:
        game.defer_round_captures()
    kept = 0
    while not game.is_over():
        _step(game, rng)
        kept += bool(game._book[1])
        other = game.copy()
        # The game's rounds kept were added once, by the copy: neither keeps any.
        assert not game._book[1] and not other._book[1]
        assert other.ledger is game.ledger  # immutable: shared, never changed in place
        # The names and dicts handed out are new ones: changing them changes nothing.
        before = _ledger_bits(game)
        game.ledger.player[rules.player_ids[0]]["gdp_bn"] = math.inf
        game.ledger.relations.clear()
        assert _ledger_bits(game) == before
    assert kept > 10 if deferred else not kept, kept


def _eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """Projections add every round at once (as before they kept rounds)."""
    monkeypatch.setattr(state_module, "LEDGER_BOUND", -1.0)


def _outcome(game: Game, player: str) -> tuple[str, str]:
    try:
        sim = Projected.of(game, player)
        play_out_passing(sim)
        return "score", score(sim, player).hex() + repr(_ledger_bits(sim))
    except NonFiniteError as err:
        return "error", str(err)


@pytest.mark.parametrize(
    ("what", "value"),
    [
        ("own gdp_bn", math.inf),
        ("own gdp_bn", 1e308),  # finite, but not times a round's days
        ("own gdp_bn", 1e295),  # finite, but too large for a projection to keep the round
        ("other gdp_bn", 1e295),
        ("other gdp_bn", math.nan),
        ("rate", 1e296),
        ("own approval", math.nan),
        ("own approval", 1e300),
        ("own approval", 1e308),
        ("other approval", 1e303),
        ("other approval", 1e308),
        ("relations", 1e299),
        ("relations", 1e308),
    ],
)
def test_a_number_too_large_to_keep_a_round_gives_what_adding_it_at_once_gives(
    monkeypatch: pytest.MonkeyPatch, what: str, value: float
) -> None:
    rules = _rules("april-2025")
    viewer, other = "JP", "US"
    rng = random.Random(2)
    game = Game.new(rules, 2)
    while game.round < 3:
        _step(game, rng)
    real_snapshot = State.snapshot
    real_check = state_module.State._accumulate

    def snapshot(g: State) -> eco.Snapshot:
        snap = real_snapshot(g)
        if isinstance(g, Projected) and g.round >= 5:
            if what == "own gdp_bn":
                return dataclasses.replace(snap, gdp_bn={**snap.gdp_bn, viewer: value})
            if what == "other gdp_bn":
                return dataclasses.replace(snap, gdp_bn={**snap.gdp_bn, other: value})
            if what == "rate":
                return dataclasses.replace(snap, rate=(value, *snap.rate[1:]))
        return snap

    def accumulate(g: State, snap: eco.Snapshot, days: int) -> None:
        if isinstance(g, Projected) and g.round == 6:
            if what == "own approval":
                g.approval[viewer] = value
            elif what == "other approval":
                g.approval[other] = value
            elif what == "relations":
                g.relations[next(iter(g.relations))] = value
        real_check(g, snap, days)

    monkeypatch.setattr(State, "snapshot", snapshot)
    monkeypatch.setattr(State, "_accumulate", accumulate)
    kept = _outcome(game, viewer)
    with monkeypatch.context() as eager:
        _eager(eager)
        at_once = _outcome(game, viewer)
    assert kept == at_once


@pytest.mark.parametrize(
    ("what", "value"),
    [
        ("gdp_bn", math.inf),
        ("gdp_bn", 1e308),  # finite, but not times a round's days
        ("gdp_bn", 1e295),  # finite, but too large to keep the round
        ("gdp_bn", math.nan),
        ("value", 1e296),
        ("rate", 1e296),
        ("approval", math.nan),
        ("approval", 1e300),
        ("approval", 1e308),
        ("relations", 1e299),
        ("relations", 1e308),
    ],
)
def test_a_game_keeping_its_rounds_gives_what_adding_each_at_once_gives(
    monkeypatch: pytest.MonkeyPatch, what: str, value: float
) -> None:
    # A game that defers its round captures keeps its rounds (nothing reads its ledger);
    # a number too large to keep a round with: the same error at the same move, or the same
    # ledger and state at the end, as a game adding every round at once.
    rules = _rules("april-2025")
    real_snapshot = State.snapshot
    real_accumulate = State._accumulate

    def snapshot(g: State) -> eco.Snapshot:
        snap = real_snapshot(g)
        if g.round >= 5:
            first = rules.player_ids[0]
            if what == "gdp_bn":
                return dataclasses.replace(snap, gdp_bn={**snap.gdp_bn, first: value})
            if what == "value":
                return dataclasses.replace(snap, value=[value, *snap.value[1:]])
            if what == "rate":
                return dataclasses.replace(snap, rate=(value, *snap.rate[1:]))
        return snap

    def accumulate(g: State, snap: eco.Snapshot, days: int) -> None:
        if g.round == 6:
            if what == "approval":
                g.approval[rules.player_ids[-1]] = value
            elif what == "relations":
                g.relations[next(iter(g.relations))] = value
        real_accumulate(g, snap, days)

    def outcome() -> tuple[str, ...]:
        rng = random.Random(2)
        game = Game.new(rules, 2)
        game.defer_round_captures()
        kept = 0
        try:
            while not game.is_over():
                _step(game, rng)
                kept = max(kept, len(game._book[1]))
        except NonFiniteError as err:
            return "error", str(err), str(len(game.actions)), str(kept > 0)
        return "end", repr(_ledger_bits(game)), str(kept > 0)

    monkeypatch.setattr(State, "snapshot", snapshot)
    monkeypatch.setattr(State, "_accumulate", accumulate)
    kept = outcome()
    with monkeypatch.context() as eager:
        _eager(eager)
        at_once = outcome()
    assert at_once[-1] == "False" and kept[-1] == "True"  # (rounds were kept before round 5)
    assert kept[:-1] == at_once[:-1]


@pytest.mark.parametrize(
    ("value_bn", "elasticity", "gdp_bn"),
    [
        (1e300, None, None),  # trade values near the float limit: no round kept
        (6e287, None, None),  # the bound about the limit: some rounds kept, some added
        (7e287, None, None),
        (1e306, None, None),  # a share of GDP overflows
        (1e150, 2.0, None),
        (None, 400.0, None),  # demand that explodes under a tariff cut
        (1e200, None, 1e-90),  # shares of a tiny GDP
        (5e-324, None, None),
    ],
)
def test_a_game_with_extreme_numbers_keeps_rounds_only_when_adding_them_at_once_agrees(
    monkeypatch: pytest.MonkeyPatch,
    value_bn: float | None,
    elasticity: float | None,
    gdp_bn: float | None,
) -> None:
    # The snapshot's bound (made from its cells' sizes, before its sums are made) decides
    # whether a round is kept: with numbers at the float limit, the same error at the same
    # move, or the same ledger and state, as a game adding every round at once.
    base = _rules("april-2025")
    rules = dataclasses.replace(
        base,
        flows=tuple(
            dataclasses.replace(f, value_bn=value_bn * (1 + n % 3)) if value_bn else f
            for n, f in enumerate(base.flows)
        ),
        sectors=tuple(
            dataclasses.replace(s, elasticity=elasticity) if elasticity else s for s in base.sectors
        ),
        players=tuple(
            dataclasses.replace(p, gdp_bn=gdp_bn) if gdp_bn and n == 1 else p
            for n, p in enumerate(base.players)
        ),
    )

    def outcome() -> tuple[str, ...]:
        results = []
        for seed in range(3):
            rng = random.Random(seed)
            game = Game.new(rules, seed)
            game.defer_round_captures()
            try:
                while not game.is_over():
                    _step(game, rng)
            except NonFiniteError as err:
                results.append(f"{seed}: {len(game.actions)} {err}")
                continue
            results.append(f"{seed}: {_ledger_bits(game)!r} {game.state_hash()}")
        return tuple(results)

    kept = outcome()
    with monkeypatch.context() as eager:
        _eager(eager)
        assert outcome() == kept


def test_a_projection_of_an_ordinary_game_keeps_its_rounds() -> None:
    # (What the test above compares: in an ordinary game, a projection keeps every round.)
    rules = _rules("april-2025")
    game = Game.new(rules, 1)
    sim = Projected.of(game, "EU")
    play_out_passing(sim)
    days = sim.ledger_days()
    assert days > 0 and sim._book[0].days == 0
    assert len(sim._book[1]) == days // rules.calendar.round_days
    assert sim.ledger.days == days and not sim._book[1]


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_game_and_a_projection_keeping_rounds_can_be_pickled(name: str) -> None:
    # The ledger's layout (getters of a player's pairs: one pair in a game of two) and the
    # rounds a projection keeps go through pickle like the rest of the state.
    rules = _rules(name)
    rng = random.Random(6)
    game = Game.new(rules, 6)
    game.defer_round_captures()  # (its rounds kept: pickled as they are)
    while game.round < 3:
        _step(game, rng)
    assert game._book[1] or game.is_over()
    again = pickle.loads(pickle.dumps(game))
    assert again.state_hash() == game.state_hash()
    assert _ledger_bits(again) == _ledger_bits(game)
    player = rules.player_ids[-1]
    sim = Projected.of(game, player)
    play_out_passing(sim)
    assert sim._book[1]
    copied = pickle.loads(pickle.dumps(sim))
    assert score(copied, player).hex() == score(sim, player).hex()
    assert _ledger_bits(copied) == _ledger_bits(sim)


def test_rounds_kept_for_one_viewer_are_added_before_another_viewers_or_everyones() -> None:
    # A projection made of a projection (another viewer), or one that is told to keep every
    # player's sums after it kept rounds, adds the rounds kept first, to the sums they were
    # kept for: the same ledger as the reference kept beside it.
    rules = _rules("april-2025")
    checked = 0
    for game in _random_states(rules, range(2), 0.08):
        first, second = rules.player_ids[0], rules.player_ids[1]
        sim = _projection(game, first, [])
        for _ in range(12):
            if sim.is_over():
                break
            _step_passing(sim)
        if not sim._book[1]:
            continue
        other = ShadowProjected.of(sim, second)
        assert isinstance(other, ShadowProjected)
        other.shadow = copy.deepcopy(sim.shadow)
        everyone = ShadowProjected.of(sim, first)
        assert isinstance(everyone, ShadowProjected)
        everyone.shadow = copy.deepcopy(sim.shadow)
        everyone.ledger_only = None
        for projection in (other, everyone):
            play_out_passing(projection)
            assert _read_one_by_one(projection) == _bits(projection.shadow)
            assert _ledger_bits(projection) == _bits(projection.shadow)
        checked += 1
    assert checked > 3, checked


def _read_from_threads(
    live: Game, want_scores: dict[str, float], want_ledger: dict[str, Any]
) -> list[tuple[str, object, object]]:
    """Two threads per player, started at once: what_if's score, or every sum one by one
    (with what each should be)."""
    ids = live.rules.player_ids
    got: list[tuple[str, object, object]] = []
    barrier = threading.Barrier(len(ids) * 2)

    def work(player: str, n: int) -> None:
        barrier.wait()
        if n % 2:
            got.append((player, live.what_if(player, []).score, want_scores[player]))
        else:
            got.append((player, _read_one_by_one(live), want_ledger))

    threads = [threading.Thread(target=work, args=(p, n)) for n, p in enumerate(ids * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got


@pytest.mark.parametrize("name", ["april-2025", "with-china"])
def test_one_game_read_from_several_threads_at_once_gives_its_ledger(name: str) -> None:
    # A game that kept its rounds (as bots' games do) adds them when its ledger is first
    # read: several threads reading it at once (what_if, scores, the ledger, sum by sum;
    # read-only calls, which never wrote a game before rounds were kept) each get the
    # ledger of a game that added every round (atk21: 15 wrong scores of 840 when the rounds
    # were taken away before the new ledger was put in their place).
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter can
    try:
        rules = _rules(name)
        ids = rules.player_ids
        for seed in range(2):
            rng = random.Random(seed)
            game = Game.new(rules, seed)
            game.defer_round_captures()
            while not game.is_over() and game.round < 6:
                _step(game, rng)
            assert game._book[1]  # rounds kept, not added yet
            blob = pickle.dumps(game)
            reference = Game.replay(rules, seed, list(game.actions))
            want_scores = {p: reference.what_if(p, []).score for p in ids}
            want_ledger = _ledger_bits(reference)
            for trial in range(15):
                live = pickle.loads(blob)
                got = _read_from_threads(live, want_scores, want_ledger)
                assert len(got) == 2 * len(ids)
                for player, value, want in got:
                    assert value == want, (name, seed, trial, player)
                assert _ledger_bits(live) == want_ledger
    finally:
        sys.setswitchinterval(old)


@pytest.mark.parametrize("name", SCENARIOS)
def test_cells_read_together_in_any_order_are_the_plain_recomputation(name: str) -> None:
    """ledger_flows of any cells together (the viewer's and others', repeated, in any
    order), at any point of a projection's play-out: each the reference sum, bit for bit."""
    rules = _rules(name)
    reads = 0
    for n, game in enumerate(_random_states(rules, range(2), 0.1)):
        rng = random.Random(n)
        cells = range(len(rules.flows))
        for player in rules.player_ids:
            sim = _projection(game, player, [])
            while True:
                if sim._book[1] or rng.random() < 0.2:
                    own = [index for index, _ in sim.tables.trade_cells[player]]
                    indexes = rng.sample(own, rng.randint(1, len(own)))
                    indexes += rng.sample(cells, rng.randint(0, 3)) + indexes[:2]
                    rng.shuffle(indexes)
                    bits = _bits(sim.shadow)
                    for value in (False, True):
                        kind = "flow_value" if value else "flow_rate"
                        got = [v.hex() for v in sim.ledger_flows(indexes, value)]
                        assert got == [bits[kind][index] for index in indexes]
                    reads += len(sim._book[1]) >= 2
                if sim.is_over():
                    break
                _step_passing(sim)
    assert reads >= 10, reads


def test_kept_rounds_are_added_for_any_runs_of_snapshots_and_days() -> None:
    """Rounds kept by hand, sharing a snapshot or not, their days equal or not (runs of any
    length): each sum read is the sum's + value × days of each round in order, as a loop
    adds them."""
    rules = _rules("april-2025")
    game = Game(rules, 0)
    snaps = [game.snapshot()]
    moves = random.Random(4)
    while len(snaps) < 4 and not game.is_over():
        _step(game, moves)
        if game.snapshot() is not snaps[-1]:
            snaps.append(game.snapshot())
    assert len(snaps) == 4
    rng = random.Random(5)
    base = Projected.of(Game(rules, 0), "US")
    led = base.ledger
    pairs = led.layout.own_pairs["US"]
    cells = range(len(rules.flows))
    for _ in range(40):
        kept = []
        snap = rng.choice(snaps)
        days = 14
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.3:
                snap = rng.choice(snaps)
            if rng.random() < 0.3:
                days = rng.choice((1, 7, 14))
            relations = tuple(rng.uniform(-100, 100) for _ in pairs)
            kept.append((days, snap, rng.uniform(0, 100), rng.uniform(0, 100), relations))
        sim = copy.copy(base)
        sim._kept_for = "US"
        sim._book = (led, tuple(kept), sum(k[0] for k in kept))
        indexes = rng.sample(cells, 12)
        for value in (False, True):
            got = sim.ledger_flows(indexes, value)
            for index, total in zip(indexes, got, strict=True):
                expected = (led.flow_value if value else led.flow_rate)[index]
                if index in sim.tables.traded["US"]:
                    for days, snap, *_ in kept:
                        expected += (snap.value if value else snap.rate)[index] * days
                assert total.hex() == expected.hex()
        for key in LEDGER_KEYS:
            expected = led.sums[led.layout.slot("US", key)]
            for days, snap, approval, credibility, _ in kept:
                own = {"approval": approval, "credibility": credibility}
                expected += (own[key] if key in own else getattr(snap, key)["US"]) * days
            assert sim.ledger_sum("US", key).hex() == expected.hex()
        for n, pair in enumerate(pairs):
            expected = led.pair_sums[led.layout.pair_position[pair]]
            for days, _, _, _, relations in kept:
                expected += relations[n] * days
            assert sim.ledger_relations(pair).hex() == expected.hex()
