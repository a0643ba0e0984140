"""A random agent handed to play_match as an instance is asked as that instance answers.

play_match asks the built-in random agent for its move with its legal actions alone (120a620),
without calling act(). An instance whose act() was set on the instance (not a subclass) must
still be asked through it, as every other agent is and as before 120a620 (atk22's finding; an
xfail until agents.builtin.asks_legal_only looked at the instance).
"""

from __future__ import annotations

import random

import pytest

from tradegame.agents.base import Turn, agent_rng, play_match
from tradegame.agents.builtin import RandomAgent
from tradegame.engine import Action, Game
from tradegame.engine.legal import LegalActions
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios


def test_an_instance_with_its_own_act_is_asked_through_it() -> None:
    rules = load_rules("us-japan-primer")
    asked: list[str] = []
    seats = {}
    for p in rules.player_ids:
        agent = RandomAgent(agent_rng(0, p, "random"))
        other = random.Random(1)

        def act(turn: Turn, other: random.Random = other) -> Action:
            asked.append(turn.player)
            return turn.legal.sample(other)

        agent.act = act  # type: ignore[method-assign]
        seats[p] = agent
    game = play_match(rules, 0, seats)
    assert len(asked) == len(game.actions)


def test_an_instance_with_its_own_move_is_asked_through_it() -> None:
    """play_match draws the random agent's move itself (its seat's legal actions sample with
    the agent's rng) only while move() is RandomAgent.move: one set on the instance is
    called for every move of its seat."""
    rules = load_rules("us-japan-primer")
    asked: list[str] = []
    seats = {}
    for p in rules.player_ids:
        agent = RandomAgent(agent_rng(0, p, "random"))
        other = random.Random(1)

        def move(legal: LegalActions, other: random.Random = other) -> Action:
            asked.append(str(legal.player))
            return legal.sample(other)

        agent.move = move  # type: ignore[method-assign]
        seats[p] = agent
    game = play_match(rules, 0, seats)
    assert len(asked) == len(game.actions)


class _ThroughItsTurn(RandomAgent):
    """The random agent asked through a turn, as any other agent (a subclass is not drawn
    for by play_match itself): act() samples with its rng of the moment."""


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_the_random_agents_generator_is_read_at_every_move(name: str) -> None:
    """A generator replaced on the agent during the game is the one its next move draws
    from, as RandomAgent.move reads self.rng: the same game as agents asked through turns."""
    rules = load_rules(name)
    games = []
    for kind in (RandomAgent, _ThroughItsTurn):
        agents = {p: kind(agent_rng(3, p, "random")) for p in rules.player_ids}

        def swap(game: Game, action: Action, agents: dict[str, RandomAgent] = agents) -> None:
            if len(game.actions) % 7 == 0:
                agent = agents[action.player]
                agent.rng = random.Random(len(game.actions))

        games.append(play_match(rules, 3, dict(agents), on_action=swap))
    fast, slow = games
    assert fast.actions == slow.actions
    assert fast.state_hash() == slow.state_hash()


class _FailingBits(random.Random):
    def getrandbits(self, k: int) -> int:
        raise RuntimeError("no bits")


def test_a_random_agent_whose_draw_fails_only_loses_its_moves() -> None:
    """The random agent's move drawn by play_match itself fails as move() would: each of
    its seat's moves becomes the passive one, with an incident, and the game goes on."""
    rules = load_rules("us-japan-primer")
    first = rules.player_ids[0]
    seats = {p: RandomAgent(agent_rng(1, p, "random")) for p in rules.player_ids}
    seats[first].rng = _FailingBits(0)
    incidents: list[str] = []
    game = play_match(rules, 1, dict(seats), incidents=incidents)
    theirs = [a for a in game.actions if a.player == first]
    assert theirs and len(incidents) == len(theirs)
    assert all("RuntimeError: no bits" in line for line in incidents)
    assert all(type(a).__name__ in ("Pass", "Reject", "Done") for a in theirs)
    assert Game.replay(rules, 1, game.actions).state_hash() == game.state_hash()
