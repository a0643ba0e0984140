"""The document: its fields match the docs, it is plain JSON, the checksum is the documented
one and ignores timestamps; writing fails cleanly and leaves the old file alone."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.saves import MAX_SAVE_BYTES, SaveError, atomic_write_bytes, load_game, save_game
from tradegame.saves import format as fmt
from tradegame.saves.format import FIELDS, SaveDocument

from .support import ROOT, SEATS, save_kwargs, scripted_game, small_text

DOCS = (ROOT / "docs" / "save-format.md").read_text(encoding="utf-8")
GAME = scripted_game()


def _save(path: Path, game: Game = GAME, **kw: Any) -> dict[str, Any]:
    save_game(path, game, SEATS, **{**save_kwargs(), **kw})
    doc: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return doc


def _documented(section: str) -> list[str]:
    """The field names in the table of the docs section under the heading ``section``."""
    body = DOCS[DOCS.index(section) + len(section) :]
    body = re.split(r"^#{2,3} ", body, maxsplit=1, flags=re.M)[0]
    return re.findall(r"^\| `([a-z_0-9]+)` \|", body, flags=re.M)


def test_every_field_is_documented_in_order(tmp_path: Path) -> None:
    doc = _save(tmp_path / "g.json")
    assert list(FIELDS) == _documented("## Fields (version 1)")
    assert list(doc) == [f for f in FIELDS if f != "team"]  # optional, absent unless a team's
    assert list(doc["scenario"]) == _documented("### `scenario`")
    assert list(doc["rounds"][0]) == _documented("### `rounds`")
    assert list(doc["position"]) == _documented("### `position`")
    assert set(SaveDocument.model_fields["scenario"].annotation.model_fields) == set(
        doc["scenario"]
    )  # type: ignore[union-attr]


def test_the_file_is_plain_json_data(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    doc = _save(path)
    raw = path.read_bytes()
    assert raw.endswith(b"}\n") and not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")

    def kinds(value: Any) -> set[type]:
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value)
            return {dict}.union(*(kinds(v) for v in value.values()))
        if isinstance(value, list):
            return {list}.union(*(kinds(v) for v in value))
        return {type(value)}

    assert kinds(doc) <= {dict, list, str, int, bool, type(None)}
    assert doc["format"] == "tradegame-save" and doc["version"] == 1
    assert doc["tradegame_version"] == "0.1.0"
    assert doc["scenario"]["text"] == small_text()
    assert doc["scenario"]["sha256"] == hashlib.sha256(small_text().encode()).hexdigest()
    assert doc["seed"] == 5 and doc["seats"] == SEATS
    assert doc["actions"] == [str(a) for a in GAME.actions]
    assert [r["state_hash"] for r in doc["rounds"]] == GAME.round_hashes
    assert doc["position"] == {
        "round": GAME.round,
        "over": True,
        "actions": len(GAME.actions),
        "state_hash": GAME.state_hash(),
    }


def test_the_checksum_is_the_documented_one_and_ignores_timestamps(tmp_path: Path) -> None:
    a = _save(tmp_path / "a.json", created="2025-04-16T09:30:00Z")
    b = _save(tmp_path / "b.json", created=dt.datetime(2030, 1, 2, 3, 4, 5))
    assert a["created"] == "2025-04-16T09:30:00Z" and b["created"] == "2030-01-02T03:04:05Z"
    assert a["checksum"] == b["checksum"]
    body = {k: v for k, v in a.items() if k not in ("checksum", "created", "saved")}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert a["checksum"] == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    # timestamps are UTC ISO-8601 to the second
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["saved"])
    aware = dt.datetime(2025, 4, 16, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert fmt.format_time(aware) == "2025-04-16T09:30:00Z"


def test_save_refuses_what_it_could_not_load(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, {"A": "human", "B": "random"}, **save_kwargs())
    assert str(info.value) == f"{path}: cannot save: no seat for C (players: A, B, C)"
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, {**SEATS, "D": "x"}, **save_kwargs())
    assert str(info.value) == f"{path}: cannot save: seats for unknown players D (players: A, B, C)"
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, {**SEATS, "B": "two\nlines"}, **save_kwargs())
    assert str(info.value) == (
        f"{path}: cannot save: the seat of B must be 'human' or an agent name, got 'two\\nlines'"
    )
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, SEATS)
    assert str(info.value) == (
        f"{path}: cannot save: scenario 'small' is not a bundled "
        f"scenario and its text was not given to save_game "
        f"(scenario_text=...); this is a bug in the caller"
    )
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, SEATS, scenario_text=small_text() + "# edited\n")
    assert str(info.value) == (
        f"{path}: cannot save: the scenario text given is not the text "
        f"the game's scenario 'small' was loaded from"
    )
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, SEATS, created="last week", **save_kwargs())
    assert str(info.value).startswith(f"{path}: cannot save: created must be an ISO-8601")
    assert not path.exists() and os.listdir(tmp_path) == []


def test_save_refuses_a_game_that_does_not_replay_to_itself(tmp_path: Path) -> None:
    game = scripted_game()
    game.actions.pop()  # as if the engine's action list and its state disagreed
    path = tmp_path / "g.json"
    with pytest.raises(SaveError) as info:
        save_game(path, game, SEATS, **save_kwargs())
    assert str(info.value) == (
        f"{path}: cannot save: replaying the game's actions does not "
        f"reproduce its state; this is a bug in the engine"
    )
    assert not path.exists()


def test_a_failed_write_leaves_the_old_file_and_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "g.json"
    _save(path)
    before = path.read_bytes()
    monkeypatch.setattr(fmt, "MAX_SAVE_BYTES", 1000)
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, SEATS, **save_kwargs())
    assert re.fullmatch(
        re.escape(f"{path}: cannot save: the save would be ")
        + r"\d+"
        + re.escape(" bytes, more than the limit of 0 MiB"),
        str(info.value),
    )
    monkeypatch.undo()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SaveError) as info:
        save_game(path, GAME, SEATS, **save_kwargs())
    assert str(info.value) == (
        f"{path}: cannot write the save: no space left on the device; "
        f"any earlier file there is untouched"
    )
    monkeypatch.undo()
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["g.json"]


def test_write_errors_name_the_problem(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "x").write_text("")
    with pytest.raises(SaveError) as info:
        save_game(folder, GAME, SEATS, **save_kwargs())
    assert str(info.value) == (
        f"{folder}: cannot write the save: it is a directory; any earlier file there is untouched"
    )
    missing = tmp_path / "nowhere" / "g.json"
    with pytest.raises(SaveError) as info:
        save_game(missing, GAME, SEATS, **save_kwargs())
    assert str(info.value) == (
        f"{missing}: cannot write the save: the folder "
        f"{tmp_path / 'nowhere'} does not exist; any earlier file there "
        f"is untouched"
    )
    assert sorted(os.listdir(folder)) == ["x"]


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["f"]


def test_version_0_difference_is_only_the_documented_one(tmp_path: Path) -> None:
    doc = _save(tmp_path / "g.json")
    old = fmt.downgrade_to_v0(doc)
    assert set(doc) - set(old) == {"actions", "checksum"} and set(old) - set(doc) == {"moves"}
    again = fmt.migrate(dict(old), 0)
    assert again == doc | {"created": doc["created"], "saved": doc["saved"]}
    assert (
        "| 0 | tradegame 0.0.x drafts | the action list is called `moves` instead of "
        "`actions`; there is no `checksum` |" in DOCS
    )


def test_a_save_loads_after_its_scenario_file_changes_or_goes(tmp_path: Path) -> None:
    """The save is self-contained: only its own copy of the scenario text matters."""
    from tradegame.scenario import load_rules

    scenario = tmp_path / "mine.yaml"
    scenario.write_text(small_text(), encoding="utf-8")
    rules = load_rules(str(scenario))
    game = Game.replay(rules, 5, GAME.actions)
    path = tmp_path / "g.json"
    save_game(
        path, game, SEATS, scenario_text=scenario.read_text("utf-8"), scenario_name=str(scenario)
    )
    scenario.write_text(small_text().replace("approval: 50", "approval: 60"), encoding="utf-8")
    assert load_game(path).game.state_hash() == GAME.state_hash()
    scenario.unlink()
    loaded = load_game(path)
    assert loaded.game.state_hash() == GAME.state_hash()
    assert loaded.meta.scenario_name == str(scenario)


def test_the_size_limit_is_documented() -> None:
    assert MAX_SAVE_BYTES == 16 * 2**20 and "At most **16 MiB**" in DOCS
