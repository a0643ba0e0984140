"""The optional compiled engine (``tools/build_compiled.py``): the tests run the Python sources,
and the compiled build, verified when asked, plays as they do.

The verification builds the engine with mypyc and a C compiler (minutes of CPU), so it runs only
with ``TRADEGAME_VERIFY_COMPILED=1``: ``.ci/run`` sets it in a step of its own after the suite.
"""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tradegame
from tradegame.engine.plain import python_class

ROOT = Path(__file__).resolve().parents[2]


def test_the_tests_run_the_python_sources() -> None:
    # An in-place build (build_compiled.py build) puts extension modules beside the sources,
    # and every import then takes them: the suite would test the compiled engine, or an older
    # one built from other sources. `build_compiled.py clean` takes them out.
    package = Path(tradegame.__file__).parent
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    compiled = [p.name for p in package.rglob("*") if p.name.endswith(suffixes)]
    assert not compiled, f"in {package} (tools/build_compiled.py clean): {compiled}"


def test_python_class_is_the_class_itself() -> None:
    class Kept:
        pass

    assert python_class(Kept) is Kept


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("TRADEGAME_VERIFY_COMPILED") != "1",
    reason="builds the compiled engine (minutes): TRADEGAME_VERIFY_COMPILED=1 runs it",
)
def test_the_compiled_engine_plays_as_the_sources() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_compiled.py"), "verify"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-4000:]
    assert "fingerprint games: identical" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--into", str(ROOT / "src")], "is the sources' own folder"),
        (["build", "--into", str(ROOT / "src" / "tradegame")], "is inside the sources' folder"),
        (["status", "--into", str(ROOT / "src" / "x" / "y")], "is inside the sources' folder"),
        (["build", "--jobs", "0"], "--jobs must be 1 or more, not 0"),
        (["status", "--into", "{missing}"], "no compiled copy there (no tradegame package)"),
        (["clean", "--into", "{missing}"], "no compiled copy there (no tradegame package)"),
        (["status", "--into", "{file}"], "is not a folder"),
    ],
)
def test_arguments_it_cannot_use_are_plain_messages(
    tmp_path: Path, args: list[str], message: str
) -> None:
    # Refused before anything is compiled, copied or taken out (a build --into the sources'
    # folder would replace the package it copies from).
    (tmp_path / "file").write_text("")
    args = [a.format(missing=tmp_path / "missing", file=tmp_path / "file") for a in args]
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_compiled.py"), *args],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_manifest_it_did_not_write_is_a_plain_message(tmp_path: Path) -> None:
    engine = tmp_path / "tradegame" / "engine"
    engine.mkdir(parents=True)
    for text in ("{not json", "[1]", '{"sources": [], "opt_level": "3"}', "{}"):
        (engine / "_compiled.json").write_text(text)
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tools" / "build_compiled.py"),
                "status",
                "--into",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1, (text, done.stderr)
        assert "not a manifest this tool wrote: clean, then build again" in done.stdout, text
        assert "Traceback" not in done.stderr
