"""Out-of-process bots: any program that speaks the JSON-lines protocol on stdin/stdout
(:mod:`tradegame.agents.protocol`), named on the command line as ``cmd:COMMAND``::

    tradegame match april-2025 --seat JP=cmd:"python examples/bots/simple_bot.py"

Failure handling — the game never waits longer than the time limit and never stops:

* **hang** — no answer within ``time_limit`` seconds (default 5): the move becomes a pass,
  the bot's process (its whole process group) is killed;
* **slow start** — a freshly (re)started bot has until ``startup_limit`` seconds after its
  start (default 10) for its first answer, or the move limit if that ends later; after its
  first answer only the move limit counts;
* **crash** — the process exits or closes its stdout: the move becomes a pass;
* **garbage** — the answer is not ``{"action": "<notation>"}`` with a parsable action, or
  is a line longer than :data:`MAX_LINE`: the move becomes a pass, the process keeps
  running (the rest of an over-long line is skipped);
* **illegal move** — a parsable action that is not legal now for the bot's player: the move
  becomes a pass (the match loop checks it like any agent's move).

Each is one incident line; any text of the bot's quoted in it (its answer, its stderr) goes
through :func:`tradegame.untrusted.printable`, so escape sequences are shown, not obeyed. A
killed or crashed bot is **restarted for its next turn** (with a fresh ``start`` message
carrying the current view), at most ``max_restarts`` times a game (default 3); after that its
seat passes for the rest of the game. The bot's stderr is kept (the last lines are quoted in
crash incidents), never mixed into the game's output.

Each bot runs in a session of its own, and its whole process group is killed when the game
ends (or fails, or this program exits), so a process the bot started does not outlive it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import random
import shlex
import shutil
import signal
import subprocess
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import IO, Any

from tradegame.agents.base import EXTERNAL_PREFIX, AgentSpecError, Turn
from tradegame.agents.protocol import (
    BotProtocolError,
    encode,
    end_message,
    parse_reply,
    start_message,
    turn_message,
)
from tradegame.engine import Action
from tradegame.engine.view import View
from tradegame.untrusted import printable

DEFAULT_TIME_LIMIT = 5.0
"""Seconds a bot may take per move when no ``--time-limit`` is given."""

DEFAULT_STARTUP_LIMIT = 10.0
"""Seconds from a bot's (re)start to its first answer when no ``--startup-limit`` is given."""

MAX_RESTARTS = 3
"""Restarts of a crashed or killed bot per game; then its seat passes."""

MAX_LINE = 1024 * 1024
"""Longest answer line read from a bot (bytes, without the newline); a longer one is garbage."""

MAX_STDERR_LINE = 200
"""Characters kept of each of the bot's last stderr lines."""

MAX_QUEUED = 64
"""Answer lines kept waiting between turns; a bot printing more loses the extra ones."""

_CHUNK = 64 * 1024
_EOF = None


class BotError(Exception):
    """A bot that did not produce a usable move (the match loop turns it into a pass)."""


class BotTimeout(BotError):
    pass


class BotCrashed(BotError):
    pass


class BotGarbage(BotError):
    pass


class BotDisabled(BotError):
    pass


def read_lines(stream: IO[bytes], limit: int, emit: Callable[[bytes, bool], None]) -> None:
    """Read ``stream`` in chunks until its end and call ``emit(line, cut)`` per line.

    A line longer than ``limit`` bytes is emitted at once with its first ``limit`` bytes and
    ``cut=True``; the rest of it is skipped. A last line without a newline is emitted too.
    """
    fd = stream.fileno()
    buf = bytearray()
    skipping = False
    while True:
        try:
            chunk = os.read(fd, _CHUNK)
        except OSError:
            break
        if not chunk:
            break
        start = 0
        while True:
            nl = chunk.find(b"\n", start)
            stop = len(chunk) if nl < 0 else nl
            if not skipping:
                room = limit - len(buf)
                if stop - start > room:
                    buf += chunk[start : start + room]
                    emit(bytes(buf), True)
                    buf.clear()
                    skipping = True
                else:
                    buf += chunk[start:stop]
            if nl < 0:
                break
            if not skipping:
                emit(bytes(buf), False)
            buf.clear()
            skipping = False
            start = nl + 1
    if buf and not skipping:
        emit(bytes(buf), False)


# Every bot process group still running, so that an exit of this program kills them too.
_LIVE: weakref.WeakSet[_Process] = weakref.WeakSet()


def kill_all() -> None:
    """Kill every bot process group this process started that still runs (at exit, or
    from a signal handler that is about to end the process)."""
    for proc in list(_LIVE):
        proc.kill_group()


atexit.register(kill_all)


class _Process:
    """One running bot: a process group, a writer thread and two reader threads."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str | None) -> None:
        # A session of its own: the bot and anything it starts share one process group,
        # which is killed as a whole, and a Ctrl-C at the terminal does not reach them.
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            bufsize=0,
            start_new_session=True,
        )
        self.started = time.monotonic()
        self.answered = False  # whether it has answered a turn yet (ends its start-up time)
        self.lines: queue.Queue[tuple[bytes, bool] | None] = queue.Queue()
        self.outbox: queue.Queue[bytes | None] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=8)
        self._group_killed = False
        _LIVE.add(self)
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self._threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True),
            threading.Thread(target=self._read_stderr, args=(self.proc.stderr,), daemon=True),
            threading.Thread(target=self._write, args=(self.proc.stdin,), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _read(self, stream: IO[bytes]) -> None:
        def emit(line: bytes, cut: bool) -> None:
            if self.lines.qsize() < MAX_QUEUED:
                self.lines.put((line, cut))

        with contextlib.suppress(OSError, ValueError):
            read_lines(stream, MAX_LINE, emit)
        self.lines.put(_EOF)

    def _read_stderr(self, stream: IO[bytes]) -> None:
        def emit(raw: bytes, cut: bool) -> None:
            text = raw.decode("utf-8", errors="replace").rstrip()
            if text:
                self.stderr_tail.append(printable(text[:MAX_STDERR_LINE]))

        with contextlib.suppress(OSError, ValueError):
            read_lines(stream, 4 * MAX_STDERR_LINE, emit)

    def _write(self, stream: IO[bytes]) -> None:
        try:
            while True:
                data = self.outbox.get()
                if data is None:
                    stream.close()
                    return
                view = memoryview(data)
                while view:  # a raw pipe may take part of it
                    view = view[stream.write(view) or 0 :]
        except (OSError, ValueError):
            return

    def send(self, message: dict[str, Any]) -> None:
        self.outbox.put(encode(message))

    def drain(self) -> None:
        """Drop unsolicited lines printed between turns (an EOF marker is kept)."""
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return
            if line is _EOF:
                self.lines.put(_EOF)
                return

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr(self, wait: float = 0.0) -> str:
        """The last lines of the bot's stderr (after waiting up to ``wait`` s for its end)."""
        if wait > 0:
            self._threads[1].join(timeout=wait)
        return " | ".join(self.stderr_tail)

    def kill_group(self) -> None:
        """SIGKILL the bot's whole process group: the bot and every process it started
        (unless one left the group on purpose), whether or not the bot itself still runs."""
        if self._group_killed:
            return
        self._group_killed = True
        _LIVE.discard(self)
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            if hasattr(os, "killpg"):
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:  # pragma: no cover - not POSIX
                self.proc.kill()

    def stop(self, grace: float = 0.0) -> None:
        """Close stdin, wait up to ``grace`` seconds, then kill the whole process group."""
        self.outbox.put(None)
        if grace > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=grace)
        self.kill_group()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        for t, stream in zip(self._threads[:2], (self.proc.stdout, self.proc.stderr), strict=True):
            t.join(timeout=1)
            # A pipe still held by a process outside the group keeps its reader waiting:
            # its descriptor stays open, or the reader could read a file that reuses it.
            if stream is not None and not t.is_alive():
                with contextlib.suppress(OSError):
                    stream.close()


class ExternalAgent:
    """An agent played by another program over the JSON-lines protocol."""

    description = "an out-of-process bot speaking the JSON-lines protocol (tradegame-bot/1)"
    keeps_time = True  # its own limits (the process is killed); never wrapped in a thread

    def __init__(
        self,
        argv: list[str],
        rng: random.Random | None = None,
        *,
        time_limit: float | None = None,
        startup_limit: float | None = None,
        max_restarts: int = MAX_RESTARTS,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        if not argv:
            raise AgentSpecError("an external bot needs a command")
        self.argv = argv
        self.name = EXTERNAL_PREFIX + shlex.join(argv)
        self.time_limit = DEFAULT_TIME_LIMIT if time_limit is None else float(time_limit)
        self.startup_limit = (
            DEFAULT_STARTUP_LIMIT if startup_limit is None else float(startup_limit)
        )
        self.max_restarts = max_restarts
        self.cwd = cwd
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.bot_seed = (rng or random.Random(0)).getrandbits(31)
        self.player: str | None = None
        self.starts = 0
        self.turns = 0
        self._proc: _Process | None = None

    @classmethod
    def from_spec(
        cls,
        spec: str,
        rng: random.Random | None = None,
        *,
        time_limit: float | None = None,
        startup_limit: float | None = None,
    ) -> ExternalAgent:
        """``cmd:COMMAND`` (split like a shell would, without running one)."""
        command = spec.removeprefix(EXTERNAL_PREFIX)
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            raise AgentSpecError(f"cannot read the bot command {command!r}: {exc}") from None
        if not argv:
            raise AgentSpecError('cmd: needs a command, e.g. cmd:"python mybot.py"')
        if shutil.which(argv[0]) is None and not os.path.isfile(argv[0]):
            raise AgentSpecError(f"bot command not found: {argv[0]!r} (in {spec!r})")
        return cls(argv, rng, time_limit=time_limit, startup_limit=startup_limit)

    # -- the agent hooks

    def start(self, player: str, view: View) -> None:
        self.player = player
        self._spawn(view)

    def act(self, turn: Turn) -> Action:
        self.player = turn.player
        self.turns += 1
        if self._proc is None or not self._proc.alive():
            if self._proc is not None:
                self._kill()
            if self.starts > self.max_restarts:
                raise BotDisabled(
                    f"the bot was restarted {self.max_restarts} times; its seat "
                    f"passes for the rest of the game"
                )
            self._spawn(turn.view)
        proc = self._proc
        assert proc is not None
        proc.drain()
        proc.send(turn_message(turn, self.turns, self.time_limit))
        deadline = time.monotonic() + self.time_limit
        starting = not proc.answered and proc.started + self.startup_limit > deadline
        if starting:
            deadline = proc.started + self.startup_limit
        while True:
            remaining = deadline - time.monotonic()
            try:
                item = proc.lines.get(timeout=max(0.0, remaining))
            except queue.Empty:
                self._kill()
                if starting:
                    raise BotTimeout(
                        f"no first answer within the start-up limit of "
                        f"{self.startup_limit:g} s; the bot is stopped and "
                        f"restarted for its next move"
                    ) from None
                raise BotTimeout(
                    f"no answer within {self.time_limit:g} s; the bot is stopped "
                    f"and restarted for its next move"
                ) from None
            if item is _EOF:
                try:
                    code: int | None = proc.proc.wait(timeout=1)
                except subprocess.TimeoutExpired:  # it closed its stdout but lives on
                    code = None
                tail = proc.stderr(wait=0.5)
                self._kill()
                how = f"exited (code {code})" if code is not None else "closed its stdout"
                raise BotCrashed(
                    f"the bot {how} without answering" + (f"; stderr: {tail}" if tail else "")
                )
            line, cut = item
            proc.answered = True
            if cut:
                raise BotGarbage(
                    f"an answer line longer than the {MAX_LINE // (1024 * 1024)} "
                    f"MiB limit (the rest of the line is skipped)"
                )
            if not line.strip():
                continue
            try:
                action, number = parse_reply(line)
            except BotProtocolError as exc:
                raise BotGarbage(str(exc)) from None
            if number is not None and number != self.turns:
                continue  # a late answer to an earlier turn
            return action

    def end(self, player: str, view: View) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.alive():
            proc.send(end_message(player, view))
            proc.stop(grace=min(1.0, self.time_limit))
        else:
            proc.stop()

    def close(self) -> None:
        self._kill()

    # -- processes

    def _spawn(self, view: View) -> None:
        self.starts += 1
        try:
            self._proc = _Process(self.argv, self.env, self.cwd)
        except OSError as exc:
            self._proc = None
            raise BotCrashed(
                f"cannot start {shlex.join(self.argv)!r}: {exc.strerror or type(exc).__name__}"
            ) from None
        assert self.player is not None
        self._proc.send(
            start_message(self.player, view, self.time_limit, self.bot_seed, self.startup_limit)
        )

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.stop()

    def __del__(self) -> None:  # pragma: no cover - a safety net; close() is the way
        with contextlib.suppress(Exception):
            self._kill()


__all__ = [
    "DEFAULT_STARTUP_LIMIT",
    "DEFAULT_TIME_LIMIT",
    "MAX_LINE",
    "MAX_RESTARTS",
    "BotCrashed",
    "BotDisabled",
    "BotError",
    "BotGarbage",
    "BotTimeout",
    "ExternalAgent",
    "kill_all",
    "read_lines",
]
