"""Tournament results: one record per game, its CSV row and JSON line, and the summary.

Every figure is rounded before it is written, and nothing about the machine (process ids,
timings) is, so the files are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradegame.untrusted import FileRefused, read_regular_file

DIGITS = 4
"""Decimals of every score in the CSV and JSON lines."""


@dataclass(slots=True)
class GameResult:
    """What one game of a tournament produced."""

    index: int
    scenario: str
    seed: int
    seats: dict[str, str]  # role -> agent spec, in scenario order
    score: dict[str, float]
    batna: dict[str, float]
    deal: dict[str, bool]  # role -> ended with a bilateral deal of substance in force
    deals: list[dict[str, Any]]  # bilateral deals in force at the end
    rounds: int
    actions: int
    passes: int  # pass / done / reject moves
    incidents: list[str]
    state_hash: str
    pid: int = field(default=0, compare=False)  # the process that played it (not written)

    @property
    def roles(self) -> list[str]:
        return list(self.seats)

    @property
    def surplus(self) -> dict[str, float]:
        return {p: self.score[p] - self.batna[p] for p in self.score}

    @property
    def joint_surplus(self) -> float:
        return sum(self.surplus.values())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GameResult:
        """A result read back from its JSON line (scores as rounded there)."""
        if not isinstance(data, dict):
            raise TypeError("not an object")

        def number(x: Any) -> float:
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise TypeError("not a number")
            value = float(x)  # OverflowError for a whole number past any float
            if not math.isfinite(value):  # 1e999 in a line: the summary would hold inf, nan
                raise ValueError("not a finite number")
            return value

        def whole(x: Any) -> int:
            if isinstance(x, bool) or not isinstance(x, int):
                raise TypeError("not a whole number")
            return x

        seats = {str(k): str(v) for k, v in data["seats"].items()}
        return cls(
            index=whole(data["game"]),
            scenario=str(data["scenario"]),
            seed=whole(data["seed"]),
            seats=seats,
            score={p: number(data["score"][p]) for p in seats},
            batna={p: number(data["batna"][p]) for p in seats},
            deal={p: bool(data["deal"][p]) for p in seats},
            deals=list(data["deals"]),
            rounds=whole(data["rounds"]),
            actions=whole(data["actions"]),
            passes=whole(data["passes"]),
            incidents=[str(i) for i in data["incidents"]],
            state_hash=str(data["state_hash"]),
        )

    def to_json(self) -> dict[str, Any]:
        r = _round
        return {
            "game": self.index,
            "scenario": self.scenario,
            "seed": self.seed,
            "seats": self.seats,
            "score": {p: r(v) for p, v in self.score.items()},
            "batna": {p: r(v) for p, v in self.batna.items()},
            "surplus": {p: r(v) for p, v in self.surplus.items()},
            "deal": self.deal,
            "joint_surplus": r(self.joint_surplus),
            "deals": self.deals,
            "rounds": self.rounds,
            "actions": self.actions,
            "passes": self.passes,
            "incidents": self.incidents,
            "state_hash": self.state_hash,
        }


def _round(x: float) -> float:
    return round(x, DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _fmt(x: float) -> str:
    return f"{x:.{DIGITS}f}".replace("-0.0000", "0.0000")


def csv_header(roles: Sequence[str]) -> list[str]:
    cols = ["game", "scenario", "seed"]
    cols += [f"seat_{p}" for p in roles]
    cols += [f"score_{p}" for p in roles]
    cols += [f"batna_{p}" for p in roles]
    cols += [f"surplus_{p}" for p in roles]
    cols += [f"deal_{p}" for p in roles]
    cols += ["joint_surplus", "deals", "rounds", "actions", "passes", "incidents", "state_hash"]
    return cols


def csv_row(result: GameResult) -> list[str]:
    roles = result.roles
    surplus = result.surplus
    row = [str(result.index), result.scenario, str(result.seed)]
    row += [result.seats[p] for p in roles]
    row += [_fmt(result.score[p]) for p in roles]
    row += [_fmt(result.batna[p]) for p in roles]
    row += [_fmt(surplus[p]) for p in roles]
    row += ["1" if result.deal[p] else "0" for p in roles]
    row += [
        _fmt(result.joint_surplus),
        str(len(result.deals)),
        str(result.rounds),
        str(result.actions),
        str(result.passes),
        str(len(result.incidents)),
        result.state_hash,
    ]
    return row


class ResultsWriteError(Exception):
    """A results file that could not be written (a full disk, say); what was written before
    stays whole."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.path = path
        self.reason = exc.strerror or type(exc).__name__
        super().__init__(f"cannot write {path}: {self.reason}")


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd`` (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def csv_line(row: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


def json_line(result: GameResult) -> str:
    return json.dumps(result.to_json(), sort_keys=True, ensure_ascii=False) + "\n"


class ResultsWriter:
    """Streams results to ``path`` (CSV) and its ``.jsonl`` sibling, one whole line per
    game in each file.

    ``mode`` is ``"new"`` (the files must not exist), ``"replace"`` or ``"append"`` (to files
    that already hold the header). Each line goes out in one write, straight to the file (no
    buffer to lose); when a write fails, both files are cut back to the end of their last
    whole line, so a game is in both files or in neither, and :class:`ResultsWriteError`
    names the file.
    """

    def __init__(self, path: str | Path, roles: Sequence[str], mode: str = "new") -> None:
        self.path = Path(path)
        self.jsonl_path = self.path.with_suffix(".jsonl")
        flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        flags |= {"new": os.O_CREAT | os.O_EXCL, "replace": os.O_CREAT | os.O_TRUNC, "append": 0}[
            mode
        ]
        self._fds: list[int] = []
        self.written = 0
        created: list[Path] = []
        try:
            for p in (self.path, self.jsonl_path):
                try:
                    if mode == "replace" and p.is_symlink():
                        # the link itself is replaced, its target never written (as saves do)
                        p.unlink()
                    nofollow = os.O_NOFOLLOW if mode == "replace" else 0
                    self._fds.append(os.open(p, flags | nofollow, 0o666))
                except OSError as exc:
                    raise ResultsWriteError(p, exc) from None
                if mode == "new":
                    created.append(p)
            self._sizes = [os.fstat(fd).st_size for fd in self._fds]
            if mode != "append":
                self._append(csv_line(csv_header(roles)), "")
        except BaseException:
            self.close()
            for p in created:  # nothing of this run is left behind
                with contextlib.suppress(OSError):
                    p.unlink()
            raise

    def write(self, result: GameResult) -> None:
        self._append(csv_line(csv_row(result)), json_line(result))
        self.written += 1

    def _append(self, *texts: str) -> None:
        done = 0
        try:
            for fd, text in zip(self._fds, texts, strict=True):
                if text:
                    write_all(fd, text.encode("utf-8"))
                done += 1
        except OSError as exc:
            for fd, size in zip(self._fds, self._sizes, strict=True):
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
            raise ResultsWriteError((self.path, self.jsonl_path)[done], exc) from None
        self._sizes = [os.fstat(fd).st_size for fd in self._fds]

    def close(self) -> None:
        fds, self._fds = self._fds, []
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------- reading them back


Key = tuple[int, int, tuple[str, ...]]
"""A game of a tournament: its index, its seed and its agents in role order."""


def task_key(index: int, seed: int, seats: dict[str, str], roles: Sequence[str]) -> Key:
    return index, seed, tuple(str(seats.get(r)) for r in roles)


class ResultsRefused(Exception):
    """Results files that cannot be resumed (another tournament's, say); the message quotes
    nothing from them but numbers."""


@dataclass(slots=True)
class Record:
    """A game already in the results files: its two lines, and the result they describe."""

    result: GameResult
    csv: str
    json: str


@dataclass(slots=True)
class Existing:
    """What results files hold: the games found whole in both, and the lines dropped (a game
    in one file only, a torn or unreadable line, a game written twice), each located as
    (file name, line number, why)."""

    records: dict[Key, Record] = field(default_factory=dict)
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    scenarios: set[str] = field(default_factory=set)

    @property
    def dropped(self) -> int:
        return len(self.problems)

    def located(self, limit: int = 5) -> str:
        """The first ``limit`` problems as "r.csv line 7: torn (no end of line)"; the message
        quotes nothing from the files."""
        shown = [f"{name} line {line}: {why}" for name, line, why in self.problems[:limit]]
        more = len(self.problems) - limit
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _lines(path: Path) -> tuple[list[str], int]:
    """The whole lines of ``path`` (none if it is missing), and 1 if its last line is torn."""
    try:
        # never a FIFO (it would block) nor a device (/dev/zero would fill the memory)
        data = read_regular_file(path, RESULTS_LIMIT, what="results file")
    except FileRefused as exc:
        if exc.kind == "missing":
            return [], 0
        raise ResultsRefused(f"{path}: {exc}") from None
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    torn = 1 if lines[-1] else 0
    return [line + "\n" for line in lines[:-1]], torn


TORN = "torn (the file ends inside this line)"

#: The largest results file read back (a game is about 1 KB in each file).
RESULTS_LIMIT = 4 * 1024**3


def _csv_line_of(data: dict[str, Any], roles: Sequence[str]) -> str | None:
    """The CSV line :class:`ResultsWriter` wrote for the JSON line ``data`` (its figures as
    rounded there), or None when ``data`` lacks one of them."""
    try:
        row = [str(data["game"]), str(data["scenario"]), str(data["seed"])]
        row += [str(data["seats"][p]) for p in roles]
        for part in ("score", "batna", "surplus"):
            row += [_fmt(float(data[part][p])) for p in roles]
        row += ["1" if data["deal"][p] else "0" for p in roles]
        row += [_fmt(float(data["joint_surplus"])), str(len(data["deals"]))]
        row += [str(data[k]) for k in ("rounds", "actions", "passes")]
        row += [str(len(data["incidents"])), str(data["state_hash"])]
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    return csv_line(row)


def read_results(path: str | Path, roles: Sequence[str]) -> Existing:
    """The games found in ``path`` (CSV) and its ``.jsonl`` sibling, keyed by :data:`Key`.

    A game counts when its CSV row and JSON line are both whole, readable and agree (the
    same game, seed, seats and state hash); every other line is a located problem.
    Raises :class:`ResultsRefused` when the CSV's header is not this tournament's."""
    path = Path(path)
    jsonl = path.with_suffix(".jsonl")
    csv_lines, torn_csv = _lines(path)
    json_lines, torn_json = _lines(jsonl)
    out = Existing()
    if torn_csv:
        out.problems.append((path.name, len(csv_lines) + 1, TORN))
    if torn_json:
        out.problems.append((jsonl.name, len(json_lines) + 1, TORN))
    header = csv_header(roles)
    if csv_lines:
        if next(csv.reader([csv_lines[0]]), None) != header:
            raise ResultsRefused(
                f"{path} line 1 is not the header of the results of a tournament with the "
                f"roles {', '.join(roles)}"
            )
    by_csv: dict[Key, tuple[int, str, str]] = {}  # key -> (line number, line, state hash)
    n = len(roles)
    for number, line in enumerate(csv_lines[1:], start=2):
        row = next(csv.reader([line]), [])
        try:
            if len(row) != len(header):
                raise ValueError
            key = (int(row[0]), int(row[2]), tuple(row[3 : 3 + n]))
        except ValueError:
            out.problems.append((path.name, number, "not a row of these results"))
            continue
        if key in by_csv:
            out.problems.append((path.name, number, f"game {key[0]} a second time"))
        else:
            by_csv[key] = (number, line, row[-1])
    for number, line in enumerate(json_lines, start=1):
        try:
            data = json.loads(line)
            result = GameResult.from_json(data)
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            OverflowError,
            RecursionError,
        ):  # RecursionError: a line of deeply nested brackets
            out.problems.append((jsonl.name, number, "not a game's result"))
            continue
        key = task_key(result.index, result.seed, result.seats, roles)
        if key in out.records:
            out.problems.append((jsonl.name, number, f"game {key[0]} a second time"))
            continue
        if key not in by_csv:
            out.problems.append((jsonl.name, number, f"game {key[0]}, not in {path.name}"))
            continue
        csv_number, csv_text, csv_hash = by_csv.pop(key)
        if csv_hash != result.state_hash:
            out.problems.append(
                (
                    jsonl.name,
                    number,
                    f"game {key[0]}, whose state hash is not the one in "
                    f"{path.name} line {csv_number}",
                )
            )
            continue
        if csv_text != _csv_line_of(data, roles):
            # a figure edited in one file (the state hash does not cover them): the CSV row is
            # not the one written for this JSON line, so the game is played again
            out.problems.append(
                (
                    path.name,
                    csv_number,
                    f"game {key[0]}, not the row the program wrote for {jsonl.name} line "
                    f"{number} (edited)",
                )
            )
            continue
        out.records[key] = Record(result, csv_text, line)
        out.scenarios.add(result.scenario)
    for key, (number, _, _) in sorted(by_csv.items(), key=lambda kv: kv[1][0]):
        out.problems.append((path.name, number, f"game {key[0]}, not in {jsonl.name}"))
    return out


def _mode_of(target: Path) -> int:
    """The permissions of ``target``, or those a new file gets (0666 less the umask)."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def rewrite(path: str | Path, roles: Sequence[str], records: Iterable[Record]) -> None:
    """Replace ``path`` and its ``.jsonl`` sibling with ``records`` in game order, each file
    written beside the old one and renamed over it (a crash leaves the old file or the new)."""
    path = Path(path)
    ordered = sorted(records, key=lambda r: r.result.index)
    texts = {
        path: csv_line(csv_header(roles)) + "".join(r.csv for r in ordered),
        path.with_suffix(".jsonl"): "".join(r.json for r in ordered),
    }
    for target, text in texts.items():
        data = text.encode("utf-8")
        try:
            if os.path.getsize(target) == len(data) and target.read_bytes() == data:
                continue  # already so (the usual case): no copy, so a full disk is no matter
        except OSError:
            pass
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            try:
                # mkstemp makes the file private (0600): keep the mode the old file had
                os.fchmod(fd, _mode_of(target))
                write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise ResultsWriteError(target, exc) from None


def csv_text(results: Iterable[GameResult], roles: Sequence[str]) -> str:
    """The CSV a writer would produce, as a string (for tests and reports)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header(roles))
    for r in results:
        writer.writerow(csv_row(r))
    return out.getvalue()


# ---------------------------------------------------------------------- summary


T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
"""Student's t, 97.5th percentile, for 1 to 30 degrees of freedom (standard tables)."""

_T975_TAIL = ((30, 2.042), (40, 2.021), (60, 2.000), (120, 1.980), (math.inf, 1.960))


def t975(df: int) -> float:
    """The 97.5th percentile of Student's t with ``df`` degrees of freedom (a 95% two-sided
    interval): exact to three decimals up to 30, then interpolated in 1/df between the
    table's 40, 60, 120 and infinity (error under 0.001)."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df <= 30:
        return T975[df - 1]
    for (d0, t0), (d1, t1) in itertools.pairwise(_T975_TAIL):
        if df <= d1:
            x0, x1, x = 1 / d0, (0.0 if d1 == math.inf else 1 / d1), 1 / df
            return t1 + (t0 - t1) * (x - x1) / (x0 - x1)
    return 1.960  # pragma: no cover - the last bound is infinity


def ci95(values: Sequence[float], games: Sequence[int]) -> float | None:
    """Half-width of a 95% confidence interval for the mean of ``values``, where
    ``games[i]`` is the game ``values[i]`` came from; None with fewer than two games.

    Seats of one game are not independent (an agent may hold several roles in a game), so
    the values are grouped by game: the mean is a ratio of per-game sums to per-game counts,
    its variance the usual cluster-robust one, G/(G-1) * sum((y_g - mean*m_g)^2) / (sum m_g)^2
    over the G games, and the interval mean ± t(G-1) * sqrt(variance). With one value per
    game this is the textbook t interval, s/sqrt(n) * t(n-1)."""
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for value, game in zip(values, games, strict=True):
        sums[game] = sums.get(game, 0.0) + value
        counts[game] = counts.get(game, 0) + 1
    g = len(sums)
    if g < 2:
        return None
    total = sum(counts.values())
    mean = sum(sums.values()) / total
    spread = sum((sums[k] - mean * counts[k]) ** 2 for k in sums)
    variance = g / (g - 1) * spread / total**2
    return t975(g - 1) * math.sqrt(variance)


@dataclass(slots=True)
class Stats:
    """Figures over ``n`` seats (one agent in one role of one game each)."""

    n: int = 0
    scores: list[float] = field(default_factory=list)
    surpluses: list[float] = field(default_factory=list)
    deals: int = 0
    joint: list[float] = field(default_factory=list)
    games: list[int] = field(default_factory=list)  # the game each seat was in

    def add(self, score: float, surplus: float, deal: bool, joint: float, game: int = -1) -> None:
        self.n += 1
        self.scores.append(score)
        self.surpluses.append(surplus)
        self.deals += deal
        self.joint.append(joint)
        self.games.append(game if game >= 0 else -self.n)  # no game given: each seat alone

    @property
    def mean_score(self) -> float:
        return _mean(self.scores)

    @property
    def mean_surplus(self) -> float:
        return _mean(self.surpluses)

    @property
    def deal_rate(self) -> float:
        return self.deals / self.n if self.n else 0.0

    @property
    def joint_welfare(self) -> float:
        return _mean(self.joint)

    @property
    def spread(self) -> float:
        """Sample standard deviation of the score (0 with fewer than two games)."""
        if self.n < 2:
            return 0.0
        m = self.mean_score
        return math.sqrt(sum((x - m) ** 2 for x in self.scores) / (self.n - 1))

    @property
    def ci_score(self) -> float | None:
        """Half-width of the 95% confidence interval of the mean score (see :func:`ci95`)."""
        return ci95(self.scores, self.games)

    @property
    def ci_surplus(self) -> float | None:
        """Half-width of the 95% confidence interval of the mean surplus."""
        return ci95(self.surpluses, self.games)


def _mean(xs: Sequence[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


@dataclass(slots=True)
class Summary:
    """Per agent (over every role it held) and per role and agent."""

    roles: list[str]
    agents: list[str]
    games: int = 0
    games_with_deal: int = 0
    by_agent: dict[str, Stats] = field(default_factory=dict)
    by_role: dict[tuple[str, str], Stats] = field(default_factory=dict)

    def add(self, result: GameResult) -> None:
        self.games += 1
        self.games_with_deal += any(result.deal.values())
        surplus = result.surplus
        joint = result.joint_surplus
        for role, agent in result.seats.items():
            for stats in (
                self.by_agent.setdefault(agent, Stats()),
                self.by_role.setdefault((role, agent), Stats()),
            ):
                stats.add(result.score[role], surplus[role], result.deal[role], joint, result.index)

    def best_in_role(self, role: str) -> str | None:
        """The agent with the highest mean surplus in ``role`` (None without games)."""
        rows = [(s.mean_surplus, a) for (r, a), s in self.by_role.items() if r == role and s.n]
        return max(rows)[1] if rows else None

    def clear_best_in_role(self, role: str) -> bool:
        """Whether the best agent's 95% interval of the surplus in ``role`` lies above every
        other agent's (intervals that overlap do not settle which is better)."""
        best = self.best_in_role(role)
        if best is None:
            return False
        top = self.by_role[(role, best)]
        if top.ci_surplus is None:
            return False
        low = top.mean_surplus - top.ci_surplus
        for (r, a), s in self.by_role.items():
            if r != role or a == best or not s.n:
                continue
            if s.ci_surplus is None or s.mean_surplus + s.ci_surplus >= low:
                return False
        return True

    def dominant(self) -> str | None:
        """An agent that is best in every role, if there is one."""
        best = {self.best_in_role(r) for r in self.roles}
        return best.pop() if len(best) == 1 and None not in best else None

    def to_json(self) -> dict[str, Any]:
        def half(x: float | None) -> float | None:
            return None if x is None else _round(x)

        def stats(s: Stats) -> dict[str, Any]:
            return {
                "n": s.n,
                "mean_score": _round(s.mean_score),
                "ci95_score": half(s.ci_score),
                "mean_surplus": _round(s.mean_surplus),
                "ci95_surplus": half(s.ci_surplus),
                "deal_rate": _round(s.deal_rate),
                "joint_welfare": _round(s.joint_welfare),
                "spread": _round(s.spread),
            }

        return {
            "games": self.games,
            "games_with_deal": self.games_with_deal,
            "by_agent": {a: stats(self.by_agent[a]) for a in self.agents if a in self.by_agent},
            "by_role": {
                r: {a: stats(self.by_role[(r, a)]) for a in self.agents if (r, a) in self.by_role}
                for r in self.roles
            },
            "best_in_role": {r: self.best_in_role(r) for r in self.roles},
            "clear_best_in_role": {r: self.clear_best_in_role(r) for r in self.roles},
            "dominant": self.dominant(),
        }


def summarize(
    results: Iterable[GameResult], roles: Sequence[str], agents: Sequence[str]
) -> Summary:
    summary = Summary(list(roles), list(agents))
    for r in results:
        summary.add(r)
    return summary


__all__ = [
    "DIGITS",
    "Existing",
    "GameResult",
    "Key",
    "Record",
    "ResultsRefused",
    "ResultsWriteError",
    "ResultsWriter",
    "Stats",
    "Summary",
    "ci95",
    "csv_header",
    "csv_row",
    "csv_text",
    "read_results",
    "rewrite",
    "summarize",
    "t975",
    "task_key",
    "write_all",
]
