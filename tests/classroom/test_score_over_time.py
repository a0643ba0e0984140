"""The report says how a result measured over time is made, so its score table and its
charts reconcile: on china-lesson with every seat passing, the EU's and Japan's "Tariff faced
(US)" is the charts' values over the days played plus the last point held for the scenario's
projection (engine.scoring.over_window)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tradegame.cli import main


def test_the_score_table_and_the_tariff_chart_reconcile(tmp_path: Path) -> None:
    seats = [f"--seat={p}=passive" for p in ("US", "JP", "EU", "CN")]
    assert main(["worlds", "china-lesson", "--teams", "1", *seats, "--out", str(tmp_path)]) == 0
    out = tmp_path / "r.md"
    assert (
        main(["report", str(tmp_path / "team-01.json"), "--search-budget", "0", "--out", str(out)])
        == 0
    )
    md = out.read_text("utf-8")
    said = re.search(r"average over the (\d+) days played and the (\d+) days after the game", md)
    assert said, md[:3000]
    days, ahead = int(said.group(1)), int(said.group(2))
    assert ahead == 365
    chart = md.split("**Average tariff faced (%) — values by date**", 1)[1].split("\n\n")[1]
    rows = [line.strip("|").split("|") for line in chart.splitlines()[2:]]
    header = [h.strip() for h in chart.splitlines()[0].strip("|").split("|")]
    dates = [dt.date.fromisoformat(r[0].strip()) for r in rows]
    assert (dates[-1] - dates[0]).days == days
    for player in ("JP", "EU"):
        values = [float(r[header.index(player)]) for r in rows]
        # A round's rate is the one recorded at its start, until its resolution.
        acc = sum(v * (b - a).days for v, a, b in zip(values[:-1], dates, dates[1:], strict=False))
        expected = (acc + values[-1] * ahead) / (days + ahead)
        name = {"JP": "Japan (JP)", "EU": "European Union (EU)"}[player]
        table = md.split(f"**{name}: ", 1)[1]
        shown = re.search(r"\| Tariff faced \(US\) \| (\d+\.\d)% \|", table)
        assert shown, table[:600]
        assert abs(float(shown.group(1)) - expected) <= 0.15, (player, shown.group(1), expected)
