"""What a player may read of a scenario's text: no source notes, no hindsight (one rule for the
student handouts in :mod:`tradegame.classroom` and the game's screens in
:mod:`tradegame.session.text`).

A scenario's descriptions carry notes for its author and the instructor — ``(facts §1b 22 Jul
✅)``, ``(PLACEHOLDER: no price in facts.md)``, ``(design parameter)`` — that mean nothing to a
player. :func:`strip_notes` is the one rule for them (the screens and the handouts both use
it): in a parenthesis, the notes and what follows them go and what comes before stays
(``(cars: 10% today, facts §3 ✅)`` reads ``(cars: 10% today)``); a parenthesis left empty
goes, unless it marked a figure as a PLACEHOLDER, which reads ``(assumed)``: the reader should
know a figure is the game's assumption, not a sourced fact; a sentence still holding a note
outside any parenthesis goes.

Hindsight is what really happened after the game starts (the July 2025 deals): a sentence is
hindsight if it cites a data-sheet row dated in the last week before the deadline or later,
names such a date with an outcome (a deal, an agreement, the letters...), or speaks of "the
deal" as done (see :func:`is_hindsight`); :func:`drop_hindsight` takes a parenthesis that is
hindsight out alone, then every sentence still hindsight. The last week starts
:data:`HINDSIGHT_DAYS` before the scenario's own deadline (:func:`hindsight_cutoff`), an
extension played in the game changing nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradegame.engine.rules import Rules

HINDSIGHT_DAYS = 7
"""Dates from this many days before the scenario's deadline on are the real outcome."""

NOTE = re.compile(r"facts\s*§|facts\.md|PLACEHOLDER|design parameter|DESIGN\s*§", re.I)
MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:\s*[–-]\s*\d{{1,2}})?\s+{_MONTH}(?:\s+(\d{{4}}))?")
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})\b")
MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{4}})\b")
OUTCOME = re.compile(
    r"\b(deals?|agreed|agreements?|signed|settled|letters?|merged|set|"
    r"concluded|struck)\b",
    re.I,
)
LATER = re.compile(OUTCOME.pattern[:-3] + r"|left open|widened|cut to|raised|later)\b", re.I)
THE_DEAL = re.compile(
    r"\b[Tt]he (?:\w+ )?deal(?:'s| (?:set|raised|cut|gave|included|added|"
    r"lowered|capped))\b"
)
CITED_DATE = re.compile(rf"facts\s*§\s*\w+\s+(\d{{1,2}})(?:\s*[–-]\s*\d{{1,2}})?\s+{_MONTH}")
# A unit of text: a sentence, or a line of a Markdown list or heading.
_UNITS = re.compile(
    r"((?<=[.!?])[\"”’)]?\s+(?=[\"“(*A-Z0-9€$¥£])"  # a sentence's end
    r"|\n\s*\n"  # a blank line
    r"|\n(?=\s*(?:[-*+]|\d+\.|#)\s))"
)  # a list item or heading


def _parentheses(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost balanced parenthesis."""
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+([.,;:])", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\(\s*\)", "", text)
    return re.sub(r"[ \t]+\n", "\n", text)


PLACEHOLDER = re.compile(r"PLACEHOLDER", re.I)
ASSUMED = "assumed"
"""What a PLACEHOLDER note reads as: the figure is the game's assumption."""


def _clauses(inner: str) -> list[tuple[str, str]]:
    """``inner`` (a parenthesis's content) as (clause, separator) pairs, split at the commas
    and semicolons outside nested parentheses."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch in ",;" and depth == 0:
            out.append((inner[start:i], ch))
            start = i + 1
    out.append((inner[start:], ""))
    return out


def _without_notes(parenthesis: str) -> str:
    """A parenthesis holding a note, as a reader sees it: the clauses before the first note
    (the notes come last: ``(cars: 10% today, facts §3 ✅)``), with "assumed" for a
    PLACEHOLDER; "" when nothing is left."""
    clauses = _clauses(parenthesis[1:-1])
    first = next(k for k, (c, _) in enumerate(clauses) if NOTE.search(c))
    kept = "".join(c + sep for c, sep in clauses[:first]).rstrip(",; \t")
    if any(PLACEHOLDER.search(c) for c, _ in clauses[first:]):
        kept = f"{kept}, {ASSUMED}" if kept.strip() else ASSUMED
    return f"({kept.strip()})" if kept.strip() else ""


def strip_notes(text: str) -> str:
    """``text`` without the author's source notes (the one rule: see the module docstring)."""
    if not NOTE.search(text):
        return text
    out, last = [], 0
    for a, b in _parentheses(text):
        if NOTE.search(text[a:b]):
            shown = _without_notes(text[a:b])
            out.append(text[last:a] + shown if shown else text[last:a].rstrip(" \t"))
            last = b
    out.append(text[last:])
    text = _tidy("".join(out))
    if NOTE.search(text):
        text = _drop_units(text, lambda unit: bool(NOTE.search(unit)))[0]
    return text


def _date_after(unit: str, cutoff: dt.date, deadline: dt.date) -> bool:
    """Whether ``unit`` names a date from ``cutoff`` on (the deadline itself excepted: the
    calendar is no hindsight)."""
    year = cutoff.year
    dates = [
        _date(int(m.group(3) or year), m.group(2), int(m.group(1)))
        for m in DAY_MONTH.finditer(unit)
    ]
    dates += [_date(year, m.group(1), int(m.group(2))) for m in MONTH_DAY.finditer(unit)]
    dates += [_date(int(m.group(2)), m.group(1), 1) for m in MONTH_YEAR.finditer(unit)]
    return any(d is not None and d >= cutoff and d != deadline for d in dates)


def _date(year: int, month: str, day: int) -> dt.date | None:
    try:
        return dt.date(year, MONTHS[month[:3].lower()], day)
    except (ValueError, KeyError):
        return None


def is_hindsight(unit: str, cutoff: dt.date, deadline: dt.date) -> bool:
    """Whether a sentence tells how the real negotiation ended: it cites a data-sheet row dated
    from ``cutoff`` on (the last week before the deadline: the letters and deals of July 2025),
    names such a date with an outcome (a deal, a letter, a ceiling set...), or speaks of "the
    deal" as done. A bare citation is a note, not hindsight (it is stripped anyway). Events
    during the game's window (news the game plays out) are not."""
    plain = strip_notes(unit)
    if THE_DEAL.search(plain):
        return True
    cited = [_date(cutoff.year, m.group(2), int(m.group(1))) for m in CITED_DATE.finditer(unit)]
    if any(d is not None and d >= cutoff for d in cited) and LATER.search(plain):
        return True
    return bool(OUTCOME.search(plain)) and _date_after(plain, cutoff, deadline)


def _drop_units(text: str, drop: Callable[[str], bool]) -> tuple[str, list[str]]:
    parts = _UNITS.split(text)
    kept: list[str] = []
    dropped: list[str] = []
    for k in range(0, len(parts), 2):
        unit = parts[k]
        sep = parts[k + 1] if k + 1 < len(parts) else ""
        if unit.strip() and drop(unit):
            dropped.append(" ".join(unit.split()))
            if "\n\n" in sep and kept:  # keep paragraph breaks
                kept[-1] = kept[-1].rstrip() + sep
            continue
        kept.append(unit + sep)
    kept_text = _tidy("".join(kept)).strip("\n").rstrip(" \t")
    return kept_text + ("\n" if text.endswith("\n") else ""), dropped


def drop_hindsight(
    text: str, cutoff: dt.date, deadline: dt.date, taken: list[str] | None = None
) -> str:
    """``text`` without hindsight: hindsight parentheses out of every sentence, then the
    sentences still hindsight (each appended to ``taken``, without notes)."""
    if taken is None:
        taken = []

    def unit_hindsight(unit: str) -> bool:
        return is_hindsight(unit, cutoff, deadline)

    parts = _UNITS.split(text)
    for k in range(0, len(parts), 2):
        unit, out, last = parts[k], [], 0
        for a, b in _parentheses(unit):
            if unit_hindsight(unit[a:b]):
                taken.append(strip_notes(unit[a + 1 : b - 1]))
                out.append(unit[last:a].rstrip(" \t"))
                last = b
        parts[k] = "".join(out) + unit[last:]
    text, dropped = _drop_units("".join(parts), unit_hindsight)
    taken.extend(strip_notes(d) for d in dropped)
    return text


def student_text(
    text: str,
    cutoff: dt.date,
    deadline: dt.date,
    hindsight: bool = False,
    taken: list[str] | None = None,
) -> str:
    """``text`` for a student: notes stripped and, unless ``hindsight``, hindsight dropped
    (appended to ``taken``)."""
    if not hindsight:
        text = drop_hindsight(text, cutoff, deadline, taken)
    return strip_notes(text)


def hindsight_cutoff(deadline: dt.date) -> dt.date:
    """The first day whose events are the real outcome, for a scenario whose own deadline is
    ``deadline``."""
    return deadline - dt.timedelta(days=HINDSIGHT_DAYS)


def hindsight_dates(rules: Rules) -> tuple[dt.date, dt.date]:
    """``(cutoff, deadline)`` of a scenario: its own deadline and the first day of hindsight."""
    c = rules.calendar
    deadline = dt.date.fromisoformat(c.window_start) + dt.timedelta(days=c.deadline_day)
    return hindsight_cutoff(deadline), deadline


__all__ = [
    "ASSUMED",
    "HINDSIGHT_DAYS",
    "drop_hindsight",
    "hindsight_cutoff",
    "hindsight_dates",
    "is_hindsight",
    "strip_notes",
    "student_text",
]
