"""Reading files and showing text that came from someone else (see ``docs/security.md``).

Two small tools every reader of outside input uses, so the rule lives in one place:

- :func:`read_regular_file` opens a path without blocking (a FIFO does not hang it), refuses
  anything that is not a regular file (a device such as ``/dev/zero`` reports size 0, so the size
  alone proves nothing), and reads at most ``limit`` bytes (a file growing after the check is cut
  off, never read whole).
- :func:`printable` neutralises control characters in text from a scenario, a save or a bot
  before it reaches a terminal: an escape sequence is shown as the characters ``\\x1b[...``, not
  obeyed. Newlines and tabs stay.

Messages built here name the file and the reason, never its content.
"""

from __future__ import annotations

import os
import re
import stat

__all__ = ["FileRefused", "file_kind", "printable", "read_regular_file", "spreadsheet_text"]


class FileRefused(Exception):
    """A path that is not a readable regular file within the size limit.

    ``str(exc)`` is the reason alone (for example ``"is a directory, not a regular file"``),
    for the caller to put after the file name in its own located message.
    """

    def __init__(self, reason: str, *, kind: str = "other") -> None:
        super().__init__(reason)
        self.reason = reason
        #: ``missing``, ``directory``, ``not-regular``, ``permission``, ``too-large``,
        #: ``bad-name`` or ``other`` (for callers that word some cases their own way).
        self.kind = kind


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words (``a named pipe (FIFO)``)."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular_file(path: str | os.PathLike[str], limit: int, *, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises :class:`FileRefused` (with a reason that quotes nothing from the file) when the path
    is missing, is not a regular file (directory, device, FIFO, socket), cannot be read, or holds
    more than ``limit`` bytes. ``what`` names the expected kind in messages ("scenario file").
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused("no such file", kind="missing") from None
    except IsADirectoryError:
        raise FileRefused(f"is a directory, not a {what}", kind="directory") from None
    except PermissionError:
        raise FileRefused("permission denied", kind="permission") from None
    except (ValueError, TypeError):  # a NUL byte in the name, say
        raise FileRefused("not a valid file name", kind="bad-name") from None
    except OSError as exc:
        raise FileRefused(f"cannot open the file ({exc.strerror or type(exc).__name__})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileRefused(f"is a directory, not a {what}", kind="directory")
        if not stat.S_ISREG(mode):
            raise FileRefused(
                f"is {file_kind(mode)}, not a {what}; only regular files are read",
                kind="not-regular",
            )
        if os.fstat(fd).st_size > limit:
            raise FileRefused(_too_large(limit), kind="too-large")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise FileRefused(_too_large(limit), kind="too-large")
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(f"cannot read the file ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)


def _too_large(limit: int) -> str:
    if limit >= 1 << 20 and limit % (1 << 20) == 0:
        shown = f"{limit >> 20} MiB"
    elif limit >= 1 << 10 and limit % (1 << 10) == 0:
        shown = f"{limit >> 10} KiB"
    else:
        shown = f"{limit} bytes"
    return f"the file is larger than the {shown} limit"


# C0 controls but tab and newline, DEL, C1 controls; the Unicode bidirectional marks, overrides
# and isolates that can make text read differently from what it holds; the line and paragraph
# separators some terminals and editors break lines at; and the invisible zero-width space and
# byte-order mark. The engine refuses the same characters in actions (engine/actions.py), and a
# test checks the two sets agree.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``), newlines and tabs kept.

    Use it on any text from a scenario, a save, a bot or a network client before it is written
    to a terminal or shown in the TUI.
    """
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape, text)


def one_line(text: str, limit: int) -> str:
    """Outside text as one line of at most ``limit`` characters: control characters shown as
    escapes (:func:`printable`), every run of white space (newlines and tabs included) one
    space, cut with an ellipsis when longer. Free-text messages are built with it."""
    words = printable(" ".join(text.split()))  # line breaks of every kind are spaces
    return words if len(words) <= limit else words[: max(0, limit - 1)].rstrip() + "…"


def spreadsheet_text(text: str) -> str:
    """``text`` for a CSV cell that a spreadsheet will open: a cell starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return would be read as a formula (OWASP's CSV injection),
    so it gets a leading apostrophe, which spreadsheets show as text. Use it on text cells from
    outside (a save's seats, file and scenario names), never on numbers the program formats."""
    text = printable(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
