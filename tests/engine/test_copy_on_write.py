"""Deals, sessions and pledges are shared by a game and its copies, copy on write (issue 17).

A copy (``Game.copy``, ``Projected.of`` for every ``what_if``) shares the records; a phase
changes one only through ``State.own_deal``, ``own_session`` or ``own_pledge``, which copy it
into the changing game first unless it is that game's own (its ``owner`` is the game's
token; a copy gives both games new tokens).

Checked here, in random, greedy and hawk games of every scenario:

- no record is ever changed in place once shared: a guard on the records' attributes fails
  any write to a record whose owner is a token a copy retired (or no token at all);
- the game is the same, record for record and field for field, after every ``what_if`` (the
  agents' and one more of a legal move at every step) and every copy;
- a copy taken at any step keeps the records it was made with while the game goes on, and
  the game keeps its own while the copies are played to the end;
- and results are those of a fresh computation: a ``what_if`` and a copy played on give
  the scores, metrics and state hashes of a game replayed from its actions (whose records
  nobody shares), bit for bit.
"""

from __future__ import annotations

import collections
import dataclasses
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine.actions import ORDER_KINDS, Accept, Action, Counter, Pass, Propose, Reject
from tradegame.engine.records import Deal, Pledge, Session
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import Projection
from tradegame.engine.state import State

from .test_fast_paths import _scenarios

RECORDS = (Deal, Session, Pledge)
# Fields a deal remembers of its own terms (economy.deal_entries, deal_key, changes_rates):
# functions of fields that never change, written on first use whoever holds the deal.
DERIVED = frozenset({"entries", "moves_rates", "key"})
TALK_MOVES = (Propose, Counter, Accept, Reject, Pass)  # the talks moves what_if plays


def _values(g: State) -> tuple[Any, ...]:
    """Every field of every deal, session and pledge of ``g`` but their owner and what a
    deal derives from its terms, in list order."""
    return tuple(
        tuple((type(r).__name__, *(getattr(r, f.name) for f in _FIELDS[type(r)])) for r in records)
        for records in (g.deals, g.sessions, g.pledges)
    )


_FIELDS = {
    cls: tuple(f for f in dataclasses.fields(cls) if f.name != "owner" and f.name not in DERIVED)
    for cls in RECORDS
}


class _Guard:
    """Fails any write to a shared record: one whose owner is a token some copy retired (a
    game's token when it was copied), or that has no owner once made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.retired: dict[int, object] = {}  # by id (each kept alive: ids stay unique)
        self.copies = 0
        self.writes = 0
        real_copy_as = State.copy_as
        guard = self

        def copy_as(state: State, cls: type[Any], rng: Any = None) -> Any:
            old = state._token
            new = real_copy_as(state, cls, rng)
            assert state._token is not old and new._token is not old
            guard.retired[id(old)] = old
            guard.copies += 1
            return new

        monkeypatch.setattr(State, "copy_as", copy_as)
        for cls in RECORDS:
            monkeypatch.setattr(cls, "__setattr__", self._setter())

    def _setter(self) -> Callable[[Any, str, Any], None]:
        guard = self

        def __setattr__(record: Any, name: str, value: Any) -> None:
            if name != "owner" and name not in DERIVED:
                try:
                    owner = record.owner
                except AttributeError:
                    owner = ...  # being made: its owner comes last
                if owner is not ...:
                    guard.writes += 1
                    assert owner is not None, f"{record!r} has no owner but is changed"
                    assert guard.retired.get(id(owner)) is not owner, (
                        f"a shared record is changed in place ({name} = {value!r}): {record!r}"
                    )
            object.__setattr__(record, name, value)

        return __setattr__


def _one_move(game: Game, player: str, rng: random.Random) -> list[Action]:
    action = game.legal_actions(player).sample(rng)
    return [action] if action.kind in ORDER_KINDS or isinstance(action, TALK_MOVES) else []


def _checked_game(
    rules: Rules, seed: int, agent: str, monkeypatch: pytest.MonkeyPatch, every: int
) -> tuple[_Guard, int]:
    """Play a game of ``agent`` in every seat with the guard on, checking the game's records
    after every what_if and copy, and keeping a copy every ``every`` moves whose records
    must stay as they were while the game goes on. Returns the guard and the checks made."""
    guard = _Guard(monkeypatch)
    real_what_if = Game.what_if
    checks = 0

    def what_if(game: Game, player: str, actions: Sequence[Action] = ()) -> Projection:
        nonlocal checks
        before = _values(game)
        projection = real_what_if(game, player, actions)
        projection.metrics["approval"]  # a projection read late is played then
        assert _values(game) == before, "a what_if changed the game's records"
        checks += 1
        return projection

    monkeypatch.setattr(Game, "what_if", what_if)
    kept: list[tuple[Game, tuple[Any, ...]]] = []
    rng = random.Random(seed)
    steps = 0

    def on_action(game: Game, action: Action) -> None:
        nonlocal steps, checks
        steps += 1
        for copy, values in kept:
            assert _values(copy) == values, "a copy saw a later change of its game"
            checks += 1
        now = _values(game)
        mover = game.to_move()
        if mover is not None:
            game.what_if(mover, _one_move(game, mover, rng))
        if steps % every == 1:  # the first move, then every ``every``
            copy = game.copy()
            assert _values(copy) == now
            kept.append((copy, now))
        assert _values(game) == now
        checks += 1

    game = play_match(rules, seed, dict.fromkeys(rules.player_ids, agent), on_action=on_action)
    final = _values(game)
    # The copies played to the end (each on its own records) leave the game as it ended.
    for copy, values in kept:
        assert _values(copy) == values
        while (mover := copy.to_move()) is not None:
            copy.apply(copy.legal_actions(mover).sample(rng))
        assert _values(game) == final
        checks += 1
    assert steps > 0 and kept
    return guard, checks


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_random_games_never_change_a_shared_record(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in range(3):
        guard, checks = _checked_game(rules, seed, "random", monkeypatch, every=7)
        assert guard.copies > 0 and guard.writes > 0 and checks > 0
        monkeypatch.undo()


@pytest.mark.parametrize("agent", ["greedy", "hawk"])
@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_greedy_and_hawk_games_never_change_a_shared_record(
    name: str, rules: Rules, agent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard, checks = _checked_game(rules, 1, agent, monkeypatch, every=23)
    assert guard.copies > 0 and guard.writes > 0 and checks > 0


def _random_game(rules: Rules, seed: int) -> Iterator[tuple[Game, random.Random]]:
    rng = random.Random(seed)
    game = Game.new(rules, seed)
    while (mover := game.to_move()) is not None:
        yield game, rng
        game.apply(game.legal_actions(mover).sample(rng))


def _projection_bits(p: Projection) -> tuple[str, ...]:
    return (p.score.hex(), p.baseline.hex(), *(p.metrics[k].hex() for k in sorted(p.metrics)))


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_shared_records_give_the_results_of_a_fresh_game(name: str, rules: Rules) -> None:
    """At steps of random games: a what_if of a move, and a copy played on for a while, give
    what the same game replayed from its actions gives (its records its own, shared with
    nobody), bit for bit; a copy's state hash is the replayed copy's."""
    compared = 0
    for seed in range(2):
        for game, rng in _random_game(rules, seed):
            if rng.random() >= 0.2:
                continue
            fresh = Game.replay(rules, seed, game.actions)
            mover = game.to_move()
            assert mover is not None
            moves = _one_move(game, mover, rng)
            assert _projection_bits(game.what_if(mover, moves)) == _projection_bits(
                fresh.what_if(mover, moves)
            )
            copy = game.copy()
            copy_rng = random.Random(rng.random())
            for _ in range(30):
                player = copy.to_move()
                if player is None:
                    break
                copy.apply(copy.legal_actions(player).sample(copy_rng))
            replayed = Game.replay(rules, seed, copy.actions)
            assert copy.state_hash() == replayed.state_hash()
            assert game.state_hash() == fresh.state_hash()
            compared += 1
    assert compared > 5


def test_a_record_is_copied_once_into_the_game_that_changes_it() -> None:
    from tradegame.scenario import load_rules

    rules = load_rules("april-2025")
    game = play_match(rules, 3, dict.fromkeys(rules.player_ids, "random"))
    rich = Game.replay(rules, 3, game.actions[: len(game.actions) // 2])
    assert rich.deals and rich.pledges
    deal, pledge = rich.deals[0], rich.pledges[0]
    copy = rich.copy()
    assert copy.deals[0] is deal  # shared
    mine = copy.own_deal(deal)
    assert mine is not deal and copy.deals[0] is mine and rich.deals[0] is deal
    assert copy.own_deal(mine) is mine  # once
    assert _values(copy) == _values(rich)
    mine.ended_by = "someone"
    assert deal.ended_by != "someone"
    assert rich.own_deal(deal) is not deal  # the game copies it too: the copy may hold it
    with pytest.raises(ValueError, match="not one of this game's deals"):
        copy.own_deal(deal)
    other = copy.own_pledge(copy.pledges[0])
    assert copy.own_pledge(other) is other and rich.pledges[0] is pledge
    with pytest.raises(ValueError, match="not one of this game's pledges"):
        copy.own_pledge(pledge) if copy.pledges[0] is not pledge else copy.own_pledge(
            Pledge("threat", "x", "y", "z", 1)
        )


def test_a_pledges_copy_for_a_game_has_every_field_and_that_games_token() -> None:
    # Pledge.copy_for sets each field itself (cheaper than the constructor): a field added
    # to Pledge and not copied would be missing here (an AttributeError) or different.
    token = object()
    for n, kind in enumerate(("threat", "claim_progress", "public_demand")):
        pledge = Pledge(kind, "US", "JP", f"s{n}", n + 1, due=n, triggered=n * 2, owner=object())
        pledge.settled, pledge.trigger = bool(n % 2), "escalation" * (n % 2)
        copy = pledge.copy_for(token)
        assert copy is not pledge and copy.owner is token
        assert [getattr(copy, f.name) for f in _FIELDS[Pledge]] == [
            getattr(pledge, f.name) for f in _FIELDS[Pledge]
        ]
        assert len(_FIELDS[Pledge]) == len(dataclasses.fields(Pledge)) - 1  # all but owner


def test_a_copy_keeps_the_baselines_and_a_projection_starts_without() -> None:
    from tradegame.engine.projection import Projected
    from tradegame.scenario import load_rules

    rules = load_rules("april-2025")
    game = Game.new(rules, 2)
    game.what_if("US")
    assert game.projection_cache
    copy = game.copy()
    assert copy.projection_cache == game.projection_cache
    assert copy.projection_cache is not game.projection_cache
    assert Projected.of(game, "US").projection_cache == {}


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_a_record_a_phase_makes_is_the_games_own_from_the_start(name: str, rules: Rules) -> None:
    """Each deal, session and pledge a move makes is the game's own as soon as the game holds
    it (its owner the game's token, set apart from the constructor's call): never copied at
    its first change as if shared."""
    made = collections.Counter[str]()
    for seed in range(4):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            held = {id(r) for r in (*game.deals, *game.sessions, *game.pledges)}
            game.push(game.legal_actions().sample(rng))
            for record in (*game.deals, *game.sessions, *game.pledges):
                if id(record) not in held:
                    assert record.owner is game._token, record
                    made[type(record).__name__] += 1
    assert made["Deal"] and made["Session"], made
