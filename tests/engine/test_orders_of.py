"""``LegalActions.orders_of``: the legal orders of some classes, a list per kind, equal to the
orders of those classes that ``verify`` passes, found from nothing (every order the scenario
allows a player, and a renege per deal in force of its, each asked ``Game.can``).

Checked in every orders state of random games and of a game of greedy, hawk and random seats,
in every bundled scenario, for the player to move (the first orders move of a round included:
no order given yet) and asked twice (a list handed out is the caller's own).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import (
    Action,
    Concede,
    Countermeasure,
    ExtendDeadline,
    Game,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
)
from tradegame.engine.legal import LegalActions
from tradegame.engine.phases import orders
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())
CLASSES: tuple[type[Action], ...] = (
    SetTariff,
    Countermeasure,
    Concede,
    Statement,
    RequestTalks,
    ExtendDeadline,
    Renege,
)


def _orders_states(name: str) -> Iterator[Game]:
    rules = load_rules(name)
    ids = rules.player_ids
    mixes: list[tuple[int, dict[str, str]]] = [
        (0, dict.fromkeys(ids, "random")),
        (1, dict.fromkeys(ids, "random")),
        (2, {p: ("greedy", "hawk", "random")[i % 3] for i, p in enumerate(ids)}),
    ]
    for seed, seats in mixes:
        played = play_match(rules, seed, seats)
        game = Game.new(rules, seed)
        for action in played.actions:
            if game.phase == "orders":
                yield game
            game.apply(action)


def _from_nothing(game: Game, player: str, classes: tuple[type[Action], ...]) -> list[list[Action]]:
    """The legal orders of ``classes``, a list per class in the sampler's order of kinds."""
    every = LegalActions(game, player).order_catalogue()
    every += [Renege(player, d.id) for d in game.deals_in_force(player)]
    lists: dict[type[Action], list[Action]] = {}
    for a in every:
        if type(a) in classes and game.can(a):
            lists.setdefault(type(a), []).append(a)
    return list(lists.values())


@pytest.mark.parametrize("name", SCENARIOS)
def test_orders_of_are_the_orders_verify_passes(name: str) -> None:
    rng = random.Random(name)
    checked = first = 0
    for game in _orders_states(name):
        player = game.to_move()
        assert player is not None
        picked = tuple(c for c in CLASSES if rng.random() < 0.6) or CLASSES
        for classes in (CLASSES, picked):
            legal = LegalActions(game, player)
            got = legal.orders_of(classes)
            assert got == _from_nothing(game, player, classes)
            for handed in got:
                handed.clear()  # the caller's own lists: the next answer is whole
            assert legal.orders_of(classes) == _from_nothing(game, player, classes)
            # and what iteration gives of those classes, kind by kind
            assert [a for kind in legal.orders_of(classes) for a in kind] == [
                a for a in legal if type(a) in classes
            ]
        first += not game.orders[player]
        checked += 1
    assert checked > 20 and first > 5


@pytest.mark.parametrize("name", SCENARIOS)
def test_equal_now_keys_give_equal_verdicts(name: str) -> None:
    """``orders.NOW_KEY``, by which the lists of a player without orders this round are
    remembered: in any two such states with equal values, ``NOW`` passes the same orders (of
    every player without orders there, each kind's every candidate asked)."""
    seen: dict[tuple[str, type[Action], tuple[object, ...]], tuple[bool, ...]] = {}
    repeats = 0
    for game in _orders_states(name):
        for player in game.rules.player_ids:
            if game.orders[player]:
                continue
            for group in LegalActions(game, player)._order_candidates(player):
                cls = type(group[0])
                verdicts = tuple(orders.NOW[cls](game, a) is None for a in group)
                key = (player, cls, orders.NOW_KEY[cls](game, player))
                before = seen.setdefault(key, verdicts)
                assert before == verdicts, (player, cls, key)
                repeats += before is not verdicts
    assert repeats > 20
