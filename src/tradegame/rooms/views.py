"""What a spectator and the instructor see of a room (a seat sees ``game.view(player)``)."""

from __future__ import annotations

from typing import Any

from tradegame.engine import SPECTATOR, Game


def public_view(game: Game) -> dict[str, Any]:
    """The engine's public view: only what every player may see (no objectives, win-sets,
    confidential briefings, pending orders or talks' contents of anyone)."""
    data: dict[str, Any] = game.view(SPECTATOR).to_json()
    return data


def instructor_view(game: Game) -> dict[str, Any]:
    """Everything, every player's private data included (the instructor code only)."""
    data: dict[str, Any] = game.view(None).to_json()
    return data


__all__ = ["instructor_view", "public_view"]
