"""A room's instructor log on disk: ``instructor-log-NN.json`` next to the room's save
(``room-NN.json``; not named ``room-*.json``, so ``report --compare DIR/room-*.json`` still
reads only saves).

The log (pauses, news, injects, rollbacks, early ends, clock moves: ``Match.instructor_log``)
is not part of the game, so the save cannot hold it: a rollback's undone moves, for one, are
only in the log. It is written atomically with every autosave of the room (the same moment,
the same folder, readable by the host's user only) and read back when the host restarts.

A log that cannot be read (edited by hand, cut short by a full disk, replaced by something
else) never stops the class and is never overwritten: it is renamed aside
(``instructor-log-NN.json.unreadable-K``), the host prints where it is broken, and the room's log
goes on with a line saying so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tradegame.untrusted import FileRefused, printable, read_regular_file

LOG_FORMAT = "tradegame-instructor-log"
LOG_VERSION = 1
MAX_LOG_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 100_000
MAX_ENTRY_CHARS = 2_000


class LogUnreadable(ValueError):
    """A log file that is not one: ``str()`` says where (file, line and column, or entry)."""


def log_file(number: int) -> str:
    return f"instructor-log-{number:02d}.json"


def dump_log(number: int, entries: list[str]) -> bytes:
    document = {"format": LOG_FORMAT, "version": LOG_VERSION, "room": number, "entries": entries}
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode()


def write_log(path: Path, number: int, entries: list[str]) -> None:
    """Replace ``path`` atomically (created readable by this user only). Raises OSError."""
    from tradegame.saves.atomic import atomic_write_bytes

    if not path.exists():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    atomic_write_bytes(path, dump_log(number, entries), what="instructor log")


def read_log(path: Path, number: int) -> list[str] | None:
    """The entries of ``path``; None when there is no such file. Raises :class:`LogUnreadable`
    with a located reason; nothing of the file is quoted but its own entries (escaped)."""
    try:
        data = read_regular_file(path, MAX_LOG_BYTES, what="instructor log")
    except FileRefused as exc:
        if exc.kind == "missing":
            return None
        raise LogUnreadable(f"{path}: {exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LogUnreadable(f"{path}: byte {exc.start}: not UTF-8 text") from None
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LogUnreadable(f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    except RecursionError:
        raise LogUnreadable(f"{path}: not an instructor log (nested too deeply)") from None
    if not isinstance(document, dict) or document.get("format") != LOG_FORMAT:
        raise LogUnreadable(f'{path}: not an instructor log (no "format": "{LOG_FORMAT}")')
    if document.get("version") != LOG_VERSION:
        raise LogUnreadable(f"{path}: version: this tradegame reads version {LOG_VERSION}")
    if document.get("room") != number:
        raise LogUnreadable(f"{path}: room: not room {number}'s log")
    extra = sorted(set(document) - {"format", "version", "room", "entries"})
    if extra:
        raise LogUnreadable(f"{path}: {printable(extra[0])[:40]}: not a field of the log")
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise LogUnreadable(f"{path}: entries: expected a list of lines")
    if len(entries) > MAX_ENTRIES:
        raise LogUnreadable(f"{path}: entries: more than {MAX_ENTRIES:,} lines")
    out: list[str] = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, str):
            raise LogUnreadable(f"{path}: entries[{n}]: expected a line of text")
        if len(entry) > MAX_ENTRY_CHARS:
            raise LogUnreadable(f"{path}: entries[{n}]: longer than {MAX_ENTRY_CHARS} characters")
        out.append(printable(entry))
    return out


def set_aside(path: Path) -> Path:
    """Rename an unreadable log out of the way (never over another file); its new name."""
    k = 1
    while True:
        target = path.with_name(f"{path.name}.unreadable-{k}")
        if not os.path.lexists(target):
            try:
                os.link(path, target, follow_symlinks=False)
            except FileExistsError:
                k += 1
                continue
            os.unlink(path)
            return target
        k += 1


def load_log(path: Path, number: int, warn: Any) -> list[str]:
    """The room's log to go on with: the file's entries, or (when it cannot be read) an empty
    log that says so, the file renamed aside and ``warn`` called with the located reason."""
    try:
        return read_log(path, number) or []
    except LogUnreadable as exc:
        try:
            kept = set_aside(path)
        except OSError as move_error:
            raise ValueError(
                f"{exc}; it could not be renamed aside ({move_error.strerror}): move it "
                f"away, then start again"
            ) from None
        warn(f"{exc}; kept as {kept.name}, the room's log starts again")
        return [f"the earlier instructor log could not be read; it is kept as {kept.name}"]


__all__ = [
    "LogUnreadable",
    "dump_log",
    "load_log",
    "log_file",
    "read_log",
    "set_aside",
    "write_log",
]
