"""``tradegame serve``: the game in web browsers, with textual-serve (the ``web`` extra).

Every browser that opens the page gets its own ``tradegame play --web`` process (run with this
Python). In web mode the player is not at this machine, so the game names no path on it: the
scenarios are the bundled ones and the files named here (loaded and checked before serving),
saving downloads the save, loading takes a pasted save, and autosaves stay in a folder private
to that browser's process (see ``docs/security.md``).

The server (:class:`GameServer`, a subclass of textual-serve's ``Server``) adds what a class
needs: it accepts a websocket only from its own pages (the ``Origin`` header), at most
``--max-connections`` at once, stops on SIGTERM or ctrl+c with browsers connected (ending their
processes), and with ``--instructor`` gives the instructor view only to a browser that opened
the secret instructor URL printed at start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import hmac
import json
import logging
import secrets
import shlex
import sys
from pathlib import Path
from typing import Any

from tradegame.addresses import allowed_origins, is_loopback, origin_of, own_url
from tradegame.errors import EXIT_OK, UserError

INSTALL_HINT = "browser play needs textual-serve: install it with pip install 'tradegame[web]'"
INSTRUCTOR_PARAM = "instructor"
INSTRUCTOR_COOKIE = "tradegame_instructor"
MAX_CELLS = 1000
"""The largest terminal width or height a browser may ask for at connection (a huge one
would make its game render a huge screen)."""
STOP_GRACE = 3.0
"""Seconds a game process gets to quit after its browser is disconnected at shutdown."""

FULL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tradegame: full</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>All {limit} places are taken</h1>
<p>This tradegame server plays at most {limit} games at once. Try again in a minute (reload
this page), or ask your teacher.</p>
</body></html>
"""


# --------------------------------------------------------------------------- arguments


def offered_scenarios(names: list[str]) -> list[str]:
    """The scenarios to offer: bundled names as they are, files as absolute paths; each loaded
    once here so a broken one stops ``serve`` with its located problems."""
    from tradegame.scenario.loader import ScenarioError
    from tradegame.session.match import load_scenario

    offered: list[str] = []
    for name in names:
        if name.lower().endswith(".json"):
            raise UserError(
                f"{name}: serve offers scenarios, not saves; a student resumes a "
                f"downloaded save in the browser (ctrl+o, then paste it)"
            )
        path = Path(name).expanduser()
        source = str(path.resolve()) if path.is_file() else name
        try:
            load_scenario(source)
        except ScenarioError as exc:
            raise UserError(f"the scenario has problems:\n{exc}") from None
        if source not in offered:
            offered.append(source)
    return offered


def play_command(
    args: argparse.Namespace, offered: list[str] | None = None, *, instructor: bool = False
) -> str:
    """The shell command each browser connection runs (fixed at start: no browser changes
    it). ``exec`` makes the game the shell's own process, so ending it ends the game."""
    offered = list(args.scenarios) if offered is None else offered
    argv = [sys.executable, "-m", "tradegame", "play", "--web"]
    if offered:
        argv.append(offered[0])
        for source in offered:
            argv += ["--offer", source]
    for seat in args.seat:
        argv += ["--seat", seat]
    if args.seed is not None:
        argv += ["--seed", str(args.seed)]
    if instructor:
        argv.append("--instructor")
    return "exec " + shlex.join(argv)


def check(args: argparse.Namespace) -> list[str]:
    """Refuse bad input before serving; returns the scenarios offered."""
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a TCP port (1 to 65535)")
    if args.max_connections < 1:
        raise UserError(f"--max-connections {args.max_connections}: at least 1")
    if args.public_url is not None and origin_of(args.public_url) is None:
        raise UserError(
            f"--public-url {args.public_url}: not an http:// or https:// URL "
            f"(for example http://THIS-MACHINE:{args.port})"
        )
    if not is_loopback(args.host) and args.public_url is None:
        raise UserError(
            f"--host {args.host} needs --public-url http://THIS-MACHINE:"
            f"{args.port} (the address students type, such as this machine's "
            f"name or LAN address) so the links in the page work; or keep the "
            f"default --host 127.0.0.1 to play on this machine only"
        )
    if args.seat and len(args.scenarios) > 1:
        raise UserError("--seat starts one game at once: give one scenario with it")
    offered = offered_scenarios(args.scenarios)
    if args.seat:
        from tradegame.commands.play import build_options

        ns = argparse.Namespace(**vars(args))
        ns.scenario = offered[0] if offered else None
        options = build_options(ns)  # the seats' problems, as ``tradegame play`` says them
        match = getattr(options, "match", None)
        if match is not None:
            match.close()
    return offered


# --------------------------------------------------------------------------- the server


def make_server(args: argparse.Namespace, offered: list[str], instructor_token: str | None) -> Any:
    """A :class:`GameServer` for these arguments (textual-serve is imported here, so that
    ``tradegame`` works without the ``web`` extra)."""
    from aiohttp import WSCloseCode, WSMsgType, web
    from textual_serve.server import Server

    # A subclass, not a copy: textual-serve keeps the page, the websocket protocol, the
    # processes and the downloads; we add checks in front of its handlers and a shutdown hook.
    # Its handler builds each process from ``self.command`` with no hook to choose one per
    # connection, so ``command`` reads a context variable set for that connection's task.
    class GameServer(Server):
        _instructor_here: contextvars.ContextVar[bool] = contextvars.ContextVar(
            "instructor_here", default=False
        )

        def __init__(self) -> None:
            self.player_command = play_command(args, offered)
            self.instructor_command = (
                play_command(args, offered, instructor=True)
                if instructor_token
                else self.player_command
            )
            super().__init__(
                self.player_command,
                host=args.host,
                port=args.port,
                title="tradegame",
                public_url=own_url(args.host, args.port, args.public_url),
            )
            self.max_connections = args.max_connections
            self.token = instructor_token
            self.origins = allowed_origins(args.host, args.port, args.public_url)
            self.connections = 0
            self.sessions: dict[Any, web.WebSocketResponse] = {}

        @property
        def command(self) -> str:
            return self.instructor_command if self._instructor_here.get() else self.player_command

        @command.setter
        def command(self, value: str) -> None:  # Server.__init__ sets it; ours is fixed
            pass

        def presents_token(self, request: web.Request) -> bool:
            if self.token is None:
                return False
            given = (
                request.query.get(INSTRUCTOR_PARAM) or request.cookies.get(INSTRUCTOR_COOKIE) or ""
            )
            return hmac.compare_digest(given.encode(), self.token.encode())

        def full(self) -> bool:
            return self.connections >= self.max_connections

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # the instructor is never turned away by a full class
            if self.full() and not self.presents_token(request):
                return web.Response(
                    status=503,
                    content_type="text/html",
                    text=FULL_PAGE.format(limit=self.max_connections),
                )
            response: web.StreamResponse = await super().handle_index(request)
            # The page's websocket carries the instructor secret as a cookie (HttpOnly: no
            # script reads it; the Origin check stops other sites from using it).
            if INSTRUCTOR_PARAM in request.query:
                if self.presents_token(request):
                    response.set_cookie(
                        INSTRUCTOR_COOKIE,
                        request.query[INSTRUCTOR_PARAM],
                        httponly=True,
                        samesite="Strict",
                    )
                else:
                    response.del_cookie(INSTRUCTOR_COOKIE)
            return response

        # textual-serve annotates a WebSocketResponse, but aiohttp routes any StreamResponse:
        # a page from another origin gets a plain 403 before any websocket is opened.
        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
            if origin_of(request.headers.get("Origin", "")) not in self.origins:
                return web.Response(
                    status=403,
                    text="tradegame: this page may not open a "
                    "game (the Origin header is not this "
                    "server's)\n",
                )
            if not all(_size_ok(request.query.get(k, "80")) for k in ("width", "height")):
                return web.Response(
                    status=400, text=f"tradegame: width and height are 1 to {MAX_CELLS} cells\n"
                )
            if self.full() and not self.presents_token(request):
                return web.Response(
                    status=503,
                    text=f"tradegame: all "
                    f"{self.max_connections} places are "
                    f"taken; try again later\n",
                )
            self.connections += 1
            reset = self._instructor_here.set(self.presents_token(request))
            try:
                result: web.StreamResponse = await super().handle_websocket(request)
                return result
            finally:
                self._instructor_here.reset(reset)
                self.connections -= 1

        async def _process_messages(
            self, websocket: web.WebSocketResponse, app_service: Any
        ) -> None:
            # Textual-serve's loop, with each message checked first: its own loop trusts the
            # browser (a resize to 20000x20000 took a game to 2 GB; a negative one or a
            # malformed message crashed the session with a traceback on the host's console).
            # A message that is not what the page sends is dropped. We also keep each session
            # to end it at shutdown.
            self.sessions[app_service] = websocket
            try:
                async for message in websocket:
                    if message.type != WSMsgType.TEXT:
                        continue
                    envelope = browser_message(message.data)
                    if envelope is None:
                        continue
                    kind, data = envelope
                    if kind == "stdin":
                        await app_service.send_bytes(data.encode("utf-8"))
                    elif kind == "resize":
                        await app_service.set_terminal_size(*data)
                    elif kind == "ping":
                        await websocket.send_json(["pong", data])
                    elif kind == "blur":
                        await app_service.blur()
                    elif kind == "focus":
                        await app_service.focus()
            finally:
                self.sessions.pop(app_service, None)

        def initialize_logging(self) -> None:
            # One escaped line per event. Textual-serve's handler printed a traceback with its
            # locals for every malformed request: any client could flood the host's console
            # (and its CPU) and put a bidi override from a header into it.
            handler = logging.StreamHandler(sys.stdout)
            handler.setFormatter(OneLineFormatter())
            logging.basicConfig(level="INFO", handlers=[handler], force=True)

        async def on_startup(self, app: web.Application) -> None:
            pass  # run() prints the addresses; textual-serve's banner would print the command

        async def on_shutdown(self, app: web.Application) -> None:
            # Without this aiohttp waits for every open websocket (up to a minute) and the
            # games keep running: close them, let each process quit, end the ones that do not.
            sessions = list(self.sessions.items())
            await asyncio.gather(
                *(
                    ws.close(code=WSCloseCode.GOING_AWAY, message=b"the server is stopping")
                    for _, ws in sessions
                ),
                return_exceptions=True,
            )
            processes = [
                p
                for service, _ in sessions
                if (p := getattr(service, "_process", None)) is not None
            ]
            await asyncio.gather(*(_end(p) for p in processes), return_exceptions=True)

    return GameServer()


class OneLineFormatter(logging.Formatter):
    """A log record as one line with control characters escaped; an exception as its type
    and message, without the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        from tradegame.untrusted import printable

        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text += f" ({type(exc).__name__}: {exc})"
        return printable(f"{record.levelname} {text}").replace("\n", " ").replace("\t", " ")


def _size_ok(text: str) -> bool:
    return text.isdigit() and 0 < int(text) <= MAX_CELLS


def _cells_ok(value: object) -> bool:
    return type(value) is int and 0 < value <= MAX_CELLS


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def browser_message(text: str) -> tuple[str, Any] | None:
    """``(kind, data)`` of a websocket message as textual-serve's page sends it (``stdin``
    with text, ``resize`` with width and height of 1 to :data:`MAX_CELLS`, ``ping`` with
    text, ``blur``, ``focus``); None for anything else."""
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: brackets nested 100,000 deep
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
    if kind in ("stdin", "ping"):
        if not isinstance(data, str):
            return None
        if kind == "stdin" and not _utf8(data):
            # a lone surrogate, typed by no keyboard (encoded with "replace" it reached the
            # game as '?', the help key)
            return None
        return kind, data
    if kind == "resize":
        if (
            isinstance(data, dict)
            and _cells_ok(data.get("width"))
            and _cells_ok(data.get("height"))
        ):
            return kind, (data["width"], data["height"])
        return None
    if kind in ("blur", "focus"):
        return kind, None
    return None


async def _end(process: Any) -> None:
    """Wait a moment for a game process to quit, then kill it."""
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE)
    except TimeoutError:
        process.kill()
        await process.wait()


def run(args: argparse.Namespace) -> int:
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        raise UserError(INSTALL_HINT) from None
    offered = check(args)
    token = secrets.token_urlsafe(24) if args.instructor else None
    server = make_server(args, offered, token)
    shown = (args.public_url or server.public_url).rstrip("/")
    print(
        f"tradegame: serving {shown}/ (each browser gets its own game, up to "
        f"{args.max_connections} at once; ctrl+c stops)",
        flush=True,
    )
    if token is not None:
        print(
            f"tradegame: instructor view (keep this link to yourself; students use the "
            f"one above): {shown}/?{INSTRUCTOR_PARAM}={token}",
            flush=True,
        )
    server.serve()
    return EXIT_OK


__all__ = ["INSTALL_HINT", "make_server", "offered_scenarios", "play_command", "run"]
