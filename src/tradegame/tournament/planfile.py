"""The plan file beside a tournament's results: ``results.plan.json`` for ``results.csv``.

It records the :class:`~tradegame.tournament.plan.Plan` (and the shard, if any) the results
belong to, with the plan's hash, so that ``--resume`` and ``tradegame tournament merge`` can
refuse results of another tournament before touching anything. It holds no timestamp and
nothing about the machine, so a tournament run serially, with workers, on a Dask cluster,
resumed, or merged from shards leaves the same bytes.

The file may come from another machine (a shard's results): it is read as data, bounded, and
messages about it quote nothing from it but numbers and hash prefixes.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from tradegame.tournament.plan import MAX_GAMES, PLAN_FORMAT, PLAN_VERSION, Plan, Shard
from tradegame.tournament.results import ResultsRefused, ResultsWriteError, write_all
from tradegame.untrusted import FileRefused, printable, read_regular_file

MAX_PLAN_BYTES = 1024 * 1024
"""A plan file is a few hundred bytes; anything over a megabyte is not one."""


def plan_path(out: str | Path) -> Path:
    """The plan file of the results ``out`` (``r.csv`` -> ``r.plan.json``)."""
    return Path(out).with_suffix(".plan.json")


def plan_text(plan: Plan, shard: Shard | None) -> str:
    return json.dumps(plan.manifest(shard), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_plan(out: str | Path, plan: Plan, shard: Shard | None) -> None:
    """Write the plan file of ``out`` (beside it, then renamed over the old one)."""
    target = plan_path(out)
    data = plan_text(plan, shard).encode("utf-8")
    with contextlib.suppress(OSError):
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ResultsWriteError(target, exc) from None
    try:
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ResultsWriteError(target, exc) from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_plan(out: str | Path) -> tuple[Plan, Shard | None] | None:
    """The plan (and shard) recorded beside the results ``out``; None when there is no plan
    file. Raises :class:`ResultsRefused`, with the file and what is wrong, for anything
    that is not a plan file this program wrote (or whose hash does not match its fields)."""
    path = plan_path(out)
    try:
        data = read_regular_file(path, MAX_PLAN_BYTES, what="plan file")
    except FileRefused as exc:
        if exc.kind == "missing":
            return None
        raise ResultsRefused(f"{path}: {exc}") from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ResultsRefused(f"{path}: not a plan file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise ResultsRefused(
            f"{path} line {exc.lineno} column {exc.colno}: not a plan file (not JSON)"
        ) from None
    except (ValueError, RecursionError):
        raise ResultsRefused(f"{path}: not a plan file (not JSON)") from None
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise ResultsRefused(
            f'{path}: not a plan file (no "format": "{PLAN_FORMAT}"); a tournament\'s '
            f"results come with the plan file it wrote"
        )
    if doc.get("version") != PLAN_VERSION:
        raise ResultsRefused(
            f"{path}: a plan file of another version than {PLAN_VERSION}, which this "
            f"version of tradegame does not read"
        )
    try:
        plan = Plan(
            scenario=_text(doc, "scenario"),
            scenario_sha256=_text(doc, "scenario_sha256"),
            roles=tuple(_texts(doc, "roles")),
            agents=tuple(_texts(doc, "agents")),
            games=_games(doc),
            seed=_whole(doc, "seed", None),
            time_limit=_seconds(doc, "time_limit"),
            startup_limit=_seconds(doc, "startup_limit"),
        )
        shard = _shard(doc.get("shard"))
    except _Bad as exc:
        raise ResultsRefused(f"{path}: {exc}") from None
    if doc.get("plan") != plan.hash:
        raise ResultsRefused(
            f'{path}: its "plan" hash is not the hash of its fields (the file was edited '
            f"or damaged); the results cannot be matched to a tournament"
        )
    return plan, shard


class _Bad(Exception):
    pass


def _plain(value: Any) -> bool:
    """A text without control characters or line breaks (it goes into CSV cells and onto
    the terminal)."""
    return isinstance(value, str) and printable(value) == value and "\n" not in value


def _text(doc: dict[str, Any], key: str) -> str:
    value = doc.get(key)
    if not _plain(value):
        raise _Bad(f'"{key}" is not a text without control characters')
    return str(value)


def _texts(doc: dict[str, Any], key: str) -> list[str]:
    value = doc.get(key)
    if not isinstance(value, list) or not value or not all(_plain(v) for v in value):
        raise _Bad(f'"{key}" is not a list of texts without control characters')
    return value


def _whole(doc: dict[str, Any], key: str, least: int | None) -> int:
    value = doc.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f'"{key}" is not a whole number')
    if least is not None and value < least:
        raise _Bad(f'"{key}" is less than {least}')
    return value


def _games(doc: dict[str, Any]) -> int:
    games = _whole(doc, "games", 1)
    if games > MAX_GAMES:  # merge lists every game of the plan
        raise _Bad(f'"games" is more than {MAX_GAMES:,}')
    return games


def _seconds(doc: dict[str, Any], key: str) -> float | None:
    value = doc.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f'"{key}" is not a number of seconds')
    seconds = float(value)
    if not (math.isfinite(seconds) and seconds > 0):
        raise _Bad(f'"{key}" is not a positive number of seconds')
    return seconds


def _shard(value: Any) -> Shard | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1]
    ):
        raise _Bad('"shard" is not [K, N] with 1 <= K <= N')
    return Shard(value[0], value[1])


__all__ = ["MAX_PLAN_BYTES", "plan_path", "plan_text", "read_plan", "write_plan"]
