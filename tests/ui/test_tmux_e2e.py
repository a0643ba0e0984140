"""End to end: the installed ``tradegame`` command in a real terminal (tmux), driven by keys.

Needs tmux (the README lists it; ``.ci/run`` installs it); skipped without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
TRADEGAME = Path(sys.executable).with_name("tradegame")


@pytest.fixture(autouse=True)
def _needs_tmux() -> None:
    # A missing system program must fail the suite, not hide: the README lists tmux.
    assert TMUX is not None, "tmux is not installed (Debian package tmux; .ci/run installs it)"
    assert TRADEGAME.exists(), f"the tradegame command is not installed at {TRADEGAME}"


class Terminal:
    """A tmux session running one command, 100×30."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.name = f"tg-{uuid.uuid4().hex[:8]}"
        inner = " ".join(["env", *(f"{k}={v}" for k, v in env.items()), *command])
        subprocess.run([TMUX, "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30",
                        inner], check=True)

    def screen(self) -> str:
        out = subprocess.run([TMUX, "capture-pane", "-t", self.name, "-p"],
                             capture_output=True, text=True)
        return out.stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {text!r}; screen:\n{screen}")
            time.sleep(0.1)

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX, "send-keys", "-t", self.name, *keys], check=True)

    def alive(self) -> bool:
        return subprocess.run([TMUX, "has-session", "-t", self.name],
                              capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[list[Terminal], dict[str, str]]]:
    env = {"TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none",
           "TRADEGAME_SAVE_DIR": str(tmp_path / "saves"), "HOME": os.environ.get("HOME", "/")}
    started: list[Terminal] = []
    yield started, env
    for t in started:
        t.close()


def test_play_a_round_as_japan_in_a_real_terminal(
        terminal: tuple[list[Terminal], dict[str, str]], tmp_path: Path) -> None:
    started, env = terminal
    t = Terminal([str(TRADEGAME), "play", "--seat", "JP=human", "--seat", "US=passive",
                  "--seat", "EU=passive", "--seed", "1"], env)
    started.append(t)
    screen = t.wait_for("Your move, Japan")
    assert "Round 1/13" in screen and "Ministerial talks with United States" in screen
    t.keys("Down", "Space")                       # a term into the draft: the preview shows
    t.wait_for("if your draft is agreed")
    t.keys("p")                                   # but pass instead
    t.wait_for("give your orders")
    t.keys("C-d")
    t.wait_for("send these orders?")
    t.keys("Enter")
    screen = t.wait_for("Round 2/13")
    assert "76 days left" in screen
    t.wait_for("Your move, Japan: give your orders")   # after the AI seats' orders
    t.keys("4")
    t.wait_for("JP made no proposal to US")
    deadline = time.monotonic() + 10
    while not list((tmp_path / "saves").glob("*-round02.json")):
        assert time.monotonic() < deadline, "no autosave after round 1"
        time.sleep(0.1)
    t.keys("C-q")
    t.wait_for("Quit tradegame?")
    t.keys("y")
    deadline = time.monotonic() + 10
    while t.alive():
        assert time.monotonic() < deadline, "ctrl+q did not quit"
        time.sleep(0.1)


def test_the_bare_command_opens_the_new_game_screen_and_starts(
        terminal: tuple[list[Terminal], dict[str, str]]) -> None:
    started, env = terminal
    t = Terminal([str(TRADEGAME)], env)
    started.append(t)
    t.wait_for("New game")
    t.wait_for("Players: United States (US)")
    t.keys("s")                                   # defaults: Japan is human, AIs elsewhere
    t.wait_for("Your move, Japan")
    t.keys("C-q", "C-q")                          # twice: quit without asking
