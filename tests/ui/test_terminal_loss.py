"""The game leaves cleanly when its terminal goes away or a signal says stop (issue 18).

``tradegame play`` runs under a pseudo-terminal made here. Closing the master side is what a
killed tmux pane or a dropped SSH session does to the program inside: the tty hangs up. Whether a
SIGHUP comes with it depends on the session: none when the pty is not the process's controlling
terminal (a profiler's pty), none that counts when SIGHUP is ignored (``nohup``), one when the
process leads the session (a shell's direct child in a pane). Before the fix the first two spun
at full CPU forever and the third died without an autosave.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tradegame.saves import load_game

PLAY = [
    sys.executable,
    "-m",
    "tradegame",
    "play",
    "--seat",
    "JP=human",
    "--seat",
    "US=passive",
    "--seat",
    "EU=passive",
    "--seed",
    "1",
]
EXIT_WITHIN = 10.0  # seconds; the app exits in well under one, its last-resort path in five


class Game:
    """``tradegame play`` on a fresh pty, 100x30."""

    def __init__(self, saves: Path, *, controlling: bool, ignore_hup: bool) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "TEXTUAL_ANIMATIONS": "none",
            "TRADEGAME_SAVE_DIR": str(saves),
        }
        env.pop("TEXTUAL_DRIVER", None)

        def child_setup() -> None:  # runs in the child, after setsid()
            if controlling:
                fcntl.ioctl(0, termios.TIOCSCTTY, 0)
            if ignore_hup:
                signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup does; kept across exec

        self.proc = subprocess.Popen(
            PLAY,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=child_setup,
        )
        os.close(slave)
        self.output = b""

    def read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False once the pty is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every slave descriptor is closed
            return False
        self.output += data
        return bool(data)

    def wait_for(self, text: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        start = len(self.output)
        while text not in self.output[start:]:
            assert time.monotonic() < deadline, f"timed out waiting for {text!r}"
            assert self.proc.poll() is None, f"the game ended early: {self.output[-2000:]!r}"
            self.read(0.1)

    def close_terminal(self) -> None:
        os.close(self.master)
        self.master = -1

    def wait_exit(self) -> int:
        deadline = time.monotonic() + EXIT_WITHIN
        while self.proc.poll() is None:
            assert time.monotonic() < deadline, "the game is still running"
            if self.master >= 0:
                self.read(0.05)
            else:
                time.sleep(0.05)
        if self.master >= 0:
            while self.read(0.2):  # what it wrote on the way out
                pass
        return self.proc.returncode

    def end(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.master >= 0:
            os.close(self.master)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Game]]:
    games: list[Game] = []

    def make(**kw: bool) -> Game:
        games.append(Game(tmp_path / "saves", **kw))
        return games[-1]

    yield make
    for g in games:
        g.end()


def autosaves(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "saves").glob("*.json"))


@pytest.mark.parametrize(
    ("controlling", "ignore_hup"),
    [
        pytest.param(False, False, id="not-the-controlling-terminal"),
        pytest.param(True, True, id="sighup-ignored-as-under-nohup"),
    ],
)
def test_a_closed_terminal_without_sighup_autosaves_and_exits(
    start: Callable[..., Game], tmp_path: Path, controlling: bool, ignore_hup: bool
) -> None:
    game = start(controlling=controlling, ignore_hup=ignore_hup)
    game.wait_for(b"Your move")
    game.close_terminal()
    assert game.wait_exit() == 128 + signal.SIGHUP
    [path] = autosaves(tmp_path)
    loaded = load_game(path)
    assert loaded.game.round == 1 and not loaded.game.is_over()


def test_a_closed_terminal_with_sighup_autosaves_and_exits(
    start: Callable[..., Game], tmp_path: Path
) -> None:
    game = start(controlling=True, ignore_hup=False)  # the session leader: the kernel sends HUP
    game.wait_for(b"Your move")
    game.close_terminal()
    assert game.wait_exit() == 128 + signal.SIGHUP
    [path] = autosaves(tmp_path)
    assert load_game(path).game.round == 1


def test_sigterm_autosaves_the_game_as_it_is_and_exits(
    start: Callable[..., Game], tmp_path: Path
) -> None:
    game = start(controlling=True, ignore_hup=False)
    game.wait_for(b"Your move")
    os.write(game.master, b"p")  # pass in the talks: a move made after the last autosave
    game.wait_for(b"give your orders")
    game.proc.send_signal(signal.SIGTERM)
    assert game.wait_exit() == 128 + signal.SIGTERM
    [path] = autosaves(tmp_path)
    assert "JP pass" in [str(a) for a in load_game(path).game.actions]
    said = b" ".join(game.output.split())  # the message, wrapped to the terminal's width
    assert b"tradegame: stopped by SIGTERM; the game was autosaved to" in said
    assert path.name.encode() in said.replace(b" ", b"")
