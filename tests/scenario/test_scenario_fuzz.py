"""Mutate valid scenarios at random: the loader either accepts them or reports located problems.

Never any other exception: no traceback can reach a user, whatever the file holds.
The number of examples is the hypothesis profile's (tests/conftest.py: 20 in dev and CI, 300
with HYPOTHESIS_PROFILE=thorough); no test here sets its own. Each kind of mutation gets that
budget on the small fixture (cheap), and any mutation on the bundled scenario (each example
parses 59 KB), so every kind is exercised in every profile.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tradegame.scenario.loader import ScenarioError, parse_scenario

HERE = Path(__file__).parent
REPO = HERE.parents[1]
FIXTURE = HERE / "fixtures" / "minimal.yaml"
BUNDLED = REPO / "scenarios" / "april-2025.yaml"
FILENAME = "mutant.yaml"

_RESOLVER = yaml.resolver.Resolver()
# libyaml, when PyYAML has it, only to make mutants quickly; the loader under test is its own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


OPERATIONS = ["drop_key", "rename_key", "replace", "number", "duplicate_item", "garbage"]
FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _walk(node: Node, out: list[Node]) -> list[Node]:
    out.append(node)
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _walk(key, out)
            _walk(value, out)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _walk(item, out)
    return out


def _plain(text: str) -> ScalarNode:
    """A scalar written without quotes, so YAML resolves it (``NO`` becomes a boolean)."""
    tag: str = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return ScalarNode(tag, text)


SCALAR_TEXTS = st.sampled_from(
    [
        "",
        "~",
        "0",
        "-1",
        "1.5",
        "1e-2",
        "1.0e9",
        ".inf",
        ".nan",
        "101",
        "-0.25",
        "9" * 40,
        "NO",
        "yes",
        "on",
        "off",
        "true",
        "2025-04-16",
        "2025-02-30",
        "2099-01-01",
        "12:30",
        "017",
        "0x1F",
        "US",
        "JP",
        "all",
        "autos",
        "purchase",
        "set_layer",
        "tradegame-scenario/2",
        "<<",
    ]
)
FREE_TEXT = st.text(min_size=0, max_size=12)
GARBAGE = st.text(
    alphabet=st.sampled_from([*":-[]{}&*!|>#%@`'\",?\t\n ", "é", "\u2028", "\x85", "x"]),
    min_size=1,
    max_size=8,
)


def _replacement(draw: st.DrawFn) -> Node:
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return _plain(draw(SCALAR_TEXTS))
    if choice == 1:
        return ScalarNode("tag:yaml.org,2002:str", draw(FREE_TEXT))
    if choice == 2:
        return SequenceNode("tag:yaml.org,2002:seq", [_plain(draw(SCALAR_TEXTS))])
    if choice == 3:
        return MappingNode(
            "tag:yaml.org,2002:map", [(_plain(draw(SCALAR_TEXTS)), _plain(draw(SCALAR_TEXTS)))]
        )
    return MappingNode("tag:yaml.org,2002:map", [])


def _perturbed_number(node: ScalarNode, draw: st.DrawFn) -> ScalarNode:
    value = yaml.safe_load(node.value)
    factor = draw(st.sampled_from([-1, -1000, 1000, 0, 1e-9]))
    offset = draw(st.sampled_from([0, 1, -1, 100, 0.5]))
    number = value * factor + offset if isinstance(value, (int, float)) else -1
    return _plain(repr(float(number)) if isinstance(number, float) else str(number))


@st.composite
def mutants(draw: st.DrawFn, text: str, operations: tuple[str, ...] = tuple(OPERATIONS)) -> str:
    """The scenario text with one random change to its node tree, or garbage typed into it."""
    root = yaml.compose(text, Loader=_LOADER)
    assert root is not None
    nodes = _walk(root, [])
    mappings = [n for n in nodes if isinstance(n, MappingNode) and n.value]
    sequences = [n for n in nodes if isinstance(n, SequenceNode) and n.value]
    numbers = [n for n in nodes if isinstance(n, ScalarNode) and n.tag.endswith((":int", ":float"))]
    operation = draw(st.sampled_from(operations))
    if operation == "drop_key":
        mapping = draw(st.sampled_from(mappings))
        del mapping.value[draw(st.integers(0, len(mapping.value) - 1))]
    elif operation == "rename_key":
        mapping = draw(st.sampled_from(mappings))
        i = draw(st.integers(0, len(mapping.value) - 1))
        old = mapping.value[i][0]
        new = draw(st.one_of(SCALAR_TEXTS, FREE_TEXT.map(lambda s: str(old.value) + s)))
        mapping.value[i] = (_plain(new), mapping.value[i][1])
    elif operation == "replace":
        container = draw(st.sampled_from(mappings + sequences))
        i = draw(st.integers(0, len(container.value) - 1))
        if isinstance(container, MappingNode):
            container.value[i] = (container.value[i][0], _replacement(draw))
        else:
            container.value[i] = _replacement(draw)
    elif operation == "number" and numbers:
        target = draw(st.sampled_from(numbers))
        replacement = _perturbed_number(target, draw)
        target.tag, target.value = replacement.tag, replacement.value
    elif operation == "duplicate_item":
        sequence = draw(st.sampled_from(sequences))
        i = draw(st.integers(0, len(sequence.value) - 1))
        # The same node twice is written as an anchor and an alias; a copy is written out.
        twin = sequence.value[i] if draw(st.booleans()) else copy.deepcopy(sequence.value[i])
        sequence.value.insert(i + 1, twin)
    if operation == "garbage":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(GARBAGE) + text[at:]
    return yaml.serialize(root, Dumper=_DUMPER, allow_unicode=True, width=100)


def _check(text: str) -> None:
    """Loading either succeeds or raises ScenarioError with well-formed, located problems."""
    try:
        parse_scenario(text, FILENAME)
        return
    except ScenarioError as exc:
        error = exc
    assert error.problems
    # Positions are YAML's own: NEL, LS and PS (and a lone CR) also end a line in YAML 1.1.
    last_line = len(re.split("\r\n|[\n\r\x85\u2028\u2029]", text)) + 1
    for problem in error.problems:
        assert problem.file == FILENAME
        assert 1 <= problem.line <= last_line
        assert problem.column >= 1
        assert problem.path
        assert problem.message
        assert "\n" not in problem.message
    assert str(error) == "\n".join(str(p) for p in error.problems)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_mutation_of_a_scenario_loads_or_fails_with_located_problems(operation: str) -> None:
    text = FIXTURE.read_text(encoding="utf-8")

    @FUZZ
    @given(mutants(text, (operation,)))
    def run(mutant: str) -> None:
        _check(mutant)

    run()


def test_mutated_bundled_scenarios_load_or_fail_with_located_problems() -> None:
    text = BUNDLED.read_text(encoding="utf-8")

    @FUZZ
    @given(mutants(text))
    def run(mutant: str) -> None:
        _check(mutant)

    run()


def test_mutants_are_not_all_valid() -> None:
    # Guards the fuzzer itself: the mutations must actually break scenarios, at least often.
    text = FIXTURE.read_text(encoding="utf-8")
    tried, failures = [], []

    @settings(database=None)
    @given(mutants(text))
    def run(mutant: str) -> None:
        tried.append(mutant)
        try:
            parse_scenario(mutant, FILENAME)
        except ScenarioError:
            failures.append(mutant)

    run()
    assert len(tried) >= 10 and len(failures) >= len(tried) // 3


@given(
    st.dictionaries(
        st.text(max_size=8),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(max_size=8),
            st.dates(min_value=dt.date(1, 1, 1)),
            st.lists(st.integers(), max_size=3),
        ),
        max_size=6,
    )
)
def test_arbitrary_top_level_mappings(data: dict[str, Any]) -> None:
    _check(yaml.safe_dump(data, allow_unicode=True))
