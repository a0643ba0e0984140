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
