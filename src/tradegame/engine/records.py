"""The records a game is made of: deals, talk sessions, log lines, pledges, the ledger.

Small mutable dataclasses (a game copies them for every projection) and the helpers every
phase uses (pair keys, clamping, rate steps). No rule lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tradegame.engine.actions import Term
from tradegame.engine.kinds import DealStatus, Phase, SessionStatus

TALKS = Phase.TALKS
ORDERS = Phase.ORDERS
OVER = Phase.OVER
RATE_EPS = 1e-9
MAX_STAKES = 1e6  # talk stakes multiply with every raise_stakes (an instructor may inject many)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class Deal:
    """A deal between two players (or a unilateral concession when ``unilateral``)."""

    id: str
    parties: tuple[str, str]
    terms: tuple[Term, ...]
    round: int
    level: str
    stakes: float
    status: DealStatus = DealStatus.AGREED
    unilateral: bool = False
    ended_by: str | None = None
    ended_round: int = 0
    reneged_by: tuple[str, ...] = ()  # everyone who reneged on it (both may, at once)
    # The terms as the economy reads them (economy.deal_entries), made when first needed.
    entries: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)
    moves_rates: bool | None = field(default=None, compare=False, repr=False)
    # (parties, ((item, level), ...)): what of the deal the economy reads, as a plain value
    # (economy.deal_key), made when first needed.
    key: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    def other(self, player: str) -> str:
        return self.parties[1] if self.parties[0] == player else self.parties[0]

    def to_json(self) -> dict[str, Any]:
        return deal_json(self, self.status, self.ended_by, self.ended_round, self.reneged_by)


@dataclass(slots=True)
class Session:
    """A bilateral talks session in the current round."""

    pair: tuple[str, str]
    requester: str
    responder: str
    level: str
    stakes: float
    max_exchanges: int
    exchanges: int = 0
    offer: tuple[Term, ...] | None = None
    offer_by: str | None = None
    turn: str = ""
    status: SessionStatus = SessionStatus.OPEN

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": list(self.pair),
            "requester": self.requester,
            "level": self.level,
            "stakes": self.stakes,
            "max_exchanges": self.max_exchanges,
            "exchanges": self.exchanges,
            "status": self.status,
            "turn": self.turn,
            "offer": [[t.item, t.value] for t in self.offer] if self.offer else None,
            "offer_by": self.offer_by,
        }


class LogEntry(NamedTuple):
    """One line of the event log; ``audience`` None means public.

    An immutable record (a named tuple: about 200 are made each game, and a tuple is the
    cheapest immutable value to build).
    """

    round: int
    day: int
    phase: str
    kind: str
    text: str
    audience: frozenset[str] | None = None

    def visible_to(self, player: str | None) -> bool:
        return self.audience is None or player is None or player in self.audience

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "day": self.day,
            "phase": self.phase,
            "kind": self.kind,
            "text": self.text,
            "audience": sorted(self.audience) if self.audience is not None else None,
        }


@dataclass(slots=True)
class Pledge:
    """A statement whose audience cost is still open (claim, demand or threat)."""

    kind: str
    speaker: str
    partner: str
    subject: str
    round: int
    due: int = 0
    triggered: int = 0  # round a threat was triggered, 0 = not yet
    settled: bool = False
    trigger: str = ""  # what put a threat to the test: escalation | no_deal


@dataclass(slots=True)
class Ledger:
    """Per-player sums of annual rates × days (and of approval and credibility × days),
    per-pair sums of relations × days, and per-flow sums for tariffs and values.

    The per-flow sums are tuples, replaced each round: copies of the state and round states
    share them, and nobody holding a copy can change another's.
    """

    days: int = 0
    player: dict[str, dict[str, float]] = field(default_factory=dict)
    flow_rate: tuple[float, ...] = ()
    flow_value: tuple[float, ...] = ()
    relations: dict[tuple[str, str], float] = field(default_factory=dict)


LEDGER_KEYS = (
    "gdp_bn",
    "gdp_pct",
    "revenue",
    "consumer_cost",
    "investment_received",
    "purchases_received",
    "cost_sharing_received",
    "approval",
    "credibility",
)


def deal_json(
    d: Deal, status: str, ended_by: str | None, ended_round: int, reneged_by: tuple[str, ...]
) -> dict[str, Any]:
    """:meth:`Deal.to_json` with the fields that change given (as they were)."""
    return {
        "id": d.id,
        "parties": list(d.parties),
        "round": d.round,
        "terms": [[t.item, t.value] for t in d.terms],
        "level": d.level,
        "status": status,
        "unilateral": d.unilateral,
        "ended_by": ended_by,
        "ended_round": ended_round,
        "reneged_by": list(reneged_by),
    }


def clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return lo if x < lo else hi if x > hi else x


def on_step(rate: float, lo: float, hi: float, step: float) -> bool:
    if abs(rate - lo) < RATE_EPS or abs(rate - hi) < RATE_EPS:
        return True
    k = rate / step
    return abs(k - round(k)) < 1e-6
