"""A random agent handed to play_match as an instance is asked as that instance answers.

play_match asks the built-in random agent for its move with its legal actions alone (120a620),
without calling act(). An instance whose act() was set on the instance (not a subclass) must
still be asked through it, as every other agent is and as before 120a620 (atk22's finding; an
xfail until agents.builtin.asks_legal_only looked at the instance).
"""

from __future__ import annotations

import random

from tradegame.agents.base import Turn, agent_rng, play_match
from tradegame.agents.builtin import RandomAgent
from tradegame.engine import Action
from tradegame.scenario import load_rules


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
