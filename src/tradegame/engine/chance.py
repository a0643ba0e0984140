"""A game's chance: a generator of ``random()`` draws (DESIGN §3.3: the News phase draws for
random events, and nothing else in the engine draws).

A real game draws from ``random.Random(seed)``. A projection draws from a stream that depends
on public facts only (projection.py): every projection made from the same facts draws the
same numbers, so the stream's first draws are made once and shared (:class:`Stream`), and
each projection replays them (:class:`Replay`) instead of restoring a generator's state of
624 words for each copy of the game. A replay draws exactly the numbers the generator would,
in the same order, and reports the generator's state after them (:meth:`Replay.getstate`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain, islice
from operator import length_hint
from random import Random
from typing import Any, NamedTuple, Protocol

PREFIX = 128
"""The draws a stream makes once and shares (a projection draws about 2-3 a round; one that
draws more goes on with a generator of its own)."""


class Chance(Protocol):
    """What the engine asks of a game's generator: a draw, and its state (for a copy)."""

    def random(self) -> float: ...

    def getstate(self) -> tuple[Any, ...]: ...


def generator_in(state: tuple[Any, ...]) -> Random:
    """A generator in ``state`` (a ``Random.getstate()``). ``random.Random()`` would first
    seed itself from the system's entropy (about 11 µs), only for ``setstate`` to replace it."""
    rng = Random.__new__(Random)
    rng.setstate(state)
    return rng


class Stream(NamedTuple):
    """A generator's state and its first :data:`PREFIX` draws of ``random()`` from it
    (immutable: shared by every replay, in any thread)."""

    state: tuple[Any, ...]
    draws: tuple[float, ...]


def stream_of(rng: Random) -> Stream:
    """The stream of ``rng`` as it is now (``rng`` itself is drawn from: pass a fresh one)."""
    state = rng.getstate()
    draw = rng.random
    return Stream(state, tuple([draw() for _ in range(PREFIX)]))


class Replay:
    """A generator in a stream's state, whose first draws are the stream's shared ones: it
    draws what ``generator_in(stream.state)`` would, in order, and beyond the shared draws
    goes on with a generator of its own in the state they lead to.

    ``random`` is a C-level callable (about 3 draws a round, in every projection's news): the
    next of the shared draws (a tuple's iterator, whose length hint tells how many are
    made), then the generator's own, made when first needed. All of it is made in C but
    this constructor (a projection makes one per copy): the generator past the shared draws
    is held in a list of one, drawn from by a partial of :func:`_beyond`."""

    __slots__ = ("random", "_stream", "_shared", "_rest")
    _shared: Iterator[float]

    def __init__(self, stream: Stream, made: int = 0, rest: Random | None = None) -> None:
        self._stream = stream
        shared = self._shared = iter(stream.draws)
        if made:
            next(islice(shared, made, made), None)  # (the draws made skipped, in C)
        held = self._rest = [rest]
        # (iter(callable, None): endless, a draw is never None)
        self.random: Callable[[], float] = chain(
            shared, iter(partial(_beyond, stream, held), None)
        ).__next__

    def _made(self) -> int:
        """The shared draws made so far."""
        return len(self._stream.draws) - length_hint(self._shared)

    def getstate(self) -> tuple[Any, ...]:
        """The generator's state after the draws made (``Random.getstate()``)."""
        rest = self._rest[0]
        if rest is not None:
            return rest.getstate()
        return _advanced(self._stream, self._made()).getstate()

    def copy(self) -> Replay:
        """A replay that goes on from here independently."""
        rest = self._rest[0]
        return Replay(
            self._stream, self._made(), None if rest is None else generator_in(rest.getstate())
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (Replay, (self._stream, self._made(), self._rest[0]))


def _beyond(stream: Stream, held: list[Random | None]) -> float:
    """A draw past ``stream``'s shared ones: from the generator ``held`` (one replay's own),
    made in the state the shared draws lead to when first drawn from. (It holds the stream,
    not the replay: no reference cycle.)"""
    rng = held[0]
    if rng is None:
        rng = held[0] = _advanced(stream, len(stream.draws))
    return rng.random()


def _advanced(stream: Stream, n: int) -> Random:
    """A generator in ``stream``'s state after ``n`` draws."""
    rng = generator_in(stream.state)
    draw = rng.random
    for _ in range(n):
        draw()
    return rng


def copy_of(rng: Chance) -> Chance:
    """An independent generator in ``rng``'s state."""
    if isinstance(rng, Replay):
        return rng.copy()
    return generator_in(rng.getstate())
