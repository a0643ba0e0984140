"""The balance benchmark of issue 19: regenerates docs/balance.md (and docs/balance.json).

    .venv/bin/python benchmarks/balance.py                # the default sample, a few minutes
    .venv/bin/python benchmarks/balance.py --full         # every built-in agent (much longer)
    .venv/bin/python benchmarks/balance.py --workers 1    # any option of `tradegame balance`

It runs `tradegame balance` with `--out docs/balance.md --json docs/balance.json --force`
and the options given here; the page says which commit it ran on, the command and the time.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    from tradegame.cli import main as tradegame

    return tradegame(
        [
            "balance",
            *argv,
            "--out",
            str(ROOT / "docs" / "balance.md"),
            "--json",
            str(ROOT / "docs" / "balance.json"),
            "--force",
        ]
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
