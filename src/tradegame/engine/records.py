"""The records a game is made of: deals, talk sessions, log lines, pledges, the ledger.

Small mutable dataclasses and the helpers every phase uses (pair keys, clamping, rate
steps). No rule lives here.

Deals, sessions and pledges are shared by a game and its copies, copy on write: each holds
the token of the one game that may change it in place (``owner``: its game's ``_token`` when
made or last copied for that game), and a phase changes one only through the game's
``own_deal``, ``own_session`` or ``own_pledge`` (:class:`tradegame.engine.state.State`),
which copy it into that game first if it is not the game's own. ``tests/engine/
test_copy_on_write.py`` checks that no copy or ``what_if`` sees another game's change.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from tradegame.engine.actions import Term
from tradegame.engine.kinds import DealStatus, Phase, SessionStatus
from tradegame.engine.plain import python_class

TALKS: Final = Phase.TALKS
ORDERS: Final = Phase.ORDERS
OVER: Final = Phase.OVER
RATE_EPS: Final = 1e-9
MAX_STAKES = 1e6  # talk stakes multiply with every raise_stakes (an instructor may inject many)


_new = object.__new__
# What a game's token is (any object, compared by identity). A name rather than `object` in the
# fields below: mypyc (tools/build_compiled.py) looks a field's `object` up among the module's
# globals, where it is not.
Token = object


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@python_class
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
    # The token of the game that may change this deal in place (see the module's text).
    owner: Token = field(default=None, compare=False, repr=False, kw_only=True)

    def other(self, player: str) -> str:
        return self.parties[1] if self.parties[0] == player else self.parties[0]

    def to_json(self) -> dict[str, Any]:
        return deal_json(self, self.status, self.ended_by, self.ended_round, self.reneged_by)


@python_class
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
    # The token of the game that may change this session in place (see the module's text).
    owner: Token = field(default=None, compare=False, repr=False, kw_only=True)

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


@python_class
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
    # The token of the game that may change this pledge in place (see the module's text).
    owner: Token = field(default=None, compare=False, repr=False, kw_only=True)

    def copy_for(self, owner: object) -> Pledge:
        """This pledge for the game whose token is ``owner``: every field as it is (made
        field by field, about half the cost of the constructor's call)."""
        new: Pledge = _new(Pledge)
        new.kind = self.kind
        new.speaker = self.speaker
        new.partner = self.partner
        new.subject = self.subject
        new.round = self.round
        new.due = self.due
        new.triggered = self.triggered
        new.settled = self.settled
        new.trigger = self.trigger
        new.owner = owner
        return new


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
"""The ledger's per-player sums, in slot order: the economy's (a snapshot's per-player
values, in this order), then approval and credibility."""
ECONOMY_KEYS = LEDGER_KEYS[:7]
LEDGER_INDEX = {key: k for k, key in enumerate(LEDGER_KEYS)}
APPROVAL_SLOT = LEDGER_INDEX["approval"]
CREDIBILITY_SLOT = LEDGER_INDEX["credibility"]


class LedgerLayout(NamedTuple):
    """Where a scenario's ledger keeps each sum (one per scenario, see tables).

    Per-player sums are key-major: the sum of ``LEDGER_KEYS[k]`` of the player at position
    ``p`` (``ids[p]``) is in slot ``k * len(ids) + p``, so that one round adds a snapshot's
    per-player values key by key, and player ``p``'s sums are the slice ``p::len(ids)``.
    Relations sums follow ``pairs`` (every pair of players, in the order the state keeps them).
    """

    ids: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    position: dict[str, int]
    pair_position: dict[tuple[str, str], int]
    by_player: Callable[[Mapping[str, float]], tuple[float, ...]]  # the values in ids order
    player_slices: tuple[slice, ...]  # each player's sums, in LEDGER_KEYS order
    # Per player: the pairs it is in (in pairs order), their values' getter, and the
    # positions of those pairs in pairs and among the player's own.
    own_pairs: dict[str, tuple[tuple[str, str], ...]]
    by_own_pair: dict[str, Callable[[Mapping[tuple[str, str], float]], tuple[float, ...]]]
    own_pair_index: dict[str, dict[tuple[str, str], int]]
    by_pair: Callable[[Mapping[tuple[str, str], float]], tuple[float, ...]]  # in pairs order

    def slot(self, player: str, key: str) -> int:
        """The slot of ``player``'s sum of ``key`` (one of ``LEDGER_KEYS``)."""
        return LEDGER_INDEX[key] * len(self.ids) + self.position[player]


def ledger_layout(ids: tuple[str, ...]) -> LedgerLayout:
    """The layout of a ledger for players ``ids`` (in the rules' order): their pairs are
    made in the order the state's relations start with."""
    pairs = tuple(pair_key(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :])
    own = {p: tuple(pair for pair in pairs if p in pair) for p in ids}
    return LedgerLayout(
        ids=ids,
        pairs=pairs,
        position={p: n for n, p in enumerate(ids)},
        pair_position={pair: n for n, pair in enumerate(pairs)},
        by_player=_values_of(ids),
        player_slices=tuple(slice(n, None, len(ids)) for n in range(len(ids))),
        own_pairs=own,
        by_own_pair={p: _values_of(own[p]) for p in ids},
        own_pair_index={p: {pair: n for n, pair in enumerate(own[p])} for p in ids},
        by_pair=_values_of(pairs),
    )


def _values_of(keys: tuple[Any, ...]) -> Callable[[Mapping[Any, float]], tuple[float, ...]]:
    """A function giving a mapping's values at ``keys``, as a tuple in their order (one call
    in C; a KeyError if one is missing)."""
    if len(keys) == 1:  # itemgetter of one key gives the value itself
        return _ValueAt(keys[0])
    if not keys:  # (itemgetter takes no empty list)
        return _NoValues()
    return operator.itemgetter(*keys)


class _ValueAt:
    """A mapping's value at one key, as a tuple of one (a class, not a closure: a game, whose
    ledger layout holds it, can be pickled)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __call__(self, values: Mapping[Any, float]) -> tuple[float, ...]:
        return (values[self.key],)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_ValueAt, (self.key,))


class _NoValues:
    """No values of a mapping: the empty tuple (a class, so that it pickles)."""

    __slots__ = ()

    def __call__(self, values: Mapping[Any, float]) -> tuple[float, ...]:
        return ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_NoValues, ())


class Ledger(NamedTuple):
    """Per-player sums of annual rates × days (and of approval and credibility × days),
    per-pair sums of relations × days, and per-flow sums for tariffs and values.

    Immutable: each round makes a new one, so copies of the state and its round captures
    share it and nobody holding one can change another's. Where each sum is: ``layout``.
    ``player`` and ``relations`` give the sums by name (for views, reports and JSON).
    """

    days: int
    sums: tuple[float, ...]  # per player, key-major (LedgerLayout)
    pair_sums: tuple[float, ...]  # per pair of players, in layout.pairs order
    flow_rate: tuple[float, ...]  # per flow cell, in cell order
    flow_value: tuple[float, ...]
    layout: LedgerLayout

    @property
    def player(self) -> dict[str, dict[str, float]]:
        """Each player's sums by name, in ``LEDGER_KEYS`` order (new dicts each call)."""
        sums = self.sums
        return {
            p: dict(zip(LEDGER_KEYS, sums[part], strict=True))
            for p, part in zip(self.layout.ids, self.layout.player_slices, strict=True)
        }

    @property
    def relations(self) -> dict[tuple[str, str], float]:
        """The relations sums by pair (a new dict each call)."""
        return dict(zip(self.layout.pairs, self.pair_sums, strict=True))


def empty_ledger(layout: LedgerLayout, cells: int) -> Ledger:
    """A ledger of nothing yet: every sum 0.0, for ``cells`` flow cells."""
    return Ledger(
        days=0,
        sums=(0.0,) * (len(LEDGER_KEYS) * len(layout.ids)),
        pair_sums=(0.0,) * len(layout.pairs),
        flow_rate=(0.0,) * cells,
        flow_value=(0.0,) * cells,
        layout=layout,
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
