"""The what-if calculator: economic effects of a tariff set, against the 2024 base path.

Starts from the tariffs in force when the scenario begins (pauses as at the start), replaces
the effective (all-in) rate of every cell an override names, and evaluates the economy model.
A teacher's calculator: ``tradegame whatif SCENARIO --tariff A:B:all=24%``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradegame.engine import economy as eco
from tradegame.engine.machine import Machine
from tradegame.engine.plain import picklable_when_compiled
from tradegame.engine.rules import ALL, Rules


@dataclass(frozen=True, slots=True)
class Override:
    importer: str
    exporter: str
    sector: str  # a sector id or "all"
    rate: float

    def matches(self, cell: eco.FlowCell) -> bool:
        return (
            cell.importer == self.importer
            and cell.exporter == self.exporter
            and self.sector in (ALL, cell.sector)
        )


def check_override(rules: Rules, o: Override) -> str | None:
    """Why an override cannot apply to these rules, or None."""
    ids = rules.player_ids
    for who in (o.importer, o.exporter):
        if who not in ids:
            return f"unknown player {who!r} (players: {', '.join(ids)})"
    if o.sector != ALL and o.sector not in rules.sector_ids:
        return f"unknown sector {o.sector!r} (sectors: {', '.join(rules.sector_ids)}, or all)"
    if not 0.0 <= o.rate <= rules.limits.max_tariff:
        return f"rate {o.rate:g} is outside 0..{rules.limits.max_tariff:g}"
    if not any(o.matches(c) for c in eco.compile_rules(rules).cells):
        return f"no trade flow from {o.exporter} to {o.importer} in {o.sector}"
    return None


def tariff_effects(rules: Rules, overrides: list[Override]) -> dict[str, Any]:
    """Per player: GDP effect, balance, revenue, consumer cost, exports and lost exports."""
    rates = Machine(rules, 0).rates()  # the tariffs as play begins
    cells = eco.compile_rules(rules).cells
    for o in overrides:
        for cell in cells:
            if o.matches(cell):
                rates[cell.index] = o.rate
    snap = eco.snapshot(rules, rates, eco.TermIndex(), set())
    out: dict[str, Any] = {"scenario": rules.id, "players": {}, "flows": []}
    for p in rules.players:
        exports0 = sum(c.v0 for c in cells if c.exporter == p.id)
        exports = sum(snap.value[c.index] for c in cells if c.exporter == p.id)
        imports = sum(snap.value[c.index] for c in cells if c.importer == p.id)
        lost: dict[str, float] = {}
        for c in cells:
            if c.exporter == p.id:
                lost[c.sector] = lost.get(c.sector, 0.0) + c.v0 - snap.value[c.index]
        out["players"][p.id] = {
            "name": p.name,
            "gdp_effect_pct": snap.gdp_pct[p.id],
            "gdp_effect_bn": snap.gdp_bn[p.id],
            "trade_balance_bn": exports - imports,
            "exports_bn": exports,
            "exports_change_pct": 100.0 * (exports / exports0 - 1.0) if exports0 else 0.0,
            "tariff_revenue_bn": snap.revenue[p.id],
            "consumer_cost_bn": snap.consumer_cost[p.id],
            "lost_exports_bn": lost,
        }
    for c in cells:
        out["flows"].append(
            {
                "exporter": c.exporter,
                "importer": c.importer,
                "sector": c.sector,
                "rate": rates[c.index],
                "base_bn": c.v0,
                "value_bn": snap.value[c.index],
            }
        )
    return out


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
