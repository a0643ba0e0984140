"""``tradegame play`` refuses bad input with one clear line before any screen opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradegame.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["play", *args])
    return code, capsys.readouterr().err


def test_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "april-2026")
    assert code == 2 and "no such file or bundled scenario" in err and "april-2025" in err
    assert "Traceback" not in err


def test_unknown_agent_and_player(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, "--seat", "JP=nonsense")
    assert code == 2 and "unknown agent 'nonsense'" in err
    code, err = run(capsys, "--seat", "XX=human")
    assert code == 2 and "unknown player 'XX'" in err


def test_corrupt_save(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "g.json"
    bad.write_text("{not json")
    code, err = run(capsys, str(bad))
    assert code == 2 and err.startswith(f"tradegame: {bad}: ")


def test_needs_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    # Under pytest stdin is not a terminal: a clear message, not a broken screen.
    code, err = run(capsys, "--seat", "JP=human", "--seed", "1")
    assert code == 2 and "needs a terminal" in err


def test_play_help_describes_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["play", "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for option, words in (
        ("scenario", "a bundled scenario's name"),
        ("--seat", "who plays a country"),
        ("--seed", "the random seed"),
        ("--instructor", "instructor mode"),
    ):
        assert option in out and words in out, option
    assert "--web" not in out and "--offer" not in out  # for tradegame serve only


def test_agents_lists_every_built_in_agent_with_its_description(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tradegame.agents.base import registry

    assert main(["agents"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    for name, cls in registry().items():
        assert f"\n  {name}" in out, name
        description = " ".join(str(getattr(cls, "description", "")).split())
        assert description and description in flat, name
    assert "(default)" in out and "--seat PLAYER=AGENT" in out
    assert max(len(line) for line in out.splitlines()) <= 80
