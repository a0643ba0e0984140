"""Leaving cleanly: autosave and exit when the terminal goes away or a signal says stop.

Why this exists. Textual's Linux driver (``textual/drivers/linux_driver.py``) reads keys in a
thread that ``select``\\ s on stdin and ``os.read``\\ s it. When the terminal goes away without a
SIGHUP reaching us (a killed tmux pane or a dropped SSH session while we run under ``nohup``, a
profiler's pty, a process with no controlling terminal) the tty is hung up: ``select`` reports it
readable at once and ``read`` returns ``b""`` (EOF). The driver takes an empty read for "stdin is
piped", breaks out and selects again, so the thread spins at full CPU forever, and nothing tells
the app. Its writer thread dies on the first write (EIO), after which the app's writes pile up
in a queue of 30 and then block the event loop.

Why a watchdog and not a driver subclass. Fixing the driver means overriding
``run_input_thread``, a private loop that changes between Textual versions, and still leaves
the dead writer. The watchdog only uses the operating system: a thread waits in ``poll`` for
POLLHUP/POLLERR on the terminal's file descriptors, asking for no events (so it never reads and
never competes with Textual for keys; a live terminal wakes it for nothing). When the terminal
hangs up, it points those descriptors at ``/dev/null`` so Textual's threads do not fail while it
shuts down, then asks the app to autosave and exit (the reader's spin on EOF lasts only until
then). If the event loop does not get there within
:data:`GRACE` seconds (blocked behind the dead writer), the watchdog saves from its own thread and
ends the process.

SIGTERM and SIGHUP take the same way out (autosave, exit with 128 + the signal's number), as an
asyncio signal handler that runs on the event loop. A SIGHUP that was ignored when tradegame
started (``nohup``) stays ignored, as the convention is; the watchdog still notices the terminal.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import threading
from collections.abc import Callable, Sequence

GRACE = 5.0
"""Seconds the event loop gets to autosave and exit after the terminal is lost."""

LOST_TERMINAL_CODE = 128 + signal.SIGHUP
"""The exit status after the terminal is lost: the status of a process the hang-up killed."""

_BROKEN = select.POLLHUP | select.POLLERR | select.POLLNVAL


def terminal_fds() -> list[int]:
    """The standard descriptors that are a terminal (what Textual reads and writes)."""
    out = []
    for fd in (0, 1, 2):
        try:
            if os.isatty(fd):
                out.append(fd)
        except OSError:
            pass
    return out


class TerminalWatch:
    """A thread that calls ``on_lost`` once, from itself, when a watched terminal hangs up."""

    def __init__(self, fds: Sequence[int], on_lost: Callable[[], None]) -> None:
        self.fds = list(fds)
        self.on_lost = on_lost
        self._wake_r, self._wake_w = os.pipe()  # stop() writes here to end the wait
        self._closed = False
        self._lock = threading.Lock()  # the pipe is closed once, never written after
        self._thread = threading.Thread(
            target=self._run, name="tradegame-terminal-watch", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            if not self._closed:
                os.write(self._wake_w, b"x")

    def _run(self) -> None:
        poller = select.poll()
        for fd in self.fds:
            poller.register(fd, 0)  # no events asked: only hang-up and error are reported
        poller.register(self._wake_r, select.POLLIN)
        try:
            while True:
                try:
                    ready = poller.poll()
                except InterruptedError:  # pragma: no cover - PEP 475 retries; belt and braces
                    continue
                if any(fd == self._wake_r for fd, _ in ready):
                    return
                if any(fd in self.fds and mask & _BROKEN for fd, mask in ready):
                    self.on_lost()
                    return
        finally:
            with self._lock:
                self._closed = True
                os.close(self._wake_r)
                os.close(self._wake_w)


def detach_terminal(fds: Sequence[int]) -> None:
    """Point the dead terminal's descriptors at /dev/null: Textual's writer and any last message
    go nowhere instead of failing, and its reader, which may be about to read the old stdin,
    gets an end of file instead of blocking the shutdown (a pipe with no data would block it)."""
    for fd in fds:
        try:
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, fd)
            os.close(null)
        except OSError:
            pass


class ExitGuard:
    """Autosave and exit on SIGTERM, SIGHUP or a lost terminal.

    ``save`` writes an autosave of the game as it is now (or does nothing) and returns a line
    for the user; it runs on the event loop, or, as a last resort, on the watchdog's thread.
    ``leave(code, note)`` ends the app (on the event loop).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        save: Callable[[], str | None],
        leave: Callable[[int, str], None],
    ) -> None:
        self.loop = loop
        self.save = save
        self.leave = leave
        self.watch: TerminalWatch | None = None
        self._signals: list[int] = []
        self._lock = threading.Lock()
        self._saved = False
        self._stopping = False

    def install(self, *, watch_terminal: bool) -> None:
        """Handle SIGTERM and SIGHUP (unless ignored from the start); watch the terminal."""
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if sig == signal.SIGHUP and signal.getsignal(sig) == signal.SIG_IGN:
                continue  # started under nohup: keep ignoring it
            try:
                self.loop.add_signal_handler(sig, self._signalled, sig)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
                continue
            self._signals.append(sig)
        fds = terminal_fds() if watch_terminal else []
        if fds:
            self.watch = TerminalWatch(fds, self._terminal_lost)
            self.watch.start()

    def uninstall(self) -> None:
        for sig in self._signals:
            try:
                self.loop.remove_signal_handler(sig)
            except (ValueError, RuntimeError):
                pass
        self._signals = []
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    # -------------------------------------------------------------- the ways out

    def _signalled(self, sig: int) -> None:
        self.stop(128 + sig, f"stopped by {signal.Signals(sig).name}")

    def _terminal_lost(self) -> None:  # on the watchdog's thread
        assert self.watch is not None
        detach_terminal(self.watch.fds)
        try:
            self.loop.call_soon_threadsafe(self.stop, LOST_TERMINAL_CODE, "the terminal closed")
        except RuntimeError:  # the loop is closed: the app is ending anyway
            return
        threading.Event().wait(GRACE)
        # Still running: the event loop is stuck (behind Textual's dead writer). Nothing else
        # touches the game while it is, so save from here and end the process.
        self._save_once()
        os._exit(LOST_TERMINAL_CODE)

    def stop(self, code: int, why: str) -> None:
        """Autosave, then leave with ``code`` (on the event loop; only the first call acts)."""
        if self._stopping:
            return
        self._stopping = True
        note = self._save_once()
        self.leave(code, f"tradegame: {why}" + (f"; {note}" if note else ""))

    def _save_once(self) -> str | None:
        with self._lock:
            if self._saved:
                return None
            self._saved = True
            try:
                return self.save()
            except Exception as exc:  # noqa: BLE001 - on the way out, a message not a traceback
                return f"the autosave failed: {type(exc).__name__}: {exc}"


__all__ = [
    "GRACE",
    "LOST_TERMINAL_CODE",
    "ExitGuard",
    "TerminalWatch",
    "detach_terminal",
    "terminal_fds",
]
