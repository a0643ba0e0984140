"""Saves replace only regular files (issue 18, "files").

As root, ``tradegame match ... --save /dev/full`` replaced the device node with a JSON file: the
atomic rename replaces whatever directory entry has the name. A device, a FIFO, a socket or a
directory is now refused with a message that says what is there, and left as it was; a symbolic
link is replaced by the save unless it points at one of those.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.saves import SaveError, atomic_write_bytes, load_game, save_game
from tradegame.saves.atomic import DestinationRefused

from .support import SEATS, save_kwargs, scripted_game


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.txt").write_text("kept")


def _device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root (the symlink case covers devices)")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # what /dev/full is


def _link_to_null(path: Path) -> None:
    path.symlink_to(os.devnull)


SOCKETS: list[socket.socket] = []


def _socket(path: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(os.fspath(path))
    SOCKETS.append(s)


@pytest.fixture(autouse=True)
def _close_sockets() -> Iterator[None]:
    yield
    while SOCKETS:
        SOCKETS.pop().close()


KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "is a named pipe (FIFO), not a save file; choose a file name"),
    "directory": (_folder, "it is a directory"),
    "device": (_device, "is a character device, not a save file; choose a file name"),
    "symlink-to-device": (
        _link_to_null,
        "is a symbolic link to a character device, not a save file; choose a file name",
    ),
    "socket": (_socket, "is a socket, not a save file; choose a file name"),
}


def _fingerprint(path: Path) -> tuple[int, int, int, list[str]]:
    st = os.lstat(path)
    inside = sorted(os.listdir(path)) if stat.S_ISDIR(st.st_mode) else []
    return st.st_mode, st.st_ino, st.st_rdev, inside


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_save_never_replaces_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    make, reason = KINDS[kind]
    target = tmp_path / "g.json"
    make(target)
    before = _fingerprint(target)
    with pytest.raises(SaveError) as info:
        save_game(target, scripted_game(upto=6, finish=False), SEATS, **save_kwargs())
    message = str(info.value)
    assert message.startswith(f"{target}: cannot write the save: ")
    assert reason in message and message.endswith("any earlier file there is untouched")
    assert _fingerprint(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.json"]  # no temporary file left


def test_the_refusal_names_the_file_and_what_it_is(tmp_path: Path) -> None:
    target = tmp_path / "full"
    target.symlink_to(os.devnull)
    with pytest.raises(DestinationRefused) as info:
        atomic_write_bytes(target, b"{}", what="save file")
    assert str(info.value) == (
        f"{target} is a symbolic link to a character device, not a save file; choose a file name"
    )
    with pytest.raises(OSError):  # callers that catch OSError keep working
        atomic_write_bytes(target, b"{}")


def test_match_save_to_a_fifo_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command the issue ran (a FIFO stands in for /dev/full: no root needed, and a writer
    that opened it would hang here)."""
    target = tmp_path / "full"
    os.mkfifo(target)
    code = main(
        [
            "match",
            "april-2025",
            "--seat",
            "US=passive",
            "--seat",
            "JP=passive",
            "--seat",
            "EU=passive",
            "--seed",
            "1",
            "--save",
            str(target),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "is a named pipe (FIFO), not a save file; choose a file name" in err
    assert "Traceback" not in err
    assert stat.S_ISFIFO(os.lstat(target).st_mode)


def test_a_symlink_to_a_file_is_replaced_by_the_save_and_its_target_kept(tmp_path: Path) -> None:
    """The choice for links (see saves/atomic.py): the link itself becomes the new file, so a
    link planted in a shared folder cannot redirect the write to another file."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not a save")
    link = tmp_path / "g.json"
    link.symlink_to(elsewhere)
    game = scripted_game(upto=6, finish=False)
    save_game(link, game, SEATS, **save_kwargs())
    assert not link.is_symlink() and link.is_file()
    assert load_game(link).game.state_hash() == game.state_hash()
    assert elsewhere.read_text() == "not a save"


def test_a_dangling_symlink_is_replaced_and_nothing_created_at_its_target(tmp_path: Path) -> None:
    link = tmp_path / "g.json"
    link.symlink_to(tmp_path / "nowhere" / "x.json")
    save_game(link, scripted_game(upto=6, finish=False), SEATS, **save_kwargs())
    assert link.is_file() and not link.is_symlink()
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
def test_a_folder_where_no_file_can_be_made_is_not_called_missing() -> None:
    """/proc/self exists, but creating a file there fails with ENOENT: the message said
    'the folder /proc/self does not exist'."""
    with pytest.raises(SaveError) as info:
        save_game("/proc/self/game.json", scripted_game(), SEATS, **save_kwargs())
    assert str(info.value) == (
        "/proc/self/game.json: cannot write the save: no file can be "
        "created in the folder /proc/self; any earlier file there is "
        "untouched"
    )


def test_a_regular_file_and_a_new_name_are_still_written(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text("an old save")
    atomic_write_bytes(old, b"new")
    atomic_write_bytes(tmp_path / "new.json", b"new")
    assert old.read_bytes() == (tmp_path / "new.json").read_bytes() == b"new"
