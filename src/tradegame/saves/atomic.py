"""Atomic file replacement: a crash or kill at any moment leaves the old file or the new one.

The bytes go to a temporary file in the destination's folder (so the rename never crosses a
file system), which is flushed and fsynced, then renamed over the destination with
:func:`os.replace` (atomic on POSIX and on Windows); finally the folder is fsynced so the
rename itself survives a power cut where the platform allows it. A leftover temporary file
(``.NAME.XXXXXXXX.tmp``, from a kill between creating and renaming it) is never mistaken for a
save: its name starts with a dot and ends in ``.tmp``.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

TMP_SUFFIX = ".tmp"
_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        current = os.umask(0o022)
        os.umask(current)
        _UMASK = current
    return _UMASK


def temp_prefix(name: str) -> str:
    """The prefix of the temporary files written on the way to the file ``name``."""
    return f".{name}."


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring).

    Raises :class:`OSError` (the destination is untouched) on any failure.
    """
    target = Path(path)
    folder = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=TMP_SUFFIX,
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_folder(folder)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
