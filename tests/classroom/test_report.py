"""The debrief report of a saved default-scenario game: self-contained, every section, charts
drawn from the game's own numbers, and one clear line for a bad save."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tradegame.classroom.report import METRICS, SECTIONS
from tradegame.cli import main
from tradegame.engine import Game
from tradegame.saves import LoadedGame, load_game

from .support import resource_problems, save_april, visible_text

BUDGET = "10"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("report")
    save = folder / "game.json"
    save_april(save)
    for ext in ("html", "md"):
        assert (
            main(
                [
                    "report",
                    str(save),
                    "--out",
                    str(folder / f"report.{ext}"),
                    "--search-budget",
                    BUDGET,
                ]
            )
            == 0
        )
    return {
        "save": save,
        "loaded": load_game(save),
        "html": (folder / "report.html").read_text("utf-8"),
        "md": (folder / "report.md").read_text("utf-8"),
    }


def svgs(html: str) -> dict[str, ET.Element]:
    out = {}
    for block in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL):
        svg = ET.fromstring(block)  # well-formed: every chart parses as XML
        out[svg.attrib["data-chart"]] = svg
    return out


def expected_series(loaded: LoadedGame, key: str) -> dict[str, list[tuple[int, float]]]:
    """The numbers a chart must show: the start of play, then game.history."""
    game = loaded.game
    start = Game.new(game.rules, game.seed)
    snap = start.snapshot()
    first: dict[str, Any] = {
        "approval": start.approval,
        "credibility": start.credibility,
        "market_stress": start.stress,
        "gdp_pct": snap.gdp_pct,
        "balance": {p: start.balance(p) for p in game.rules.player_ids},
        "tariff_faced": {p: start.tariff_faced_now(p) for p in game.rules.player_ids},
    }
    records = [(start.day, first)] + [(h["day"], h) for h in game.history]
    if key == "market_stress":
        return {"Market stress": [(d, r["market_stress"]) for d, r in records]}
    return {p: [(d, r[key][p]) for d, r in records] for p in game.rules.player_ids}


def test_the_report_is_self_contained(made: dict[str, Any]) -> None:
    html = made["html"]
    assert html.startswith("<!DOCTYPE html>")
    assert resource_problems(html) == []
    assert "http://" not in html and "https://" not in html
    assert "default-src 'none'" in html  # the browser may load nothing at all


def test_the_report_has_every_section(made: dict[str, Any]) -> None:
    html, md = made["html"], made["md"]
    for heading in SECTIONS:
        assert re.search(rf"<h2 id=\"[^\"]+\">{re.escape(heading)}</h2>", html), heading
        assert f"\n## {heading}\n" in md, heading
    for m in METRICS:
        assert f">{m.title}</h3>" in html and f"\n### {m.title}\n" in md
    assert len(svgs(html)) == len(METRICS)
    assert "<svg" not in md  # the Markdown shows charts as tables


def test_charts_draw_the_games_real_numbers(made: dict[str, Any]) -> None:
    loaded = made["loaded"]
    charts = svgs(made["html"])
    assert len(loaded.game.history) >= 13
    for m in METRICS:
        svg = charts[m.key]
        a = {
            k: float(v)
            for k, v in svg.attrib.items()
            if k.startswith("data-") and k not in ("data-chart",)
        }
        want = expected_series(loaded, m.key)
        lines = {p.attrib["data-series"]: p for p in svg.iter("polyline")}
        assert set(lines) == set(want), m.key
        legend = [
            t.text
            for g in svg.iter("g")
            if g.attrib.get("class") == "legend"
            for t in g.iter("text")
        ]
        assert legend == list(want)
        for name, points in want.items():
            line = lines[name]
            days = [int(d) for d in line.attrib["data-days"].split()]
            values = [float(v) for v in line.attrib["data-values"].split()]
            assert days == [d for d, _ in points]
            assert values == [float(v) for _, v in points]  # exactly the game's numbers
            # ...and the line is drawn through them on the chart's axes.
            drawn = [tuple(map(float, xy.split(","))) for xy in line.attrib["points"].split()]
            for (day, value), (x, y) in zip(points, drawn, strict=True):
                fx = a["data-px0"] + (day - a["data-x0"]) / (a["data-x1"] - a["data-x0"]) * (
                    a["data-px1"] - a["data-px0"]
                )
                fy = a["data-py0"] - (value * a["data-scale"] - a["data-y0"]) / (
                    a["data-y1"] - a["data-y0"]
                ) * (a["data-py0"] - a["data-py1"])
                assert x == pytest.approx(fx, abs=0.006) and y == pytest.approx(fy, abs=0.006)
                assert a["data-py1"] - 0.01 <= y <= a["data-py0"] + 0.01  # inside the plot
        # axes with dates
        labels = ["".join(t.itertext()) for t in svg.iter("text")]
        assert "2025-04-16Apr 16" in labels  # the date, and its full form as a tooltip
        assert any(re.fullmatch(r"2025-07-\d\dJul \d+", lbl) for lbl in labels)


def test_markdown_charts_are_tables_of_the_same_numbers(made: dict[str, Any]) -> None:
    loaded, md = made["loaded"], made["md"]
    section = md.split("\n### Approval\n", 1)[1].split("\n### ", 1)[0]
    for h in loaded.game.history:
        row = (
            f"| {h['date']} | "
            + " | ".join(f"{h['approval'][p]:.1f}" for p in loaded.rules.player_ids)
            + " |"
        )
        assert row in section


def test_scores_deals_and_timeline_are_the_games(made: dict[str, Any]) -> None:
    loaded, html = made["loaded"], made["html"]
    game = loaded.game
    text = visible_text(html)
    scores, batna = game.scores(), game.batna()
    for p in game.rules.player_ids:
        row = f"{scores[p]:.1f} {batna[p]:.1f} {scores[p] - batna[p]:+.1f}".replace("-", "−")
        assert row in text, p
    joint = sum(scores[p] - batna[p] for p in scores)
    assert f"Joint welfare (sum of surpluses) {joint:+.1f}".replace("-", "−") in text
    talks = [d for d in game.deals if not d.unilateral]
    assert talks
    for d in talks:
        assert f"{d.id}: " in text
        for p in d.parties:
            cost = game.political_cost(d, p)
            shown = (
                f"{cost:.1f}".rstrip("0").rstrip(".")
                if abs(cost - round(cost, 1)) < 1e-9
                else f"{cost:.2f}"
            ).replace("-", "−")
            assert f"{p} {shown}" in text
    # the full log, private talks included
    assert any(e.audience is not None for e in game.log)
    for e in game.log:
        assert " ".join(e.text.split()) in text, e.text
    for n in range(1, game.round + 1):
        assert f"Round {n}: " in text
    for q in game.rules.debrief:
        assert " ".join(q.split()) in text
    assert f"Search budget: {BUDGET} candidate deals per pair" in text


def test_report_to_stdout_is_markdown(
    made: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(made["save"]), "--search-budget", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Debrief: ")
    assert "The search was not run (search budget 0)." in out


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda b: b[: len(b) // 2], "the file is truncated"),
        (lambda b: b"\x00garbage" + b, "the file is corrupt"),
        (lambda b: b"", "the file is empty"),
    ],
)
def test_a_bad_save_is_one_clear_line(
    made: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Any,
    message: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(damage(made["save"].read_bytes()))
    code = main(["report", str(bad), "--out", str(tmp_path / "r.html")])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(f"tradegame: {bad}: {message}") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
