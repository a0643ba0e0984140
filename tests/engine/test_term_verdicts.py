"""Shortcuts in checking a deal's terms and an action's numbers give the rule's answer.

* ``talks.check_terms`` remembers ``terms_by_scenario``'s verdict per scenario by (player,
  partner, terms): every verdict remembered after random and greedy games of every bundled
  scenario is the rule's computed afresh, and deals asked twice (legal ones and ones refused
  for each reason, between every pair) get the same answer as the rule each time;
* ``check_action`` reads a number through ``_number_ok`` (a float's finiteness checked in C):
  its answer is the plain one (an exact float or int whose ``_finite`` is not bad) for any
  value, deals' terms included.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tradegame.agents.base import play_match
from tradegame.engine import Game, IllegalActionError, Term
from tradegame.engine.actions import _BAD, _finite, _number_ok, _terms_ok
from tradegame.engine.phases import talks
from tradegame.engine.tables import tables_of
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _rule(rules: Any, player: str, partner: str, terms: tuple[Term, ...]) -> str | None:
    return talks.terms_by_scenario(rules, player, partner, terms)


def _verdict(game: Game, player: str, partner: str, terms: tuple[Term, ...]) -> str | None:
    """check_terms's answer: its message, or None when the terms are agreeable now."""
    try:
        talks.check_terms(game, player, partner, terms)
    except IllegalActionError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("name", SCENARIOS)
def test_remembered_verdicts_are_the_rules_after_games(name: str) -> None:
    rules = load_rules(name)
    ids = rules.player_ids
    remembered = tables_of(rules).caches.term_verdicts
    remembered.clear()
    play_match(rules, 1, dict.fromkeys(ids, "random"))
    play_match(rules, 2, dict.fromkeys(ids, "greedy"))
    assert remembered  # greedy's what_ifs propose deals
    for (player, partner, terms), verdict in remembered.items():
        assert verdict == _rule(rules, player, partner, terms)


def _deals(rules: Any, player: str, partner: str) -> list[tuple[Term, ...]]:
    """Deals between the two: each item alone at each level and at a level it lacks, pairs
    of items, an item twice, an unknown item, and every item of the scenario (others')."""
    out: list[tuple[Term, ...]] = []
    for item in rules.items:
        out += [(Term(item.id, lv.value),) for lv in item.levels]
        out.append((Term(item.id, item.levels[-1].value + 0.125),))
    firsts = [Term(it.id, it.levels[0].value) for it in rules.items]
    out += [tuple(sorted(firsts[i : i + 2])) for i in range(0, len(firsts) - 1, 3)]
    out += [(firsts[0], firsts[0]), (Term("no-such-item", 1.0),)]
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_deals_asked_again_get_the_rules_answer(name: str) -> None:
    rules = load_rules(name)
    game = Game.new(rules, 0)
    tables_of(rules).caches.term_verdicts.clear()
    refused = 0
    for _ in range(2):  # the second time from memory
        for player in rules.player_ids:
            for partner in rules.player_ids:
                if partner == player:
                    continue
                for terms in _deals(rules, player, partner):
                    expected = _rule(rules, player, partner, terms)
                    if expected is None:
                        for t in terms:
                            expected = expected or talks.term_now(game, t)
                    assert _verdict(game, player, partner, terms) == expected
                    refused += expected is not None
    assert refused > 10


numbers = st.one_of(
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324]),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**53 + 1, 2**1024]),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
    st.builds(lambda x: x, st.lists(st.floats(), max_size=2)),
)


@given(numbers)
@example(math.nan)
@example(-math.inf)
@example(10**400)
@example(True)
@example(2.5)
def test_a_number_is_ok_as_the_plain_check_says(value: Any) -> None:
    plain = type(value) in (float, int) and _finite(value) is not _BAD
    assert _number_ok(value) is plain
    # A deal's terms: each term's level judged alike.
    terms = (Term("x", 1.0), Term.__new__(Term))
    object.__setattr__(terms[1], "item", "y")
    object.__setattr__(terms[1], "value", value)
    assert _terms_ok(terms) is plain
