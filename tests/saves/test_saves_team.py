"""The optional ``team`` record of a save (a team's game from ``tradegame worlds``): written
when given, absent otherwise, so a save without it is byte-for-byte what it was before the
field existed and old saves still load; a bad record is refused with its field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradegame.saves import SaveError, load_game, save_game
from tradegame.saves.format import checksum

from .support import SEATS, read_json, save_kwargs, scripted_game, write_json

TEAM = {
    "name": "Blue",
    "students": [{"name": "Ana Lima", "role": "A"}, {"name": "Ben Ode", "role": None}],
}


def test_a_save_without_a_team_has_no_team_field_and_loads_as_before(tmp_path: Path) -> None:
    game = scripted_game()
    save_game(tmp_path / "old.json", game, SEATS, **save_kwargs())
    doc = read_json(tmp_path / "old.json")
    assert "team" not in doc
    # An old save (written before the field existed) is exactly this document: it loads.
    loaded = load_game(tmp_path / "old.json")
    assert loaded.team is None and loaded.meta.checksum_verified


def test_the_team_record_round_trips_and_is_under_the_checksum(tmp_path: Path) -> None:
    game = scripted_game()
    path = tmp_path / "team.json"
    save_game(path, game, SEATS, team=TEAM, **save_kwargs())
    doc = read_json(path)
    assert list(doc).index("team") == list(doc).index("seats") + 1
    assert doc["team"] == TEAM
    assert load_game(path).team == TEAM
    doc["team"]["name"] = "Red"  # edited after saving: the checksum says so
    write_json(path, doc)
    with pytest.raises(SaveError, match="checksum does not match"):
        load_game(path)
    doc["checksum"] = checksum(doc)
    write_json(path, doc)
    assert load_game(path).team["name"] == "Red"  # type: ignore[index]


@pytest.mark.parametrize(
    ("team", "problem"),
    [
        ({"name": ""}, "team.name: a name is one line"),
        ({"name": "Blue\u202e"}, "team.name: a name is one line"),
        ({"name": "B" * 101}, "team.name: String should have at most 100 characters"),
        ({"name": "Blue", "students": [{"name": "Ana\nLima"}]}, "team.students[0].name"),
        ({"name": "Blue", "extra": 1}, "team.extra: unknown field"),
    ],
)
def test_a_bad_team_record_is_refused_with_its_field(
    tmp_path: Path, team: dict[str, object], problem: str
) -> None:
    game = scripted_game()
    path = tmp_path / "g.json"
    save_game(path, game, SEATS, **save_kwargs())
    doc = read_json(path)
    doc["team"] = team
    doc["checksum"] = checksum(doc)
    write_json(path, doc)
    with pytest.raises(SaveError) as caught:
        load_game(path)
    assert problem in str(caught.value)
    assert "\u202e" not in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(SaveError, match="cannot save: the team record"):
        save_game(tmp_path / "h.json", game, SEATS, team=team, **save_kwargs())


def test_the_saved_bytes_of_a_save_without_team_are_unchanged(tmp_path: Path) -> None:
    """Same game, same created time: the file without a team is the file with the field
    removed, and its checksum is the same as before the field existed."""
    game = scripted_game()
    save_game(tmp_path / "a.json", game, SEATS, created="2025-04-16T09:30:00Z", **save_kwargs())
    save_game(
        tmp_path / "b.json", game, SEATS, created="2025-04-16T09:30:00Z", team=TEAM, **save_kwargs()
    )
    a, b = read_json(tmp_path / "a.json"), read_json(tmp_path / "b.json")
    del b["team"]
    assert {k: v for k, v in a.items() if k not in ("saved", "checksum")} == {
        k: v for k, v in b.items() if k not in ("saved", "checksum")
    }
    assert a["checksum"] == checksum(b)
    assert json.dumps(a)  # plain JSON
