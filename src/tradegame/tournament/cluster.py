"""Playing a tournament's games on a Dask cluster (the optional ``dask`` extra:
``pip install 'tradegame[dask]'``, which brings ``distributed``).

Without a scheduler address a :class:`distributed.LocalCluster` of ``workers`` processes (one
thread each) is started on this machine, listening on loopback only; with one (``--scheduler
tcp://host:8786``) the games go to that cluster, whose workers need tradegame (and every
agent the tournament names) installed. Each task carries the scenario's *text*, never a
path, so a worker on another machine plays exactly the scenario this command read. Results
come back in any order and are yielded in game order, so the files are the same bytes as a
serial run. A chunk of games whose task fails (its worker died more often than Dask
retries) is played again one game a task; a game that still fails is listed as unfinished,
as with processes, and ``--resume`` plays it again.

A Dask scheduler runs what its clients send it (pickles): on a network you do not control,
give it TLS and authentication, as Dask's documentation says.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import Any

from tradegame.tournament.plan import GameTask
from tradegame.tournament.runner import (
    Outcome,
    ScenarioText,
    Unfinished,
    _play_chunk,
    chunk_size,
)


class DaskMissing(RuntimeError):
    """The ``distributed`` package is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "the Dask executor needs the distributed package: pip install 'tradegame[dask]'"
        )


def available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def run_dask(
    tasks: Sequence[GameTask],
    source: ScenarioText,
    workers: int = 2,
    scheduler: str | None = None,
    on_result: Callable[[Outcome], None] | None = None,
) -> Generator[Outcome, None, None]:
    """Play ``tasks`` on a Dask cluster and yield their outcomes in game order.

    Each task carries the scenario text itself (nothing is kept on a worker that may die).
    A chunk of games whose task fails on the cluster (its worker lost more often than Dask
    retries it, say) is played again one game a task; a game that fails alone is an
    :class:`Unfinished`, and the other games go on. Dask's own log lines are kept off the
    terminal while it runs; what failed is said in the tournament's own words."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DaskMissing() from None

    cluster: Any = None
    client: Any = None
    pending: dict[Any, list[GameTask]] = {}
    quiet = _quiet_dask()
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=max(1, workers),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler)
        size = chunk_size(len(tasks), max(1, workers))
        chunks = [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]
        futures = client.map(_play_chunk, chunks, [source] * len(chunks), pure=False)
        pending = dict(zip(futures, chunks, strict=True))
        done: dict[int, Outcome] = {}
        order = [t.index for t in tasks]
        position = 0
        tries: dict[int, int] = {}
        queue = as_completed(futures)
        for future in _completed(client, queue, pending):
            if future is None:  # no worker left: what waits cannot be played
                for chunk in pending.values():
                    for task in chunk:
                        done[task.index] = Unfinished(task, NO_WORKER)
                pending.clear()
                break
            chunk = pending.pop(future)
            outcomes: list[Outcome] = []
            try:
                if future.status != "finished":
                    raise _Failed(future)
                outcomes = future.result()
            except Exception as exc:  # noqa: BLE001 - the cluster's failure, not a bug here
                # A worker that dies fails every task it held: play the chunk's games again,
                # one a task (a game that fails twice that way is unfinished).
                again = [t for t in chunk if tries.get(t.index, 0) < RETRIES]
                for task in again:
                    tries[task.index] = tries.get(task.index, 0) + 1
                    [alone] = client.map(_play_chunk, [[task]], [source], pure=False)
                    pending[alone] = [task]
                    queue.add(alone)
                outcomes = [Unfinished(t, _why(exc)) for t in chunk if t not in again]
            finally:
                future.release()
            for outcome in outcomes:
                done[outcome.index] = outcome
                if on_result is not None:
                    on_result(outcome)
            while position < len(order) and order[position] in done:
                yield done.pop(order[position])
                position += 1
        while position < len(order) and order[position] in done:
            yield done.pop(order[position])
            position += 1
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.cancel(list(pending))
            with contextlib.suppress(Exception):
                client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()
        quiet()


NO_WORKER_GRACE = 60.0
"""Seconds the cluster may have no worker at all (a worker that keeps dying, a scheduler
whose workers left) before the games still waiting are given up as unfinished."""

NO_WORKER = (
    f"no Dask worker was left to play it for {NO_WORKER_GRACE:g} s (workers that keep dying, "
    f"or a cluster without workers)"
)


def _completed(client: Any, queue: Any, pending: dict[Any, Any]) -> Iterator[Any]:
    """The futures of ``queue`` as they complete; ``None`` once the cluster has had no worker
    for :data:`NO_WORKER_GRACE` seconds while games wait (Dask itself would wait forever)."""
    alone_since: float | None = None
    checked = time.monotonic()
    while pending:
        batch = queue.next_batch(block=False)
        if batch:
            alone_since = None
            yield from batch
            continue
        if queue.is_empty():
            return
        time.sleep(POLL)
        if time.monotonic() - checked < 1.0:
            continue
        checked = time.monotonic()
        try:
            workers = len(client.scheduler_info().get("workers", {}))
        except Exception:  # noqa: BLE001 - a scheduler gone away has no workers either
            workers = 0
        if workers:
            alone_since = None
        elif alone_since is None:
            alone_since = time.monotonic()
        elif time.monotonic() - alone_since > NO_WORKER_GRACE:
            yield None
            return


POLL = 0.05

RETRIES = 2
"""Times a game is played again alone after its task failed on the cluster (on top of
Dask's own retries of a task whose worker died)."""


class _Failed(Exception):
    def __init__(self, future: Any) -> None:
        cause: BaseException | None
        try:
            cause = future.exception(timeout=1)
        except Exception as exc:  # noqa: BLE001 - a cancelled or lost future
            cause = exc
        self.cause = cause
        self.status = str(future.status)
        super().__init__(str(cause))


def _why(exc: BaseException) -> str:
    cause = exc.cause if isinstance(exc, _Failed) else exc
    if cause is None:
        status = exc.status if isinstance(exc, _Failed) else "?"
        return f"its task on the Dask cluster ended {status!r}, without a result"
    name = type(cause).__name__
    if name == "KilledWorker":
        return (
            "the Dask worker playing it died each time it was tried (killed, or the "
            "interpreter crashed)"
        )
    return f"failed on the Dask cluster ({name}: {cause})"


def _quiet_dask() -> Callable[[], None]:
    """Keep Dask's log lines (a lost worker, a restart) off the terminal; return what puts
    the levels back."""
    loggers = [logging.getLogger(n) for n in ("distributed", "dask")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)

    def restore() -> None:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)

    return restore


__all__ = ["DaskMissing", "available", "run_dask"]
