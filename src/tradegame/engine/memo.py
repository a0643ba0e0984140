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
    last: list[tuple[weakref.ref[Rules], T]] = []  # the rules asked for last (the usual case)

    def get(rules: Rules) -> T:
        if last and last[0][0]() is rules:
            return last[0][1]
        key = id(rules)
        value = built.get(key)
        if value is None:
            value = built[key] = build(rules)
            weakref.finalize(rules, built.pop, key, None)  # the id may be reused later
        last[:] = [(weakref.ref(rules), value)]
        return value

    get.__doc__ = build.__doc__
    get.__name__ = build.__name__
    return get
