"""The methods Python's dataclasses write, compiled once: a faster start.

On Python 3.11, ``@dataclass`` writes each generated method (``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, a frozen class's ``__setattr__`` ...) as source text and compiles it
with ``exec`` when the class is created, at every start: about 400 methods for the engine,
the session and the interface, 180 KB of text, 30-35 ms of CPU before the game screen's first
paint (more than half of the engine's import). :func:`compiled_dataclasses` keeps the compiled
code of those texts, as Python keeps a module's bytecode in ``__pycache__``:

- the cache file sits in ``tradegame/__pycache__`` beside the package's own bytecode (where
  ``sys.pycache_prefix`` puts that bytecode, if set), so it is exactly as trusted as the
  installed program; it is written only where Python writes bytecode (not under
  ``PYTHONDONTWRITEBYTECODE``), and never from another folder;
- an entry is the method's whole source text and its code: a text the cache does not hold
  exactly is compiled as before (a new version of the program or of Python, a class that
  changed); the file carries Python's bytecode magic number and version, and another
  Python's file is ignored;
- the code is what ``exec`` compiles from the text (same file name ``<string>``, no inherited
  ``__future__`` flags), so every class is the same as without the cache; a test compares
  every method of every dataclass with and without it;
- a file that cannot be read or is not this format is ignored (and written again).
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import importlib.util
import marshal
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

HEADER = (
    b"tradegame-dataclass-code/1\n"
    + importlib.util.MAGIC_NUMBER
    + b"\n"
    + sys.version.encode("utf-8", "replace")
    + b"\n"
)
MAX_BYTES = 16 * 1024 * 1024
"""A larger file is not read (the program's own is about 200 KB)."""
MAX_ENTRIES = 4000
"""Texts kept: past this, only those of the last start (old versions' texts go)."""


def cache_path() -> Path | None:
    """The cache file, beside this package's bytecode; None where Python keeps none."""
    try:
        pyc = importlib.util.cache_from_source(__file__)
    except (NotImplementedError, ValueError):  # no sys.implementation.cache_tag
        return None
    return Path(pyc).with_name("dataclass-code." + Path(pyc).name.split(".", 1)[1])


def read_cache(path: Path) -> dict[str, CodeType]:
    """The entries of ``path`` ({} when it is missing, unreadable or not this format)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO: no wait
    except OSError:
        return {}
    try:
        with open(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return {}
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return {}
    if not data.startswith(HEADER):
        return {}
    try:
        entries = marshal.loads(data[len(HEADER) :])
    except Exception:  # ValueError, EOFError, TypeError; SystemError for a bad code object
        return {}
    if not isinstance(entries, dict) or not all(
        type(text) is str and type(code) is CodeType for text, code in entries.items()
    ):
        return {}
    return entries


def write_cache(path: Path, entries: dict[str, CodeType]) -> None:
    """Replace ``path`` with ``entries`` at once (a reader sees the old file or the new one);
    a folder that cannot be written is left as it is."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(HEADER + marshal.dumps(entries))
        os.replace(tmp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)


class _Compiler:
    """``exec`` for the dataclasses module: a text it knows runs its compiled code."""

    def __init__(self, known: dict[str, CodeType]) -> None:
        self.known = known
        self.used: dict[str, CodeType] = {}
        self.missed = 0

    def __call__(self, source: Any, globals: Any = None, locals: Any = None, /) -> None:
        if type(source) is str:
            code = self.known.get(source)
            if code is None:
                # What exec(source) compiles in the dataclasses module (no __future__ there).
                code = compile(source, "<string>", "exec", dont_inherit=True)
                self.missed += 1
            self.used[source] = code
            source = code
        if globals is None:  # exec's own default: the caller's (the dataclasses module's)
            globals = vars(dataclasses)
        builtins.exec(source, globals, locals)


@contextlib.contextmanager
def compiled_dataclasses(path: Path | None = None) -> Iterator[None]:
    """Within this block, dataclasses created (by imports) reuse the code compiled by an
    earlier start; the file is brought up to date afterwards when something was compiled."""
    path = cache_path() if path is None else path
    if path is None or "exec" in vars(dataclasses):  # no cache, or a block already open
        yield
        return
    compiler = _Compiler(read_cache(path))
    dataclasses.exec = compiler  # type: ignore[attr-defined]  # shadows the builtin there
    try:
        yield
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
    if compiler.missed and not sys.dont_write_bytecode:
        entries = {**compiler.known, **compiler.used}
        write_cache(path, entries if len(entries) <= MAX_ENTRIES else compiler.used)
