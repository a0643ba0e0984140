"""A class roster: which students are in which team, and which role each plays.

A roster is a CSV file with a header row naming the columns ``team``, ``student`` and,
optionally, ``role`` (any order, any case; other columns are ignored), one row per student,
the columns separated by commas (or by semicolons or tabs, as some spreadsheets write CSV)::

    team,student,role
    Blue,Ana Lima,JP
    Blue,Ben Ode,US
    Red,Chloe Marsh,

Teams are numbered in the order they first appear (the first is ``team-01.json``). A role is a
player of the scenario or empty. Names are one line of at most 100 characters, without control
characters (they are shown in titles, reports and gradebooks). Every problem is one
:class:`RosterError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tradegame.untrusted import FileRefused, printable, read_regular_file

MAX_ROSTER_BYTES = 1024 * 1024
MAX_TEAMS = 999
MAX_STUDENTS = 50
MAX_NAME = 100


class RosterError(ValueError):
    """A roster that cannot be used; ``str()`` names the file (and line) and the reason."""


@dataclass
class Team:
    name: str
    students: list[tuple[str, str | None]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The save's ``team`` record."""
        return {"name": self.name, "students": [{"name": n, "role": r} for n, r in self.students]}


def _name(text: str, what: str, where: str) -> str:
    text = text.strip()
    if printable(text) != text or "\n" in text or "\t" in text:
        raise RosterError(f"{where}: the {what} has control characters or a line break")
    if len(text) > MAX_NAME:
        raise RosterError(f"{where}: the {what} is longer than {MAX_NAME} characters")
    return text


def read_roster(path: str, players: Sequence[str]) -> list[Team]:
    """The teams of the roster at ``path`` for a scenario with these ``players``."""
    try:
        data = read_regular_file(path, MAX_ROSTER_BYTES, what="roster")
    except FileRefused as exc:
        raise RosterError(f"{path}: {exc}") from None
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's CSV may start with a BOM
    except UnicodeDecodeError as exc:
        raise RosterError(
            f"{path}: not UTF-8 text (byte {exc.start + 1}); save the roster as CSV UTF-8"
        ) from None
    return parse_roster(text, path, players)


def _delimiter(text: str) -> str:
    """``,``, or the ``;`` (or tab) a spreadsheet in a locale whose decimal mark is a comma
    writes between its CSV columns, when the header row holds no comma but one of those."""
    first = text.split("\n", 1)[0]
    if "," not in first:
        for other in (";", "\t"):
            if other in first:
                return other
    return ","


def parse_roster(text: str, shown: str, players: Sequence[str]) -> list[Team]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RosterError(f"{shown}:1: not CSV ({exc})") from None
    if header is None:
        raise RosterError(
            f"{shown}: the roster is empty; it needs a header row "
            f"'team,student,role' and one row per student"
        )
    columns = [h.strip().lower() for h in header]
    for need in ("team", "student"):
        if need not in columns:
            raise RosterError(
                f"{shown}:1: no '{need}' column; the header row must name the "
                f"columns team, student and (optionally) role"
            )
    col_team, col_student = columns.index("team"), columns.index("student")
    col_role = columns.index("role") if "role" in columns else None
    by_lower = {p.lower(): p for p in players}
    teams: dict[str, Team] = {}
    try:
        for row in reader:
            line = reader.line_num
            where = f"{shown}:{line}"
            if not any(cell.strip() for cell in row):
                continue
            cells = row + [""] * (len(columns) - len(row))
            team = _name(cells[col_team], "team name", where)
            student = _name(cells[col_student], "student name", where)
            if not team:
                raise RosterError(f"{where}: the team is empty")
            if not student:
                raise RosterError(f"{where}: the student's name is empty")
            role: str | None = None
            if col_role is not None and cells[col_role].strip():
                given = _name(cells[col_role], "role", where)
                role = by_lower.get(given.lower())
                if role is None:
                    raise RosterError(
                        f"{where}: the role must be a player of the scenario "
                        f"({', '.join(players)}) or empty"
                    )
            entry = teams.get(team.casefold())
            if entry is None:
                if len(teams) == MAX_TEAMS:
                    raise RosterError(f"{where}: more than {MAX_TEAMS} teams")
                entry = teams[team.casefold()] = Team(team)
            if len(entry.students) == MAX_STUDENTS:
                raise RosterError(f"{where}: more than {MAX_STUDENTS} students in team {team}")
            entry.students.append((student, role))
    except csv.Error as exc:
        raise RosterError(f"{shown}:{reader.line_num}: not CSV ({exc})") from None
    if not teams:
        raise RosterError(
            f"{shown}: the roster names no student (one row per student after the header row)"
        )
    return list(teams.values())


def team_label(team: dict[str, Any] | None) -> str:
    """``Blue (Ana Lima JP, Ben Ode US)`` for a save's team record, or ``""``."""
    if not team:
        return ""
    students = ", ".join(
        s["name"] + (f" {s['role']}" if s.get("role") else "") for s in team.get("students", [])
    )
    return team["name"] + (f" ({students})" if students else "")


def students_of(team: dict[str, Any] | None, player: str | None = None) -> str:
    """The students of a team record (those playing ``player`` if given, else all), joined
    with ``; `` (every student plays every role when the roster gives none)."""
    if not team:
        return ""
    people = team.get("students", [])
    if player is not None and any(s.get("role") for s in people):
        people = [s for s in people if s.get("role") in (player, None)]
    return "; ".join(s["name"] for s in people)


__all__ = [
    "MAX_ROSTER_BYTES",
    "RosterError",
    "Team",
    "parse_roster",
    "read_roster",
    "students_of",
    "team_label",
]


def duplicate_students(teams: Sequence[Team]) -> list[str]:
    """One line for each student name (case and spacing aside) given more than once in the
    roster: a slip of the keyboard, or two students of one name whom the grades cannot tell
    apart."""
    seen: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for team in teams:
        for name, _ in team.students:
            key = " ".join(name.casefold().split())
            seen.setdefault(key, []).append(team.name)
            shown.setdefault(key, name)
    return [
        f"{shown[key]} is named {len(where)} times (team{'s' if len(set(where)) > 1 else ''} "
        f"{', '.join(dict.fromkeys(where))}); if they are two students, tell them apart in "
        f"the roster (an initial), since the grades show names only"
        for key, where in seen.items()
        if len(where) > 1
    ]
