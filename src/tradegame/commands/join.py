"""``tradegame join URL``: take a seat, or run the instructor's operations, on a room server.

- ``--code CODE --bot cmd:COMMAND``: the person at this keyboard names a bot; it is started
  here (never by the server) and plays the seat with the JSON-lines bot protocol, relayed;
- ``--instructor CODE`` with an operation (``--pause``, ``--news`` …, ``--archive FILE``) or
  none (the list of rooms).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError


def run(args: argparse.Namespace) -> int:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise UserError(
            "joining needs aiohttp: install it with pip install 'tradegame[web]'"
        ) from None
    from tradegame.rooms import client
    from tradegame.rooms.connection import ws_url

    if args.instructor is not None:
        operation = any(
            getattr(args, name, None) not in (None, False)
            for name in ("pause", "resume", "end", "news", "inject", "rollback", "clock", "archive")
        )
        if operation or args.follow or getattr(args, "text", False) or not _terminal():
            return asyncio.run(client.instruct(args))
        from tradegame.rooms.instructor_link import InstructorLink
        from tradegame.ui.console import ConsoleApp  # Textual, loaded only for the console

        link = InstructorLink(ws_url(args.url), args.instructor)
        ConsoleApp(link).run()
        if link.refusal is not None:
            raise UserError(f"the server did not let you in: {link.refusal}", EXIT_FAILED)
        return EXIT_OK
    if args.bot is not None:
        return asyncio.run(client.relay(args))
    if getattr(args, "text", False) or not _terminal():
        try:
            return asyncio.run(client.play_text(args))
        except EOFError:
            return EXIT_OK
    from tradegame.ui.remote import RemoteApp  # Textual, loaded only for the screens

    secret = {"code": args.code} if args.code else {"token": args.token}
    from tradegame.rooms.remote_seat import RemoteSeat

    seat = RemoteSeat(ws_url(args.url), secret)
    RemoteApp(seat).run()
    if seat.refusal is not None:
        raise UserError(f"the room did not seat you: {seat.refusal}", EXIT_FAILED)
    if seat.token:
        print(
            f"tradegame: to come back to this seat: tradegame join {args.url} --token {seat.token}"
        )
    return EXIT_OK


def _terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "join",
        help="play a seat of a room server (a bot with --bot), or run the instructor's operations",
    )
    p.add_argument("url", help="the server's address, as `tradegame host` printed it")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--code", help="your seat's code")
    who.add_argument("--token", help="your seat's token (printed when you first joined)")
    who.add_argument("--instructor", metavar="CODE", help="the instructor code")
    p.add_argument(
        "--bot",
        metavar="cmd:COMMAND",
        help="a bot that plays the seat (the JSON-lines bot protocol)",
    )
    p.add_argument(
        "--room",
        type=int,
        default=None,
        metavar="N",
        help="instructor: the room to act on (default every room)",
    )
    ops = p.add_mutually_exclusive_group()
    ops.add_argument("--pause", action="store_true", help="instructor: pause")
    ops.add_argument("--resume", action="store_true", help="instructor: resume")
    ops.add_argument("--end", action="store_true", help="instructor: end the game early")
    ops.add_argument("--news", metavar="TEXT", help="instructor: publish a news item")
    ops.add_argument("--inject", metavar="ID", help="instructor: fire a scenario inject")
    ops.add_argument(
        "--rollback",
        type=int,
        metavar="ROUND",
        help="instructor: roll --room back to the start of ROUND",
    )
    ops.add_argument(
        "--clock", type=float, metavar="SECONDS", help="instructor: set every room's move clock"
    )
    ops.add_argument(
        "--archive", metavar="FILE.zip", help="instructor: download every room's save into FILE.zip"
    )
    p.add_argument(
        "--text",
        action="store_true",
        help="play the seat as plain text (the report and numbered moves) instead "
        "of the game's screens (the default in a terminal); with --instructor and no "
        "operation: print the rooms instead of opening the console",
    )
    p.add_argument(
        "--follow",
        action="store_true",
        help="instructor, with no operation: keep printing each room's line as it "
        "changes (ctrl+c ends)",
    )
    p.add_argument("--effects", default="", help="with --news: stress=10 approval:JP=-3 ...")
    p.add_argument(
        "--clock-agent",
        default="passive",
        help="with --clock: a built-in agent that moves for an idle seat",
    )
    p.set_defaults(run=run)


__all__ = ["add_parser", "run"]
