"""Instructions to a first screen, counted by valgrind (cachegrind), for the game screen's
first paint against a trivial Textual app (issue 17: at most 1.4×).

    .venv/bin/python benchmarks/first_paint_instructions.py [--src OTHER/src ...] [--runs N]
        [--cases trivial,game,talks,new] [--keep DIR]

Timings on this shared 2-core machine move ±20% from run to run (``ui_startup.py`` gives
them); an instruction count moves by a fraction of a percent. Each case runs in a 100×30
pseudo-terminal under ``valgrind --tool=cachegrind --cache-sim=no`` with
``PYTHONHASHSEED=0``, from a small bootstrap that ends the process (``os._exit``) as soon as
Textual's driver is handed the output holding the case's words ("A trivial Textual app",
"Your move", "Your draft", "New game"), so nothing after the first screen is counted. As in
``ui_startup.py``, the bytecode is written first and one uncounted start per case warms the
cache of checked scenarios and the compiled dataclass methods. ``--src`` adds another
checkout's ``src`` folder (run by this interpreter with ``PYTHONPATH``), measured in turns
with this one; ``--keep DIR`` keeps the cachegrind files for ``cg_annotate``.

Measured, not asserted: DESIGN §7 keeps timings out of the tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ui_startup import TRIVIAL_APP, compile_tree, time_to_screen  # noqa: E402

# Ends the process when the first screen's words reach Textual's driver. Runs the module or
# script given after it, as ``python -m`` or ``python FILE`` would.
BOOT = """
import os, runpy, sys
from textual.drivers import linux_driver
marker = os.environ.pop("TG_FIRST_PAINT_MARKER")
seen = []
_write = linux_driver.LinuxDriver.write
def write(self, data):
    seen.append(data)
    if marker in data or marker in "".join(seen[-4:]):
        os._exit(0)
    _write(self, data)
linux_driver.LinuxDriver.write = write
args = sys.argv[1:]
if args[0] == "-m":
    sys.argv = [args[1], *args[2:]]
    runpy.run_module(args[1], run_name="__main__", alter_sys=True)
else:
    sys.argv = args
    runpy.run_path(args[0], run_name="__main__")
"""

GAME = ["play", "--seat", "JP=human", "--seat", "US=passive", "--seat", "EU=passive"]
GAME += ["--seed", "1"]
CASES = {
    "trivial": (None, "A trivial Textual app"),
    "game": (GAME, "Your move"),
    "talks": (GAME, "Your draft"),
    "new": ([], "New game"),
}


def run_in_pty(command: list[str], env: dict[str, str], timeout: float = 900.0) -> None:
    """Run ``command`` in a 100×30 pty to its end, reading what it writes."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    start = time.monotonic()
    try:
        while proc.poll() is None:
            if time.monotonic() - start > timeout:
                proc.kill()
                raise TimeoutError(f"{command[:3]} still running after {timeout}s")
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    pass
        proc.wait()
    finally:
        os.close(master)


def count(command: list[str], env: dict[str, str], out: Path) -> int:
    """Run ``command`` under cachegrind in a 100×30 pty; the instructions it executed."""
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no"]
    valgrind.append(f"--cachegrind-out-file={out}")
    run_in_pty([*valgrind, *command], env)
    found = re.search(r"^summary:\s+(\d+)", out.read_text(errors="replace"), re.M)
    if not found:
        raise RuntimeError(f"no summary in {out}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", action="append", default=[], help="another checkout's src")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cases", default="trivial,game")
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tg-paint-"))
    keep = args.keep or folder
    keep.mkdir(parents=True, exist_ok=True)
    trivial = folder / "trivial_app.py"
    trivial.write_text(TRIVIAL_APP, encoding="utf-8")
    boot = folder / "boot.py"
    boot.write_text(BOOT, encoding="utf-8")
    import tradegame

    trees = {"this": Path(tradegame.__file__).resolve().parent.parent}
    for n, src in enumerate(args.src):
        trees[f"src{n + 1}:{src}"] = Path(src).resolve()
    for src in trees.values():
        compile_tree(src)
    env = dict(os.environ, TERM="xterm-256color", TEXTUAL_ANIMATIONS="none")
    env.update(TRADEGAME_SAVE_DIR=str(folder), PYTHONHASHSEED="0")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up writes the compiled methods
    jobs: list[tuple[str, str, list[str], dict[str, str]]] = []
    for name in args.cases.split(","):
        argv, marker = CASES[name]
        for tag, src in trees.items():
            if argv is None:
                if tag != "this":
                    continue
                command = [sys.executable, str(trivial)]
            else:
                command = [sys.executable, "-m", "tradegame", *argv]
            cache = folder / f"cache{len(jobs)}"
            job_env = dict(env, TRADEGAME_CACHE_DIR=str(cache), PYTHONPATH=str(src))
            time_to_screen(command, marker.encode(), job_env, timeout=60.0)  # warm-up
            boot_cmd = [sys.executable, str(boot), *command[1:]]
            jobs.append((name, tag, boot_cmd, dict(job_env, TG_FIRST_PAINT_MARKER=marker)))
    counts: dict[tuple[str, str], list[int]] = {(n, t): [] for n, t, _, _ in jobs}
    for run in range(args.runs):
        for name, tag, command, job_env in jobs:
            out = keep / f"{name}.{tag.split(':')[0]}.{run}.cg"
            counts[name, tag].append(count(command, job_env, out))
            print(f"{name:8} {tag:30} run {run}: {counts[name, tag][-1] / 1e6:9.1f} M", flush=True)
    reference = statistics.median(counts["trivial", "this"]) if ("trivial", "this") in counts else 0
    print()
    for (name, tag), values in counts.items():
        median = statistics.median(values)
        ratio = f"{median / reference:.3f}×" if reference else ""
        print(f"{name:8} {tag:30} median {median / 1e6:9.1f} M  {ratio}")
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
