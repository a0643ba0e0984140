"""Out-of-process bots that misbehave in ways the game must contain: processes left behind,
a slow start, an endless line, escape sequences aimed at the user's terminal."""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from tradegame.agents.base import play_match
from tradegame.cli import main
from tradegame.scenario import load_rules

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "small.yaml"
BOT = Path(__file__).resolve().parent / "bots" / "faulty.py"

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/cmdline").exists(), reason="scans /proc for processes left behind"
)


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return load_rules(SMALL)


def bot(*args: str) -> str:
    return "cmd:" + shlex.join([sys.executable, str(BOT), *args])


def seats_with(player: str, spec: str) -> dict[str, str]:
    seats = {"A": "random", "B": "random", "C": "random"}
    seats[player] = spec
    return seats


def processes_with(marker: str) -> list[int]:
    """Live processes whose argv holds ``marker`` (zombies have an empty cmdline)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if marker.encode() in argv:
            found.append(int(entry))
    return found


def left_behind(marker: str, wait: float = 2.0) -> list[int]:
    deadline = time.monotonic() + wait
    while (pids := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


@pytest.fixture
def marker():  # type: ignore[no-untyped-def]
    mark = f"tradegame-test-grandchild-{uuid.uuid4().hex}"
    yield mark
    for pid in processes_with(mark):  # clean up after a failing test
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------------- processes left behind


def test_a_bots_grandchild_does_not_outlive_the_game(small, marker) -> None:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    game = play_match(
        small,
        3,
        seats_with("B", bot("fork", marker)),
        incidents=incidents,
        time_limit=5,
        allow_code=True,
    )
    assert game.is_over() and incidents == []
    assert left_behind(marker) == []


def test_the_grandchildren_of_a_crashing_bot_do_not_outlive_it(small, marker) -> None:  # type: ignore[no-untyped-def]
    # Each start forks a grandchild, then the bot exits: restarted three times, benched.
    incidents: list[str] = []
    play_match(
        small,
        3,
        seats_with("B", bot("fork-crash", marker)),
        incidents=incidents,
        time_limit=5,
        allow_code=True,
    )
    assert sum("BotCrashed" in i for i in incidents) == 4
    assert left_behind(marker) == []


def test_a_grandchild_is_killed_when_the_program_exits(tmp_path, marker) -> None:  # type: ignore[no-untyped-def]
    # A program that starts a bot, waits for the bot's grandchild, and exits without ending
    # the game or closing the agent.
    script = tmp_path / "leave.py"
    script.write_text(
        textwrap.dedent(f"""
        import random, sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_bot_faults import processes_with
        from tradegame.agents.external import ExternalAgent
        from tradegame.engine import Game
        from tradegame.scenario import load_rules

        game = Game.new(load_rules({str(SMALL)!r}), 1)
        agent = ExternalAgent.from_spec({bot("fork", marker)!r}, random.Random(0))
        agent.start("B", game.view("B"))
        deadline = time.monotonic() + 20
        while not processes_with({marker!r}) and time.monotonic() < deadline:
            time.sleep(0.05)
        print("started" if processes_with({marker!r}) else "no grandchild", flush=True)
    """)
    )
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "started"
    assert left_behind(marker) == []


# ---------------------------------------------------------------------- a slow start


def test_a_bot_slow_to_start_is_not_timed_out_nor_benched(small, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 1.5 s to start, a 1 s move limit: the start-up limit (default 10 s) covers the start,
    # so the bot plays every move itself and the game is the passive seat's game.
    log = tmp_path / "received.txt"
    incidents: list[str] = []
    game = play_match(
        small,
        5,
        seats_with("B", bot("slow-start", "1.5", "--log", str(log))),
        incidents=incidents,
        time_limit=1.0,
        allow_code=True,
    )
    reference = play_match(small, 5, seats_with("B", "passive"))
    assert incidents == []
    assert game.state_hash() == reference.state_hash()
    kinds = log.read_text().split()
    assert kinds.count("start") == 1  # never restarted
    assert kinds.count("turn") == sum(a.player == "B" for a in game.actions)
    assert kinds[-1] == "end"


def test_the_start_up_limit_still_ends_a_start_that_never_ends(small) -> None:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    started = time.monotonic()
    play_match(
        small,
        5,
        seats_with("B", bot("slow-start", "60")),
        incidents=incidents,
        time_limit=0.2,
        startup_limit=0.5,
        allow_code=True,
    )
    assert time.monotonic() - started < 30
    assert "no first answer within the start-up limit of 0.5 s" in incidents[0]


# ---------------------------------------------------------------------- an endless line


def test_a_5_mib_line_is_one_clear_incident_and_the_game_goes_on(small) -> None:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    started = time.monotonic()
    game = play_match(
        small,
        5,
        seats_with("B", bot("long-line", "2")),
        incidents=incidents,
        time_limit=3,
        allow_code=True,
    )
    reference = play_match(small, 5, seats_with("B", "passive"))
    assert time.monotonic() - started < 20
    assert game.is_over() and game.state_hash() == reference.state_hash()
    assert len(incidents) == 1, incidents
    assert "BotGarbage: an answer line longer than the 1 MiB limit" in incidents[0]
    assert len(incidents[0]) < 300  # the line itself is not quoted


# ---------------------------------------------------------------------- escape sequences


def match_output(spec: str, capsys, *extra: str) -> str:  # type: ignore[no-untyped-def]
    code = main(
        ["match", str(SMALL), "--seat", f"B={spec}", "--seed", "2", "--time-limit", "5", *extra]
    )
    assert code == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("mode", ["stderr-escapes", "reply-escapes"])
def test_escape_sequences_from_a_bot_reach_the_user_neutralised(mode, capsys) -> None:  # type: ignore[no-untyped-def]
    for extra in ((), ("--json",)):
        shown = match_output(bot(mode), capsys, *extra)
        assert "incident:" in shown or '"incidents"' in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
        if not extra:
            assert "\\x1b[2J" in shown  # shown as text, not obeyed
    if mode == "stderr-escapes":
        assert "about to fail" in shown


def test_an_action_holding_control_characters_is_garbage() -> None:
    from tradegame.agents.protocol import BotProtocolError, parse_reply

    with pytest.raises(BotProtocolError) as caught:
        parse_reply(b'{"action": "B propose A a-cap-b\\u001b[31m=0.1"}')
    assert "\x1b" not in str(caught.value)


def test_a_long_garbage_answer_is_quoted_short() -> None:
    from tradegame.agents.protocol import BotProtocolError, parse_reply

    with pytest.raises(BotProtocolError) as caught:
        parse_reply(b'{"action": "B ' + b"x" * 100_000 + b'"}')
    assert len(str(caught.value)) < 300


def test_lines_are_read_in_chunks_up_to_the_limit() -> None:
    from tradegame.agents.external import read_lines

    read, write = os.pipe()
    with os.fdopen(write, "wb") as w:
        w.write(b"short\n" + b"y" * 10 + b"\n" + b"z" * 3 + b"\nlast")
    got: list[tuple[bytes, bool]] = []
    with io.FileIO(read, "rb") as r:
        read_lines(r, 5, lambda line, cut: got.append((line, cut)))
    assert got == [(b"short", False), (b"yyyyy", True), (b"zzz", False), (b"last", False)]


@pytest.mark.parametrize("spec", ["os:system", "tradegame.engine:Game", "BROKEN"])
def test_an_agent_that_fails_to_start_is_a_clear_error(spec, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A name that is no agent class, or a class whose constructor raises, was an internal
    error (exit 70) instead of a message about the --seat."""
    if spec == "BROKEN":
        (tmp_path / "broken.py").write_text(
            "class Bot:\n    def __init__(self, rng):\n        raise RuntimeError('no config')\n"
        )
        spec = f"{tmp_path / 'broken.py'}:Bot"
    code = main(
        ["match", "us-japan-primer", "--seat", "US=passive", "--seat", f"JP={spec}", "--seed", "1"]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"tradegame: cannot start agent {spec!r}: ") and err.count("\n") == 1


def test_an_agent_calling_sys_exit_loses_its_move_not_the_game(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """sys.exit() in act() ended `match` at once, printing nothing and saving nothing."""
    (tmp_path / "quitter.py").write_text(
        "import sys\nclass Bot:\n    def act(self, turn):\n        sys.exit(3)\n"
    )
    save = tmp_path / "g.json"
    code = main(
        [
            "match",
            "us-japan-primer",
            "--seat",
            "US=passive",
            "--seat",
            f"JP={tmp_path / 'quitter.py'}:Bot",
            "--seed",
            "1",
            "--save",
            str(save),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "SystemExit" in out and save.exists()


@pytest.mark.parametrize("where", ["act", "init"])
def test_a_python_agents_exception_text_reaches_the_user_neutralised(
    where, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """An in-process agent's exception text went into the incident as it was: escape
    sequences straight to the terminal (and into --json, a tournament's files), a 1 MB
    message whole. An installed agent's or the LLM agent's text may quote a stranger's."""
    body = "raise RuntimeError('boom \\x1b[2J\\x1b]0;pwned\\x07 ' + 'z' * 1_000_000)"
    source = (
        f"class Bot:\n    def __init__(self, rng):\n        {body}\n"
        if where == "init"
        else f"class Bot:\n    def act(self, turn):\n        {body}\n"
    )
    (tmp_path / "loud.py").write_text(source)
    code = main(
        [
            "match",
            "us-japan-primer",
            "--seat",
            "US=passive",
            "--seat",
            f"JP={tmp_path / 'loud.py'}:Bot",
            "--seed",
            "1",
        ]
    )
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == (2 if where == "init" else 0), text
    assert "\x1b" not in text and "\x07" not in text
    assert "boom \\x1b[2J" in text
    assert max(len(line) for line in text.splitlines()) < 2_000
