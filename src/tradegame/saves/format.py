"""The save file format (docs/save-format.md): the model, the checksum, encoding, migrations.

A save is one UTF-8 JSON object, data only. This module knows the shape of the document; it
does not replay games (see :mod:`tradegame.saves.store`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from tradegame.untrusted import printable

FORMAT = "tradegame-save"
VERSION = 1
OLDEST_VERSION = 0
MAX_SAVE_BYTES = 16 * 1024 * 1024
# A save of a 276-action game holds about 400 JSON values and nests 3 deep: these bound the
# parser's work (and memory) on any file, far above any real game. The stored scenario text
# goes through the scenario loader's own limits.
MAX_SAVE_VALUES = 100_000
MAX_SAVE_DEPTH = 16
MAX_COUNT = 10**9
"""Bound of the counts (rounds, actions): any real game is far below; messages quote them."""
UNHASHED_FIELDS = ("checksum", "created", "saved")
"""Fields left out of the checksum: the checksum itself and the two timestamps."""

HUMAN = "human"

_HEX64 = r"^[0-9a-f]{64}$"
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)$")


def utc_now() -> str:
    """The current time as ISO-8601 UTC to the second (``2025-04-16T09:30:00Z``)."""
    return format_time(dt.datetime.now(dt.UTC))


def format_time(when: dt.datetime | str) -> str:
    """A timestamp as the save writes it; naive datetimes are taken as UTC."""
    if isinstance(when, str):
        return _check_time(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    when = when.astimezone(dt.UTC)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _check_time(text: str) -> str:
    if not _TIME.match(text):
        raise ValueError(
            f"must be an ISO-8601 UTC time like 2025-04-16T09:30:00Z, got {_show(text)}"
        )
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"is not a real date and time: {_show(text)}") from None
    return text


def _check_seat(text: str) -> str:
    # No control or bidi characters; printable keeps newlines and tabs, a seat has neither.
    if not text.strip() or printable(text) != text or "\n" in text or "\t" in text:
        raise ValueError(f"a seat is 'human' or an agent name, got {_show(text)}")
    return text


def _check_version_text(text: str) -> str:
    # Quoted in every divergence message: one short line, nothing a terminal would act on.
    if len(text) > 40 or printable(text) != text or "\n" in text or "\t" in text:
        raise ValueError(f"must be a version like 0.1.0, got {_show(text)}")
    return text


def _check_name(text: str) -> str:
    # A team's or a student's name: shown in titles, reports and gradebooks, so one line.
    if not text.strip() or printable(text) != text or "\n" in text or "\t" in text:
        raise ValueError(
            f"a name is one line of text without control characters, got {_show(text)}"
        )
    return text


Hex64 = Annotated[str, Field(pattern=_HEX64)]
Timestamp = Annotated[str, AfterValidator(_check_time)]
Seat = Annotated[str, AfterValidator(_check_seat)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Name = Annotated[str, Field(max_length=100), AfterValidator(_check_name)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ScenarioRecord(_Record):
    """The scenario the game is played on, carried in full so the save is self-contained."""

    id: Annotated[str, Field(min_length=1)]
    name: str | None
    sha256: Hex64
    text: str


class StudentRecord(_Record):
    """One student of a team, and the player (role) they play, if the roster says."""

    name: Name
    role: Name | None = None


class TeamRecord(_Record):
    """The team whose game this is (``tradegame worlds``; names from ``--roster``)."""

    name: Name
    students: Annotated[list[StudentRecord], Field(max_length=50)] = []


class RoundRecord(_Record):
    """One resolved round: how many actions the game held then, and the state hash."""

    round: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    actions: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    state_hash: Hex64


class Position(_Record):
    """Where the game stands after the last action."""

    round: Annotated[int, Field(ge=1, le=MAX_COUNT)]
    over: bool
    actions: Count
    state_hash: Hex64


class SaveDocument(_Record):
    """A save file of the current version (field order is the order written)."""

    format: Literal["tradegame-save"]
    version: Literal[1]
    tradegame_version: Annotated[str, Field(min_length=1), AfterValidator(_check_version_text)]
    created: Timestamp
    saved: Timestamp
    scenario: ScenarioRecord
    seed: int
    seats: dict[str, Seat]
    team: TeamRecord | None = None
    """Optional (absent in saves that are not a team's game): added within version 1."""
    actions: list[str]
    rounds: list[RoundRecord]
    position: Position
    checksum: Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]


FIELDS = tuple(SaveDocument.model_fields)


# --------------------------------------------------------------------------- checksum, bytes


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, raw UTF-8 (not \\u escapes), no NaN: the hashed form."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def checksum(doc: Mapping[str, Any]) -> str:
    """``sha256:`` + the sha256 of the canonical JSON of ``doc`` minus the unhashed fields."""
    body = {k: v for k, v in doc.items() if k not in UNHASHED_FIELDS}
    data = canonical_json(body).encode("utf-8", "surrogatepass")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode(doc: Mapping[str, Any]) -> bytes:
    """The bytes of a save file: indented JSON, UTF-8, ending with a newline."""
    return (json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


# --------------------------------------------------------------------------- validation


def validate(doc: Mapping[str, Any]) -> SaveDocument | str:
    """The checked document, or the first problem as ``field: message`` (plus a count)."""
    try:
        model = SaveDocument.model_validate(doc)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = _problem(errors[0])
        more = len(errors) - 1
        return first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
    problem = _consistency(model)
    return problem if problem else model


def _consistency(m: SaveDocument) -> str | None:
    for n, r in enumerate(m.rounds):
        if r.round != n + 1:
            return f"rounds[{n}].round: the rounds must be 1, 2, 3, ... in order, got {r.round}"
        if n and r.actions <= m.rounds[n - 1].actions:
            return (
                f"rounds[{n}].actions: each round ends after more actions than the one "
                f"before, got {r.actions} after {m.rounds[n - 1].actions}"
            )
    return None


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            out += " (key)"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _show(value: Any, limit: int = 40) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = printable(text)  # json.dumps leaves DEL, C1 controls and bidi overrides as they are
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KIND = {
    "str": "a string",
    "int": "a whole number",
    "bool": "true or false",
    "float": "a number",
    "list": "a list",
    "dict": "an object",
    "NoneType": "null",
}


def _got(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return f"got {_show(value)}"
    kind = _KIND.get(type(value).__name__, type(value).__name__)
    return f"got {kind}" + (f" {_show(value)}" if not isinstance(value, (dict, list)) else "")


def _problem(err: Mapping[str, Any]) -> str:
    loc = tuple(err["loc"])
    where = _loc(loc)
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"{where}: this field is missing"
    if kind == "extra_forbidden":
        return f"{where}: unknown field"
    if kind in (
        "string_type",
        "int_type",
        "bool_type",
        "list_type",
        "dict_type",
        "model_type",
        "model_attributes_type",
    ):
        want = {
            "string_type": "a string",
            "int_type": "a whole number",
            "bool_type": "true or false",
            "list_type": "a list",
        }.get(kind, "an object")
        return f"{where}: must be {want}, {_got(value)}"
    if kind == "string_pattern_mismatch":
        if loc[-1] == "checksum":
            return f"{where}: must be 'sha256:' and 64 lowercase hex digits, got {_show(value)}"
        return f"{where}: must be 64 lowercase hex digits (a sha256), got {_show(value)}"
    if kind == "greater_than_equal":
        return f"{where}: must be at least {ctx.get('ge')}, got {_show(value)}"
    if kind == "less_than_equal":
        return f"{where}: must be at most {ctx.get('le')}, got {_show(value)}"
    if kind == "string_too_short":
        return f"{where}: must not be empty"
    if kind == "literal_error":
        return f"{where}: must be {ctx.get('expected')}, got {_show(value)}"
    if kind == "value_error":
        return f"{where}: " + str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {err['msg']}"


# --------------------------------------------------------------------------- migrations


class MigrationError(ValueError):
    """An old document that cannot be brought up to date (the message names the field)."""


def _v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (the draft of tradegame 0.0.x) kept the action list under ``moves`` and had no
    checksum. Version 1 renamed ``moves`` to ``actions`` and added ``checksum``."""
    for new in ("actions", "checksum"):
        if new in doc:
            raise MigrationError(
                f"{new}: unknown field in a version 0 save"
                + (" (version 0 calls it 'moves')" if new == "actions" else "")
            )
    if "moves" not in doc:
        raise MigrationError(
            "moves: this field is missing (a version 0 save keeps its actions under 'moves')"
        )
    out: dict[str, Any] = {}
    for key, value in doc.items():
        out["actions" if key == "moves" else key] = value
    out["version"] = 1
    out["checksum"] = checksum(out)
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1}
"""``MIGRATIONS[v]`` turns a version ``v`` document into a version ``v + 1`` one."""


def migrate(doc: dict[str, Any], version: int) -> dict[str, Any]:
    """Bring a document of an older ``version`` up to :data:`VERSION`, one step at a time."""
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    return doc


def downgrade_to_v0(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The version 0 form of a current document (for tests and for the format's docs)."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key == "checksum":
            continue
        out["moves" if key == "actions" else key] = value
    out["version"] = 0
    return out
