"""``tradegame serve``: the game in web browsers, with textual-serve (the ``web`` extra).

Every browser that opens the page gets its own ``tradegame play`` process (run with this
Python, ``sys.executable -m tradegame play ...``): a student plays against AI seats on the
new-game screen, or on the seats given here. Saving in the browser also downloads the save.

There is no authentication: keep the default ``--host 127.0.0.1``, or serve a classroom LAN
(``--host 0.0.0.0``) you trust, or put it behind a reverse proxy (``--public-url``).
"""

from __future__ import annotations

import argparse
import shlex
import sys

from tradegame.cli import EXIT_OK, UserError

INSTALL_HINT = "browser play needs textual-serve: install it with pip install 'tradegame[web]'"


def play_command(args: argparse.Namespace) -> str:
    """The shell command each browser connection runs."""
    argv = [sys.executable, "-m", "tradegame", "play"]
    if args.scenario:
        argv.append(args.scenario)
    for seat in args.seat:
        argv += ["--seat", seat]
    if args.seed is not None:
        argv += ["--seed", str(args.seed)]
    if args.instructor:
        argv.append("--instructor")
    return shlex.join(argv)


def check(args: argparse.Namespace) -> None:
    """Refuse bad input before serving (the same checks as ``tradegame play``)."""
    from tradegame.commands.play import build_options

    if args.scenario is not None or args.seat:
        options = build_options(args)  # raises UserError with the problem
        match = getattr(options, "match", None)
        if match is not None:
            match.close()
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a TCP port (1 to 65535)")


def run(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError(INSTALL_HINT) from None
    check(args)
    command = play_command(args)
    server = Server(command, host=args.host, port=args.port, title="tradegame",
                    public_url=args.public_url)
    shown = args.public_url or f"http://{args.host}:{args.port}"
    print(f"tradegame: serving {shown} (each browser gets its own game; ctrl+c stops)",
          flush=True)
    server.serve()
    return EXIT_OK


__all__ = ["INSTALL_HINT", "play_command", "run"]
