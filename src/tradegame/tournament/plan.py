"""Which games a tournament plays: every assignment of agents to roles, in a fixed order,
cycled until ``games`` games; each game's seed derived from the tournament seed and the
game's index with sha256, so it is the same on every Python version and platform."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GameTask:
    """One game of a tournament: everything needed to play (or replay) it alone."""

    index: int
    scenario: str
    seed: int
    seats: tuple[tuple[str, str], ...]  # (role, agent spec) in scenario order
    time_limit: float | None = None
    startup_limit: float | None = None

    @property
    def seat_map(self) -> dict[str, str]:
        return dict(self.seats)


def assignments(roles: Sequence[str], agents: Sequence[str]) -> list[tuple[str, ...]]:
    """Every assignment of agents to roles (an agent may hold several roles), in the order
    of ``itertools.product``: the last role varies fastest."""
    return list(itertools.product(agents, repeat=len(roles)))


def game_seed(tournament_seed: int, index: int) -> int:
    """The seed of game ``index``: 32 bits of sha256("tradegame:<seed>:<index>")."""
    digest = hashlib.sha256(f"tradegame:{tournament_seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def plan(
    scenario: str,
    roles: Sequence[str],
    agents: Sequence[str],
    games: int,
    seed: int,
    time_limit: float | None = None,
    startup_limit: float | None = None,
) -> list[GameTask]:
    """The ``games`` games of a tournament, in game order."""
    cycle = assignments(roles, agents)
    return [
        GameTask(
            index=i,
            scenario=scenario,
            seed=game_seed(seed, i),
            seats=tuple(zip(roles, cycle[i % len(cycle)], strict=True)),
            time_limit=time_limit,
            startup_limit=startup_limit,
        )
        for i in range(games)
    ]


__all__ = ["GameTask", "assignments", "game_seed", "plan"]
