"""The term index (``economy.index_terms``, issue 17) is the index the rule's plain steps
make, bit for bit, wherever a game makes one.

``index_terms`` makes its tables as literals and the index positionally, and reads a
giver's credibility only for the pledged kinds that use it. The reference below is the
index as it was made before (every table a dataclass default, the credibility discount read
for every term): at every index made in random games of every scenario, copies and
projections among them, both give the same tables in the same order, every float the same
bits (float.hex). An index's tables that credibility moves are its own; those it does not
move (economy.deal_terms: cuts, caps, quotas, currency) are shared only by the indexes of
the same deals; no table changes after it is made (a snapshot or a copy still reads it).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tradegame.engine import economy as eco
from tradegame.engine.records import Deal
from tradegame.engine.rules import Rules

from .test_fast_paths import _scenarios
from .test_round_caches import _bits, _play


def _reference_index(
    rules: Rules, deals: list[Deal], credibility: dict[str, float]
) -> eco.TermIndex:
    """The index of ``deals`` by the rule's plain steps, as index_terms made it before."""
    idx = eco.TermIndex()
    compiled = eco.compile_rules(rules)
    currency_deals = 0
    pledgers: list[str] = []
    realised = rules.economy.purchase_realisation
    pledged = {"purchase", "investment", "cost_sharing", "regulatory"}
    for deal in deals:
        has_currency = False
        for kind, giver, receiver, v, item in eco.deal_entries(rules, deal):
            pledge = credibility[giver] / 100.0
            if kind in pledged and giver not in pledgers:
                pledgers.append(giver)
            if kind in ("tariff_cap", "tariff_cut"):
                by_cell: Any = idx.cell_caps if kind == "tariff_cap" else idx.cell_cuts
                for index in eco.covered_cells(rules, item, receiver):
                    by_cell.setdefault(index, []).append(v)
            elif kind == "quota":
                quota_cell = compiled.cell_index.get((receiver, giver, item.sector))
                if quota_cell is not None:
                    quotas: Any = idx.cell_quotas
                    quotas.setdefault(quota_cell, []).append((v, item.in_quota_rate))
            elif kind == "purchase":
                key = (receiver, giver, item.sector)
                purchases: Any = idx.purchases
                received: Any = idx.purchases_received
                purchases[key] = purchases.get(key, 0.0) + v * pledge * realised
                received[receiver] = received.get(receiver, 0.0) + v * pledge
            elif kind == "investment":
                per_year = v / item.years * pledge
                investment: Any = idx.investment
                given: Any = idx.investment_given
                investment[receiver] = investment.get(receiver, 0.0) + per_year
                given[giver] = given.get(giver, 0.0) + per_year
            elif kind == "cost_sharing":
                sharing: Any = idx.cost_sharing
                paid: Any = idx.cost_sharing_paid
                sharing[receiver] = sharing.get(receiver, 0.0) + v * pledge
                paid[giver] = paid.get(giver, 0.0) + v * pledge
            elif kind == "regulatory":
                key = (receiver, giver, item.sector)
                boosts: Any = idx.boosts
                boosts[key] = boosts.get(key, 0.0) + item.export_boost * v * pledge
            elif kind == "currency":
                currency: Any = idx.currency
                currency[giver] = max(currency.get(giver, 0.0), v)
                has_currency = True
        currency_deals += has_currency
    idx.pledgers = tuple(pledgers)
    if idx.cell_cuts or idx.cell_caps or idx.cell_quotas:
        idx.touched = tuple(sorted({*idx.cell_cuts, *idx.cell_caps, *idx.cell_quotas}))
    if idx.currency:
        strength = 1.0 + rules.economy.currency_partner_bonus * max(0, currency_deals - 1)
        idx.currency = {
            g: a * rules.economy.currency_effect * strength for g, a in idx.currency.items()
        }
    return idx


# The tables of an index that no credibility moves: shared by the indexes of the same deals
# (economy.deal_terms), never changed.
SHARED = frozenset({"cell_cuts", "cell_caps", "cell_quotas", "currency"})


def _tables(terms: eco.TermIndex) -> dict[str, object]:
    """Every field of ``terms`` but what is kept on it later, in order, floats as hex, with
    each table's keys in their order."""
    out: dict[str, object] = {}
    for name in eco.TermIndex.__slots__:
        if name in ("snapshots", "received", "termed"):
            continue
        value = getattr(terms, name)
        out[name] = (list(value), _bits(dict(value))) if isinstance(value, dict) else _bits(value)
    return out


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_every_index_made_is_the_plain_steps_index(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = eco.index_terms
    seen = Counter[str]()
    # Each table by id (the indexes kept alive, so ids are not reused): the index and field
    # it was first met in, the deals' keys of that index, and its contents then (float.hex).
    tables_seen: dict[int, tuple[eco.TermIndex, str, tuple[object, ...], object]] = {}

    def index_terms(
        rules_: Rules,
        deals: list[Deal],
        credibility: dict[str, float],
        fixed: eco.DealTerms | None = None,
    ) -> eco.TermIndex:
        before = [(d, d.status) for d in deals], dict(credibility)
        made = real(rules_, deals, credibility, fixed)
        assert _tables(made) == _tables(_reference_index(rules_, deals, credibility))
        assert ([(d, d.status) for d in deals], dict(credibility)) == before  # only read
        assert made.snapshots == {} and made.received is None and made.termed is None
        keys = tuple(map(eco.deal_key, deals))
        for name in eco.TermIndex.__slots__:
            table = getattr(made, name)
            if isinstance(table, dict):
                known = tables_seen.get(id(table))
                if known is None:
                    tables_seen[id(table)] = (made, name, keys, _bits(table))
                    continue
                # Only the tables no credibility moves are shared (economy.deal_terms), and
                # only by the indexes of the same deals.
                assert name in SHARED and known[1] == name, name
                assert known[2] == keys, name
                seen["shared"] += 1
        seen["index"] += 1
        for kind in ("cell_caps", "cell_cuts", "cell_quotas", "purchases", "investment"):
            seen[kind] += bool(getattr(made, kind))
        seen["cost_sharing"] += bool(made.cost_sharing)
        seen["regulatory"] += bool(made.boosts)
        seen["currency"] += bool(made.currency)
        return made

    monkeypatch.setattr(eco, "index_terms", index_terms)
    for game in _play(rules, range(4), what_if=0.03, copies=0.02):
        game.snapshot()
    assert seen["index"] > 20, seen
    # A table shared or not, none has changed since it was made (but the snapshots memo).
    for made, field_name, _, contents in tables_seen.values():
        if field_name != "snapshots":
            assert _bits(getattr(made, field_name)) == contents, field_name
    if name == "april-2025":
        assert seen["shared"] > 5, seen  # indexes of the same deals at other credibility
    if name == "april-2025":
        # Every kind of term the index reads was met.
        assert all(seen[kind] > 5 for kind in seen), seen


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_market_stress_pressure_is_the_rule_steps_at_every_round(
    name: str, rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # stress_pressure reads its trade weights (each side's V0s added in cell order from
    # 0.0) made once per scenario: at every rates it is asked for in random games, its
    # answer is the rule's steps from nothing (weights added beside the tariffs), by
    # float.hex, remembered or not.
    compiled = eco.compile_rules(rules)
    holder = rules.market_stress_player
    assert holder is not None, "each scenario of _scenarios has a market-stress player"
    real = eco.stress_pressure
    seen = Counter[str]()

    def steps(rate: Any) -> tuple[float, float]:
        applied = faced = applied_w = faced_w = 0.0
        for cell in compiled.cells:
            if cell.importer == holder:
                applied += (rate[cell.index] - cell.mfn) * cell.v0
                applied_w += cell.v0
        for cell in compiled.cells:
            if cell.exporter == holder:
                faced += (rate[cell.index] - cell.mfn) * cell.v0
                faced_w += cell.v0
        return (
            applied / applied_w if applied_w else 0.0,
            faced / faced_w if faced_w else 0.0,
        )

    def stress_pressure(rules_: Rules, snap: Any, remember: bool = True) -> tuple[float, float]:
        answer = real(rules_, snap, remember)
        rate = snap.rate if isinstance(snap, eco.Snapshot) else snap
        assert _bits(answer) == _bits(steps(rate))
        assert _bits(real(rules_, list(rate))) == _bits(answer)  # a list: never remembered
        assert _bits(real(rules_, rate, not remember)) == _bits(answer)
        seen["asked" if remember else "asked, not remembered"] += 1
        return answer

    monkeypatch.setattr(eco, "stress_pressure", stress_pressure)
    for game in _play(rules, range(3), what_if=0.03, copies=0.02):
        game.rates()
    assert sum(seen.values()) > 20 and seen["asked"] and seen["asked, not remembered"], seen
