"""The gradebook export: counts from known games, and bad saves reported one line each while
the good ones are still exported."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from tradegame.classroom.grades import COLUMNS, grade_rows
from tradegame.cli import main
from tradegame.commands.classroom import EXIT_PARTIAL
from tradegame.saves import load_game

from .support import play_script, save_april, save_small

# A known small game: two deals entered force (d1 reneged by A raising its tariff above the
# cap, d2 reneged by B explicitly), a third failed ratification in B; statements, a counter.
KNOWN = [
    "B propose A a-cap-b=0.2,b-invest=40",
    "A accept",
    "A request B ministerial",
    "A done",
    "B say reassure A",
    "B say claim_progress A",
    "B done",
    "C done",
    "A propose B a-cap-b=0.1,b-invest=80",
    "B counter A a-cap-b=0.1,b-invest=40",
    "A accept",
    "A tariff a-on-b 0.3",
    "A done",
    "B request A working",
    "B done",
    "C done",
    "B propose A a-cap-b=0.2,b-farm=10,b-invest=80",
    "A accept",
    "A done",
    "B renege d2",
    "B done",
    "C done",
]
EXPECTED = {  # written from the script above, not from the code
    "A": {
        "deals_concluded": 2,
        "process_agreements": 0,
        "proposals": 1,
        "counters": 0,
        "statements": 0,
        "ratification_failures": 0,
        "reneges": 1,
        "concessions": 0,
    },
    "B": {
        "deals_concluded": 2,
        "process_agreements": 0,
        "proposals": 2,
        "counters": 1,
        "statements": 2,
        "ratification_failures": 1,
        "reneges": 1,
        "concessions": 0,
    },
    "C": {
        "deals_concluded": 0,
        "process_agreements": 0,
        "proposals": 0,
        "counters": 0,
        "statements": 0,
        "ratification_failures": 0,
        "reneges": 0,
        "concessions": 0,
    },
}


def test_grades_of_a_known_game(tmp_path: Path) -> None:
    game = play_script(KNOWN)
    save_small(tmp_path / "known.json", game)
    rows = grade_rows(load_game(tmp_path / "known.json"), "known.json")
    assert [r["player"] for r in rows] == ["A", "B", "C"]
    scores, batna = game.scores(), game.batna()
    for row in rows:
        p = row["player"]
        assert {k: row[k] for k in EXPECTED[p]} == EXPECTED[p], p
        assert row["score"] == f"{scores[p]:.2f}" and row["batna"] == f"{batna[p]:.2f}"
        assert row["surplus"] == f"{scores[p] - batna[p]:.2f}"
        assert row["scenario"] == "small" and row["seed"] == game.seed
        assert row["status"] == "finished" and row["rounds"] == len(game.history)
    assert [r["seat"] for r in rows] == ["human", "human", "passive"]


def test_grades_of_a_random_default_game_match_its_actions(tmp_path: Path) -> None:
    game = save_april(tmp_path / "g.json")
    rows = {r["player"]: r for r in grade_rows(load_game(tmp_path / "g.json"), "g.json")}
    verbs = Counter((str(a).split()[0], str(a).split()[1]) for a in game.actions)
    public = [e.text for e in game.log if e.audience is None]
    for p, row in rows.items():
        assert row["proposals"] == verbs[(p, "propose")]
        assert row["counters"] == verbs[(p, "counter")]
        assert row["statements"] == verbs[(p, "say")]
        assert row["concessions"] == verbs[(p, "concede")]
        # each renege is logged once, publicly, naming who reneged
        assert row["reneges"] == sum(1 for t in public if t.startswith(f"{p} reneges on d"))
        assert row["reneges"] >= verbs[(p, "renege")]  # explicit ones, and implicit ones
        entered = [
            game.deal(t.split()[0])
            for t in public
            if " enters force: " in t and p in t.split(" enters force:")[0].split()[2::2]
        ]
        kinds = [{game.rules.item(x.item).kind for x in d.terms} for d in entered if d]
        assert row["deals_concluded"] == sum(1 for k in kinds if k != {"process"})
        assert row["process_agreements"] == sum(1 for k in kinds if k == {"process"})
        assert row["ratification_failures"] == sum(
            1 for t in public if t.endswith(f"fails ratification in {p} and lapses.")
        )
    assert sum(r["proposals"] for r in rows.values()) > 0


def test_grades_command_exports_good_saves_and_reports_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    save_april(good)
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good.read_bytes()[:500])
    missing = tmp_path / "missing.json"
    infinite = tmp_path / "infinite.json"  # 1e999 is JSON, read as infinity
    infinite.write_bytes(re.sub(rb'"seed": \d+', b'"seed": 1e999', good.read_bytes(), count=1))
    out = tmp_path / "grades.csv"
    code = main(
        ["grades", str(truncated), str(good), str(missing), str(infinite), "--out", str(out)]
    )
    stdout, err = capsys.readouterr()
    assert code == EXIT_PARTIAL == 3  # some refused, the rest exported
    lines = err.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(
        f"tradegame: {re.escape(str(truncated))}: the file is truncated: the "
        f"JSON ends at line \\d+ before the save is complete",
        lines[0],
    )
    assert lines[1] == f"tradegame: {missing}: no such file"
    assert lines[2] == (
        f"tradegame: {infinite}: the file is corrupt: the number at seed is "
        f"too large (beyond any finite number)"
    )
    assert "Traceback" not in err
    table = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert [r["file"] for r in table] == [str(good)] * 3
    assert list(table[0]) == list(COLUMNS)
    assert "3 rows from 1 game, 1 scored; 3 left out" in stdout
    assert main(["grades", str(infinite), str(missing), "--out", str(out)]) == 1  # none read


def test_grades_of_unreadable_saves_only_keep_the_earlier_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run where no save can be read writes nothing: a header-only CSV would replace the
    gradebook an earlier run wrote to the same --out."""
    good = tmp_path / "good.json"
    save_small(good, play_script(KNOWN))
    out = tmp_path / "grades.csv"
    assert main(["grades", str(good), "--out", str(out)]) == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_bytes(good.read_bytes()[:300])
    capsys.readouterr()
    assert main(["grades", str(bad), str(tmp_path / "missing.json"), "--out", str(out)]) == 1
    assert out.read_bytes() == before
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "tradegame: no save could be read; nothing written"


def test_grades_to_stdout_with_only_good_saves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_small(tmp_path / "a.json", play_script(KNOWN))
    save_small(tmp_path / "b.json", play_script([], seed=8))
    assert main(["grades", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 0
    out = capsys.readouterr().out
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == 6 and {r["seed"] for r in table} == {"3", "8"}


def test_a_process_agreement_is_counted_apart_from_deals(tmp_path: Path) -> None:
    game = play_script(["B propose A b-process=1,a-process=1", "A accept"])
    assert [d.status for d in game.deals] == ["in_force"]
    save_small(tmp_path / "p.json", game)
    rows = {r["player"]: r for r in grade_rows(load_game(tmp_path / "p.json"), "p.json")}
    assert [(rows[p]["deals_concluded"], rows[p]["process_agreements"]) for p in "ABC"] == [
        (0, 1),
        (0, 1),
        (0, 0),
    ]
