"""The sourced data sheet (docs/sources.md, shipped in the package as ``tradegame/sources.md``)
and the scenario citations that point into it (``facts §1b 22 Jul ✅``).

:func:`sections` parses the sheet into its numbered sections (``0``, ``1``, ``1a``...);
:func:`cited_sections` finds the sections a scenario text cites, so a report or an instructor's
handout can show the source behind a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

CITATION = re.compile(r"facts\s*§\s*(\d+[a-z]?)((?:\s*[,;/]\s*§\s*\d+[a-z]?)*)")
_MORE = re.compile(r"§\s*(\d+[a-z]?)")
_HEADING = re.compile(r"^(#{2,3}) (\d+[a-z]?)\. (.+)$", re.M)


class SourcesMissing(Exception):
    """The data sheet is not installed (a broken install)."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    body: str  # Markdown, the section's own text (subsections not included)


@cache
def sources_text() -> str:
    """The data sheet's Markdown: the packaged copy, else the checkout's docs/sources.md."""
    packaged = resources.files("tradegame") / "sources.md"
    if packaged.is_file():
        return packaged.read_text("utf-8")
    here = Path(__file__).resolve()
    if here.parents[2].name == "src":
        checkout = here.parents[3] / "docs" / "sources.md"
        if checkout.is_file():
            return checkout.read_text("utf-8")
    raise SourcesMissing("the data sheet (sources.md) is not installed with tradegame")


@cache
def sections() -> dict[str, Section]:
    """The numbered sections of the sheet by id (``"1b"``)."""
    text = sources_text()
    found = list(_HEADING.finditer(text))
    out = {}
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        body = text[m.end() : end].strip()
        body = re.sub(r"\n-{3,}\s*$", "", body).strip()
        out[m.group(2)] = Section(m.group(2), m.group(3).strip(), body)
    return out


def citations(text: str) -> list[str]:
    """Every section id ``text`` cites, in order of first citation."""
    ids: list[str] = []
    for m in CITATION.finditer(text):
        for sid in [m.group(1), *_MORE.findall(m.group(2))]:
            if sid not in ids:
                ids.append(sid)
    return ids


def cited_sections(text: str) -> tuple[list[Section], list[str]]:
    """The sections ``text`` cites, and the cited ids the sheet does not have."""
    have = sections()
    ids = citations(text)
    return [have[i] for i in ids if i in have], [i for i in ids if i not in have]


__all__ = ["Section", "SourcesMissing", "cited_sections", "citations", "sections", "sources_text"]
