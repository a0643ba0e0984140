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
screen), and what is still alive is frozen again.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """No cyclic collection until :func:`settle_collector` (reference counting still frees
    almost everything start-up drops)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def recollect() -> None:
    """Release what :func:`settle_collector` froze, collect it once, and freeze what is left
    (what start-up froze includes screens closed since: see the module's docstring). Nothing
    when nothing is frozen (a full collection then runs as usual) or the collector is
    paused."""
    if _paused or not gc.isenabled() or not gc.get_freeze_count():
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def settle_collector() -> None:
    """Freeze what exists now (full collections skip it) and collect again if
    :func:`pause_collector` stopped it. Cheap: no collection runs here."""
    global _paused
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()
