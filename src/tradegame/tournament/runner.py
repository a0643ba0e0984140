"""Playing a tournament's games: in this process, or in worker processes.

:func:`run` yields results in game order whatever the number of workers. With more than
one worker the games go, in chunks that shrink to one game near the end (:func:`chunks`), to
a :class:`concurrent.futures.ProcessPoolExecutor`
whose workers are forked from a *fork server* (``forkserver``; ``spawn`` where the platform
has no fork server, as on Windows); results that finish early wait in a buffer until every
earlier game is in.

Why not plain ``fork``, and why not ``spawn`` everywhere. The workers must not inherit the
parent process: its threads (the progress bar's, the pool's own, any an agent started: a
fork copies their locks mid-use), its open results files, its signal handlers (SIGTERM
and SIGHUP raise in the command) or its unflushed output. They should play under another
hash seed than the parent, so that the byte-identical files of ``--workers 1`` and
``--workers 2`` also show that no result depends on it. ``spawn`` gives all that at the
price of a fresh interpreter per worker, each importing the engine and the agents (about
0.2–0.3 s of CPU, more where bytecode is not cached). The fork server is a fresh
interpreter too, single-threaded and holding nothing of the parent's: it imports
:data:`PRELOAD` once, then forks each worker from itself, already warm. A command calls
:func:`start_workers_early` before its own start-up so that the server's imports run while
it reads the scenario and checks the agents. Each worker is handed the parent's
environment and the scenario's rules as the parent built them (a pickle of about 40 kB:
no scenario to read, check or look up again), reports the CPU it used with its results
(:func:`workers_cpu_seconds`: it is not this process's child), and exits without interpreter
finalization.

As with any spawned process pool, a script that calls :func:`run` with ``workers > 1`` must
do so under ``if __name__ == "__main__":`` (the ``tradegame`` command does).
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import shlex
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from tradegame.engine import Done, Game, Pass, Reject, Rules
from tradegame.tournament.plan import GameTask
from tradegame.tournament.processes import PRELOAD as PRELOAD
from tradegame.tournament.processes import context as _context
from tradegame.tournament.processes import release_sigint, sigint_held
from tradegame.tournament.processes import start_workers_early as start_workers_early
from tradegame.tournament.results import GameResult
from tradegame.untrusted import printable

_RULES: dict[str, Rules] = {}


class GameFailed(RuntimeError):
    """A game of the tournament raised: a bug, reported with what replays the game."""

    def __init__(self, task: GameTask, error: str) -> None:
        seats = " ".join(f"--seat {p}={a!r}" for p, a in task.seats)
        super().__init__(
            f"game {task.index} failed: {error}\n  replay it alone with: "
            f"tradegame match {task.scenario} {seats} --seed {task.seed}"
        )
        self.task = task
        self.error = error


@dataclass(frozen=True, slots=True)
class ScenarioText:
    """A scenario as a tournament plays it: the name given on the command line and the text
    read once at the start. Workers (processes, or Dask workers on other machines) build
    their rules from this text, never from a path, so every game plays the same scenario."""

    label: str
    text: str


def _rules_key(scenario: str, text: str | None) -> str:
    return scenario if text is None else "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def rules_for(scenario: str, text: str | None = None) -> Rules:
    """The scenario's rules, loaded once per process: from ``text`` when given (cached by
    its sha256), else from the bundled name or path ``scenario``."""
    key = _rules_key(scenario, text)
    rules = _RULES.get(key)
    if rules is None:
        from tradegame.scenario import load_rules, rules_from_text

        rules = load_rules(scenario) if text is None else rules_from_text(text, scenario)
        _RULES[key] = rules
    return rules


def keep_rules(source: ScenarioText, rules: Rules) -> None:
    """Remember ``rules``, built by the caller from ``source``'s text, as that text's rules
    in this process (a command that has loaded the scenario need not load it again)."""
    _RULES[_rules_key(source.label, source.text)] = rules


def result_of(task: GameTask, game: Game, incidents: list[str]) -> GameResult:
    rules = game.rules
    kinds = {it.id: it.kind for it in rules.items}
    scores = game.scores()
    deals = []
    has_deal = dict.fromkeys(rules.player_ids, False)
    for d in game.deals_in_force():
        if d.unilateral:
            continue
        deals.append(
            {
                "id": d.id,
                "parties": list(d.parties),
                "round": d.round,
                "terms": [[t.item, t.value] for t in d.terms],
            }
        )
        if any(kinds[t.item] != "process" for t in d.terms):
            for p in d.parties:
                has_deal[p] = True
    passes = sum(isinstance(a, (Pass, Done, Reject)) for a in game.actions)
    return GameResult(
        index=task.index,
        scenario=task.scenario,
        seed=task.seed,
        seats=task.seat_map,
        score=scores,
        batna=game.batna(),
        deal=has_deal,
        deals=deals,
        rounds=game.round,
        actions=len(game.actions),
        passes=passes,
        incidents=incidents,
        state_hash=game.state_hash(),
        pid=os.getpid(),
    )


def play_game(task: GameTask, source: ScenarioText | None = None) -> GameResult:
    """Play one game of the tournament (in whichever process calls it), on the scenario
    text of ``source`` when given."""
    from tradegame.agents.base import play_match

    rules = rules_for(task.scenario, None if source is None else source.text)
    incidents: list[str] = []
    try:
        # Tasks are planned from the tournament's own command line (--agent, --agents).
        game = play_match(
            rules,
            task.seed,
            task.seat_map,
            incidents=incidents,
            time_limit=task.time_limit,
            allow_code=True,
            startup_limit=task.startup_limit,
        )
    except Exception as exc:
        raise GameFailed(task, f"{type(exc).__name__}: {exc}") from exc
    return result_of(task, game, incidents)


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A game of the tournament that produced no result, and why."""

    task: GameTask
    reason: str

    @property
    def index(self) -> int:
        return self.task.index

    def message(self) -> str:
        seats = " ".join(f"--seat {shlex.quote(f'{p}={a}')}" for p, a in self.task.seats)
        return printable(
            f"game {self.task.index} (seed {self.task.seed}): {self.reason}; "
            f"replay it alone with: tradegame match "
            f"{shlex.quote(self.task.scenario)} {seats} --seed {self.task.seed}"
        )


Outcome = GameResult | Unfinished

WORKER_DIED = "the worker process playing it died (killed, or the interpreter crashed)"


def _play_chunk(tasks: Sequence[GameTask], source: ScenarioText | None = None) -> list[Outcome]:
    out: list[Outcome] = []
    for task in tasks:
        try:
            out.append(play_game(task, source))
        except GameFailed as exc:
            out.append(Unfinished(task, exc.error))
    return out


_WORKERS_CPU = [0.0]  # in a tournament's process: the CPU its worker processes reported
_CPU_REPORTED = [0.0]  # in a worker: the CPU it has reported so far


def workers_cpu_seconds() -> float:
    """CPU seconds (user and system, with the bots they ran) used so far by the worker
    processes of this process's tournaments that are not its children, as each reported it
    with its results: a worker forked by the fork server is the server's child, so
    ``os.times()``'s and ``getrusage(RUSAGE_CHILDREN)``'s children figures never count it (a
    spawned worker is this process's child, counted there when it ends, and reports 0)."""
    return _WORKERS_CPU[0]


def _play_chunk_counted(
    tasks: Sequence[GameTask], source: ScenarioText | None = None
) -> tuple[list[Outcome], float]:
    """In a worker: the chunk's outcomes, and the CPU this process (and the bots it waited
    for) used since its last report (the first one includes its start), unless the
    tournament's process counts it as its child (see :func:`workers_cpu_seconds`)."""
    out = _play_chunk(tasks, source)
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid == os.getppid():
        return out, 0.0
    times = os.times()
    now = times.user + times.system + times.children_user + times.children_system
    used, _CPU_REPORTED[0] = now - _CPU_REPORTED[0], now
    return out, used


def _end_on_sigterm(signum: int, frame: object) -> None:
    # Exit at once (the pool waits for its workers; unwinding could leave one waiting for
    # work), but first stop the bots of the game in hand.
    external = sys.modules.get("tradegame.agents.external")
    if external is not None:
        external.kill_all()
    os._exit(128 + signum)


def _end_when_orphaned() -> None:
    # A tournament killed with SIGKILL cannot stop its pool: its workers would wait for work
    # forever (each with its bots). The parent holds a pipe open for each worker (the
    # sentinel of multiprocessing.parent_process()): it closes when the parent ends, however
    # it ends. (A forked worker's parent *process* is the fork server, which lives on while
    # its workers do, so its process id tells nothing.)
    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - a pool's worker always has one
        return
    parent.join()
    _end_on_sigterm(signal.SIGTERM, None)


def _worker_start(barrier: Any, environ: dict[str, str], rules: dict[str, Rules]) -> None:
    """Take the parent's environment and the scenarios' rules, then wait (briefly) until
    every worker is up, so that the first worker does not play every game of a short
    tournament while the others start."""
    # A fork server's worker has the server's environment, from when the server started:
    # take the parent's as it is now (a spawned worker has it already).
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)
    # Ctrl-C is the main process's to handle (it stops the workers); the SIGTERM that
    # stops a worker stops its bots too.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    release_sigint()  # held back while the worker started (processes.sigint_held)
    signal.signal(signal.SIGTERM, _end_on_sigterm)
    threading.Thread(target=_end_when_orphaned, daemon=True, name="tradegame-parent-watch").start()
    _RULES.update(rules)
    try:
        barrier.wait(timeout=60)
    except threading.BrokenBarrierError:  # pragma: no cover - a worker died while starting
        pass


def chunk_size(games: int, workers: int) -> int:
    return max(1, min(8, games // (workers * 8)))


MAX_CHUNK = 8
"""The most games sent to a worker at a time (fewer sends and answers for short games)."""


def chunks(tasks: Sequence[GameTask], workers: int) -> list[list[GameTask]]:
    """``tasks`` in game order, cut into chunks that shrink as the end nears (guided
    self-scheduling): each takes a quarter of an equal share of the games still to send, at
    most :data:`MAX_CHUNK`, so the last games go one at a time and no worker sits idle
    while another plays a long chunk at the end."""
    out: list[list[GameTask]] = []
    start = 0
    while start < len(tasks):
        size = max(1, min(MAX_CHUNK, (len(tasks) - start) // (4 * max(1, workers))))
        out.append(list(tasks[start : start + size]))
        start += size
    return out


def run(
    tasks: Sequence[GameTask],
    workers: int = 1,
    on_result: Callable[[Outcome], None] | None = None,
    source: ScenarioText | None = None,
) -> Generator[Outcome, None, None]:
    """Play ``tasks`` and yield their outcomes in game order: a :class:`GameResult`, or an
    :class:`Unfinished` for a game that raised or whose worker process died. With
    ``source``, every game plays that scenario text (the tasks' scenario is its label).

    With workers, the games of a worker that dies are played again, each alone in a fresh
    worker; a game that fails that way too is yielded as :class:`Unfinished`, and the other
    games go on. ``on_result`` is called as each game finishes (in finishing order), e.g.
    for a progress bar; the iterator itself yields in game order.
    """
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            try:
                outcome: Outcome = play_game(task, source)
            except GameFailed as exc:
                outcome = Unfinished(task, exc.error)
            if on_result is not None:
                on_result(outcome)
            yield outcome
        return
    yield from _run_parallel(tasks, workers, on_result, source)


def _pool(ctx: Any, workers: int, rules: dict[str, Rules]) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_worker_start,
        initargs=(ctx.Barrier(workers), dict(os.environ), rules),
    )


def max_workers() -> int:
    """The most worker processes a pool may have here: 61 on Windows (a process pool waits
    on its workers' handles all at once, at most 63 with its own two), where a pool of more
    raised ValueError; no limit elsewhere. ``--workers`` above it plays with this many."""
    if sys.platform == "win32":
        from concurrent.futures import process

        return int(getattr(process, "_MAX_WINDOWS_WORKERS", 61))
    return sys.maxsize


def _rules_to_send(tasks: Sequence[GameTask], source: ScenarioText | None) -> dict[str, Rules]:
    """The rules every game of ``tasks`` plays, by :func:`rules_for`'s key, as this process
    builds them (once): the workers are handed them rather than load them each."""
    if source is not None:
        return {_rules_key(source.label, source.text): rules_for(source.label, source.text)}
    return {s: rules_for(s) for s in sorted({t.scenario for t in tasks})}


_MANAGER_ENDS_WITHIN = 10.0
"""Seconds a stopped pool's manager thread is given to notice its ended workers and close."""


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what waits, end the workers (their games are abandoned), and
    wait for the pool's manager thread to close its pipes. Left running, it could close its
    wake-up pipe while the interpreter's exit hook wrote to it: "OSError: [Errno 9] Bad file
    descriptor" and a traceback on stderr after a tournament stopped by a signal (CI, at load)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    if manager is not None:
        manager.join(_MANAGER_ENDS_WITHIN)


def _play_alone(
    ctx: Any, tasks: Sequence[GameTask], rules: dict[str, Rules], source: ScenarioText | None
) -> Iterator[Outcome]:
    """Play ``tasks`` one at a time in a worker of their own, so that if the worker dies,
    the game it was playing is why (a new worker takes the next game)."""
    pool: ProcessPoolExecutor | None = None
    try:
        for task in tasks:
            outcome: Outcome
            try:
                if pool is None:
                    pool = _pool(ctx, 1, rules)
                with sigint_held():  # a submit may start a worker
                    future = pool.submit(_play_chunk_counted, [task], source)
                outcomes, cpu = future.result()
                _WORKERS_CPU[0] += cpu
                outcome = outcomes[0]
            except BrokenProcessPool:
                outcome = Unfinished(task, WORKER_DIED + ", also when played again alone")
                if pool is not None:  # None: the new worker itself could not start
                    _stop(pool)
                pool = None
            except OSError as exc:
                outcome = Unfinished(
                    task, f"no worker process could be started ({exc.strerror or exc})"
                )
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
                outcome = Unfinished(task, f"{type(exc).__name__}: {exc}")
            yield outcome
    except BaseException:
        if pool is not None:
            _stop(pool)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


def _run_parallel(
    tasks: Sequence[GameTask],
    workers: int,
    on_result: Callable[[Outcome], None] | None,
    source: ScenarioText | None,
) -> Iterator[Outcome]:
    workers = min(workers, max_workers())
    ctx = _context()
    rules = _rules_to_send(tasks, source)
    waiting = deque(chunks(tasks, workers))
    done: dict[int, Outcome] = {}
    order = [t.index for t in tasks]
    position = 0

    def finished(outcome: Outcome) -> None:
        done[outcome.index] = outcome
        if on_result is not None:
            on_result(outcome)

    def in_order() -> Iterator[Outcome]:
        nonlocal position
        while position < len(order) and order[position] in done:
            yield done.pop(order[position])
            position += 1

    while waiting:
        # One pool until it breaks (a worker died): the games it had in hand are then played
        # again, each alone, and a new pool takes the games still waiting.
        size_now = min(workers, len(waiting))  # the pool starts one process per waiting chunk
        suspects: list[GameTask] = []
        broken = False
        pool = _pool(ctx, size_now, rules)
        pending: dict[Future[tuple[list[Outcome], float]], list[GameTask]] = {}
        try:
            while (waiting or pending) and not broken:
                while waiting and len(pending) < size_now * 3:
                    chunk = waiting.popleft()
                    try:
                        with sigint_held():  # a submit may start a worker
                            pending[pool.submit(_play_chunk_counted, chunk, source)] = chunk
                    except BrokenProcessPool:
                        waiting.appendleft(chunk)
                        broken = True
                        break
                if not pending:
                    break
                if broken:
                    ready, _ = wait(pending)
                else:
                    ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                    if any(f.exception() is not None for f in ready):
                        broken = True
                        ready, _ = wait(pending)  # a broken pool fails every game it holds
                for future in ready:
                    chunk = pending.pop(future)
                    if future.exception() is not None:
                        suspects.extend(chunk)
                    else:
                        outcomes, cpu = future.result()
                        _WORKERS_CPU[0] += cpu
                        for outcome in outcomes:
                            finished(outcome)
                yield from in_order()
        except BaseException:
            _stop(pool)
            raise
        if broken:
            _stop(pool)
        else:
            pool.shutdown(wait=True)
        if broken and not suspects and waiting:
            suspects = waiting.popleft()  # the pool broke before it took a game
        alone = sorted(suspects, key=lambda t: t.index)
        for outcome in _play_alone(ctx, alone, rules, source):
            finished(outcome)
            yield from in_order()
    yield from in_order()


__all__ = [
    "GameFailed",
    "Outcome",
    "ScenarioText",
    "Unfinished",
    "chunk_size",
    "chunks",
    "keep_rules",
    "max_workers",
    "play_game",
    "result_of",
    "rules_for",
    "run",
    "start_workers_early",
    "workers_cpu_seconds",
]
