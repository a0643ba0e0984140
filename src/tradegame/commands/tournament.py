"""``tradegame tournament``: play every assignment of agents to roles, many times, and
summarise who wins what.

Results stream to ``--out`` (CSV) and its ``.jsonl`` sibling in game order as games finish,
a whole line at a time; a progress bar goes to stderr; the summary tables go to stdout. The
same command gives byte-identical files for any ``--workers``, and after ``--resume``. An
existing ``--out`` is kept unless ``--force`` (replace it) or ``--resume`` (play only the
games it lacks). Games that could not finish are listed at the end, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import math
import random
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tradegame.commands.common import load_scenario_or_exit
from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError
from tradegame.untrusted import printable

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console
    from rich.progress import Progress

    from tradegame.tournament.plan import GameTask, Plan, Shard
    from tradegame.tournament.results import Summary


def agent_specs(args: argparse.Namespace) -> list[str]:
    specs = [s.strip() for text in args.agents for s in text.split(",") if s.strip()]
    specs += list(args.agent)
    if not specs:
        raise UserError("name the agents: --agents random,hawk,dove (or --agent SPEC)")
    seen: list[str] = []
    for s in specs:
        if s in seen:
            raise UserError(f"agent {printable(s)!r} is named twice")
        if printable(s) != s or "\n" in s or "\t" in s:
            # one CSV line per game: an agent's name holds no line breaks or controls
            raise UserError(f"agent {printable(s)!r} holds control characters or line breaks")
        seen.append(s)
    return specs


def check_agents(
    specs: list[str], time_limit: float | None, startup_limit: float | None = None
) -> None:
    from tradegame.agents.base import AgentSpecError, make_agent

    for spec in specs:
        try:
            agent = make_agent(
                spec,
                random.Random(0),
                time_limit=time_limit,
                allow_code=True,  # --agent/--agents of this command line
                startup_limit=startup_limit,
            )
        except AgentSpecError as exc:
            raise UserError(str(exc)) from None
        close = getattr(agent, "close", None)
        if callable(close):
            close()


def _limits(args: argparse.Namespace) -> tuple[float | None, float | None]:
    limits = (args.time_limit, getattr(args, "startup_limit", None))
    for flag, value in zip(("--time-limit", "--startup-limit"), limits, strict=True):
        if value is not None and not (value > 0 and math.isfinite(value)):
            raise UserError(f"{flag} must be a positive number of seconds")
    return limits


def _shard_of(args: argparse.Namespace) -> Shard | None:
    from tradegame.tournament.plan import Shard

    text = getattr(args, "shard", None)
    if text is None:
        return None
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from tradegame.tournament import ResultsWriteError, ResultsWriter, Unfinished, summarize
    from tradegame.tournament.plan import MAX_GAMES, Plan, scenario_digest
    from tradegame.tournament.planfile import plan_path, write_plan
    from tradegame.tournament.runner import ScenarioText, keep_rules, max_workers

    out_path = Path(args.out)
    if out_path.suffix in (".jsonl", ".json"):
        raise UserError(
            "--out names the CSV file; the JSON lines (.jsonl) and the plan (.plan.json) "
            "go beside it"
        )
    force, resume = getattr(args, "force", False), getattr(args, "resume", False)
    if force and resume:
        raise UserError("--force replaces the results and --resume adds to them: give one")
    executor = getattr(args, "executor", "processes")
    scheduler = getattr(args, "scheduler", None)
    if scheduler is not None and executor != "dask":
        raise UserError("--scheduler is the address of a Dask scheduler: give --executor dask")
    if executor == "dask":
        from tradegame.tournament.cluster import DaskMissing, available

        if not available():
            raise UserError(str(DaskMissing()))
    shard = _shard_of(args)
    rules, text, _ = load_scenario_or_exit(args.scenario)
    specs = agent_specs(args)
    time_limit, startup_limit = _limits(args)
    check_agents(specs, time_limit, startup_limit)
    roles = list(rules.player_ids)
    cycle = len(specs) ** len(roles)  # one game of each assignment of agents to roles
    games = cycle if args.games is None else args.games
    if games < 1:
        raise UserError("--games must be at least 1")
    if games > MAX_GAMES:
        raise UserError(
            f"--games must be at most {MAX_GAMES:,} (the plan lists every game)"
            if args.games is not None
            else f"one game of each assignment of {len(specs)} agents to {len(roles)} roles "
            f"is {cycle:,} games, more than {MAX_GAMES:,}: give --games"
        )
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    the_plan = Plan(
        scenario=args.scenario,
        scenario_sha256=scenario_digest(text),
        roles=tuple(roles),
        agents=tuple(specs),
        games=games,
        seed=args.seed,
        time_limit=time_limit,
        startup_limit=startup_limit,
    )
    tasks = the_plan.tasks(shard)
    if not tasks:
        raise UserError(f"shard {shard} of a {games}-game tournament has no games")
    summary = summarize([], roles, specs)
    jsonl_path = out_path.with_suffix(".jsonl")
    existing = [
        p for p in (out_path, jsonl_path, plan_path(out_path)) if p.exists() or p.is_symlink()
    ]
    for p in existing:
        if not p.is_file():
            raise UserError(f"{p} exists and is not a regular file")
    if existing and not (force or resume):
        raise UserError(
            f"{existing[0]} already exists: --force replaces the results, "
            f"--resume plays only the games they lack (same scenario, agents and "
            f"--seed), or choose another --out"
        )
    kept = 0
    results_exist = any(p != plan_path(out_path) for p in existing)
    try:
        if resume and existing:
            _check_plan(out_path, the_plan, shard)
        if resume and results_exist:
            tasks, kept = _resume(out_path, roles, tasks, summary, args.scenario)
        write_plan(out_path, the_plan, shard)
        mode = "append" if resume and results_exist else "replace" if force else "new"
        writer = ResultsWriter(out_path, roles, mode)
    except ResultsWriteError as exc:
        raise UserError(f"{exc}; nothing was played", code=1) from None
    from rich.console import Console

    err = Console(stderr=True)
    started = time.perf_counter()
    unfinished: list[Unfinished] = []
    source = ScenarioText(args.scenario, text)
    keep_rules(source, rules)  # the games play the rules loaded above, not a second load
    if executor == "dask":
        from tradegame.tournament.cluster import run_dask

        outcomes = run_dask(tasks, source, args.workers, scheduler)
    else:
        from tradegame.tournament import run as run_games

        outcomes = run_games(tasks, args.workers, on_result=None, source=source)
    restore = _stop_on_signals()
    try:
        with writer, _progress(err, len(tasks), enabled=not args.no_progress) as advance:
            for outcome in outcomes:
                advance()
                if isinstance(outcome, Unfinished):
                    unfinished.append(outcome)
                    continue
                writer.write(outcome)
                summary.add(outcome)
    except ResultsWriteError as exc:
        outcomes.close()  # stops the workers
        raise UserError(
            f"{exc}; the {kept + writer.written} games before it are kept whole in "
            f"{out_path} and {jsonl_path}; make room and run the same command "
            f"with --resume to play the rest",
            code=1,
        ) from None
    except KeyboardInterrupt as exc:
        outcomes.close()
        why = f"stopped by {exc.name}" if isinstance(exc, _Stopped) else "interrupted"
        print(
            f"tradegame: {why}; {kept + writer.written} games are in {out_path} and "
            f"{jsonl_path}; run the same command with --resume to play the rest",
            file=sys.stderr,
        )
        return 128 + exc.signum if isinstance(exc, _Stopped) else 130
    finally:
        restore()
    if resume and writer.written and kept:
        _sort_results(out_path, roles)
    elapsed = time.perf_counter() - started
    out = Console(file=sys.stdout, soft_wrap=True)
    print_summary(out, summary, rules.id, games, cycle, shard)
    played = writer.written
    before = f" ({kept} already in the results)" if kept else ""
    used = args.workers if executor == "dask" else min(args.workers, max_workers())
    where = "on a Dask cluster" if executor == "dask" else f"with {used} worker(s)"
    print(
        f"{played} game{'' if played == 1 else 's'} in {elapsed:.1f} s {where} "
        f"({played / max(elapsed, 1e-9):.1f} games/s){before}; results in {out_path} and "
        f"{jsonl_path}",
        file=sys.stderr,
    )
    if unfinished:
        lines = [
            (
                f"tradegame: {len(unfinished)} of {len(the_plan.tasks(shard))} games could "
                f"not finish (not in the results):"
            )
        ]
        lines += [f"  {u.message()}" for u in unfinished]
        lines.append("  run the same command with --resume to try them again")
        print("\n".join(lines), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _check_plan(out_path: Path, the_plan: Plan, shard: Shard | None) -> None:
    """Refuse to resume results whose plan file records another tournament (or shard)."""
    from tradegame.tournament.planfile import plan_path, read_plan
    from tradegame.tournament.results import ResultsRefused

    try:
        recorded = read_plan(out_path)
    except ResultsRefused as exc:
        raise UserError(f"cannot resume: {exc}") from None
    if recorded is None:
        print(
            f"tradegame: {out_path} has no plan file ({plan_path(out_path).name}); its games "
            f"are checked one by one against this tournament",
            file=sys.stderr,
        )
        return
    plan, their_shard = recorded
    differ = [d for d in the_plan.differences(plan) if d != "--games"]
    if differ:
        raise UserError(
            f"cannot resume: {out_path} holds the results of another tournament (plan "
            f"{plan.hash[:12]} in {plan_path(out_path).name}, this command's is "
            f"{the_plan.hash[:12]}): not the same {', '.join(differ)}; resume with the "
            f"command that wrote them, or choose another --out"
        )
    if their_shard != shard:
        theirs = f"shard {their_shard}" if their_shard else "the whole tournament"
        mine = f"shard {shard}" if shard else "the whole tournament"
        raise UserError(
            f"cannot resume: {out_path} holds {theirs} and this command plays {mine}; "
            f"give the same --shard, or choose another --out"
        )


def _resume(
    out_path: Path, roles: list[str], tasks: list[GameTask], summary: Summary, scenario: str
) -> tuple[list[GameTask], int]:
    """The tasks the results at ``out_path`` lack; the games they hold go into ``summary``,
    and the files are rewritten with those games only, whole and in game order."""
    from tradegame.tournament.results import ResultsRefused, read_results, rewrite, task_key

    try:
        existing = read_results(out_path, roles)
    except ResultsRefused as exc:
        raise UserError(f"cannot resume: {exc}") from None
    if existing.scenarios - {scenario}:
        raise UserError(
            f"cannot resume: {out_path} holds games of another scenario; resume "
            f"with the same scenario argument, or choose another --out"
        )
    planned = {task_key(t.index, t.seed, t.seat_map, roles): t for t in tasks}
    foreign = sorted(k[0] for k in existing.records if k not in planned)
    if foreign:
        raise UserError(
            f"cannot resume: {out_path} holds game {foreign[0]}, which is not a "
            f"game of this tournament; resume with the same agents, --seed and "
            f"at least as many --games, or choose another --out"
        )
    rewrite(out_path, roles, existing.records.values())
    for key in sorted(existing.records, key=lambda k: k[0]):
        summary.add(existing.records[key].result)
    if existing.dropped:
        print(
            f"tradegame: {existing.dropped} line(s) of {out_path} and "
            f"{out_path.with_suffix('.jsonl')} were torn, unreadable, edited or in one file only "
            f"({existing.located()}); those games are played again",
            file=sys.stderr,
        )
    return [t for k, t in planned.items() if k not in existing.records], len(existing.records)


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as Ctrl-C does (workers and bots ended, whole lines kept)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


def _stop_on_signals() -> Callable[[], None]:
    """Make SIGTERM and SIGHUP (unless ignored, as under nohup) raise :class:`_Stopped`;
    return what puts the old handlers back. Their default ended the process at once, leaving
    the pool's semaphores to a warning on stderr and giving no word on what was kept."""

    def stop(signum: int, frame: object) -> None:
        raise _Stopped(signum)

    old = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(sig) != signal.SIG_IGN:
                old[sig] = signal.signal(sig, stop)
        except ValueError:  # not the main thread
            pass

    def restore() -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)

    return restore


def _sort_results(out_path: Path, roles: list[str]) -> None:
    """Put a resumed run's files in game order (as a run without a break writes them)."""
    from tradegame.tournament.results import read_results, rewrite

    try:
        rewrite(out_path, roles, read_results(out_path, roles).records.values())
    except Exception as exc:  # noqa: BLE001 - the files are whole; only their order is lost
        print(f"tradegame: the results are complete but not in game order ({exc})", file=sys.stderr)


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

        progress = Progress(
            TextColumn("games"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
            # twice a second, not rich's ten: its redrawing took 1.5% of a core, which the
            # workers of a --workers 2 run on two cores share with it
            refresh_per_second=2,
        )
        self._progress = progress
        progress.start()
        task = progress.add_task("games", total=self.total)
        return lambda: progress.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def print_summary(
    console: Console,
    summary: Summary,
    scenario: str,
    games: int,
    cycle: int,
    shard: Shard | None = None,
) -> None:
    from rich.table import Table

    def header(table: Table, first: str) -> None:
        table.add_column(first)
        for name in ("n", "mean score", "surplus", "deal rate", "joint welfare", "spread"):
            table.add_column(name, justify="right")

    def pm(half: float | None) -> str:
        return " ± –" if half is None else f" ± {half:.1f}"

    def row(table: Table, label: str, s: object) -> None:
        from tradegame.tournament.results import Stats

        assert isinstance(s, Stats)
        table.add_row(
            label,
            str(s.n),
            f"{s.mean_score:.1f}{pm(s.ci_score)}",
            f"{s.mean_surplus:+.1f}{pm(s.ci_surplus)}",
            f"{100 * s.deal_rate:.0f}%",
            f"{s.joint_welfare:+.1f}",
            f"{s.spread:.1f}",
        )

    full, rest = divmod(games, cycle)
    cycles = f"{full} full cycle(s)" + (f" + {rest} games" if rest else "")
    part = (
        f" This is shard {shard}: {summary.games} of its games are summarised here; merge "
        f"the shards (tradegame tournament merge) for the whole tournament."
        if shard is not None
        else ""
    )
    console.print(
        f"Tournament on {scenario}: {games} games ({cycles} of {cycle} "
        f"assignments); {summary.games_with_deal} games "
        f"({100 * summary.games_with_deal / max(1, summary.games):.0f}%) ended with "
        f"at least one deal.{part}",
        highlight=False,
    )
    console.print(
        "n = games behind each figure (by agent: seats, as an agent may hold several "
        "roles in a game); surplus = score − BATNA; ± = half-width of a 95% confidence "
        "interval of the mean over games (Student's t; by agent, seats of one game counted "
        "together); deal rate = share ending with a bilateral deal of substance in force; "
        "joint welfare = sum of all players' surpluses in those games; spread = standard "
        "deviation of the score.",
        highlight=False,
    )
    table = Table(title="By agent (all roles)", title_justify="left")
    header(table, "agent")
    for agent in summary.agents:
        if agent in summary.by_agent:
            row(table, agent, summary.by_agent[agent])
    console.print(table)
    for role in summary.roles:
        best = summary.best_in_role(role)
        clear = (
            ""
            if best is None
            else (
                ", clear of the others"
                if summary.clear_best_in_role(role)
                else ", within the others' intervals"
            )
        )
        table = Table(title=f"Role {role} (best surplus: {best}{clear})", title_justify="left")
        header(table, "agent")
        for agent in summary.agents:
            stats = summary.by_role.get((role, agent))
            if stats is not None:
                row(table, agent + (" *" if agent == best else ""), stats)
        console.print(table)
    dominant = summary.dominant()
    console.print(
        f"Dominant strategy (best surplus in every role): {dominant or 'none'}", highlight=False
    )


def merge(args: argparse.Namespace) -> int:
    """``tradegame tournament merge SHARD.csv ... --out FILE``: the shards of one tournament,
    checked (one plan, every shard once, every game of each shard whole), into the files a
    single run would have written, byte for byte."""
    from tradegame.tournament.planfile import plan_path, read_plan, write_plan
    from tradegame.tournament.results import (
        Record,
        ResultsRefused,
        ResultsWriteError,
        read_results,
        rewrite,
        summarize,
        task_key,
    )

    inputs = [Path(p) for p in args.inputs]
    out = Path(args.out)
    if out.suffix in (".jsonl", ".json"):
        raise UserError("--out names the CSV file; the JSON lines and the plan go beside it")
    for p in inputs:
        if p.suffix in (".jsonl", ".json"):
            raise UserError(
                f"{p}: name each shard by its CSV file (its .jsonl and .plan.json "
                f"are read from beside it)"
            )
    targets = (out, out.with_suffix(".jsonl"), plan_path(out))
    given = {p.resolve() for i in inputs for p in (i, i.with_suffix(".jsonl"), plan_path(i))}
    if any(t.resolve() in given for t in targets):
        raise UserError(f"--out {out} is one of the shards: merge into another file")
    named: set[Path] = set()
    for p in inputs:
        if p.resolve() in named:
            raise UserError(f"cannot merge: {p} is named twice (a shard counts once)")
        named.add(p.resolve())
    existing = [t for t in targets if t.exists() or t.is_symlink()]
    for t in existing:
        if not t.is_file():
            raise UserError(f"{t} exists and is not a regular file")
    if existing and not args.force:
        raise UserError(
            f"{existing[0]} already exists: --force replaces it, or choose another --out"
        )

    plans: list[tuple[Path, Plan, Shard | None]] = []
    for p in inputs:
        if not p.is_file():
            raise UserError(
                f"{p}: no such results file" if not p.exists() else f"{p} is not a regular file"
            )
        try:
            recorded = read_plan(p)
        except ResultsRefused as exc:
            raise UserError(f"cannot merge: {exc}") from None
        if recorded is None:
            raise UserError(
                f"cannot merge: {p} has no plan file ({plan_path(p).name}) beside it; only "
                f"results written by tradegame tournament, with their plan file, are merged"
            )
        plans.append((p, *recorded))
    first_path, plan, _ = plans[0]
    for p, other, _ in plans[1:]:
        if other.hash != plan.hash:
            differ = ", ".join(plan.differences(other)) or "plan version"
            raise UserError(
                f"cannot merge: {p} is not a shard of the same tournament as {first_path} "
                f"(plan {other.hash[:12]}, not {plan.hash[:12]}): not the same {differ}"
            )
    shards = [s for _, _, s in plans]
    if any(s is None for s in shards):
        whole = next(p for p, _, s in plans if s is None)
        if len(plans) > 1:
            raise UserError(
                f"cannot merge: {whole} holds the whole tournament, not a shard; merge "
                f"the shards of one --shard K/N split"
            )
    else:
        counts = {s.n for s in shards if s is not None}
        if len(counts) > 1:
            raise UserError(
                f"cannot merge: the shards are of different splits (N = "
                f"{', '.join(str(n) for n in sorted(counts))}); merge the K/N shards of one N"
            )
        n = counts.pop()
        seen: dict[int, Path] = {}
        for p, _, s in plans:
            assert s is not None
            if s.k in seen:
                raise UserError(f"cannot merge: {seen[s.k]} and {p} are both shard {s}")
            seen[s.k] = p
        missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
        if missing:
            raise UserError(
                f"cannot merge: shard {', '.join(missing)} is missing (give every shard of the "
                f"{n}-way split)"
            )

    roles = list(plan.roles)
    records: list[Record] = []
    for p, _, s in plans:
        try:
            found = read_results(p, roles)
        except ResultsRefused as exc:
            raise UserError(f"cannot merge: {exc}") from None
        what = f"shard {s} ({p})" if s is not None else str(p)
        if found.dropped:
            raise UserError(
                f"cannot merge: {what} has damaged lines ({found.located()}); run its "
                f"command again with --resume to replay those games, then merge"
            )
        tasks = plan.tasks(s)
        planned = {task_key(t.index, t.seed, t.seat_map, roles) for t in tasks}
        foreign = sorted(k[0] for k in found.records if k not in planned)
        if foreign or found.scenarios - {plan.scenario}:
            game = f"game {foreign[0]}" if foreign else "a game of another scenario"
            raise UserError(f"cannot merge: {what} holds {game}, which its plan does not")
        lacking = sorted(k[0] for k in planned if k not in found.records)
        if lacking:
            listed = ", ".join(str(i) for i in lacking[:10]) + (
                ", ..." if len(lacking) > 10 else ""
            )
            raise UserError(
                f"cannot merge: {what} lacks {len(lacking)} of its {len(tasks)} games "
                f"({listed}); run its command again with --resume, then merge"
            )
        records.extend(found.records.values())
    try:
        for t in targets:
            if t.is_symlink():  # replaced, its target never written (as saves do)
                t.unlink()
        rewrite(out, roles, records)
        write_plan(out, plan, None)
    except (ResultsWriteError, OSError) as exc:
        raise UserError(f"cannot write the merged results: {exc}", code=1) from None
    from rich.console import Console

    ordered = sorted((r.result for r in records), key=lambda r: r.index)
    summary = summarize(ordered, roles, list(plan.agents))

    cycle = len(plan.agents) ** len(roles)
    print_summary(
        Console(file=sys.stdout, soft_wrap=True), summary, plan.scenario, plan.games, cycle
    )
    print(
        f"{len(records)} games from {len(plans)} shard(s) merged into {out} and "
        f"{out.with_suffix('.jsonl')}",
        file=sys.stderr,
    )
    return EXIT_OK
