"""Names from outside in the teacher's files: a roster's team and student names (keyboard
user, via a CSV file) and a scenario's player names (scenario author) reach HTML, CSS and CSV
only escaped."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tradegame.classroom.html import Doc, css_string, to_html
from tradegame.cli import main

HOSTILE = '"; } body { display: none } @page { @top-left { content: "x </style><script>'


def test_a_running_head_cannot_leave_its_css_string() -> None:
    doc = Doc("t", running=HOSTILE)
    page = to_html(doc)
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "<" not in style and page.count("</style>") == 1
    assert "<script" not in page
    literal = css_string(HOSTILE)
    assert literal.startswith('"') and literal.endswith('"')
    assert re.fullmatch(r'"(?:[^"\\]|\\[0-9A-F]+ )*"', literal)  # one string, escapes only
    assert f"content: {literal};" in style


def test_roster_names_are_text_in_grades_and_compare(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(
        'team,student,role\n"=HYPERLINK(""http://x"")",@SUM(1),JP\n'
        '<b>Red</b>,"<img src=x onerror=alert(1)>",JP\n',
        "utf-8",
    )
    assert (
        main(
            [
                "worlds",
                "us-japan-primer",
                "--roster",
                str(roster),
                "--seat",
                "US=passive",
                "--out",
                str(tmp_path / "c"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    files = [str(tmp_path / "c" / "team-01.json"), str(tmp_path / "c" / "team-02.json")]
    main(["grades", *files, "--include-unfinished", "--out", str(tmp_path / "g.csv")])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g.csv").read_text("utf-8-sig"))))
    assert {r["team"] for r in rows} == {'\'=HYPERLINK("http://x")', "<b>Red</b>"}
    assert "'@SUM(1)" in {r["students"] for r in rows}
    main(["report", "--compare", *files, "--include-unfinished", "--out", str(tmp_path / "c.html")])
    html = (tmp_path / "c.html").read_text("utf-8")
    assert "<img" not in html and "<b>Red" not in html and "&lt;b&gt;Red" in html


def test_a_team_save_loaded_from_text_names_no_file_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a browser (tradegame serve) a save is pasted text or the session's own autosave,
    named by its file name alone: a team's save loaded that way is not written back to any
    path (a bare name would be the server's working folder)."""
    from tradegame.session.persistence import Autosave, load, load_text

    assert main(["worlds", "us-japan-primer", "--teams", "1", "--out", str(tmp_path)]) == 0
    data = (tmp_path / "team-01.json").read_bytes()
    for shown in ("the pasted save", "team-01.json"):
        match = load_text(data, shown)
        assert match.team is not None and match.home is None
        assert Autosave(match, tmp_path / "private").saver.directory == tmp_path / "private"
    assert load(str(tmp_path / "team-01.json")).home == tmp_path / "team-01.json"
