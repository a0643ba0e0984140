"""No traceback reaches a user: a bug becomes one line and a crash report file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tradegame import cli
from tradegame.engine.errors import NonFiniteError
from tradegame.errors import EXIT_FAILED, EXIT_INTERNAL


def _run_with(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> int:
    def broken(args: object) -> int:
        raise error

    parser = cli.build_parser()
    real_parse = parser.parse_args

    def parse_args(argv: list[str]) -> object:
        args = real_parse(argv)
        args.run = broken  # type: ignore[attr-defined]
        return args

    monkeypatch.setattr(parser, "parse_args", parse_args)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    return cli.main(["scenarios"])


def test_a_bug_gives_one_line_and_a_report(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.delenv("TRADEGAME_DEBUG", raising=False)
    assert _run_with(monkeypatch, KeyError("boom")) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert err.startswith("tradegame: internal error (KeyError); the details are in ")
    report = Path(re.search(r"the details are in (\S+)\. Please", err).group(1))
    assert report.is_relative_to(tmp_path)
    assert "Traceback" in report.read_text() and "KeyError: 'boom'" in report.read_text()


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEGAME_DEBUG", "1")
    with pytest.raises(KeyError):
        _run_with(monkeypatch, KeyError("boom"))


def test_a_non_finite_number_stops_the_game_with_its_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    error = NonFiniteError("round 1: the credibility of B became nan")
    assert _run_with(monkeypatch, error) == EXIT_FAILED
    assert capsys.readouterr().err == (
        "tradegame: the game stopped: round 1: the credibility of B became nan\n"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_output_to_a_full_device_is_a_message_not_a_crash(tmp_path: Path) -> None:
    """``> /dev/full`` (or a full disk under a redirected output) is the machine's state, not
    a bug: it was reported as an internal error with a crash report."""
    import subprocess
    import sys

    env = {**os.environ, "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("TRADEGAME_DEBUG", None)
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tradegame",
                "whatif",
                "april-2025",
                "--tariff",
                "US:JP:all=24%",
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == EXIT_FAILED, done.stderr
    assert done.stderr == "tradegame: cannot write: No space left on device\n"
    assert not (tmp_path / "state").exists()  # no crash report


@pytest.mark.parametrize("command", [["tournament", "--help"], ["play"], []])
def test_ctrl_c_while_the_parser_is_built_is_an_interruption(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Building the parser imports every subcommand (about 0.2 s after the command starts):
    a Ctrl-C then ends the command like one later on, with no traceback."""

    def interrupted(play_only: bool = False) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(command) == 130
    assert capsys.readouterr().err == "tradegame: interrupted\n"
