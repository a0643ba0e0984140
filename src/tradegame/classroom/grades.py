"""A gradebook export: one CSV row per player per saved game.

Columns (:data:`COLUMNS`), in three groups:

Who and which game

- ``file`` (as given), ``team`` and ``students`` (from the save's team record, written by
  ``tradegame worlds``; the students are those the roster gives this role, or the whole team),
  ``scenario`` (id), ``seed``, ``player``, ``seat`` (``human`` or the agent)
- ``status``: ``finished``, ``unfinished`` (moves played, the calendar not run out) or
  ``not started`` (no move played), and ``rounds`` (resolved)

Outcome (blank for a game that is not scored: see ``include_unfinished``)

- ``score``, ``batna``, ``surplus`` (score − BATNA), two decimals
- ``surplus_share``: the surplus as a share of the best surplus any scored game reached in the
  same role (1.00 for the best; negative for a loss); blank when no game of that role gained
- ``role_rank`` of ``role_games``: the rank by surplus among the scored games' players of the
  same role (1 is best; ties share a rank). Raw scores cannot be compared across roles (each
  role has its own objectives and BATNA); the rank and the share can.

Activity (counts, not outcomes)

- ``deals_concluded`` — deals with economic terms agreed in talks that entered force
  (whatever became of them later: still in force, superseded, or reneged); the score's
  ``deals`` metric counts the same kind of deal
- ``process_agreements`` — process-only agreements (when and how to meet next) that entered
  force
- ``proposals``, ``counters``, ``statements``, ``concessions`` — the player's ``propose``,
  ``counter``, ``say`` and ``concede`` moves
- ``ratification_failures`` — deals that failed ratification in this player's parliament
- ``reneges`` — deals this player reneged on, explicitly or by raising a tariff above a
  ceiling it had agreed (``Deal.reneged_by``)

Text cells from a save (file, team, students, scenario, player, seat) go through
:func:`tradegame.untrusted.spreadsheet_text`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from tradegame.classroom.roster import students_of
from tradegame.engine import Concede, Counter, Game, Propose, Statement
from tradegame.saves import HUMAN, LoadedGame
from tradegame.untrusted import spreadsheet_text

IDENTITY = ("file", "team", "students", "scenario", "seed", "player", "seat", "status", "rounds")
OUTCOME = ("score", "batna", "surplus", "surplus_share", "role_rank", "role_games")
ACTIVITY = (
    "deals_concluded",
    "process_agreements",
    "proposals",
    "counters",
    "statements",
    "ratification_failures",
    "reneges",
    "concessions",
)
COLUMNS = IDENTITY + OUTCOME + ACTIVITY

FINISHED, UNFINISHED, NOT_STARTED = "finished", "unfinished", "not started"
ENTERED_FORCE = ("in_force", "superseded", "reneged")


def game_status(game: Game) -> str:
    """``finished`` (the calendar ran out), ``not started`` (no move played) or
    ``unfinished``."""
    if game.is_over():
        return FINISHED
    return NOT_STARTED if not game.actions else UNFINISHED


def scored(game: Game, include_unfinished: bool) -> bool:
    """Whether a game's outcome is graded: a finished one always; an unfinished or unstarted
    one only when asked (it is then scored as if things stayed as they are)."""
    return include_unfinished or game.is_over()


def grade_rows(loaded: LoadedGame, file: str, *, score: bool = True) -> list[dict[str, Any]]:
    """The rows of one game, in the scenario's player order. With ``score`` false the outcome
    cells are blank (a game left out of the grades is still listed, with its status). The
    ranks and shares are filled by :func:`rank_rows`."""
    game = loaded.game
    rules = game.rules
    scores, batna = (game.scores(), game.batna()) if score else ({}, {})
    concluded = [d for d in game.deals if not d.unilateral and d.status in ENTERED_FORCE]
    economic = game.is_substantive
    team = loaded.team
    rows = []
    for p in rules.player_ids:
        mine = [a for a in game.actions if a.player == p]
        rows.append(
            {
                "file": spreadsheet_text(file),
                "team": spreadsheet_text(team["name"]) if team else "",
                "students": spreadsheet_text(
                    students_of(team, p) if loaded.seats.get(p) == HUMAN else ""
                ),
                "scenario": spreadsheet_text(rules.id),
                "seed": game.seed,
                "player": spreadsheet_text(p),
                "seat": spreadsheet_text(loaded.seats.get(p, "")),
                "status": game_status(game),
                "rounds": len(game.history),
                "score": f"{scores[p]:.2f}" if score else "",
                "batna": f"{batna[p]:.2f}" if score else "",
                "surplus": f"{scores[p] - batna[p]:.2f}" if score else "",
                "surplus_share": "",
                "role_rank": "",
                "role_games": "",
                "deals_concluded": sum(1 for d in concluded if p in d.parties and economic(d)),
                "process_agreements": sum(
                    1 for d in concluded if p in d.parties and not economic(d)
                ),
                "proposals": sum(1 for a in mine if isinstance(a, Propose)),
                "counters": sum(1 for a in mine if isinstance(a, Counter)),
                "statements": sum(1 for a in mine if isinstance(a, Statement)),
                "ratification_failures": sum(
                    1 for d in game.deals if d.status == "failed" and d.ended_by == p
                ),
                "reneges": sum(1 for d in game.deals if p in d.reneged_by),
                "concessions": sum(1 for a in mine if isinstance(a, Concede)),
                "_player": p,
            }
        )
    return rows


def rank_rows(rows: Sequence[dict[str, Any]]) -> None:
    """Fill ``surplus_share``, ``role_rank`` and ``role_games`` across every scored row (the
    role is the scenario's player id: the US of ``classroom-lesson`` and the US of
    ``china-lesson`` have different objectives, so they are ranked apart)."""
    by_role: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if row["surplus"] != "":
            by_role.setdefault((row["scenario"], row["_player"]), []).append(row)
    for group in by_role.values():
        values = [float(r["surplus"]) for r in group]
        best = max(values)
        for row, value in zip(group, values, strict=True):
            row["role_rank"] = 1 + sum(1 for v in values if v > value)
            row["role_games"] = len(group)
            row["surplus_share"] = f"{value / best:.2f}" if best > 0 else ""


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


__all__ = [
    "ACTIVITY",
    "COLUMNS",
    "FINISHED",
    "IDENTITY",
    "NOT_STARTED",
    "OUTCOME",
    "UNFINISHED",
    "game_status",
    "grade_rows",
    "rank_rows",
    "scored",
    "to_csv",
]
