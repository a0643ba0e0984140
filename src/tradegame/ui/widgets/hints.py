"""One-line hints for a first game: what to try next, from what the screen shows now.

Shown in the status line instead of the short turn reminder while hints are on (the guided
first game turns them on; ``h`` turns them off and on again).
"""

from __future__ import annotations

from tradegame.ui.widgets.common import Frame
from tradegame.ui.widgets.dashboard import own_session


def next_hint(frame: Frame) -> str:
    """What a newcomer could do next, in one line (empty when there is nothing to say)."""
    phase = frame.phase
    if phase == "over":
        return ""
    if not frame.my_turn:
        return "the other side is moving; 4 shows the log of everything so far (h hides hints)"
    if phase == "talks":
        session = own_session(frame) or {}
        if session.get("offer") is None:
            return (
                "↓/↑ pick what you ask or give, → sets its level and the preview shows "
                "your score; s sends the offer (h hides hints)"
            )
        return (
            "read the verdict above the terms: a accepts, r rejects, e copies the offer "
            "so you can change it and counter with s (h hides hints)"
        )
    if phase == "orders":
        if frame.staged:
            return (
                "ctrl+d shows your orders with their combined preview; enter sends them "
                "and ends your turn (h hides hints)"
            )
        return (
            "/ then a word (reassure, farm, tariff) filters the orders; ↓ and enter "
            "stages one; ctrl+d ends your turn (h hides hints)"
        )
    return ""


__all__ = ["next_hint"]
