"""Handouts as printed: headless Chromium prints them to PDF and pdftotext reads the PDF back.

Every tariff column's header is on paper (wide tables are split, cells wrap, nothing is cut at
the page edge), the role is on every page, and a student's handout holds no source note or
placeholder (the instructor's copy keeps them, with the sources they cite). .ci/run installs
chromium and poppler-utils, and the README lists them: without them the tests fail (a skip
would hide a missing install step), as the tmux, Node.js and valgrind tests do.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.commands.common import load_rules_or_exit

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(autouse=True)
def _needs_chromium_and_pdftotext() -> None:
    assert CHROMIUM is not None, "chromium is not installed (Debian package chromium)"
    assert PDFTOTEXT is not None, "pdftotext is not installed (Debian package poppler-utils)"


TARIFF_HEADERS = (
    "Tariff",
    "Who on whom",
    "Goods",
    "Rate",
    "Combines",
    "At the start",
    "Effective tariff at the start (all-in)",
)


def printed(html: Path, tmp_path: Path) -> list[str]:
    """The text of each printed page (Chromium's own header and footer off)."""
    pdf = html.with_suffix(".pdf")
    assert CHROMIUM is not None and PDFTOTEXT is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        [PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "role"),
    [
        ("april-2025", "JP"),
        ("classroom-lesson", "JP"),
        # the four-player lesson: China's handout is the one whose figures are assumed
        ("china-lesson", "CN"),
        ("china-lesson", "US"),
    ],
)
def test_a_printed_handout_keeps_every_column_and_its_role(
    scenario: str, role: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = load_rules_or_exit(scenario)
    out = tmp_path / f"{role}.html"
    assert main(["briefing", scenario, "--role", role, "--out", str(out)]) == 0
    pages = printed(out, tmp_path)
    text = " ".join(pages)
    for header in (*TARIFF_HEADERS, *(s.name for s in rules.sectors)):
        assert header in text, header
    # every player's name is on paper (the public facts list all of them)
    assert all(p.name in text for p in rules.players)
    heading = f"{rules.player(role).name} ({role}) — confidential"
    assert all(heading in page for page in pages), [
        n for n, page in enumerate(pages, 1) if heading not in page
    ]
    for note in ("facts §", "PLACEHOLDER", "design parameter"):
        assert note not in text, note
    assert "A new deal replaces the old one." in text


@pytest.mark.slow
def test_the_instructors_copy_keeps_the_notes_and_their_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "JP-instructor.html"
    assert main(["briefing", "april-2025", "--role", "JP", "--instructor", "--out", str(out)]) == 0
    pages = printed(out, tmp_path)
    text = " ".join(pages)
    assert "facts §" in text and "INSTRUCTOR'S COPY" in text
    assert all("Japan (JP) — instructor's copy" in page for page in pages)
    # the real deal, kept out of the students' copies, and the data sheet's row behind it
    assert "The 22 July deal set 15%." in text
    assert "§1b. Japan track" in text and "Akazawa" in text
