"""A gradebook export: one CSV row per player per saved game.

Columns (:data:`COLUMNS`):

- ``file`` (as given), ``scenario`` (id), ``seed``, ``player``, ``seat`` (``human`` or the agent)
- ``score``, ``batna``, ``surplus`` (score − BATNA), two decimals; a game not yet over is
  scored as if things stayed as they are (``over`` says which)
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
- ``rounds`` (resolved), ``over`` (``yes``/``no``)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from tradegame.engine import Concede, Counter, Propose, Statement
from tradegame.saves import LoadedGame
from tradegame.untrusted import spreadsheet_text

COLUMNS = ("file", "scenario", "seed", "player", "seat", "score", "batna", "surplus",
           "deals_concluded", "process_agreements", "proposals", "counters", "statements", "ratification_failures",
           "reneges", "concessions", "rounds", "over")

ENTERED_FORCE = ("in_force", "superseded", "reneged")


def grade_rows(loaded: LoadedGame, file: str) -> list[dict[str, Any]]:
    """The rows of one game, in the scenario's player order."""
    game = loaded.game
    rules = game.rules
    scores, batna = game.scores(), game.batna()
    concluded = [d for d in game.deals if not d.unilateral and d.status in ENTERED_FORCE]

    economic = game.is_substantive
    rows = []
    for p in rules.player_ids:
        mine = [a for a in game.actions if a.player == p]
        reneges = sum(1 for d in game.deals if p in d.reneged_by)
        rows.append({
            "file": spreadsheet_text(file),
            "scenario": spreadsheet_text(rules.id),
            "seed": game.seed,
            "player": spreadsheet_text(p),
            "seat": spreadsheet_text(loaded.seats.get(p, "")),
            "score": f"{scores[p]:.2f}",
            "batna": f"{batna[p]:.2f}",
            "surplus": f"{scores[p] - batna[p]:.2f}",
            "deals_concluded": sum(1 for d in concluded if p in d.parties and economic(d)),
            "process_agreements": sum(1 for d in concluded
                                      if p in d.parties and not economic(d)),
            "proposals": sum(1 for a in mine if isinstance(a, Propose)),
            "counters": sum(1 for a in mine if isinstance(a, Counter)),
            "statements": sum(1 for a in mine if isinstance(a, Statement)),
            "ratification_failures": sum(1 for d in game.deals if d.status == "failed"
                                         and d.ended_by == p),
            "reneges": reneges,
            "concessions": sum(1 for a in mine if isinstance(a, Concede)),
            "rounds": len(game.history),
            "over": "yes" if game.is_over() else "no",
        })
    return rows


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


__all__ = ["COLUMNS", "grade_rows", "to_csv"]
