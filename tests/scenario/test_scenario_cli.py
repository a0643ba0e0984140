"""``tradegame validate``, ``schema`` and ``scenarios``: output and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.scenario.loader import DEFAULT_SCENARIO, bundled_scenarios, load_scenario
from tradegame.scenario.schema import scenario_json_schema

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
FIXTURE = HERE / "fixtures" / "minimal.yaml"


def _expected_lines() -> list[str]:
    lines = (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_validate_a_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    # 3 players, 2 sectors; play from day 7 (04-16) to day 90 (07-08) in 7-day rounds: 12.
    assert main(["validate", str(FIXTURE)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{FIXTURE}: OK — 3 players, 2 sectors, 12 rounds\n"
    assert err == ""


def test_validate_reports_every_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS)
    fixture = os.path.relpath(FIXTURE, CORPUS)
    code = main(["validate", "dup_key.yaml", fixture, "ref_unknown_player.yaml"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == f"{fixture}: OK — 3 players, 2 sectors, 12 rounds\n"
    assert err.splitlines() == [
        line
        for line in _expected_lines()
        if line.startswith(("dup_key.yaml:", "ref_unknown_player.yaml:"))
    ]


def test_validate_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(missing)]) == 2
    assert capsys.readouterr().err == f"{missing}:1:1: <file>: no such file\n"


def test_validate_a_bundled_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", DEFAULT_SCENARIO]) == 0
    out = capsys.readouterr().out
    scenario = load_scenario(DEFAULT_SCENARIO)
    assert out.startswith(
        f"scenarios/{DEFAULT_SCENARIO}.yaml: OK — "
        f"{len(scenario.players)} players, {len(scenario.sectors)} sectors, "
    )


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == scenario_json_schema()


def test_scenarios_lists_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    bundled = bundled_scenarios()
    code = main(["scenarios"])
    out, err = capsys.readouterr()
    if not bundled:
        assert code == 1
        assert "no bundled scenarios" in err
        return
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(bundled)
    for line, name in zip(lines, bundled, strict=True):
        scenario = load_scenario(name)
        assert scenario.title in line
        assert line.endswith("players: " + ", ".join(p.id for p in scenario.players))
        assert ("(default)" in line) == (name == DEFAULT_SCENARIO)


def test_python_m_tradegame_validate_never_prints_a_traceback(tmp_path: Path) -> None:
    # Every corpus file in one real run, from its own folder so file names match the table.
    names = sorted(p.name for p in CORPUS.glob("*.yaml"))
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # even where the terminal can't show '—'
    result = subprocess.run(
        [sys.executable, "-m", "tradegame", "validate", *names, str(FIXTURE)],
        cwd=CORPUS,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == _expected_lines()
    assert result.stdout == f"{FIXTURE}: OK \\u2014 3 players, 2 sectors, 12 rounds\n"
