"""``worlds --roster``: a class roster (CSV) names the teams and students in the saves; a bad
roster is one located message, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradegame.classroom.roster import (
    duplicate_students,
    parse_roster,
    read_roster,
    students_of,
    team_label,
)
from tradegame.cli import main
from tradegame.saves import load_game

PLAYERS = ("US", "JP", "EU")


def test_a_roster_names_teams_in_order_with_their_students() -> None:
    text = (
        "Student,Team,Role,Email\nAna Lima,Blue,jp,a@x\nChloe Marsh,Red,,c@x\n"
        "Ben Ode, Blue ,EU,b@x\n\n"
    )
    teams = parse_roster(text, "r.csv", PLAYERS)
    assert [t.name for t in teams] == ["Blue", "Red"]
    assert teams[0].students == [("Ana Lima", "JP"), ("Ben Ode", "EU")]
    assert teams[1].record() == {"name": "Red", "students": [{"name": "Chloe Marsh", "role": None}]}
    record = teams[0].record()
    assert team_label(record) == "Blue (Ana Lima JP, Ben Ode EU)"
    assert students_of(record, "JP") == "Ana Lima" and students_of(record) == "Ana Lima; Ben Ode"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "r.csv: the roster is empty"),
        ("team,name\nBlue,Ana\n", "r.csv:1: no 'student' column"),
        (
            "team,student,role\nBlue,Ana,XX\n",
            "r.csv:2: the role must be a player of the scenario (US, JP, EU) or empty",
        ),
        ("team,student\nBlue,Ana\nRed,\n", "r.csv:3: the student's name is empty"),
        ("team,student\nBlue,\x1b[31mAna\n", "r.csv:2: the student name has control characters"),
        ("team,student\n" + "B" * 101 + ",Ana\n", "r.csv:2: the team name is longer than 100"),
        ("team,student\n", "r.csv: the roster names no student"),
        ('team,student\nBlue,"Ana\n', "r.csv:2: not CSV"),
    ],
)
def test_a_bad_roster_is_one_located_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_roster(text, "r.csv", PLAYERS)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\x1b" not in str(caught.value)


def test_roster_files_that_are_not_text_or_not_files(tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes("team,student\nBlue,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.csv: not UTF-8 text \(byte \d+\)"):
        read_roster(str(tmp_path / "latin1.csv"), PLAYERS)
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfteam,student\nBlue,Ana\n")
    assert read_roster(str(tmp_path / "bom.csv"), PLAYERS)[0].name == "Blue"
    with pytest.raises(ValueError, match="is a directory|directory"):
        read_roster(str(tmp_path), PLAYERS)
    with pytest.raises(ValueError, match="missing.csv"):
        read_roster(str(tmp_path / "missing.csv"), PLAYERS)


def test_worlds_with_a_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("team,student,role\nBlue,Ana,JP\nRed,Chloe,\nGreen,Dan,EU\n", "utf-8")
    code = main(
        [
            "worlds",
            "classroom-lesson",
            "--roster",
            str(roster),
            "--teams",
            "2",
            "--out",
            str(tmp_path / "x"),
        ]
    )
    assert code == 2 and not (tmp_path / "x").exists()
    assert "--teams 2, but the roster" in capsys.readouterr().err
    assert (
        main(["worlds", "classroom-lesson", "--roster", str(roster), "--out", str(tmp_path / "c")])
        == 0
    )
    teams = [load_game(tmp_path / "c" / f"team-0{k}.json").team for k in (1, 2, 3)]
    assert [t["name"] for t in teams if t] == ["Blue", "Red", "Green"]
    roster.write_text("team,student,role\nBlue,Ana,XX\n", "utf-8")
    assert (
        main(["worlds", "classroom-lesson", "--roster", str(roster), "--out", str(tmp_path / "d")])
        == 2
    )
    assert capsys.readouterr().err.startswith(f"tradegame: {roster}:2: the role must be")
    assert not (tmp_path / "d").exists()


def test_worlds_without_a_roster_name_each_team_after_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["worlds", "us-japan-primer", "--teams", "2", "--out", str(tmp_path)]) == 0
    assert load_game(tmp_path / "team-02.json").team == {"name": "team-02", "students": []}
    assert main(["worlds", "us-japan-primer", "--out", str(tmp_path / "n")]) == 2
    assert "give --teams N or --roster FILE" in capsys.readouterr().err


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_roster_saved_by_a_spreadsheet_with_semicolons_or_tabs(sep: str) -> None:
    """Spreadsheets in locales whose decimal mark is a comma (German, French...) save CSV
    with semicolons; Windows line endings and a name holding a comma still read."""
    text = sep.join(["team", "student", "role"]) + "\r\n"
    text += sep.join(["Blau", '"Wu, Dan"', "JP"]) + "\r\n\r\n"
    text += sep.join(["Blau", "Zoë Ñúñez", ""]) + "\r\n"
    teams = parse_roster(text, "r.csv", PLAYERS)
    assert [t.name for t in teams] == ["Blau"]
    assert teams[0].students == [("Wu, Dan", "JP"), ("Zoë Ñúñez", None)]


def test_a_name_given_twice_is_a_warning_that_keeps_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "team,student,role\nBlue,Ana Lima,JP\nBlue,Ben Ode,EU\nGreen,ana  lima,JP\n"
    teams = parse_roster(text, "r.csv", PLAYERS)
    assert [len(t.students) for t in teams] == [2, 1]
    (warning,) = duplicate_students(teams)
    assert warning.startswith("Ana Lima is named 2 times (teams Blue, Green)")
    (tmp_path / "roster.csv").write_text(text, "utf-8")
    out = str(tmp_path / "class")
    assert (
        main(["worlds", "classroom-lesson", "--roster", str(tmp_path / "roster.csv"), "--out", out])
        == 0
    )
    err = capsys.readouterr().err
    assert "roster.csv: warning: Ana Lima is named 2 times" in err
    assert (tmp_path / "class" / "team-02.json").exists()
