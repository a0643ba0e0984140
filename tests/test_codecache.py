"""The cache of dataclass methods' compiled code (tradegame.codecache): every class made with it
is the one Python makes without it, a file it cannot trust is ignored, and ``tradegame play``
writes it where Python writes bytecode."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradegame import codecache
from tradegame.codecache import HEADER, compiled_dataclasses, read_cache, write_cache

ROOT = Path(__file__).parents[1]

# Imports the modules ``tradegame play`` imports before its first paint (with the cache in a
# given file, or without it), then prints a digest of the code of every method the
# dataclasses module wrote, by class.
PROBE = """
import json, hashlib, sys, types
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
sys.dont_write_bytecode = mode == "read-only"
MODULES = ["textual.app", "tradegame.engine", "tradegame.session.match", "tradegame.ui.app",
           "tradegame.ui.screens.game", "tradegame.agents.builtin"]
if mode == "off":
    for name in MODULES:
        __import__(name)
else:
    from tradegame.codecache import compiled_dataclasses
    with compiled_dataclasses(path):
        for name in MODULES:
            __import__(name)

def sig(code):
    return (code.co_filename, code.co_name, code.co_qualname, code.co_firstlineno,
            code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags,
            code.co_stacksize, code.co_code.hex(), code.co_linetable.hex(),
            code.co_exceptiontable.hex(), code.co_names, code.co_varnames, code.co_freevars,
            code.co_cellvars,
            tuple(sig(c) if isinstance(c, types.CodeType) else repr(c) for c in code.co_consts))

out = {}
for name, module in sorted(sys.modules.items()):
    for cls in list(vars(module).values()):
        if not (isinstance(cls, type) and "__dataclass_fields__" in vars(cls)):
            continue
        for attr, value in sorted(vars(cls).items()):
            code = getattr(value, "__code__", None)
            if code is not None and code.co_filename == "<string>":
                key = f"{cls.__module__}.{cls.__qualname__}.{attr}"
                out[key] = hashlib.sha256(repr(sig(code)).encode()).hexdigest()
print(json.dumps(out))
"""


def _methods(mode: str, path: Path) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    methods: dict[str, str] = json.loads(done.stdout)
    return methods


def test_every_method_is_the_one_python_compiles(tmp_path: Path) -> None:
    path = tmp_path / "dataclass-code"
    without = _methods("off", path)
    assert len(without) > 300  # the engine's, the interface's and Textual's
    assert any(k.startswith("tradegame.engine.rules.Rules.") for k in without)
    cold = _methods("write", path)  # nothing cached yet: compiled, then written
    assert path.exists()
    written = path.stat()
    warm = _methods("write", path)  # every method from the file
    assert without == cold == warm
    # All were found: the file was not written again.
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (written.st_mtime_ns, written.st_ino)
    assert len(read_cache(path)) >= len(without)


def test_a_text_the_cache_does_not_hold_is_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "cache"
    with compiled_dataclasses(path):

        @dataclasses.dataclass(frozen=True)
        class Point:
            x: int
            y: int = 2

    entries = read_cache(path)
    assert entries and all(type(code).__name__ == "code" for code in entries.values())
    # The same kinds of method (__init__, __eq__, __setattr__ ...) for other fields: the cache
    # is keyed by the whole text, so they are compiled, never taken from Point's.
    with compiled_dataclasses(path):

        @dataclasses.dataclass(frozen=True)
        class Other:
            a: str
            b: str = "b"

    assert Other("x") == Other("x", "b") and repr(Other("x")).endswith("Other(a='x', b='b')")
    with pytest.raises(dataclasses.FrozenInstanceError):
        Other("x").a = "y"  # type: ignore[misc]
    assert Point(1) == Point(1, 2) and hash(Point(1)) == hash(Point(1, 2))


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a cache",
        HEADER,  # no entries
        HEADER + b"\x00\x01garbage",
        HEADER + marshal.dumps({"def f(): pass": 1}),  # not code
        HEADER + marshal.dumps([1, 2]),
        b"tradegame-dataclass-code/0\n" + marshal.dumps({}),  # another format or Python
    ],
)
def test_a_file_of_another_format_is_ignored_and_written_again(
    tmp_path: Path, content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = tmp_path / "cache"
    path.write_bytes(content)
    assert read_cache(path) == {}
    with compiled_dataclasses(path):

        @dataclasses.dataclass
        class Item:
            name: str

    assert Item("a") == Item("a") and repr(Item("a")).endswith("Item(name='a')")
    assert read_cache(path)  # replaced by a good file


def test_a_code_object_marshal_refuses_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of this format whose code marshal cannot make (SystemError, not ValueError: a
    byte changed in a code object's header) is ignored, as any other bad file, and written
    again: no traceback at tradegame play's start."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    text = "def f(self):\n    return 1\n"
    payload = bytearray(marshal.dumps({text: compile(text, "<string>", "exec")}))
    payload[33] = 0xFF  # the code's flags
    with pytest.raises(SystemError):
        marshal.loads(bytes(payload))
    path = tmp_path / "cache"
    path.write_bytes(HEADER + bytes(payload))
    assert read_cache(path) == {}
    with compiled_dataclasses(path):

        @dataclasses.dataclass
        class Item:
            name: str

    assert repr(Item("a")).endswith("Item(name='a')")
    assert read_cache(path)  # written again


def test_what_is_not_a_regular_file_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert read_cache(fifo) == {}  # and does not wait for a writer
    assert read_cache(tmp_path) == {}
    assert read_cache(tmp_path / "missing") == {}


def test_nothing_is_written_where_python_writes_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "cache"
    with compiled_dataclasses(path):

        @dataclasses.dataclass
        class Item:
            name: str

    assert not path.exists()


def test_the_hook_is_gone_after_the_block_even_after_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), compiled_dataclasses(tmp_path / "cache"):
        assert "exec" in vars(dataclasses)
        with compiled_dataclasses(tmp_path / "other"):  # nested: the outer block's cache
            pass
        assert "exec" in vars(dataclasses)
        raise RuntimeError
    assert "exec" not in vars(dataclasses)
    assert not (tmp_path / "other").exists()


def test_an_unwritable_folder_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    blocked = tmp_path / "file"
    blocked.write_text("")
    write_cache(blocked / "cache", {})  # its folder is a file: nothing happens
    assert blocked.read_text() == ""


def test_the_file_sits_with_the_packages_bytecode() -> None:
    import importlib.util

    path = codecache.cache_path()
    assert path is not None
    assert path.parent == Path(importlib.util.cache_from_source(codecache.__file__)).parent
    assert path.name == f"dataclass-code.{sys.implementation.cache_tag}.pyc"


def test_tradegame_play_writes_it_where_python_writes_bytecode(tmp_path: Path) -> None:
    """PYTHONPYCACHEPREFIX moves the bytecode, and the cache with it, out of the package; the
    command then stops (no terminal) after the imports it makes before its first screen."""
    env = {
        **os.environ,
        "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache"),
        "TRADEGAME_CACHE_DIR": str(tmp_path / "cache"),
        "TRADEGAME_SAVE_DIR": str(tmp_path / "saves"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "tradegame", "play", "--seat", "JP=human"]
    done = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env
    )
    assert done.returncode == 2 and "needs a terminal" in done.stderr
    found = list((tmp_path / "pycache").rglob("dataclass-code.*"))
    assert len(found) == 1 and found[0].parent.name == "tradegame"
    entries = read_cache(found[0])
    assert len(entries) > 300
    assert any("player_ids" in text for text in entries)  # the engine's Rules
    digest = hashlib.sha256(found[0].read_bytes()).hexdigest()
    # Without PYTHONDONTWRITEBYTECODE unset, nothing new is written (and it is still read).
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, env=env)
    assert hashlib.sha256(found[0].read_bytes()).hexdigest() == digest
