"""Load scenario files: YAML text in, a checked :class:`Scenario` or located problems out.

Every problem is reported like a compiler would, as ``file:line:column: path: message`` (1-based),
all of them at once, never as a traceback. The YAML is only *composed* (``yaml.compose`` with a
bounded :class:`yaml.SafeLoader` subclass, or libyaml's loader first when PyYAML has it and the
text is plain: see :func:`_compose`), so node marks give the positions; plain Python data is
then built from the node tree here, refusing every non-standard tag before anything is
constructed, and validated with :meth:`Scenario.model_validate`. Each pydantic error is mapped
back to the deepest YAML node that exists on its path (CONVENTIONS.md B.2).

Paths are dotted field paths (``players.1.concessions.0.levels.2.value``), ``<root>`` for the
document itself, ``<yaml>`` for YAML syntax problems and ``<file>`` when the file cannot be read.

Messages quote the file only when it is a scenario attempt: a mapping whose ``format`` says
``tradegame-scenario`` (or, without one, whose keys are mostly scenario fields), or for syntax
errors a text with such a ``format`` line. Anything else (``/etc/passwd``, a JSON config, an HTML
page) gets the kind of problem and its position, never its content. Composing stops at fixed
limits (bytes, nodes, scalars, keys per mapping, depth, alias expansion) and at most
:data:`MAX_PROBLEMS` problems are spelled out, so any accepted file is checked in well under a
second (docs/scenario-format.md, "Limits").
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import types
import typing
from typing import Any, NamedTuple

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tradegame.scenario.bundled import DEFAULT_SCENARIO as DEFAULT_SCENARIO  # re-exported
from tradegame.scenario.bundled import bundled_scenarios as bundled_scenarios
from tradegame.scenario.files import FILE_PATH as FILE_PATH  # re-exported
from tradegame.scenario.files import MAX_BYTES as MAX_BYTES
from tradegame.scenario.files import Problem as Problem
from tradegame.scenario.files import ScenarioError as ScenarioError
from tradegame.scenario.files import _file_error, _suggest
from tradegame.scenario.files import load_scenario_text as load_scenario_text
from tradegame.scenario.models import FORMAT, Scenario
from tradegame.untrusted import printable

# With MAX_BYTES (in files.py): about five times the biggest bundled scenario (with-china.yaml:
# 71 KB, 3,825 nodes of which 3,246 scalars, 19 keys in its largest mapping, 8 levels deep),
# and small enough that the pure-Python YAML scanner (about 1.5 us a byte) and composer (25-40
# us a node) stay around half a second on any file: a 400,000-key file used to take minutes.
MAX_NODES = 20_000  # every key, value and list item, as written (aliases count below)
MAX_SCALARS = 16_000
MAX_KEYS = 1_000  # in one mapping
MAX_ALIAS_NODES = 20_000  # nodes that aliases add by expansion ("billion laughs")
MAX_DEPTH = 64
MAX_INT_CHARS = 100  # YAML 1.1 reads 1:59:59... as base 60, in time quadratic in its length
MAX_PROBLEMS = 100  # spelled out; the rest are counted in one last line

ROOT = "<root>"
YAML_PATH = "<yaml>"

_STD = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE = _STD + "map", _STD + "seq", _STD + "merge"
_SCALAR_CONSTRUCTORS = {
    _STD + "null": yaml.SafeLoader.construct_yaml_null,
    _STD + "bool": yaml.SafeLoader.construct_yaml_bool,
    _STD + "int": yaml.SafeLoader.construct_yaml_int,
    _STD + "float": yaml.SafeLoader.construct_yaml_float,
    _STD + "str": yaml.SafeLoader.construct_yaml_str,
    _STD + "timestamp": yaml.SafeLoader.construct_yaml_timestamp,
}
_SCENARIO_FIELDS_HINT = "a mapping of scenario fields (format, id, title, ...)"


def load_scenario(source: str | os.PathLike[str]) -> Scenario:
    """Load and check a scenario file or a bundled scenario by name; raises ScenarioError."""
    return parse_scenario(*load_scenario_text(source))


def parse_scenario(text: str, filename: str) -> Scenario:
    """Check scenario YAML text; ``filename`` is only used in the problems reported."""
    if len(text) > MAX_BYTES:
        raise _file_error(
            filename, f"the text is larger than the {MAX_BYTES >> 10} KiB limit for a scenario"
        )
    # Decides, before anything is parsed, whether a syntax error may quote names from the text.
    claims = _FORMAT_LINE.search(text) is not None
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([_syntax_problem(exc, filename, claims)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _position(text, exc.position)
        raise ScenarioError(
            [
                Problem(
                    filename,
                    line,
                    column,
                    YAML_PATH,
                    f"the character {_codepoint(exc.character)} is not allowed in YAML",
                )
            ]
        ) from None
    except yaml.YAMLError:  # any other PyYAML error, without a position: its text may quote
        raise ScenarioError([Problem(filename, 1, 1, YAML_PATH, "not valid YAML")]) from None

    if root is None or (isinstance(root, ScalarNode) and root.tag == _STD + "null"):
        line, column = _mark(root) if root is not None else (1, 1)
        raise ScenarioError(
            [
                Problem(
                    filename,
                    line,
                    column,
                    ROOT,
                    f"the document is empty; expected {_SCENARIO_FIELDS_HINT}",
                )
            ]
        )
    if not isinstance(root, MappingNode) or not _plain_tag(root):
        # Kind and position only: a bare string may be the first lines of any text file.
        raise ScenarioError(
            [
                Problem(
                    filename,
                    *_mark(root),
                    ROOT,
                    f"expected {_SCENARIO_FIELDS_HINT}, got {_kind(root)}",
                )
            ]
        )
    foreign = _not_a_scenario(root)
    if foreign is not None:
        node, shown, message = foreign
        raise ScenarioError([Problem(filename, *_mark(node), shown, message)])

    builder = _Builder()
    data = _printable_values(builder.build(root, (), ""))
    found: list[tuple[Node, str, str | typing.Callable[[], str]]] = [
        (node, shown or ROOT, message) for node, shown, message in builder.problems
    ]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        # Errors under a node already reported (a refused tag, say) are left out: that
        # problem is their cause, and it is in ``found`` already.
        for error in exc.errors(include_url=False):
            located = builder.locate(error)
            if located is not None:
                at, path, make_message = located
                found.append((at, path or ROOT, make_message))
        raise ScenarioError(_spelled_out(found, filename)) from None
    if found:
        raise ScenarioError(_spelled_out(found, filename))
    return scenario


def _spelled_out(
    found: list[tuple[Node, str, str | typing.Callable[[], str]]], filename: str
) -> list[Problem]:
    """The first MAX_PROBLEMS problems by position, and one more line counting the rest.

    Messages are made only for those shown ("did you mean" is slow over thousands).
    """
    found.sort(key=lambda f: (_mark(f[0]), f[1]))
    problems = [
        Problem(filename, *_mark(node), shown, message if isinstance(message, str) else message())
        for node, shown, message in found[:MAX_PROBLEMS]
    ]
    if len(found) > MAX_PROBLEMS:
        node, shown, _ = found[MAX_PROBLEMS]
        problems.append(
            Problem(
                filename,
                *_mark(node),
                shown,
                f"and {len(found) - MAX_PROBLEMS} more problems from here on "
                f"(only the first {MAX_PROBLEMS} are listed)",
            )
        )
    return problems


# A top-level ``format: tradegame-scenario...`` line (YAML or JSON style).
_FORMAT_LINE = re.compile(
    r"""(?m)(?:^|[{,]\s*)["']?format["']?[ \t]*:[ \t]*["']?"""
    r"tradegame-scenario"
)
_SAVE_FORMAT = "tradegame-save"


def _kind(node: Node) -> str:
    """What a node is, in words, without its content."""
    if not _plain_tag(node):
        return "a value with a tag (scenario files hold plain data only)"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    value = _Builder()._scalar(typing.cast(ScalarNode, node), ROOT)
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return "a single text value"


def _not_a_scenario(root: MappingNode) -> tuple[Node, str, str] | None:
    """Why a mapping document is not a scenario attempt at all (None when it is one).

    It is one when its ``format`` starts with ``tradegame-scenario``, or, with no ``format``
    key, when most of its keys (at least three) are scenario fields: then every problem is
    spelled out with what the file says. Otherwise the file is something else (a JSON config,
    a YAML manifest, a save) and the one message names no key or value of it.
    """
    keys: dict[str, Node] = {}
    for key, value in root.value:
        if isinstance(key, ScalarNode):
            keys.setdefault(key.value, value)
    fmt = keys.get("format")
    if fmt is not None:
        if isinstance(fmt, ScalarNode) and fmt.value.startswith("tradegame-scenario"):
            return None
        if isinstance(fmt, ScalarNode) and fmt.value == _SAVE_FORMAT:
            return fmt, "format", "this is a tradegame save file, not a scenario"
        return fmt, "format", f"not a tradegame scenario: expected format: {FORMAT}"
    known = sum(1 for name in keys if name in Scenario.model_fields)
    if known >= 3 and 2 * known >= len(root.value):
        return None
    return (
        root,
        ROOT,
        (
            f"not a tradegame scenario: a scenario file is a mapping that starts "
            f"with format: {FORMAT}"
        ),
    )


def _printable_values(value: Any) -> Any:
    """The built data with control characters in every text value neutralised (``\\x1b`` shown,
    not obeyed): titles, briefings, news and descriptions reach terminals, the TUI, handouts and
    bots from here, so this is the one place they are made safe. Keys are left as written."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _printable_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable_values(v) for v in value]
    return value


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _codepoint(character: Any) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X}"


# --------------------------------------------------------------------------- composing


class _LimitError(yaml.composer.ComposerError):
    """A limit crossed while composing; ``anonymous`` is the message without names from the
    text, for texts that are not scenario attempts."""

    def __init__(self, message: str, mark: yaml.Mark, anonymous: str | None = None) -> None:
        super().__init__(None, None, message, mark)
        self.anonymous = anonymous or message


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader used only to compose: it bounds size, nesting and alias expansion.

    Nodes and scalars are counted as they are met, so a huge document stops at the first node
    past a limit, before the rest of it is scanned. The expanded size of the document is
    exactly the number of nodes composed plus, for every alias, the expanded size of the node
    it names; so summing the latter as aliases are met bounds the whole expansion, and the
    alias that crosses the line is the one reported.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._expanded: dict[Node, tuple[int, int]] = {}  # node -> (expanded nodes, depth)
        self._alias_nodes = 0
        self._nodes = 0
        self._scalars = 0
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = typing.cast(Node, super().compose_node(parent, index))
            size = self._expanded.get(target)
            if size is None:
                raise _LimitError(
                    f"alias *{event.anchor} refers to a node that contains it",
                    event.start_mark,
                    "an alias refers to a node that contains it",
                )
            self._alias_nodes += size[0]
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise _LimitError(
                    f"aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)",
                    event.start_mark,
                )
            # A copy placed at the alias, so problems inside it point where it is used.
            placed = _copy_node(target, event.start_mark, event.end_mark)
            self._expanded[placed] = size
            return placed
        start = self.peek_event().start_mark
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LimitError(
                f"the document has more than {MAX_NODES} nodes (keys, values and "
                f"list items), the limit for a scenario",
                start,
            )
        if self.check_event(yaml.ScalarEvent):
            self._scalars += 1
            if self._scalars > MAX_SCALARS:
                raise _LimitError(
                    f"the document has more than {MAX_SCALARS} scalar values "
                    f"(keys, text, numbers, dates...), the limit for a scenario",
                    start,
                )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _LimitError(f"the document nests deeper than {MAX_DEPTH} levels", start)
        try:
            node = typing.cast(Node, super().compose_node(parent, index))
        finally:
            self._depth -= 1
        children: list[Node] = []
        if isinstance(node, MappingNode):
            if len(node.value) > MAX_KEYS:
                raise _LimitError(
                    f"this mapping has more than {MAX_KEYS} keys, the limit for one mapping",
                    node.value[MAX_KEYS][0].start_mark,
                )
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            children = list(node.value)
        sizes = [self._expanded[child] for child in children]
        depth = 1 + max((d for _, d in sizes), default=0)
        if depth > MAX_DEPTH:
            raise _LimitError(f"the document nests deeper than {MAX_DEPTH} levels", node.start_mark)
        self._expanded[node] = (1 + sum(n for n, _ in sizes), depth)
        return node


def _copy_node(node: Node, start: yaml.Mark, end: yaml.Mark) -> Node:
    copy: Node = type(node).__new__(type(node))
    copy.__dict__.update(node.__dict__)
    copy.start_mark, copy.end_mark = start, end
    return copy


_CLoader: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader when PyYAML was built with it (about twice as fast to compose)."""
_LIBYAML_DIFFERS = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern + r"|[\t!]|^%", re.M)
"""A character YAML forbids, or what libyaml reads otherwise than PyYAML: a tab (it lets some
through that PyYAML refuses), ``!`` (a tag; ``!`` alone) and a directive (``%`` opening a
line). The bundled scenarios have none of them."""


def _compose(text: str) -> Node | None:
    """The node tree of ``text`` (raises PyYAML's errors, or :class:`_LimitError`).

    With libyaml, a text without aliases and within the limits is composed by it; everything
    else — a syntax error, a character YAML forbids, a tab (libyaml lets some through that
    PyYAML refuses), an alias, a crossed limit — is composed
    again by the bounded pure-Python loader, which gives the located message (the same as
    without libyaml) and the positions of aliased nodes where they are used. Composing with
    libyaml first is bounded too: the text is at most MAX_BYTES, and an alias bomb stays a
    small graph (aliases share their node) until it is walked, which stops at the first node
    met twice."""
    if _CLoader is not None and not _LIBYAML_DIFFERS.search(text):
        try:
            fast = _compose_with(_CLoader, text)
        except yaml.YAMLError:
            pass  # the pure-Python loader says where and why
        else:
            if fast is None or _plain_and_within_limits(fast):
                return fast
    return _compose_with(_BoundedLoader, text)


def _compose_with(loader_class: Any, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        node: Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _plain_and_within_limits(root: Node) -> bool:
    """Whether the tree has no node twice (no alias) and stays within the limits that
    :class:`_BoundedLoader` checks as it composes, and no value left out (plain scalars get
    PyYAML's style)."""
    seen: set[int] = set()
    nodes = scalars = 0
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        nodes += 1
        if nodes > MAX_NODES or depth > MAX_DEPTH:
            return False
        if isinstance(node, MappingNode):
            if len(node.value) > MAX_KEYS:
                return False
            stack.extend((n, depth + 1) for pair in node.value for n in pair)
        elif isinstance(node, SequenceNode):
            stack.extend((n, depth + 1) for n in node.value)
        elif isinstance(node, ScalarNode):
            scalars += 1
            if scalars > MAX_SCALARS:
                return False
            if node.style == "":  # libyaml's plain style; PyYAML's (read below) is None
                if node.value == "":  # a value left out: libyaml may place it elsewhere
                    return False
                node.style = None
    return True


def _syntax_problem(exc: yaml.MarkedYAMLError, filename: str, claims: bool) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = _syntax_message(exc, claims)
    return Problem(
        filename, line, column, YAML_PATH, message if claims else _HANDLE.sub(r"\1", message)
    )


# PyYAML quotes names from the text in a few messages (anchors and aliases, handled below, and
# tag handles): a text that is not a scenario attempt gets them without. Token kinds
# ('<block end>') and single characters (':') stay: they say what was expected or found, not
# what the file holds.
_HANDLE = re.compile(r"(tag handle) '[^']*'")


def _syntax_message(exc: yaml.MarkedYAMLError, claims: bool = True) -> str:
    problem = (exc.problem or "").replace("'<stream end>'", "the end of the file")
    context = exc.context or ""
    where = ""
    if exc.context_mark is not None:
        where = f"line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1}"
    if isinstance(exc, _LimitError):
        return problem if claims else exc.anonymous
    if "'\\t'" in problem or "tab character" in problem:
        return "a tab character: indent YAML with spaces, never tabs"
    if problem == "mapping values are not allowed here":
        return "unexpected ':' (quote a value that contains ': ', or check the indentation)"
    if problem.startswith("expected <block end>") and context.startswith("while parsing a block"):
        kind = "list" if context.endswith(("sequence", "collection")) else "mapping"
        return f"bad indentation: this line does not fit the {kind} that starts at {where}"
    if context.startswith("while parsing a flow ") and problem.startswith("expected ','"):
        bracket = "[" if context.endswith("sequence") else "{"
        return f"{problem}; is the '{bracket}' at {where} closed?"
    if problem == "but found another document":
        return "a scenario file holds one YAML document; a second one starts here"
    if context.startswith("found duplicate anchor"):
        anchor = context.removeprefix("found duplicate anchor ").split(";")[0]
        return f"duplicate anchor{' ' + anchor if claims else ''} (first at {where})"
    if problem.startswith("found undefined alias"):
        alias = problem.removeprefix("found undefined alias ").strip("'")
        return "undefined alias" + (f" *{alias}" if claims else "")
    if context and where:
        return f"{problem} ({context} starting at {where})"
    return problem or context or "not valid YAML"  # str(exc) would show the line


# --------------------------------------------------------------------------- building data


class _Rejected:
    """Stands in for a node that was refused; validation errors under it are not reported."""

    def __repr__(self) -> str:
        return "<rejected>"


_REJECTED = _Rejected()

Segment = str | int | Any
Loc = tuple[Segment, ...]


class _Entry(NamedTuple):
    node: Node  # the value node
    key: Node | None  # the key node, for a mapping entry
    shown: str  # the dotted path, with keys as written in the file


class _Builder:
    """Builds plain data from a composed node tree, indexing every node by its path."""

    def __init__(self) -> None:
        self.nodes: dict[Loc, _Entry] = {}
        self.problems: list[tuple[Node, str, str]] = []
        self._rejected: list[Loc] = []  # problems under these are already reported
        self._incomplete: set[Loc] = set()  # mappings that lost a key to a rejected tag

    def build(self, node: Node, path: Loc, shown: str, key: Node | None = None) -> Any:
        self.nodes.setdefault(path, _Entry(node, key, shown))
        if not _plain_tag(node):
            value = self._refuse_tag(node, shown)
        elif isinstance(node, MappingNode):
            return self._mapping(node, path, shown)
        elif isinstance(node, SequenceNode):
            return [
                self.build(item, (*path, i), _join(shown, str(i)))
                for i, item in enumerate(node.value)
            ]
        else:
            value = self._scalar(typing.cast(ScalarNode, node), shown)
        if value is _REJECTED:
            self._rejected.append(path)
        return value

    def _refuse_tag(self, node: Node, shown: str) -> _Rejected:
        # Refused from the node alone: nothing is ever constructed for an unknown tag.
        self.problems.append((node, shown, _refusal(node.tag)))
        return _REJECTED

    def _scalar(self, node: ScalarNode, shown: str) -> Any:
        if node.tag == _STD + "int" and len(node.value) > MAX_INT_CHARS:
            self.problems.append(
                (
                    node,
                    shown,
                    f"cannot read {_clip(node.value)!r} as "
                    f"{_show_tag(node.tag)}: it has more than {MAX_INT_CHARS} "
                    f"characters",
                )
            )
            return _REJECTED
        try:
            return _SCALAR_CONSTRUCTORS[node.tag](_SCALAR_READER, node)
        except (
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
            IndexError,
            OverflowError,
            yaml.YAMLError,
        ) as exc:
            if node.tag == _STD + "timestamp":
                message = f"invalid date {_clip(node.value)!r} ({exc})"
            else:
                message = f"cannot read {_clip(node.value)!r} as {_show_tag(node.tag)}"
            self.problems.append((node, shown, message))
            return _REJECTED

    def _mapping(self, node: MappingNode, path: Loc, shown: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first: dict[Any, Node] = {}
        explicit, merged = self._entries(node, path, shown)
        for key_node, value_node in explicit:
            key = self._key(key_node, path, shown)
            if key is _REJECTED:
                continue
            child = _join(shown, key_node.value)
            if key in first:
                self.problems.append(
                    (
                        key_node,
                        child,
                        f"duplicate key {_clip(key_node.value)!r} "
                        f"(first at line {_mark(first[key])[0]})",
                    )
                )
                continue
            first[key] = key_node
            out[key] = self.build(value_node, (*path, key), child, key_node)
            if not isinstance(key, (str, int)):  # pydantic's loc names such keys by repr()
                self.nodes.setdefault((*path, repr(key)), self.nodes[(*path, key)])
        # Merged entries (`<<: *base`) never override explicit keys, nor earlier merges.
        for key_node, value_node in merged:
            key = self._key(key_node, path, shown)
            if key is _REJECTED or key in out:
                continue
            out[key] = self.build(value_node, (*path, key), _join(shown, key_node.value), key_node)
        return out

    def _entries(
        self, node: MappingNode, path: Loc, shown: str
    ) -> tuple[list[tuple[Node, Node]], list[tuple[Node, Node]]]:
        """The explicit entries of a mapping, and those it merges in with ``<<``, in order."""
        explicit: list[tuple[Node, Node]] = []
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                explicit.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not (isinstance(source, MappingNode) and source.tag == _MAP):
                    self.problems.append(
                        (source, shown or ROOT, "'<<' merges a mapping or a list of mappings only")
                    )
                    self._incomplete.add(path)
                    continue
                inner_explicit, inner_merged = self._entries(source, path, shown)
                merged.extend(inner_explicit + inner_merged)
        return explicit, merged

    def _key(self, key_node: Node, path: Loc, shown: str) -> Any:
        """The value of a mapping key, or _REJECTED (reported) when it cannot be a key."""
        if isinstance(key_node, ScalarNode):
            child = _join(shown, key_node.value)
            plain = _plain_tag(key_node)
            key = self._scalar(key_node, child) if plain else self._refuse_tag(key_node, child)
        elif not _plain_tag(key_node):
            key = self._refuse_tag(key_node, shown or ROOT)
        else:
            key = _REJECTED
            kind = "list" if isinstance(key_node, SequenceNode) else "mapping"
            self.problems.append(
                (key_node, shown or ROOT, f"a key must be a single value, not a {kind}")
            )
        if key is _REJECTED:
            self._incomplete.add(path)
        return key

    # ----------------------------------------------------------------------- locating errors

    def locate(self, error: Any) -> tuple[Node, str, str | typing.Callable[[], str]] | None:
        """The node, shown path and message for a pydantic error (None if already reported).

        The message may be a function that makes it: most are only made for the problems
        that are shown.
        """
        kind = error["type"]
        segments, on_key, owner, final_type = _resolve(error["loc"])
        found: Loc = ()
        for segment in segments:
            if (*found, segment) not in self.nodes:
                break
            found = (*found, segment)
        entry = self.nodes[found]
        complete = found == segments

        points_at_key = complete and (on_key or kind in ("extra_forbidden", "invalid_key"))
        if kind == "missing" and found in self._incomplete:
            return None
        if not points_at_key and any(found[: len(r)] == r for r in self._rejected):
            return None

        node = entry.key if points_at_key and entry.key is not None else entry.node
        shown = entry.shown
        if kind in ("extra_forbidden", "invalid_key") and complete:
            known = list(owner.model_fields) if owner is not None else []
            return node, shown, lambda: _unknown_key(node, known)
        if kind == "missing":
            name = segments[len(found)] if not complete else segments[-1]
            return node, shown, f"missing required field {name!r}"
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            tags = list(_variants(final_type))
            if complete and kind == "union_tag_invalid" and (*found, "kind") in self.nodes:
                kind_entry = self.nodes[(*found, "kind")]
                value = error["input"].get("kind") if isinstance(error["input"], dict) else None
                return (
                    kind_entry.node,
                    kind_entry.shown,
                    (
                        f"unknown kind {_show(value)}{_suggest(str(value), tags)}; "
                        f"expected one of: {', '.join(tags)}"
                    ),
                )
            fields = {
                name for variant in _variants(final_type).values() for name in variant.model_fields
            }
            misspelt = _misspelt_key(node, "kind", fields)
            if misspelt is not None:  # validation stopped at the tag, so say what is wrong
                return misspelt, _join(shown, misspelt.value), _unknown_key(misspelt, ["kind"])
            return node, shown, f"missing required field 'kind'; expected one of: {', '.join(tags)}"
        return node, shown, lambda: _message(error, node, on_key)


_SCALAR_READER = yaml.SafeLoader("")


def _misspelt_key(node: Node, field: str, known: set[str]) -> ScalarNode | None:
    """The key of a mapping node that looks like a misspelling of ``field``, if any.

    Keys in ``known`` are right where they are, however close to ``field`` they look.
    """
    if not isinstance(node, MappingNode):
        return None
    keys = {key.value: key for key, _ in node.value if isinstance(key, ScalarNode)}
    close = difflib.get_close_matches(field, [k for k in keys if k not in known], n=1)
    return keys[close[0]] if close else None


def _plain_tag(node: Node) -> bool:
    """Whether the node's tag is one of plain data: a mapping, a list or a simple scalar."""
    if isinstance(node, MappingNode):
        return bool(node.tag == _MAP)
    if isinstance(node, SequenceNode):
        return bool(node.tag == _SEQ)
    return node.tag in _SCALAR_CONSTRUCTORS


def _refusal(tag: str) -> str:
    return f"tag {_show_tag(tag)!r} is not allowed: scenario files hold plain data only"


def _join(shown: str, segment: str) -> str:
    segment = segment or "''"
    return f"{shown}.{segment}" if shown else segment


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_STD) if tag.startswith(_STD) else tag


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- messages


def _resolve(loc: Loc) -> tuple[Loc, bool, type[BaseModel] | None, Any]:
    """Split a pydantic loc into document segments, dropping discriminator tags.

    Returns the segments, whether the error is about a mapping key (``[key]``), the model that
    owns the last segment (for "did you mean") and the type expected at the end of the loc.
    """
    segments: list[Segment] = []
    on_key = False
    owner: type[BaseModel] | None = None
    expected: Any = Scenario
    for segment in loc:
        if segment == "[key]":
            on_key = True
            continue
        expected = _unwrap(expected)
        variants = _variants(expected)
        if variants and isinstance(segment, str) and segment in variants:
            expected = variants[segment]  # a tag pydantic adds to the loc, not in the document
            continue
        segments.append(segment)
        owner = None
        if isinstance(expected, type) and issubclass(expected, BaseModel):
            owner = expected
            field = expected.model_fields.get(segment) if isinstance(segment, str) else None
            expected = field.annotation if field is not None else None
        elif typing.get_origin(expected) is list:
            expected = typing.get_args(expected)[0]
        elif typing.get_origin(expected) is dict:
            expected = typing.get_args(expected)[1]
        else:
            expected = None
    return tuple(segments), on_key, owner, _unwrap(expected)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional from a type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _variants(tp: Any) -> dict[str, type[BaseModel]]:
    """For a discriminated union of models, each variant by its ``kind`` tag; else empty."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return {}
    out: dict[str, type[BaseModel]] = {}
    for arg in typing.get_args(tp):
        field = getattr(arg, "model_fields", {}).get("kind")
        if field is None or typing.get_origin(field.annotation) is not typing.Literal:
            return {}
        for tag in typing.get_args(field.annotation):
            out[tag] = arg
    return out


def _unknown_key(node: Node, known: list[str]) -> str:
    name = node.value if isinstance(node, ScalarNode) else "?"
    hint = _suggest(name, known)
    if hint or not known:
        return f"unknown key {_clip(name)!r}{hint}"
    return f"unknown key {_clip(name)!r}; expected one of: {', '.join(known)}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(_clip(value))
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    return _clip(str(value))


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _describe(value: Any, node: Node | None = None) -> str:
    if value is None:
        empty = isinstance(node, ScalarNode) and not node.value
        return "null (an empty value)" if empty else "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {_number(value)}"
    if isinstance(value, str):
        return f"the text {_clip(value)!r}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return _clip(repr(value))


def _yaml11_hint(value: Any, node: Node) -> str:
    """Why YAML 1.1 read an unquoted word as a boolean (``NO``, ``on``, ``yes``...), if it did."""
    if (
        isinstance(value, bool)
        and isinstance(node, ScalarNode)
        and node.style is None
        and node.value.lower() not in ("true", "false")
    ):
        return f" (YAML 1.1 reads an unquoted {node.value} as a boolean)"
    return ""


def _expected_values(ctx_text: str) -> list[str]:
    return re.findall(r"'([^']*)'", ctx_text)


def _message(error: Any, node: Node, on_key: bool) -> str:
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    got = _describe(value, node) + _yaml11_hint(value, node)
    plain = isinstance(node, ScalarNode) and node.style is None
    quoted = isinstance(node, ScalarNode) and node.style in ("'", '"')

    if kind == "string_type":
        scalar = isinstance(value, (bool, int, float, dt.date))
        return f"expected text, got {got}" + ("; quote it" if plain and scalar else "")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping, got {got}"
    if kind == "list_type":
        return f"expected a list, got {got}"
    if kind == "int_type":
        return f"expected a whole number, got {got}"
    if kind == "float_type":
        return f"expected a number, got {got}"
    if kind == "bool_type":
        return f"expected true or false, got {got}"
    if kind == "literal_error":
        options = _expected_values(str(ctx.get("expected", "")))
        if error["loc"] == ("format",):
            return f"unsupported format {_show(value)}; expected {' or '.join(map(repr, options))}"
        what = "key" if on_key else "value"
        hint = _suggest(value, options) if isinstance(value, str) else ""
        return f"invalid {what} {_show(value)}{hint}; expected one of: {', '.join(options)}"
    bounds = {
        "greater_than_equal": ("ge", "at least"),
        "less_than_equal": ("le", "at most"),
        "greater_than": ("gt", "greater than"),
        "less_than": ("lt", "less than"),
    }
    if kind in bounds:
        key, words = bounds[kind]
        return f"must be {words} {_number(ctx.get(key))}, got {_number(value)}"
    if kind in ("too_short", "too_long"):
        words = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        noun = "item" if limit == 1 else "items"
        return f"needs {words} {limit} {noun}, got {ctx.get('actual_length')}"
    if kind == "yaml_bool_id" and plain:
        return (
            f"expected an id, got the boolean {str(value).lower()}: YAML 1.1 reads an "
            f'unquoted {node.value} as a boolean; quote it: "{node.value}"'
        )
    if kind == "id_type" and "got" not in error["msg"]:
        scalar = isinstance(value, (bool, int, float, dt.date))
        return f"expected an id (text), got {got}" + ("; quote it" if plain and scalar else "")
    if kind == "number_type" and isinstance(value, bool):
        return f"expected a number, got {got}"  # names the word the file has (on, no...)
    if kind == "number_is_string" and quoted:
        return f"expected a number, got the text {_show(value)}; remove the quotes"
    message: str = error["msg"]
    # The models' own messages (a date, a rate ...) say "got False" for an unquoted NO too.
    return message + _yaml11_hint(value, node)
