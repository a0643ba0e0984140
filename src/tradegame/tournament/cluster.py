"""Playing a tournament's games on a Dask cluster (the optional ``dask`` extra:
``pip install 'tradegame[dask]'``, which brings ``distributed``).

Without a scheduler address a :class:`distributed.LocalCluster` of ``workers`` processes (one
thread each) is started on this machine, listening on loopback only; with one (``--scheduler
tcp://host:8786``) the games go to that cluster, whose workers need tradegame (and every
agent the tournament names) installed. Each task carries the scenario's *text* (scattered to
the workers once), never a path, so a worker on another machine plays exactly the scenario
this command read. Results come back in any order and are yielded in game order, so the files
are the same bytes as a serial run.

A Dask scheduler runs what its clients send it (pickles): on a network you do not control,
give it TLS and authentication, as Dask's documentation says.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Sequence
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
    """Play ``tasks`` on a Dask cluster and yield their outcomes in game order (a game whose
    task failed on the cluster, its worker lost for good, is an :class:`Unfinished`)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise DaskMissing() from None

    cluster: Any = None
    client: Any = None
    futures: list[Any] = []
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=max(1, workers),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler)
        size = chunk_size(len(tasks), max(1, workers))
        chunks = [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]
        [text] = client.scatter([source], broadcast=True)
        futures = client.map(_play_chunk, chunks, [text] * len(chunks), pure=False)
        chunk_of = {f.key: chunk for f, chunk in zip(futures, chunks, strict=True)}
        done: dict[int, Outcome] = {}
        order = [t.index for t in tasks]
        position = 0
        for future in as_completed(futures):
            chunk = chunk_of[future.key]
            outcomes: list[Outcome]
            if future.status == "finished":
                outcomes = future.result()
            else:
                exc = future.exception()
                reason = f"failed on the Dask cluster ({type(exc).__name__}: {exc})"
                outcomes = [Unfinished(task, reason) for task in chunk]
            future.release()
            for outcome in outcomes:
                done[outcome.index] = outcome
                if on_result is not None:
                    on_result(outcome)
            while position < len(order) and order[position] in done:
                yield done.pop(order[position])
                position += 1
    finally:
        if client is not None:
            with contextlib.suppress(Exception):
                client.cancel(futures)
            with contextlib.suppress(Exception):
                client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


__all__ = ["DaskMissing", "available", "run_dask"]
