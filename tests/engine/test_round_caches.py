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
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator

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
    cuts = eco.index_terms(game.rules, force, game.credibility).cuts
    compiled = eco.compile_rules(game.rules)
    return [
        eco.effective_rate(
            cell,
            game.layer_rate,
            game.layer_status,
            game.layer_info,
            game.active_packages,
            compiled,
            eco.TermIndex(cuts=cuts),
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
        self._unread_history.append(
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
        lazy_snapshots += sum(not isinstance(r[5], eco.Snapshot) for r in late._unread_history)
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
        return held

    monkeypatch.setattr(State, "settled_pairs", settled_pairs)
    monkeypatch.setattr(news, "held_talks", held_talks)
    for name in ("april-2025", "with-china"):
        for game in _play(load_rules(name), range(6), what_if=0.05, copies=0.02):
            game.settled_pairs()
    assert checked["settled"] > 50 and checked["none"] > 50 and checked["held"] > 20, checked


def test_a_round_capture_keeps_each_pledge_as_it_was() -> None:
    # A round's capture keeps the pledges and only the fields of each that change later
    # (triggered, settled, trigger: the last fields of a Pledge); settling a pledge after
    # the round must not change that round's hash.
    import dataclasses

    from tradegame.engine.records import Pledge
    from tradegame.engine.state import _PLEDGE_CHANGING

    names = [f.name for f in dataclasses.fields(Pledge)]
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
