"""Autosaves: naming, keeping the last few, the save folder, failures that lose nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tradegame.saves import Autosaver, SaveError, default_save_dir, game_id_of, load_game
from tradegame.saves import autosave as autosave_module

from .support import ROOT, SEATS, scripted_game, small_text

GAMES = [scripted_game(upto=n, finish=False) for n in (0, 6, 11, 17)] + [scripted_game()]


def saver(folder: Path, **kw: Any) -> Autosaver:
    return Autosaver(
        folder,
        "g1",
        keep=3,
        created="2025-04-16T09:30:00Z",
        scenario_text=small_text(),
        scenario_name="small",
        **kw,
    )


def test_one_file_per_call_the_newest_kept(tmp_path: Path) -> None:
    s = saver(tmp_path)
    written = [s.autosave(g, SEATS) for g in GAMES]
    assert [p.name for p in written] == [
        "g1-0001-round01.json",
        "g1-0002-round02.json",
        "g1-0003-round03.json",
        "g1-0004-round04.json",
        "g1-0005-round04.json",
    ]
    assert s.files() == written[-3:] and s.latest() == written[-1]
    assert sorted(os.listdir(tmp_path)) == [p.name for p in written[-3:]]
    for path, game in zip(written[-3:], GAMES[-3:], strict=True):
        loaded = load_game(path)
        assert loaded.game.state_hash() == game.state_hash()
        assert loaded.meta.created == "2025-04-16T09:30:00Z"


def test_other_games_in_the_folder_are_left_alone(tmp_path: Path) -> None:
    other = Autosaver(tmp_path, "g1-0001", keep=1, scenario_text=small_text())
    other.autosave(GAMES[0], SEATS)
    (tmp_path / "g1.json").write_text("a manual save")
    s = saver(tmp_path)
    for g in GAMES:
        s.autosave(g, SEATS)
    assert len(s.files()) == 3 and other.files() == [tmp_path / "g1-0001-0001-round01.json"]
    assert (tmp_path / "g1.json").read_text() == "a manual save"


def test_a_failed_autosave_keeps_the_earlier_ones(tmp_path: Path) -> None:
    def failing(path: Path, doc: Mapping[str, Any]) -> None:
        raise SaveError(str(path), "cannot write the save: no space left on the device")

    s = saver(tmp_path)
    for g in GAMES[:3]:
        s.autosave(g, SEATS)
    before = s.files()
    s.writer = failing
    with pytest.raises(SaveError):
        s.autosave(GAMES[3], SEATS)
    assert s.files() == before


def test_the_folder_is_created_and_a_file_in_its_way_is_a_clear_error(tmp_path: Path) -> None:
    s = saver(tmp_path / "new" / "folder")
    assert s.autosave(GAMES[0], SEATS).exists()
    blocked = tmp_path / "blocked"
    blocked.write_text("")
    with pytest.raises(SaveError) as info:
        saver(blocked / "saves").autosave(GAMES[0], SEATS)
    assert str(info.value).startswith(f"{blocked / 'saves'}: cannot create the save folder")


def test_game_ids(tmp_path: Path) -> None:
    for bad in ("", ".hidden", "a/b", "x" * 101, "sp ace"):
        with pytest.raises(ValueError):
            Autosaver(tmp_path, bad)
    assert game_id_of("saves/g1-0012-round03.json") == "g1"
    assert game_id_of("my game.json") == "my_game"
    assert game_id_of(".json") == "game"
    stamp = autosave_module.new_game_id("april-2025", 3)
    assert stamp.startswith("april-2025-s3-") and stamp.endswith("Z")


def test_default_save_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(tmp_path / "env"))
    assert default_save_dir() == tmp_path / "env"
    monkeypatch.delenv("TRADEGAME_SAVE_DIR")
    # this test runs from a source checkout with a top-level saves/ folder
    assert default_save_dir() == ROOT / "saves"
    # installed: the per-user data folder
    import platformdirs

    monkeypatch.setattr(autosave_module, "checkout_save_dir", lambda: None)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    assert default_save_dir() == tmp_path / "data" / "tradegame" / "saves"


def test_a_second_run_of_the_same_game_keeps_the_first_runs_autosaves(tmp_path: Path) -> None:
    """Resuming one save twice gives two runs with one game id: each prunes only its own."""
    first = saver(tmp_path)
    mine = [first.autosave(g, SEATS) for g in GAMES]
    second = saver(tmp_path)
    theirs = [second.autosave(g, SEATS) for g in GAMES]
    assert not set(mine) & set(theirs)  # numbering goes on past the first run's files
    assert first.written == mine[-3:] and second.written == theirs[-3:]
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in mine[-3:] + theirs[-3:])


def test_runs_autosaving_by_turns_neither_overwrite_nor_prune_each_other(tmp_path: Path) -> None:
    a, b = saver(tmp_path), saver(tmp_path)
    written = []
    for g in GAMES:
        written += [a.autosave(g, SEATS), b.autosave(g, SEATS)]
    assert len(set(written)) == len(written)
    assert sorted(os.listdir(tmp_path)) == sorted(p.name for p in a.written + b.written)
    assert len(a.written) == len(b.written) == 3


def test_runs_autosaving_at_once_never_take_each_others_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs at the same moment both see the folder before either writes, so both pick
    number 1: the second used to replace the first's file, which the first then pruned as
    its own (four resumes of one save at once kept 10 of their 12 autosaves)."""
    a = saver(tmp_path)
    b = Autosaver(
        tmp_path,
        "g1",
        keep=3,
        created="2025-05-01T10:00:00Z",
        scenario_text=small_text(),
        scenario_name="small",
    )
    first = a.autosave(GAMES[1], SEATS)
    monkeypatch.setattr(b, "files", lambda: [])  # b listed the folder before a wrote
    second = b.autosave(GAMES[1], SEATS)  # the same round: the same name was picked
    assert first.name == "g1-0001-round02.json" and second.name == "g1-0002-round02.json"
    assert load_game(first).meta.created == "2025-04-16T09:30:00Z"  # still a's file
    assert load_game(second).meta.created == "2025-05-01T10:00:00Z"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_resuming_one_save_twice_keeps_both_runs_autosaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tradegame.cli import main
    from tradegame.commands.saves_commands import AUTOSAVE_KEEP
    from tradegame.saves import save_game

    from .support import save_kwargs, scripted_game

    folder = tmp_path / "autosaves"
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(folder))
    save = tmp_path / "class.json"
    save_game(save, scripted_game(upto=6, finish=False), SEATS, **save_kwargs())
    runs = []
    for _ in range(2):
        assert main(["resume", str(save), "--seat", "A=passive"]) == 0
        runs.append(sorted(p.name for p in folder.iterdir()))
    capsys.readouterr()
    first = runs[0]
    assert len(first) == AUTOSAVE_KEEP
    assert set(first) < set(runs[1])  # the second run deleted none of the first's
    assert len(runs[1]) == 2 * AUTOSAVE_KEEP
    for name in runs[1]:
        load_game(folder / name)
