"""The README's two set-up commands are the ones CI runs (a missing step must fail CI)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_has_a_play_and_a_test_command() -> None:
    play, test = readme_commands()[:2]
    assert play.startswith("python3 -m venv .venv") and play.endswith(".venv/bin/tradegame")
    assert test.startswith("python3 -m venv .venv") and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test = readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in ci_lines
