"""``tradegame balance``: the balance benchmark of issue 19 — a round robin of agents on
repeated seeds plus the rule probes — written as Markdown (``docs/balance.md``) and JSON.

The analysis lives in :mod:`tradegame.tournament.balance`; this module parses the options,
shows progress, times the run, names the commit it ran on and writes the files.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError
from tradegame.untrusted import printable

DEFAULT_SCENARIO = "april-2025"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "balance",
        help="the balance benchmark: round robin, meta-game and rule probes (docs/balance.md)",
        description="Play a round robin of agents on repeated seeds and the probes of issue 19 "
        "(cheap talk, settling early or late, the bond sell-off, the car-tariff hike, the "
        "default US in round 1, the historical calendar), then report payoffs with 95% "
        "confidence intervals, dominated agents, the meta-game's equilibria or best-response "
        "cycle, luck against choice, and each probe's threshold, met or not met. The default "
        "sample takes a few minutes on two cores; --full plays every built-in agent.",
    )
    p.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="bundled name or path")
    p.add_argument(
        "--agents",
        default=None,
        metavar="A,B,...",
        help="the round robin's agents (default: passive, hawk, dove, tit-for-tat, boulware, "
        "greedy, historical, and the default agent); built-in names only",
    )
    p.add_argument(
        "--panel",
        default=None,
        metavar="A,B,...",
        help="the probes' opponents (default: the default agent, greedy, historical)",
    )
    p.add_argument(
        "--seeds", type=int, default=None, metavar="N", help="seeds per line-up (default 2)"
    )
    p.add_argument("--seed", type=int, default=2025, help="benchmark seed (game seeds derive)")
    p.add_argument(
        "--selloff-games",
        type=int,
        default=None,
        metavar="N",
        help="games with a hawk US for the bond sell-off probe (default 49)",
    )
    p.add_argument(
        "--news-games",
        type=int,
        default=None,
        metavar="N",
        help="random games for the news-contradiction checker (default 1000)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="every built-in agent (not the probes) in the round robin, on one seed unless "
        "--seeds says otherwise: N agents make N^3 games (1,331 for 11), and search plays "
        "about a second a game; an hour or more on two cores",
    )
    p.add_argument(
        "--probes-only",
        action="store_true",
        help="only the probes' line-ups: no round robin, payoff tables or meta-game (quicker)",
    )
    p.add_argument(
        "--workers", type=int, default=2, metavar="K", help="worker processes (default 2)"
    )
    p.add_argument("--out", default=None, metavar="FILE", help="write the Markdown report here")
    p.add_argument("--json", dest="json_out", default=None, metavar="FILE", help="write JSON here")
    p.add_argument("--force", action="store_true", help="replace --out / --json if they exist")
    p.add_argument("--no-progress", action="store_true", help="no progress line on stderr")
    p.set_defaults(run=run)


def _names(text: str | None, option: str) -> tuple[str, ...] | None:
    if text is None:
        return None
    from tradegame.agents.base import registry, split_modifier

    names = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    if not names:
        raise UserError(f"{option}: name at least one agent")
    known = registry()
    for name in names:
        base, wrap = split_modifier(name)
        if base not in known:
            raise UserError(
                f"{option}: {printable(name)!r} is not a built-in agent (the benchmark plays "
                f"built-ins only; see: tradegame agents)"
            )
    return names


def _commit() -> str:
    """The commit of the code that ran (with ``+changes`` when its tree differs)."""
    here = Path(__file__).resolve().parents[3]
    try:
        head = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--", "src", "scenarios"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{head}+changes" if dirty else head


def _command(args: argparse.Namespace) -> str:
    parts = ["tradegame", "balance", args.scenario]
    for flag, value in (
        ("--agents", args.agents),
        ("--panel", args.panel),
        ("--seeds", args.seeds),
        ("--selloff-games", args.selloff_games),
        ("--news-games", args.news_games),
    ):
        if value is not None:
            parts += [flag, str(value)]
    if args.seed != 2025:
        parts += ["--seed", str(args.seed)]
    if args.full:
        parts.append("--full")
    if args.probes_only:
        parts.append("--probes-only")
    parts += ["--workers", str(args.workers)]
    return shlex.join(parts)


def _check_out(path: str | None, force: bool) -> Path | None:
    if path is None:
        return None
    p = Path(path)
    if (p.exists() or p.is_symlink()) and not force:
        raise UserError(f"{printable(path)} already exists: --force replaces it")
    from tradegame.saves.atomic import DestinationRefused, check_destination

    try:
        check_destination(p, "report file")
    except DestinationRefused as exc:
        raise UserError(printable(str(exc))) from None
    if not p.parent.is_dir():
        raise UserError(f"{printable(str(p.parent))} is not a folder")
    return p


def _write(path: Path, text: str) -> None:
    from tradegame.saves.atomic import atomic_write_bytes

    try:
        atomic_write_bytes(path, text.encode("utf-8"), what="report file")
    except OSError as exc:
        raise UserError(f"cannot write {printable(str(path))}: {exc.strerror or exc}") from None


class _Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self.total = 0
        self.done = 0
        self.started = time.monotonic()

    def planned(self, total: int) -> None:
        self.total = total
        if not self.quiet:
            sys.stderr.write(f"balance: {total} tournament games, then the state probes\n")

    def result(self, _: Any) -> None:
        self.done += 1
        if not self.quiet and (self.done % 20 == 0 or self.done == self.total):
            elapsed = time.monotonic() - self.started
            sys.stderr.write(f"\r  {self.done}/{self.total} games, {elapsed:.0f} s")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _cpu_seconds() -> float:
    """Processor time of this process, its finished children and its tournaments' workers
    (user + system; a worker forked by the fork server is not this process's child and
    reports its own)."""
    from tradegame.tournament.runner import workers_cpu_seconds

    own = os.times()
    return own.user + own.system + own.children_user + own.children_system + workers_cpu_seconds()


def default_agent_for(player: str) -> str:
    """The agent ``tradegame`` seats by default for ``player`` (session/match.py)."""
    from tradegame.session import match

    fn: Any = match.default_agent
    try:
        return str(fn(player))
    except TypeError:  # one default for every seat
        return str(fn())


def run(args: argparse.Namespace) -> int:
    from tradegame.commands.common import load_rules_or_exit
    from tradegame.tournament.balance import Config, render_markdown, run_benchmark

    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    if args.seeds is not None and not 1 <= args.seeds <= 100:
        raise UserError("--seeds must be between 1 and 100")
    for flag, value in (("--selloff-games", args.selloff_games), ("--news-games", args.news_games)):
        if value is not None and not 0 <= value <= 100000:
            raise UserError(f"{flag} must be between 0 and 100000")
    out = _check_out(args.out, args.force)
    json_out = _check_out(args.json_out, args.force)
    if out is not None and json_out is not None and out.resolve() == json_out.resolve():
        raise UserError("--out and --json name the same file")
    rules = load_rules_or_exit(args.scenario)  # a broken scenario: its problems, located
    defaults = {p: default_agent_for(p) for p in rules.player_ids}
    config = Config(scenario=args.scenario, workers=args.workers, seed=args.seed)
    agents = _names(args.agents, "--agents")
    if args.full and agents is None:
        from tradegame.agents.base import registry

        agents = tuple(n for n, c in registry().items() if not getattr(c, "probe", False))
    changes: dict[str, Any] = {}
    if agents is not None:
        changes["agents"] = agents
    panel = _names(args.panel, "--panel")
    if panel is not None:
        changes["panel"] = panel
    if args.seeds is not None:
        changes["seeds"] = args.seeds
    elif args.full:
        changes["seeds"] = 1
    if args.selloff_games is not None:
        changes["selloff_games"] = args.selloff_games
    if args.news_games is not None:
        changes["news_games"] = args.news_games
    if args.probes_only:
        if args.full:
            raise UserError("--full plays the whole round robin and --probes-only none: give one")
        changes["round_robin"] = False
    import dataclasses

    config = dataclasses.replace(config, **changes)
    progress = _Progress(args.no_progress)
    started = time.monotonic()
    cpu_started = _cpu_seconds()
    report = run_benchmark(config, defaults, on_result=progress.result, planned=progress.planned)
    report["run"] = {
        "commit": _commit(),
        "command": _command(args),
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(_cpu_seconds() - cpu_started, 1),
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    text = render_markdown(report)
    if out is None:
        sys.stdout.write(text)
    else:
        _write(out, text)
    if json_out is not None:
        _write(json_out, json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    verdicts = [p["verdict"] for p in report["probes"]]
    sys.stderr.write(
        f"balance: {report['tournament_games']} games in {report['run']['seconds']:.0f} s; "
        f"probes met {verdicts.count('met')}, not met {verdicts.count('not met')}, "
        f"not available {verdicts.count('not available')}\n"
    )
    return EXIT_FAILED if report["unfinished"] else EXIT_OK
