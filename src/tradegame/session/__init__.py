"""One game being run, without any interface: used by the TUI, the CLI and the rooms server.

- :mod:`tradegame.session.match` — one game being played: the engine game, the seats, the AI
  agents, saves and autosaves.
- :mod:`tradegame.session.instructor` — instructor controls on a match (injects, news, rollback,
  ending early).
- :mod:`tradegame.session.persistence` — the adapter to :mod:`tradegame.saves`.
- :mod:`tradegame.session.text` — words and numbers for a screen (actions, terms, sparklines).

Nothing here imports Textual (an import-linter contract in pyproject.toml checks it), so it is
tested and benchmarked on its own.
"""
