"""The data sheet ships with tradegame and every scenario citation resolves in it."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tradegame.classroom.sources import citations, cited_sections, sections, sources_text
from tradegame.cli import main
from tradegame.scenario.loader import bundled_scenarios, load_scenario_text

REPO = Path(__file__).resolve().parents[2]
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
DATED = re.compile(rf"facts\s*§\s*(\d+[a-z]?)\s+(\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\s+(?:{MONTHS}))")


def test_the_sheet_is_the_projects_copy() -> None:
    text = sources_text()
    assert text == (REPO / "docs" / "sources.md").read_text("utf-8")
    assert "/work/" not in text


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_citation_of_a_bundled_scenario_resolves(name: str) -> None:
    text, _ = load_scenario_text(name)
    assert "/work/" not in text  # no path outside the repository
    found, missing = cited_sections(text)
    assert found and missing == []
    have = sections()
    # a dated citation names a row of its section's table (its date is in the section)
    for sid, when in DATED.findall(text):
        day = when.split()[0].split("–")[0].split("-")[0]
        month = when.split()[-1]
        body = have[sid].body
        assert re.search(rf"\b{day}(?:\s*[–-]\s*\d+)?\s+{month}", body) or re.search(
            rf"\b{day}\s*[–-]", body
        ), (name, sid, when)
    # every row the sheet's tables give has a source (publisher or page)
    for sid in citations(text):
        for row in have[sid].body.splitlines():
            if row.startswith("| ") and not row.startswith("|---") and "Source" not in row:
                assert row.count("|") >= 3, (sid, row)


def test_the_sources_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "§1b"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## 1b. Japan track\n") and "Akazawa" in out and "## 1c." not in out
    assert main(["sources", "classroom-lesson"]) == 0
    assert "## 2a. Totals" in capsys.readouterr().out
    assert main(["sources", "9z"]) == 2
    assert "9z: no such section of the data sheet" in capsys.readouterr().err
    assert main(["sources"]) == 0
    assert capsys.readouterr().out == sources_text()


@pytest.mark.slow
def test_the_wheel_ships_the_sheet(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("tradegame-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("tradegame/sources.md").decode("utf-8") == sources_text()
