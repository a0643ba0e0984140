"""The balance benchmark of issue 19: regenerates docs/balance.md (and docs/balance.json).

    .venv/bin/python benchmarks/balance.py                # the default sample, a few minutes
    .venv/bin/python benchmarks/balance.py --full         # every built-in agent (much longer)
    .venv/bin/python benchmarks/balance.py --workers 1    # any option of `tradegame balance`

It runs `tradegame balance` with `--out docs/balance.md --json docs/balance.json --force`
and the options given here; the page says which commit it ran on, the command and the time.
To write the report elsewhere, run `tradegame balance --out FILE` itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SET_HERE = ("--out", "--json", "--force")


def main(argv: list[str]) -> int:
    from tradegame.cli import main as tradegame

    if "-h" in argv or "--help" in argv:
        print(__doc__)
        print(f"The options of `tradegame balance` but {', '.join(SET_HERE)}:\n")
        return tradegame(["balance", "--help"])
    taken = [flag for a in argv for flag in SET_HERE if a == flag or a.startswith(flag + "=")]
    if taken:
        print(
            f"benchmarks/balance.py: {taken[0]} is set by this script (it writes docs/balance.md"
            " and docs/balance.json); to write elsewhere run `tradegame balance --out FILE`",
            file=sys.stderr,
        )
        return 2

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
