"""The shared readers of outside input: regular files only, bounded, no content in messages."""

from __future__ import annotations

import os
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegame.untrusted import FileRefused, printable, read_regular_file


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(FileRefused, match="character device") as info:
        read_regular_file("/dev/zero", 1024, what="scenario file")
    assert info.value.kind == "not-regular"


def test_a_fifo_is_refused_without_blocking(tmp_path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def read() -> None:
        try:
            read_regular_file(fifo, 1024)
        except FileRefused as exc:
            result.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert "named pipe" in str(result[0])


def test_a_directory_and_a_missing_file(tmp_path) -> None:
    with pytest.raises(FileRefused, match="is a directory, not a save file"):
        read_regular_file(tmp_path, 10, what="save file")
    with pytest.raises(FileRefused, match="no such file"):
        read_regular_file(tmp_path / "absent", 10)


def test_the_limit_is_enforced_and_nothing_is_quoted(tmp_path) -> None:
    secret = tmp_path / "big"
    secret.write_bytes(b"root:x:0:0:SECRET\n" * 100)
    with pytest.raises(FileRefused) as info:
        read_regular_file(secret, 1024)
    assert "SECRET" not in str(info.value) and "1 KiB" in str(info.value)
    assert read_regular_file(secret, 1800) == secret.read_bytes()


def test_a_symlink_to_a_device_is_refused(tmp_path) -> None:
    link = tmp_path / "innocent.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(FileRefused, match="character device"):
        read_regular_file(link, 1024)


def test_printable_neutralises_escapes_and_keeps_layout() -> None:
    assert printable("plain\ttext\nnext") == "plain\ttext\nnext"
    shown = printable("\x1b]0;pwned\x07\x1b[2Jred\u202eevil\x9b")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown == "\\x1b]0;pwned\\x07\\x1b[2Jred\\u202eevil\\x9b"


@given(st.text())
def test_printable_leaves_no_control_character(text: str) -> None:
    shown = printable(text)
    assert all(ch in "\n\t" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in shown)
    assert printable(shown) == shown


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("passive", "passive"),
        ("cmd:python bot.py", "cmd:python bot.py"),
        ("", ""),
    ],
)
def test_spreadsheet_text_defuses_formulas(text: str, cell: str) -> None:
    from tradegame.untrusted import spreadsheet_text

    assert spreadsheet_text(text) == cell


def test_printable_escapes_exactly_what_the_engine_refuses_in_actions() -> None:
    """One character set in two layers (the engine may not import untrusted, nor the reverse):
    every character printable() escapes, the engine refuses in an action's text, and the
    engine refuses nothing else but tab and newline, which printable() keeps for layout."""
    from tradegame.engine.actions import _text_ok

    for code in range(0x110000):
        char = chr(code)
        if char in "\t\n":
            assert not _text_ok(char) and printable(char) == char
        else:
            assert (printable(char) != char) == (not _text_ok(char)), hex(code)


@pytest.mark.parametrize(
    "char", ["\u2028", "\u2029", "\u200e", "\u200f", "\u061c", "\ufeff", "\u200b"]
)
def test_printable_shows_invisible_and_line_breaking_characters(char: str) -> None:
    assert printable(f"a{char}b") == f"a\\u{ord(char):04x}b"
