"""What a spectator sees: the engine's public view (no player's private data)."""

from __future__ import annotations

from typing import Any

from tradegame.engine import Game


def public_view(game: Game) -> dict[str, Any]:
    raise NotImplementedError("the engine's public view has not landed yet")


__all__ = ["public_view"]
