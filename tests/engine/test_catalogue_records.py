"""The catalogue a view shows is remembered (its list by who looks and the items on the table,
each entry's JSON of immutable values), and must be what the rule makes from nothing.

- At steps of random games of every bundled scenario, for every player, a spectator and the
  instructor: the catalogue equals the one made with every memo of it emptied, and each
  entry's JSON equals the JSON written out from the entry's fields, in the same key order.
- What a caller is handed is its own: a list, dicts and lists it may change without changing
  what the next caller is handed.
"""

from __future__ import annotations

import copy
import pickle
import random
from functools import cache
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.engine.rules import Rules
from tradegame.engine.view import (
    SPECTATOR,
    CatalogueEntry,
    Viewer,
    _catalogue,
    _catalogue_entries,
    _catalogue_lists,
    build_sections,
)
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


def _written_out(entry: CatalogueEntry) -> dict[str, Any]:
    """An entry's JSON from its fields: the rule, as to_json wrote it before it was kept."""
    out: dict[str, Any] = {
        "id": entry.id,
        "owner": entry.owner,
        "kind": entry.kind,
        "name": entry.name,
        "to": entry.to if isinstance(entry.to, str) else list(entry.to),
        "available": entry.available,
        "description": entry.description,
        "levels": list(entry.levels),
    }
    if entry.red_line:
        out["red_line"] = True
    if entry.political_cost is not None:
        out["political_cost"] = list(entry.political_cost)
    if entry.political_gain is not None:
        out["political_gain"] = list(entry.political_gain)
    return out


def _from_nothing(game: Game, viewer: Viewer) -> list[CatalogueEntry]:
    rules = game.rules
    kept_lists, kept_entries = dict(_catalogue_lists(rules)), dict(_catalogue_entries(rules))
    _catalogue_lists(rules).clear()
    _catalogue_entries(rules).clear()
    try:
        return _catalogue(game, viewer)
    finally:  # the memos as they were, for the next step to read them
        _catalogue_lists(rules).update(kept_lists)
        _catalogue_entries(rules).update(kept_entries)


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_catalogue_kept_is_the_catalogue_made_from_nothing(name: str) -> None:
    rules = _rules(name)
    viewers: list[Viewer] = [*rules.player_ids, SPECTATOR, None]
    checked = 0
    for seed in range(2):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            if rng.random() < 0.3:
                # As the game has it, and with another set of items on the table (news
                # takes items off and puts them on).
                on_table = game.available_items
                others = frozenset(i.id for i in rules.items if rng.random() < 0.5)
                for viewer, available in [(v, a) for a in (on_table, others) for v in viewers]:
                    game.available_items = available
                    kept = _catalogue(game, viewer)
                    fresh = _from_nothing(game, viewer)
                    assert kept == fresh
                    for a, b in zip(kept, fresh, strict=True):
                        made, want = a.to_json(), _written_out(b)
                        assert made == want and list(made) == list(want)
                        assert a.to_json() == want  # (the JSON kept, read again)
                    checked += 1
                game.available_items = on_table
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
    assert checked > 20


def test_what_a_caller_is_handed_is_its_own() -> None:
    rules = _rules("april-2025")
    game = Game.new(rules, 0)
    player = rules.player_ids[0]
    first = build_sections(game, player, ["catalogue"])["catalogue"]
    want = copy.deepcopy(first)
    for entry in first:
        for value in entry.values():
            if isinstance(value, list):
                value.append("edited")
        entry["id"] = "edited"
    first.pop()
    records = _catalogue(game, player)
    records.pop()
    assert build_sections(game, player, ["catalogue"])["catalogue"] == want
    assert len(_catalogue(game, player)) == len(want)


def test_an_entry_pickles_and_copies_whether_its_json_was_made_or_not() -> None:
    rules = _rules("april-2025")
    game = Game.new(rules, 0)
    for entry in _catalogue(game, rules.player_ids[0]):
        for _ in range(2):  # before and after its JSON is kept
            for again in (pickle.loads(pickle.dumps(entry)), copy.deepcopy(entry)):
                assert again == entry and again.to_json() == _written_out(entry)
            entry.to_json()
