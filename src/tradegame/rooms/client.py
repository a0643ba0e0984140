"""The text clients of a room server: the instructor's operations from the command line, the
bot relay and play in plain text (the game screen's seat is :mod:`tradegame.rooms.remote_seat`,
the console's link :mod:`tradegame.rooms.instructor_link`).

The bot relay starts the bot the person at this keyboard named (``--bot cmd:COMMAND``), writes
the server's ``start``, ``turn`` and ``end`` messages to its stdin, one per line, and sends its
answers back: the JSON-lines bot protocol, unchanged, over the network. A dropped connection is
re-joined with the seat's token; the bot keeps running.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shlex
import signal
import sys
from typing import Any

import aiohttp

from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError
from tradegame.rooms import connection
from tradegame.rooms.connection import connect, join, receive, ws_url
from tradegame.untrusted import printable

MAX_BOT_LINE = 1024 * 1024


def say(text: str) -> None:
    print(f"tradegame: {printable(text)}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the instructor


async def instruct(args: argparse.Namespace) -> int:
    op: dict[str, Any]
    room = {"room": args.room}
    if args.pause:
        op = {"type": "pause", **room}
    elif args.resume:
        op = {"type": "resume", **room}
    elif args.end:
        op = {"type": "end", **room}
    elif args.news is not None:
        op = {"type": "news", "text": args.news, "effects": args.effects, **room}
    elif args.inject is not None:
        op = {"type": "inject", "id": args.inject, **room}
    elif args.rollback is not None:
        if args.room is None:
            raise UserError("--rollback needs --room N (one room at a time)")
        op = {"type": "rollback", "round": args.rollback, **room}
    elif args.clock is not None:
        op = {"type": "clock", "seconds": args.clock, "agent": args.clock_agent}
    elif args.archive is not None:
        op = {"type": "archive"}
    else:
        op = {"type": "rooms"}
    async with aiohttp.ClientSession() as session:
        ws = await connect(session, ws_url(args.url))
        welcome = await join(ws, code=args.instructor)
        if welcome.get("role") != "instructor":
            await ws.close()
            raise UserError("that is a seat's code, not the instructor's", EXIT_FAILED)
        await ws.send_json(op)
        wanted = {"rooms": "rooms", "archive": "archive"}.get(op["type"], "done")
        while True:
            message = await receive(ws)
            if message is None:
                raise UserError("the server closed the connection", EXIT_FAILED)
            kind = message.get("type")
            if kind in ("refused", "error"):
                raise UserError(str(message.get("reason")), EXIT_FAILED)
            if kind == wanted:
                break
        if op["type"] == "rooms" and getattr(args, "follow", False):
            report(op, message, args)
            await follow(ws, message.get("rooms", []))
        await ws.close()
    return report(op, message, args)


def room_line(r: dict[str, Any]) -> str:
    scores = ", ".join(f"{p} {v:.1f}" for p, v in (r.get("scores") or {}).items())
    return printable(
        f"room {r.get('room')}: {r.get('state')}, round {r.get('round')}"
        f"/{r.get('rounds_total')} {r.get('phase')}, to move: "
        f"{r.get('to_move') or '-'}; scores {scores}"
    )


async def follow(ws: aiohttp.ClientWebSocketResponse, rooms: list[dict[str, Any]]) -> None:
    """Print a room's line whenever its state, round, phase or mover changes (ctrl+c ends)."""

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        return r.get("state"), r.get("round"), r.get("phase"), r.get("to_move")

    last = {r.get("room"): key(r) for r in rooms}
    while True:
        message = await receive(ws)
        if message is None:
            raise UserError("the server closed the connection", EXIT_FAILED)
        if message.get("type") == "room" and last.get(message.get("room")) != key(message):
            last[message.get("room")] = key(message)
            print(room_line(message), flush=True)


def report(op: dict[str, Any], message: dict[str, Any], args: argparse.Namespace) -> int:
    if op["type"] == "archive":
        from tradegame.saves.atomic import atomic_write_bytes

        data = base64.b64decode(str(message.get("data", "")))
        try:
            atomic_write_bytes(args.archive, data, what="zip file")
        except OSError as exc:
            raise UserError(f"cannot write {args.archive}: {exc}", EXIT_FAILED) from None
        print(
            f"tradegame: wrote {args.archive} ({len(data)} bytes): every room's save "
            f"(tradegame report --compare / grades read them once unzipped)"
        )
        return EXIT_OK
    if op["type"] == "rooms":
        for r in message.get("rooms", []):
            print(room_line(r), flush=True)
        return EXIT_OK
    failed = 0
    for room, result in sorted((message.get("results") or {}).items(), key=lambda x: int(x[0])):
        print(printable(f"room {room}: {result}"))
        failed += result != "done"
    return EXIT_FAILED if failed else EXIT_OK


# --------------------------------------------------------------------------- a bot's seat


async def relay(args: argparse.Namespace) -> int:
    spec = args.bot
    if not spec.startswith("cmd:") or not spec[4:].strip():
        raise UserError(
            "--bot takes cmd:COMMAND (a program speaking the JSON-lines bot protocol, started here)"
        )
    argv = shlex.split(spec[4:])
    try:
        bot = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=MAX_BOT_LINE,
            start_new_session=True,
        )
    except OSError as exc:
        raise UserError(f"--bot: cannot start {argv[0]!r}: {exc.strerror or exc}") from None
    url = ws_url(args.url)
    secret = {"code": args.code} if args.code else {"token": args.token}
    last_turn: list[int | None] = [None]
    try:
        async with aiohttp.ClientSession() as session:
            tries = 0
            while True:
                ws = await connect(session, url)
                welcome = await join(ws, **secret)
                if welcome.get("role") != "player":
                    raise UserError("that code is not a seat's", EXIT_FAILED)
                if "code" in secret:
                    say(
                        f"playing {welcome.get('player')} in room {welcome.get('room')}; "
                        f"to reconnect: --token {welcome.get('token')}"
                    )
                secret = {"token": str(welcome.get("token"))}
                ended = await pump(ws, bot, last_turn)
                await ws.close()
                if ended:
                    return EXIT_OK
                tries += 1
                if tries > connection.RECONNECTS:
                    raise UserError(
                        "the connection dropped and could not be made again", EXIT_FAILED
                    )
                say("the connection dropped; joining again with the token")
                await asyncio.sleep(connection.RECONNECT_DELAY)
    finally:
        if bot.returncode is None:
            bot.kill()
        try:  # and whatever it started: the bot leads its own process group
            os.killpg(bot.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        await bot.wait()


async def pump(
    ws: aiohttp.ClientWebSocketResponse,
    bot: asyncio.subprocess.Process,
    last_turn: list[int | None],
) -> bool:
    """Relay until the game ends (True) or the connection drops (False)."""
    assert bot.stdin is not None and bot.stdout is not None

    async def answers() -> None:
        assert bot.stdout is not None
        while True:
            try:
                line = await bot.stdout.readline()
            except (ValueError, asyncio.LimitOverrunError):
                say("the bot wrote a line over 1 MiB; it was skipped")
                continue
            if not line:
                return
            try:
                answer = json.loads(line)
            except (ValueError, RecursionError):
                answer = None
            if not isinstance(answer, dict) or not isinstance(answer.get("action"), str):
                say("the bot wrote something that is not an answer; skipped")
                continue
            if answer.get("id") is None:
                answer["id"] = last_turn[0]
            await ws.send_json({"action": answer["action"], "id": answer["id"]})

    reader = asyncio.create_task(answers())
    try:
        while True:
            message = await receive(ws)
            if message is None:
                return False
            kind = message.get("type")
            if kind in ("start", "turn", "end"):
                if kind == "turn":
                    last_turn[0] = message.get("id")
                bot.stdin.write(json.dumps(message).encode() + b"\n")
                await bot.stdin.drain()
                if kind == "end":
                    return True
            elif kind == "refused":
                say(f"move refused: {message.get('reason')}")
    except (BrokenPipeError, ConnectionResetError):
        raise UserError("the bot ended before the game did", EXIT_FAILED) from None
    finally:
        reader.cancel()


# --------------------------------------------------------------------------- a person's seat


async def play_text(args: argparse.Namespace) -> int:
    """A plain text client: the seat's situation report and its legal moves, numbered; the
    player types a number or any move in notation."""
    from tradegame.engine.view import render

    secret = {"code": args.code} if args.code else {"token": args.token}
    async with aiohttp.ClientSession() as session:
        ws = await connect(session, ws_url(args.url))
        welcome = await join(ws, **secret)
        if welcome.get("role") != "player":
            raise UserError("that code is not a seat's", EXIT_FAILED)
        me = welcome.get("player")
        print(
            printable(
                f"You play {me} in room {welcome.get('room')}. If you are "
                f"disconnected: tradegame join {args.url} --token "
                f"{welcome.get('token')}"
            ),
            flush=True,
        )
        while True:
            message = await receive(ws)
            if message is None:
                raise UserError(
                    "the server closed the connection; join again with --token", EXIT_FAILED
                )
            kind = message.get("type")
            if kind == "update" and message.get("paused"):
                print("(the instructor has paused the room)", flush=True)
            elif kind in ("refused", "error"):
                print(printable(f"refused: {message.get('reason')}"), flush=True)
            elif kind == "end":
                print(printable(render(message.get("view") or {})), flush=True)
                return EXIT_OK
            elif kind == "turn":
                legal = [str(a) for a in message.get("legal", [])]
                print("\n" + printable(render(message.get("view") or {})), flush=True)
                for n, action in enumerate(legal, start=1):
                    print(printable(f"  {n:>3}. {action}"))
                answer = (
                    await asyncio.to_thread(input, "Your move (a number, or a move in notation): ")
                ).strip()
                if answer.isdigit() and 1 <= int(answer) <= len(legal):
                    answer = legal[int(answer) - 1]
                await ws.send_json({"type": "move", "action": answer, "version": message.get("id")})


__all__ = ["instruct", "play_text", "relay"]
