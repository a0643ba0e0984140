"""libyaml composes a scenario when PyYAML has it; everything it rejects, every alias and
every crossed limit is composed again by the bounded pure-Python loader. Differentials: the
same node tree (values, tags, styles, positions) and the same located messages either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tradegame.scenario import loader
from tradegame.scenario.loader import ScenarioError, parse_scenario

pytestmark = pytest.mark.skipif(loader._CLoader is None, reason="PyYAML built without libyaml")

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [*ROOT.glob("scenarios/*.yaml"), *(ROOT / "tests/scenario/corpus").glob("*.yaml")],
    key=str,
)


def _flat(node: Node | None) -> list[Any]:
    out: list[Any] = []
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        m = n.start_mark  # the loader reports start positions only
        value = n.value if isinstance(n, ScalarNode) else None
        style = n.style if isinstance(n, ScalarNode) else None
        out.append((type(n).__name__, n.tag, m.line, m.column, value, style))
        if isinstance(n, MappingNode):
            stack += [x for pair in reversed(n.value) for x in reversed(pair)]
        elif isinstance(n, SequenceNode):
            stack += reversed(n.value)
    return out


def _outcome(text: str) -> Any:
    try:
        parse_scenario(text, "s.yaml")
    except ScenarioError as exc:
        return str(exc)
    return "ok"


def _pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "_CLoader", None)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_same_tree_and_messages_with_and_without_libyaml(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before YAML")
    try:
        fast: Any = _flat(loader._compose(text))
    except yaml.YAMLError as exc:
        fast = f"{type(exc).__name__}: {exc}"
    outcome = _outcome(text)
    _pure(monkeypatch)
    try:
        pure: Any = _flat(loader._compose(text))
    except yaml.YAMLError as exc:
        pure = f"{type(exc).__name__}: {exc}"
    assert fast == pure
    assert outcome == _outcome(text)


def test_libyaml_composes_the_bundled_scenarios(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken (so the differential above compares two different loaders)."""
    used: list[str] = []
    compose_with = loader._compose_with

    def spy(cls: Any, text: str) -> Any:
        used.append(cls.__name__)
        return compose_with(cls, text)

    monkeypatch.setattr(loader, "_compose_with", spy)
    loader._compose((ROOT / "scenarios/april-2025.yaml").read_text("utf-8"))
    assert used == ["CSafeLoader"]
    used.clear()
    loader._compose("a: &x [1, 2]\nb: *x\n")  # an alias: positions where it is used
    assert used == ["CSafeLoader", "_BoundedLoader"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ab1.~0x: -\n\r\t&*[]{},'\"#!|>?%@`\\é\x07", max_size=60))
def test_any_text_gives_the_same_tree_or_message_with_and_without_libyaml(text: str) -> None:
    """What PyYAML accepts, libyaml composes alike; what either refuses gets PyYAML's located
    message. (libyaml is more lenient on a few texts PyYAML refuses — ``|#``, a block scalar
    with a comment glued on — and those load; tabs, tags and directives always go to PyYAML.)"""
    with pytest.MonkeyPatch.context() as mp:
        fast, fast_outcome = _tree(text), _outcome(text)
        _pure(mp)
        pure, pure_outcome = _tree(text), _outcome(text)
    if isinstance(pure, list) or isinstance(fast, str):
        assert fast == pure
        assert fast_outcome == pure_outcome


def _tree(text: str) -> Any:
    try:
        return _flat(loader._compose(text))
    except yaml.YAMLError as exc:
        return f"{type(exc).__name__}: {exc}"
