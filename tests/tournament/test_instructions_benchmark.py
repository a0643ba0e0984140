"""benchmarks/instructions.py: its argument errors (no valgrind needed) and a smoke test of the
smallest count (when valgrind is installed). Counts are measured by the script, never asserted."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "instructions.py"
SMALL = ROOT / "tests" / "engine" / "small.yaml"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cases", "random,nope"], "unknown case 'nope'"),
        (["--cases", ","], "--cases names no case"),
        (["--games", "0"], "argument --games: must be 1 or more"),
        (["--reps", "-1"], "argument --reps: must be 1 or more"),
        (["--src", "/no/such/checkout/src"], "no tradegame package there"),
        (["--src", str(ROOT)], "no tradegame package there"),  # the checkout, not its src
        (["--no-red-lines", "--scenario", str(SMALL)], "takes a bundled scenario's name"),
        # a relative path that names a .yaml outside scenarios/ is a path too
        (["--no-red-lines", "--scenario", "../tests/engine/small"], "takes a bundled scenario's"),
    ],
)
def test_argument_errors_are_plain_messages(args: list[str], message: str) -> None:
    done = run(*args)
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_without_valgrind_it_says_so(tmp_path: Path) -> None:
    done = run("--cases", "random", env={"PATH": str(tmp_path)})
    assert done.returncode == 1 and "valgrind is not installed" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_scenario_that_does_not_load_is_a_plain_message(tmp_path: Path) -> None:
    # the digest run comes before valgrind: this needs none
    done = run("--cases", "random", "--scenario", str(tmp_path / "missing.yaml"))
    assert done.returncode == 1 and "could not play the random case" in done.stderr
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


def test_the_smallest_count_runs_under_valgrind() -> None:
    """One random game of the small test scenario (about 20 CPU s: two runs under valgrind),
    mispredicted branches counted too."""
    # A missing system program fails, not skips: the README lists valgrind, .ci/run installs it.
    assert shutil.which("valgrind") is not None, (
        "valgrind is not installed (Debian package valgrind; .ci/run installs it)"
    )
    done = run("--cases", "random", "--games", "1", "--scenario", str(SMALL), "--branches")
    assert done.returncode == 0, done.stderr
    line = re.fullmatch(
        r"random\s+(\d+\.\d) M\s+mispredicted\s+(\d+\.\d\d) M\s+digest ([0-9a-f]{16})\s+(\S+)",
        done.stdout.strip(),
    )
    assert line is not None, done.stdout
    # (fewer mispredicted branches than instructions, and some)
    assert 0 < float(line[2]) < float(line[1]) and Path(line[4]) == ROOT / "src"


def test_each_checkout_is_measured_from_a_copy(tmp_path: Path) -> None:
    """The counts read a copy of each checkout made at the start (package and scenarios): a
    checkout edited while the script runs must not change what its runs import."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("instructions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    copy = module.copy_checkout(ROOT / "src", tmp_path / "c0")
    assert copy == tmp_path / "c0" / "src"
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tradegame; from tradegame.scenario.bundled import bundled_scenarios;"
            " print(tradegame.__file__); print(sorted(bundled_scenarios()))",
        ],
        env={"PYTHONPATH": str(copy), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    assert listed[0] == str(copy / "tradegame" / "__init__.py")
    assert "april-2025" in listed[1]  # the scenarios beside the copy's src/
    assert list(copy.rglob("__pycache__"))  # compiled before counting
