"""Playing a tournament's games: in this process, or in worker processes.

:func:`run` yields results in game order whatever the number of workers. With more than
one worker the games go, in small chunks, to a :class:`concurrent.futures.ProcessPoolExecutor`
whose workers are *spawned* (a fresh interpreter each, so nothing leaks between them and
hash randomisation differs — the results must not, and the tests check that they do not);
results that finish early wait in a buffer until every earlier game is in.

As with any spawned process pool, a script that calls :func:`run` with ``workers > 1`` must
do so under ``if __name__ == "__main__":`` (the ``tradegame`` command does).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from tradegame.engine import Done, Game, Pass, Reject, Rules
from tradegame.tournament.plan import GameTask
from tradegame.tournament.results import GameResult

_RULES: dict[str, Rules] = {}


class GameFailed(RuntimeError):
    """A game of the tournament raised: a bug, reported with what replays the game."""

    def __init__(self, task: GameTask, error: str) -> None:
        seats = " ".join(f"--seat {p}={a!r}" for p, a in task.seats)
        super().__init__(f"game {task.index} failed: {error}\n  replay it alone with: "
                         f"tradegame match {task.scenario} {seats} --seed {task.seed}")
        self.task = task


def rules_for(scenario: str) -> Rules:
    """The scenario's rules, loaded once per process."""
    rules = _RULES.get(scenario)
    if rules is None:
        from tradegame.scenario import load_rules

        rules = _RULES[scenario] = load_rules(scenario)
    return rules


def result_of(task: GameTask, game: Game, incidents: list[str]) -> GameResult:
    rules = game.rules
    kinds = {it.id: it.kind for it in rules.items}
    scores = game.scores()
    deals = []
    has_deal = dict.fromkeys(rules.player_ids, False)
    for d in game.deals_in_force():
        if d.unilateral:
            continue
        deals.append({"id": d.id, "parties": list(d.parties), "round": d.round,
                      "terms": [[t.item, t.value] for t in d.terms]})
        if any(kinds[t.item] != "process" for t in d.terms):
            for p in d.parties:
                has_deal[p] = True
    passes = sum(isinstance(a, (Pass, Done, Reject)) for a in game.actions)
    return GameResult(
        index=task.index, scenario=task.scenario, seed=task.seed, seats=task.seat_map,
        score=scores, batna=game.batna(), deal=has_deal, deals=deals, rounds=game.round,
        actions=len(game.actions), passes=passes, incidents=incidents,
        state_hash=game.state_hash(), pid=os.getpid())


def play_game(task: GameTask) -> GameResult:
    """Play one game of the tournament (in whichever process calls it)."""
    from tradegame.agents.base import play_match

    rules = rules_for(task.scenario)
    incidents: list[str] = []
    try:
        game = play_match(rules, task.seed, task.seat_map, incidents=incidents,
                          time_limit=task.time_limit)
    except Exception as exc:
        raise GameFailed(task, f"{type(exc).__name__}: {exc}") from exc
    return result_of(task, game, incidents)


def _play_chunk(tasks: Sequence[GameTask]) -> list[GameResult]:
    return [play_game(t) for t in tasks]


def _worker_start(barrier: Any, scenarios: Sequence[str]) -> None:
    """Load the scenarios, then wait (briefly) until every worker is up, so that the first
    worker does not play every game of a short tournament while the others start."""
    for scenario in scenarios:
        rules_for(scenario)
    try:
        barrier.wait(timeout=60)
    except threading.BrokenBarrierError:  # pragma: no cover - a worker died while starting
        pass


def chunk_size(games: int, workers: int) -> int:
    return max(1, min(8, games // (workers * 8)))


def run(tasks: Sequence[GameTask], workers: int = 1,
        on_result: Callable[[GameResult], None] | None = None) -> Iterator[GameResult]:
    """Play ``tasks`` and yield their results in game order.

    ``on_result`` is called as each game finishes (in finishing order), e.g. for a progress
    bar; the iterator itself yields in game order.
    """
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            result = play_game(task)
            if on_result is not None:
                on_result(result)
            yield result
        return
    yield from _run_parallel(tasks, workers, on_result)


def _run_parallel(tasks: Sequence[GameTask], workers: int,
                  on_result: Callable[[GameResult], None] | None) -> Iterator[GameResult]:
    ctx = multiprocessing.get_context("spawn")
    scenarios = sorted({t.scenario for t in tasks})
    size = chunk_size(len(tasks), workers)
    chunks = [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]
    workers = min(workers, len(chunks))  # the pool starts one process per waiting chunk
    barrier = ctx.Barrier(workers)
    pending: dict[Future[list[GameResult]], int] = {}
    done: dict[int, GameResult] = {}
    order = [t.index for t in tasks]
    position = 0
    submitted = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_start,
                             initargs=(barrier, scenarios)) as pool:
        try:
            while position < len(order):
                while submitted < len(chunks) and len(pending) < workers * 3:
                    pending[pool.submit(_play_chunk, chunks[submitted])] = submitted
                    submitted += 1
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    del pending[future]
                    for result in future.result():
                        done[result.index] = result
                        if on_result is not None:
                            on_result(result)
                while position < len(order) and order[position] in done:
                    yield done.pop(order[position])
                    position += 1
        except BaseException:
            for future in pending:
                future.cancel()
            raise


__all__ = ["GameFailed", "chunk_size", "play_game", "result_of", "rules_for", "run"]
