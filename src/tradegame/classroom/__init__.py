"""Classroom tools (DESIGN §1, the teacher): printable role briefings, the debrief report with
charts and a search for Pareto-better deals, a gradebook export and parallel games for teams.

Every file written here is self-contained: HTML carries its CSS and SVG charts inline and loads
nothing from the network (a Content-Security-Policy in the page forbids it), so a report opens
offline and prints. These modules are clients of the engine, the saves and the scenario loader;
the engine knows nothing of them.

- :mod:`tradegame.classroom.briefing` — one handout per role (Markdown or HTML)
- :mod:`tradegame.classroom.report` — the debrief report of a saved game, and a comparison
  of several games (parallel worlds)
- :mod:`tradegame.classroom.pareto` — the search for a deal both sides would have preferred
- :mod:`tradegame.classroom.grades` — one CSV row per player per game
- :mod:`tradegame.classroom.worlds` — N independent games of one scenario, one per team
- :mod:`tradegame.classroom.html` and :mod:`tradegame.classroom.charts` — page, Markdown and
  SVG helpers
"""
