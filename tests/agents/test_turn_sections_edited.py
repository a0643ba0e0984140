"""A seat's agent that edits the sections it was handed sees whole sections at its next move.

Sections are read-only by their docstring, but an agent's edit must not reach the seat's
later moves (as a view's JSON, made anew): before afad459 every move's catalogue section was
made anew; afad459 kept the seat's catalogue list for its next moves (atk22), reverted.
"""

from __future__ import annotations

import random

from tradegame.agents.base import Turn, play_match
from tradegame.engine import Action
from tradegame.scenario import load_rules


class _Nibbler:
    """Takes the last entry off the catalogue it is handed, and remembers what it saw."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def act(self, turn: Turn) -> Action:
        catalogue = turn.sections("catalogue")["catalogue"]
        self.seen.append(len(catalogue))
        if catalogue:
            catalogue.pop()
        return turn.legal.sample(random.Random(len(self.seen)))


def test_an_agents_edit_of_its_catalogue_does_not_reach_its_next_move() -> None:
    rules = load_rules("us-japan-primer")
    agents = {p: _Nibbler() for p in rules.player_ids}
    play_match(rules, 0, dict(agents))
    for agent in agents.values():
        assert agent.seen
        assert set(agent.seen) == {len(rules.items)}
