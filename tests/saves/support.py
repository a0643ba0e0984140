"""Games and helpers shared by the save tests (small scenario: fast to load and replay)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tradegame.agents.base import passive_move
from tradegame.engine import Game, Rules, parse
from tradegame.scenario import rules_from_text

ROOT = Path(__file__).resolve().parents[2]
SMALL_PATH = ROOT / "tests" / "engine" / "small.yaml"
SEATS = {"A": "human", "B": "random", "C": "passive"}

# A scripted game of the small scenario: talks, orders, a statement, an inject, a proposal.
SCRIPT = [
    # round 1: scheduled talks B-A, then orders
    "B pass",
    "A tariff a-on-b 0.3",
    "A done",
    "B say reassure A",
    "B done",
    "C done",
    # round 2: orders only; A asks B for ministerial talks next round; an instructor inject
    "A request B ministerial",
    "A done",
    "B done",
    "! inject shock",
    "C done",
    # round 3: talks A-B, a proposal rejected, then orders
    "A propose B a-cap-b=0.2,b-invest=40",
    "B reject",
    "A say reassure B",
    "A done",
    "B done",
    "C done",
]
ROUND_OF_SCRIPT = [1] * 6 + [2] * 5 + [3] * 6


@cache
def small_text() -> str:
    return SMALL_PATH.read_text(encoding="utf-8")


@cache
def small_rules() -> Rules:
    return rules_from_text(small_text(), str(SMALL_PATH))


def scripted_game(upto: int | None = None, finish: bool = True) -> Game:
    """The scripted game (its first ``upto`` actions), played on passively to the end."""
    game = Game.new(small_rules(), 5)
    for text in SCRIPT[:upto]:
        game.apply(parse(text))
    if finish:
        while not game.is_over():
            player = game.to_move()
            assert player is not None
            game.apply(passive_move(game, player))
    return game


def save_kwargs() -> dict[str, Any]:
    return {"scenario_text": small_text(), "scenario_name": "tests/engine/small.yaml"}


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
