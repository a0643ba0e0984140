"""``tradegame host SCENARIO``: a room server for a class (needs aiohttp, the ``web`` extra).

N rooms, each one game of the scenario refereed by the engine, with a code per human seat and
one instructor code, printed here. The rooms are saved in ``--dir`` after every change; the
same command again resumes them (same codes). See :mod:`tradegame.rooms.server`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tradegame.errors import EXIT_OK, UserError

if TYPE_CHECKING:  # aiohttp is optional (the web extra): imported where the server starts
    from tradegame.rooms.server import RoomServer

INSTALL_HINT = "the room server needs aiohttp: install it with pip install 'tradegame[web]'"


def check(args: argparse.Namespace) -> None:
    from tradegame.addresses import is_loopback, origin_of

    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a TCP port (1 to 65535)")
    if args.rooms is not None and not 1 <= args.rooms <= 100:
        raise UserError(f"--rooms {args.rooms}: 1 to 100")
    if args.max_connections < 1:
        raise UserError(f"--max-connections {args.max_connections}: at least 1")
    if args.round_clock is not None and not 1 <= args.round_clock <= 86_400:
        raise UserError(f"--round-clock {args.round_clock:g}: 1 to 86400 seconds")
    if args.public_url is not None and origin_of(args.public_url) is None:
        raise UserError(
            f"--public-url {args.public_url}: not an http:// or https:// URL "
            f"(for example http://THIS-MACHINE:{args.port})"
        )
    if not is_loopback(args.host) and args.public_url is None:
        raise UserError(
            f"--host {args.host} needs --public-url http://THIS-MACHINE:"
            f"{args.port} (the address students type) so that browsers' pages "
            f"are accepted; or keep the default --host 127.0.0.1"
        )


def run(args: argparse.Namespace) -> int:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        raise UserError(INSTALL_HINT) from None
    from tradegame.addresses import allowed_origins, own_url
    from tradegame.agents.base import AgentSpecError, make_agent, runs_code
    from tradegame.commands.common import load_scenario_or_exit, parse_seats
    from tradegame.rooms.server import RoomServer

    check(args)
    rules, text, _ = load_scenario_or_exit(args.scenario)
    seats = parse_seats(args.seat, rules, allow_human=True)
    code_seats = {p for p, spec in seats.items() if runs_code(spec)}
    clock_agent = args.clock_agent
    if clock_agent != "passive":
        import random

        try:  # checked now, built per seat when a clock runs out
            probe = make_agent(clock_agent, random.Random(0), allow_code=True)
        except AgentSpecError as exc:
            raise UserError(f"--clock-agent: {exc}") from None
        close = getattr(probe, "close", None)
        if callable(close):
            close()
    folder = Path(args.dir).expanduser()
    try:
        server, resumed = RoomServer.create(
            text,
            args.scenario,
            rooms=args.rooms,
            seats=seats,
            code_seats=code_seats,
            folder=folder,
            seed=args.seed,
            clock=args.round_clock,
            clock_agent=clock_agent,
            clock_code=runs_code(clock_agent),
            origins=allowed_origins(args.host, args.port, args.public_url),
            max_connections=args.max_connections,
        )
    except AgentSpecError as exc:
        raise UserError(f"--seat: {exc}") from None
    except (ValueError, OSError) as exc:
        raise UserError(str(exc)) from None
    shown_url = own_url(args.host, args.port, args.public_url) or f"http://{args.host}:{args.port}"
    write_codes(server, folder / "codes.csv")
    write_slips(
        server, folder / "codes.html", shown_url, {p.id: p.name for p in rules.players}, rules.title
    )
    return asyncio.run(serve(server, args, shown_url, resumed))


def write_codes(server: RoomServer, path: Path) -> None:
    """The codes as CSV (room, player, code) for handouts; readable by this user only."""
    import os

    from tradegame.saves.atomic import atomic_write_bytes

    lines = ["room,player,code"] + [f"{s.room},{s.player},{s.code}" for s in server.book.seats]
    lines.append(f"all,instructor,{server.book.instructor_code}")
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode(), what="codes file")


def write_slips(
    server: RoomServer, path: Path, url: str, names: dict[str, str], title: str
) -> None:
    """A printable page of slips, one per human seat: the address, the room, the role and
    its code, to cut out and hand to each student (readable by this user only)."""
    import html
    import os

    from tradegame.saves.atomic import atomic_write_bytes

    slips = []
    for seat in server.book.seats:
        slips.append(
            f'<div class="slip"><b>{html.escape(title)}</b><br>Room {seat.room}: you play '
            f"<b>{html.escape(names.get(seat.player, seat.player))}</b> "
            f"({html.escape(seat.player)})<br>Open <b>{html.escape(url)}/</b> and type your "
            f'code:<br><span class="code">{html.escape(seat.code)}</span><br><small>Keep it '
            f"to yourself: it is your seat.</small></div>"
        )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>seat codes</title>'
        "<style>body{font-family:sans-serif} .slip{display:inline-block;width:18em;"
        "border:1px dashed #888;padding:.8em;margin:.3em;vertical-align:top}"
        ".code{font:bold 1.6em monospace;letter-spacing:.1em}</style></head><body>"
        + "".join(slips)
        + "</body></html>\n"
    )
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    atomic_write_bytes(path, page.encode(), what="codes file")


async def serve(server: object, args: argparse.Namespace, url: str, resumed: bool) -> int:
    from tradegame.rooms.server import RoomServer

    assert isinstance(server, RoomServer)
    try:
        await server.start(args.host, args.port)
    except OSError as exc:
        await server.stop()
        raise UserError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", 1
        ) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    rooms = len(server.rooms)
    players = sorted(
        {s.player for s in server.book.seats},
        key=lambda p: [s.player for s in server.book.seats].index(p),
    )
    print(
        f"tradegame: {'resumed' if resumed else 'hosting'} {rooms} room"
        f"{'s' if rooms != 1 else ''} of {args.scenario} at {url}/ (saved in {args.dir}; "
        f"the same command resumes where they are; ctrl+c stops)",
        flush=True,
    )
    print(
        f"  students: open {url}/ and type their code, or: tradegame join {url} --code CODE",
        flush=True,
    )
    print(
        f"  instructor code (keep it to yourself): {server.book.instructor_code}  "
        f"(tradegame join {url} --instructor CODE)",
        flush=True,
    )
    if players:
        print("  room  " + "  ".join(f"{p:<9}" for p in players), flush=True)
        for number in sorted(server.rooms):
            cells = []
            for p in players:
                seat = server.book.seat(number, p)
                cells.append(f"{seat.code if seat else '(AI)':<9}")
            print(f"  {number:>4}  " + "  ".join(cells), flush=True)
        print(
            f"  (also in {Path(args.dir) / 'codes.csv'}, and as slips to print and cut "
            f"out in {Path(args.dir) / 'codes.html'})",
            flush=True,
        )
    else:
        print(
            "  no human seats: every room plays itself; watch with the instructor code", flush=True
        )
    await stop.wait()
    print("tradegame: stopping; every room is saved", file=sys.stderr, flush=True)
    await server.stop()
    return EXIT_OK


__all__ = ["INSTALL_HINT", "check", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "host",
        help="host rooms for a class over the network: a game per room, "
        "seats with codes (needs tradegame[web])",
    )
    p.add_argument("scenario", help="bundled name or path")
    p.add_argument(
        "--rooms",
        type=int,
        default=None,
        metavar="N",
        help="games at once, one per team (default 1; when resuming, as saved)",
    )
    p.add_argument(
        "--seat",
        action="append",
        default=[],
        metavar="PLAYER=human|AGENT",
        help="an AI seat in every room (the others are human seats with codes)",
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
        "--round-clock",
        type=float,
        default=None,
        metavar="SECONDS",
        help="time a human seat has for each move; then --clock-agent plays it",
    )
    p.add_argument(
        "--clock-agent",
        default="passive",
        metavar="AGENT",
        help="who moves for a seat whose clock ran out (default passive: it passes)",
    )
    p.add_argument(
        "--seed", type=int, default=None, help="room k plays with a seed derived from this and k"
    )
    p.add_argument(
        "--dir",
        default="tradegame-rooms",
        metavar="DIR",
        help="where the rooms are saved and the codes kept (default "
        "./tradegame-rooms); the same --dir resumes them",
    )
    p.add_argument(
        "--max-connections",
        type=int,
        default=200,
        metavar="N",
        help="websocket connections at once (default 200)",
    )
    p.set_defaults(run=run)
