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
    goes on with a generator of its own in the state they lead to."""

    __slots__ = ("_stream", "_draws", "_next", "_rest")

    def __init__(self, stream: Stream) -> None:
        self._stream = stream
        self._draws = stream.draws
        self._next = 0  # the draws made so far
        self._rest: Random | None = None  # past the shared draws

    def random(self) -> float:
        n = self._next
        self._next = n + 1
        try:
            return self._draws[n]
        except IndexError:
            return self._beyond()

    def _beyond(self) -> float:
        rest = self._rest
        if rest is None:
            rest = self._rest = self._advanced(len(self._draws))
        return rest.random()

    def _advanced(self, n: int) -> Random:
        """A generator in the stream's state after ``n`` draws."""
        rng = generator_in(self._stream.state)
        draw = rng.random
        for _ in range(n):
            draw()
        return rng

    def getstate(self) -> tuple[Any, ...]:
        """The generator's state after the draws made (``Random.getstate()``)."""
        if self._rest is not None:
            return self._rest.getstate()
        return self._advanced(self._next).getstate()

    def copy(self) -> Replay:
        """A replay that goes on from here independently."""
        new = Replay(self._stream)
        new._next = self._next
        if self._rest is not None:
            new._rest = generator_in(self._rest.getstate())
        return new


def copy_of(rng: Chance) -> Chance:
    """An independent generator in ``rng``'s state."""
    if isinstance(rng, Replay):
        return rng.copy()
    return generator_in(rng.getstate())
