"""A mark for the optional compiled build (``tools/build_compiled.py``, mypyc): it changes nothing
when the engine runs as Python, which is the default."""

from __future__ import annotations

from typing import TypeVar

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
