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

from tradegame.engine import kinds as _kinds
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
    files += [Path(_rules.__file__), Path(_kinds.__file__)]
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
    result = _decode(data, Rules, "rules")
    assert isinstance(result, Rules)
    return result


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(_rules))


def _decode(data: Any, kind: Any, where: str) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(data, option, where)
            except BadEntry:
                continue
        raise BadEntry(f"{where}: no type fits")
    if kind is str:
        if type(data) is not str or printable(data) != data:
            raise BadEntry(f"{where}: not text the loader lets through")
        return data
    if kind is bool:
        if type(data) is not bool:
            raise BadEntry(f"{where}: not true or false")
        return data
    if kind is int:
        if type(data) is not int:
            raise BadEntry(f"{where}: not a whole number")
        return data
    if kind is float:
        if type(data) not in (int, float) or not math.isfinite(data):
            raise BadEntry(f"{where}: not a finite number")
        return data
    if origin is tuple:
        args = typing.get_args(kind)
        if type(data) is not list:
            raise BadEntry(f"{where}: not a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(v, args[0], f"{where}.{n}") for n, v in enumerate(data))
        if len(data) != len(args):
            raise BadEntry(f"{where}: {len(args)} values expected")
        return tuple(
            _decode(v, a, f"{where}.{n}") for n, (v, a) in enumerate(zip(data, args, strict=True))
        )
    if origin is frozenset:
        (arg,) = typing.get_args(kind)
        if type(data) is not list:
            raise BadEntry(f"{where}: not a list")
        return frozenset(_decode(v, arg, where) for v in data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if type(data) is not dict:
            raise BadEntry(f"{where}: not a mapping")
        hints = _hints(kind)
        names = [f.name for f in dataclasses.fields(kind) if f.init]
        if set(data) != set(names):
            raise BadEntry(f"{where}: fields differ")
        values = {n: _decode(data[n], hints[n], f"{where}.{n}") for n in names}
        try:
            return kind(**values)
        except (TypeError, ValueError) as exc:
            raise BadEntry(f"{where}: {type(exc).__name__}") from None
    raise BadEntry(f"{where}: unexpected type {kind!r}")


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
