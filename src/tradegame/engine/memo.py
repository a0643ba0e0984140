"""Values derived from a scenario's rules, built once per :class:`Rules` object.

:class:`~tradegame.engine.rules.Rules` is frozen and holds no caches; what the engine derives
from it (look-up tables, the compiled economy) is built by a function decorated with
:func:`per_rules` and kept exactly as long as the rules object lives.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from tradegame.engine.rules import Rules

T = TypeVar("T")


def per_rules(build: Callable[[Rules], T]) -> Callable[[Rules], T]:
    """Call ``build(rules)`` once per rules object; later calls return the same value."""
    built: dict[int, T] = {}
    # The rules asked for last (the usual case) and their value, as one tuple replaced whole
    # (a thread reading it sees a pair that belongs together): the weak reference's call
    # gives None when it is dead, or before any rules were asked for, and None is no rules.
    last: tuple[Callable[[], Rules | None], T | None] = (_nobody, None)

    def get(rules: Rules) -> T:
        nonlocal last
        entry = last
        if entry[0]() is rules:
            return entry[1]  # type: ignore[return-value]  # (the value of these rules)
        key = id(rules)
        value = built.get(key)
        if value is None:
            value = built[key] = build(rules)
            weakref.finalize(rules, built.pop, key, None)  # the id may be reused later
        last = (weakref.ref(rules), value)
        return value

    get.__doc__ = build.__doc__
    get.__name__ = build.__name__
    return get


def _nobody() -> None:
    """The rules asked for last before any was: none."""
    return None
