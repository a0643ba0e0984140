"""The Textual terminal interface: a thin client of the engine (DESIGN §5, STYLE A.7 lesson 10).

Layout:

- :mod:`tradegame.session` (outside this package, no Textual) — the match being played, its
  instructor controls, saves and the words and numbers shown; the app drives it.
- :mod:`tradegame.ui.app` — the :class:`~tradegame.ui.app.TradeGameApp` and its stylesheet.
- :mod:`tradegame.ui.screens` — new game, the game itself, the hot-seat curtain, the end, help,
  dialogs.
- :mod:`tradegame.ui.widgets` — dashboard, talks, orders, log, briefing panels.
- :mod:`tradegame.ui.commands` — the command palette's legal-action provider.

The interface renders only ``game.view(player)`` of the human at the keyboard (or, in a game
without humans, the spectator's chosen view), never the game itself.
"""
