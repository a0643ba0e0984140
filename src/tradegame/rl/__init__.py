"""Environments for learning agents: a fixed action codec and a PettingZoo AEC environment.

``tradegame.rl.codec`` and ``tradegame.rl.observation`` need only the standard library;
:func:`env` needs the ``rl`` extra (pettingzoo, gymnasium, numpy), imported on first use.
"""

from __future__ import annotations

from typing import Any


def env(
    scenario: str = "april-2025", render_mode: str | None = None, text_observation: bool = False
) -> Any:
    """A PettingZoo AEC environment of ``scenario`` (see ``tradegame.rl.aec``);
    ``text_observation`` adds the player's text view and legal moves for language models."""
    from tradegame.rl.aec import env as make  # lazy: pettingzoo is an optional extra

    return make(scenario, render_mode=render_mode, text_observation=text_observation)
