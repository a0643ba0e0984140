"""The event log's lines are made when the log is read (issue 17): read late, a line is the
line that was logged, bit for bit.

``State._log`` and ``State._logf`` keep what a line is made from (its text, or a function of
values taken when it was logged) and :attr:`State.log` makes the entries when it is read.
Random games of every bundled scenario are played twice with the same moves: one game's log
is read after every move (each line made at once, as the engine made them before), the
other's only at the end, with copies and ``what_if`` projections taken along the way and
their logs read only later. A value a text function reads that changed after the line was
logged (a mutable argument, the state) would make the two differ. The golden playthroughs
(tests/golden) hold the text of the lines to what it was before.
"""

from __future__ import annotations

import random

import pytest

from tradegame.engine import Game
from tradegame.engine.actions import ORDER_KINDS
from tradegame.engine.records import LogEntry
from tradegame.engine.state import _raw_lines
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _well_made(entry: LogEntry) -> bool:
    return (
        type(entry) is LogEntry
        and type(entry.text) is str
        and (entry.audience is None or type(entry.audience) is frozenset)
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_log_read_late_is_the_log_read_at_every_move(scenario: str) -> None:
    rules = load_rules(scenario)
    for seed in range(4):
        rng = random.Random(seed)
        eager, late = Game.new(rules, seed), Game.new(rules, seed)
        # Copies of the late game, with its log as the eager game had it then.
        copies: list[tuple[Game, list[LogEntry]]] = []
        seen: list[LogEntry] = []
        while not eager.is_over():
            player = eager.to_move()
            assert player is not None
            action = eager.legal_actions(player).sample(rng)
            if rng.random() < 0.05:
                late.what_if(player, [action] if action.kind in ORDER_KINDS else [])
            if rng.random() < 0.05:
                copies.append((late.copy(), list(eager.log)))
            if rng.random() < 0.05:
                # A copy played on its own way: its lines are its own, the game's unchanged.
                other = late.copy()
                other_rng = random.Random(rng.random())
                for _ in range(30):
                    mover = other.to_move()
                    if mover is None:
                        break
                    other.apply(other.legal_actions(mover).sample(other_rng))
                assert other.log[: len(seen)] == seen
            eager.apply(action)
            late.apply(action)
            log = eager.log
            assert log[: len(seen)] == seen  # lines made once, never changed
            assert all(_well_made(e) for e in log[len(seen) :])
            seen = list(log)
        assert late.log == seen
        assert [e.to_json() for e in late.log] == [e.to_json() for e in seen]
        for copy, then in copies:
            assert copy.log == then


def test_lines_appended_by_hand_stay_in_order() -> None:
    """A line appended to the log read (a caller's note) comes after the lines logged
    before it and before those logged later."""
    rules = load_rules("april-2025")
    game = Game.new(rules, 1)
    rng = random.Random(1)
    note = LogEntry(game.round, game.day, "talks", "note", "a note", frozenset({"US"}))
    before = len(game.log)
    game.log.append(note)
    while game.log[-1] is note:
        player = game.to_move()
        assert player is not None
        game.apply(game.legal_actions(player).sample(rng))
    assert game.log[before] is note
    assert len(game.log) > before + 1


def test_raw_lines_are_kept_flat_and_read_back_whole() -> None:
    # A state keeps its raw lines flat, seven values a line (no tuple per line lives as
    # long as the game): each line comes back as it was logged, in order.
    game = Game.new(load_rules("april-2025"), 3)
    text = "{} and {}".format
    game._log("note", "first", ("US",), "talks")
    game._logf("note", text, ("a", "b"), None, "orders")
    raw = game._logbook[1]
    assert len(raw) % 7 == 0 and not any(type(v) is tuple and len(v) == 7 for v in raw)
    lines = list(_raw_lines(raw))
    assert lines[-2][2:] == ("talks", "note", "first", ("US",), None)
    assert lines[-1][2:] == ("orders", "note", text, None, ("a", "b"))
    assert [(e.text, e.audience) for e in game.log[-2:]] == [
        ("first", frozenset({"US"})),
        ("a and b", None),
    ]
    with pytest.raises(ValueError, match="zip"):
        list(_raw_lines([*raw, "one value too many"]))
