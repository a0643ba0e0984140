"""The optional compiled engine: the engine's modules compiled by mypyc (issue 17). Pure Python
stays the default: nothing here runs unless asked, and every test runs the Python sources.

    .venv/bin/python tools/build_compiled.py build --into /tmp/compiled   # a compiled copy
    PYTHONPATH=/tmp/compiled .venv/bin/tradegame ...                     # play with it
    .venv/bin/python tools/build_compiled.py build                        # in src/ itself
    .venv/bin/python tools/build_compiled.py status [--into DIR]          # what is compiled
    .venv/bin/python tools/build_compiled.py clean [--into DIR]           # back to Python
    .venv/bin/python tools/build_compiled.py verify                       # the check CI runs

``build`` compiles in a temporary copy of the package, with the mypyc of the dev extra's mypy
and a C compiler, then puts the extension modules (one ``.so`` a module, and their shared
library ``tradegame/engine/_compiled__mypyc``) either into ``src/tradegame`` itself, where they
take precedence over the ``.py`` files beside them for every import (the editable install
included), or into a copy of the package made under ``--into DIR`` (its scenarios inside it, as
a wheel has them): ``PYTHONPATH=DIR`` runs it, and ``benchmarks/instructions.py --src DIR``
measures it. A compiled module runs the source it was built from, not the one beside it:
``status`` says which sources changed since (build again, or ``clean``).

``verify`` builds a temporary copy and checks that it plays as the Python sources do: the
compiled modules are the ones imported, the games of ``tests/engine/fingerprint.json`` give
the same hashes, scores, views and projections, and ``benchmarks/instructions.py``'s cases
(random, greedy as shipped and without red lines, what_if) the same digests as the sources
give. ``TRADEGAME_VERIFY_COMPILED=1`` makes ``tests/engine/test_compiled_build.py`` run it.

Left as Python (each says why): the packages' ``__init__`` (a compiled ``tradegame.engine``
imports its shared library, which lives inside it: an import without end), ``actions.py``
(mypyc hands ``dataclass`` a ``ClassVar[str]`` as a plain ``str``, so ``Action.kind`` becomes a
field with a default and every subclass's fields fail) and ``errors.py`` (exceptions subclass
built-in ones). Every other class is a native class (attributes in slots, read by compiled
code directly), the state's classes included (``State``, ``Machine``, ``Game``, ``Projected``,
the news checker's): ``State.__new__`` lets ``copy_as`` and pickle make one without
``__init__``, and ``copy_as`` copies its attributes slot to slot (``State._share_all``: it
has no ``__dict__``). Classes that must stay Python classes carry
``tradegame.engine.plain.python_class`` (see it); docs/bots-and-tournaments.md ("The compiled
engine") has which and why, what else the sources needed and what the build gives.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
ENGINE = Path("tradegame", "engine")
LEFT_AS_PYTHON = ("__init__.py", "actions.py", "errors.py")
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
GROUP = "tradegame.engine._compiled"  # the shared library: tradegame/engine/_compiled__mypyc
MANIFEST = ENGINE / "_compiled.json"  # what was compiled, from which sources
VERIFY_FLAG = "TRADEGAME_VERIFY_COMPILED"

# Run by the build in its copy of the package: mypycify's extensions, built in place.
SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify
modules, opt, group, target = sys.argv[1].split(","), sys.argv[2], sys.argv[3], sys.argv[4]
del sys.argv[1:5]
setup(
    name="tradegame-compiled-engine",
    packages=[],
    ext_modules=mypycify(modules, opt_level=opt, group_name=group, target_dir=target),
)
"""


def compiled_sources(package: Path) -> list[Path]:
    """The engine's modules compiled, relative to the folder holding ``package``."""
    root = package.parent
    return sorted(
        path.relative_to(root)
        for path in (package / "engine").rglob("*.py")
        if path.name not in LEFT_AS_PYTHON
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(into: Path | None, opt: str, jobs: int) -> Path:
    """Compile the engine; the folder holding the compiled ``tradegame`` package."""
    if shutil.which(os.environ.get("CC", "cc")) is None:
        sys.exit("build_compiled: no C compiler (cc) found: install gcc")
    target = SRC if into is None else into.resolve()
    with tempfile.TemporaryDirectory(prefix="tradegame-mypyc-") as tmp:
        stage = Path(tmp, "stage")
        shutil.copytree(
            SRC / "tradegame",
            stage / "tradegame",
            ignore=shutil.ignore_patterns("__pycache__", f"*{SUFFIX}", "_compiled.json"),
        )
        sources = compiled_sources(stage / "tradegame")
        started = time.monotonic(), os.times()
        command = [
            sys.executable,
            "-c",
            SETUP,
            ",".join(map(str, sources)),
            opt,
            GROUP,
            str(Path(tmp, "c")),
            *("build_ext", "--inplace", "--build-temp", str(Path(tmp, "o")), "-j", str(jobs)),
        ]
        done = subprocess.run(command, cwd=stage, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"build_compiled: mypyc failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
        now = os.times()
        cpu = sum(now[2:4]) - sum(started[1][2:4])  # mypyc's and the C compilers' (children)
        print(
            f"built {len(sources)} modules at -O{opt}:"
            f" {time.monotonic() - started[0]:.0f} s, {cpu:.0f} CPU s"
        )
        # (the package's only: setuptools leaves copies in a build folder beside it too)
        package = stage / "tradegame"
        built = sorted(p.relative_to(stage) for p in package.rglob(f"*{SUFFIX}"))
        if into is not None:
            if (target / "tradegame").exists():
                shutil.rmtree(target / "tradegame")
            shutil.copytree(
                stage / "tradegame",
                target / "tradegame",
                ignore=shutil.ignore_patterns("__pycache__", "build"),
            )
            shutil.copytree(REPO / "scenarios", target / "tradegame" / "scenarios")
        else:
            clean(target)
            for path in built:
                shutil.copy2(stage / path, target / path)
        manifest = {
            "opt_level": opt,
            "extensions": [str(p) for p in built],
            "sources": {str(p): _digest(stage / p) for p in sources},
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return target


def status(target: Path) -> int:
    """Print what is compiled in ``target`` and which sources changed since; 1 if any did."""
    manifest_path = target / MANIFEST
    found = sorted(p.relative_to(target) for p in (target / "tradegame").rglob(f"*{SUFFIX}"))
    if not manifest_path.is_file():
        if found:
            print(f"{len(found)} extension modules but no {MANIFEST}: clean, then build again")
            return 1
        print(f"{target}: pure Python (nothing compiled)")
        return 0
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        sources, opt_level = manifest["sources"], manifest["opt_level"]
        if not isinstance(sources, dict):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        print(f"{manifest_path}: not a manifest this tool wrote: clean, then build again")
        return 1
    changed = [
        name
        for name, digest in sources.items()
        if not (target / name).is_file() or _digest(target / name) != digest
    ]
    print(
        f"{target}: {len(sources)} engine modules compiled at"
        f" -O{opt_level}; left as Python: {', '.join(LEFT_AS_PYTHON)}"
    )
    for name in changed:
        print(f"  changed since the build (the compiled one runs): {name}")
    return 1 if changed else 0


def clean(target: Path) -> None:
    """Take the extension modules and the manifest out of ``target``: pure Python again."""
    for path in (target / "tradegame").rglob(f"*{SUFFIX}"):
        path.unlink()
    (target / MANIFEST).unlink(missing_ok=True)


def _run(code: str, src: Path) -> subprocess.CompletedProcess[str]:
    """``code`` run by this interpreter with ``src``'s tradegame first on the path (and the
    checkout, for ``tests``)."""
    env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{REPO}", PYTHONHASHSEED="0")
    env["TRADEGAME_CACHE_DIR"] = ""  # the scenarios checked again, not read from the cache
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )


IMPORTED = """
import sys, sysconfig, tradegame.engine.state as s, tradegame.engine.phases.resolution as r
suffix = sysconfig.get_config_var("EXT_SUFFIX")
sys.exit(0 if s.__file__.endswith(suffix) and r.__file__.endswith(suffix) else s.__file__)
"""

FINGERPRINT = """
import sys
from tests.engine import fingerprint
sys.exit(fingerprint.main([]))
"""

# A tournament's workers get games and rules as pickles: a game pickled and copied halfway
# must play on to the very state the game reached, and the rules come back equal.
PICKLED = """
import copy, pickle, sys
from tradegame.agents.base import play_match
from tradegame.engine.game import Game
from tradegame.scenario import load_rules
for name in ("april-2025", "china-lesson"):
    rules = load_rules(name)
    whole = play_match(rules, 7, dict.fromkeys(rules.player_ids, "greedy"))
    half = Game(rules, 7)
    moves = list(whole.actions)
    for action in moves[: len(moves) // 2]:
        half.apply(action)
    for again in (pickle.loads(pickle.dumps(half)), copy.deepcopy(half)):
        for action in moves[len(moves) // 2 :]:
            again.apply(action)
        if again.state_hash() != whole.state_hash():
            sys.exit(f"{name}: a game pickled or copied halfway played on to another state")
    if pickle.loads(pickle.dumps(rules)) != rules or copy.deepcopy(rules) != rules:
        sys.exit(f"{name}: the rules pickled or copied are not the same")
"""


def verify(opt: str, jobs: int) -> int:
    """Build a temporary compiled copy and compare its play with the sources'; 0 if the same."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import instructions  # the digests of benchmarks/instructions.py's cases

    failures = []
    with tempfile.TemporaryDirectory(prefix="tradegame-verify-") as tmp:
        compiled = build(Path(tmp, "compiled"), opt, jobs)
        done = _run(IMPORTED, compiled)
        if done.returncode != 0:
            failures.append(f"the compiled modules are not the ones imported: {done.stderr}")
        done = _run(FINGERPRINT, compiled)
        print(f"fingerprint games: {done.stdout.strip() or done.stderr.strip()[-2000:]}")
        if done.returncode != 0:
            failures.append("the fingerprint games differ")
        done = _run(PICKLED, compiled)
        said = "the same" if done.returncode == 0 else done.stderr.strip()[-2000:]
        print(f"games pickled and copied halfway: {said}")
        if done.returncode != 0:
            failures.append("games pickled or copied play on differently")
        args = argparse.Namespace(scenario="april-2025", games=10, greedy_games=3, reps=3)
        plain = instructions.without_red_lines("april-2025", Path(tmp))
        for case, scenario in [
            ("random", "april-2025"),
            ("greedy", "april-2025"),
            ("greedy", str(plain)),
            ("what_if", "april-2025"),
        ]:
            args.scenario = scenario
            mine, theirs = (instructions.digest_of(s, case, args) for s in (compiled, SRC))
            label = f"{case} ({Path(scenario).stem})"
            print(f"{label:32s} compiled {mine}  Python {theirs}")
            if mine != theirs:
                failures.append(f"{label} digests differ")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    intro, _, rest = (__doc__ or "").partition("\n\n")
    ap = argparse.ArgumentParser(
        description=intro, epilog=rest, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("command", choices=("build", "status", "clean", "verify"))
    ap.add_argument("--into", type=Path, help="a folder for a compiled copy (default: src/)")
    ap.add_argument("--opt", default="3", choices=("0", "1", "2", "3"), help="C optimisation")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="compilers at once")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error(f"--jobs must be 1 or more, not {args.jobs}")
    target = SRC if args.into is None else args.into.resolve()
    if args.into is not None:
        # A compiled copy replaces the tradegame package under DIR: never the sources' own.
        if target == SRC.resolve():
            ap.error(f"--into {args.into} is the sources' own folder: build without --into")
        if SRC.resolve() in target.parents:  # (a copy of the package inside the package)
            ap.error(f"--into {args.into} is inside the sources' folder: name one outside it")
        if target.exists() and not target.is_dir():
            ap.error(f"--into {args.into} is not a folder")
        if args.command in ("status", "clean") and not (target / "tradegame").is_dir():
            ap.error(f"--into {args.into}: no compiled copy there (no tradegame package)")
    if args.command == "build":
        build(args.into, args.opt, args.jobs)
        return status(target)
    if args.command == "status":
        return status(target)
    if args.command == "clean":
        clean(target)
        return 0
    return verify(args.opt, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
