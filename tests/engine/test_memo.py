"""``memo.per_rules``: one value per rules object, built once, whichever rules were asked for
last (the value remembered for the last rules is never another's, threads included)."""

from __future__ import annotations

import dataclasses
import gc
import threading

from tradegame.engine.memo import per_rules
from tradegame.engine.rules import Rules
from tradegame.scenario import load_rules


def test_each_rules_object_gets_its_own_value_built_once() -> None:
    built: list[int] = []

    @per_rules
    def value(rules: Rules) -> tuple[int]:
        built.append(id(rules))
        return (id(rules),)

    a = load_rules("april-2025")
    b = dataclasses.replace(a)  # equal, another object
    assert a == b and a is not b
    for rules in (a, b, b, a, a, b):
        assert value(rules) == (id(rules),)
    assert built == [id(a), id(b)]
    first = value(a)
    assert value(a) is first


def test_a_freed_rules_objects_value_is_not_given_to_another() -> None:
    built: list[int] = []

    @per_rules
    def value(rules: Rules) -> int:
        built.append(id(rules))
        return len(built)

    kept = load_rules("april-2025")
    for n in range(20):  # each new rules object may reuse the id of the one freed before
        fresh = dataclasses.replace(kept)
        assert value(fresh) == n + 1  # built for it, not the last rules' (or a freed one's)
        assert value(fresh) == n + 1
        del fresh
        gc.collect()
    assert value(kept) == 21


def test_threads_asking_for_two_rules_in_turns_each_get_their_own() -> None:
    @per_rules
    def value(rules: Rules) -> int:
        return id(rules)

    a = load_rules("april-2025")
    b = dataclasses.replace(a)
    wrong: list[int] = []

    def ask(mine: Rules, other: Rules) -> None:
        for _ in range(20_000):
            if value(mine) != id(mine):
                wrong.append(1)
            value(other)

    threads = [threading.Thread(target=ask, args=pair) for pair in ((a, b), (b, a)) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong
