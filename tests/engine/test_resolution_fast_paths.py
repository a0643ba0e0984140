"""Resolution's shortcuts (issue 17) change nothing: each is checked, wherever resolution
takes it, against the rule as written without it, in random games of every bundled scenario
with copies and ``what_if`` projections (which resolve rounds of their own) among them.

- ``_check_caps_kept`` returns at once when no capped cell's layered rate has risen: the
  full scan of every cap, run on a copy of the state, breaks no deal and changes nothing.
- The rises that count against an importer (``resolve``): those found by scanning every
  mover's import cells, as the rule reads, are the ones resolution found.
- Orders find their rule by their exact class (``_ORDER_RULES``): an order of a subclass,
  pushed unchecked, still resolves (and moves) as its class, as an isinstance chain did.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.actions import ORDER_KINDS
from tradegame.engine.phases import resolution
from tradegame.engine.records import RATE_EPS
from tradegame.engine.state import State
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _scan_caps(g: State, before: dict[int, float]) -> None:
    """``_check_caps_kept`` as the rule is written: every cap of every deal in force or
    reneged, every covered cell read again after each renege (no shortcut)."""
    rules = g.rules
    for deal in [d for d in g.deals if d.status in ("in_force", "reneged")]:
        for kind, importer, exporter, cap, item in eco.deal_entries(rules, deal):
            if kind != "tariff_cap":
                continue
            if not g.orders[importer] or not resolution._can_break(g, deal, importer):
                continue
            for index in eco.covered_cells(rules, item, exporter):
                old = before.get(index)
                if old is None:
                    continue
                new = g.layered_rates()[index]
                if new > old + RATE_EPS and new > cap + RATE_EPS:
                    resolution._void(g, deal, importer, "a tariff above the agreed cap")
                    break
            if importer in deal.reneged_by:
                break


def _play(rules: Any, seeds: range) -> None:
    for seed in seeds:
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            action = game.legal_actions(player).sample(rng)
            if rng.random() < 0.05:
                game.what_if(player, [action] if action.kind in ORDER_KINDS else [])
            game.apply(action)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_cap_check_shortcut_breaks_nothing_the_full_scan_would(
    scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = resolution._check_caps_kept
    seen = Counter[str]()

    def check(g: State, before: dict[int, float]) -> None:
        layered = g.layered_rates()
        risen = any(layered[i] > old + RATE_EPS for i, old in before.items())
        seen["risen" if risen else "shortcut" if before else "nothing capped"] += 1
        scanned = g.copy()
        _scan_caps(scanned, before)  # the full scan, on a copy
        real(g, before)
        assert [d.to_json() for d in g.deals] == [d.to_json() for d in scanned.deals]
        assert g.credibility == scanned.credibility
        assert g.relations == scanned.relations
        if any(d.status == "reneged" and d.ended_round == g.round for d in g.deals):
            seen["broken"] += 1

    monkeypatch.setattr(resolution, "_check_caps_kept", check)
    _play(load_rules(scenario), range(8))
    if scenario == "april-2025":
        assert seen["shortcut"] > 20 and seen["risen"] > 5 and seen["broken"] > 0, seen


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_rises_resolution_counts_are_each_movers_import_cells_that_rose(
    scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolution passes the cells that rose to politics: compare them with a scan of each
    mover's import cells between the rates as the round began and after the orders."""
    real_update = resolution.politics.update
    real_resolve = resolution.resolve
    seen = Counter[str]()
    expected: list[set[int]] = []

    def resolve(g: State) -> None:
        movers = {
            p
            for p, orders in g.orders.items()
            if any(o.kind in ("set_tariff", "countermeasure", "renege") for o in orders)
        }
        scanned = g.copy()
        before = scanned._current_rates()
        for p in scanned._ids:
            for order in scanned.orders[p]:
                resolution._ORDER_RULES[type(order)](scanned, order, set())
        scanned._invalidate()
        after = scanned._current_rates()
        expected.append(
            {
                index
                for mover in movers
                for index, _ in scanned.tables.import_cells[mover]
                if after[index] > before[index] + RATE_EPS
            }
        )
        real_resolve(g)

    def update(g: State, snap: Any, raised_against: Any, raised_cells: set[int]) -> None:
        want = expected.pop()
        assert raised_cells == want
        seen["rose" if want else "none"] += 1
        real_update(g, snap, raised_against, raised_cells)

    monkeypatch.setattr(resolution, "resolve", resolve)
    monkeypatch.setattr(resolution.politics, "update", update)
    from tradegame.engine import machine

    monkeypatch.setattr(machine.resolution, "resolve", resolve)
    _play(load_rules(scenario), range(6))
    assert not expected
    if scenario == "april-2025":
        assert seen["rose"] > 10, seen


def test_an_order_of_a_subclass_pushed_unchecked_resolves_as_its_class() -> None:
    """Resolution finds an order's rule by its exact class; an instance of a subclass (only
    an unchecked push can bring one) still gets its class's rule, as an isinstance chain
    gave it, and counts as a mover."""
    from tradegame.engine.actions import Countermeasure, Renege, SetTariff

    rules = load_rules("april-2025")
    subclasses = {
        cls: type(f"My{cls.__name__}", (cls,), {"__slots__": ()})
        for cls in (SetTariff, Countermeasure, Renege)
    }
    checked = Counter[str]()
    for seed in range(30):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            action = game.legal_actions(player).sample(rng)
            sub = subclasses.get(type(action))
            if sub is not None:
                fields = {name: getattr(action, name) for name in action.__dataclass_fields__}
                fields.pop("kind", None)
                twin = game.copy()
                game.push(action)
                twin.push(sub(**fields))
                # Play both to the end of the round with the same moves.
                while game.round == twin.round and not game.is_over():
                    mover = game.to_move()
                    assert mover is not None
                    move = game.legal_actions(mover).sample(rng)
                    game.push(move)
                    twin.push(move)
                assert twin.layer_rate == game.layer_rate
                assert twin.active_packages == game.active_packages
                assert twin.relations == game.relations
                assert twin.credibility == game.credibility
                assert [d.to_json() for d in twin.deals] == [d.to_json() for d in game.deals]
                assert [e.text for e in twin.log] == [e.text for e in game.log]
                checked[type(action).__name__] += 1
                continue
            game.push(action)
    assert checked["SetTariff"] > 5 and checked["Countermeasure"] > 5, checked


def _countermeasure_as_written(g: State, a: Any) -> None:
    """An activation's breaks as the rule reads: every term of every deal the player can
    break, its item looked up (no table of the items that suspend a package)."""
    rules = g.rules
    for deal in resolution._breakable(g, a.player):
        for t in deal.terms:
            item = rules.item(t.item)
            if (
                item.kind == "suspend_countermeasures"
                and item.package == a.package
                and item.owner == a.player
            ):
                resolution._void(g, deal, a.player, "activating suspended countermeasures")
                break


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_an_activation_breaks_the_deals_the_rule_as_written_breaks(
    scenario: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_countermeasure`` finds the deals an activation breaks through the items that
    suspend each package (``_suspending_items``): the same deals, credibility and relations
    as the scan of every term, run on a copy, in random games of every bundled scenario."""
    from tradegame.engine.actions import Countermeasure

    real = resolution._ORDER_RULES[Countermeasure]
    seen = Counter[str]()

    def check(g: State, a: Any, raised_against: set[tuple[str, str]]) -> None:
        scanned = g.copy()
        real(g, a, raised_against)
        if a.activate:
            _countermeasure_as_written(scanned, a)
            assert [d.to_json() for d in g.deals] == [d.to_json() for d in scanned.deals]
            assert g.credibility == scanned.credibility
            broken = sum(
                d.status == "reneged" and d.ended_round == g.round and a.player in d.reneged_by
                for d in g.deals
            )
            seen["broke" if broken else "activated"] += 1

    monkeypatch.setitem(resolution._ORDER_RULES, Countermeasure, check)
    _play(load_rules(scenario), range(12))
    if scenario == "april-2025":
        assert seen["broke"] > 0 and seen["activated"] > 5, seen
