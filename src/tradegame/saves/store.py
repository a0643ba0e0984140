"""Writing and loading saves: a game is (scenario, seed, actions); a save carries exactly that.

:func:`save_game` checks that the game replays to itself before writing, so what it writes
loads; :func:`load_game` reads a file defensively (size, type, encoding, JSON, version), brings
old versions up to date, checks the fields, the scenario text against its hash, then replays
every action through the engine and checks each round's state hash, the final state and the
checksum. Every problem is one :class:`SaveError` naming the file; no traceback escapes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tradegame import __version__
from tradegame.engine import Game, Rules, parse
from tradegame.engine.errors import IllegalActionError, InvalidActionError
from tradegame.saves import format as fmt
from tradegame.saves.atomic import atomic_write_bytes
from tradegame.saves.errors import SaveError
from tradegame.untrusted import FileRefused, printable, read_regular_file


@dataclass(frozen=True)
class SaveMeta:
    """What a save says about itself besides the game."""

    path: str
    version: int
    """The format version of the file as stored (before any migration)."""
    migrated_from: int | None
    tradegame_version: str
    created: str
    saved: str
    scenario_name: str | None
    round_ends: tuple[int, ...]
    """``round_ends[n]`` is the number of actions when round ``n + 1`` was resolved."""
    checksum_verified: bool

    def round_start(self, round_no: int) -> int:
        """How many actions come before round ``round_no``'s first action."""
        return 0 if round_no <= 1 else self.round_ends[round_no - 2]


@dataclass
class LoadedGame:
    """A verified game and what came with it."""

    game: Game
    seats: dict[str, str]
    rules: Rules
    scenario_text: str
    meta: SaveMeta
    doc: Mapping[str, Any] = field(repr=False, default_factory=dict)
    team: dict[str, Any] | None = None
    """The save's optional ``team`` record (``{"name": ..., "students": [{"name", "role"}]}``)."""


# --------------------------------------------------------------------------- scenario texts

_RULES_CACHE: OrderedDict[str, Rules] = OrderedDict()
_RULES_CACHE_SIZE = 8
_KNOWN_TEXTS: dict[str, tuple[str, str | None]] = {}
_BUNDLED: dict[str, tuple[str, str]] = {}


def remember_scenario(text: str, name: str | None = None) -> None:
    """Let :func:`save_game` find this scenario text by its hash in this process (for a
    caller that loaded a scenario file and cannot pass ``scenario_text`` where it saves)."""
    _KNOWN_TEXTS.setdefault(fmt.text_sha256(text), (text, name))


def _find_scenario_text(digest: str) -> tuple[str, str | None] | None:
    """A bundled scenario with this digest (by name), else a text seen in a loaded save."""
    if digest not in _BUNDLED:
        from tradegame.scenario.loader import (
            ScenarioError,
            bundled_scenarios,
            load_scenario_text,
        )

        for name in bundled_scenarios():
            try:
                text, _ = load_scenario_text(name)
            except ScenarioError:
                continue
            _BUNDLED[fmt.text_sha256(text)] = (text, name)
    if digest in _BUNDLED:
        return _BUNDLED[digest]
    return _KNOWN_TEXTS.get(digest)


def rules_for_text(text: str, shown: str) -> Rules:
    """Rules from scenario text, cached by the text's hash (raises ScenarioError)."""
    from tradegame.scenario import rules_from_text

    digest = fmt.text_sha256(text)
    rules = _RULES_CACHE.get(digest)
    if rules is None:
        rules = rules_from_text(text, shown)
        _RULES_CACHE[digest] = rules
        while len(_RULES_CACHE) > _RULES_CACHE_SIZE:
            _RULES_CACHE.popitem(last=False)
    else:
        _RULES_CACHE.move_to_end(digest)
    return rules


# --------------------------------------------------------------------------- writing


def build_document(
    game: Game,
    seats: Mapping[str, str],
    *,
    scenario_text: str,
    scenario_name: str | None,
    created: str,
    saved: str,
    round_ends: list[int],
    team: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The save document of ``game`` (see docs/save-format.md), checksum included."""
    doc: dict[str, Any] = {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "tradegame_version": __version__,
        "created": created,
        "saved": saved,
        "scenario": {
            "id": game.rules.id,
            "name": scenario_name,
            "sha256": fmt.text_sha256(scenario_text),
            "text": scenario_text,
        },
        "seed": game.seed,
        "seats": {p: seats[p] for p in game.rules.player_ids},
    }
    if team is not None:  # optional: a save without it hashes exactly as before the field
        doc["team"] = fmt.TeamRecord.model_validate(team).model_dump()
    doc |= {
        "actions": [str(a) for a in game.actions],
        "rounds": [
            {"round": n + 1, "actions": end, "state_hash": h}
            for n, (end, h) in enumerate(zip(round_ends, game.round_hashes, strict=True))
        ],
        "position": {
            "round": game.round,
            "over": game.is_over(),
            "actions": len(game.actions),
            "state_hash": game.state_hash(),
        },
    }
    doc["checksum"] = fmt.checksum(doc)
    return doc


def resolved(game: Game, round_before: int) -> bool:
    """Whether the action just applied (to a game that was not over) resolved a round.

    A resolution moves the game to the next round or ends it; one action resolves at most one.
    """
    return game.round != round_before or game.is_over()


def _self_check(game: Game, shown: str) -> list[int]:
    """Replay the game from its notation; the round ends. Raises SaveError on a mismatch."""
    copy = Game.new(game.rules, game.seed)
    ends: list[int] = []
    for n, action in enumerate(game.actions):
        text = str(action)
        before = copy.round
        try:
            again = parse(text)
            if again != action:
                raise InvalidActionError(f"{text!r} parses back as {again!r}")
            copy.apply(again)
        except (InvalidActionError, IllegalActionError) as exc:
            raise SaveError(
                shown,
                f"cannot save: action {n + 1} ({text!r}) does not replay "
                f"({exc}); this is a bug in the engine",
            ) from None
        if resolved(copy, before):
            ends.append(n + 1)
    if copy.round_hashes != game.round_hashes or copy.state_hash() != game.state_hash():
        raise SaveError(
            shown,
            "cannot save: replaying the game's actions does not reproduce "
            "its state; this is a bug in the engine",
        )
    return ends


def make_document(
    game: Game,
    seats: Mapping[str, str],
    *,
    shown: str = "<save>",
    created: dt.datetime | str | None = None,
    scenario_text: str | None = None,
    scenario_name: str | None = None,
    team: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Check ``game`` and ``seats`` and build the document :func:`save_game` writes."""
    rules = game.rules
    missing = [p for p in rules.player_ids if p not in seats]
    unknown = [p for p in seats if p not in rules.player_ids]
    if missing or unknown:
        what = (
            f"no seat for {', '.join(missing)}"
            if missing
            else f"seats for unknown players {', '.join(unknown)}"
        )
        raise SaveError(shown, f"cannot save: {what} (players: {', '.join(rules.player_ids)})")
    for p in rules.player_ids:
        try:
            fmt._check_seat(seats[p])
        except (ValueError, TypeError):
            raise SaveError(
                shown,
                f"cannot save: the seat of {p} must be 'human' or an agent name, got {seats[p]!r}",
            ) from None
    if scenario_text is None:
        found = _find_scenario_text(rules.digest) if rules.digest else None
        if found is None:
            raise SaveError(
                shown,
                f"cannot save: scenario {rules.id!r} is not a bundled "
                f"scenario and its text was not given to save_game "
                f"(scenario_text=...); this is a bug in the caller",
            )
        scenario_text, bundled_name = found
        scenario_name = scenario_name or bundled_name
    elif rules.digest and fmt.text_sha256(scenario_text) != rules.digest:
        raise SaveError(
            shown,
            f"cannot save: the scenario text given is not the text the "
            f"game's scenario {rules.id!r} was loaded from",
        )
    try:
        created_text = fmt.format_time(created) if created is not None else fmt.utc_now()
    except ValueError as exc:
        raise SaveError(shown, f"cannot save: created {exc}") from None
    if team is not None:
        try:
            fmt.TeamRecord.model_validate(team)
        except ValidationError as exc:
            raise SaveError(
                shown,
                f"cannot save: the team record: {fmt._problem(exc.errors(include_url=False)[0])}",
            ) from None
    ends = _self_check(game, shown)
    return build_document(
        game,
        seats,
        scenario_text=scenario_text,
        scenario_name=scenario_name,
        created=created_text,
        saved=fmt.utc_now(),
        round_ends=ends,
        team=team,
    )


def encode_document(doc: Mapping[str, Any], shown: str) -> bytes:
    try:
        data = fmt.encode(doc)
    except (UnicodeEncodeError, ValueError) as exc:
        raise SaveError(
            shown, f"cannot save: the game holds text that cannot be written as UTF-8 JSON ({exc})"
        ) from None
    if len(data) > fmt.MAX_SAVE_BYTES:
        raise SaveError(
            shown,
            f"cannot save: the save would be {len(data)} bytes, more than "
            f"the limit of {fmt.MAX_SAVE_BYTES // 2**20} MiB",
        )
    return data


def write_document(
    path: str | os.PathLike[str], doc: Mapping[str, Any], *, exclusive: bool = False
) -> None:
    """Encode and atomically write a document; OS errors become :class:`SaveError`, except
    :class:`FileExistsError` with ``exclusive`` (the name is taken; pick another)."""
    shown = os.fspath(path)
    data = encode_document(doc, shown)
    try:
        atomic_write_bytes(path, data, what="save file", exclusive=exclusive)
    except OSError as exc:
        if exclusive and isinstance(exc, FileExistsError):
            raise
        raise SaveError(
            shown,
            f"cannot write the save: {_os_reason(exc, path)}; any earlier file there is untouched",
        ) from None


def save_game(
    path: str | os.PathLike[str],
    game: Game,
    seats: Mapping[str, str],
    *,
    created: dt.datetime | str | None = None,
    scenario_text: str | None = None,
    scenario_name: str | None = None,
    team: Mapping[str, Any] | None = None,
) -> None:
    """Write ``game`` to ``path`` atomically (the old file or the new one, never a mix).

    ``seats`` maps every player to ``"human"`` or an agent spec. ``created`` is when the game
    was first saved (default now). The scenario text is ``scenario_text``, or found by the
    rules' digest among the bundled scenarios and the texts given to
    :func:`remember_scenario`. ``team`` is the optional team record (a team's game).
    Raises :class:`SaveError`.
    """
    shown = os.fspath(path)
    doc = make_document(
        game,
        seats,
        shown=shown,
        created=created,
        scenario_text=scenario_text,
        scenario_name=scenario_name,
        team=team,
    )
    write_document(path, doc)


def _os_reason(exc: OSError, path: str | os.PathLike[str]) -> str:
    import errno

    folder = Path(path).parent
    if exc.errno == errno.ENOENT and not folder.is_dir():
        return f"the folder {os.fspath(folder) or '.'} does not exist"
    if exc.errno == errno.ENOENT:  # e.g. /proc: a folder where no file can be made
        return f"no file can be created in the folder {os.fspath(folder) or '.'}"
    if exc.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST) or Path(path).is_dir():
        return "it is a directory"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    return exc.strerror or str(exc)


# --------------------------------------------------------------------------- reading


def read_document(path: str | os.PathLike[str]) -> tuple[dict[str, Any], int]:
    """Read, decode and parse a save file; the raw document and its stored version."""
    shown = os.fspath(path)

    def fail(problem: str) -> SaveError:
        return SaveError(shown, problem)

    try:
        # Regular files only (a device reports size 0, a FIFO blocks), at most the limit.
        data = read_regular_file(path, fmt.MAX_SAVE_BYTES, what="save file")
    except FileRefused as exc:
        raise fail(str(exc) + (" for a save" if exc.kind == "too-large" else "")) from None
    return parse_document(data, shown)


def parse_document(data: bytes, shown: str) -> tuple[dict[str, Any], int]:
    """Decode and parse a save's bytes (a file's, or a save pasted into a browser); the raw
    document and its stored version. ``shown`` starts every message."""

    def fail(problem: str) -> SaveError:
        return SaveError(shown, problem)

    if len(data) > fmt.MAX_SAVE_BYTES:
        raise fail(f"the file is larger than the {fmt.MAX_SAVE_BYTES >> 20} MiB limit for a save")
    if not data.strip():
        raise fail("the file is empty" if not data else "the file holds only blank space")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.end >= len(data) and "end of data" in str(exc.reason):
            raise fail(
                f"the file is truncated: it ends after {len(data)} bytes, in the "
                f"middle of a character"
            ) from None
        raise fail(
            f"the file is corrupt: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            f"is not UTF-8 text (a save is a JSON text file)"
        ) from None
    doc = _parse_json(text, shown)
    if not isinstance(doc, dict):
        kind = {
            "list": "list",
            "str": "string",
            "int": "number",
            "float": "number",
            "bool": "true/false value",
            "NoneType": "null",
        }.get(type(doc).__name__, "value")
        raise fail(f"not a tradegame save: the file holds a JSON {kind}, not an object")
    # Until "format" says this is a save, messages name no value from the file: it may be
    # any JSON document (a config with secrets, say).
    if "format" not in doc:
        raise fail(f'not a tradegame save: it has no "format": "{fmt.FORMAT}" field')
    if doc["format"] != fmt.FORMAT:
        what = (
            "a tradegame scenario"
            if isinstance(doc["format"], str) and doc["format"].startswith("tradegame-scenario")
            else "something else"
        )
        raise fail(f'not a tradegame save: its "format" is not "{fmt.FORMAT}" (the file is {what})')
    try:
        fmt.canonical_json(doc).encode("utf-8")
    except UnicodeEncodeError:
        raise fail(
            "the file is corrupt: it holds an unpaired \\uD800-\\uDFFF escape, which is not text"
        ) from None
    version = doc.get("version")
    if "version" not in doc:
        raise fail("version: this field is missing")
    if type(version) is not int:
        raise fail(f"version: must be a whole number, {fmt._got(version)}")
    if version > fmt.VERSION:
        by = doc.get("tradegame_version")
        # Not yet checked: shown escaped and short, like any value of the file.
        who = f" (it was written by tradegame {printable(by[:40])})" if isinstance(by, str) else ""
        if version > fmt.MAX_COUNT:
            raise fail(f"version: must be at most {fmt.MAX_COUNT}, got {fmt._show(version)}")
        raise fail(
            f"save format version {version} is newer than this tradegame "
            f"({__version__}) can read (up to version {fmt.VERSION}){who}; "
            f"upgrade tradegame"
        )
    if version < fmt.OLDEST_VERSION:
        raise fail(
            f"unknown save format version {version} (this tradegame reads versions "
            f"{fmt.OLDEST_VERSION} to {fmt.VERSION})"
        )
    return doc, version


class _DuplicateKey(ValueError):
    pass


# A JSON string, so that the brackets and commas counted are the document's own.
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{},]')
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")
# Field names a duplicate-key message may quote: tradegame's own, not the file's.
_FIELD_NAMES = frozenset(fmt.FIELDS) | {
    "moves",
    "id",
    "name",
    "sha256",
    "text",
    "round",
    "actions",
    "state_hash",
    "over",
}


def _shape_problem(text: str) -> str | None:
    """Whether the JSON text has more values or deeper nesting than a save may (checked
    before parsing, at C speed: the count of commas and brackets outside strings bounds the
    number of values)."""
    bare = _JSON_STRING.sub("0", text)
    values = bare.count(",") + bare.count("[") + bare.count("{") + 1
    if values > fmt.MAX_SAVE_VALUES:
        return (
            f"too large for a save: it holds more than {fmt.MAX_SAVE_VALUES} JSON values, "
            f"the limit{_where(text, values=True)}"
        )
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", bare):  # at most MAX_SAVE_VALUES of them
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > fmt.MAX_SAVE_DEPTH:
        return (
            f"too deep for a save: its JSON nests deeper than {fmt.MAX_SAVE_DEPTH} levels, "
            f"the limit{_where(text, values=False)}"
        )
    return None


def _where(text: str, *, values: bool) -> str:
    """`` at line L, column C``: where the value or depth limit is first crossed."""
    count = depth = 0
    for steps, match in enumerate(_JSON_TOKEN.finditer(text)):
        if steps > 4 * fmt.MAX_SAVE_VALUES:  # bounded even on a file of bare strings
            return ""
        token = match.group()
        if values and token in ",[{":
            count += 1
            if count + 1 > fmt.MAX_SAVE_VALUES:
                break
        elif not values and token in "[{]}":
            depth += 1 if token in "[{" else -1
            if depth > fmt.MAX_SAVE_DEPTH:
                break
    else:
        return ""
    before = text[: match.start()]
    line = before.count("\n") + 1
    return f" (at line {line}, column {match.start() - before.rfind(chr(10))})"


def _parse_json(text: str, shown: str) -> Any:
    problem = _shape_problem(text)
    if problem is not None:
        raise SaveError(shown, problem)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _DuplicateKey(key)
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise _DuplicateKey("\0" + name)

    too_large: list[bool] = []

    def number(digits: str) -> Any:
        value = float(digits)
        if value in (_INF, -_INF):  # 1e999: JSON allows it, Python reads it as infinity
            too_large.append(True)
            return _TOO_LARGE
        return value

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_float=number)
    except _DuplicateKey as exc:
        key = str(exc)
        if key.startswith("\0"):
            raise SaveError(shown, f"the file is corrupt: {key[1:]} is not a JSON number") from None
        named = f"the field {fmt._show(key)}" if key in _FIELD_NAMES else "a field"
        raise SaveError(
            shown, f"the file is corrupt: {named} appears twice in one object"
        ) from None
    except json.JSONDecodeError as exc:
        body = text.rstrip()
        if _ends_early(exc, body):
            raise SaveError(
                shown,
                f"the file is truncated: the JSON ends at line "
                f"{body.count(chr(10)) + 1} before the save is "
                f"complete",
            ) from None
        if exc.msg == "Extra data":
            raise SaveError(
                shown,
                f"the file is corrupt: unexpected data after the save at "
                f"line {exc.lineno}, column {exc.colno}",
            ) from None
        raise SaveError(
            shown,
            f"the file is corrupt: not valid JSON at line {exc.lineno}, "
            f"column {exc.colno} ({exc.msg})",
        ) from None
    except RecursionError:
        raise SaveError(shown, "the file is corrupt: its JSON is nested too deeply") from None
    except ValueError:  # an integer with more digits than Python converts
        raise SaveError(shown, "the file is corrupt: a number in it has too many digits") from None
    if too_large:
        raise SaveError(
            shown,
            f"the file is corrupt: the number at "
            f"{_json_path(doc, _TOO_LARGE)} is too large (beyond any "
            f"finite number)",
        )
    return doc


_INF = float("inf")
_TOO_LARGE = object()  # stands for a number too large for a float while the path is found


def _json_path(doc: Any, target: object) -> str:
    """The JSON path (``rounds[2].state_hash``) of the first ``target`` in ``doc``, in file
    order; keys that are not save fields are shown as ``?`` (nothing foreign is quoted)."""
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path.removeprefix(".") or "the top level"
        if isinstance(node, dict):
            children = [
                (v, f"{path}.{k}" if k in _FIELD_NAMES else f"{path}.?") for k, v in node.items()
            ]
        elif isinstance(node, list):
            children = [(v, f"{path}[{n}]") for n, v in enumerate(node)]
        else:
            continue
        stack.extend(reversed(children))
    return "an unknown place"  # pragma: no cover (the target is in the document)


def _ends_early(exc: json.JSONDecodeError, body: str) -> bool:
    """Whether the JSON is cut short (a prefix of a document) rather than malformed."""
    if exc.pos >= len(body) or exc.msg.startswith("Unterminated string"):
        return True
    tail = body[exc.pos :]
    if any(lit.startswith(tail) and lit != tail for lit in ("true", "false", "null")):
        return True  # cut inside a literal
    if exc.msg.startswith("Invalid \\uXXXX escape") and len(tail) < 6:
        return True  # cut inside a \u escape
    return re.fullmatch(r"-|\.|[eE][+-]?", tail) is not None  # cut inside a number


def load_game(path: str | os.PathLike[str]) -> LoadedGame:
    """Load and verify a save (see the module docstring); raises :class:`SaveError`."""
    shown = os.fspath(path)
    raw, version = read_document(path)
    return verify_document(raw, version, shown)


def verify_document(raw: dict[str, Any], version: int, shown: str) -> LoadedGame:
    """Check a parsed document of format ``version`` by replaying it; see :func:`load_game`."""
    from tradegame.scenario.loader import ScenarioError

    def fail(problem: str) -> SaveError:
        return SaveError(shown, problem)

    checksum_ok: bool | None = None
    if version >= 1 and isinstance(raw.get("checksum"), str):
        checksum_ok = fmt.checksum(raw) == raw["checksum"]
    doc = raw
    if version < fmt.VERSION:
        try:
            doc = fmt.migrate(dict(raw), version)
        except fmt.MigrationError as exc:
            raise fail(str(exc)) from None
    checked = fmt.validate(doc)
    if isinstance(checked, str):
        raise fail(checked)
    m = checked
    sc = m.scenario
    if fmt.text_sha256(sc.text) != sc.sha256:
        raise fail(
            "wrong scenario: the stored scenario text does not match its recorded "
            "sha256 (the text or the hash was edited)"
        )
    try:
        rules = rules_for_text(sc.text, "scenario.text")
    except ScenarioError as exc:
        first = exc.problems[0] if exc.problems else str(exc)
        more = len(exc.problems) - 1
        raise fail(
            f"the stored scenario does not load: {first}"
            + (f" (and {more} more problems)" if more > 0 else "")
        ) from None
    if rules.id != sc.id:
        raise fail(
            f"wrong scenario: the save names scenario {sc.id!r}, but its stored text is "
            f"scenario {rules.id!r}"
        )
    players = rules.player_ids
    for p in m.seats:
        if p not in players:
            raise fail(
                f"seats: {p!r} is not a player of scenario {rules.id!r} "
                f"(players: {', '.join(players)})"
            )
    for p in players:
        if p not in m.seats:
            raise fail(f"seats: no seat for player {p!r}")
    hint = ""
    if m.tradegame_version != __version__:
        hint = (
            f" (the save was written by tradegame {m.tradegame_version}, this is "
            f"{__version__}: the game rules may have changed)"
        )
    game = Game.new(rules, m.seed)
    ends: list[int] = []
    recorded = m.rounds
    for n, text in enumerate(m.actions):
        rnd = game.round
        try:
            action = parse(text)
        except InvalidActionError as exc:
            raise fail(f"action {n + 1} (round {rnd}) is not an action: {exc}") from None
        try:
            game.apply(action)
        except IllegalActionError as exc:
            raise fail(
                f"the replay diverged in round {rnd}: action {n + 1} ({text!r}) is not "
                f"legal: {exc}{hint}"
            ) from None
        except Exception as exc:  # an engine bug must not show a traceback either
            raise fail(
                f"the replay failed in round {rnd}: action {n + 1} ({text!r}) made the "
                f"engine fail ({type(exc).__name__}: {exc}); please report this "
                f"bug"
            ) from None
        if resolved(game, rnd):
            k = len(ends)
            if k >= len(recorded):
                raise fail(
                    f"the replay diverged in round {rnd}: action {n + 1} resolves the "
                    f"round, but the save records only {len(recorded)} "
                    f"round{'s' if len(recorded) != 1 else ''}{hint}"
                )
            rec = recorded[k]
            if rec.actions != n + 1:
                raise fail(
                    f"the replay diverged in round {rnd}: the round ends at action "
                    f"{n + 1}, the save says at action {rec.actions}{hint}"
                )
            got = game.round_hashes[k]
            if rec.state_hash != got:
                raise fail(
                    f"the replay diverged in round {rnd}: the state hash after the "
                    f"round is {got[:12]}…, the save records {rec.state_hash[:12]}… "
                    f"(the actions or the hashes were edited){hint}"
                )
            ends.append(n + 1)
    if len(recorded) > len(ends):
        raise fail(
            f"the save records {len(recorded)} rounds, but its actions resolve only "
            f"{len(ends)} (actions were removed)"
        )
    pos = m.position
    if pos.actions != len(m.actions):
        raise fail(
            f"the save records {pos.actions} actions, but holds {len(m.actions)} "
            f"(actions were removed or added)"
        )
    final = game.state_hash()
    if pos.state_hash == final and (pos.round != game.round or pos.over != game.is_over()):
        over = "over" if game.is_over() else "not over"
        raise fail(
            f"position: the replay ends in round {game.round} with the game {over}, the "
            f"save records round {pos.round} with the game "
            f"{'over' if pos.over else 'not over'} (the position was edited){hint}"
        )
    if pos.state_hash != final or pos.round != game.round or pos.over != game.is_over():
        raise fail(
            f"the replay diverged in round {game.round}: the final state hash is "
            f"{final[:12]}…, the save records {pos.state_hash[:12]}… (the actions after "
            f"the last resolved round or the position were edited){hint}"
        )
    if checksum_ok is False:
        raise fail(
            "the file was edited after it was saved: its checksum does not match its contents"
        )
    meta = SaveMeta(
        path=shown,
        version=version,
        migrated_from=version if version < fmt.VERSION else None,
        tradegame_version=m.tradegame_version,
        created=m.created,
        saved=m.saved,
        scenario_name=sc.name,
        round_ends=tuple(ends),
        checksum_verified=checksum_ok is True,
    )
    return LoadedGame(
        game=game,
        seats=dict(m.seats),
        rules=rules,
        scenario_text=sc.text,
        meta=meta,
        doc=doc,
        team=m.team.model_dump() if m.team is not None else None,
    )
