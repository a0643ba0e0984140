"""A corpus of damaged save files, each with the message the rule gives (docs/save-format.md,
"Error messages"): one line, the file name first, then what is wrong, never a traceback.

The corpus is made at test time from a fresh save of a scripted game (so engine changes that
alter state hashes do not make it stale); the expected messages are written from the table in
the docs, with the hashes and counts of the known good game filled in. Where a message quotes
the engine's or the JSON parser's own reason, the pattern says ``.+``.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tradegame.cli import main
from tradegame.engine import Game
from tradegame.saves import MAX_SAVE_BYTES, SaveError, load_game, save_game
from tradegame.saves.format import checksum, downgrade_to_v0
from tradegame.scenario.loader import load_scenario_text

from .support import SEATS, read_json, save_kwargs, scripted_game, write_json

GAME = scripted_game()
PARTIAL = scripted_game(upto=14, finish=False)  # round 3, orders: "A say reassure B" last
H = GAME.round_hashes  # after rounds 1-4
FINAL = GAME.state_hash()
N = len(GAME.actions)  # 20
ENDS = [6, 11, 17, 20]  # actions when each round was resolved (from the script)
HEX = "[0-9a-f]{12}"


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("good")
    path = folder / "good.json"
    save_game(path, GAME, SEATS, created="2025-04-16T09:30:00Z", **save_kwargs())
    data = path.read_bytes()
    return data, json.loads(data)


def _resign(doc: dict[str, Any]) -> dict[str, Any]:
    doc["checksum"] = checksum(doc)
    return doc


def _edit(fn: Callable[[dict[str, Any]], None], resign: bool = False) -> Callable[..., Any]:
    def make(data: bytes, doc: dict[str, Any]) -> dict[str, Any]:
        doc = json.loads(data)
        fn(doc)
        return _resign(doc) if resign else doc

    return make


def _replace_bytes(old: bytes, new: bytes, count: int = 1) -> Callable[..., bytes]:
    def make(data: bytes, doc: dict[str, Any]) -> bytes:
        assert data.count(old) >= 1, old
        return data.replace(old, new, count)

    return make


def _set_action(index: int, text: str) -> Callable[[dict[str, Any]], None]:
    def fn(doc: dict[str, Any]) -> None:
        doc["actions"][index] = text

    return fn


def _scenario_edit(old: str, new: str, rehash: bool) -> Callable[[dict[str, Any]], None]:
    def fn(doc: dict[str, Any]) -> None:
        import hashlib

        sc = doc["scenario"]
        assert old in sc["text"]
        sc["text"] = sc["text"].replace(old, new, 1)
        if rehash:
            sc["sha256"] = hashlib.sha256(sc["text"].encode()).hexdigest()

    return fn


def _april(doc: dict[str, Any]) -> None:
    import hashlib

    text, _ = load_scenario_text("april-2025")
    doc["scenario"]["text"] = text
    doc["scenario"]["sha256"] = hashlib.sha256(text.encode()).hexdigest()


def _v0(fn: Callable[[dict[str, Any]], None] | None = None) -> Callable[..., Any]:
    def make(data: bytes, doc: dict[str, Any]) -> dict[str, Any]:
        old = downgrade_to_v0(json.loads(data))
        if fn:
            fn(old)
        return old

    return make


def _flip_hex(h: str) -> str:
    return ("1" if h[0] == "0" else "0") + h[1:]


def _flip_at(data: bytes, i: int, mask: int = 0x01) -> bytes:
    return data[:i] + bytes([data[i] ^ mask]) + data[i + 1 :]


# (name, how to make the file, the expected message after "FILE: " as a regex)
CASES: list[tuple[str, Callable[..., Any], str]] = [
    # -- the file itself
    ("empty", lambda d, j: b"", re.escape("the file is empty")),
    ("blank", lambda d, j: b"  \n\n\t \n", re.escape("the file holds only blank space")),
    (
        "pickle",
        lambda d, j: pickle.dumps(j, protocol=4),
        re.escape(
            "the file is corrupt: byte 0x80 at offset 0 is not UTF-8 text "
            "(a save is a JSON text file)"
        ),
    ),
    (
        "latin1",
        lambda d, j: d.replace(b'"seats"', '"sièges"'.encode("latin-1")),
        r"the file is corrupt: byte 0xe8 at offset \d+ is not UTF-8 text "
        r"\(a save is a JSON text file\)",
    ),
    (
        "yaml-tag",
        lambda d, j: b"!!python/object/apply:os.system ['echo hi']\n",
        re.escape("the file is corrupt: not valid JSON at line 1, column 1 (") + ".+" + r"\)",
    ),
    (
        "junk-after",
        lambda d, j: d + b'{"format": "tradegame-save"}\n',
        re.escape("the file is corrupt: unexpected data after the save at line ")
        + r"\d+"
        + re.escape(", column 1"),
    ),
    (
        "duplicate-key",
        _replace_bytes(b'"seed": 5,', b'"seed": 5,\n  "seed": 6,'),
        re.escape('the file is corrupt: the field "seed" appears twice in one object'),
    ),
    # A name that is not one of the format's is not quoted: the file may be anything.
    (
        "duplicate-other-key",
        lambda d, j: b'{"password": 1, "password": 2}',
        re.escape("the file is corrupt: a field appears twice in one object"),
    ),
    (
        "nan",
        _replace_bytes(b'"seed": 5,', b'"seed": NaN,'),
        re.escape("the file is corrupt: NaN is not a JSON number"),
    ),
    (
        "huge-number",
        _replace_bytes(b'"seed": 5,', b'"seed": 1' + b"0" * 5000 + b","),
        re.escape("the file is corrupt: a number in it has too many digits"),
    ),
    # JSON allows 1e999; Python reads it as infinity, which broke hashing with a traceback.
    (
        "infinite-number",
        _replace_bytes(b'"seed": 5,', b'"seed": 1e999,'),
        re.escape(
            "the file is corrupt: the number at seed is too large (beyond any finite number)"
        ),
    ),
    (
        "infinite-nested",
        _replace_bytes(b'"round": 1,', b'"round": -1.5e400,'),
        re.escape(
            "the file is corrupt: the number at rounds[0].round is too large (beyond any "
            "finite number)"
        ),
    ),
    (
        "deep",
        lambda d, j: b'{"format": "tradegame-save", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        re.escape(
            "too large for a save: it holds more than 100000 JSON values, the limit (at "
            "line 1, column 100032)"
        ),
    ),
    (
        "deeper",
        lambda d, j: b'{"format": "tradegame-save",\n "x": ' + b"[" * 20 + b"]" * 20 + b"}",
        re.escape(
            "too deep for a save: its JSON nests deeper than 16 levels, the limit (at line "
            "2, column 22)"
        ),
    ),
    (
        "many-values",
        lambda d, j: b'{"format": "tradegame-save", "x": [' + b'"a",' * 200_000 + b"0]}",
        re.escape(
            "too large for a save: it holds more than 100000 JSON values, the limit (at "
            "line 1, column 400023)"
        ),
    ),
    (
        "surrogate",
        _replace_bytes(b'"name": "tests/engine/small.yaml"', b'"name": "\\ud800"'),
        re.escape(
            "the file is corrupt: it holds an unpaired \\uD800-\\uDFFF escape, which is not text"
        ),
    ),
    (
        "list",
        lambda d, j: b"[1, 2, 3]\n",
        re.escape("not a tradegame save: the file holds a JSON list, not an object"),
    ),
    (
        "string",
        lambda d, j: b'"tradegame-save"\n',
        re.escape("not a tradegame save: the file holds a JSON string, not an object"),
    ),
    (
        "no-format",
        _edit(lambda doc: doc.pop("format")),
        re.escape('not a tradegame save: it has no "format": "tradegame-save" field'),
    ),
    (
        "other-format",
        _edit(lambda doc: doc.update(format="tradegame-scenario/1")),
        re.escape(
            'not a tradegame save: its "format" is not "tradegame-save" (the file is a '
            "tradegame scenario)"
        ),
    ),
    (
        "foreign-format",
        lambda d, j: b'{"format": "secret-config", "token": "x"}',
        re.escape(
            'not a tradegame save: its "format" is not "tradegame-save" (the file is '
            "something else)"
        ),
    ),
    # -- versions
    (
        "no-version",
        _edit(lambda doc: doc.pop("version")),
        re.escape("version: this field is missing"),
    ),
    (
        "version-string",
        _edit(lambda doc: doc.update(version="1")),
        re.escape('version: must be a whole number, got a string "1"'),
    ),
    (
        "version-newer",
        _edit(lambda doc: doc.update(version=2)),
        re.escape(
            "save format version 2 is newer than this tradegame (0.1.0) can read (up to "
            "version 1) (it was written by tradegame 0.1.0); upgrade tradegame"
        ),
    ),
    (
        "version-negative",
        _edit(lambda doc: doc.update(version=-1)),
        re.escape("unknown save format version -1 (this tradegame reads versions 0 to 1)"),
    ),
    (
        "v0-with-actions",
        _v0(lambda doc: doc.update(actions=[])),
        re.escape("actions: unknown field in a version 0 save (version 0 calls it 'moves')"),
    ),
    (
        "v0-without-moves",
        _v0(lambda doc: doc.pop("moves")),
        re.escape(
            "moves: this field is missing (a version 0 save keeps its actions under 'moves')"
        ),
    ),
    (
        "v0-edited-move",
        _v0(lambda doc: doc["moves"].__setitem__(12, "C reject")),
        re.escape("the replay diverged in round 3: action 13 ('C reject') is not legal: ") + ".+",
    ),
    # -- fields
    ("missing-seed", _edit(lambda doc: doc.pop("seed")), re.escape("seed: this field is missing")),
    ("unknown-field", _edit(lambda doc: doc.update(extra=1)), re.escape("extra: unknown field")),
    (
        "seed-string",
        _edit(lambda doc: doc.update(seed="5")),
        re.escape('seed: must be a whole number, got a string "5"'),
    ),
    (
        "seed-bool",
        _edit(lambda doc: doc.update(seed=True)),
        re.escape("seed: must be a whole number, got true"),
    ),
    (
        "actions-not-list",
        _edit(lambda doc: doc.update(actions="B pass")),
        re.escape('actions: must be a list, got a string "B pass"'),
    ),
    (
        "action-number",
        _edit(_set_action(2, 7)),  # type: ignore[arg-type]
        re.escape("actions[2]: must be a string, got a whole number 7"),
    ),
    (
        "bad-time",
        _edit(lambda doc: doc.update(created="yesterday")),
        re.escape(
            'created: must be an ISO-8601 UTC time like 2025-04-16T09:30:00Z, got "yesterday"'
        ),
    ),
    (
        "unreal-time",
        _edit(lambda doc: doc.update(saved="2025-02-30T00:00:00Z")),
        re.escape('saved: is not a real date and time: "2025-02-30T00:00:00Z"'),
    ),
    (
        "bad-hash-form",
        _edit(lambda doc: doc["rounds"][2].update(state_hash="zz")),
        re.escape('rounds[2].state_hash: must be 64 lowercase hex digits (a sha256), got "zz"'),
    ),
    (
        "bad-checksum-form",
        _edit(lambda doc: doc.update(checksum="md5:00")),
        re.escape("checksum: must be 'sha256:' and 64 lowercase hex digits, got \"md5:00\""),
    ),
    (
        "rounds-renumbered",
        _edit(lambda doc: doc["rounds"][1].update(round=5)),
        re.escape("rounds[1].round: the rounds must be 1, 2, 3, ... in order, got 5"),
    ),
    (
        "several-problems",
        _edit(lambda doc: doc.update(seed="x", extra=1, actions=3)),
        re.escape('seed: must be a whole number, got a string "x" (and 2 more problems)'),
    ),
    (
        "blank-seat",
        _edit(lambda doc: doc["seats"].update(B=" ")),
        re.escape("seats.B: a seat is 'human' or an agent name, got \" \""),
    ),
    # -- the scenario
    (
        "scenario-text-edited",
        _edit(_scenario_edit("approval: 50", "approval: 55", False)),
        re.escape(
            "wrong scenario: the stored scenario text does not match its recorded sha256 "
            "(the text or the hash was edited)"
        ),
    ),
    (
        "scenario-hash-edited",
        _edit(lambda doc: doc["scenario"].update(sha256="0" * 64)),
        re.escape(
            "wrong scenario: the stored scenario text does not match its recorded sha256 "
            "(the text or the hash was edited)"
        ),
    ),
    (
        "scenario-rules-edited-rehashed",
        _edit(_scenario_edit("approval: 50", "approval: 55", True)),
        re.escape("the replay diverged in round 1: the state hash after the round is ")
        + HEX
        + re.escape(f"…, the save records {H[0][:12]}… (the actions or the hashes were edited)"),
    ),
    (
        "scenario-title-edited-rehashed",
        _edit(_scenario_edit("Small test world", "Small test planet", True)),
        re.escape(
            "the file was edited after it was saved: its checksum does not match its contents"
        ),
    ),
    (
        "scenario-broken-rehashed",
        _edit(_scenario_edit("round_days: 7", "round_days: [7", True), resign=True),
        re.escape("the stored scenario does not load: scenario.text:") + r"\d+:\d+: .+",
    ),
    (
        "scenario-other",
        _edit(_april, resign=True),
        re.escape(
            "wrong scenario: the save names scenario 'small', but its stored text is "
            "scenario 'april-2025'"
        ),
    ),
    # -- seats
    (
        "seat-unknown-player",
        _edit(lambda doc: doc["seats"].update(D="random"), resign=True),
        re.escape("seats: 'D' is not a player of scenario 'small' (players: A, B, C)"),
    ),
    (
        "seat-missing",
        _edit(lambda doc: doc["seats"].pop("C"), resign=True),
        re.escape("seats: no seat for player 'C'"),
    ),
    (
        "seat-changed",
        _edit(lambda doc: doc["seats"].update(B="hawk")),
        re.escape(
            "the file was edited after it was saved: its checksum does not match its contents"
        ),
    ),
    # -- actions
    (
        "action-unparsable",
        _replace_bytes(b'"B reject"', b'"B rejecu"'),
        re.escape("action 13 (round 3) is not an action: ") + ".+",
    ),
    (
        "action-illegal",
        _edit(_set_action(12, "C reject")),
        re.escape("the replay diverged in round 3: action 13 ('C reject') is not legal: ") + ".+",
    ),
    (
        "action-changed-legal",
        _edit(_set_action(1, "A tariff a-on-b 0.35")),
        re.escape("the replay diverged in round 1: the state hash after the round is ")
        + HEX
        + re.escape(f"…, the save records {H[0][:12]}… (the actions or the hashes were edited)"),
    ),
    (
        "action-removed-middle",
        _edit(lambda doc: doc["actions"].pop(3)),
        re.escape(
            "the replay diverged in round 1: the round ends at action 5, the save says at action 6"
        ),
    ),
    (
        "action-removed-last",
        _edit(lambda doc: doc["actions"].pop()),
        re.escape(
            "the save records 4 rounds, but its actions resolve only 3 (actions were removed)"
        ),
    ),
    (
        "action-after-the-end",
        _edit(lambda doc: doc["actions"].append("A done")),
        re.escape(f"the replay diverged in round 4: action {N + 1} ('A done') is not legal: ")
        + ".+",
    ),
    # -- hashes and counts
    (
        "round-hash-edited",
        _edit(lambda doc: doc["rounds"][2].update(state_hash="0" * 64)),
        re.escape(
            f"the replay diverged in round 3: the state hash after the round is "
            f"{H[2][:12]}…, the save records 000000000000… (the actions or the hashes were "
            f"edited)"
        ),
    ),
    (
        "round-hash-flipped",
        lambda d, j: d.replace(H[1].encode(), _flip_hex(H[1]).encode()),
        re.escape(
            f"the replay diverged in round 2: the state hash after the round is "
            f"{H[1][:12]}…, the save records {_flip_hex(H[1])[:12]}… (the actions or the "
            f"hashes were edited)"
        ),
    ),
    (
        "round-end-edited",
        _edit(lambda doc: doc["rounds"][0].update(actions=7)),
        re.escape(
            "the replay diverged in round 1: the round ends at action 6, the save says at action 7"
        ),
    ),
    (
        "round-removed",
        _edit(lambda doc: doc["rounds"].pop()),
        re.escape(
            f"the replay diverged in round 4: action {N} resolves the round, but the save "
            f"records only 3 rounds"
        ),
    ),
    (
        "final-hash-edited",
        _edit(lambda doc: doc["position"].update(state_hash="0" * 64)),
        re.escape(
            f"the replay diverged in round 4: the final state hash is {FINAL[:12]}…, the "
            f"save records 000000000000… (the actions after the last resolved round or the "
            f"position were edited)"
        ),
    ),
    (
        "count-edited",
        _edit(lambda doc: doc["position"].update(actions=N + 1)),
        re.escape(
            f"the save records {N + 1} actions, but holds {N} (actions were removed or added)"
        ),
    ),
    (
        "version-string-edited",
        _edit(lambda doc: doc.update(tradegame_version="9.9.9")),
        re.escape(
            "the file was edited after it was saved: its checksum does not match its contents"
        ),
    ),
    (
        "checksum-edited",
        _edit(lambda doc: doc.update(checksum="sha256:" + "0" * 64)),
        re.escape(
            "the file was edited after it was saved: its checksum does not match its contents"
        ),
    ),
    (
        "flip-first-byte",
        lambda d, j: bytes([d[0] ^ 0x01]) + d[1:],
        re.escape("the file is corrupt: not valid JSON at line 1, column 1 (") + ".+" + r"\)",
    ),
    (
        "flip-in-scenario-text",
        lambda d, j: _flip_at(d, d.index(b"Small test world")),
        re.escape(
            "wrong scenario: the stored scenario text does not match its recorded sha256 "
            "(the text or the hash was edited)"
        ),
    ),
]


def _materialize(path: Path, made: Any) -> None:
    if isinstance(made, bytes):
        path.write_bytes(made)
    else:
        write_json(path, made)


def _expect(path: Path, pattern: str) -> str:
    with pytest.raises(SaveError) as info:
        load_game(path)
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(f"{path}: "), message
    assert re.fullmatch(re.escape(f"{path}: ") + pattern, message), message
    return message


@pytest.mark.parametrize("name,make,pattern", CASES, ids=[c[0] for c in CASES])
def test_damaged_file_gives_its_message(
    name: str,
    make: Callable[..., Any],
    pattern: str,
    good: tuple[bytes, dict[str, Any]],
    tmp_path: Path,
) -> None:
    data, doc = good
    path = tmp_path / f"{name}.json"
    _materialize(path, make(data, doc))
    _expect(path, pattern)


@pytest.mark.parametrize("tenth", range(1, 10))
def test_truncated_at_every_tenth(
    tenth: int, good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    data, _ = good
    cut = data[: len(data) * tenth // 10]
    path = tmp_path / f"cut-{tenth}0.json"
    path.write_bytes(cut)
    # The rule: a cut inside a UTF-8 character is reported as such; otherwise the JSON ends
    # early, on the line of the last non-blank character.
    try:
        text = cut.decode("utf-8")
    except UnicodeDecodeError:
        _expect(
            path,
            re.escape(
                f"the file is truncated: it ends after {len(cut)} bytes, in "
                f"the middle of a character"
            ),
        )
        return
    line = text.rstrip().count("\n") + 1
    _expect(
        path,
        re.escape(
            f"the file is truncated: the JSON ends at line {line} before the save is complete"
        ),
    )


def test_truncated_inside_a_character(tmp_path: Path) -> None:
    path = tmp_path / "unicode.json"
    data = json.dumps({"format": "tradegame-save", "note": "¥€"}, ensure_ascii=False).encode()
    cut = data[: data.index("€".encode()) + 1]
    path.write_bytes(cut)
    _expect(
        path,
        re.escape(
            f"the file is truncated: it ends after {len(cut)} bytes, in the middle of a character"
        ),
    )


@pytest.mark.parametrize(
    "snippet", [b'"over": tr', b'"over": fals', b'"name": nu', b'"seed": -', b'"x": "\\u00']
)
def test_truncated_inside_a_literal(
    snippet: bytes, good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(b'{\n  "format": "tradegame-save",\n  ' + snippet)
    _expect(
        path,
        re.escape("the file is truncated: the JSON ends at line 3 before the save is complete"),
    )


def test_a_directory_missing_file_and_huge_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    _expect(folder, re.escape("is a directory, not a save file"))
    _expect(tmp_path / "nowhere.json", re.escape("no such file"))
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:  # sparse: no disk used, no time spent
        f.truncate(MAX_SAVE_BYTES + 1)
    _expect(huge, re.escape("the file is larger than the 16 MiB limit for a save"))


def _expect_within(path: Path, pattern: str, seconds: float = 10.0) -> str:
    """_expect, failing if the loader takes longer than ``seconds`` (it should take < 1 s)."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(_expect(path, pattern))
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"loading took more than {seconds} s"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return str(outcome[0])


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    _expect_within(
        fifo, re.escape("is a named pipe (FIFO), not a save file; only regular files are read")
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_and_a_symlink_to_it_are_refused(tmp_path: Path) -> None:
    # /dev/zero reports size 0: a size check alone would read it without end.
    _expect_within(
        Path("/dev/zero"),
        re.escape("is a character device, not a save file; only regular files are read"),
    )
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    _expect_within(
        link, re.escape("is a character device, not a save file; only regular files are read")
    )


def _with_scenario_text(good: tuple[bytes, dict[str, Any]], text: str) -> dict[str, Any]:
    import hashlib

    doc = json.loads(good[0])
    doc["scenario"]["text"] = text
    doc["scenario"]["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    return _resign(doc)


def test_a_save_embedding_a_huge_scenario_fails_fast(
    good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    # Saves carry their scenario's text: it goes through the scenario loader's limits. A
    # 200,000-key scenario used to make every save command take 81 s to over 120 s. The
    # messages show the work done: refused by size before YAML, or at the scalar that crosses
    # the limit (its line), not after reading the rest (speed: benchmarks/scenario_limits.py).
    base = good[1]["scenario"]["text"]
    path = tmp_path / "huge-scenario.json"
    write_json(
        path, _with_scenario_text(good, base + "".join(f"k{i}: 1\n" for i in range(200_000)))
    )
    _expect(
        path,
        re.escape(
            "the stored scenario does not load: scenario.text:1:1: "
            "<file>: the text is larger than the 512 KiB limit for a "
            "scenario"
        ),
    )
    write_json(path, _with_scenario_text(good, base + "".join(f"k{i}: 1\n" for i in range(50_000))))
    message = _expect(
        path,
        re.escape("the stored scenario does not load: scenario.text:")
        + r"\d+"
        + re.escape(
            ":1: <yaml>: the document has more than 16000 scalar "
            "values (keys, text, numbers, dates...), the limit "
            "for a scenario"
        ),
    )
    line = int(message.split("scenario.text:")[1].split(":")[0])
    scenario_lines = base.count("\n")
    assert line < scenario_lines + 16_000  # stopped near the limit, not at the 50,000th key


def test_a_file_of_millions_of_values_is_refused_before_parsing(tmp_path: Path) -> None:
    # The column shows the work done: the refusal comes at the 100,001st value, not after
    # parsing the 5.6 million that follow it (speed is no test's business).
    path = tmp_path / "values.json"
    count = (MAX_SAVE_BYTES - 100) // 3
    path.write_bytes(b'{"format": "tradegame-save", "x": [' + b'"",' * count + b'""]}')
    _expect(
        path,
        re.escape(
            "too large for a save: it holds more than 100000 JSON "
            "values, the limit (at line 1, column 300026)"
        ),
    )


def test_partial_game_with_an_edited_last_action(tmp_path: Path) -> None:
    """An action after the last resolved round is covered by the final state hash."""
    path = tmp_path / "partial.json"
    save_game(path, PARTIAL, SEATS, **save_kwargs())
    doc = read_json(path)
    assert doc["actions"][-1] == "A say reassure B" and not doc["position"]["over"]
    doc["actions"][-1] = "A say reassure C"
    write_json(path, doc)
    _expect(
        path,
        re.escape("the replay diverged in round 3: the final state hash is ")
        + HEX
        + re.escape(
            f"…, the save records {PARTIAL.state_hash()[:12]}… (the actions after "
            f"the last resolved round or the position were edited)"
        ),
    )


def test_version_0_is_migrated(good: tuple[bytes, dict[str, Any]], tmp_path: Path) -> None:
    data, _ = good
    path = tmp_path / "old.json"
    old = downgrade_to_v0(json.loads(data))
    assert "moves" in old and "actions" not in old and "checksum" not in old
    write_json(path, old)
    loaded = load_game(path)
    assert loaded.meta.version == 0 and loaded.meta.migrated_from == 0
    assert not loaded.meta.checksum_verified
    assert loaded.game.state_hash() == FINAL and loaded.game.actions == GAME.actions


def test_a_different_tradegame_version_is_named_in_divergences(
    good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    doc = json.loads(good[0])
    doc["tradegame_version"] = "0.0.9"
    doc["rounds"][0]["state_hash"] = "0" * 64
    path = tmp_path / "older-engine.json"
    write_json(path, _resign(doc))
    _expect(
        path,
        re.escape(
            f"the replay diverged in round 1: the state hash after the round "
            f"is {H[0][:12]}…, the save records 000000000000… (the actions or "
            f"the hashes were edited) (the save was written by tradegame "
            f"0.0.9, this is 0.1.0: the game rules may have changed)"
        ),
    )


def test_a_version_string_with_escape_sequences_is_refused_and_never_printed_raw(
    good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    """tradegame_version is quoted in divergence and newer-version messages: a terminal must
    never receive its control characters."""
    doc = json.loads(good[0])
    doc["tradegame_version"] = "\x1b[2J\x07evil"
    doc["rounds"][0]["state_hash"] = "0" * 64
    path = tmp_path / "escapes.json"
    write_json(path, _resign(doc))
    message = _expect(
        path,
        re.escape('tradegame_version: must be a version like 0.1.0, got "\\u001b[2J\\u0007evil"'),
    )
    assert "\x1b" not in message
    doc["version"] = 7
    write_json(path, doc)
    message = _expect(
        path,
        re.escape(
            "save format version 7 is newer than this tradegame "
            "(0.1.0) can read (up to version 1) (it was written by "
            "tradegame \\x1b[2J\\x07evil); upgrade tradegame"
        ),
    )


def test_huge_counts_are_quoted_short(good: tuple[bytes, dict[str, Any]], tmp_path: Path) -> None:
    """A 4,000-digit number is a valid JSON integer: the message must not quote all of it."""
    path = tmp_path / "huge.json"
    for edit in (
        lambda d: d.__setitem__("version", 10**4000),
        lambda d: d["position"].__setitem__("actions", 10**4000),
        lambda d: d["rounds"][0].__setitem__("round", 10**4000),
    ):
        doc = json.loads(good[0])
        edit(doc)
        write_json(path, _resign(doc))
        message = _expect(path, r"[a-z_.\[\]0-9]+: must be at most 1000000000, got 1+0+…")
        assert len(message) < 200, message


def test_an_edited_position_round_is_named_not_a_hash(
    good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    """Before: 'the final state hash is X, the save records X' with the same X."""
    doc = json.loads(good[0])
    doc["position"]["round"] += 1
    path = tmp_path / "round.json"
    write_json(path, _resign(doc))
    last = doc["position"]["round"] - 1
    _expect(
        path,
        re.escape(
            f"position: the replay ends in round {last} with the game over, "
            f"the save records round {last + 1} with the game over (the "
            f"position was edited)"
        ),
    )


def test_any_single_flipped_byte_is_caught_or_harmless(
    good: tuple[bytes, dict[str, Any]], tmp_path: Path
) -> None:
    """Flip one bit at 300 positions spread over the file: each load either fails with a
    one-line message naming the file, or gives the same game, and the latter only when the
    flip fell inside a timestamp (the only unhashed data)."""
    data, doc = good
    stamps = [(m.start(1), m.end(1)) for m in re.finditer(rb'"(?:created|saved)": "([^"]*)"', data)]
    path = tmp_path / "flipped.json"
    failures = 0
    positions = sorted(
        {i * len(data) // 300 for i in range(300)}
        | {s for s, _ in stamps}
        | {e - 2 for _, e in stamps}
    )
    for i in positions:
        path.write_bytes(_flip_at(data, i))
        try:
            loaded = load_game(path)
        except SaveError as exc:
            message = str(exc)
            assert message.startswith(f"{path}: ") and "\n" not in message, message
            failures += 1
            continue
        assert any(s <= i < e for s, e in stamps), f"a flip at byte {i} went unnoticed"
        assert loaded.game.state_hash() == FINAL
    assert failures >= len(positions) - 2 * len(stamps) * 2


def test_cli_prints_one_line_and_exits_2(
    good: tuple[bytes, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(good[0][: len(good[0]) // 2])
    for command in (
        ["replay", str(path)],
        ["replay", str(path), "--json"],
        ["resume", str(path), "--no-autosave"],
        ["rollback", str(path), "--round", "1", "--out", str(tmp_path / "x.json")],
    ):
        assert main(command) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert (
            err.startswith(f"tradegame: {path}: the file is truncated") and err.count("\n") == 1
        ), err
    assert not (tmp_path / "x.json").exists()


def test_the_good_file_loads(good: tuple[bytes, dict[str, Any]], tmp_path: Path) -> None:
    """The corpus starts from a file that loads (else every case would pass vacuously)."""
    data, doc = good
    path = tmp_path / "good.json"
    path.write_bytes(data)
    loaded = load_game(path)
    assert loaded.game.state_hash() == FINAL and loaded.meta.checksum_verified
    assert doc["actions"] == [str(a) for a in GAME.actions]
    assert [r["actions"] for r in doc["rounds"]] == ENDS
    assert Game.replay(GAME.rules, 5, GAME.actions).state_hash() == FINAL
