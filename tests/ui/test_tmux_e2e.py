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
    """A tmux session running one command (100×30 unless told), on a tmux server of its own.

    Its own server (``-L``): on the shared default server, a test whose last session closed made
    the server exit while another xdist worker's ``new-session`` was connecting to it ("server
    exited unexpectedly", CI of 60b470c)."""

    def __init__(
        self, command: list[str], env: dict[str, str], size: tuple[int, int] = (100, 30)
    ) -> None:
        self.name = f"tg-{uuid.uuid4().hex[:8]}"
        self.tmux = [str(TMUX), "-L", self.name]
        inner = " ".join(["env", *(f"{k}={v}" for k, v in env.items()), *command])
        subprocess.run(
            [
                *self.tmux,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                inner,
            ],
            check=True,
        )

    def screen(self) -> str:
        out = subprocess.run(
            [*self.tmux, "capture-pane", "-t", self.name, "-p"], capture_output=True, text=True
        )
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
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def alive(self) -> bool:
        return (
            subprocess.run(
                [*self.tmux, "has-session", "-t", self.name], capture_output=True
            ).returncode
            == 0
        )

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[list[Terminal], dict[str, str]]]:
    env = {
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
        "TRADEGAME_SAVE_DIR": str(tmp_path / "saves"),
        "HOME": os.environ.get("HOME", "/"),
    }
    started: list[Terminal] = []
    yield started, env
    for t in started:
        t.close()


def test_play_a_round_as_japan_in_a_real_terminal(
    terminal: tuple[list[Terminal], dict[str, str]], tmp_path: Path
) -> None:
    started, env = terminal
    t = Terminal(
        [
            str(TRADEGAME),
            "play",
            "--seat",
            "JP=human",
            "--seat",
            "US=passive",
            "--seat",
            "EU=passive",
            "--seed",
            "1",
        ],
        env,
    )
    started.append(t)
    # The status line is drawn in the first frame; the talks tab comes a moment later.
    screen = t.wait_for("Ministerial talks with United States")
    assert "Round 1/13" in screen and "Your move, Japan" in screen
    t.keys("Down", "Space")  # a term into the draft: the preview shows
    t.wait_for("if your draft is agreed")
    t.keys("p")  # but pass instead
    t.wait_for("give your orders")
    t.keys("C-d")
    t.wait_for("send these orders?")
    t.keys("Enter")
    t.wait_for("Round 1 report")  # what the resolution did, then back
    t.keys("Enter")
    screen = t.wait_for("Round 2/13")
    assert "76 days left" in screen
    t.wait_for("Your move, Japan: give your orders")  # after the AI seats' orders
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
    terminal: tuple[list[Terminal], dict[str, str]],
) -> None:
    started, env = terminal
    t = Terminal([str(TRADEGAME)], env)
    started.append(t)
    t.wait_for("New game")
    t.wait_for("Players: United States (US)")
    t.keys("s")  # defaults: Japan is human, AIs elsewhere
    t.wait_for("Your move, Japan")
    t.keys("C-q", "C-q")  # twice: quit without asking


def typed(*text: str) -> list[str]:
    """tmux key names for ``text`` typed key by key (all sent in one go: full speed)."""
    keys: list[str] = []
    for part in text:
        if part == "\b":
            keys.append("BSpace")
        else:
            keys += [{" ": "Space", ";": "\\;"}.get(c, c) for c in part]
    return keys


def test_a_whole_game_at_80x24_typing_at_full_speed(
    terminal: tuple[list[Terminal], dict[str, str]], tmp_path: Path
) -> None:
    """The guided primer as Japan at the stated minimum size, every text typed in one burst
    with mistakes corrected by Backspace: nothing typed is lost or reordered."""
    started, env = terminal
    t = Terminal(
        [
            str(TRADEGAME),
            "play",
            "us-japan-primer",
            "--seat",
            "JP=human",
            "--seat",
            "US=passive",
            "--seed",
            "5",
        ],
        env,
        size=(80, 24),
    )
    started.append(t)
    t.wait_for("Your move, Japan")
    # A save typed fast, with a typo fixed by Backspace, lands under exactly that name.
    t.keys("C-s")
    t.wait_for("Save the game to")
    target = tmp_path / "mine.json"
    t.keys("C-u", *typed(str(tmp_path) + "/minr", "\b", "\b", "ne.json"), "Enter")
    deadline = time.monotonic() + 10
    while not target.exists():
        assert time.monotonic() < deadline, f"not saved to {target}:\n{t.screen()}"
        time.sleep(0.1)
    assert [p.name for p in tmp_path.glob("*.json")] == ["mine.json"]
    filters = 0
    deadline = time.monotonic() + 240
    while True:
        assert time.monotonic() < deadline, f"the game did not end:\n{t.screen()}"
        screen = t.screen()
        if "Game over" in screen:
            break
        if "Round " in screen and " report" in screen and "Continue (enter)" in screen:
            t.keys("Enter")
        elif "Your move, Japan: give your orders" in screen:
            # The orders filter: a word, three wrong letters deleted, another word.
            t.keys("3", "/", *typed("xyz", "\b", "\b", "\b", "reassure"))
            # The word in the field first: the unfiltered list shows "Reassure US" already.
            t.wait_for("reassure")
            screen = t.wait_for("Reassure US")
            field = next(line for line in screen.splitlines() if "reassure" in line)
            assert field.strip() == "reassure", screen
            filters += 1
            t.keys("Down", "Enter")
            t.wait_for("Staged (1/")
            t.keys("C-d")
            t.wait_for("send these orders?")
            t.keys("Enter")
            deadline_sent = time.monotonic() + 30
            while not any(
                w in t.screen() for w in ("You sent 1 order", "Game over", "Continue (enter)")
            ):
                assert time.monotonic() < deadline_sent, t.screen()
                time.sleep(0.1)
        elif "Your move, Japan: open the talks" in screen:
            t.keys("p")
            time.sleep(0.3)
        elif "Your move, Japan: answer" in screen:
            t.keys("r")
            time.sleep(0.3)
        time.sleep(0.1)
    assert filters >= 3
    t.keys("C-q", "C-q")
