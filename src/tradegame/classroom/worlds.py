"""Parallel worlds: N independent games of one scenario, one per team (DESIGN §1 teacher).

Team ``k`` (1-based) plays with seed :func:`team_seed` ``(seed, k)`` — 32 bits of
``sha256("tradegame-worlds:<seed>:<k>")`` — so every team meets different random events, and
the same ``--seed`` always gives the same worlds. Each game is saved as ``team-01.json``,
``team-02.json``… (wider numbers past 99 teams) with the scenario's text, so it can be
continued (``tradegame resume``, the TUI), reported and compared
(``tradegame report --compare DIR/*.json``).

With every seat an agent the games are played out now, headless; with any human seat (the
default for every seat) each save is a fresh game at its start, with its seats recorded.

Every save carries a ``team`` record: its name (the roster's, else the file's stem,
``team-01``) and, from a roster (:mod:`tradegame.classroom.roster`), its students and their
roles. The TUI treats such a file as the team's game: it saves back to it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tradegame.classroom.roster import Team
from tradegame.engine import Game, Rules
from tradegame.saves import HUMAN, save_game


def team_seed(seed: int, team: int) -> int:
    """The seed of team ``team`` (1-based) in worlds started with ``seed``."""
    digest = hashlib.sha256(f"tradegame-worlds:{seed}:{team}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def team_file(team: int, teams: int) -> str:
    width = max(2, len(str(teams)))
    return f"team-{team:0{width}d}.json"


@dataclass
class World:
    team: int
    path: str
    seed: int
    played: bool
    game: Game
    incidents: list[str] = field(default_factory=list)
    team_record: dict[str, Any] | None = None


def make_worlds(
    rules: Rules,
    *,
    teams: int,
    seed: int,
    seats: Mapping[str, str],
    out_dir: str,
    scenario_text: str,
    scenario_name: str | None,
    time_limit: float | None = None,
    allow_code: bool = False,
    roster: Sequence[Team] = (),
) -> list[World]:
    """Create (and, with agent seats only, play) one game per team; raises SaveError or
    AgentSpecError. ``allow_code``: the seats were named at the keyboard and may run code
    (see :func:`tradegame.agents.base.make_agent`). ``roster``: the teams in order (their
    names and students go into the saves)."""
    seats = {p: seats.get(p, HUMAN) for p in rules.player_ids}
    headless = all(s != HUMAN for s in seats.values())
    worlds = []
    for team in range(1, teams + 1):
        s = team_seed(seed, team)
        incidents: list[str] = []
        if headless:
            from tradegame.agents.base import play_match

            game = play_match(
                rules, s, seats, incidents=incidents, time_limit=time_limit, allow_code=allow_code
            )
        else:
            game = Game.new(rules, s)
        name = team_file(team, teams)
        record = (
            roster[team - 1].record()
            if team <= len(roster)
            else {"name": name.removesuffix(".json"), "students": []}
        )
        path = os.path.join(out_dir, name)
        save_game(
            path, game, seats, scenario_text=scenario_text, scenario_name=scenario_name, team=record
        )
        worlds.append(World(team, path, s, headless, game, incidents, record))
    return worlds


__all__ = ["World", "make_worlds", "team_file", "team_seed"]
