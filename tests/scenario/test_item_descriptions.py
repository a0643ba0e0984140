"""Every catalogue item's description, as a player reads it (the game's screens) and as a
student reads it (the handouts), says what the item is in whole sentences: the hindsight rule
(tradegame.scenario.hindsight) leaves none empty or cut, and the screens and the handouts show
the same text (one rule for source notes and hindsight)."""

from __future__ import annotations

import re

import pytest

from tradegame.classroom.student import student_rules
from tradegame.engine.rules import Rules
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
