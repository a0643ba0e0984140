"""Every catalogue item's description, as a player reads it (the game's screens) and as a
student reads it (the handouts), says what the item is in whole sentences: the hindsight rule
(tradegame.scenario.hindsight) leaves none empty or cut, and the screens and the handouts show
the same text (one rule for source notes and hindsight). Every item has one, short enough to
read at 80×24, and an item that two scenarios share reads the same in both."""

from __future__ import annotations

import itertools
import re
import textwrap
from collections import defaultdict
from dataclasses import replace

import pytest

from tradegame.classroom.student import student_rules
from tradegame.engine.rules import Item, Rules
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios
from tradegame.scenario.hindsight import hindsight_dates, student_text
from tradegame.session.text import player_text

# A sentence ends with . ! or ?, perhaps inside a closing quote or parenthesis.
_WHOLE = re.compile(r"^[\"“(A-Z0-9$€¥£].*[.!?][\"”’)]?$", re.S)
# An operator with nothing before it ("In dollars: × ≈$1,000/t"): the start of its sentence
# was taken out.
_DANGLING = re.compile(r"(?:^|[:;,(]\s*|[.!?]\s+)[×÷=+]\s")


def _problem(text: str) -> str | None:
    if not text:
        return "empty"
    if text != text.strip():
        return "loose white space"
    if not _WHOLE.match(text):
        return "not whole sentences"
    if _DANGLING.search(text):
        return "a figure whose start was taken out"
    return None


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_item_description_reads_whole_without_hindsight(name: str) -> None:
    rules = load_rules(name)
    handout = {it.id: it.description for it in student_rules(rules)[0].items}
    problems = []
    written = 0
    for item in rules.items:
        if not item.description.strip():
            continue  # an item without a description shows its name alone
        written += 1
        for reader, text in (
            ("player", player_text(item.description, rules)),
            ("handout", handout[item.id]),
        ):
            problem = _problem(text)
            if problem:
                problems.append(f"{item.id} ({reader}): {problem}: {text!r}")
    assert written >= 3, name
    assert not problems, "\n".join(problems)


def _texts(rules: Rules) -> list[str]:
    out = [rules.title, rules.summary]
    for item in rules.items:
        out += [item.name, item.description]
    return [t for t in out if t]


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_screens_and_handouts_read_the_same_text(name: str) -> None:
    rules = load_rules(name)
    cutoff, deadline = hindsight_dates(rules)
    for text in _texts(rules):
        assert player_text(text, rules) == student_text(text, cutoff, deadline).strip(), text


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_item_has_a_description_a_player_can_read(name: str) -> None:
    """The talks tab shows the highlighted item's description under the catalogue (``m``
    shows it whole); without one a player read "The scenario gives no description of this
    item." (about fifty items of the bundled scenarios: the farm goods, the process agreements,
    the extension, the EU's lists, China's purchases, the currency accords)."""
    rules = load_rules(name)
    missing = [it.id for it in rules.items if not player_text(it.description, rules).strip()]
    assert not missing, f"{name}: no description a player can read for {missing}"


# The ``m`` dialog at 80×24 is 72 columns wide (90%), 68 inside its border and padding, with
# about 15 rows for the text; the about line under the catalogue shows the first row and
# "… m: read all". A description of at most 8 such rows is read whole without scrolling.
_COLUMNS, _ROWS = 68, 8


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_item_description_reads_at_80x24(name: str) -> None:
    rules = load_rules(name)
    long = {}
    for item in rules.items:
        rows = len(textwrap.wrap(player_text(item.description, rules), _COLUMNS))
        if rows > _ROWS:
            long[item.id] = rows
    assert not long, f"{name}: descriptions of more than {_ROWS} rows of {_COLUMNS}: {long}"


def _shared_items() -> dict[str, list[tuple[str, Item]]]:
    found: dict[str, list[tuple[str, Item]]] = defaultdict(list)
    for name in sorted(bundled_scenarios()):
        for item in load_rules(name).items:
            found[item.id].append((name, item))
    return {iid: where for iid, where in found.items() if len(where) > 1}


def test_an_item_shared_between_scenarios_reads_the_same() -> None:
    """One concession, one wording: an item id in several bundled scenarios has the same
    description in each, source notes included, unless the item itself differs (its kind,
    levels, receivers, sectors, package...; its display name may be shorter in a lesson).
    The primer's and the lessons' US–Japan car cap, the extension, the process agreements,
    China's tariff ceilings read differently in different files before."""
    problems = []
    compared = 0
    for iid, where in sorted(_shared_items().items()):
        for (name_a, a), (name_b, b) in itertools.combinations(where, 2):
            if replace(a, name="", description="") != replace(b, name="", description=""):
                continue  # a different item: its description may say so
            compared += 1
            if a.description != b.description:
                problems.append(f"{iid}: {name_a} and {name_b} describe it differently")
    assert compared >= 50  # the check is not empty (about 90 pairs of identical items)
    assert not problems, "\n".join(problems)
