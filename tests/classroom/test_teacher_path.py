"""The teacher's whole path in one folder: ``worlds --roster`` → one team plays its file by keys
(the other never starts) → ``grades`` → ``report --compare``. The played file holds the moves,
the untouched game is marked and not scored, and the commands say so in their exit code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.ui.support import close_reports_until_end, screen_text, wait_for_text, wait_until
from tradegame.cli import main
from tradegame.commands.classroom import EXIT_PARTIAL
from tradegame.commands.play import load_save
from tradegame.saves import load_game
from tradegame.ui.app import Options, TradeGameApp, game_title
from tradegame.ui.screens.game import GameScreen

from .support import visible_text

ROSTER = "team,student,role\nBlue,Ana Lima,JP\nBlue,Ben Ode,\nRed,Chloe Marsh,JP\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(tmp_path / "default-saves"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_the_teacher_path(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    assert (
        main(
            [
                "worlds",
                "classroom-lesson",
                "--roster",
                "roster.csv",
                "--seat",
                "US=passive",
                "--seat",
                "EU=passive",
                "--seed",
                "5",
                "--out",
                "class",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "class/team-01.json: Blue (Ana Lima JP, Ben Ode)" in out
    assert "class/team-02.json: Red (Chloe Marsh JP)" in out
    home = folder / "class" / "team-01.json"
    assert load_game(home).team == {
        "name": "Blue",
        "students": [{"name": "Ana Lima", "role": "JP"}, {"name": "Ben Ode", "role": None}],
    }

    # Team Blue plays its file, by keys, to the end: a statement in round 1, then pass/Done.
    match = load_save(str(home), [])
    game = match.game
    app = TradeGameApp(Options(match=match, ai_delay=0.0, spectate_delay=0.0))
    app.animation_level = "none"
    async with app.run_test(size=(110, 34)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        assert "TEAM Blue · team-01.json (Ana Lima JP, Ben Ode)" in screen_text(app)
        await pilot.press("p")
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="Japan's orders"
        )
        await pilot.press("3", "slash", *"reassure", "down")
        await wait_for_text(pilot, "Preview — Reassure")
        await pilot.press("enter")
        await wait_for_text(pilot, "Staged (1/")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: game.round == 2, what="round 2")
        # The round is written back to the team's file (not to a file elsewhere).
        await wait_until(
            pilot,
            lambda: len(load_game(home).game.actions) >= 3,
            what="the team file updated after round 1",
        )
        while not game.is_over():
            await wait_until(
                pilot, lambda: game.is_over() or game.to_move() == "JP", what="Japan's move"
            )
            if game.is_over():
                break
            if not isinstance(app.screen, GameScreen):  # a round's report: continue
                await pilot.press("enter")
                await pilot.pause()
                continue
            if game.session is not None:
                await pilot.press("p" if game.session.offer is None else "r")
            else:
                await pilot.press("ctrl+d")
                await wait_for_text(pilot, "send these orders?")
                await pilot.press("enter")
        await close_reports_until_end(pilot)  # the last round's report, then the results
        played = [str(a) for a in game.actions]
        await wait_until(
            pilot,
            lambda: [str(a) for a in load_game(home).game.actions] == played,
            what="the final state in the team file",
        )
    saved = load_game(home)
    assert saved.game.is_over() and any(a.startswith("JP say reassure") for a in played)
    assert saved.team is not None and saved.team["name"] == "Blue"
    # Autosaves beside the team file, never as another team-*.json.
    assert sorted(p.name for p in (folder / "class").glob("team-*.json")) == [
        "team-01.json",
        "team-02.json",
    ]
    assert list((folder / "class" / "autosaves").glob("team-01-*-round*.json"))
    assert not (folder / "default-saves").exists()

    # grades: Blue is scored, Red is marked and not scored; the exit code says one was left out.
    files = ["class/team-01.json", "class/team-02.json"]
    capsys.readouterr()
    assert main(["grades", *files, "--out", "grades.csv"]) == EXIT_PARTIAL == 3
    err = capsys.readouterr().err
    assert err == (
        "tradegame: class/team-02.json: not started (no move played); not scored "
        "(give --include-unfinished to score it as it stands)\n"
    )
    rows = list(csv.DictReader(io.StringIO((folder / "grades.csv").read_text("utf-8-sig"))))
    blue = {r["player"]: r for r in rows if r["team"] == "Blue"}
    red = {r["player"]: r for r in rows if r["team"] == "Red"}
    scores, batna = saved.game.scores(), saved.game.batna()
    assert blue["JP"]["status"] == "finished" and blue["JP"]["students"] == "Ana Lima; Ben Ode"
    assert blue["JP"]["score"] == f"{scores['JP']:.2f}"
    assert blue["JP"]["surplus"] == f"{scores['JP'] - batna['JP']:.2f}"
    assert blue["JP"]["role_rank"] == "1" and blue["JP"]["role_games"] == "1"
    assert blue["US"]["students"] == ""  # an agent's seat
    assert red["JP"]["status"] == "not started" and red["JP"]["students"] == "Chloe Marsh"
    assert all(r["score"] == r["surplus"] == r["role_rank"] == "" for r in red.values())
    # Asked to, the untouched game is scored as it stands, and nothing is left out.
    assert main(["grades", *files, "--include-unfinished", "--out", "all.csv"]) == 0
    rows = list(csv.DictReader(io.StringIO((folder / "all.csv").read_text("utf-8-sig"))))
    assert all(r["score"] for r in rows) and {r["role_games"] for r in rows} == {"2"}

    # report --compare: both games listed with their status; only Blue's is scored.
    capsys.readouterr()
    assert main(["report", "--compare", *files, "--out", "compare.html"]) == EXIT_PARTIAL
    text = visible_text((folder / "compare.html").read_text("utf-8"))
    assert "team-01 (Blue)" in text and "team-02 (Red)" in text
    assert "not started" in text and "Not scored (not finished): team-02." in text
    assert "team-02 JP" not in text  # no score row for the untouched game
    assert f"team-01 JP Ana Lima; Ben Ode human {scores['JP']:.1f}" in text
    assert "The one game scored" in text and "1 games" not in text
    assert "compare.html: 1 game compared; 1 left out" in capsys.readouterr().out


def test_the_title_names_the_team_and_its_file_before_the_students(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 80 columns the header cuts the title after about 60 characters: with four students
    the file name used to be cut off."""
    roster = "team,student,role\n" + "".join(
        f"Alpha,{name},{role}\n"
        for name, role in [
            ("Łukasz Żółć", "US"),
            ('"O\'Brien, Siobhán"', "JP"),
            ("Ana Lima", "EU"),
            ("Mei Chén", "CN"),
        ]
    )
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    args = ["worlds", "china-lesson", "--roster", "roster.csv", "--out", "class"]
    assert main(args) == 0
    title = game_title(load_save(str(folder / "class" / "team-01.json"), []))
    assert title.startswith("TEAM Alpha · team-01.json (Łukasz Żółć US, ")
    assert title.endswith("Mei Chén CN)")
