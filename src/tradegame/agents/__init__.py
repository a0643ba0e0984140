"""AI players: the agent protocol, the built-in agents and the loop that runs a match."""

from tradegame.agents.base import Agent, Turn, make_agent, play_match, registry

__all__ = ["Agent", "Turn", "make_agent", "play_match", "registry"]
