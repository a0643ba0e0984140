"""A smoke test of benchmarks/rl_env.py (speed is measured by the script, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pettingzoo")

ROOT = Path(__file__).resolve().parents[2]


def test_the_rl_benchmark_runs_with_a_tiny_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "rl.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "rl_env.py"),
            "--scenario",
            "us-japan-primer",
            "--budget",
            "0.01",
            "--text",
            "--pieces",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "AEC masked random" in proc.stdout and "×engine" in proc.stdout
    code = ROOT / "src" / "tradegame"  # which checkout it measured
    assert f"code: {code}\n" in proc.stdout
    data = json.loads(out.read_text())
    assert data["code"] == str(code)
    rows = {row["name"]: row for row in data["rows"]}
    assert set(rows) == {
        "engine random",
        "AEC masked random",
        "AEC masked random + text",
        "Seat env (JP) masked random",
    }
    for row in rows.values():
        assert row["episodes"] >= 6 and row["steps"] > 0 and row["per_s"] > 0
    assert set(data["pieces_us"]) == {"mask", "view", "glance", "observe", "text"}
