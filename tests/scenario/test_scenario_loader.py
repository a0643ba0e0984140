"""The scenario loader: located problems for a corpus of broken files, safety, file handling."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from tradegame.scenario import loader
from tradegame.scenario.loader import (
    DEFAULT_SCENARIO,
    Problem,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    load_scenario_text,
    parse_scenario,
)
from tradegame.scenario.models import Scenario

HERE = Path(__file__).parent
REPO = HERE.parents[1]
CORPUS = HERE / "corpus"
FIXTURE = HERE / "fixtures" / "minimal.yaml"
MINIMAL = FIXTURE.read_text(encoding="utf-8")
ROOT_NODE = yaml.compose(MINIMAL, Loader=yaml.SafeLoader)
assert ROOT_NODE is not None


def _expected_by_file() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            table.setdefault(line.split(":", 1)[0], []).append(line)
    return table


EXPECTED = _expected_by_file()
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.yaml"))


@contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, if the loader ever expands an alias bomb (Unix only)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError(f"the loader took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _problems(text: str, filename: str = "x.yaml") -> list[Problem]:
    with _time_limit(30), pytest.raises(ScenarioError) as info:
        parse_scenario(text, filename)
    return info.value.problems


def _lines(text: str) -> list[str]:
    return [str(p) for p in _problems(text)]


# --------------------------------------------------------------------------- the corpus


def test_minimal_fixture_is_valid() -> None:
    scenario = parse_scenario(MINIMAL, "minimal.yaml")
    assert isinstance(scenario, Scenario)
    assert [p.id for p in scenario.players] == ["US", "JP", "EU"]


def test_corpus_and_table_match() -> None:
    assert len(CORPUS_FILES) >= 35
    assert sorted(EXPECTED) == CORPUS_FILES


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_reports_exactly_the_expected_problems(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS)
    with _time_limit(30), pytest.raises(ScenarioError) as info:
        load_scenario(name)
    assert [str(p) for p in info.value.problems] == EXPECTED[name]
    assert str(info.value) == "\n".join(EXPECTED[name])


@pytest.mark.parametrize("name", [n for n in CORPUS_FILES if n not in ("empty.yaml",)])
def test_corpus_files_differ_from_the_fixture_in_one_place(name: str) -> None:
    # Each broken file is the fixture with one defect: its first line names the defect, and
    # all but a few lines are the fixture's own (indentation aside).
    lines = (CORPUS / name).read_bytes().decode("utf-8", "replace").splitlines()
    assert lines[0].startswith("# Defect: ")
    fixture = {line.strip() for line in MINIMAL.splitlines()}
    assert len({line.strip() for line in lines[1:]} - fixture) <= 9


# --------------------------------------------------------------------------- one node, one error


def _scalars(
    node: yaml.Node, path: tuple[object, ...] = ()
) -> Iterator[tuple[tuple[object, ...], yaml.ScalarNode]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _scalars(item, (*path, i))
    elif isinstance(node, yaml.ScalarNode):
        yield path, node


def _shown(path: tuple[object, ...]) -> str:
    return ".".join(str(s) for s in path)


NUMBER_NODES = [
    (path, node)
    for path, node in _scalars(ROOT_NODE)
    if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
]


@pytest.mark.parametrize(("path", "node"), NUMBER_NODES, ids=[_shown(p) for p, _ in NUMBER_NODES])
def test_a_number_written_as_text_is_reported_at_its_node(
    path: tuple[object, ...], node: yaml.ScalarNode
) -> None:
    start, end = node.start_mark.index, node.end_mark.index
    text = MINIMAL[:start] + f'"{node.value}"' + MINIMAL[end:]
    (problem,) = _problems(text)
    assert (problem.line, problem.column) == (node.start_mark.line + 1, node.start_mark.column + 1)
    assert problem.path == _shown(path)
    assert problem.message == f"expected a number, got the text '{node.value}'; remove the quotes"


def _key_nodes(
    node: yaml.Node, path: tuple[object, ...] = ()
) -> Iterator[tuple[tuple[object, ...], yaml.ScalarNode]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            assert isinstance(key, yaml.ScalarNode)
            yield (*path, key.value), key
            yield from _key_nodes(value, (*path, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _key_nodes(item, (*path, i))


KEYS = list(_key_nodes(ROOT_NODE))


@pytest.mark.parametrize(("path", "key"), KEYS, ids=[_shown(p) for p, _ in KEYS])
def test_a_renamed_key_is_reported_at_the_key(
    path: tuple[object, ...], key: yaml.ScalarNode
) -> None:
    start, end = key.start_mark.index, key.end_mark.index
    text = MINIMAL[:start] + key.value + "x" + MINIMAL[end:]
    renamed = _shown((*path[:-1], key.value + "x"))
    problems = _problems(text)
    (at_key,) = [p for p in problems if p.path == renamed]
    assert (at_key.line, at_key.column) == (key.start_mark.line + 1, key.start_mark.column + 1)
    if len(path) > 1 and path[-2] == "salience":  # a mapping of player ids, not of fields
        assert at_key.message == f"unknown player '{key.value}x' (did you mean '{key.value}'?)"
        return
    assert at_key.message == f"unknown key '{key.value}x' (did you mean '{key.value}'?)"
    # Any other problem is the key now missing from its mapping.
    for other in problems:
        if other is not at_key:
            assert other.path == _shown(path[:-1]) or "<root>"
            assert other.message == f"missing required field '{key.value}'"


# --------------------------------------------------------------------------- messages


def test_problem_text_format() -> None:
    problem = Problem("a.yaml", 3, 7, "players.1.name", "expected text, got null")
    assert str(problem) == "a.yaml:3:7: players.1.name: expected text, got null"


def test_every_problem_is_reported_at_once_sorted_by_position() -> None:
    text = (
        MINIMAL.replace("    approval: 45\n", "    approval: 145\n")
        .replace("    gdp_bn: 4100\n", "    gdp_bn: lots\n")
        .replace("  max_tariff: 0.6\n", "  max_tarif: 0.6\n")
    )
    lines = _lines(text)
    assert lines == [
        "x.yaml:11:3: limits.max_tarif: unknown key 'max_tarif' (did you mean 'max_tariff'?)",
        "x.yaml:16:15: players.0.approval: must be at most 100, got 145",
        "x.yaml:46:13: players.1.gdp_bn: expected a number, got the text 'lots'",
    ]


def test_duplicate_keys_are_reported_every_time() -> None:
    text = MINIMAL.replace("    name: Japan\n", "    name: Japan\n    name: A\n    name: B\n")
    assert _lines(text) == [
        "x.yaml:46:5: players.1.name: duplicate key 'name' (first at line 45)",
        "x.yaml:47:5: players.1.name: duplicate key 'name' (first at line 45)",
    ]


def test_yaml11_booleans_as_keys_and_values() -> None:
    text = MINIMAL.replace("      JP: 1.5\n", "      NO: 1.5\n")
    assert _lines(text) == [
        "x.yaml:90:7: sectors.0.salience.NO: expected an id, got the boolean false: YAML 1.1 "
        'reads an unquoted NO as a boolean; quote it: "NO"',
    ]
    text = MINIMAL.replace("    name: Japan\n", "    name: yes\n")
    assert _lines(text) == [
        "x.yaml:45:11: players.1.name: expected text, got the boolean true (YAML 1.1 reads an "
        "unquoted yes as a boolean); quote it",
    ]


def test_non_text_keys_point_at_the_key() -> None:
    text = MINIMAL.replace("      JP: 1.5\n", "      2025-01-01: 1.5\n")
    assert _lines(text) == [
        "x.yaml:90:7: sectors.0.salience.2025-01-01: expected an id (text), got the date "
        "2025-01-01; quote it",
    ]
    text = MINIMAL.replace("    name: Japan\n", "    name: Japan\n    ? [a, b]\n    : 1\n")
    assert _lines(text) == ["x.yaml:46:7: players.1: a key must be a single value, not a list"]


def test_literal_keys_get_a_suggestion() -> None:
    text = MINIMAL.replace("talks:\n", "talks:\n  levels:\n    minsterial: {max_exchanges: 2}\n")
    assert _lines(text) == [
        "x.yaml:115:5: talks.levels.minsterial: invalid key 'minsterial' (did you mean "
        "'ministerial'?); expected one of: working, ministerial, leader",
    ]


def test_a_missing_kind_is_not_blamed_on_a_valid_key() -> None:
    # 'id' looks like 'kind' to difflib, but every catalogue item has an id.
    text = MINIMAL.replace("        kind: purchase\n", "")
    assert _lines(text) == [
        "x.yaml:48:9: players.1.concessions.0: missing required field 'kind'; expected one of: "
        "tariff_cap, tariff_cut, quota, purchase, investment, cost_sharing, regulatory, "
        "currency, debt_swap, suspend_countermeasures, deadline_extension, process",
    ]


def test_aliases_and_merge_keys_are_plain_yaml_and_errors_point_at_the_use() -> None:
    text = MINIMAL.replace("  - id: JP\n    name: Japan\n", "  - <<: {id: JP, name: Japan}\n")
    assert parse_scenario(text, "x.yaml").players[1].name == "Japan"
    text = MINIMAL.replace("    gdp_bn: 29000\n", "    gdp_bn: &big lots\n")
    text = text.replace("    gdp_bn: 4100\n", "    gdp_bn: *big\n")
    assert _lines(text) == [
        "x.yaml:15:13: players.0.gdp_bn: expected a number, got the text 'lots'",
        "x.yaml:46:13: players.1.gdp_bn: expected a number, got the text 'lots'",
    ]
    text = MINIMAL.replace(
        "  - id: JP\n    name: Japan\n", "  - <<: 5\n    id: JP\n    name: Japan\n"
    )
    assert _lines(text) == [
        "x.yaml:44:9: players.1: '<<' merges a mapping or a list of mappings only"
    ]


def test_explicit_standard_tags_are_plain_data() -> None:
    text = MINIMAL.replace("    name: Japan\n", "    name: !!str 2025\n")
    assert parse_scenario(text, "x.yaml").players[1].name == "2025"
    text = MINIMAL.replace("    gdp_bn: 4100\n", "    gdp_bn: !!int four\n")
    assert _lines(text) == ["x.yaml:46:13: players.1.gdp_bn: cannot read 'four' as !!int"]
    for tag in ("!!binary aGk=", "!!set {a: null}", "!!omap [a: 1]"):
        text = MINIMAL.replace("    name: Japan\n", f"    name: {tag}\n")
        assert _lines(text) == [
            f"x.yaml:45:11: players.1.name: tag '{tag.split()[0]}' is not "
            f"allowed: scenario files hold plain data only"
        ]


def test_a_quoted_date_is_accepted_like_an_unquoted_one() -> None:
    text = MINIMAL.replace("  start: 2025-04-16\n", '  start: "2025-04-16"\n')
    assert parse_scenario(text, "x.yaml") == parse_scenario(MINIMAL, "x.yaml")


# --------------------------------------------------------------------------- safety


UNSAFE_TAGS = [
    "!!python/object/apply:os.system [{command}]",
    "!!python/object/apply:subprocess.check_call [[sh, -c, {command}]]",
    "!!python/object/new:os.system [{command}]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:builtins.object {{}}",
]


@pytest.mark.parametrize("tag", UNSAFE_TAGS)
@pytest.mark.parametrize("where", ["value", "key", "root"])
def test_unsafe_tags_are_refused_without_constructing_anything(
    tag: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "ran"
    command = f'"touch {marker}"'

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the loader tried to run a command")

    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(subprocess, "check_call", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    node = tag.format(command=command)
    if where == "value":
        text = MINIMAL.replace("    name: Japan\n", f"    name: {node}\n")
    elif where == "key":
        text = MINIMAL.replace("    name: Japan\n", f"    name: Japan\n    ? {node}\n    : 1\n")
    else:
        text = f"--- {node}\n"
    problems = _problems(text)
    assert not marker.exists()
    if where == "root":
        # A document that is not a mapping gets the one message about that, naming its kind
        # only (the tag is part of a file that is not a scenario).
        assert [str(p) for p in problems] == [
            "x.yaml:1:5: <root>: expected a mapping of scenario fields (format, id, title, ...), "
            "got a value with a tag (scenario files hold plain data only)"
        ]
        return
    shown_tag = tag.split()[0]
    refusals = [
        p
        for p in problems
        if p.message == f"tag {shown_tag!r} is not allowed: scenario files hold plain data only"
    ]
    assert len(refusals) == 1
    if where == "value":
        assert (refusals[0].line, refusals[0].column, refusals[0].path) == (
            45,
            11,
            "players.1.name",
        )


def test_alias_bombs_fail_fast_at_the_alias() -> None:
    width, depth = 30, 12  # 30**12 nodes if expanded
    lines = [f"l0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, depth)]
    (problem,) = _problems("\n".join(lines) + "\n")  # line 3 shows it stopped at the bound
    assert problem.path == "<yaml>"
    assert problem.message == "aliases expand to more than 20000 nodes (an alias bomb?)"
    assert problem.line == 3  # the first alias past the bound: 31 + 31*30 + 30*... in l2


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    for text in (
        "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n",
        "a: &a " + "[" * 60 + "]" * 60 + "\nb: &b [[[[*a]]]]\nc: [[[*b]]]\n",
    ):
        (problem,) = _problems(text)
        assert problem.path == "<yaml>"
        assert problem.message == f"the document nests deeper than {loader.MAX_DEPTH} levels"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "a: [1, 2\n",
            "x.yaml:2:1: <yaml>: expected ',' or ']', but got the end of the file; "
            "is the '[' at line 1, column 4 closed?",
        ),
        (
            "a: 'abc\n",
            "x.yaml:2:1: <yaml>: found unexpected end of stream (while scanning a "
            "quoted scalar starting at line 1, column 4)",
        ),
        # Not a scenario (no format line): anchor names are not quoted ...
        ("a: &x 1\nb: &x 2\n", "x.yaml:2:4: <yaml>: duplicate anchor (first at line 1, column 4)"),
        ("a: *nowhere\n", "x.yaml:1:4: <yaml>: undefined alias"),
        # ... but they are in a file that says it is one.
        (
            "format: tradegame-scenario/1\na: &x 1\nb: &x 2\n",
            "x.yaml:3:4: <yaml>: duplicate anchor 'x' (first at line 2, column 4)",
        ),
        ("a: b\x00\n", "x.yaml:1:5: <yaml>: the character U+0000 is not allowed in YAML"),
        (
            "---\n...\n",
            "x.yaml:2:1: <root>: the document is empty; expected a mapping of "
            "scenario fields (format, id, title, ...)",
        ),
        (
            "# only a comment\n",
            "x.yaml:1:1: <root>: the document is empty; expected a mapping "
            "of scenario fields (format, id, title, ...)",
        ),
        (
            "just text\n",
            "x.yaml:1:1: <root>: expected a mapping of scenario fields (format, id, "
            "title, ...), got a single text value",
        ),
        (
            "- a\n- b\n",
            "x.yaml:1:1: <root>: expected a mapping of scenario fields (format, id, "
            "title, ...), got a list",
        ),
        (
            "2025\n",
            "x.yaml:1:1: <root>: expected a mapping of scenario fields (format, id, "
            "title, ...), got a number",
        ),
        (
            "a: 1\nb: 2\n",
            "x.yaml:1:1: <root>: not a tradegame scenario: a scenario file is a "
            "mapping that starts with format: tradegame-scenario/1",
        ),
        (
            "format: tradegame-save\nx: 1\n",
            "x.yaml:1:9: format: this is a tradegame save file, not a scenario",
        ),
        (
            '{"format": "other", "id": 1}',
            "x.yaml:1:12: format: not a tradegame scenario: expected format: tradegame-scenario/1",
        ),
    ],
)
def test_yaml_level_problems(text: str, line: str) -> None:
    assert _lines(text) == [line]


# --------------------------------------------------------------------------- files and names


def test_file_problems(tmp_path: Path) -> None:
    for source, message in [
        (tmp_path / "absent.yaml", "no such file"),
        (tmp_path, "is a directory, not a scenario file"),
    ]:
        with pytest.raises(ScenarioError) as info:
            load_scenario(source)
        assert [str(p) for p in info.value.problems] == [f"{source}:1:1: <file>: {message}"]


def test_an_unknown_name_lists_the_bundled_ones() -> None:
    bundled = bundled_scenarios()
    with pytest.raises(ScenarioError) as info:
        load_scenario("april-2024")
    (problem,) = info.value.problems
    assert problem.path == "<file>"
    assert problem.message.startswith("no such file or bundled scenario")
    assert problem.message.endswith("bundled scenarios: " + (", ".join(bundled) or "none"))
    if DEFAULT_SCENARIO in bundled:
        assert f"(did you mean {DEFAULT_SCENARIO!r}?)" in problem.message


def test_a_file_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 100)
    monkeypatch.setattr(loader, "MAX_BYTES", 100)
    with pytest.raises(ScenarioError) as info:
        load_scenario(big)
    assert info.value.problems[0].path == "<file>"
    assert "larger than" in info.value.problems[0].message


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    assert load_scenario(path) == parse_scenario(MINIMAL, "x.yaml")


def test_text_and_file_loading_agree(tmp_path: Path) -> None:
    text, shown = load_scenario_text(FIXTURE)
    assert (text, shown) == (MINIMAL, str(FIXTURE))
    assert parse_scenario(text, shown) == load_scenario(FIXTURE) == load_scenario(str(FIXTURE))


def test_an_existing_file_wins_over_a_bundled_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / DEFAULT_SCENARIO).write_text(MINIMAL)
    assert load_scenario_text(DEFAULT_SCENARIO) == (MINIMAL, DEFAULT_SCENARIO)


def test_bundled_scenarios_come_from_the_checkout_in_an_editable_install() -> None:
    folder = REPO / "scenarios"
    on_disk = sorted(p.stem for p in folder.glob("*.yaml"))
    bundled = bundled_scenarios()
    assert sorted(bundled) == on_disk
    for name, entry in bundled.items():
        assert entry.read_bytes() == (folder / f"{name}.yaml").read_bytes()
        text, shown = load_scenario_text(name)
        assert shown == f"scenarios/{name}.yaml"
        assert text == (folder / f"{name}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_is_valid(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.id
    first = bundled_scenarios()[name].read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(
        r"# yaml-language-server: \$schema=\.\./src/tradegame/schemas/scenario\.schema\.json",
        first,
    )
