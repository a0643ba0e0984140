"""``--out`` never replaces a saved game: ``grades class/team-*.json --out class/team-03.json``
(a slip of the keyboard, or of tab completion) used to overwrite team 3's game with the CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tradegame.cli import main

SEATS = ["--seat", "US=passive", "--seat", "JP=passive", "--seat", "EU=passive"]


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    args = ["worlds", "classroom-lesson", "--teams", "2", *SEATS, "--out", str(folder)]
    assert main(args) == 0
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["grades", "{1}", "{2}", "--out", "{2}"],
        ["grades", "{1}", "--out", "{2}"],
        ["report", "{1}", "--search-budget", "0", "--format", "html", "--out", "{2}"],
        ["report", "--compare", "{1}", "{2}", "--format", "md", "--out", "{1}"],
        ["briefing", "classroom-lesson", "--role", "JP", "--format", "md", "--out", "{2}"],
    ],
)
def test_out_refuses_to_replace_a_save(
    teams: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = teams / "team-01.json", teams / "team-02.json"
    before = {p: p.read_bytes() for p in (one, two)}
    argv = [a.replace("{1}", str(one)).replace("{2}", str(two)) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is a saved game" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in (one, two)} == before


def test_out_still_replaces_an_earlier_export(teams: Path, tmp_path: Path) -> None:
    out = tmp_path / "grades.csv"
    out.write_text("an earlier export\n", "utf-8")
    assert main(["grades", str(teams / "team-01.json"), "--out", str(out)]) == 0
    assert out.read_text("utf-8-sig").startswith("file,team,")


def test_a_grades_file_opens_in_a_spreadsheet_with_its_accents(
    teams: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel reads a CSV file without a byte-order mark in the local code page ("OdÃ©"); the
    file gets one, stdout (for a pipe) does not."""
    out = tmp_path / "grades.csv"
    assert main(["grades", str(teams / "team-01.json"), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbffile,team,")
    capsys.readouterr()
    assert main(["grades", str(teams / "team-01.json")]) == 0
    assert capsys.readouterr().out.startswith("file,team,")


def test_a_file_named_twice_counts_once(
    teams: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Overlapping globs (``class/team-*.json class/team-01.json``) used to grade a game twice:
    two rows per player, each ranked against itself."""
    one, two = str(teams / "team-01.json"), str(teams / "team-02.json")
    out = tmp_path / "grades.csv"
    assert main(["grades", one, two, one, "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert len(rows) == 6 and {r["role_games"] for r in rows} == {"2"}
    assert "the same file as" in capsys.readouterr().err
    assert main(["report", "--compare", one, one, "--out", str(tmp_path / "c.md")]) == 0
    assert "c.md: 1 game compared" in capsys.readouterr().out


def test_roles_are_ranked_within_their_scenario(teams: Path, tmp_path: Path) -> None:
    """The US of china-lesson has other objectives than the US of classroom-lesson: a gradebook
    holding both ranks each against its own scenario's games."""
    china = tmp_path / "china"
    seats = [f"--seat={p}=passive" for p in ("US", "JP", "EU", "CN")]
    assert main(["worlds", "china-lesson", "--teams", "1", *seats, "--out", str(china)]) == 0
    out = tmp_path / "grades.csv"
    files = [str(teams / "team-01.json"), str(teams / "team-02.json"), str(china / "team-01.json")]
    assert main(["grades", *files, "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    games = {(r["scenario"], r["player"], r["role_games"]) for r in rows}
    assert ("classroom-lesson", "US", "2") in games and ("china-lesson", "US", "1") in games
