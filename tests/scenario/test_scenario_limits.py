"""The loader's limits: only regular files, bounded bytes, nodes, scalars, keys, depth.

Each case checks the exact located message and that the loader stopped where its limit says,
by counting its work, not by timing it (speed is a benchmark: ``benchmarks/scenario_limits.py``
times these inputs): a device or FIFO is never read, a file over the byte limit is never
composed, and the YAML scanner stops at the node or scalar past the limit instead of reading the
document to its end. Before the limits, ``validate /dev/zero`` grew without end, a FIFO blocked
forever and a 400,000-key file took minutes and gigabytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tradegame import untrusted
from tradegame.cli import main
from tradegame.scenario import loader
from tradegame.scenario.loader import ScenarioError, load_scenario, parse_scenario

HERE = Path(__file__).parent
MINIMAL = (HERE / "fixtures" / "minimal.yaml").read_text(encoding="utf-8")
LINES = MINIMAL.count("\n")  # the fixture's lines; added text starts on the next one


class Work:
    """What one load did: the files it opened (with the flags), the bytes it read, the texts
    it composed, and for each run of the bounded (pure-Python) loader the YAML tokens it
    scanned."""

    def __init__(self) -> None:
        self.opened: list[int] = []
        self.bytes_read = 0
        self.composed = 0
        self.tokens: list[int] = []


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    done = Work()
    real_open, real_read = os.open, os.read
    real_compose, real_dispose = loader._compose, loader._BoundedLoader.dispose

    def counting_open(path: Any, flags: int, *args: Any) -> int:
        done.opened.append(flags)
        return real_open(path, flags, *args)

    def counting_read(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        done.bytes_read += len(chunk)
        return chunk

    def counting_compose(text: str) -> Any:
        done.composed += 1
        return real_compose(text)

    def counting_dispose(self: Any) -> None:
        done.tokens.append(self.tokens_taken)
        real_dispose(self)

    monkeypatch.setattr(untrusted.os, "open", counting_open)
    monkeypatch.setattr(untrusted.os, "read", counting_read)
    monkeypatch.setattr(loader, "_compose", counting_compose)
    monkeypatch.setattr(loader._BoundedLoader, "dispose", counting_dispose)
    return done


def _problems(source: str | Path, text: str | None = None) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        if text is not None:
            parse_scenario(text, "x.yaml")
        else:
            load_scenario(source)
    return [str(p) for p in caught.value.problems]


def _never_read(work: Work) -> None:
    """Opened once, without blocking (a FIFO's open waits for a writer otherwise), and not
    one byte read or composed."""
    assert work.opened, "the file was not even opened"
    assert all(flags & getattr(os, "O_NONBLOCK", 0) for flags in work.opened)
    assert work.bytes_read == 0 and work.composed == 0


# --------------------------------------------------------------------------- files


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it(work: Work) -> None:
    assert _problems(Path("/dev/zero")) == [
        "/dev/zero:1:1: <file>: is a character device, not a scenario file; only regular "
        "files are read"
    ]
    _never_read(work)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_symlink_to_a_device_is_refused(tmp_path: Path, work: Work) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert _problems(link) == [
        f"{link}:1:1: <file>: is a character device, not a scenario file; only regular files "
        f"are read"
    ]
    _never_read(work)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path, work: Work) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert _problems(fifo) == [
        f"{fifo}:1:1: <file>: is a named pipe (FIFO), not a scenario file; only regular files "
        f"are read"
    ]
    # By name as the CLI gets it too (a str is first looked up among the bundled names).
    assert _problems(str(fifo)) == [
        f"{fifo}:1:1: <file>: is a named pipe (FIFO), not a scenario file; only regular files "
        f"are read"
    ]
    _never_read(work)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_validate_dev_zero_exits_at_once(capsys: pytest.CaptureFixture[str], work: Work) -> None:
    assert main(["validate", "/dev/zero"]) == 2
    _never_read(work)
    assert capsys.readouterr().err == (
        "/dev/zero:1:1: <file>: is a character device, not a "
        "scenario file; only regular files are read\n"
    )


def test_a_file_over_the_byte_limit_is_refused(tmp_path: Path, work: Work) -> None:
    # 400,000 keys: 3.2 MB, which used to take 350 s and 1.2 GB to report.
    path = tmp_path / "keys.yaml"
    path.write_text(MINIMAL + "".join(f"k{i}: 1\n" for i in range(400_000)))
    assert _problems(path) == [f"{path}:1:1: <file>: the file is larger than the 512 KiB limit"]
    assert work.bytes_read <= loader.MAX_BYTES + 1 and work.composed == 0
    text = path.read_text()
    assert _problems("", text) == [
        "x.yaml:1:1: <file>: the text is larger than the 512 KiB limit for a scenario"
    ]
    assert work.composed == 0


# --------------------------------------------------------------------------- the document


def test_many_keys_stop_at_the_scalar_limit(work: Work) -> None:
    # 50,000 unknown keys in under 512 KiB: stops at the 16,001st scalar, well before the end
    # (the fixture has a few hundred scalars of its own, so the line is past the fixture's).
    text = MINIMAL + "".join(f"k{i}: 1\n" for i in range(50_000))
    assert len(text.encode()) <= loader.MAX_BYTES
    (problem,) = _problems("", text)
    line = int(problem.split(":")[1])
    assert LINES < line < LINES + 8_000
    assert problem == (
        f"x.yaml:{line}:1: <yaml>: the document has more than 16000 scalar "
        f"values (keys, text, numbers, dates...), the limit for a scenario"
    )
    # Scanned up to the 16,001st scalar (about two tokens a scalar), not the 50,000 keys to
    # the end (four tokens a key: over 200,000).
    (tokens,) = work.tokens
    assert tokens < 3 * loader.MAX_SCALARS


def test_a_long_flat_list_stops_at_the_scalar_limit(work: Work) -> None:
    text = MINIMAL + "x: [" + "1, " * 100_000 + "1]\n"
    assert len(text.encode()) <= loader.MAX_BYTES
    (problem,) = _problems("", text)
    assert problem.startswith(f"x.yaml:{LINES + 1}:")
    assert problem.endswith(
        ": <yaml>: the document has more than 16000 scalar values (keys, "
        "text, numbers, dates...), the limit for a scenario"
    )
    # Scanned up to the 16,001st item, not the 100,001 (two tokens each: over 200,000).
    (tokens,) = work.tokens
    assert tokens < 3 * loader.MAX_SCALARS


def test_many_collections_stop_at_the_node_limit(work: Work) -> None:
    # Empty lists are nodes but not scalars: the 20,001st node is the 19,xxx-th list.
    text = "x: [" + "[], " * 30_000 + "[]]\n"
    scalars = 1  # the key x
    nodes_before = 2 + scalars  # the root mapping, the key, the outer list
    column = 4 + 4 * (loader.MAX_NODES - nodes_before) + 1
    assert _problems("", text) == [
        f"x.yaml:1:{column}: <yaml>: the document has more than 20000 nodes (keys, values and "
        f"list items), the limit for a scenario"
    ]
    # Three tokens a list ("[", "]", ","): scanned up to the 20,001st node, not the 30,001.
    (tokens,) = work.tokens
    assert tokens <= 3 * loader.MAX_NODES


def test_a_mapping_with_too_many_keys() -> None:
    text = "x: {" + ", ".join(f"k{i}: 1" for i in range(1_500)) + "}\n"
    # The 1,001st key, k1000, is where the limit is crossed.
    column = text.index("k1000: ") + 1
    assert _problems("", text) == [
        f"x.yaml:1:{column}: <yaml>: this mapping has more than 1000 keys, the limit for one "
        f"mapping"
    ]


def test_a_huge_base_60_number_is_refused_without_computing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # YAML 1.1 reads 1:59:59:... as a base-60 integer; PyYAML computes it in time quadratic in
    # its length: this one value, within 512 KiB, took 11 s to validate.
    number = "1" + ":59" * ((loader.MAX_BYTES - len(MINIMAL.encode()) - 20) // 3)
    text = MINIMAL + f"x: {number}\n"
    assert len(text.encode()) <= loader.MAX_BYTES
    read_int = loader._SCALAR_CONSTRUCTORS[loader._STD + "int"]
    lengths: list[int] = []

    def counting(reader: Any, node: Any) -> Any:
        lengths.append(len(node.value))
        return read_int(reader, node)

    monkeypatch.setitem(loader._SCALAR_CONSTRUCTORS, loader._STD + "int", counting)
    problems = _problems("", text)
    # The fixture's own integers are read; this one never is.
    assert lengths and max(lengths) <= loader.MAX_INT_CHARS
    assert problems[-1] == (
        f"x.yaml:{LINES + 1}:4: x: cannot read '{number[:57]}...' as "
        f"!!int: it has more than 100 characters"
    )


def test_deep_nesting_is_refused_at_the_limit(work: Work) -> None:
    text = "a:\n" + "".join("  " * (n + 1) + f"b{n}:\n" for n in range(100)) + "  " * 101 + "1\n"
    (problem,) = _problems("", text)
    assert problem.endswith(": <yaml>: the document nests deeper than 64 levels")
    text = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert _problems("", text) == ["x.yaml:1:67: <yaml>: the document nests deeper than 64 levels"]
    # Stopped at the 65th "[", not after the 200,000 brackets.
    assert work.tokens[-1] < 2 * loader.MAX_DEPTH


def test_many_problems_are_counted_not_all_spelled_out() -> None:
    # 900 unknown keys: 100 are listed, one more line counts the rest ("did you mean" is
    # worked out for the listed ones only).
    text = MINIMAL + "".join(f"k{i}: 1\n" for i in range(900))
    problems = _problems("", text)
    assert len(problems) == loader.MAX_PROBLEMS + 1
    assert problems[0] == (
        f"x.yaml:{LINES + 1}:1: k0: unknown key 'k0'; expected one of: "
        f"format, id, title, summary, calendar, limits, players, roles, "
        f"sectors, trade, tariffs, relations, claims, talks, economy, "
        f"market_stress, politics, events, debrief"
    )
    assert problems[-1] == (
        f"x.yaml:{LINES + 101}:1: k100: and 800 more problems from here "
        f"on (only the first 100 are listed)"
    )


@pytest.mark.parametrize("name", sorted(loader.bundled_scenarios()))
def test_the_bundled_scenarios_are_well_inside_the_limits(name: str) -> None:
    # The limits are about five times the biggest bundled scenario; keep it that way.
    import yaml

    text = loader.bundled_scenarios()[name].read_text(encoding="utf-8")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    nodes = scalars = keys = 0
    stack = [root]
    while stack:
        node = stack.pop()
        nodes += 1
        if isinstance(node, yaml.MappingNode):
            keys = max(keys, len(node.value))
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        else:
            scalars += 1
    assert len(text.encode()) * 5 <= loader.MAX_BYTES
    assert nodes * 5 <= loader.MAX_NODES + 1_000
    assert scalars * 4 <= loader.MAX_SCALARS
    assert keys * 20 <= loader.MAX_KEYS
