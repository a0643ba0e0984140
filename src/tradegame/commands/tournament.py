"""``tradegame tournament``: play every assignment of agents to roles, many times, and
summarise who wins what.

Results stream to ``--out`` (CSV) and its ``.jsonl`` sibling in game order as games finish;
a progress bar goes to stderr; the summary tables go to stdout. The same command gives
byte-identical files for any ``--workers``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tradegame.cli import EXIT_OK, UserError
from tradegame.commands.common import load_rules_or_exit

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.progress import Progress

    from tradegame.tournament.results import Summary


def agent_specs(args: argparse.Namespace) -> list[str]:
    specs = [s.strip() for text in args.agents for s in text.split(",") if s.strip()]
    specs += list(args.agent)
    if not specs:
        raise UserError("name the agents: --agents random,hawk,dove (or --agent SPEC)")
    seen: list[str] = []
    for s in specs:
        if s in seen:
            raise UserError(f"agent {s!r} is named twice")
        seen.append(s)
    return specs


def check_agents(specs: list[str], time_limit: float | None) -> None:
    from tradegame.agents.base import AgentSpecError, make_agent

    for spec in specs:
        try:
            agent = make_agent(spec, random.Random(0), time_limit=time_limit)
        except AgentSpecError as exc:
            raise UserError(str(exc)) from None
        close = getattr(agent, "close", None)
        if callable(close):
            close()


def run(args: argparse.Namespace) -> int:
    from tradegame.tournament import ResultsWriter, plan, summarize
    from tradegame.tournament import run as run_games
    from tradegame.tournament.plan import assignments
    from tradegame.tournament.runner import GameFailed

    if Path(args.out).suffix == ".jsonl":
        raise UserError("--out names the CSV file; the JSON lines go beside it (.jsonl)")
    rules = load_rules_or_exit(args.scenario)
    specs = agent_specs(args)
    check_agents(specs, args.time_limit)
    roles = list(rules.player_ids)
    cycle = len(assignments(roles, specs))
    games = cycle if args.games is None else args.games
    if games < 1:
        raise UserError("--games must be at least 1")
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    tasks = plan(args.scenario, roles, specs, games, args.seed, args.time_limit)
    summary = summarize([], roles, specs)
    started = time.perf_counter()
    try:
        writer = ResultsWriter(args.out, roles)
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror or exc}", code=1) from None
    from rich.console import Console

    err = Console(stderr=True)
    with writer, _progress(err, games, enabled=not args.no_progress) as advance:
        try:
            for result in run_games(tasks, args.workers, on_result=lambda _r: advance()):
                writer.write(result)
                summary.add(result)
        except GameFailed as exc:
            raise UserError(str(exc), code=1) from None
    elapsed = time.perf_counter() - started
    out = Console(file=sys.stdout, soft_wrap=True)
    print_summary(out, summary, rules.id, games, cycle)
    print(f"{games} games in {elapsed:.1f} s with {args.workers} worker(s) "
          f"({games / elapsed:.1f} games/s); results in {writer.path} and "
          f"{writer.jsonl_path}", file=sys.stderr)
    return EXIT_OK


class _progress:
    """A rich progress bar on stderr (a no-op when disabled); entering gives ``advance()``."""

    def __init__(self, console: Console, total: int, enabled: bool) -> None:
        self.console = console
        self.total = total
        self.enabled = enabled
        self._progress: Progress | None = None

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        progress = Progress(TextColumn("games"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TimeRemainingColumn(), console=self.console,
                            transient=True)
        self._progress = progress
        progress.start()
        task = progress.add_task("games", total=self.total)
        return lambda: progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def print_summary(console: Console, summary: Summary, scenario: str, games: int,
                  cycle: int) -> None:
    from rich.table import Table

    def header(table: Table, first: str) -> None:
        table.add_column(first)
        for name in ("n", "mean score", "surplus", "deal rate", "joint welfare", "spread"):
            table.add_column(name, justify="right")

    def row(table: Table, label: str, s: object) -> None:
        from tradegame.tournament.results import Stats

        assert isinstance(s, Stats)
        table.add_row(label, str(s.n), f"{s.mean_score:.1f}", f"{s.mean_surplus:+.1f}",
                      f"{100 * s.deal_rate:.0f}%", f"{s.joint_welfare:+.1f}", f"{s.spread:.1f}")

    full, rest = divmod(games, cycle)
    cycles = f"{full} full cycle(s)" + (f" + {rest} games" if rest else "")
    console.print(f"Tournament on {scenario}: {games} games ({cycles} of {cycle} "
                  f"assignments); {summary.games_with_deal} games "
                  f"({100 * summary.games_with_deal / max(1, summary.games):.0f}%) ended with "
                  f"at least one deal.", highlight=False)
    console.print("n = games behind each figure (by agent: seats, as an agent may hold several "
                  "roles in a game); surplus = score − BATNA; deal rate = share ending with a "
                  "bilateral deal of substance in force; joint welfare = sum of all players' "
                  "surpluses in those games; spread = standard deviation of the score.",
                  highlight=False)
    table = Table(title="By agent (all roles)", title_justify="left")
    header(table, "agent")
    for agent in summary.agents:
        if agent in summary.by_agent:
            row(table, agent, summary.by_agent[agent])
    console.print(table)
    for role in summary.roles:
        best = summary.best_in_role(role)
        table = Table(title=f"Role {role} (best surplus: {best})", title_justify="left")
        header(table, "agent")
        for agent in summary.agents:
            stats = summary.by_role.get((role, agent))
            if stats is not None:
                row(table, agent + (" *" if agent == best else ""), stats)
        console.print(table)
    dominant = summary.dominant()
    console.print(f"Dominant strategy (best surplus in every role): {dominant or 'none'}",
                  highlight=False)
