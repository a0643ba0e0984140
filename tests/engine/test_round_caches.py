"""The end-of-round caches (issue 17) agree with a fresh computation, bit for bit.

Random games are played (copies and ``what_if`` projections among them) while every read of
a remembered value is checked, at the moment it is read, against the rule computed from
nothing: resolution reads these values between orders, after reneges and after a snap-back,
so checking only between moves would miss a stale entry.

- ``State.layered_rates``: the rates before deal caps and quotas, made in the same pass as
  the rates (``economy.cell_rates``), against ``economy.effective_rate`` of each cell with
  the cuts alone.
- ``economy.covered_cells``: the cells a cap item covers towards an exporter, against a scan
  of the pair's cells with ``Item.covers_sector``.
- A round's history record keeps what its snapshot is made from: read late, it is what the
  snapshot made as the round ended gives.
- ``State.settled_pairs`` (kept with the deals in force) against a scan of the deals, and
  ``news.held_talks`` (remembered per scenario) against ``talks.plan``.
- The economy's data layout: the layers' part of the rates a game keeps
  (``economy.LayerState``, worked out again plan by plan), the term index a game reuses
  while the deals in force are the same objects, its per-cell cuts, caps and quotas, and a
  snapshot's per-player sums, against computations from nothing, bit for bit (float.hex).
"""

from __future__ import annotations

import dataclasses
import pickle
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.actions import ORDER_KINDS
from tradegame.engine.projection import Projected
from tradegame.engine.rules import Item, Rules
from tradegame.engine.state import State
from tradegame.scenario import load_rules

from .test_fast_paths import _scenarios


def _fresh_layered(game: State) -> list[float]:
    """Each cell's rate before caps and quotas, from nothing: the one rate formula with a
    term index of the cuts in force alone."""
    force = [d for d in game.deals if d.status == "in_force"]
    cuts = eco.index_terms(game.rules, force, game.credibility).cell_cuts
    compiled = eco.compile_rules(game.rules)
    return [
        eco.effective_rate(
            cell,
            game.layer_rate,
            game.layer_status,
            game.layer_info,
            game.active_packages,
            compiled,
            eco.TermIndex(cell_cuts=cuts),
        )
        for cell in compiled.cells
    ]


def _play(rules: Rules, seeds: range, what_if: float, copies: float) -> Iterator[Game]:
    """Random games of ``rules``, with projections and copies played on now and then."""
    for seed in seeds:
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            yield game
            player = game.to_move()
            assert player is not None
            action = game.legal_actions(player).sample(rng)
            if rng.random() < what_if:
                game.what_if(player, [action] if action.kind in ORDER_KINDS else [])
            if rng.random() < copies:
                copy = game.copy()
                copy_rng = random.Random(rng.random())
                for _ in range(40):
                    mover = copy.to_move()
                    if mover is None:
                        break
                    copy.apply(copy.legal_actions(mover).sample(copy_rng))
                    yield copy
            game.apply(action)
        yield game


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_layered_rates_agree_with_a_fresh_computation_wherever_read(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = State.layered_rates
    checked = Counter[str]()

    def layered_rates(game: State) -> tuple[float, ...]:
        layered = real(game)
        assert list(layered) == _fresh_layered(game)  # the same floats, bit for bit
        checked["projection" if isinstance(game, Projected) else "play"] += 1
        if layered != game._current_rates():
            checked["capped"] += 1  # a cap or a quota holds a rate below its layers
        return layered

    monkeypatch.setattr(State, "layered_rates", layered_rates)
    for game in _play(rules, range(10), what_if=0.05, copies=0.02):
        # Between moves too (the cached rates of a copy, or of a state after news).
        assert list(game.layered_rates()) == _fresh_layered(game)
    assert checked["play"] > 100, checked
    if name == "april-2025":
        assert checked["projection"] > 100 and checked["capped"] > 10, checked


def _scanned_cells(game: State, item: Item, exporter: str) -> tuple[int, ...]:
    return tuple(
        c.index
        for c in game.tables.pair_cells[(item.owner, exporter)]
        if item.covers_sector(c.sector)
    )


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_covered_cells_are_the_pair_cells_the_item_covers(name: str, rules: Rules) -> None:
    game = Game.new(rules, 0)
    for item in rules.items:
        for exporter in rules.player_ids:
            if exporter != item.owner:
                assert eco.covered_cells(rules, item, exporter) == _scanned_cells(
                    game, item, exporter
                )


def test_caps_are_broken_in_random_games() -> None:
    # The cap check must be exercised: some random games raise a tariff above a cap.
    rules = load_rules("april-2025")
    broken = 0
    for seed in range(40):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
        broken += sum("cap)" in e.text and "reneges" in e.text for e in game.log)
    assert broken > 0


class _Eager(Game):
    """A game that keeps each round's snapshot itself, made as the round ends (as the
    records were kept before they kept only what a snapshot is made from)."""

    def _record_history(self) -> None:
        self._historybook[1].append(
            (
                self.round,
                self.day,
                dict(self.approval),
                dict(self.credibility),
                self.stress,
                self.snapshot(),
            )
        )


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_history_read_late_is_the_history_of_snapshots_made_as_rounds_end(
    name: str, rules: Rules
) -> None:
    # A round's record keeps what its snapshot is made from, and makes it when history is
    # first read: read at the end of the game it must be what the snapshots made as each
    # round ended give (after the snap-back, after politics moved a pledger's credibility).
    lazy_snapshots = 0
    for seed in range(8):
        rng = random.Random(seed)
        eager = Game.new(rules, seed)
        eager.__class__ = _Eager
        late = Game.new(rules, seed)
        while not eager.is_over():
            player = eager.to_move()
            assert player is not None
            action = eager.legal_actions(player).sample(rng)
            eager.apply(action)
            late.apply(action)
        lazy_snapshots += sum(not isinstance(r[5], eco.Snapshot) for r in late._historybook[1])
        assert late.history == eager.history
        assert late.state_hash() == eager.state_hash()
    assert lazy_snapshots > 0


def test_settled_pairs_and_held_talks_agree_with_a_fresh_look(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pairs with a substantive deal in force (kept with the list of deals in force) and
    # the talks the News phase counts on (remembered per scenario by the event talks and
    # requests) are checked wherever read, in play, copies and projections.
    from tradegame.engine.phases import news, talks

    real_settled, real_held = State.settled_pairs, news.held_talks
    checked = Counter[str]()

    def settled_pairs(game: State) -> frozenset[tuple[str, str]]:
        pairs = real_settled(game)
        assert pairs == {
            tuple(sorted(d.parties))
            for d in game.deals
            if d.status == "in_force"
            and not d.unilateral
            and any(game.rules.item(t.item).kind != "process" for t in d.terms)
        }
        checked["settled" if pairs else "none"] += 1
        return pairs

    def held_talks(game: State, ev: object, talks_round: int) -> frozenset[tuple[str, str]]:
        held = real_held(game, ev, talks_round)  # type: ignore[arg-type]
        event_talks, requests = list(game.event_talks), list(game.requests)
        for e in getattr(ev, "effects", ()):
            if e.kind == "schedule_talks":
                event_talks.append((e.pair, e.level, e.requester))
            elif e.kind == "cancel_talks":
                key = tuple(sorted(e.pair))
                event_talks = [t for t in event_talks if tuple(sorted(t[0])) != key]
                requests = [r for r in requests if tuple(sorted(r[:2])) != key]
        fresh = {k for k, _, _, h in talks.plan(game, talks_round, event_talks, requests) if h}
        assert held == fresh
        checked["held"] += 1
        # (remembered by the round alone when nothing is asked for, else with what is)
        checked["asked" if event_talks or requests else "nothing asked"] += 1
        return held

    monkeypatch.setattr(State, "settled_pairs", settled_pairs)
    monkeypatch.setattr(news, "held_talks", held_talks)
    for name in ("april-2025", "with-china"):
        for game in _play(load_rules(name), range(6), what_if=0.05, copies=0.02):
            game.settled_pairs()
    assert checked["settled"] > 50 and checked["none"] > 50 and checked["held"] > 20, checked
    assert checked["asked"] > 5 and checked["nothing asked"] > 5, checked


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_the_talks_planned_agree_with_a_fresh_plan(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # talks.planned (talks.plan remembered per scenario by round, event talks and requests)
    # gives what a fresh talks.plan gives, wherever the Talks phase begins: in play, copies
    # and projections (their passive tails), with and without talks asked for.
    from tradegame.engine.phases import talks

    real = talks.planned
    checked = Counter[str]()

    def planned(
        game: State,
        round_: int,
        event_talks: list[tuple[tuple[str, str], str, str | None]],
        requests: list[tuple[str, str, str]],
    ) -> tuple[talks.Planned, ...]:
        known = real(game, round_, event_talks, requests)
        assert known == tuple(talks.plan(game, round_, list(event_talks), list(requests)))
        checked["asked" if event_talks or requests else "nothing asked"] += 1
        checked["held" if any(held for *_, held in known) else "none held"] += 1
        return known

    monkeypatch.setattr(talks, "planned", planned)
    for _ in _play(rules, range(4), what_if=0.1, copies=0.02):
        pass  # (each step plays on: the phase begins where it begins)
    assert checked["asked"] > 5 and checked["nothing asked"] > 20, checked
    assert checked["held"] > 5 and checked["none held"] > 20, checked


def test_a_round_capture_keeps_each_pledge_as_it_was() -> None:
    # A round's capture keeps the pledges and only the fields of each that change later
    # (triggered, settled, trigger: the last fields of a Pledge); settling a pledge after
    # the round must not change that round's hash.
    import dataclasses

    from tradegame.engine.records import Pledge
    from tradegame.engine.state import _PLEDGE_CHANGING

    # (Its owner, the last field, is no part of the state: see records, copy on write.)
    names = [f.name for f in dataclasses.fields(Pledge) if f.name != "owner"]
    assert tuple(names[-len(_PLEDGE_CHANGING) :]) == _PLEDGE_CHANGING
    rules = load_rules("april-2025")
    for seed in range(20):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over() and not any(not p.settled for p in game.pledges):
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
        if game.is_over() or not game._unhashed_states:
            continue
        rounds = game.round
        while game.round == rounds and not game.is_over():
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
        copy = game.copy()
        hashes = copy.round_hashes  # hashed before anything changes
        for p in game.pledges:
            p.settled, p.triggered, p.trigger = True, 99, "escalation"
        assert game.round_hashes == hashes
        return
    raise AssertionError("no random game made a pledge")


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_deferred_round_captures_hash_as_the_captures_made_as_rounds_end(
    name: str, rules: Rules
) -> None:
    # A game that defers its round captures (bots' games, agents.base.play_match) replays
    # its actions when round_hashes is read: the hashes are those of a game that captured
    # each round as it ended, read now and then during the game (so deferred rounds follow
    # hashed ones), and in a copy played on.
    for seed in range(5):
        rng = random.Random(seed)
        eager = Game.new(rules, seed)
        deferred = Game.new(rules, seed)
        deferred.defer_round_captures()
        while not eager.is_over():
            player = eager.to_move()
            assert player is not None
            action = eager.legal_actions(player).sample(rng)
            eager.apply(action)
            deferred.apply(action)
            assert not deferred._unhashed_states  # nothing captured while playing
            if rng.random() < 0.01:
                assert deferred.round_hashes == eager.round_hashes
            if rng.random() < 0.005:
                copy, twin = deferred.copy(), eager.copy()
                copy_rng = random.Random(seed + 1)
                while not copy.is_over():
                    mover = copy.to_move()
                    assert mover is not None
                    move = copy.legal_actions(mover).sample(copy_rng)
                    copy.apply(move)
                    twin.apply(move)
                assert copy.round_hashes == twin.round_hashes
        assert deferred._round_marks
        assert deferred.round_hashes == eager.round_hashes
        assert not deferred._round_marks
        assert deferred.state_hash() == eager.state_hash()


def test_play_match_defers_its_round_captures() -> None:
    from tradegame.agents.base import play_match

    rules = load_rules("april-2025")
    seats = dict.fromkeys(rules.player_ids, "random")
    game = play_match(rules, 3, seats)
    assert game._round_marks and not game._unhashed_states
    assert game.round_hashes == Game.replay(rules, 3, game.actions).round_hashes


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_snapshots_agree_with_one_made_from_nothing(name: str, rules: Rules) -> None:
    # The snapshot of every state (copies and projections played among them) against one
    # made from a fresh term index (whose received amounts are not yet made) with the cells'
    # memory emptied: the same floats, bit for bit.
    memos = eco.compile_rules(rules).cell_memos
    costly = 0
    for game in _play(rules, range(6), what_if=0.03, copies=0.02):
        snap = game.snapshot()
        force = [d for d in game.deals if d.status == "in_force"]
        fresh_terms = eco.index_terms(rules, force, game.credibility)
        assert fresh_terms.received is None
        kept = [dict(memo) for memo in memos]
        for memo in memos:
            memo.clear()
        assert snap == eco.snapshot(
            rules, tuple(game.rates()), fresh_terms, set(game.active_packages)
        )
        for memo, entries in zip(memos, kept, strict=True):
            memo.update(entries)
        costly += any(
            pkg in game.active_packages for _, pkg, _ in eco.compile_rules(rules).package_costs
        )
    if name == "april-2025":
        assert costly > 0  # a countermeasure that costs GDP was active


# ---------------------------------------------------------------- the economy's data layout


def _bits(value: object) -> object:
    """``value`` with every float as its hex form (so == compares bit for bit)."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, dict):
        return {k: _bits(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_bits(v) for v in value]
    return value


def _compared(terms: eco.TermIndex) -> dict[str, object]:
    """The fields of a term index that its equality compares (not what is kept on it)."""
    return {f.name: getattr(terms, f.name) for f in dataclasses.fields(terms) if f.compare}


def _in_force_deals(game: State) -> list[object]:
    return [d for d in game.deals if d.status == "in_force"]


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_layer_state_and_rates_agree_with_a_fresh_computation_wherever_made(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A game keeps the layers' part of its rates (economy.LayerState) and works out again
    # only the plans of the layers that changed; the rates add the terms and packages to it
    # for the cells they touch. Wherever the rates are read (between orders, after news,
    # reneges, a snap-back; in copies and projections), the layer state made from the one
    # the game holds, and the rates, are those made from nothing, bit for bit.
    compiled = eco.compile_rules(rules)
    real = State._current_rates
    seen = Counter[str]()

    def current_rates(game: State) -> tuple[float, ...]:
        known = game._layers
        rates = real(game)
        fresh_layers = eco.layer_state(
            compiled, None, game.layer_rate, game.layer_status, game.active_packages
        )
        kept = eco.layer_state(
            compiled, game._layers, game.layer_rate, game.layer_status, game.active_packages
        )
        assert _bits(kept.plain) == _bits(fresh_layers.plain)
        assert _bits(kept.in_force) == _bits(fresh_layers.in_force)
        seen["same" if kept is game._layers else "updated"] += known is not None
        terms = eco.index_terms(rules, _in_force_deals(game), game.credibility)  # type: ignore[arg-type]
        layered: list[float] = []
        fresh = eco.all_rates(
            compiled, game.layer_rate, game.layer_status, game.active_packages, terms, layered
        )
        assert _bits(rates) == _bits(fresh)
        assert _bits(game._layered) == _bits(layered)
        seen["touched"] += bool(terms.touched)
        return rates

    monkeypatch.setattr(State, "_current_rates", current_rates)
    for game in _play(rules, range(8), what_if=0.03, copies=0.02):
        game._current_rates()
    assert seen["same"] > 100 and seen["updated"] > 20, seen
    if name == "april-2025":
        assert seen["touched"] > 100, seen


@pytest.mark.parametrize("keys", [(), ("a",), ("a", "b"), ("a", "b", "c")])
def test_a_layer_table_is_read_in_layer_order_whatever_its_own(keys: tuple[str, ...]) -> None:
    # economy.layer_state reads the layers' rates and status through Compiled.layer_values:
    # each table's values in layer order (a table made in another order, a loaded one say,
    # or with more keys, is read by key), a tuple for any number of layers, and picklable
    # as the tables are.
    getter = eco._mapping_getter(keys)
    table = {"other": -1} | {key: n for n, key in enumerate(reversed(keys))}
    expected = tuple(table[key] for key in keys)
    assert getter(table) == expected
    assert pickle.loads(pickle.dumps(getter))(table) == expected


def _scanned_cell_terms(game: State) -> dict[str, dict[int, list[object]]]:
    """The cuts, caps and quotas on each cell, from a scan of the deal terms in force: a
    cut or cap of an importer covers its partner's cells of the sectors the item covers;
    a quota its one trade."""
    out: dict[str, dict[int, list[object]]] = {"cut": {}, "cap": {}, "quota": {}}
    rules = game.rules
    cells = eco.compile_rules(rules).cells
    for deal in _in_force_deals(game):
        for t in deal.terms:  # type: ignore[attr-defined]
            item = rules.item(t.item)
            partner = deal.other(item.owner)  # type: ignore[attr-defined]
            for c in cells:
                if c.importer != item.owner or c.exporter != partner:
                    continue
                if item.kind in ("tariff_cut", "tariff_cap") and item.covers_sector(c.sector):
                    out[item.kind[7:]].setdefault(c.index, []).append(t.value)
                elif item.kind == "quota" and item.sector == c.sector:
                    out["quota"].setdefault(c.index, []).append((t.value, item.in_quota_rate))
    return out


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_term_index_kept_across_invalidations_agrees_with_a_fresh_one(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The game reuses the term index it made last while the deals in force are the very
    # same objects: after a layer moved it is not even forgotten (State._layers_changed), and
    # after other invalidations it is taken again; the index's cuts, caps and quotas are
    # kept per cell. Wherever read, the index is a fresh one's, bit for bit, and its
    # per-cell terms are those a scan of the deals finds.
    real, real_layers_changed = State.terms, State._layers_changed
    seen = Counter[str]()
    moved: dict[int, tuple[State, eco.TermIndex | None]] = {}  # by id, the game kept alive

    def layers_changed(game: State) -> None:
        real_layers_changed(game)
        moved[id(game)] = (game, game._terms)

    def terms(game: State) -> eco.TermIndex:
        reused = game._terms is None and game._terms_made is not None
        made = game._terms_made
        after_move = moved.pop(id(game), (None, None))
        got = real(game)
        fresh = eco.index_terms(rules, _in_force_deals(game), game.credibility)  # type: ignore[arg-type]
        assert _bits(_compared(got)) == _bits(_compared(fresh))
        assert got.touched == fresh.touched
        scanned = _scanned_cell_terms(game)
        assert _bits(got.cell_cuts) == _bits(scanned["cut"])
        assert _bits(got.cell_caps) == _bits(scanned["cap"])
        assert _bits(got.cell_quotas) == _bits(scanned["quota"])
        assert got.touched == tuple(sorted({k for v in scanned.values() for k in v}))
        if after_move[0] is game and after_move[1] is not None and got is after_move[1]:
            seen["kept across a layer move"] += 1
        elif reused and got is made:
            seen["reused"] += 1
        else:
            seen["made"] += 1
        return got

    monkeypatch.setattr(State, "terms", terms)
    monkeypatch.setattr(State, "_layers_changed", layers_changed)
    for game in _play(rules, range(8), what_if=0.03, copies=0.02):
        game.terms()
    assert seen["reused"] + seen["kept across a layer move"] > 10, seen
    assert seen["made"] > 10, seen


def _reference_snapshot(game: State) -> dict[str, object]:
    """A snapshot's per-player sums made as one loop over the cells in cell order, each cell
    from nothing (economy.cell_effects at its terms), as the game made them before it kept
    each player's cells: what the snapshot must give, bit for bit."""
    rules = game.rules
    compiled = eco.compile_rules(rules)
    terms = eco.index_terms(rules, _in_force_deals(game), game.credibility)  # type: ignore[arg-type]
    ids = list(rules.player_ids)
    gdp, revenue, consumer, pains = ([0.0] * len(ids) for _ in range(4))
    values = []
    rates = game._current_rates()
    for cell in compiled.cells:
        fx = 1.0 + terms.currency.get(cell.exporter, 0.0) if terms.currency else 1.0
        boost = terms.boosts.get(cell.flow_key, 0.0) if terms.boosts else 0.0
        bought = terms.purchases.get(cell.flow_key) if terms.purchases else None
        value, rev, cost, export_effect, substituted, net_cost, e_pain, i_pain = eco.cell_effects(
            cell, rates[cell.index], fx, boost, bought, rules.economy
        )
        e, i = ids.index(cell.exporter), ids.index(cell.importer)
        values.append(value)
        revenue[i] += rev
        consumer[i] += cost
        gdp[e] += export_effect
        if substituted is not None:
            gdp[i] += substituted
        gdp[i] -= net_cost
        if e_pain is not None:
            pains[e] -= e_pain
        if i_pain is not None:
            pains[i] += i_pain
    return {"value": values, "revenue": revenue, "consumer": consumer, "gdp": gdp, "pain": pains}


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_snapshot_sums_per_player_are_those_of_one_loop_over_the_cells(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A snapshot looks each cell up by its inputs (the cells a currency, boost or purchase
    # term changes are kept on the term index) and makes each player's sums over its own
    # cells: the same floats as one loop over every cell, bit for bit, wherever read.
    real = State.snapshot
    seen = Counter[str]()

    def snapshot(game: State) -> eco.Snapshot:
        snap = real(game)
        ref = _reference_snapshot(game)
        ids = list(game.rules.player_ids)
        assert _bits(snap.value) == _bits(ref["value"])
        assert _bits([snap.revenue[p] for p in ids]) == _bits(ref["revenue"])
        assert _bits([snap.consumer_cost[p] for p in ids]) == _bits(ref["consumer"])
        if not game.terms().investment and not game.terms().cost_sharing:
            if not any(p in game.active_packages for _, p, _ in game.tables.compiled.package_costs):
                assert _bits([snap.gdp_bn[p] for p in ids]) == _bits(ref["gdp"])
                seen["gdp"] += 1
        terms = game.terms()
        scanned = []
        for cell in game.tables.compiled.cells:
            fx = 1.0 + terms.currency.get(cell.exporter, 0.0) if terms.currency else 1.0
            boost = terms.boosts.get(cell.flow_key, 0.0) if terms.boosts else 0.0
            bought = terms.purchases.get(cell.flow_key) if terms.purchases else None
            if not (fx == 1.0 and boost == 0.0 and bought is None):
                scanned.append((cell.index, (fx, boost, bought)))
        assert _bits(eco._termed_cells(game.tables.compiled, terms)) == _bits(scanned)
        seen["termed" if scanned else "plain"] += 1
        return snap

    monkeypatch.setattr(State, "snapshot", snapshot)
    for game in _play(rules, range(6), what_if=0.03, copies=0.02):
        game.snapshot()
    assert seen["plain"] > 50 and seen["gdp"] > 50, seen
    if name == "april-2025":
        assert seen["termed"] > 50, seen


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_the_entries_remembered_by_rates_are_each_cells_from_nothing(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # economy.snapshot remembers, by the rates tuple itself, every cell's entry at its rate
    # alone (no term) and their pain sums. Wherever a snapshot is made (copies and
    # projections played among them), what is remembered for its rates is each cell's
    # entry made from nothing (cell_effects at the rate, no term), and the sums of those,
    # bit for bit; and the snapshot is the one made with nothing remembered.
    compiled = eco.compile_rules(rules)
    params = rules.economy
    real = eco.snapshot
    seen = Counter[str]()

    def snapshot(
        rules_: Rules, rates: Any, terms: eco.TermIndex, active: Any, remember: bool = False
    ) -> eco.Snapshot:
        if not remember:  # (a game's: nothing remembered by its rates)
            seen["not remembered"] += 1
            return real(rules_, rates, terms, active)
        assert type(rates) is tuple  # (a state's rates: remembered by the tuple)
        known = compiled.rate_entries.get(id(rates))
        seen["remembered" if known is not None and known[0] is rates else "new"] += 1
        snap = real(rules_, rates, terms, active, remember)
        known = compiled.rate_entries[id(rates)]
        assert known[0] is rates
        fresh = tuple(
            eco._cell_entry(rate, eco.cell_effects(cell, rate, 1.0, 0.0, None, params))
            for cell, rate in zip(compiled.cells, rates, strict=True)
        )
        assert _bits(known[1]) == _bits(fresh)
        if known[2] is not None:
            assert _bits(known[2]) == _bits(compiled.pain_sums.add(fresh))
            seen["sums"] += 1
        seen["termed"] += bool(terms.termed)
        # The same snapshot from rates seen nowhere (a new tuple) and no cell remembered.
        memos = [dict(memo) for memo in compiled.cell_memos]
        for memo in compiled.cell_memos:
            memo.clear()
        assert snap == real(rules_, tuple(list(rates)), terms, set(active), remember)
        for memo, entries in zip(compiled.cell_memos, memos, strict=True):
            memo.clear()
            memo.update(entries)
        return snap

    monkeypatch.setattr(eco, "snapshot", snapshot)
    for game in _play(rules, range(3), what_if=0.2, copies=0.02):
        game.snapshot()
    assert seen["remembered"] > 5 and seen["new"] > 10 and seen["sums"] > 10, seen
    if name == "april-2025":
        assert seen["remembered"] > 20 and seen["termed"] > 10, seen
