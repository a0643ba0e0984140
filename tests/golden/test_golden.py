"""Golden playthroughs: one seeded game per bundled scenario, diffed against a checked-in
transcript (OpenSpiel's playthrough files). A diff means the rules' behaviour changed.

Regenerate deliberately, and review the diff before committing:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/golden
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tradegame.agents.base import play_match
from tradegame.commands.match import transcript
from tradegame.engine import Game
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

HERE = Path(__file__).parent
SEED = 2025
AGENTS = ("random", "random", "passive", "random")


def render(name: str) -> str:
    rules = load_rules(name)
    seats = {p: AGENTS[n % len(AGENTS)] for n, p in enumerate(rules.player_ids)}
    incidents: list[str] = []
    game = play_match(rules, SEED, seats, incidents=incidents)
    # The action list is part of the golden file, so a replay can be checked from it alone.
    actions = "\n".join(str(a) for a in game.actions)
    return f"{transcript(game, seats, incidents)}\n\n# actions\n{actions}\n"


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_golden_playthrough(name: str) -> None:
    path = HERE / f"{name}.txt"
    text = render(name)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file for {name}; run with UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True),
                text.splitlines(True),
                f"{name}.txt (golden)",
                f"{name} (now)",
                n=2,
            )
        )
        pytest.fail(f"playthrough of {name} changed:\n{diff[:6000]}")


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_golden_actions_replay_to_the_recorded_hash(name: str) -> None:
    from tradegame.engine import parse

    path = HERE / f"{name}.txt"
    assert path.exists(), f"no golden file for {name}; run with UPDATE_GOLDEN=1"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition("\n# actions\n")
    recorded = head.rsplit("state ", 1)[1].split()[0]
    actions = [parse(line) for line in tail.splitlines() if line.strip()]
    game = Game.replay(load_rules(name), SEED, actions)
    assert game.is_over()
    assert game.state_hash() == recorded
