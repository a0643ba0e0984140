"""The cache of checked scenarios (tradegame.scenario.cache): a hit gives the very rules the
loader builds, without PyYAML or pydantic; a damaged, foreign or hostile entry is ignored and
the text is checked as if there were no cache."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegame.engine import Game
from tradegame.engine import rules as rules_module
from tradegame.engine.rules import Rules
from tradegame.scenario import cache, rules_from_text
from tradegame.scenario.bundled import bundled_scenarios
from tradegame.scenario.convert import to_rules
from tradegame.scenario.files import load_scenario_text
from tradegame.scenario.loader import parse_scenario

NAMES = sorted(bundled_scenarios())


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.ENV, str(tmp_path / "c"))
    return tmp_path / "c" / "scenarios"


def _checked(name: str) -> tuple[str, Rules]:
    text, shown = load_scenario_text(name)
    return text, to_rules(parse_scenario(text, shown), text)


def _same(a: Rules | None, b: Rules) -> bool:
    """Equal, and of the same types (2 stays 2, 2.0 stays 2.0; a set's order is no part of it)."""
    return a == b and json.dumps(cache.encode(a)) == json.dumps(cache.encode(b))


def _hashes(rules: Rules, seed: int = 5, moves: int = 120) -> list[str]:
    game = Game.new(rules, seed=seed)
    rng = random.Random(seed)
    out = []
    for _ in range(moves):
        if game.is_over():
            break
        game.apply(game.legal_actions(game.to_move()).sample(rng))
        out.append(game.state_hash())
    return out


@pytest.mark.parametrize("name", NAMES)
def test_a_cached_scenario_is_the_checked_one(name: str) -> None:
    text, rules = _checked(name)
    data = json.loads(json.dumps(cache.encode(rules), allow_nan=False))
    back = cache.decode(data)
    assert _same(back, rules)
    assert _hashes(back) == _hashes(rules)


@pytest.mark.parametrize("name", NAMES)
def test_the_second_load_comes_from_the_cache(name: str, folder: Path) -> None:
    text, rules = _checked(name)
    assert cache.cached_rules(text) is None
    first = rules_from_text(text, name)  # checked, then stored
    assert [p.name for p in folder.iterdir()] == [f"{cache.text_digest(text)}.json"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    hit = cache.cached_rules(text)
    assert _same(hit, first) and _same(first, rules)


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, "")
    text, _ = _checked("us-japan-primer")
    rules_from_text(text)
    assert cache.cached_rules(text) is None and cache.cache_folder() is None


SCRIPT = """
import json, sys
from tradegame.session.match import load_scenario
load_scenario("us-japan-primer")
print(json.dumps(sorted(m for m in ("pydantic", "yaml") if m in sys.modules)))
"""


def test_a_hit_needs_neither_yaml_nor_pydantic(tmp_path: Path) -> None:
    env = dict(os.environ, TRADEGAME_CACHE_DIR=str(tmp_path))

    def imported() -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=True
        )
        return list(json.loads(out.stdout.splitlines()[-1]))

    assert imported() == ["pydantic", "yaml"]  # the first load checks the text (control)
    assert imported() == []


def _entry(folder: Path, text: str) -> Path:
    return folder / f"{cache.text_digest(text)}.json"


def _tamper(path: Path, change: object) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), "utf-8")


def _set(path: list[str | int], value: object) -> object:
    def change(data: dict[str, object]) -> None:
        target: object = data
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return change


HOSTILE = {
    "another stamp": _set(["stamp"], "0" * 64),
    "another text": _set(["text_sha256"], "0" * 64),
    "another format": _set(["format"], "tradegame-rules-cache/0"),
    "a key more": _set(["rules", "extra"], 1),
    "a key less": lambda d: d["rules"].pop("title"),
    "a float as text": _set(["rules", "limits", "max_tariff"], "0.5"),
    "a bool as a number": _set(["rules", "calendar", "end_when_settled"], 1),
    "an escape sequence": _set(["rules", "title"], "\x1b]52;c;aGk=\x07"),
    "a markup-free title with a bell": _set(["rules", "summary"], "ding\x07"),
    "a list for a mapping": _set(["rules", "calendar"], []),
    "a pickle-like string": _set(["rules", "players"], "cos\nsystem\n(S'touch x'\ntR."),
    "deep nesting": _set(["rules", "debrief"], json.loads("[" * 50 + "]" * 50)),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_entry_is_ignored_and_replaced(kind: str, folder: Path, tmp_path: Path) -> None:
    text, rules = _checked("us-japan-primer")
    rules_from_text(text)
    entry = _entry(folder, text)
    _tamper(entry, HOSTILE[kind])
    assert cache.cached_rules(text) is None
    again = rules_from_text(text)  # checked by the loader, as without a cache
    assert _same(again, rules)
    assert cache.cached_rules(text) is not None  # a sound entry again


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x80\x81 not utf-8",
        b'{"format": NaN}',
        b"[1, Infinity]",
        b"\x80\x04\x95pickle",
        b"{" * 100_000,
        b"null",
    ],
)
def test_damaged_entries_are_ignored(content: bytes, folder: Path) -> None:
    text, rules = _checked("us-japan-primer")
    folder.mkdir(parents=True, mode=0o700)
    _entry(folder, text).write_bytes(content)
    assert cache.cached_rules(text) is None
    assert _same(rules_from_text(text), rules)


def test_only_regular_files_of_a_private_folder_are_read(folder: Path, tmp_path: Path) -> None:
    text, rules = _checked("us-japan-primer")
    rules_from_text(text)
    entry = _entry(folder, text)
    good = entry.read_bytes()
    # a FIFO in its place would block a plain open: refused at once
    entry.unlink()
    os.mkfifo(entry)
    assert cache.cached_rules(text) is None
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert cache.cached_rules(text) is None
    entry.unlink()
    # a folder others can write to: not used at all, even with a sound entry
    entry.write_bytes(good)
    assert cache.cached_rules(text) is not None
    folder.chmod(0o777)
    try:
        assert cache.cached_rules(text) is None
    finally:
        folder.chmod(0o700)
    # too big
    entry.write_bytes(b" " * (cache.MAX_ENTRY_BYTES + 1))
    assert cache.cached_rules(text) is None
    assert _same(rules_from_text(text), rules)


def test_old_entries_are_pruned(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    texts = [_checked(n)[0] for n in NAMES[:3]]
    for n, text in enumerate(texts):
        rules_from_text(text)
        os.utime(_entry(folder, text), (1_000_000 + n, 1_000_000 + n))
    rules_from_text(texts[2] + "\n# again\n")
    left = {p.name for p in folder.glob("*.json")}
    assert len(left) == 2 and _entry(folder, texts[0]).name not in left


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_decoding_any_json_raises_only_a_bad_entry(data: object) -> None:
    try:
        cache.decode(data)
    except cache.BadEntry:
        pass


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda d: d["players"][1].__setitem__("name", 7), "rules.players.1.name: not text"),
        (lambda d: d.__setitem__("talk_capacity", 2.5), "rules.talk_capacity: no type fits"),
        (lambda d: d["players"].__setitem__(0, []), "rules.players.0: not a mapping"),
        (lambda d: d.pop("digest"), "rules: fields differ"),
    ],
)
def test_a_bad_value_is_refused_with_its_place(damage: Any, where: str) -> None:
    """The checks are built once per type and shared by every entry: a value that does not fit
    is still refused, and named by its place in the rules."""
    _, rules = _checked(NAMES[0])
    data = json.loads(json.dumps(cache.encode(rules)))
    assert _same(cache.decode(json.loads(json.dumps(data))), rules)  # sound: decoded whole
    damage(data)
    with pytest.raises(cache.BadEntry, match="^" + re.escape(where)):
        cache.decode(data)


def _rules_types() -> list[type]:
    """Rules and every dataclass its fields hold, however deep."""
    seen: list[type] = []
    todo: list[Any] = [Rules]
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            if kind in seen:
                continue
            seen.append(kind)
            todo.extend(typing.get_type_hints(kind, vars(rules_module)).values())
        else:
            todo.extend(typing.get_args(kind))
    return seen


@pytest.mark.parametrize("kind", _rules_types(), ids=lambda k: k.__name__)
def test_the_field_types_are_typings_own(kind: type) -> None:
    """The decoder's field types (each annotation compiled once) are what typing gives."""
    expected = typing.get_type_hints(kind, vars(rules_module))
    names = {f.name for f in dataclasses.fields(kind)}
    assert {n: t for n, t in expected.items() if n in names} == cache._hints(kind)
