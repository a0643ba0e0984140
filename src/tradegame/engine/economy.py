"""The economy model (DESIGN §3.5): effective tariffs, trade flows and their annual effects.

For exporter e, importer i, sector s: ``V = V0 · ((1+t)·f_e / (1+t0))^(−eps_s) · boost +
purchases``. :func:`snapshot` evaluates every flow at the current tariffs and terms and
returns annual rates ($bn/yr, % of GDP) per player; the game accumulates them over days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tradegame.engine.records import Deal
from tradegame.engine.rules import ALL, Rules


@dataclass(frozen=True, slots=True)
class FlowCell:
    index: int
    exporter: str
    importer: str
    sector: str
    v0: float
    mfn: float
    eps: float
    export_weight: float  # exporter's value added × multiplier per $ of exports
    import_share: float  # importer's value added per $ of domestic substitution
    layers: tuple[str, ...]  # layers covering this cell, in scenario order
    exporter_salience: float
    importer_salience: float
    has_replace: bool  # a covering layer replaces others
    packages: tuple[tuple[str, float], ...]  # countermeasure tariffs on this cell
    # Derived keys and per-layer facts, so the per-cell loops build nothing.
    pair: tuple[str, str]  # (importer, exporter): the key of caps and cuts
    trade_key: tuple[str, str, str]  # (importer, exporter, sector): the key of quotas
    flow_key: tuple[str, str, str]  # (exporter, importer, sector): purchases and boosts
    layer_plan: tuple[tuple[str, bool, tuple[str, ...]], ...]  # (layer, all_in?, replaces)
    plan: int  # index of layer_plan in Compiled.plans (cells share plans)


@dataclass(frozen=True, slots=True)
class Compiled:
    """Look-up tables derived once per scenario."""

    cells: tuple[FlowCell, ...]
    cell_index: dict[tuple[str, str, str], int]
    package_tariffs: dict[tuple[str, str, str], tuple[tuple[str, float], ...]]
    # The distinct layer plans of the cells, each (layer_plan, has_replace).
    plans: tuple[tuple[tuple[tuple[str, bool, tuple[str, ...]], ...], bool], ...]
    # Per cell, what snapshot() reads, as tuples (unpacking beats attributes): (exporter,
    # exporter's and importer's positions in player_ids, flow_key, (v0, mfn, 1 + mfn, -eps,
    # export_weight, import_share, exporter_salience, importer_salience)); the inner tuple
    # only when the cell is computed.
    rows: tuple[tuple[Any, ...], ...]
    # Per cell, its results by inputs (see snapshot); filled as games are played.
    cell_memos: tuple[dict[Any, tuple[Any, ...]], ...]


def compile_rules(rules: Rules) -> Compiled:
    cached = rules._index.get("compiled")
    if cached is not None:
        return cached  # type: ignore[return-value]
    sectors = {s.id: s for s in rules.sectors}
    package_tariffs: dict[tuple[str, str, str], list[tuple[str, float]]] = {}
    for p in rules.players:
        for c in p.countermeasures:
            for sector, rate in c.tariffs:
                package_tariffs.setdefault((p.id, c.target, sector), []).append((c.id, rate))
    cells = []
    plans: dict[tuple[Any, ...], int] = {}
    for n, f in enumerate(rules.flows):
        sec = sectors[f.sector]
        exp = rules.player(f.exporter)
        imp = rules.player(f.importer)
        va_exp = sec.value_added_share if sec.value_added_share is not None \
            else exp.value_added_share
        va_imp = sec.value_added_share if sec.value_added_share is not None \
            else imp.value_added_share
        layers = tuple(la.id for la in rules.layers if la.covers(f.importer, f.exporter, f.sector))
        has_replace = any(rules.layer(lid).combine == "replace" for lid in layers)
        plan = tuple((lid, rules.layer(lid).combine == "all_in",
                      rules.layer(lid).replaces if rules.layer(lid).combine == "replace"
                      else ()) for lid in layers)
        cells.append(FlowCell(n, f.exporter, f.importer, f.sector, f.value_bn, f.mfn,
                              sec.elasticity, va_exp * exp.gdp_multiplier, va_imp, layers,
                              sec.salience_for(f.exporter), sec.salience_for(f.importer),
                              has_replace,
                              tuple(package_tariffs.get((f.importer, f.exporter, f.sector), ())),
                              (f.importer, f.exporter), (f.importer, f.exporter, f.sector),
                              (f.exporter, f.importer, f.sector), plan,
                              plans.setdefault(plan, len(plans))))
    compiled = Compiled(
        cells=tuple(cells),
        cell_index={(c.exporter, c.importer, c.sector): c.index for c in cells},
        package_tariffs={k: tuple(v) for k, v in package_tariffs.items()},
        plans=tuple((plan, any(replaces for _, _, replaces in plan)) for plan in plans),
        rows=tuple((c.exporter, rules.player_ids.index(c.exporter),
                    rules.player_ids.index(c.importer), c.flow_key,
                    (c.v0, c.mfn, 1.0 + c.mfn, -c.eps, c.export_weight, c.import_share,
                     c.exporter_salience, c.importer_salience))
                   for c in cells),
        cell_memos=tuple({} for _ in cells),
    )
    rules._index["compiled"] = compiled
    return compiled


@dataclass(slots=True)
class TermIndex:
    """The economic terms of every deal in force, indexed for the flow computation."""

    # (importer, exporter) -> [(item, level, sectors the item covers)]
    caps: dict[tuple[str, str], list[tuple[Any, float, frozenset[str]]]] = field(
        default_factory=dict)
    cuts: dict[tuple[str, str], list[tuple[Any, float, frozenset[str]]]] = field(
        default_factory=dict)
    quotas: dict[tuple[str, str, str], list[tuple[float, float]]] = field(default_factory=dict)
    purchases: dict[tuple[str, str, str], float] = field(default_factory=dict)
    boosts: dict[tuple[str, str, str], float] = field(default_factory=dict)
    investment: dict[str, float] = field(default_factory=dict)  # receiver -> $bn/yr
    investment_given: dict[str, float] = field(default_factory=dict)
    cost_sharing: dict[str, float] = field(default_factory=dict)  # receiver -> $bn/yr
    cost_sharing_paid: dict[str, float] = field(default_factory=dict)
    purchases_received: dict[str, float] = field(default_factory=dict)
    currency: dict[str, float] = field(default_factory=dict)  # giver -> appreciation
    # The givers whose terms are discounted by their credibility: the index depends on
    # their credibility, and on nobody else's.
    pledgers: tuple[str, ...] = ()


def covered_sectors(rules: Rules, item: Any) -> frozenset[str]:
    """The scenario's sectors ``item`` covers (``item.covers_sector``), cached per rules."""
    table: dict[str, frozenset[str]] = rules._index.setdefault(  # type: ignore[assignment]
        "covered_sectors", {})
    covered = table.get(item.id)
    if covered is None:
        covered = table[item.id] = frozenset(s.id for s in rules.sectors
                                             if item.covers_sector(s.id))
    return covered


def deal_entries(rules: Rules, deal: Deal) -> tuple[tuple[str, str, str, float, Any], ...]:
    """(kind, giver, receiver, level, item) of each term of ``deal``; kept on the deal."""
    entries = deal.entries
    if entries is None:
        entries = deal.entries = tuple(
            (item.kind, item.owner, deal.other(item.owner), t.value, item)
            for t in deal.terms for item in (rules.item(t.item),))
    return entries


RATE_KINDS = frozenset({"tariff_cap", "tariff_cut", "quota"})  # terms that change tariffs


def changes_rates(rules: Rules, deal: Deal) -> bool:
    """Whether ``deal`` has terms that bound tariffs (so its coming or going moves rates)."""
    moves = deal.moves_rates
    if moves is None:
        moves = deal.moves_rates = any(e[0] in RATE_KINDS for e in deal_entries(rules, deal))
    return moves


CELL_MEMO_SIZE = 512  # remembered input combinations per flow cell


_PLEDGED = frozenset({"purchase", "investment", "cost_sharing", "regulatory"})


def index_terms(rules: Rules, deals: list[Deal], credibility: dict[str, float]) -> TermIndex:
    """Index the terms of ``deals`` (all in force); pledges are discounted by credibility."""
    idx = TermIndex()
    currency_deals = 0
    pledgers: list[str] = []
    for deal in deals:
        has_currency = False
        for kind, giver, receiver, v, item in deal_entries(rules, deal):
            pledge = credibility[giver] / 100.0
            if kind in _PLEDGED and giver not in pledgers:
                pledgers.append(giver)
            if kind == "tariff_cap":
                idx.caps.setdefault((giver, receiver), []).append(
                    (item, v, covered_sectors(rules, item)))
            elif kind == "tariff_cut":
                idx.cuts.setdefault((giver, receiver), []).append(
                    (item, v, covered_sectors(rules, item)))
            elif kind == "quota":
                assert item.sector is not None
                idx.quotas.setdefault((giver, receiver, item.sector), []).append(
                    (v, item.in_quota_rate))
            elif kind == "purchase":
                assert item.sector is not None
                key = (receiver, giver, item.sector)  # seller -> buyer flow
                idx.purchases[key] = idx.purchases.get(key, 0.0) + v * pledge
                idx.purchases_received[receiver] = (
                    idx.purchases_received.get(receiver, 0.0) + v * pledge)
            elif kind == "investment":
                per_year = v / item.years * pledge
                idx.investment[receiver] = idx.investment.get(receiver, 0.0) + per_year
                idx.investment_given[giver] = idx.investment_given.get(giver, 0.0) + per_year
            elif kind == "cost_sharing":
                idx.cost_sharing[receiver] = idx.cost_sharing.get(receiver, 0.0) + v * pledge
                idx.cost_sharing_paid[giver] = idx.cost_sharing_paid.get(giver, 0.0) + v * pledge
            elif kind == "regulatory":
                assert item.sector is not None
                key = (receiver, giver, item.sector)
                idx.boosts[key] = idx.boosts.get(key, 0.0) + item.export_boost * v * pledge
            elif kind == "currency":
                idx.currency[giver] = max(idx.currency.get(giver, 0.0), v)
                has_currency = True
        currency_deals += has_currency
    idx.pledgers = tuple(pledgers)
    if idx.currency:
        # Plaza-style: each accord is stronger for every other accord in force.
        strength = 1.0 + rules.economy.currency_partner_bonus * max(0, currency_deals - 1)
        idx.currency = {g: a * rules.economy.currency_effect * strength
                        for g, a in idx.currency.items()}
    return idx


@dataclass(slots=True)
class Snapshot:
    """Annual rates at one moment: per flow and per player."""

    rate: Sequence[float]  # effective tariff per flow cell (shared: never changed)
    value: list[float]  # trade value per flow cell ($bn/yr), purchases included
    gdp_bn: dict[str, float]
    gdp_pct: dict[str, float]
    revenue: dict[str, float]
    consumer_cost: dict[str, float]
    investment_received: dict[str, float]
    purchases_received: dict[str, float]
    cost_sharing_received: dict[str, float]
    pain_pct: dict[str, float]  # salience-weighted loss, for approval


def effective_rate(cell: FlowCell, layer_rate: dict[str, float], layer_status: dict[str, str],
                   layer_info: dict[str, tuple[str, tuple[str, ...]]], active_packages: set[str],
                   compiled: Compiled, terms: TermIndex) -> float:
    """The all-in tariff on one flow cell (DESIGN §3.9 tariff layers)."""
    base = cell.mfn
    pair = (cell.importer, cell.exporter)
    if terms.cuts:
        for item, v, _ in terms.cuts.get(pair, ()):
            if item.covers_sector(cell.sector) and v < base:
                base = v
    # Most cells have no replacing layer: then nothing is switched off (no set to build).
    switched_off: set[str] | tuple[()] = ()
    if cell.has_replace:
        switched_off = set()
        for lid in cell.layers:
            if layer_status[lid] == "in_force":
                combine, replaces = layer_info[lid]
                if combine == "replace":
                    switched_off.update(replaces)
    total = base
    all_in: float | None = None
    for lid in cell.layers:
        if layer_status[lid] != "in_force" or lid in switched_off:
            continue
        if layer_info[lid][0] == "all_in":
            all_in = layer_rate[lid]
        else:
            total += layer_rate[lid]
    if all_in is not None:
        total = all_in
    if active_packages:
        for package, rate in cell.packages:
            if package in active_packages:
                total += rate
    if terms.caps:
        for item, cap, _ in terms.caps.get(pair, ()):
            if item.covers_sector(cell.sector) and cap < total:
                total = cap
    if terms.quotas:
        quotas = terms.quotas.get((cell.importer, cell.exporter, cell.sector))
        if quotas and cell.v0 > 0:
            for volume, in_rate in quotas:
                share = min(1.0, volume / cell.v0)
                if in_rate < total:
                    total = share * in_rate + (1.0 - share) * total
    return total


def all_rates(compiled: Compiled, layer_rate: dict[str, float], layer_status: dict[str, str],
              active_packages: set[str], terms: TermIndex) -> list[float]:
    """:func:`effective_rate` of every cell, in cell order (the same arithmetic, inlined).

    This runs at every resolution; ``tests/engine/test_fast_paths.py`` checks it against
    :func:`effective_rate` cell by cell.
    """
    cuts, caps, quotas = terms.cuts, terms.caps, terms.quotas
    # The layers in force of each distinct plan, once: (rates to add in order, all-in rate).
    plans: list[tuple[list[float], float | None]] = []
    for plan, has_replace in compiled.plans:
        switched_off: set[str] = set()
        if has_replace:
            for lid, _, replaces in plan:
                if replaces and layer_status[lid] == "in_force":
                    switched_off.update(replaces)
        adds: list[float] = []
        all_in: float | None = None
        for lid, is_all_in, _ in plan:
            if layer_status[lid] != "in_force" or lid in switched_off:
                continue
            if is_all_in:
                all_in = layer_rate[lid]
            else:
                adds.append(layer_rate[lid])
        plans.append((adds, all_in))
    out = []
    append = out.append
    for cell in compiled.cells:
        base = cell.mfn
        if cuts:
            for _, v, covered in cuts.get(cell.pair, ()):
                if cell.sector in covered and v < base:
                    base = v
        total = base
        adds, all_in = plans[cell.plan]
        for rate in adds:  # one by one, in plan order: the same sums as effective_rate's
            total += rate
        if all_in is not None:
            total = all_in
        if active_packages and cell.packages:
            for package, rate in cell.packages:
                if package in active_packages:
                    total += rate
        if caps:
            for _, cap, covered in caps.get(cell.pair, ()):
                if cell.sector in covered and cap < total:
                    total = cap
        if quotas:
            quota = quotas.get(cell.trade_key)
            if quota and cell.v0 > 0:
                for volume, in_rate in quota:
                    share = min(1.0, volume / cell.v0)
                    if in_rate < total:
                        total = share * in_rate + (1.0 - share) * total
        append(total)
    return out


def flow_value(cell: FlowCell, rate: float, fx: float, boost: float) -> float:
    """Trade value of a cell at ``rate`` without purchases (constant-elasticity demand)."""
    if cell.v0 == 0.0:
        return 0.0
    ratio = (1.0 + rate) * fx / (1.0 + cell.mfn)
    return cell.v0 * ratio ** (-cell.eps) * (1.0 + boost)


def snapshot(rules: Rules, rates: Sequence[float], terms: TermIndex,
             active_packages: set[str]) -> Snapshot:
    """Evaluate every flow at ``rates`` and derive each player's annual economic effects.

    Each cell's results are remembered per scenario, by the cell's inputs (its rate, and the
    currency, regulatory and purchase terms on it): a cell seen before with the same inputs
    is only added in. The sums are made in cell order either way, so they are the same floats.
    """
    compiled = compile_rules(rules)
    eco = rules.economy
    ids = rules.player_ids
    # Sums per player position (lists index faster than dicts); dicts at the end.
    gdp = [0.0] * len(ids)
    revenue = [0.0] * len(ids)
    consumer = [0.0] * len(ids)
    pains = [0.0] * len(ids)
    values: list[float] = []
    append = values.append
    currency, boosts, purchases = terms.currency, terms.boosts, terms.purchases
    pass_through, substitution = eco.pass_through, eco.substitution_share
    recycling = eco.revenue_recycling
    memos = compiled.cell_memos
    for memo, rate, (exporter, e, i, key, constants) in zip(memos, rates, compiled.rows,
                                                            strict=True):
        fx = 1.0 + currency.get(exporter, 0.0) if currency else 1.0
        boost = boosts.get(key, 0.0) if boosts else 0.0
        bought = purchases.get(key) if purchases else None
        # The rate alone is the inputs when no term touches the cell (the common case).
        inputs = rate if fx == 1.0 and boost == 0.0 and bought is None \
            else (rate, fx, boost, bought)
        cell = memo.get(inputs)
        if cell is None:
            (v0, mfn, mfn_1, neg_eps, export_weight, import_share, exporter_salience,
             importer_salience) = constants
            # The same arithmetic as flow_value() and in the same order, inlined.
            if v0 == 0.0:
                traded = 0.0
            else:
                traded = v0 * ((1.0 + rate) * fx / mfn_1) ** neg_eps * (1.0 + boost)
            value = traded + (bought if bought is not None else 0.0) if purchases else traded
            extra = rate - mfn
            cost = pass_through * extra * value
            export_effect = (value - v0) * export_weight
            net_cost = cost - recycling * extra * value
            if len(memo) >= CELL_MEMO_SIZE:
                memo.clear()  # bounded; a miss only costs the computation
            cell = memo[inputs] = (
                value, rate * value, cost, export_effect,
                substitution * (v0 - traded) * import_share if traded < v0 else None,
                net_cost, export_effect * exporter_salience if export_effect < 0 else None,
                net_cost * importer_salience if net_cost > 0 else None)
        (value, revenue_add, cost, export_effect, substituted, net_cost, exporter_pain,
         importer_pain) = cell
        append(value)
        revenue[i] += revenue_add
        consumer[i] += cost
        gdp[e] += export_effect
        if substituted is not None:
            gdp[i] += substituted
        gdp[i] -= net_cost
        if exporter_pain is not None:
            pains[e] -= exporter_pain
        if importer_pain is not None:
            pains[i] += importer_pain
    gdp_bn = dict(zip(ids, gdp, strict=True))
    pain = dict(zip(ids, pains, strict=True))
    for receiver, per_year in terms.investment.items():
        gdp_bn[receiver] += eco.investment_multiplier * per_year
    for receiver, per_year in terms.cost_sharing.items():
        gdp_bn[receiver] += per_year
    for giver, per_year in terms.cost_sharing_paid.items():
        gdp_bn[giver] -= per_year
    for p in rules.players:
        for c in p.countermeasures:
            if c.id in active_packages and c.gdp_cost_pct:
                gdp_bn[p.id] -= c.gdp_cost_pct / 100.0 * p.gdp_bn
                pain[p.id] += c.gdp_cost_pct / 100.0 * p.gdp_bn
    gdp_pct = {p.id: 100.0 * gdp_bn[p.id] / p.gdp_bn for p in rules.players}
    pain_pct = {p.id: 100.0 * pain[p.id] / p.gdp_bn for p in rules.players}
    return Snapshot(
        rate=tuple(rates),  # (the same tuple when the game's rates are passed)
        value=values,
        gdp_bn=gdp_bn,
        gdp_pct=gdp_pct,
        revenue=dict(zip(ids, revenue, strict=True)),
        consumer_cost=dict(zip(ids, consumer, strict=True)),
        investment_received={p: terms.investment.get(p, 0.0) for p in ids},
        purchases_received={p: terms.purchases_received.get(p, 0.0) for p in ids},
        cost_sharing_received={p: terms.cost_sharing.get(p, 0.0) for p in ids},
        pain_pct=pain_pct,
    )


def stress_pressure(rules: Rules, snap: Snapshot) -> tuple[float, float]:
    """Trade-weighted extra tariff the stress player applies, and that it faces."""
    holder = rules.market_stress_player
    if holder is None:
        return 0.0, 0.0
    tables = rules._index.get("stress_cells")
    if tables is None:
        # (index, mfn, v0) of the cells the holder imports in, and of those it exports in.
        cells = compile_rules(rules).cells
        tables = rules._index["stress_cells"] = (
            [(c.index, c.mfn, c.v0) for c in cells if c.importer == holder],
            [(c.index, c.mfn, c.v0) for c in cells if c.exporter == holder])
    imported, exported = tables  # type: ignore[misc]
    rate = snap.rate
    applied = faced = applied_w = faced_w = 0.0
    for index, mfn, v0 in imported:
        applied += (rate[index] - mfn) * v0
        applied_w += v0
    for index, mfn, v0 in exported:
        faced += (rate[index] - mfn) * v0
        faced_w += v0
    return (applied / applied_w if applied_w else 0.0, faced / faced_w if faced_w else 0.0)


__all__ = ["ALL", "RATE_KINDS", "Compiled", "FlowCell", "Snapshot", "TermIndex", "all_rates",
           "changes_rates", "compile_rules", "covered_sectors", "deal_entries", "effective_rate",
           "flow_value", "index_terms", "snapshot", "stress_pressure"]
