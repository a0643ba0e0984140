"""The ``tradegame`` command line: one small client of the engine per subcommand.

No traceback reaches a user: every subcommand turns the project's own errors into a one-line
message on stderr and an exit code (2 for bad input, 1 for a failed operation).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from tradegame import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

Command = Callable[[argparse.Namespace], int]


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


def _add_play(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("play", help="play a game (the default when no command is given)")
    p.add_argument("scenario", nargs="?", default=None, help="bundled name or path")
    p.add_argument("--seat", action="append", default=[], metavar="PLAYER=human|AGENT")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--instructor", action="store_true")
    p.set_defaults(run=_run_play)


def _run_play(args: argparse.Namespace) -> int:
    from tradegame.commands import play

    return play.run(args)


def _add_scenario_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help="check scenario files; report every problem located")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=lambda a: _scenario_command("validate", a))

    p = sub.add_parser("schema", help="print the scenario JSON Schema")
    p.set_defaults(run=lambda a: _scenario_command("schema", a))

    p = sub.add_parser("scenarios", help="list the bundled scenarios")
    p.set_defaults(run=lambda a: _scenario_command("scenarios", a))


def _scenario_command(name: str, args: argparse.Namespace) -> int:
    from tradegame.commands import scenario_commands

    result: int = getattr(scenario_commands, name)(args)
    return result


def _add_match(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("match", help="play a headless game between agents")
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument("--seat", action="append", default=[], metavar="PLAYER=AGENT",
                   help="agent for a seat (default: passive)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--save", metavar="FILE", help="write the game to a save file")
    p.set_defaults(run=_run_match)

    p = sub.add_parser("whatif", help="project the economic effect of tariffs")
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument("--tariff", action="append", default=[],
                   metavar="IMPORTER:EXPORTER:SECTOR=RATE",
                   help="set an effective rate (sector may be 'all'; 0.24 or 24%%)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_run_whatif)


def _run_match(args: argparse.Namespace) -> int:
    from tradegame.commands import match

    return match.run(args)


def _run_whatif(args: argparse.Namespace) -> int:
    from tradegame.commands import whatif

    return whatif.run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradegame",
        description="A negotiation game about the 2025 pause of the US reciprocal tariffs.",
    )
    parser.add_argument("--version", action="version", version=f"tradegame {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_play(sub)
    _add_scenario_commands(sub)
    _add_match(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["play"]
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["play", *argv])
    try:
        code: int = args.run(args)
    except UserError as exc:
        print(f"tradegame: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("tradegame: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
