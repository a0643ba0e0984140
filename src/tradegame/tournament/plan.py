"""Which games a tournament plays: every assignment of agents to roles, in a fixed order,
cycled until ``games`` games; each game's seed derived from the tournament seed and the
game's index with sha256, so it is the same on every Python version and platform.

A :class:`Plan` is the whole of what decides a tournament's results — the scenario's text
(by its sha256), the roles, the agents, the number of games, the seed and the time limits —
and :attr:`Plan.hash` identifies it. Shard K of N holds the games whose index is K-1
modulo N, so a game's shard does not depend on the number of games.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


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


def assignment(roles: Sequence[str], agents: Sequence[str], k: int) -> tuple[str, ...]:
    """The ``k``-th of :func:`assignments` (0 ≤ k < len(agents) ** len(roles)), without
    listing them (a hundred agents in five roles are 10**10 assignments)."""
    n = len(agents)
    picked: list[str] = []
    for _ in roles:
        k, digit = divmod(k, n)
        picked.append(agents[digit])
    return tuple(reversed(picked))  # the last role varies fastest


#: The most games one tournament plans (its plan is a list of every game: a million take
#: about 0.4 GB and 7 s to make; 10**11 filled the memory before the first game).
MAX_GAMES = 1_000_000


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
    cycle = len(agents) ** len(roles)
    return [
        GameTask(
            index=i,
            scenario=scenario,
            seed=game_seed(seed, i),
            seats=tuple(zip(roles, assignment(roles, agents, i % cycle), strict=True)),
            time_limit=time_limit,
            startup_limit=startup_limit,
        )
        for i in range(games)
    ]


PLAN_FORMAT = "tradegame-tournament-plan"
PLAN_VERSION = 1


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``k`` of ``n`` (1 <= k <= n): the games whose index is ``k - 1`` modulo ``n``."""

    k: int
    n: int

    def __post_init__(self) -> None:
        if not 1 <= self.k <= self.n:
            raise ValueError(f"shard {self.k}/{self.n}: K must be from 1 to N")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``K/N`` as given to ``--shard``; ValueError says what is wrong."""
        k_text, slash, n_text = text.partition("/")
        if not slash or not k_text.strip().isdigit() or not n_text.strip().isdigit():
            raise ValueError(f"--shard takes K/N (for example 1/4), not {text!r}")
        k, n = int(k_text), int(n_text)
        if n < 1 or not 1 <= k <= n:
            raise ValueError(f"--shard {k}/{n}: K must be from 1 to N, and N at least 1")
        return cls(k, n)

    def holds(self, index: int) -> bool:
        return index % self.n == self.k - 1

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything that decides a tournament's results (not how it is run: the number of
    workers, the executor, the shard)."""

    scenario: str  # as named on the command line (the results' ``scenario`` column)
    scenario_sha256: str  # of the scenario's text, which every executor plays
    roles: tuple[str, ...]
    agents: tuple[str, ...]
    games: int
    seed: int
    time_limit: float | None = None
    startup_limit: float | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "scenario_sha256": self.scenario_sha256,
            "roles": list(self.roles),
            "agents": list(self.agents),
            "games": self.games,
            "seed": self.seed,
            "time_limit": self.time_limit,
            "startup_limit": self.startup_limit,
        }

    @property
    def hash(self) -> str:
        """sha256 of the plan's fields as canonical JSON (hex)."""
        text = json.dumps(
            {"version": PLAN_VERSION, **self.fields()},
            sort_keys=True,
            ensure_ascii=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def tasks(self, shard: Shard | None = None) -> list[GameTask]:
        """The plan's games in game order (only those of ``shard`` when given)."""
        every = plan(
            self.scenario,
            self.roles,
            self.agents,
            self.games,
            self.seed,
            self.time_limit,
            self.startup_limit,
        )
        return every if shard is None else [t for t in every if shard.holds(t.index)]

    def differences(self, other: Plan) -> list[str]:
        """What differs from ``other``, as command-line words (for refusals, which say
        "not the same " and these words)."""
        names = {
            "scenario": "scenario argument",
            "scenario_sha256": "scenario text",
            "roles": "roles",
            "agents": "agents (--agents, --agent, in order)",
            "games": "--games",
            "seed": "--seed",
            "time_limit": "--time-limit",
            "startup_limit": "--startup-limit",
        }
        mine, theirs = self.fields(), other.fields()
        return [words for key, words in names.items() if mine[key] != theirs[key]]

    def manifest(self, shard: Shard | None) -> dict[str, Any]:
        """The plan file written beside the results (``.plan.json``)."""
        return {
            "format": PLAN_FORMAT,
            "version": PLAN_VERSION,
            "plan": self.hash,
            "shard": None if shard is None else [shard.k, shard.n],
            **self.fields(),
        }


def scenario_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "PLAN_FORMAT",
    "GameTask",
    "Plan",
    "Shard",
    "assignments",
    "game_seed",
    "plan",
    "scenario_digest",
]
