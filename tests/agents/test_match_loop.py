"""The match loop plays exactly the moves it verified, and a failing agent still only loses
its move.

``play_match`` asks each agent through ``safe_move``, which verifies the move in the game as
it is; the loop then plays it without a second check. These tests hold the loop to that:
every game it plays replays move by move through ``Game.replay`` (which verifies each), and an
agent that changes the game behind the loop's back, or answers out of turn, loses its move.
"""

from __future__ import annotations

import random

import pytest

from tradegame.agents.base import Turn, agent_rng, play_match, safe_move
from tradegame.agents.builtin import RandomAgent
from tradegame.engine import Action, Done, Game, Pass
from tradegame.engine.legal import LegalActions
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios

MIXES = [
    ("random", "random", "random"),
    ("greedy", "random", "hawk"),
    ("passive", "dove", "random"),
]


@pytest.mark.parametrize("mix", MIXES, ids="+".join)
def test_every_move_the_loop_plays_replays_verified(mix: tuple[str, ...]) -> None:
    rules = load_rules("april-2025")
    for seed in range(2):
        seats = dict(zip(rules.player_ids, mix, strict=True))
        incidents: list[str] = []
        game = play_match(rules, seed, seats, incidents=incidents)
        assert not incidents
        replayed = Game.replay(rules, seed, game.actions)  # verifies every action
        assert replayed.state_hash() == game.state_hash()
        assert replayed.is_over()


class _MovesBehindTheLoop:
    """In the orders phase, plays an order on the live game inside act(), then returns the
    same order: by then a second one of its kind (a tariff on the same layer, a second
    extension ...), which is illegal."""

    name = "sneaky"
    description = "changes the game behind the loop's back"

    def __init__(self) -> None:
        self.rng = random.Random(5)
        self.times = 0

    def act(self, turn: Turn) -> Action:
        action = turn.legal.sample(self.rng)
        if self.times < 3 and turn.phase == "orders" and not isinstance(action, Done):
            self.times += 1
            turn._game.apply(action)  # the live game, behind the loop's back
        return action


def test_an_agent_that_moves_behind_the_loop_loses_its_move() -> None:
    rules = load_rules("april-2025")
    sneaky = _MovesBehindTheLoop()
    incidents: list[str] = []
    game = play_match(rules, 4, {rules.player_ids[0]: sneaky}, incidents=incidents)
    assert sneaky.times == 3
    assert len(incidents) == 3, incidents
    assert all("illegal move" in line for line in incidents)
    # Whatever it did, each move in the record was legal when it was played.
    assert Game.replay(rules, 4, game.actions).state_hash() == game.state_hash()


def test_safe_move_looks_up_the_mover_unless_told() -> None:
    rules = load_rules("april-2025")
    game = Game.new(rules, 0)
    mover = game.to_move()
    other = next(p for p in rules.player_ids if p != mover)
    assert mover is not None
    # Asked for a player who is not to move, safe_move's turn offers nothing; the agent's
    # move is refused (it is not that player's turn) and becomes the passive move.
    assert not Turn(game, other).legal
    assert len(Turn(game, other).legal) == 0
    move, error = safe_move(_Sampler(), game, other)
    assert error is not None
    assert move.player == other
    move, error = safe_move(_Sampler(), game, mover, moving=True)
    assert error is None
    game.apply(move)


class _Sampler:
    name = "sampler"
    description = "a random legal move"

    def act(self, turn: Turn) -> Action:
        if not turn.legal:
            return Done(turn.player)
        return turn.legal.sample(random.Random(1))


class _KeepsItsTurns:
    """Keeps every turn it is given and, on each move, checks the turn against a fresh one:
    the same legal actions, view and talks, and no what_if calls counted yet; then meddles
    with the turn (replaces its legal actions, reads its view) before answering."""

    name = "keeper"
    description = "keeps its turns"

    def __init__(self) -> None:
        self.rng = random.Random(3)
        self.turns: list[Turn] = []

    def act(self, turn: Turn) -> Action:
        fresh = Turn(turn._game, turn.player)
        assert turn.what_if_calls == 0
        assert turn.talks == fresh.talks
        assert turn.view.to_json() == fresh.view.to_json()
        assert len(turn.legal) == len(fresh.legal)
        if len(fresh.legal) <= 500:
            assert list(turn.legal) == list(fresh.legal)
        for old in self.turns:  # a kept turn is this seat's: renewed, never another's
            assert old.player == turn.player
        self.turns.append(turn)
        action = turn.legal.sample(self.rng)
        turn.what_if_calls += 1
        turn.legal = fresh.legal  # the agent's to change: the next move's is the game's own
        return action


def test_a_seats_turn_is_renewed_for_each_move() -> None:
    rules = load_rules("april-2025")
    keepers = {p: _KeepsItsTurns() for p in rules.player_ids}
    incidents: list[str] = []
    game = play_match(rules, 4, dict(keepers), incidents=incidents)
    assert not incidents  # every check in act() held
    assert game.is_over()
    for keeper in keepers.values():
        assert len(keeper.turns) > 20
    # The same moves as a match that makes a new turn for every move (safe_move's).
    again = Game.new(rules, 4)
    rngs = {p: random.Random(3) for p in rules.player_ids}
    while (player := again.to_move()) is not None:
        action, error = safe_move(_SamplerOf(rngs[player]), again, player)
        assert error is None
        again.push(action)
    assert again.actions == game.actions


class _SamplerOf:
    name = "sampler"
    description = "a random legal move from its own stream"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def act(self, turn: Turn) -> Action:
        return turn.legal.sample(self.rng)


class _ChangesItsTurns(_KeepsItsTurns):
    """Changes what a turn's public attributes name (its player, its legal actions' game and
    player) after choosing: the next move's turn must still be its own seat's, in the game."""

    def act(self, turn: Turn) -> Action:
        action = super().act(turn)
        legal = turn._legal
        other = next(p for p in turn._game.rules.player_ids if p != turn.player)
        turn.player = other
        legal.player = other
        legal.game = turn._game.copy()
        return action


def test_a_turn_changed_by_its_agent_is_renewed_as_its_seats() -> None:
    """A renewed turn is the seat's turn in the game whatever the agent changed in it:
    otherwise the next move's view would be another seat's (private data), its legal
    actions another seat's or a stale copy's."""
    rules = load_rules("april-2025")
    keepers = {p: _ChangesItsTurns() for p in rules.player_ids}
    incidents: list[str] = []
    game = play_match(rules, 4, dict(keepers), incidents=incidents)
    assert not incidents, incidents[:3]  # every check in act() held
    assert game.is_over()


class _RandomThroughTurns(RandomAgent):
    """The random agent asked as any other agent is, through act(turn) (play_match asks
    only the random agent itself with its legal actions alone)."""


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_the_random_agent_asked_without_a_turn_plays_as_through_one(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = load_rules(name)
    renewed: list[str] = []
    renew = Turn._renew

    def counted(turn: Turn, game: Game, player: str) -> None:
        renewed.append(player)
        renew(turn, game, player)

    monkeypatch.setattr(Turn, "_renew", counted)
    for seed in range(3):
        fast = play_match(rules, seed, dict.fromkeys(rules.player_ids, "random"))
        assert not renewed  # no turn was asked for a move
        seats = {p: _RandomThroughTurns(agent_rng(seed, p, "random")) for p in rules.player_ids}
        incidents: list[str] = []
        slow = play_match(rules, seed, dict(seats), incidents=incidents)
        assert not incidents
        assert len(renewed) == len(slow.actions)  # each move asked through a turn
        renewed.clear()
        assert fast.actions == slow.actions
        assert fast.state_hash() == slow.state_hash()


def test_a_random_agent_whose_class_act_was_replaced_is_asked_through_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = load_rules("us-japan-primer")
    asked: list[str] = []
    act = RandomAgent.act

    def replaced(self: RandomAgent, turn: Turn) -> Action:
        asked.append(turn.player)
        return act(self, turn)

    monkeypatch.setattr(RandomAgent, "act", replaced)
    game = play_match(rules, 0, dict.fromkeys(rules.player_ids, "random"))
    assert len(asked) == len(game.actions)


@pytest.mark.parametrize("bad", ["raises", "not an action", "another's move", "illegal"])
def test_a_random_agent_asked_without_a_turn_still_only_loses_a_bad_move(
    bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its move is played unchecked only when the sampler marked it legal in this very
    state; any other answer is checked as _ask checks it, and a failure loses the move."""
    rules = load_rules("april-2025")
    first, second = rules.player_ids[:2]
    sample = RandomAgent.move
    spoilt: list[object] = []

    def move(self: RandomAgent, legal: LegalActions) -> object:
        if legal.player != first or len(spoilt) >= 4:
            return sample(self, legal)
        wrong: object
        if bad == "raises":
            wrong = RuntimeError("a fault")
        elif bad == "not an action":
            wrong = "done"
        elif bad == "another's move":
            wrong = Done(second)
        else:  # the seat's own move of the other phase
            wrong = Done(first) if legal.game.phase == "talks" else Pass(first)
        spoilt.append(wrong)
        if isinstance(wrong, Exception):
            raise wrong
        return wrong

    monkeypatch.setattr(RandomAgent, "move", move)
    incidents: list[str] = []
    game = play_match(rules, 2, dict.fromkeys(rules.player_ids, "random"), incidents=incidents)
    assert len(spoilt) == len(incidents) == 4, incidents
    assert all(f"{first}'s agent failed; its move becomes a pass" in i for i in incidents)
    assert Game.replay(rules, 2, game.actions).state_hash() == game.state_hash()
