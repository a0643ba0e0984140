"""A new game's choices that need no engine: the name of a human seat, and seeds (the new-game
screen paints before the engine is imported; :mod:`tradegame.session.match` re-exports these)."""

from __future__ import annotations

import random

HUMAN = "human"
"""The seat spec of a person at the keyboard (any other spec names an AI agent)."""


def parse_seed(text: str) -> int | None:
    """A seed typed by the player: a whole number 0 ≤ n < 2⁶³; None when it is not one."""
    text = text.strip().replace("_", "")
    if not text.isdigit():
        return None
    value = int(text)
    return value if value < 2**63 else None


def random_seed() -> int:
    return random.SystemRandom().randrange(1_000_000)


__all__ = ["HUMAN", "parse_seed", "random_seed"]
