"""Tournaments: many headless games between agents, reproducible and parallel.

``plan`` lists the games (every assignment of agents to roles, cycled; a sha256-derived seed
per game), ``run`` plays them in this process or in worker processes and yields results in
game order, ``ResultsWriter`` streams them to CSV and JSON lines, ``summarize`` aggregates
them per agent and per role. ``tradegame tournament`` is the command-line front end.
"""

from tradegame.tournament.plan import GameTask, assignments, game_seed, plan
from tradegame.tournament.results import GameResult, ResultsWriter, Summary, summarize
from tradegame.tournament.runner import GameFailed, play_game, run

__all__ = ["GameFailed", "GameResult", "GameTask", "ResultsWriter", "Summary", "assignments",
           "game_seed", "plan", "play_game", "run", "summarize"]
