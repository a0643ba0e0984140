"""The sentences the students' handouts leave out (hindsight) are cut from the scenario's
Markdown; the debrief report and the instructor's copy show them as text, never as
``\\*\\*Diet must ratify\\*\\*`` or ``**Diet must ratify**``."""

from __future__ import annotations

import re

import pytest

from tradegame.classroom.html import t_from_markdown
from tradegame.cli import main

from .support import visible_text


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("hindsight")
    seats = ["--seat", "US=passive", "--seat", "JP=passive", "--seat", "EU=passive"]
    assert main(["worlds", "classroom-lesson", "--teams", "1", *seats, "--out", str(folder)]) == 0
    save = str(folder / "team-01.json")
    out = {}
    for ext in ("md", "html"):
        path = folder / f"report.{ext}"
        assert main(["report", save, "--out", str(path), "--search-budget", "0"]) == 0
        out[f"report.{ext}"] = path.read_text("utf-8")
        path = folder / f"JP-instructor.{ext}"
        assert (
            main(
                ["briefing", "classroom-lesson", "--role", "JP", "--instructor", "--out", str(path)]
            )
            == 0
        )
        out[f"instructor.{ext}"] = path.read_text("utf-8")
    return out


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("report.md", "## What really happened", "## Sources"),
        ("report.html", 'id="history"', 'id="sources"'),
        ("instructor.md", "(hindsight)", "## Sources"),
        ("instructor.html", 'id="hindsight"', 'id="sources"'),
    ],
)
def test_hindsight_sentences_show_as_text(
    outputs: dict[str, str], name: str, start: str, end: str
) -> None:
    section = _section(outputs[name], start, end)
    shown = visible_text(section) if name.endswith("html") else section
    assert "Diet must ratify" in shown
    assert not re.search(r"\\\*|\*\*", shown), shown


def test_a_cut_sentence_loses_its_unpaired_markers() -> None:
    assert t_from_markdown("**The Diet must ratify.") == "The Diet must ratify."
    assert t_from_markdown("The **Diet must ratify**: a package") == (
        "The Diet must ratify: a package"
    )
    assert t_from_markdown("a [link](http://example.org) and `code`") == "a link and code"
    # What the text shows stays escaped for Markdown: no tag, no table cell, no emphasis.
    assert t_from_markdown("5 * 3 <b>x</b> | y") == "5 \\* 3 \\<b\\>x\\</b\\> \\| y"
