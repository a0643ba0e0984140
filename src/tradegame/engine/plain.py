"""A mark for the optional compiled build (``tools/build_compiled.py``, mypyc): it changes nothing
when the engine runs as Python, which is the default."""

from __future__ import annotations

import copyreg
import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

C = TypeVar("C", bound=type)


def python_class(cls: C) -> C:
    """Keep ``cls`` an ordinary Python class when mypyc compiles its module. mypyc makes every
    class without a decorator it knows a native class: its attributes are slots that compiled
    code reads directly, but it has no ``__dict__``, no weak references (the per-rules memo
    holds one to the rules), no subclass written in Python (tests subclass ``Game``: they run
    the Python sources) and its ``__new__`` runs ``__init__`` unless the class defines
    ``__new__`` (``State`` does, for ``copy_as`` and pickle); any other decorator keeps the
    class a Python one. Returns ``cls`` itself."""
    return cls


def picklable_when_compiled(namespace: dict[str, Any]) -> None:
    """Let pickle and ``copy`` rebuild the compiled build's native dataclasses of a module
    (``namespace``: its ``globals()``), called at the module's end; nothing in the Python
    sources. mypyc's own ``__setstate__`` sets each field, which a frozen dataclass refuses,
    and a native class's ``__new__`` runs ``__init__`` without arguments: so each is rebuilt
    by its constructor from its fields (``copyreg``, which pickle and ``copy`` ask first). A
    tournament's workers get their games and rules as pickles. Classes with a ``__reduce__``
    of their own keep it."""
    module = namespace["__name__"]
    for obj in list(namespace.values()):
        if not (
            isinstance(obj, type)
            and obj.__module__ == module
            and hasattr(obj, "__mypyc_attrs__")  # a native class: compiled
            and dataclasses.is_dataclass(obj)
            and "__reduce__" not in vars(obj)
        ):
            continue
        fields = dataclasses.fields(obj)
        given = tuple(f.name for f in fields if f.init)
        rest = tuple(f.name for f in fields if not f.init)  # (made by __post_init__: set back)
        copyreg.pickle(obj, functools.partial(_reduce, given, rest))


def _reduce(given: tuple[str, ...], rest: tuple[str, ...], obj: Any) -> tuple[Any, ...]:
    values = tuple([getattr(obj, n) for n in given])
    return (_rebuild, (type(obj), given, values, rest, tuple([getattr(obj, n) for n in rest])))


def _rebuild(
    cls: Callable[..., Any],
    given: tuple[str, ...],
    values: tuple[Any, ...],
    rest: tuple[str, ...],
    rest_values: tuple[Any, ...],
) -> Any:
    """A dataclass made again from its fields' values (see picklable_when_compiled)."""
    obj = cls(**dict(zip(given, values, strict=True)))
    for name, value in zip(rest, rest_values, strict=True):
        object.__setattr__(obj, name, value)  # (past a frozen dataclass's own __setattr__)
    return obj
