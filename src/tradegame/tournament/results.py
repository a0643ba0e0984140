"""Tournament results: one record per game, its CSV row and JSON line, and the summary.

Every figure is rounded before it is written, and nothing about the machine (process ids,
timings) is, so the files are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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

    def to_json(self) -> dict[str, Any]:
        r = _round
        return {
            "game": self.index, "scenario": self.scenario, "seed": self.seed,
            "seats": self.seats,
            "score": {p: r(v) for p, v in self.score.items()},
            "batna": {p: r(v) for p, v in self.batna.items()},
            "surplus": {p: r(v) for p, v in self.surplus.items()},
            "deal": self.deal, "joint_surplus": r(self.joint_surplus),
            "deals": self.deals, "rounds": self.rounds, "actions": self.actions,
            "passes": self.passes, "incidents": self.incidents, "state_hash": self.state_hash,
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
    row += [_fmt(result.joint_surplus), str(len(result.deals)), str(result.rounds),
            str(result.actions), str(result.passes), str(len(result.incidents)),
            result.state_hash]
    return row


class ResultsWriter:
    """Streams results, in game order, to ``path`` (CSV) and its ``.jsonl`` sibling."""

    def __init__(self, path: str | Path, roles: Sequence[str]) -> None:
        self.path = Path(path)
        self.jsonl_path = self.path.with_suffix(".jsonl")
        self._csv_file: IO[str] = self.path.open("w", newline="", encoding="utf-8")
        self._json_file: IO[str] = self.jsonl_path.open("w", encoding="utf-8")
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        self._csv.writerow(csv_header(roles))
        self._csv_file.flush()

    def write(self, result: GameResult) -> None:
        self._csv.writerow(csv_row(result))
        self._json_file.write(json.dumps(result.to_json(), sort_keys=True,
                                         ensure_ascii=False) + "\n")
        self._csv_file.flush()
        self._json_file.flush()

    def close(self) -> None:
        self._csv_file.close()
        self._json_file.close()

    def __enter__(self) -> ResultsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def csv_text(results: Iterable[GameResult], roles: Sequence[str]) -> str:
    """The CSV a writer would produce, as a string (for tests and reports)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header(roles))
    for r in results:
        writer.writerow(csv_row(r))
    return out.getvalue()


# ---------------------------------------------------------------------- summary


@dataclass(slots=True)
class Stats:
    """Figures over ``n`` seats (one agent in one role of one game each)."""

    n: int = 0
    scores: list[float] = field(default_factory=list)
    surpluses: list[float] = field(default_factory=list)
    deals: int = 0
    joint: list[float] = field(default_factory=list)

    def add(self, score: float, surplus: float, deal: bool, joint: float) -> None:
        self.n += 1
        self.scores.append(score)
        self.surpluses.append(surplus)
        self.deals += deal
        self.joint.append(joint)

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
            for stats in (self.by_agent.setdefault(agent, Stats()),
                          self.by_role.setdefault((role, agent), Stats())):
                stats.add(result.score[role], surplus[role], result.deal[role], joint)

    def best_in_role(self, role: str) -> str | None:
        """The agent with the highest mean surplus in ``role`` (None without games)."""
        rows = [(s.mean_surplus, a) for (r, a), s in self.by_role.items() if r == role and s.n]
        return max(rows)[1] if rows else None

    def dominant(self) -> str | None:
        """An agent that is best in every role, if there is one."""
        best = {self.best_in_role(r) for r in self.roles}
        return best.pop() if len(best) == 1 and None not in best else None

    def to_json(self) -> dict[str, Any]:
        def stats(s: Stats) -> dict[str, Any]:
            return {"n": s.n, "mean_score": _round(s.mean_score),
                    "mean_surplus": _round(s.mean_surplus), "deal_rate": _round(s.deal_rate),
                    "joint_welfare": _round(s.joint_welfare), "spread": _round(s.spread)}

        return {
            "games": self.games, "games_with_deal": self.games_with_deal,
            "by_agent": {a: stats(self.by_agent[a]) for a in self.agents if a in self.by_agent},
            "by_role": {r: {a: stats(self.by_role[(r, a)]) for a in self.agents
                            if (r, a) in self.by_role} for r in self.roles},
            "best_in_role": {r: self.best_in_role(r) for r in self.roles},
            "dominant": self.dominant(),
        }


def summarize(results: Iterable[GameResult], roles: Sequence[str],
              agents: Sequence[str]) -> Summary:
    summary = Summary(list(roles), list(agents))
    for r in results:
        summary.add(r)
    return summary


__all__ = ["DIGITS", "GameResult", "ResultsWriter", "Stats", "Summary", "csv_header",
           "csv_row", "csv_text", "summarize"]
