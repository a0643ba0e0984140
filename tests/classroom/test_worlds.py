"""Parallel worlds: one game per team, reproducible seeds, fresh or played saves, and the
side-by-side comparison report."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tradegame.classroom.report import COMPARE_SECTIONS
from tradegame.classroom.worlds import team_seed
from tradegame.cli import main
from tradegame.saves import load_game

from .support import resource_problems, visible_text

AGENTS = ["--seat", "US=random", "--seat", "JP=random", "--seat", "EU=passive"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_agent_worlds_are_played_out_with_derived_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hashes = []
    for folder in ("one", "two"):
        code, out, err = run(
            capsys,
            "worlds",
            "april-2025",
            "--teams",
            "3",
            "--seed",
            "7",
            *AGENTS,
            "--out",
            str(tmp_path / folder),
        )
        assert code == 0, err
        files = sorted(p.name for p in (tmp_path / folder).iterdir())
        assert files == ["team-01.json", "team-02.json", "team-03.json"]
        games = [load_game(tmp_path / folder / f) for f in files]
        assert [g.game.seed for g in games] == [team_seed(7, k) for k in (1, 2, 3)]
        assert len({g.game.seed for g in games}) == 3
        assert all(g.game.is_over() for g in games)
        assert all(g.seats == {"US": "random", "JP": "random", "EU": "passive"} for g in games)
        hashes.append([g.game.state_hash() for g in games])
        assert "played out" in out
    assert hashes[0] == hashes[1]  # the same --seed gives the same worlds


def test_human_worlds_are_fresh_saves_that_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "worlds",
        "classroom-lesson",
        "--teams",
        "2",
        "--seat",
        "US=passive",
        "--out",
        str(tmp_path),
    )
    assert code == 0, err
    for k in (1, 2):
        loaded = load_game(tmp_path / f"team-0{k}.json")
        assert loaded.game.actions == [] and not loaded.game.is_over()
        assert loaded.seats == {"US": "passive", "JP": "human", "EU": "human"}
        assert loaded.game.seed == team_seed(0, k)
    assert "a fresh game waiting for its players" in out
    # existing team files are kept unless --force
    code, out, err = run(
        capsys, "worlds", "classroom-lesson", "--teams", "2", "--out", str(tmp_path)
    )
    assert code == 2 and "team-01.json exists (and 1 more team files)" in err
    assert err.count("\n") == 1
    code, _, err = run(
        capsys, "worlds", "classroom-lesson", "--teams", "2", "--force", "--out", str(tmp_path)
    )
    assert code == 0, err


def test_compare_report_sets_the_worlds_side_by_side(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    worlds = tmp_path / "w"
    assert (
        run(
            capsys,
            "worlds",
            "april-2025",
            "--teams",
            "2",
            "--seed",
            "3",
            *AGENTS,
            "--out",
            str(worlds),
        )[0]
        == 0
    )
    bad = tmp_path / "broken.json"
    bad.write_text("{", encoding="utf-8")
    saves = sorted(str(p) for p in worlds.iterdir())
    code, _out, err = run(
        capsys, "report", "--compare", *saves, str(bad), "--out", str(tmp_path / "compare.html")
    )
    assert code == 3  # one save could not be read; the others are compared (EXIT_PARTIAL)
    assert err.startswith(f"tradegame: {bad}: the file is truncated") and err.count("\n") == 1
    html = (tmp_path / "compare.html").read_text("utf-8")
    assert resource_problems(html) == []
    for heading in COMPARE_SECTIONS:
        assert f">{heading}</h2>" in html, heading
    text = visible_text(html)
    games = {Path(s).stem: load_game(s).game for s in saves}
    for team, game in games.items():
        scores, batna = game.scores(), game.batna()
        joint = sum(scores[p] - batna[p] for p in scores)
        assert f"{team} " + f"{joint:+.1f}".replace("-", "−") in text
        for p in scores:
            assert f"{team} {p} agent: " in text
    charts = {}
    for block in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL):
        svg = ET.fromstring(block)
        charts[svg.attrib["data-chart"]] = svg
    assert set(charts) == {"compare-score", "compare-surplus"}
    # Bars of score and surplus per team and role: each bar is the score table's figure.
    for chart, value in (
        ("compare-score", lambda g, p: g.scores()[p]),
        ("compare-surplus", lambda g, p: g.scores()[p] - g.batna()[p]),
    ):
        bars = {
            (r.attrib["data-group"], r.attrib["data-bar"]): float(r.attrib["data-value"])
            for r in charts[chart].iter("rect")
            if "data-value" in r.attrib
        }
        assert bars == {
            (team, p): value(game, p) for team, game in games.items() for p in game.rules.player_ids
        }
        # the axis is scaled to the data: it covers every bar and 0, and not much more
        y0, y1 = float(charts[chart].attrib["data-y0"]), float(charts[chart].attrib["data-y1"])
        lo, hi = min(0.0, *bars.values()), max(0.0, *bars.values())
        assert y0 <= lo and hi <= y1 and (y1 - y0) < 2.5 * (hi - lo)


def test_compare_refuses_games_of_different_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "worlds", "april-2025", "--teams", "1", "--out", str(tmp_path / "a"))[0] == 0
    assert (
        run(capsys, "worlds", "us-japan-primer", "--teams", "1", "--out", str(tmp_path / "b"))[0]
        == 0
    )
    code, _, err = run(
        capsys,
        "report",
        "--compare",
        str(tmp_path / "a" / "team-01.json"),
        str(tmp_path / "b" / "team-01.json"),
    )
    assert code == 2
    assert (
        err.splitlines()[-1] == "tradegame: --compare needs games of one scenario; these "
        "are of april-2025, us-japan-primer"
    )
