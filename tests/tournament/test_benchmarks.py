"""A smoke test of benchmarks/run.py (benchmarks are measured by the script, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_script_runs_with_a_tiny_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--budget",
            "0.01",
            "--agents",
            "random,passive,hawk",
            "--memory-agents",
            "random",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    text = proc.stdout
    assert "Scenario load (april-2025" in text
    for name in ("random", "passive", "hawk"):
        assert f"\n{name} " in text
    assert "Reference peers" in text and "python_tic_tac_toe" in text
    data = json.loads(out.read_text())
    rows = {row["name"]: row for row in data["agents"]}
    assert rows["passive"]["passes"] == rows["passive"]["actions"] > 0  # BATNA: all passes
    assert rows["hawk"]["what_ifs"] > 0 and rows["random"]["what_ifs"] == 0
    assert data["memory"]["peak_mib"]["random"] > 0
    for peer in data["peers"]:
        assert peer["note"].startswith("not installed") or peer["games"] >= 1
