"""The engine's caches and fast paths against the plain rules, at every step of random games.

One game (the subject) is played the way bots, the UI and tools use a game, all at once:
round captures deferred (as play_match does), copies taken and played on or carried on,
``what_if`` asked for every player (no moves, a legal move, an illegal move that raises), its
metrics read late or never, views and glances built and then vandalised, the legal moves
listed, counted, tested and sampled and the list vandalised. A reference game plays the same
actions with rules of its own (so caches of its own) and does nothing else. Every observable
must be the same, bit for bit, at every step; at the end, a replay with brand-new rules (every
per-scenario cache empty) and a save loaded back agree too.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradegame.engine import Action, Game
from tradegame.engine.actions import INSTRUCTOR, Concede, Done, Inject, News, Renege, Term
from tradegame.engine.errors import IllegalActionError
from tradegame.saves.store import load_game, save_game
from tradegame.scenario import load_rules

from .test_hostile_callers import _vandalise

SCENARIOS = ["april-2025", "with-china", "china-lesson", "classroom-lesson", "us-japan-primer"]
MAX_MOVES = 40


def _what_if(game: Game, player: str, actions: list[Action]) -> tuple[Any, ...]:
    """The reference's projection, its baseline played out afresh (nothing remembered)."""
    game.projection_cache.clear()
    p = game.what_if(player, actions)
    return p.score, p.baseline, json.dumps(dict(p.metrics)), p.notes


def _hypothetical(game: Game, player: str, rng: random.Random) -> list[Action]:
    """A legal move of ``player`` if it is to move, else an order it could queue."""
    if game.to_move() == player:
        return [game.legal_actions(player).sample(rng)]
    return []


def _illegal(player: str) -> Action:
    return Concede(player, player, (Term("no-such-item", 1.0),))


def _looks(game: Game) -> tuple[Any, ...]:
    ids = game.rules.player_ids
    return (
        game.state_hash(),
        game.to_move(),
        json.dumps([game.view(p).to_json() for p in [*ids, None]], sort_keys=True),
        [repr(game.glance(p)) for p in ids],
        game.round_hashes,
        repr(game.history),
        game.scores(),
    )


def _check_legal(subject: Game, reference: Game, player: str, step: int) -> None:
    legal, plain = subject.legal_actions(player), reference.legal_actions(player)
    assert len(legal) == len(plain)
    # Talks moves can number millions (every deal): the first few hundred of them.
    moves = list(legal) if len(legal) <= 400 else list(itertools.islice(legal, 400))
    assert moves == list(itertools.islice(plain, len(moves)))
    assert all(m in legal for m in moves[:: max(1, len(moves) // 7)])
    assert _illegal(player) not in legal
    _vandalise(moves)  # an agent changing the list it was handed
    moves.clear()
    assert legal.sample(random.Random(step)) == plain.sample(random.Random(step))
    again = subject.legal_actions(player)
    assert list(itertools.islice(again, 400)) == list(itertools.islice(plain, 400))


def _neighbour_moves(game: Game, rng: random.Random) -> Game:
    """Another game in the same process moves on (and asks what_if): it shares the
    subject's per-scenario caches (same rules object) or has caches of its own."""
    player = game.to_move()
    if player is None:
        game = Game.new(game.rules, game.seed + 1)
        player = game.to_move()
        assert player is not None
    game.what_if(player, [game.legal_actions(player).sample(rng)])
    game.apply(game.legal_actions(player).sample(rng))
    return game


def _play(name: str, seed: int, tmp: Path | None) -> None:
    subject = Game.new(load_rules(name), seed)
    subject.defer_round_captures()
    # Games interleaved with the subject: the same rules object with another seed, and
    # another scenario.
    other = SCENARIOS[(SCENARIOS.index(name) + 1) % len(SCENARIOS)]
    neighbours = [Game.new(subject.rules, seed + 1), Game.new(load_rules(other), seed)]
    reference = Game.new(load_rules(name), seed)  # rules of its own: caches of its own
    rng = random.Random(seed)
    late: list[tuple[Any, Any]] = []  # projections whose metrics are read later
    for step in range(MAX_MOVES):
        player = subject.to_move()
        if player is None:
            break
        assert subject.state_hash() == reference.state_hash()
        _check_legal(subject, reference, player, step)
        for p in subject.rules.player_ids:
            hypo = _hypothetical(subject, p, random.Random(step))
            for actions in ([], hypo):
                projection = subject.what_if(p, actions)
                expected = _what_if(reference, p, actions)
                if rng.random() < 0.3:
                    late.append((projection, expected))  # metrics read moves later
                else:
                    assert (
                        projection.score,
                        projection.baseline,
                        json.dumps(dict(projection.metrics)),
                        projection.notes,
                    ) == expected
            try:
                subject.what_if(p, [_illegal(p)])
            except IllegalActionError:
                pass
            else:  # pragma: no cover
                raise AssertionError("what_if of an illegal move did not raise")
        if step % 9 == 0:
            assert _looks(subject) == _looks(reference)
            for p in [*subject.rules.player_ids, None]:
                _vandalise(subject.view(p).to_json())
                _vandalise(subject.view(p))
        roll = rng.random()
        if roll < 0.1:
            subject = subject.copy()  # the copy goes on
        elif roll < 0.2:
            side = subject.copy()  # played on, then dropped
            for _ in range(4):
                mover = side.to_move()
                if mover is None:
                    break
                side.what_if(mover, [])
                side.apply(side.legal_actions(mover).sample(rng))
            _vandalise(side.history)
        neighbours = [_neighbour_moves(n, rng) for n in neighbours]
        action = subject.legal_actions(player).sample(rng)
        subject.apply(action)
        reference.apply(action)
    for projection, expected in late:
        assert (
            projection.score,
            projection.baseline,
            json.dumps(dict(projection.metrics)),
            projection.notes,
        ) == expected
    assert _looks(subject) == _looks(reference)
    # A replay with rules loaded anew: every per-scenario cache empty.
    fresh = Game.replay(load_rules(name), seed, subject.actions)
    assert _looks(fresh) == _looks(subject)
    if tmp is not None:
        path = tmp / f"{seed}.json"
        save_game(path, subject, dict.fromkeys(subject.rules.player_ids, "human"))
        loaded = load_game(path).game
        assert _looks(loaded) == _looks(subject)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**31 - 1), name=st.sampled_from(SCENARIOS))
def test_caches_agree_with_the_plain_rules_at_every_step(seed: int, name: str) -> None:
    _play(name, seed, None)


def test_every_scenario_and_a_save(tmp_path: Path) -> None:
    for n, name in enumerate(SCENARIOS):
        _play(name, 1000 + n, tmp_path)


def _plain_orders(game: Game, player: str) -> set[Action]:
    """The player's legal orders by the plain check alone, on a copy (no sampler marks):
    every order of the catalogue and every renege of a deal of the player, asked one by one."""
    fresh = game.copy()
    candidates = fresh.legal_actions(player).order_catalogue()
    candidates += [Renege(player, d.id) for d in fresh.deals]
    return {a for a in candidates if fresh.can(a)} | {Done(player)}


def _instructor_moves(game: Game) -> list[Action]:
    moves: list[Action] = [News(INSTRUCTOR, "Markets wobble", ("stress=7",))]
    moves += [Inject(INSTRUCTOR, e.id) for e in game.rules.events if e.trigger == "inject"]
    return moves


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_order_sampler_agrees_with_the_plain_check_at_every_step(name: str) -> None:
    """The sampler marks the candidates orders.NOW refused this round and passes over
    them (issue 17). At every orders move of random games, with the instructor's news and
    injects, copies and what_if among the moves: what the legal actions list is exactly
    what the plain check allows, a drawn order passes a fresh verify on a copy, and the
    marks never leave a legal order out of the draws (a copy with no marks draws the same)."""
    rules = load_rules(name)
    for seed in range(2):
        game = Game.new(rules, seed)
        rng = random.Random(seed)
        instructor = _instructor_moves(game)
        for step in itertools.count():
            player = game.to_move()
            if player is None or step > 400:
                break
            if game.phase == "orders":
                legal = game.legal_actions(player)
                draws = [legal.sample(random.Random(step * 7 + k)) for k in range(3)]
                assert set(legal) == _plain_orders(game, player), (name, seed, step)
                for k, action in enumerate(draws):
                    fresh = game.copy()
                    fresh.verify(action)  # raises if the sampler drew an illegal order
                    unmarked = fresh.legal_actions(player).sample(random.Random(step * 7 + k))
                    assert unmarked == action
            roll = rng.random()
            if roll < 0.08:
                for move in rng.sample(instructor, len(instructor)):
                    if game.can(move):
                        game.apply(move)
                        break
            elif roll < 0.12:
                game = game.copy()
            elif roll < 0.16:
                game.what_if(player, [])
            game.apply(game.legal_actions(player).sample(rng))


def _vandalise_state(game: Game, rng: random.Random) -> None:
    """A caller changing a copy's public numbers by hand (what a tool trying things out
    might do): layers' rates and status, countermeasures, credibility."""
    rules = game.rules
    for layer in rng.sample(rules.layers, min(2, len(rules.layers))):
        game.layer_rate[layer.id] = rng.choice([0.0, 0.1, 0.5, game.layer_rate[layer.id]])
        game.layer_status[layer.id] = rng.choice(list({*game.layer_status.values()}))
    for player in rules.players:
        for c in player.countermeasures[:1]:
            game.active_packages ^= {c.id}
    for p in rules.player_ids:
        game.credibility[p] = rng.uniform(0.0, 100.0)
    game._invalidate()


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_vandalised_copy_leaves_the_game_and_its_neighbours_alone(name: str) -> None:
    """The economy keeps the layers' part of the rates and the last term index across
    invalidations, shared with its copies (issue 17): a copy whose numbers a caller changed,
    played on and projected, changes nothing in the game it came from, nor in another game
    of the same rules; both stay equal to a game with rules of its own, at every step."""
    rules = load_rules(name)
    rng = random.Random(7)
    game, neighbour = Game.new(rules, 3), Game.new(rules, 4)
    reference = Game.new(load_rules(name), 3)
    for step in range(160):
        player = game.to_move()
        if player is None:
            break
        if step % 4 == 0:
            for source in (game, neighbour):
                vandal = source.copy()
                _vandalise_state(vandal, rng)
                vandal.rates()
                vandal.snapshot()
                mover = vandal.to_move()
                if mover is not None:
                    vandal.what_if(mover, [])
                    vandal.apply(vandal.legal_actions(mover).sample(rng))
                vandal.copy().rates()
        assert game.rates() == reference.rates()
        assert game.layered_rates() == reference.layered_rates()
        assert game.scores() == reference.scores()
        assert game.state_hash() == reference.state_hash()
        action = game.legal_actions(player).sample(rng)
        game.apply(action)
        reference.apply(action)
        mover = neighbour.to_move()
        if mover is not None:
            neighbour.apply(neighbour.legal_actions(mover).sample(rng))
    assert game.round_hashes == reference.round_hashes
    fresh = Game.replay(load_rules(name), neighbour.seed, neighbour.actions)
    assert fresh.state_hash() == neighbour.state_hash()
    assert fresh.round_hashes == neighbour.round_hashes
