"""A caller that changes what the engine hands it (a copy of the game, a view, a glance,
its JSON, the history) must change nothing anyone else sees: not the game it came from, not
another player's view, not a later view of its own (issue 17's caches share records).

The containers reachable from a copy are vandalised. A copy's deals, sessions and pledges are
shared with its game copy on write (records.py, tests/engine/test_copy_on_write.py): their
fields are the engine's to set, through a game's actions, and are read-only to callers
(docs/bots-and-tournaments.md), so no scalar field is set here.

Each test mutates everything mutable it can reach in what it was handed, then compares the
real game's observables with a game replayed afresh from the same actions.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.legal import LegalActions
from tradegame.engine.projection import RNG_STATES
from tradegame.engine.tables import tables_of
from tradegame.engine.view import SECTIONS, build_sections
from tradegame.scenario import load_rules

SCENARIOS = ["april-2025", "with-china", "china-lesson", "classroom-lesson", "us-japan-primer"]


def _vandalise(value: Any, depth: int = 0) -> None:
    """Change every list, dict and set reachable from ``value`` (dataclass fields, plain
    attributes, containers), a few levels deep."""
    if depth > 6:
        return
    if isinstance(value, list):
        for v in list(value):
            _vandalise(v, depth + 1)
        for i in range(len(value)):
            if isinstance(value[i], (int, float)) and not isinstance(value[i], bool):
                value[i] = 1e9
        value.append("vandal")
    elif isinstance(value, dict):
        for k, v in list(value.items()):
            _vandalise(v, depth + 1)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                value[k] = 1e9
        value["vandal"] = 1e9
    elif isinstance(value, set):
        value.add("vandal")
    elif isinstance(value, tuple):
        for v in value:
            _vandalise(v, depth + 1)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _vandalise(getattr(value, name), depth + 1)


def _observables(game: Game) -> tuple[Any, ...]:
    ids = game.rules.player_ids
    return (
        game.state_hash(),
        game.round_hashes,
        repr(game.history),
        [repr(game.view(p).to_json()) for p in ids],
        repr(game.view(None).to_json()),
        [repr(game.glance(p)) for p in ids],
        [repr(build_sections(game, p, sorted(SECTIONS))) for p in ids],
    )


def _played(name: str, seed: int, moves: int) -> Game:
    rules = load_rules(name)
    game = Game.new(rules, seed)
    rng = random.Random(seed)
    for _ in range(moves):
        player = game.to_move()
        if player is None:
            break
        game.apply(game.legal_actions(player).sample(rng))
    return game


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_vandalised_copy_changes_nothing_of_the_original(name: str) -> None:
    game = _played(name, 7, 60)
    copy = game.copy()
    _vandalise(copy.history)
    _vandalise(copy.view(None))
    # Every public attribute of the copy (the ledger included; the scenario's rules and
    # tables are shared by every game of it, like the scenario file).
    for attribute in list(vars(copy)):
        if not attribute.startswith("_") and attribute not in ("rules", "tables"):
            _vandalise(getattr(copy, attribute))
    fresh = Game.replay(game.rules, game.seed, game.actions)
    assert _observables(game) == _observables(fresh)


@pytest.mark.parametrize("name", SCENARIOS)
def test_what_a_player_is_handed_can_be_vandalised_harmlessly(name: str) -> None:
    """Views, glances, their JSON and the history share records made once per scenario
    (view._records, view._catalogue_entries): changing them must not reach anyone."""
    game = _played(name, 11, 70)
    other = _played(name, 12, 50)  # another game of the same scenario, same caches
    before = _observables(game), _observables(other)
    for player in [*game.rules.player_ids, None]:
        _vandalise(game.view(player))
        _vandalise(game.view(player).to_json())
        if player is not None:
            _vandalise(game.glance(player))
            _vandalise(build_sections(game, player, SECTIONS))  # what built-in agents read
    _vandalise(game.history)
    assert (_observables(game), _observables(other)) == before


def test_projection_streams_remembered_stay_few() -> None:
    """Each remembered chance stream of projections is ~24 kB: a process playing thousands
    of games keeps a few of them, not thousands (4096 of them held ~100 MB)."""
    rules = load_rules("us-japan-primer")
    known = tables_of(rules).caches.projection_rng
    for seed in range(300):
        game = Game.new(rules, seed)
        game.what_if(rules.player_ids[0], [])
    assert 0 < len(known) <= RNG_STATES


@pytest.mark.parametrize("name", ["april-2025", "with-china", "china-lesson"])
def test_legal_actions_kept_after_a_move_are_those_of_the_state_now(name: str) -> None:
    """A LegalActions kept from an earlier state (a bot keeping ``turn.legal``) is asked
    again after others moved: it must give the moves of the state now. It gave the old
    mover's moves and marked its draw verified, so apply() played a move out of turn."""
    rules = load_rules(name)
    for seed in range(3):
        game = Game.new(rules, seed)
        rng = random.Random(seed)
        kept = {p: game.legal_actions(p) for p in rules.player_ids}
        while (mover := game.to_move()) is not None:
            for p, legal in kept.items():
                fresh = LegalActions(game, p)
                assert bool(legal) == bool(fresh)
                assert len(legal) == len(fresh)
                assert list(itertools.islice(legal, 50)) == list(itertools.islice(fresh, 50))
                if p != mover:
                    with pytest.raises(IllegalActionError):
                        legal.sample(random.Random(p))
            game.apply(kept[mover].sample(rng))
