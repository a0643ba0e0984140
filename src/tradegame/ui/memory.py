"""The cyclic garbage collector around start-up (no Textual import here: ``tradegame play``
calls :func:`pause_collector` before Textual is imported).

Start-up builds about 90,000 objects that live as long as the app (Textual's modules, the
engine's, the widgets) and frees almost nothing, yet the collector ran its full passes over
them while the first screen was being drawn. Later, each full collection walked them all
again: 65-75 ms of CPU on this project's 2-core machine, landing on whatever key was being
handled (the slowest keys of a game). So the collector waits until the first screen is up,
and what was built by then is frozen (:func:`gc.freeze`): full collections skip it; objects
made later are collected as usual. Frozen once, at start-up: the first screen's widgets
are then never collected if they form cycles after it closes (a one-time cost of a few
hundred kilobytes, against 65-75 ms on some keys for the whole game).
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


def settle_collector() -> None:
    """Freeze what exists now (full collections skip it) and collect again if
    :func:`pause_collector` stopped it. Cheap: no collection runs here."""
    global _paused
    gc.freeze()
    if _paused:
        _paused = False
        gc.enable()
