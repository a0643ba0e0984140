"""Metrics, scores, BATNA and ``what_if`` (DESIGN §3.8).

Economic metrics, approval, credibility and relations are averages over the days played plus
the projection (:func:`over_window`): what has accumulated so far, plus today's value held for
the rest of the window and ``projection_days`` beyond it. So a score is meaningful at any
moment ("if things stay as they are") and final when the game is over, and a value pumped up
in the last round counts for that round's days, not as if it had held all along. The
projection holds a political value as it will last: what statements added and is still
wearing off (``State.lasting_approval``, ``lasting_relations``) counts only while it lasts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tradegame.engine.economy import FlowCell, Snapshot, player_sums
from tradegame.engine.machine import Machine
from tradegame.engine.memo import per_rules
from tradegame.engine.plain import picklable_when_compiled
from tradegame.engine.records import LEDGER_INDEX, OVER, pair_key
from tradegame.engine.rules import Objective, Rules

ECONOMIC_METRICS = {
    "gdp_effect": "gdp_pct",
    "tariff_revenue": "revenue",
    "consumer_cost": "consumer_cost",
    "investment_received": "investment_received",
    "purchases_received": "purchases_received",
    "cost_sharing_received": "cost_sharing_received",
}


def _remaining_days(game: Machine) -> int:
    """Days still to be accumulated at today's rates: rest of the window plus projection."""
    rest = 0 if game.is_over() else max(0, game.final_day + 1 - game.day)
    return rest + game.rules.calendar.projection_days


def over_window(accumulated: float, now: float, days: int, rest: int) -> float:
    """The average over the window plus the projection: ``accumulated`` (value × days over
    the ``days`` played) and ``now`` held for the ``rest``. The one rule for every metric
    that is scored over time."""
    return (accumulated + now * rest) / (days + rest)


def metric(
    game: Machine,
    player: str,
    obj: Objective | str,
    partner: str | None = None,
    sector: str | None = None,
) -> float:
    """The value of one metric for ``player`` (annualised over window plus projection)."""
    name = obj if isinstance(obj, str) else obj.metric
    if not isinstance(obj, str):
        partner, sector = obj.partner, obj.sector
    return _metric(game, player, name, partner, sector, _remaining_days(game), game.ledger_days())


def _metric(
    game: Machine,
    player: str,
    name: str,
    partner: str | None,
    sector: str | None,
    rest: int,
    days: int,
    snap: Snapshot | None = None,
    cells: _Cells | None = None,
) -> float:
    """:func:`metric` of ``name``, given the days still to come (:func:`_remaining_days`)
    and the days summed (``ledger_days``): the same for every metric of a score. A score
    gives the snapshot (``game.snapshot()``, the same for all its metrics) and, for a cell
    metric, its cells (:func:`_cells`) when it has them."""
    # The economy's metrics first, then the cell metrics: most of a score's.
    attr = ECONOMIC_METRICS.get(name)
    if attr is not None:
        if snap is None:
            snap = game.snapshot()
        now = player_sums(snap, player)[LEDGER_INDEX[attr]]
        return over_window(game.ledger_sum(player, attr), now, days, rest)
    if name in _CELL_METRICS:
        if snap is None:
            snap = game.snapshot()
        if name == "tariff_faced":
            counted, indexes = cells or _cells(game, player, name, partner, sector)
            sums = game.ledger_flows(indexes, False)
            num = den = 0.0
            for (cell, _), so_far in zip(counted, sums, strict=True):
                avg = over_window(so_far, snap.rate[cell.index], days, rest)
                num += avg * cell.v0
                den += cell.v0
            return num / den if den else 0.0
        if name == "trade_balance":
            counted, indexes = cells or _cells(game, player, name, partner, sector)
            sums = game.ledger_flows(indexes, True)
            so_far = today = 0.0
            for (cell, sign), cell_sum in zip(counted, sums, strict=True):
                so_far += sign * cell_sum
                today += sign * snap.value[cell.index]
            return over_window(so_far, today, days, rest)
    if name == "approval":
        return over_window(
            game.ledger_sum(player, "approval"), game.lasting_approval(player), days, rest
        )
    if name == "credibility":
        return over_window(
            game.ledger_sum(player, "credibility"), game.credibility[player], days, rest
        )
    if name == "relations":
        key = pair_key(player, partner or "")
        return over_window(game.ledger_relations(key), game.lasting_relations(key), days, rest)
    if name == "market_stress":
        return game.stress
    if name == "political_cost":
        return sum(game.political_cost(d, player) for d in game.deals_in_force(player))
    if name == "deals":  # negotiated deals with economic terms (not process-only ones)
        return float(
            sum(
                1
                for d in game.deals_in_force(player)
                if not d.unilateral
                and game.is_substantive(d)
                and (partner is None or partner in d.parties)
            )
        )
    raise ValueError(f"unknown metric {name!r}")  # pragma: no cover - models forbid it


_Cells = tuple[tuple[tuple[FlowCell, float], ...], list[int]]
"""A cell metric's cells, each with its sign (:func:`_counted_cells`), and their indexes."""


def _cells(
    game: Machine, player: str, name: str, partner: str | None, sector: str | None
) -> _Cells:
    """:func:`_counted_cells` and the cells' indexes, in the same order."""
    counted = _counted_cells(game, player, name, partner, sector)
    return counted, [cell.index for cell, _ in counted]


def _counted_cells(
    game: Machine, player: str, name: str, partner: str | None, sector: str | None
) -> tuple[tuple[FlowCell, float], ...]:
    """The flow cells a cell metric of ``player`` counts, in cell order, each with its sign:
    for ``tariff_faced`` the cells it exports on (sign 1), for ``trade_balance`` its exports
    (1) and imports (-1), with ``partner`` (the other side) and ``sector`` when given.
    Remembered per scenario and question; the sums over them are the floats of a scan of
    every cell (a cell left out added nothing)."""
    known = _counted_known(game.rules)
    key = (player, name, partner, sector)
    counted = known.get(key)
    if counted is not None:
        return counted
    out: list[tuple[FlowCell, float]] = []
    # Only the player's own cells can count (it exports or imports on each): pre-indexed
    # in cell order (tables).
    for cell in game.tables.player_cells[player]:
        if name == "tariff_faced":
            if (
                cell.exporter == player
                and partner in (None, cell.importer)
                and sector in (None, cell.sector)
            ):
                out.append((cell, 1.0))
            continue
        sign = 1.0 if cell.exporter == player else -1.0 if cell.importer == player else 0.0
        if not sign:
            continue
        other = cell.importer if sign > 0 else cell.exporter
        if partner not in (None, other) or sector not in (None, cell.sector):
            continue
        out.append((cell, sign))
    if len(known) >= COUNTED_CELLS_KEPT:
        known.clear()  # bounded (callers may ask of any partner and sector)
    counted = known[key] = tuple(out)
    return counted


COUNTED_CELLS_KEPT = 256


@per_rules
def _counted_known(
    rules: Rules,
) -> dict[tuple[str, str, str | None, str | None], tuple[tuple[FlowCell, float], ...]]:
    """The answers of :func:`_counted_cells` so far, by (player, metric, partner, sector)."""
    return {}


def score(game: Machine, player: str) -> float:
    """``player``'s score, 0–100: the weighted sum of its normalised objectives."""
    rest, days = _remaining_days(game), game.ledger_days()  # (the same for each metric)
    plan = _score_plans(game.rules).get(player)
    if plan is None:
        plan = _score_plan(game, player)
    objectives, economic = plan
    snap = game.snapshot() if economic else None  # (the same for each metric)
    total = 0.0
    for obj, cells in objectives:
        value = _metric(game, player, obj.metric, obj.partner, obj.sector, rest, days, snap, cells)
        total += obj.weight * obj.normalise(value)
    return 100.0 * total


_ScorePlan = tuple[tuple[tuple[Objective, _Cells | None], ...], bool]


def _score_plan(game: Machine, player: str) -> _ScorePlan:
    """``player``'s objectives, each with its cells if it is a cell metric, and whether any
    reads the economy (a snapshot): made once per scenario and player."""
    objectives = tuple(
        (
            obj,
            _cells(game, player, obj.metric, obj.partner, obj.sector)
            if obj.metric in _CELL_METRICS
            else None,
        )
        for obj in game.rules.player(player).objectives
    )
    economic = any(obj.metric not in _NOT_ECONOMIC for obj, _ in objectives)
    plan = _score_plans(game.rules)[player] = (objectives, economic)
    return plan


_CELL_METRICS = frozenset({"tariff_faced", "trade_balance"})
# The metrics _metric answers without the snapshot.
_NOT_ECONOMIC = frozenset(
    {"approval", "credibility", "relations", "market_stress", "political_cost", "deals"}
)


@per_rules
def _score_plans(rules: Rules) -> dict[str, _ScorePlan]:
    """The plans of :func:`score` made so far, by player."""
    return {}


def score_breakdown(game: Machine, player: str) -> list[dict[str, Any]]:
    out = []
    for obj in game.rules.player(player).objectives:
        value = metric(game, player, obj)
        out.append(
            {
                "label": obj.label,
                "metric": obj.metric,
                "partner": obj.partner,
                "sector": obj.sector,
                "value": value,
                "best": obj.best,
                "worst": obj.worst,
                "weight": obj.weight,
                "points": 100.0 * obj.weight * obj.normalise(value),
            }
        )
    return out


def play_out_passing(game: Machine) -> None:
    """Everyone passes (or is done) until the game ends: the rest of each round's moves
    played as the passive ones (:meth:`Machine.pass_round`)."""
    pass_round = game.pass_round
    while game.phase != OVER:
        pass_round()


class Metrics(Mapping[str, float]):
    """A projection's public metrics, computed from its finished game when first read (bots
    read only the score): a read-only mapping of metric name to value."""

    __slots__ = ("_make", "_values")

    def __init__(self, make: Callable[[], dict[str, float]]) -> None:
        self._make: Callable[[], dict[str, float]] | None = make
        self._values: dict[str, float] | None = None

    def _all(self) -> dict[str, float]:
        values = self._values
        if values is None:
            assert self._make is not None
            values = self._values = self._make()
            self._make = None  # the finished game it read can go
        return values

    def __getitem__(self, name: str) -> float:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


@dataclass(frozen=True, slots=True)
class Projection:
    """What ``what_if`` reports: the player's own projected score and public metrics."""

    player: str
    score: float
    baseline: float  # the projected score if the player does nothing more
    metrics: Mapping[str, float]  # a dict, or Metrics (computed when first read)
    notes: tuple[str, ...]

    @property
    def change(self) -> float:
        return self.score - self.baseline

    def to_json(self) -> dict[str, Any]:
        return {
            "player": self.player,
            "score": self.score,
            "baseline": self.baseline,
            "change": self.change,
            "metrics": dict(self.metrics),
            "notes": list(self.notes),
        }


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
