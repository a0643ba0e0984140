"""The log tab: how long one update takes as a game goes on, incremental against whole.

    .venv/bin/python benchmarks/ui_log.py [--scenario april-2025] [--seed 3] [--width 160]

A whole game of random agents is played; Japan's view after each move is fed, in order, to
the log tab in a headless app (the same frames the game screen builds). For each update the
clock runs from ``update_frame`` until the app has refreshed. Two ways, in the same run:

- **incremental**: the log tab as shipped (``LogPanel``, a RichLog that is written only what
  is new since the last update);
- **whole**: the whole log re-rendered into one Static on every update (how it was before).

It prints the median and slowest update and the time of the last few updates (the longest
log) for each. Measured, not asserted: DESIGN §7 keeps timings out of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tradegame.session.match import Match, load_scenario
from tradegame.session.text import Names
from tradegame.ui.widgets.common import Frame
from tradegame.ui.widgets.logbook import LogPanel, log_text
from tradegame.ui.widgets.report import marks_of


def frames(scenario: str, seed: int, viewer: str) -> list[Frame]:
    sc = load_scenario(scenario)
    seats = {p: "random" for p in sc.rules.player_ids}
    match = Match(sc.rules, seed, seats, scenario_name=sc.source, scenario_text=sc.text)
    game = match.game
    marks: dict[int, dict[str, Any]] = {}
    out = []
    while not game.is_over():
        mover = game.to_move()
        assert mover is not None  # a game not over has a player to move
        match.apply_ai(match.think(match.snapshot(), mover))
        view = match.view_json(viewer)
        marks.setdefault(int(view.get("round", 0)), marks_of(view))
        out.append(Frame(view=view, viewer=viewer, names=Names(view), marks=marks))
    return out


class Whole(VerticalScroll):
    """The log tab as it was: the whole log as one Static in a scrolling container."""

    def compose(self) -> ComposeResult:
        yield Static(id="log-text")

    def update_frame(self, frame: Frame) -> None:
        at_end = self.scroll_y >= self.max_scroll_y - 1
        self.query_one("#log-text", Static).update(log_text(frame))
        if at_end:
            self.call_after_refresh(self.scroll_end, animate=False)


class Bench(App[None]):
    def __init__(self, widget: Any) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def measure(make: Any, feed: list[Frame], width: int) -> list[float]:
    app = Bench(make())
    times = []
    async with app.run_test(size=(width, 45)) as pilot:
        for frame in feed:
            start = time.perf_counter()
            app.widget.update_frame(frame)
            await pilot.pause()
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", default="april-2025")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--viewer", default="JP")
    parser.add_argument("--width", type=int, default=160)
    args = parser.parse_args()
    feed = frames(args.scenario, args.seed, args.viewer)
    entries = len(feed[-1].view.get("log", []))
    print(f"{len(feed)} updates; the last log has {entries} entries ({args.scenario}, {args.seed})")
    for name, make in (("incremental", lambda: LogPanel()), ("whole", lambda: Whole())):
        times = asyncio.run(measure(make, feed, args.width))
        ms = [t * 1000 for t in times[1:]]  # the first includes the first layout
        print(
            f"{name:>12}: median {statistics.median(ms):6.1f} ms  slowest {max(ms):6.1f} ms  "
            f"last 20 median {statistics.median(ms[-20:]):6.1f} ms"
        )


if __name__ == "__main__":
    main()
