"""A file that is not what it claims to be is never quoted in a message (issue 11, issue 18).

Each foreign file holds a unique secret string. Fed as a scenario (``load_scenario``,
``tradegame validate``) or as a save (``load_game``, ``tradegame replay``), it gets a located
message naming the kind of problem and where, and the secret appears nowhere in the output.
Before the fix, ``validate /etc/passwd`` printed its first line ("got the text 'root:x:...'")
and a JSON config printed its keys and values ("unknown key 'password'").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.saves import SaveError, load_game
from tradegame.scenario.loader import ScenarioError, load_scenario

SECRET = "s3cr3t-7f1c9a-do-not-echo"
HINT = "a mapping of scenario fields (format, id, title, ...)"
NOT_SCENARIO = (
    "not a tradegame scenario: a scenario file is a mapping that starts with "
    "format: tradegame-scenario/1"
)
NOT_JSON = "the file is corrupt: not valid JSON at line 1, column 1 (Expecting value)"

# name, content, the problem as a scenario (after "FILE:"), the problem as a save ("FILE: ")
FILES: list[tuple[str, bytes, str, str]] = [
    (
        "passwd",
        f"root:x:0:0:root:/root:/bin/bash\nsvc:x:1000:1000:{SECRET}:/home/svc:/bin/sh\n".encode(),
        f"1:1: <root>: expected {HINT}, got a single text value",
        NOT_JSON,
    ),
    (
        "binary",
        b"\x89PNG\r\n\x1a\n" + SECRET.encode() + bytes(range(256)),
        "1:1: <file>: not UTF-8 text: byte 0x89 cannot be decoded; save the file as UTF-8",
        "the file is corrupt: byte 0x89 at offset 0 is not UTF-8 text (a save is a JSON text file)",
    ),
    (
        "config.json",
        f'{{"api_token": "{SECRET}", "format": "config/2"}}\n'.encode(),
        "1:54: format: not a tradegame scenario: expected format: tradegame-scenario/1",
        'not a tradegame save: its "format" is not "tradegame-save" (the file is something else)',
    ),
    (
        "credentials.json",
        f'{{\n  "user": "admin",\n  "password": "{SECRET}"\n}}\n'.encode(),
        f"1:1: <root>: {NOT_SCENARIO}",
        'not a tradegame save: it has no "format": "tradegame-save" field',
    ),
    (
        "duplicate.json",
        f'{{"{SECRET}": 1, "{SECRET}": 2}}'.encode(),
        f"1:1: <root>: {NOT_SCENARIO}",
        "the file is corrupt: a field appears twice in one object",
    ),
    (
        "page.html",
        f"<!DOCTYPE html>\n<html><head><title>{SECRET}</title></head>\n"
        f"<body><p>Hello: world</p></body></html>\n".encode(),
        "3:15: <yaml>: unexpected ':' (quote a value that contains ': ', or check the indentation)",
        NOT_JSON,
    ),
    (
        "id_rsa",
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SECRET}AAAAB3NzaC1yc2E\n"
        f"-----END OPENSSH PRIVATE KEY-----\n".encode(),
        f"1:1: <root>: expected {HINT}, got a single text value",
        NOT_JSON,
    ),
    (
        "secrets.yaml",
        f"db_password: {SECRET}\napi_key: abc\n".encode(),
        f"1:1: <root>: {NOT_SCENARIO}",
        NOT_JSON,
    ),
    ("alias.yaml", f"token: *{SECRET}\n".encode(), "1:8: <yaml>: undefined alias", NOT_JSON),
    (
        "anchors.yaml",
        f"a: &{SECRET} 1\nb: &{SECRET} 2\n".encode(),
        "2:4: <yaml>: duplicate anchor (first at line 1, column 4)",
        NOT_JSON,
    ),
    (
        "tagged.yaml",
        f"--- !{SECRET} [1]\n".encode(),
        f"1:5: <root>: expected {HINT}, got a value with a tag (scenario files hold plain data "
        f"only)",
        NOT_JSON,
    ),
    (
        ".env",
        f"export API_KEY={SECRET}\nDEBUG: 1\n".encode(),
        "2:6: <yaml>: unexpected ':' (quote a value that contains ': ', or check the indentation)",
        NOT_JSON,
    ),
]
IDS = [f[0] for f in FILES]


@pytest.fixture
def foreign(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[Path, str, str]:
    name, data, as_scenario, as_save = request.param
    path = tmp_path / name
    path.write_bytes(data)
    assert SECRET.encode() in data
    return path, as_scenario, as_save


@pytest.mark.parametrize("foreign", FILES, ids=IDS, indirect=True)
def test_load_scenario_names_the_kind_and_place_only(foreign: tuple[Path, str, str]) -> None:
    path, as_scenario, _ = foreign
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:{as_scenario}"


@pytest.mark.parametrize("foreign", FILES, ids=IDS, indirect=True)
def test_validate_prints_no_secret(
    foreign: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, as_scenario, _ = foreign
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"{path}:{as_scenario}\n"
    assert SECRET not in out + err


@pytest.mark.parametrize("foreign", FILES, ids=IDS, indirect=True)
def test_load_game_names_the_kind_and_place_only(foreign: tuple[Path, str, str]) -> None:
    path, _, as_save = foreign
    with pytest.raises(SaveError) as info:
        load_game(path)
    assert str(info.value) == f"{path}: {as_save}"


@pytest.mark.parametrize("foreign", FILES, ids=IDS, indirect=True)
def test_replay_prints_no_secret(
    foreign: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _, as_save = foreign
    assert main(["replay", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().endswith(f"{path}: {as_save}")
    assert SECRET not in out + err


def test_a_real_scenario_with_a_typo_still_gets_the_details(tmp_path: Path) -> None:
    # The line is drawn at "claims to be a scenario": its own names are shown.
    path = tmp_path / "mine.yaml"
    path.write_text("format: tradegame-scenario/1\nid: &me x\ntitle: *you\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}:3:8: <yaml>: undefined alias *you"
    path.write_text("format: tradegame-scenario/1\nid: x\ntitel: y\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert f"{path}:3:1: titel: unknown key 'titel' (did you mean 'title'?)" in str(info.value)


def test_escape_sequences_in_a_scenario_are_not_sent_to_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "esc.yaml"
    path.write_text('format: tradegame-scenario/1\nid: x\n"\\e]0;owned\\a": 1\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "\x1b" not in str(info.value) and "\\x1b]0;owned" in str(info.value)
