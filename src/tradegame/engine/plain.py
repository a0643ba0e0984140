"""A mark for the optional compiled build (``tools/build_compiled.py``, mypyc): it changes nothing
when the engine runs as Python, which is the default."""

from __future__ import annotations

from typing import TypeVar

C = TypeVar("C", bound=type)


def python_class(cls: C) -> C:
    """Keep ``cls`` an ordinary Python class when mypyc compiles its module. mypyc makes every
    class without a decorator it knows a native class, which has no ``__dict__``
    (``State.copy_as`` copies it), no weak references (the per-rules memo holds one to the
    rules) and no subclass written in Python (tests subclass ``Game``); any other decorator
    keeps the class a Python one. Returns ``cls`` itself."""
    return cls
