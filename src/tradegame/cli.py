"""The ``tradegame`` command line: one small client of the engine per subcommand.

No traceback reaches a user: every subcommand turns the project's own errors into a one-line
message on stderr and an exit code (2 for bad input, 1 for a failed operation); anything else is
a bug, reported in one line with the traceback written to a crash file (exit 70).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Callable, Sequence

from tradegame import __version__
from tradegame.errors import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, UserError

Command = Callable[[argparse.Namespace], int]


def _add_play(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "play",
        help="play a game (the default when no command is given)",
        description="Play in the terminal. With no options the new-game "
        "screen opens; with --seat or a save the game starts at "
        "once. The terminal must be at least 80x24.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="a bundled scenario's name (see: tradegame scenarios), a scenario "
        "file, or a save (SAVE.json) to resume",
    )
    p.add_argument(
        "--seat",
        action="append",
        default=[],
        metavar="PLAYER=human|AGENT",
        help="who plays a country, e.g. --seat JP=human --seat US=dove "
        "(repeatable; AGENT is a built-in agent, see: tradegame agents, or "
        "cmd:COMMAND / module:Class); two or more human seats play hot-seat",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        help="the random seed (same scenario, seats and seed: the same game)",
    )
    p.add_argument(
        "--instructor",
        action="store_true",
        help="instructor mode: every player's private data, pause, injects, "
        "news, roll back, end early",
    )
    # Set by ``tradegame serve`` on the process each browser gets (not for people to type):
    # web mode, and the host's scenario files that browser may open.
    p.add_argument("--web", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--offer", action="append", default=[], help=argparse.SUPPRESS)
    p.set_defaults(run=_run_play)


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the game to web browsers (needs tradegame[web])")
    p.add_argument(
        "scenarios",
        nargs="*",
        default=[],
        metavar="SCENARIO",
        help="bundled names or files offered besides the bundled scenarios (the "
        "first is preselected); browsers can open no other file",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 for a LAN, with --public-url)",
    )
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument(
        "--public-url",
        default=None,
        help="the URL students open (http://THIS-MACHINE:8000, or a reverse "
        "proxy's); needed with a --host other than loopback",
    )
    p.add_argument(
        "--max-connections",
        type=int,
        default=30,
        metavar="N",
        help="browsers playing at once (default 30; each is a process of roughly 50-100 MB)",
    )
    p.add_argument("--seat", action="append", default=[], metavar="PLAYER=human|AGENT")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument(
        "--instructor",
        action="store_true",
        help="prints a secret instructor URL; only browsers that open it get the "
        "instructor view, the others play normally",
    )

    def run(args: argparse.Namespace) -> int:
        from tradegame.commands import serve

        return serve.run(args)

    p.set_defaults(run=run)


def _add_rooms(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from tradegame.commands import host, join  # their arguments live with them

    host.add_parser(sub)
    join.add_parser(sub)


def _run_play(args: argparse.Namespace) -> int:
    from tradegame.commands import play

    return play.run(args)


def _add_scenario_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("validate", help="check scenario files; report every problem located")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=lambda a: _scenario_command("validate", a))

    p = sub.add_parser("schema", help="print the scenario JSON Schema")
    p.set_defaults(run=lambda a: _scenario_command("schema", a))

    p = sub.add_parser("scenarios", help="list the bundled scenarios")
    p.set_defaults(run=lambda a: _scenario_command("scenarios", a))

    p = sub.add_parser(
        "agents", help="list the agents a seat can be given (built-in and installed)"
    )
    p.set_defaults(run=_run_agents)


def _run_agents(args: argparse.Namespace) -> int:
    from tradegame.commands import agents

    return agents.run(args)


def _scenario_command(name: str, args: argparse.Namespace) -> int:
    from tradegame.commands import scenario_commands

    result: int = getattr(scenario_commands, name)(args)
    return result


def _add_match(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("match", help="play a headless game between agents")
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument(
        "--seat",
        action="append",
        default=[],
        metavar="PLAYER=AGENT",
        help="agent for a seat (default: passive)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--save", metavar="FILE", help="write the game to a save file")
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-move limit for every agent (default: 5 for cmd: bots, none for Python agents)",
    )
    p.add_argument(
        "--startup-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time from a bot's (re)start to its first answer (default 10)",
    )
    p.set_defaults(run=_run_match)

    p = sub.add_parser("whatif", help="project the economic effect of tariffs")
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument(
        "--tariff",
        action="append",
        default=[],
        metavar="IMPORTER:EXPORTER:SECTOR=RATE",
        help="set an effective rate (sector may be 'all'; 0.24 or 24%%)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_run_whatif)


def _run_match(args: argparse.Namespace) -> int:
    from tradegame.commands import match

    return match.run(args)


def _run_whatif(args: argparse.Namespace) -> int:
    from tradegame.commands import whatif

    return whatif.run(args)


def _add_saves(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("resume", help="continue a saved game headless, with agents")
    p.add_argument("save", metavar="SAVE", help="a save file")
    p.add_argument(
        "--seat",
        action="append",
        default=[],
        metavar="PLAYER=AGENT",
        help="agent for a seat (default: the seat's recorded agent; a human seat, "
        "or a recorded agent that runs code (cmd:, module:Class, "
        "path.py:Class), becomes passive)",
    )
    p.add_argument(
        "--save", dest="save_to", metavar="FILE", help="write the continued game to a save file"
    )
    p.add_argument(
        "--no-autosave", action="store_true", help="do not autosave each round into the save folder"
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-move limit for every agent (default: 5 for cmd: bots, none for Python agents)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=lambda a: _saves_command("resume", a))

    p = sub.add_parser("replay", help="print a saved game round by round (verified by replay)")
    p.add_argument("save", metavar="SAVE", help="a save file")
    p.add_argument("--round", type=int, default=None, metavar="N", help="only round N")
    p.add_argument("--json", action="store_true", help="JSON lines, one object per round")
    p.set_defaults(run=lambda a: _saves_command("replay", a))

    p = sub.add_parser("rollback", help="make a save that continues from the start of a round")
    p.add_argument("save", metavar="SAVE", help="a save file")
    p.add_argument("--round", type=int, required=True, metavar="N")
    p.add_argument("--out", required=True, metavar="NEW", help="the new save file")
    p.add_argument("--force", action="store_true", help="replace NEW if it exists")
    p.set_defaults(run=lambda a: _saves_command("rollback", a))


def _saves_command(name: str, args: argparse.Namespace) -> int:
    from tradegame.commands import saves_commands

    result: int = getattr(saves_commands, name)(args)
    return result


def _add_tournament(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "tournament",
        help="play every assignment of agents to roles, N games (tournament merge "
        "SHARD.csv ... joins the results of --shard runs)",
    )
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument(
        "--agents",
        action="append",
        default=[],
        metavar="A,B,...",
        help="agents, comma-separated (names, module:Class, path.py:Class)",
    )
    p.add_argument(
        "--agent",
        action="append",
        default=[],
        metavar="SPEC",
        help="one more agent (e.g. a cmd:... bot whose command has commas)",
    )
    p.add_argument(
        "--games",
        type=int,
        default=None,
        metavar="N",
        help="total games (default: one of each assignment)",
    )
    p.add_argument("--seed", type=int, default=0, help="tournament seed (game seeds derive)")
    p.add_argument("--workers", type=int, default=1, metavar="K", help="worker processes")
    p.add_argument(
        "--out",
        default="results.csv",
        metavar="FILE",
        help="CSV of one row per game (JSON lines go to FILE with .jsonl)",
    )
    p.add_argument("--force", action="store_true", help="replace the results if FILE exists")
    p.add_argument(
        "--resume",
        action="store_true",
        help="keep the games already in FILE and play only the missing ones",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-move limit for every agent (default: 5 for out-of-process bots, none "
        "for Python agents)",
    )
    p.add_argument(
        "--startup-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time from a bot's (re)start to its first answer (default 10)",
    )
    p.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help="play only shard K of N (the games whose number is K-1 modulo N); "
        "tradegame tournament merge joins the shards' results",
    )
    p.add_argument(
        "--executor",
        choices=("processes", "dask"),
        default="processes",
        help="processes (default: --workers processes on this machine) or dask (a Dask "
        "cluster: needs tradegame[dask])",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --executor dask: a running scheduler (tcp://host:8786); default: a local "
        "cluster of --workers processes",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(run=_run_tournament)

    # `tradegame tournament merge ...` (main() routes it here; no help line of its own)
    m = sub.add_parser(
        "tournament-merge",
        prog="tradegame tournament merge",
        description="Merge the results of the shards of one tournament (--shard K/N) into "
        "the files a single run writes, after checking that they share one plan, that every "
        "shard is there once and that each holds all its games whole.",
    )
    m.add_argument("inputs", nargs="+", metavar="SHARD.csv", help="each shard's CSV")
    m.add_argument("--out", required=True, metavar="FILE", help="the merged CSV")
    m.add_argument("--force", action="store_true", help="replace FILE if it exists")
    m.set_defaults(run=_run_tournament_merge)


def _run_tournament(args: argparse.Namespace) -> int:
    if args.executor == "processes":  # the fork server imports the game while this one does
        from tradegame.tournament.processes import start_workers_early

        start_workers_early(args.workers)
    from tradegame.commands import tournament

    return tournament.run(args)


def _run_tournament_merge(args: argparse.Namespace) -> int:
    from tradegame.commands import tournament

    return tournament.merge(args)


def _add_classroom(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("briefing", help="write a printable role briefing (Markdown or HTML)")
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument(
        "--role",
        required=True,
        metavar="PLAYER|all",
        help="the role to brief, or all (one file per role into --out DIR)",
    )
    p.add_argument(
        "--out",
        metavar="FILE|DIR",
        help="write here (.md or .html; a folder for --role all); default stdout",
    )
    p.add_argument(
        "--format",
        choices=("md", "html"),
        default=None,
        help="default: from the --out extension; html for a folder; md to stdout",
    )
    p.add_argument(
        "--public-only",
        action="store_true",
        help="leave out the role's private data (confidential briefing, objectives, "
        "win-set, political costs)",
    )
    p.add_argument(
        "--hindsight",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="keep what really happened after the game's start (the real deals) "
        "in the handout; default --no-hindsight (it moves to the debrief)",
    )
    p.add_argument(
        "--instructor",
        action="store_true",
        help="the instructor's copy: texts as written with their source notes, "
        "what the students' copies leave out, and the cited sources",
    )
    p.set_defaults(run=lambda a: _classroom_command("briefing", a))

    p = sub.add_parser("sources", help="print the data sheet the scenarios cite (facts §N)")
    p.add_argument(
        "section",
        nargs="*",
        metavar="SECTION",
        help="a section to print (1b, §1b or 'facts §1b'); several allowed; a "
        "scenario name or file: the sections it cites; default: the whole sheet",
    )
    p.set_defaults(run=lambda a: _classroom_command("sources", a))

    p = sub.add_parser("report", help="write the debrief report of a save (or compare saves)")
    p.add_argument("saves", nargs="+", metavar="SAVE", help="a save file (several with --compare)")
    p.add_argument(
        "--compare",
        action="store_true",
        help="compare several games of one scenario side by side (parallel worlds)",
    )
    p.add_argument("--out", metavar="FILE", help="write here (.html or .md); default stdout")
    p.add_argument(
        "--format",
        choices=("md", "html"),
        default=None,
        help="default: from the --out extension; md to stdout",
    )
    p.add_argument(
        "--include-unfinished",
        action="store_true",
        help="with --compare: also score games not finished (as they stand)",
    )
    p.add_argument(
        "--search-budget",
        type=int,
        default=300,
        metavar="N",
        help="candidate deals evaluated per pair in the search for a Pareto-better "
        "deal (default 300; 0 skips the search)",
    )
    p.set_defaults(run=lambda a: _classroom_command("report", a))

    p = sub.add_parser("grades", help="export one CSV row per player per saved game")
    p.add_argument("saves", nargs="+", metavar="SAVE")
    p.add_argument("--out", metavar="FILE", help="the CSV file (default stdout)")
    p.add_argument(
        "--include-unfinished",
        action="store_true",
        help="also score games not finished (as they stand); without it they are "
        "listed with their status and blank scores, and the exit code is 3",
    )
    p.set_defaults(run=lambda a: _classroom_command("grades", a))

    p = sub.add_parser("worlds", help="start N independent games of a scenario, one per team")
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument(
        "--teams",
        type=int,
        default=None,
        metavar="N",
        help="how many teams (default: the number of teams in --roster)",
    )
    p.add_argument(
        "--roster",
        metavar="FILE",
        help="a CSV with the columns team, student, role (one row per student): "
        "team and student names go into the saves, reports and grades",
    )
    p.add_argument("--seed", type=int, default=0, help="the seed the teams' seeds derive from")
    p.add_argument(
        "--seat",
        action="append",
        default=[],
        metavar="PLAYER=human|AGENT",
        help="a seat for every team (default human; all agents: played out now)",
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="the folder for team-01.json, team-02.json, ..."
    )
    p.add_argument("--force", action="store_true", help="replace existing team files")
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per-move limit for every agent (default: 5 for cmd: bots, none for Python agents)",
    )
    p.set_defaults(run=lambda a: _classroom_command("worlds", a))


def _classroom_command(name: str, args: argparse.Namespace) -> int:
    from tradegame.commands import classroom

    result: int = getattr(classroom, name)(args)
    return result


class _Parser(argparse.ArgumentParser):
    """The top-level parser: ``tournament merge ...`` is the hidden ``tournament-merge``
    command (``tournament`` itself takes a scenario as its first word)."""

    def parse_known_args(  # type: ignore[override]  # same call, argv routed first
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        argv = list(sys.argv[1:] if args is None else args)
        if argv[:2] == ["tournament", "merge"]:
            argv = ["tournament-merge", *argv[2:]]
        return super().parse_known_args(argv, namespace)


def build_parser(play_only: bool = False) -> argparse.ArgumentParser:
    """The command line; with ``play_only``, only the ``play`` command (the game starts sooner:
    the other commands' parsers import their modules)."""
    parser = _Parser(
        prog="tradegame",
        description="A negotiation game about the 2025 pause of the US reciprocal tariffs.",
    )
    parser.add_argument("--version", action="version", version=f"tradegame {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=argparse.ArgumentParser
    )
    _add_play(sub)
    if play_only:
        return parser
    _add_serve(sub)
    _add_rooms(sub)
    _add_scenario_commands(sub)
    _add_match(sub)
    _add_tournament(sub)
    __import__("tradegame.commands.balance", fromlist=["add_parser"]).add_parser(sub)
    _add_saves(sub)
    _add_classroom(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["play"]
    try:
        # Building the parser imports the subcommands (about 0.2 s): a Ctrl-C then is an
        # interruption like any other, not a traceback.
        parser = build_parser(play_only=True) if argv[0] == "play" else build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["play", *argv])
        code: int = args.run(args)
    except UserError as exc:
        print(f"tradegame: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("tradegame: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except ArithmeticError as exc:  # the engine's NonFiniteError, or a number that slipped by
        print(f"tradegame: the game stopped: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            return _internal_error(argv, exc)
        # A full disk or a dead device under an output (stdout > /dev/full): the machine's
        # state, not a bug. Output still buffered would fail again at exit: drop it.
        try:
            sys.stdout.flush()
        except OSError:
            with contextlib.suppress(OSError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"tradegame: cannot write{where}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a bug: one line for the user, the traceback in a file
        return _internal_error(argv, exc)
    return code


_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def _internal_error(argv: Sequence[str], exc: Exception) -> int:
    """A bug: one line for the user, the traceback in a file (re-raised with TRADEGAME_DEBUG).
    Called while ``exc`` is being handled, so the report holds its traceback."""
    if os.environ.get("TRADEGAME_DEBUG"):
        raise exc
    report = _write_crash_report(argv)
    where = f"the details are in {report}" if report else "no report could be written"
    print(
        f"tradegame: internal error ({type(exc).__name__}); {where}. Please report it "
        f"(TRADEGAME_DEBUG=1 shows the traceback here).",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def _write_crash_report(argv: Sequence[str]) -> str | None:
    """The current exception's traceback in a new file of the user's log folder, or None."""
    import tempfile
    import traceback

    from platformdirs import user_log_dir

    text = (
        f"tradegame {__version__}, Python {sys.version.split()[0]}\n"
        f"arguments: {list(argv)!r}\n\n{traceback.format_exc()}"
    )
    for folder in (user_log_dir("tradegame"), tempfile.gettempdir()):
        try:
            os.makedirs(folder, exist_ok=True)
            fd, path = tempfile.mkstemp(prefix="crash-", suffix=".txt", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            return path
        except OSError:
            continue
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
