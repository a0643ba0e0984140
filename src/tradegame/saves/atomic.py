"""Atomic file replacement: a crash or kill at any moment leaves the old file or the new one.

The bytes go to a temporary file in the destination's folder (so the rename never crosses a
file system), which is flushed and fsynced, then renamed over the destination with
:func:`os.replace` (atomic on POSIX and on Windows); finally the folder is fsynced so the
rename itself survives a power cut where the platform allows it. A leftover temporary file
(``.NAME.XXXXXXXX.tmp``, from a kill between creating and renaming it) is never mistaken for a
save: its name starts with a dot and ends in ``.tmp``.

What may be replaced: a regular file, or nothing (a new file). Anything else at the destination
is refused with :class:`DestinationRefused` before a byte is written: a device (as root,
``--save /dev/full`` once replaced the device node with a JSON file), a FIFO, a socket or a
directory. A symbolic link is itself replaced by the new regular file (its target is never
written, so a link planted in a shared folder cannot redirect the write), unless it points at
one of those refused kinds (``/dev/stdout``, say): then it is refused too, as the user meant
that thing. The check and the rename are two steps; something put at the name in between (by
someone who may write to the folder) is replaced as a directory entry, never opened or
written into.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from tradegame.untrusted import file_kind

TMP_SUFFIX = ".tmp"
_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        current = os.umask(0o022)
        os.umask(current)
        _UMASK = current
    return _UMASK


class DestinationRefused(OSError):
    """The destination is not a file that may be replaced (see the module docstring).

    ``str(exc)`` is the whole message (``/dev/full is a character device, not a save file;
    choose a file name``); ``strerror`` the same after the file name (``it is ...``), for
    callers that put the name first themselves.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(errno.EINVAL, f"it {reason}", path)
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path} {self.reason}"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    return None if stat.S_ISREG(mode) else file_kind(mode)


def check_destination(path: str | os.PathLike[str], what: str = "file") -> None:
    """Raise :class:`DestinationRefused` unless ``path`` is a regular file, a symbolic link
    that is not to a refused kind, or nothing yet."""
    shown = os.fspath(path)
    try:
        st = os.lstat(path)
    except OSError:
        return  # nothing there (or unreachable: the write itself reports that)
    if stat.S_ISLNK(st.st_mode):
        try:
            kind = _kind(os.stat(path).st_mode)
        except OSError:
            return  # a dangling link: the link is replaced
        if kind is not None:
            raise DestinationRefused(
                shown, f"is a symbolic link to {kind}, not a {what}; choose a file name"
            )
        return
    kind = _kind(st.st_mode)
    if kind is not None:
        raise DestinationRefused(shown, f"is {kind}, not a {what}; choose a file name")


def temp_prefix(name: str) -> str:
    """The prefix of the temporary files written on the way to the file ``name``."""
    return f".{name}."


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, what: str = "file", exclusive: bool = False
) -> None:
    """Replace ``path`` with ``data`` atomically (see the module docstring).

    Raises :class:`OSError` (the destination is untouched) on any failure, and its subclass
    :class:`DestinationRefused` when ``path`` is a device, FIFO, socket or directory (``what``
    names the expected kind in the message: "save file"). With ``exclusive`` the file must
    be new: :class:`FileExistsError` if the name is taken (two writers that picked one name).
    """
    check_destination(path, what)
    target = Path(path)
    folder = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=TMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
        if exclusive:
            _link_new(tmp, target)
        else:
            os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_folder(folder)


def _link_new(tmp: str, target: Path) -> None:
    """Give the complete file at ``tmp`` the new name ``target`` (FileExistsError if taken)."""
    try:
        os.link(tmp, target)  # atomic, and fails rather than replace
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network or FAT folders): check, then rename
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


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
