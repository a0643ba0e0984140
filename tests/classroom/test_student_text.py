"""What a student's handout may say: no source notes, and no hindsight unless asked; the
debrief report gets what the handouts leave out, with the sources behind the figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tradegame.classroom.briefing import briefing_doc
from tradegame.classroom.html import to_markdown
from tradegame.classroom.report import SECTIONS
from tradegame.classroom.student import is_hindsight, strip_notes, student_rules
from tradegame.cli import main
from tradegame.commands.common import load_rules_or_exit

DEADLINE = dt.date(2025, 7, 8)
CUTOFF = DEADLINE - dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("100 Boeing aircraft (facts §1b 22 Jul ✅).", "100 Boeing aircraft."),
        (  # a figure the data sheet lacks is marked as the game's assumption, as on screen
            "≈$1,000/t (PLACEHOLDER: no rice price in facts.md (2024)) ≈ $0.26bn/yr.",
            "≈$1,000/t (assumed) ≈ $0.26bn/yr.",
        ),
        (  # what comes before a note in a parenthesis stays, as on screen
            "Cars pay 10% (the EU's MFN, facts §3 ✅).",
            "Cars pay 10% (the EU's MFN).",
        ),
        (
            "A figure ($bn/yr; 2024 ≈ -295, PLACEHOLDER).",
            "A figure ($bn/yr; 2024 ≈ -295, assumed).",
        ),
        ("Over ≈5 years (design parameter), about $2bn/yr.", "Over ≈5 years, about $2bn/yr."),
        ("A cap. It is facts §3 based. Another.", "A cap. Another."),
        ("Nothing to strip (30%).", "Nothing to strip (30%)."),
    ],
)
def test_source_notes_are_stripped(text: str, clean: str) -> None:
    assert strip_notes(text) == clean


@pytest.mark.parametrize(
    ("text", "hindsight"),
    [
        ("The 22 July deal set 15%.", True),
        ("The July deal's $550bn, mostly loans.", True),
        ("Turnberry (27 July) set a 15% all-in ceiling.", True),
        ("Later cut to €72bn and merged into a €93bn package (facts §1c 13–24 Jul ✅).", True),
        ("Hours later he paused the country rates for 90 days (to 8 July).", False),
        ("Public consultation from 8 May to 10 June.", False),
        ("Geneva (12 May) cut the US tariff on China from 145% to 30%.", False),
        ("100 Boeing aircraft (facts §1b 22 Jul ✅).", False),  # a bare citation is a note
    ],
)
def test_hindsight_is_how_the_real_negotiation_ended(text: str, hindsight: bool) -> None:
    assert is_hindsight(text, CUTOFF, DEADLINE) is hindsight


def test_the_lesson_handout_leaves_the_real_deal_to_the_debrief(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = load_rules_or_exit("april-2025")
    student = to_markdown(briefing_doc(rules, "JP"))
    assert "22 July deal" not in student and "signed in July 2025" not in student
    kept = to_markdown(briefing_doc(rules, "JP", hindsight=True))
    assert "The 22 July deal set 15%." in kept and "facts §" not in kept
    taken = student_rules(rules)[1]
    assert "The 22 July deal set 15%." in taken
    # the debrief report has it, and the sources of the figures
    assert (
        main(
            [
                "worlds",
                "april-2025",
                "--teams",
                "1",
                "--seat",
                "US=passive",
                "--seat",
                "JP=passive",
                "--seat",
                "EU=passive",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "report",
                str(tmp_path / "team-01.json"),
                "--search-budget",
                "0",
                "--out",
                str(tmp_path / "r.md"),
            ]
        )
        == 0
    )
    report = (tmp_path / "r.md").read_text("utf-8")
    for heading in SECTIONS:
        assert f"\n## {heading}\n" in report, heading
    history = report.split("## What really happened")[1].split("\n## ")[0]
    assert "The 22 July deal set 15%." in history
    sources = report.split("## Sources of the figures")[1]
    assert "### §1b. Japan track" in sources and "ajw.asahi.com" in sources
