"""The cyclic garbage collector around start-up (no Textual import here: ``tradegame play``
calls :func:`pause_collector` before Textual is imported).

Start-up builds about 90,000 objects that live as long as the app (Textual's modules, the
engine's, the widgets) and frees almost nothing, yet the collector ran its full passes over
them while the first screen was being drawn. Later, each full collection walked them all
again: 65-75 ms of CPU on this project's 2-core machine, landing on whatever key was being
handled (the slowest keys of a game). So the collector waits until the first screen is up,
and what was built by then is frozen (:func:`gc.freeze`): full collections skip it; objects
made later are collected as usual.

What is frozen is never collected, though: a game screen up when start-up's objects were
frozen (``tradegame play --seat ...``, or a game started from the new-game screen within the
first moments) stayed in memory with its game for as long as the app ran after the player
left it for a new game (about 11,000 objects: Textual's widgets form reference cycles). So
when a game screen is replaced, :func:`recollect` is called a moment later: the frozen objects
are released, collected once (one full collection, 65-75 ms, while the player reads the new
screen), and what is still alive is frozen again; if that is the screen left (Textual runs a
callback of the old screen once the next one is idle), again a moment later.

Textual runs a thread worker (a save, a bot's move, the import of the briefing's parser) on the
event loop's pool of threads, and names it the active worker in the context of the pool
thread itself; that thread kept its last worker, and the worker its screen, until it ran
another one: each game screen outlived the next release, and under load (a second pool thread
taking a later game's jobs) for as long as the app ran. :class:`FreshContextExecutor` runs
each job in a context of its own, dropped when the job ends.
"""

from __future__ import annotations

import contextvars
import gc
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

_paused = False


def pause_collector() -> None:
    """No cyclic collection until :func:`settle_collector` (reference counting still frees
    almost everything start-up drops)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def recollect() -> bool:
    """Release what :func:`settle_collector` froze, collect it once, and freeze what is left
    (what start-up froze includes screens closed since: see the module's docstring); True
    then. Nothing (False) when nothing is frozen (a full collection then runs as usual) or
    the collector is paused."""
    if _paused or not gc.isenabled() or not gc.get_freeze_count():
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True


def settle_collector() -> None:
    """Freeze what exists now (full collections skip it) and collect again if
    :func:`pause_collector` stopped it. Cheap: no collection runs here."""
    global _paused
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()


class FreshContextExecutor(ThreadPoolExecutor):
    """A pool of threads that runs each job in an empty context of its own, as a new thread
    would: what the job sets in its context (Textual's active worker, which holds the worker's
    screen) goes with it instead of staying in the pool thread (see the module's docstring).
    Work handed over with its own context (``asyncio.to_thread``) still runs in it."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(contextvars.Context().run, fn, *args, **kwargs)
