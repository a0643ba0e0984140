"""Checked scenarios, cached: the engine rules of a scenario text already validated, so that a
game starts without PyYAML, pydantic or the validation (the game screen paints sooner).

An entry is the rules as JSON (never pickle), in one file named by the SHA-256 of the scenario
text, under the user's cache folder (``platformdirs.user_cache_dir("tradegame")/scenarios``,
or ``$TRADEGAME_CACHE_DIR/scenarios``; ``TRADEGAME_CACHE_DIR=`` empty turns the cache off).
Entries are written only after the text passed the loader's full check, and hold a *stamp*:
the hash of the code that turns a text into rules (the scenario package, the engine's rules
and kinds, the untrusted-text rules). Another version of that code never reads them.

A cache file is untrusted input (docs/security.md): it is read with
:func:`tradegame.untrusted.read_regular_file` (a regular file, at most :data:`MAX_ENTRY_BYTES`),
parsed as strict JSON (no NaN or infinity), and every value is checked against the type of the
:class:`~tradegame.engine.rules.Rules` field it fills: every field present, no other key, no
other type, numbers finite, text as the loader leaves it (:func:`tradegame.untrusted.printable`).
An entry that fails any check, names another text or another stamp is ignored (and replaced by
the next check of that text). Nothing in it is run. The folder is used only when it is a
directory of this user's that no other account can write to; it is created 0700.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
import stat
import tempfile
import types
import typing
from pathlib import Path
from typing import Any

from tradegame.engine import rules as _rules
from tradegame.engine.rules import Rules
from tradegame.untrusted import FileRefused, printable, read_regular_file

FORMAT = "tradegame-rules-cache/1"
MAX_ENTRY_BYTES = 4 * 1024 * 1024
MAX_ENTRIES = 64
"""Entries kept; the oldest go first (a class's saves each carry their scenario's text)."""
ENV = "TRADEGAME_CACHE_DIR"


class BadEntry(ValueError):
    """A cache entry that is not what this code writes."""


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_folder() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    configured = os.environ.get(ENV)
    if configured is not None:
        return Path(configured) / "scenarios" if configured else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("tradegame")) / "scenarios"


@functools.cache
def stamp() -> str:
    """The hash of the code that turns a scenario text into rules: an entry written by other
    code (another version, a local change) is never read."""
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.py"))
    # The engine's rules code by its sources (a compiled module's __file__ names no file),
    # and in the compiled build the manifest of what was compiled from which sources.
    engine = here.parent / "engine"
    files += [engine / "rules.py", engine / "kinds.py", engine / "_compiled.json"]
    files.append(here.parent / "untrusted.py")
    digest = hashlib.sha256(FORMAT.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


# --------------------------------------------------------------------------- the codec


def encode(rules: Rules) -> Any:
    """``rules`` as JSON data: every init field of every dataclass, by name."""
    return _encode(rules)


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
    if isinstance(value, frozenset):
        return sorted(_encode(v) for v in value)
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def decode(data: Any) -> Rules:
    """The rules ``data`` holds, checked field by field (raises :class:`BadEntry`)."""
    try:
        result = _decoder(Rules)(data)
    except _Bad as bad:
        raise BadEntry(f"rules{''.join(reversed(bad.path))}: {bad.reason}") from None
    assert isinstance(result, Rules)
    return result


class _Bad(Exception):
    """A value that does not fit, on its way up to :func:`decode` (the path is built only then:
    a sound entry, the usual case, formats no location)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path: list[str] = []  # innermost first

    def within(self, where: object) -> _Bad:
        self.path.append(f".{where}")
        return self


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The types of the fields of ``cls`` (a dataclass of the rules), as
    ``typing.get_type_hints(cls, vars(_rules))`` gives them (a test compares the two), with
    each annotation's text compiled once: most share a few (``float``, ``str``,
    ``tuple[str, ...]``), and typing compiled each field's again, about a third of a hit's
    time."""
    namespace = vars(_rules)
    local = dict(vars(cls))
    return {
        f.name: eval(_compiled(f.type), namespace, local) if isinstance(f.type, str) else f.type
        for f in dataclasses.fields(cls)
    }


@functools.cache
def _compiled(annotation: str) -> types.CodeType:
    return compile(annotation, "<annotation>", "eval")


Decoder = typing.Callable[[Any], Any]


@functools.cache
def _decoder(kind: Any) -> Decoder:
    """The checking decoder of values of type ``kind`` (built once per type: the checks are the
    same for every entry)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        optional = type(None) in typing.get_args(kind)
        options = [_decoder(o) for o in typing.get_args(kind) if o is not type(None)]

        def union(data: Any) -> Any:
            if data is None and optional:
                return None
            for option in options:
                try:
                    return option(data)
                except _Bad:
                    continue
            raise _Bad("no type fits")

        return union
    if kind is str:
        return _text
    if kind is bool:
        return _bool
    if kind is int:
        return _int
    if kind is float:
        return _float
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def many(data: Any) -> Any:
                if type(data) is not list:
                    raise _Bad("not a list")
                out = []
                for n, v in enumerate(data):
                    try:
                        out.append(item(v))
                    except _Bad as bad:
                        raise bad.within(n) from None
                return tuple(out)

            return many
        items = [_decoder(a) for a in args]

        def fixed(data: Any) -> Any:
            if type(data) is not list:
                raise _Bad("not a list")
            if len(data) != len(items):
                raise _Bad(f"{len(items)} values expected")
            out = []
            for n, (v, each) in enumerate(zip(data, items, strict=True)):
                try:
                    out.append(each(v))
                except _Bad as bad:
                    raise bad.within(n) from None
            return tuple(out)

        return fixed
    if origin is frozenset:
        (arg,) = typing.get_args(kind)
        member = _decoder(arg)

        def members(data: Any) -> Any:
            if type(data) is not list:
                raise _Bad("not a list")
            return frozenset(member(v) for v in data)

        return members
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _record_decoder(kind)

    def unexpected(data: Any) -> Any:
        raise _Bad(f"unexpected type {kind!r}")

    return unexpected


def _record_decoder(kind: type) -> Decoder:
    names = [f.name for f in dataclasses.fields(kind) if f.init]
    expected = set(names)
    hints = _hints(kind)
    fields: tuple[tuple[str, Decoder], ...] | None = None

    def record(data: Any) -> Any:
        nonlocal fields
        if type(data) is not dict:
            raise _Bad("not a mapping")
        if data.keys() != expected:
            raise _Bad("fields differ")
        if fields is None:  # built on first use (a type may hold itself), whole, then shared
            fields = tuple((n, _decoder(hints[n])) for n in names)
        values = {}
        for n, field_decoder in fields:
            try:
                values[n] = field_decoder(data[n])
            except _Bad as bad:
                raise bad.within(n) from None
        try:
            return kind(**values)
        except (TypeError, ValueError) as exc:
            raise _Bad(type(exc).__name__) from None

    return record


def _text(data: Any) -> Any:
    if type(data) is not str or printable(data) != data:
        raise _Bad("not text the loader lets through")
    return data


def _bool(data: Any) -> Any:
    if type(data) is not bool:
        raise _Bad("not true or false")
    return data


def _int(data: Any) -> Any:
    if type(data) is not int:
        raise _Bad("not a whole number")
    return data


def _float(data: Any) -> Any:
    if type(data) not in (int, float) or not math.isfinite(data):
        raise _Bad("not a finite number")
    return data


# --------------------------------------------------------------------------- the files


def _entry_path(folder: Path, digest: str) -> Path:
    return folder / f"{digest}.json"


def _private(folder: Path) -> bool:
    """Whether ``folder`` is a directory only this user can write to (else the cache is not
    used: another account could plant entries in it)."""
    try:
        info = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
        return False
    return True


def cached_rules(text: str) -> Rules | None:
    """The checked rules of ``text`` if the cache holds a sound entry for it, else None."""
    folder = cache_folder()
    if folder is None:
        return None
    digest = text_digest(text)
    if not _private(folder):
        return None
    try:
        raw = read_regular_file(_entry_path(folder, digest), MAX_ENTRY_BYTES, what="cache entry")
    except (FileRefused, OSError):
        return None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        if (
            type(data) is not dict
            or set(data) != {"format", "stamp", "text_sha256", "rules"}
            or data["format"] != FORMAT
            or data["stamp"] != stamp()
            or data["text_sha256"] != digest
        ):
            return None
        rules = decode(data["rules"])
    except (BadEntry, ValueError, RecursionError):
        return None
    if rules.digest != digest:
        return None
    return rules


def _refuse_constant(name: str) -> Any:
    raise BadEntry(f"{name} is not a number")


def store_rules(text: str, rules: Rules) -> None:
    """Keep ``rules``, just checked from ``text``, for the next start (best effort: a cache that
    cannot be written changes nothing)."""
    folder = cache_folder()
    if folder is None:
        return
    digest = text_digest(text)
    if rules.digest != digest:
        return
    entry = {"format": FORMAT, "stamp": stamp(), "text_sha256": digest, "rules": encode(rules)}
    try:
        payload = json.dumps(entry, allow_nan=False, separators=(",", ":")).encode("utf-8")
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(tmp, _entry_path(folder, digest))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(folder)
    except (OSError, ValueError):
        return


def _prune(folder: Path) -> None:
    entries = sorted(
        (p for p in folder.glob("*.json") if p.is_file()), key=lambda p: p.stat().st_mtime
    )
    for old in entries[:-MAX_ENTRIES]:
        old.unlink(missing_ok=True)


__all__ = ["cache_folder", "cached_rules", "decode", "encode", "store_rules", "text_digest"]
