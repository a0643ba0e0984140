"""The economy model (DESIGN §3.5): effective tariffs, trade flows and their annual effects.

For exporter e, importer i, sector s: ``V = V0 · ((1+t)·f_e / (1+t0))^(−eps_s) · boost +
purchases``. :func:`snapshot` evaluates every flow at the current tariffs and terms and
returns annual rates ($bn/yr, % of GDP) per player; the game accumulates them over days.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, MutableSequence, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple, cast

from tradegame.engine.kinds import LayerStatus, TermKind
from tradegame.engine.memo import per_rules
from tradegame.engine.plain import picklable_when_compiled, python_class
from tradegame.engine.records import ECONOMY_KEYS, Deal
from tradegame.engine.rules import ALL, Economy, Item, Rules

_is: Final = operator.is_
# Builtins called on hot paths, bound as constants: compiled code (mypyc) looks up by name
# at every call a builtin it does not compile inline, and reads a Final from a C static.
_sum: Final = sum
_map: Final = map
_abs: Final = abs
_all: Final = all
_is_not = operator.is_not
_ne = operator.ne
_or = operator.or_

# Enum members read on hot paths, bound once: on Python 3.11 reading a member from its enum
# class goes through EnumType.__getattr__ and costs several times a module global.
_CAP: Final = TermKind.TARIFF_CAP
_CUT = TermKind.TARIFF_CUT
_QUOTA = TermKind.QUOTA
_PURCHASE: Final = TermKind.PURCHASE
_INVESTMENT: Final = TermKind.INVESTMENT
_COST_SHARING: Final = TermKind.COST_SHARING
_REGULATORY = TermKind.REGULATORY
_CURRENCY = TermKind.CURRENCY
_IN_FORCE: Final = LayerStatus.IN_FORCE


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
    # Per cell, what snapshot() reads for every cell, as tuples (unpacking beats
    # attributes): (exporter, exporter's and importer's positions in player_ids, flow_key).
    rows: tuple[tuple[str, int, int, tuple[str, str, str]], ...]
    # Per cell, its results by inputs (see snapshot), as the operands of the sums
    # (CellOperands) and their size (_cell_entry); filled as games are played.
    cell_memos: tuple[dict[Any, CellEntry], ...]
    # Every cell's entry at its rate alone and their pain sums, by the rates tuple (its id,
    # with the tuple, which the entry holds alive; see snapshot); filled as games are played.
    rate_entries: dict[int, RateEntries]
    # Per catalogue item, the scenario's sectors it covers (Item.covers_sector).
    covered: dict[str, frozenset[str]]
    # The extra tariffs of the cells the market-stress player imports in, and exports in,
    # weighted by their V0s, added in cell order (see stress_pressure).
    stress_sums: WrittenPressures
    # Their trade weights: the sums of their V0s, each added in cell order from 0.0.
    stress_weights: tuple[float, float]
    # stress_pressure's results by the rates (a tuple), filled as games are played.
    stress_memo: dict[tuple[float, ...], tuple[float, float]]
    # covered_cells' results by (item, exporter), filled as games are played.
    item_cells: dict[tuple[str, str], tuple[int, ...]]
    # (player, its GDP in $bn) in player order, and (player, package, the package's GDP
    # cost in $bn) of each countermeasure that costs GDP: what snapshot() reads per player.
    player_gdp: tuple[tuple[str, float], ...]
    package_costs: tuple[tuple[str, str, float], ...]
    # The layers in scenario order; per layer, the plans it is in (a plan's layers in force
    # depend on its own layers only); per plan, its cells in cell order.
    layer_ids: tuple[str, ...]
    # Reads a table by layer (rates, status) as a tuple in layer_ids order.
    layer_values: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    layer_plans: tuple[tuple[int, ...], ...]
    plan_rows: tuple[tuple[RateRow, ...], ...]
    # Per plan, the reader of its layers' entries in tuples in layer_ids order, and
    # the indexes of its cells; and each plan's layers in force and its cells' plain rates
    # by the rates and status of its layers (see layer_state), filled as games are played.
    plan_layers: tuple[Callable[[Sequence[Any]], tuple[Any, ...]], ...]
    plan_cells: tuple[tuple[int, ...], ...]
    plan_memo: dict[tuple[Any, ...], tuple[InForce, tuple[float, ...]]]
    # The layer states projections made (see layer_state), by the layers' rates and status
    # and the active packages, filled as games are played.
    layer_memo: dict[tuple[Any, ...], LayerState]
    # The plans with a cell countermeasure packages cover (see layer_state), and per plan
    # the packages with a tariff on its cells (the only ones its cells' rates depend on).
    packaged_plans: frozenset[int]
    plan_packages: tuple[frozenset[str], ...]
    # Per cell, what its rate is made from (besides layers, packages and deal terms).
    rate_rows: tuple[RateRow, ...]
    # Per player (in player order), (index, exported?) of each cell it exports or imports
    # on, in cell order; and per exporter, the indexes of its cells.
    player_roles: tuple[tuple[tuple[int, bool], ...], ...]
    export_cells: dict[str, tuple[int, ...]]
    # Each player's pain over its roles (player_roles: the exporter's pain of what it
    # exports, the importer's of what it imports), added in cell order, then the sizes of
    # every cell's entry added in cell order (what a snapshot's bound adds; see snapshot).
    pain_sums: WrittenSums
    # Per player, its GDP effect, tariff revenue and consumer cost over its roles, added in
    # cell order (see _own_sums).
    own_sums: tuple[WrittenSums, ...]
    # 1 + 100 / the smallest GDP (inf if one is not positive), and the sizes of every
    # package's GDP cost added: what Snapshot.bound scales and adds (see _size_of_terms).
    gdp_factor: float
    packages_size: float
    player_ids: tuple[str, ...]


@per_rules
def compile_rules(rules: Rules) -> Compiled:
    """The economy's look-up tables of ``rules`` (built once per rules object)."""
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
        va_exp = (
            sec.value_added_share if sec.value_added_share is not None else exp.value_added_share
        )
        va_imp = (
            sec.value_added_share if sec.value_added_share is not None else imp.value_added_share
        )
        layers = tuple(la.id for la in rules.layers if la.covers(f.importer, f.exporter, f.sector))
        has_replace = any(rules.layer(lid).combine == "replace" for lid in layers)
        plan = tuple(
            (
                lid,
                rules.layer(lid).combine == "all_in",
                rules.layer(lid).replaces if rules.layer(lid).combine == "replace" else (),
            )
            for lid in layers
        )
        cells.append(
            FlowCell(
                n,
                f.exporter,
                f.importer,
                f.sector,
                f.value_bn,
                f.mfn,
                sec.elasticity,
                va_exp * rules.economy.gdp_multiplier * exp.gdp_multiplier,
                va_imp,
                layers,
                sec.salience_for(f.exporter),
                sec.salience_for(f.importer),
                has_replace,
                tuple(package_tariffs.get((f.importer, f.exporter, f.sector), ())),
                (f.importer, f.exporter),
                (f.importer, f.exporter, f.sector),
                (f.exporter, f.importer, f.sector),
                plan,
                plans.setdefault(plan, len(plans)),
            )
        )
    roles = tuple(
        tuple(
            (c.index, exported)
            for c in cells
            for exported in (True, False)
            if (c.exporter if exported else c.importer) == p
        )
        for p in rules.player_ids
    )
    compiled = Compiled(
        cells=tuple(cells),
        cell_index={(c.exporter, c.importer, c.sector): c.index for c in cells},
        package_tariffs={k: tuple(v) for k, v in package_tariffs.items()},
        plans=tuple((plan, any(replaces for _, _, replaces in plan)) for plan in plans),
        rows=tuple(
            (
                c.exporter,
                rules.player_ids.index(c.exporter),
                rules.player_ids.index(c.importer),
                c.flow_key,
            )
            for c in cells
        ),
        cell_memos=tuple({} for _ in cells),
        rate_entries={},
        covered={
            item.id: frozenset(s.id for s in rules.sectors if item.covers_sector(s.id))
            for item in rules.items
        },
        stress_sums=WrittenPressures(
            (
                tuple(
                    (c.index, c.mfn, c.v0)
                    for c in cells
                    if c.importer == rules.market_stress_player
                ),
                tuple(
                    (c.index, c.mfn, c.v0)
                    for c in cells
                    if c.exporter == rules.market_stress_player
                ),
            )
        ),
        stress_weights=(
            _weight(c.v0 for c in cells if c.importer == rules.market_stress_player),
            _weight(c.v0 for c in cells if c.exporter == rules.market_stress_player),
        ),
        stress_memo={},
        item_cells={},
        player_gdp=tuple((p.id, p.gdp_bn) for p in rules.players),
        package_costs=tuple(
            (p.id, c.id, c.gdp_cost_pct / 100.0 * p.gdp_bn)
            for p in rules.players
            for c in p.countermeasures
            if c.gdp_cost_pct
        ),
        layer_ids=tuple(la.id for la in rules.layers),
        layer_values=_mapping_getter(tuple(la.id for la in rules.layers)),
        layer_plans=tuple(
            tuple(k for k, plan in enumerate(plans) if any(e[0] == la.id for e in plan))
            for la in rules.layers
        ),
        plan_rows=tuple(
            tuple((c.index, c.mfn, c.v0, c.plan, c.packages) for c in cells if c.plan == k)
            for k in range(len(plans))
        ),
        plan_layers=tuple(
            _tuple_getter([[la.id for la in rules.layers].index(e[0]) for e in plan])
            for plan in plans
        ),
        plan_cells=tuple(tuple(c.index for c in cells if c.plan == k) for k in range(len(plans))),
        plan_memo={},
        layer_memo={},
        packaged_plans=frozenset(c.plan for c in cells if c.packages),
        plan_packages=tuple(
            frozenset(package for c in cells if c.plan == k for package, _ in c.packages)
            for k in range(len(plans))
        ),
        rate_rows=tuple((c.index, c.mfn, c.v0, c.plan, c.packages) for c in cells),
        player_roles=roles,
        pain_sums=WrittenSums(
            (
                *(
                    tuple((index, _E_PAIN if exported else _I_PAIN) for index, exported in of)
                    for of in roles
                ),
                tuple((c.index, _SIZE) for c in cells),
            )
        ),
        own_sums=tuple(
            WrittenSums(
                (
                    # GDP: the exporter's effect of what it exports; the substitution gain,
                    # then minus the net cost, of what it imports.
                    tuple(
                        operand
                        for index, exported in of_player
                        for operand in (((index, 3),) if exported else ((index, 4), (index, 5)))
                    ),
                    tuple((index, 1) for index, exported in of_player if not exported),
                    tuple((index, 2) for index, exported in of_player if not exported),
                )
            )
            for of_player in roles
        ),
        export_cells={
            p: tuple(c.index for c in cells if c.exporter == p) for p in rules.player_ids
        },
        gdp_factor=_gdp_factor([p.gdp_bn for p in rules.players]),
        player_ids=rules.player_ids,
        packages_size=_weight(
            abs(c.gdp_cost_pct / 100.0 * p.gdp_bn)
            for p in rules.players
            for c in p.countermeasures
            if c.gdp_cost_pct
        ),
    )
    return compiled


class WrittenSums:
    """Sums of the cells' entries (:data:`CellEntry`), each ``operands`` as (cell index,
    position in its entry), added one by one from 0.0 in order: :attr:`add` of the entries
    gives them all, the same floats as a loop adding them. Written out as one function per
    scenario (each operand read and added with a third of a loop's bytecode, which is most of
    what a snapshot costs); pickled as its operands, and written again when loaded."""

    __slots__ = ("operands", "add")

    def __init__(self, operands: tuple[tuple[tuple[int, int], ...], ...]) -> None:
        self.operands = operands
        # Only ints go into the text (operator.index raises TypeError for anything else,
        # before any exec): operands from a pickle, or any caller, can inject no code.
        sums = [
            [f"e{operator.index(index)}[{operator.index(position)}]" for index, position in of_sum]
            for of_sum in operands
        ]
        # The entries up to the last one read are unpacked into locals first: an operand is
        # then one subscript, not two.
        last = max((index for of_sum in operands for index, _ in of_sum), default=-1)
        lines = _sums_lines("e", sums)
        if last >= 0:
            names = "".join(f"e{n}, " for n in range(last + 1))
            lines.insert(1, f"    {names}= e[:{last + 1}]")
        self.add: Callable[[Sequence[CellEntry]], tuple[float, ...]] = _written(lines, {})

    def __reduce__(self) -> tuple[Any, ...]:
        return (WrittenSums, (self.operands,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WrittenSums) and other.operands == self.operands

    def __hash__(self) -> int:
        return hash(self.operands)


class WrittenPressures:
    """The trade-weighted extra tariff of two lists of ``cells``, each (index, mfn, v0):
    ``(rate - mfn) * v0`` of each added one by one from 0.0 in order, as a loop adds them (the
    same floats). :attr:`of` the rates gives both, written out as one function per scenario
    (see :class:`WrittenSums`); pickled as its cells."""

    __slots__ = ("cells", "of")

    def __init__(self, cells: tuple[tuple[tuple[int, float, float], ...], ...]) -> None:
        self.cells = cells
        # The numbers are the function's globals (a float's text need not read back as it).
        numbers: dict[str, Any] = {}
        sums = []
        for n, of_sum in enumerate(cells):
            terms = []
            for k, (index, mfn, v0) in enumerate(of_sum):
                numbers[f"m{n}_{k}"], numbers[f"w{n}_{k}"] = mfn, v0
                # (an int alone goes into the text, as in WrittenSums; the numbers are globals)
                terms.append(f"(r[{operator.index(index)}] - m{n}_{k}) * w{n}_{k}")
            sums.append(terms)
        self.of: Callable[[Sequence[float]], tuple[float, ...]] = _written(
            _sums_lines("r", sums), numbers
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (WrittenPressures, (self.cells,))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WrittenPressures) and other.cells == self.cells

    def __hash__(self) -> int:
        return hash(self.cells)


def _sums_lines(argument: str, sums: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a function of ``argument`` returning each of ``sums`` (its terms, as
    text): the terms added one by one from 0.0, in order, in lines of a few dozen (a chain
    of + is compiled as deep as it is long)."""
    lines = [f"def written({argument}):"]
    for n, terms in enumerate(sums):
        lines.append(f"    s{n} = 0.0")
        for start in range(0, len(terms), 32):
            lines.append(f"    s{n} = s{n} + " + " + ".join(terms[start : start + 32]))
    lines.append("    return (" + "".join(f"s{n}, " for n in range(len(sums))) + ")")
    return lines


def _written(lines: list[str], namespace: dict[str, Any]) -> Any:
    """The function ``written`` of ``lines``, with ``namespace`` as its globals."""
    exec("\n".join(lines), namespace)
    return namespace["written"]


def _gdp_factor(gdps: Sequence[float]) -> float:
    """1 + 100 / the smallest of ``gdps``: at most how many times a sum of effects in $bn
    its share of GDP in % and the sum itself are together (inf if a GDP is not positive)."""
    smallest = min(gdps, default=0.0)
    return 1.0 + 100.0 / smallest if smallest > 0.0 else math.inf


def _weight(values: Iterable[float]) -> float:
    """``values`` added one by one, in order, from 0.0 (the trade weight of cells)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _tuple_getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """Reads ``positions`` of a tuple as a tuple (``operator.itemgetter`` returns a lone item
    rather than a tuple of one, and takes no empty list: a slice of the tuple instead). A
    plain function of the standard library, so that the tables pickle."""
    if len(positions) > 1:
        return cast(Callable[[Sequence[Any]], tuple[Any, ...]], operator.itemgetter(*positions))
    part: Any = slice(positions[0], positions[0] + 1) if positions else slice(0, 0)
    return cast(Callable[[Sequence[Any]], tuple[Any, ...]], operator.itemgetter(part))


def _mapping_getter(keys: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """Reads ``keys`` of a mapping as a tuple, in that order (``operator.itemgetter``, which
    returns a lone item rather than a tuple of one: :func:`_values_of` for fewer than two
    keys). Picklable, as the tables are."""
    if len(keys) > 1:
        return cast(Callable[[Mapping[str, Any]], tuple[Any, ...]], operator.itemgetter(*keys))
    return functools.partial(_values_of, keys)


def _values_of(keys: tuple[str, ...], table: Mapping[str, Any]) -> tuple[Any, ...]:
    """``table``'s values of ``keys``, in that order."""
    return tuple(map(table.__getitem__, keys))


@dataclass(slots=True)
class TermIndex:
    """The economic terms of every deal in force, indexed for the flow computation."""

    # Per flow cell (index): the levels of the deal cuts and caps on it, and the (volume,
    # in-quota rate) of its quotas, each in the order of the deals and their terms.
    cell_cuts: dict[int, list[float]] = field(default_factory=dict)
    cell_caps: dict[int, list[float]] = field(default_factory=dict)
    cell_quotas: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    # The cells with a cut, a cap or a quota, in cell order.
    touched: tuple[int, ...] = ()
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
    # Snapshots at these terms by (rates, active packages), for states that share them
    # (projections, see State.SHARES_RATES): a snapshot is a function of exactly these.
    snapshots: dict[tuple[Any, ...], Snapshot] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Per player, what it receives (investment, purchases, cost sharing): the snapshots at
    # these terms share these dicts (never changed), made when first needed.
    received: tuple[dict[str, float], dict[str, float], dict[str, float]] | None = field(
        default=None, compare=False, repr=False
    )
    # The cells whose snapshot inputs these terms change (see _termed_cells), made when first
    # needed.
    termed: tuple[tuple[int, CellTerms], ...] | None = field(
        default=None, compare=False, repr=False
    )
    # What the snapshots at these terms add to their bound (see _size_of_terms), made when
    # first needed.
    size: float | None = field(default=None, compare=False, repr=False)


def covered_sectors(rules: Rules, item: Item) -> frozenset[str]:
    """The scenario's sectors ``item`` covers (``item.covers_sector``)."""
    return compile_rules(rules).covered[item.id]


def covered_cells(rules: Rules, item: Item, exporter: str) -> tuple[int, ...]:
    """The indexes of the cells ``item`` of its owner (the importer) covers in its trade
    with ``exporter``, in cell order: what a tariff cap given to ``exporter`` bounds."""
    compiled = compile_rules(rules)
    key = (item.id, exporter)
    cells = compiled.item_cells.get(key)
    if cells is None:
        covered = compiled.covered[item.id]
        cells = compiled.item_cells[key] = tuple(
            c.index
            for c in compiled.cells
            if c.importer == item.owner and c.exporter == exporter and c.sector in covered
        )
    return cells


def deal_entries(rules: Rules, deal: Deal) -> tuple[tuple[str, str, str, float, Any], ...]:
    """(kind, giver, receiver, level, item) of each term of ``deal``; kept on the deal."""
    entries = deal.entries
    if entries is None:
        made = []
        for t in deal.terms:  # (a loop: a generator costs more for a term or two)
            item = rules.item(t.item)
            made.append((item.kind, item.owner, deal.other(item.owner), t.value, item))
        entries = deal.entries = tuple(made)
    return entries


def deal_key(deal: Deal) -> tuple[Any, ...]:
    """What of ``deal`` the economy reads (its parties and terms), as a plain value that
    hashes fast; kept on the deal."""
    key = deal.key
    if key is None:
        key = deal.key = (deal.parties, tuple((t.item, t.value) for t in deal.terms))
    return key


# The terms that change tariffs.
RATE_KINDS: Final = frozenset({_CAP, _CUT, _QUOTA})


def changes_rates(rules: Rules, deal: Deal) -> bool:
    """Whether ``deal`` has terms that bound tariffs (so its coming or going moves rates)."""
    moves = deal.moves_rates
    if moves is None:
        moves = False
        for entry in deal_entries(rules, deal):  # (a loop: cheaper than any() of a generator)
            if entry[0] in RATE_KINDS:
                moves = True
                break
        deal.moves_rates = moves
    return moves


CELL_MEMO_SIZE: Final = 512  # remembered input combinations per flow cell
RATE_ENTRIES_SIZE = 4096  # remembered rates (each with its cells' entries), per scenario


_PLEDGED: Final = frozenset({_PURCHASE, _INVESTMENT, _COST_SHARING, _REGULATORY})
_new_index: Final = TermIndex.__new__
_new_tuple: Final = tuple.__new__


class DealTerms(NamedTuple):
    """What the index of a list of deals holds that no credibility moves (:func:`deal_terms`):
    shared, never changed, by every index of those deals (:func:`index_terms`)."""

    cuts: dict[int, list[float]]  # TermIndex.cell_cuts
    caps: dict[int, list[float]]  # TermIndex.cell_caps
    quotas: dict[int, list[tuple[float, float]]]  # TermIndex.cell_quotas
    touched: tuple[int, ...]
    currency: dict[str, float]
    pledgers: tuple[str, ...]
    # The entries (deal_entries) of the pledged kinds, in the order of the deals and their
    # terms: what the index discounts by its givers' credibility.
    pledges: tuple[tuple[str, str, str, float, Any], ...]


def deal_terms(rules: Rules, deals: list[Deal]) -> DealTerms:
    """The part of the index of ``deals`` (all in force) that no credibility moves: the
    cuts, caps and quotas per cell, the currency terms, and the pledges to discount."""
    compiled = compile_rules(rules)
    item_cells = compiled.item_cells  # (covered_cells, remembered)
    currency_deals = 0
    pledgers: list[str] = []
    pledges: list[tuple[str, str, str, float, Any]] = []
    cuts: dict[int, list[float]] = {}
    caps: dict[int, list[float]] = {}
    quotas: dict[int, list[tuple[float, float]]] = {}
    currency: dict[str, float] = {}
    for deal in deals:
        has_currency = False
        entries = deal.entries
        if entries is None:
            entries = deal_entries(rules, deal)
        for entry in entries:
            kind, giver, receiver, v, item = entry
            if kind in _PLEDGED:
                if giver not in pledgers:
                    pledgers.append(giver)
                pledges.append(entry)
            elif kind == _CAP or kind == _CUT:
                # A cap or a cut binds the giver's (importer's) tariffs on the receiver's
                # cells of the sectors the item covers.
                by_cell = caps if kind == _CAP else cuts
                cells = item_cells.get((item.id, receiver))
                if cells is None:
                    cells = covered_cells(rules, item, receiver)
                for index in cells:
                    bounds = by_cell.get(index)
                    if bounds is None:
                        by_cell[index] = [v]
                    else:
                        bounds.append(v)
            elif kind == _QUOTA:
                assert item.sector is not None
                quota_cell = compiled.cell_index.get((receiver, giver, item.sector))
                if quota_cell is not None:
                    quotas.setdefault(quota_cell, []).append((v, item.in_quota_rate))
            elif kind == _CURRENCY:
                currency[giver] = max(currency.get(giver, 0.0), v)
                has_currency = True
        currency_deals += has_currency
    touched: tuple[int, ...] = ()
    if cuts or caps or quotas:
        touched = tuple(sorted({*cuts, *caps, *quotas}))
    if currency:
        # Plaza-style: each accord is stronger for every other accord in force.
        strength = 1.0 + rules.economy.currency_partner_bonus * max(0, currency_deals - 1)
        currency = {g: a * rules.economy.currency_effect * strength for g, a in currency.items()}
    # (tuple.__new__: the named tuple's own __new__ is a Python function)
    return _new_tuple(
        DealTerms, (cuts, caps, quotas, touched, currency, tuple(pledgers), tuple(pledges))
    )


def index_terms(
    rules: Rules,
    deals: list[Deal],
    credibility: dict[str, float],
    fixed: DealTerms | None = None,
) -> TermIndex:
    """Index the terms of ``deals`` (all in force); pledges are discounted by credibility.
    ``fixed``, if given, is :func:`deal_terms` of these ``deals`` (made before, shared)."""
    if fixed is None:
        fixed = deal_terms(rules, deals)
    realised = rules.economy.purchase_realisation
    purchases: dict[tuple[str, str, str], float] = {}
    purchases_received: dict[str, float] = {}
    boosts: dict[tuple[str, str, str], float] = {}
    investment: dict[str, float] = {}
    investment_given: dict[str, float] = {}
    cost_sharing: dict[str, float] = {}
    cost_sharing_paid: dict[str, float] = {}
    for kind, giver, receiver, v, item in fixed.pledges:
        # A pledge is discounted by its giver's credibility.
        pledge = credibility[giver] / 100.0
        if kind == _PURCHASE:
            assert item.sector is not None
            key = (receiver, giver, item.sector)  # seller -> buyer flow
            # Trade gets the realised share; the pledge metric counts the whole pledge.
            purchases[key] = purchases.get(key, 0.0) + v * pledge * realised
            purchases_received[receiver] = purchases_received.get(receiver, 0.0) + v * pledge
        elif kind == _INVESTMENT:
            per_year = v / item.years * pledge
            investment[receiver] = investment.get(receiver, 0.0) + per_year
            investment_given[giver] = investment_given.get(giver, 0.0) + per_year
        elif kind == _COST_SHARING:
            cost_sharing[receiver] = cost_sharing.get(receiver, 0.0) + v * pledge
            cost_sharing_paid[giver] = cost_sharing_paid.get(giver, 0.0) + v * pledge
        else:  # _REGULATORY
            assert item.sector is not None
            key = (receiver, giver, item.sector)
            boosts[key] = boosts.get(key, 0.0) + item.export_boost * v * pledge
    # Made empty and each field set here: calling the dataclass (its __init__ through
    # type.__call__) costs more, positional or not. Every field is set (an unset slot raises
    # AttributeError when read: test_term_index reads them all).
    made = _new_index(TermIndex)
    made.cell_cuts = fixed.cuts
    made.cell_caps = fixed.caps
    made.cell_quotas = fixed.quotas
    made.touched = fixed.touched
    made.purchases = purchases
    made.boosts = boosts
    made.investment = investment
    made.investment_given = investment_given
    made.cost_sharing = cost_sharing
    made.cost_sharing_paid = cost_sharing_paid
    made.purchases_received = purchases_received
    made.currency = fixed.currency
    made.pledgers = fixed.pledgers
    made.snapshots = {}
    made.received = None
    made.termed = None
    made.size = None
    return made


@python_class
@dataclass(slots=True)
class Snapshot:
    """Annual rates at one moment: per flow and per player.

    A snapshot made by :func:`snapshot` has its rates, its pains (politics reads them each
    round) and its ``bound``; the rest (trade values, GDP effects, tariff revenue, consumer
    cost and what each player receives: only the ledger, scores and views read them, never a
    round's rules) is made when one of them is first read, from the cells' results it keeps:
    the same floats as if made at once (``tests/engine/test_snapshot_operands.py``)."""

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
    # At least the sizes of every number a ledger adds from this snapshot (rates, values and
    # the seven tables of State._add_all), all added: NaN or inf if one is not finite. A
    # snapshot made by snapshot() has an upper bound made from its cells' (_cell_entry);
    # another is added up when first read (_added_size).
    bound: float = field(init=False, compare=False, repr=False)
    # What the sums not made yet are made from (see _make_sums): set by snapshot() alone.
    _parts: _SumParts = field(init=False, compare=False, repr=False)
    # Players' values of the ECONOMY_KEYS tables made one player at a time (player_sums), by
    # player; replaced whole.
    _own: dict[str, tuple[float, ...]] = field(init=False, compare=False, repr=False)

    def _made_later(self, name: str) -> Any:
        # Snapshot.__getattr__ (set below): called only for a field not set: a sum not made
        # yet, or the bound of a snapshot made by hand.
        if name in _MADE_LATER:
            _make_sums(self)
        elif name == "value":
            self.value = list(map(_first, self._parts[2]))
        elif name == "bound":
            self.bound = _added_size(self)
        elif name == "_own":  # a snapshot made by hand: read from its tables
            tables = LEDGER_TABLES(self)
            self._own = {p: tuple(t[p] for t in tables) for p in self.gdp_bn}
        else:
            raise AttributeError(name)
        return object.__getattribute__(self, name)


# Snapshot's __getattr__, set outside its body: mypy still calls every other attribute of a
# snapshot an error, and mypyc (tools/build_compiled.py) compiles no `if` in a class body.
setattr(Snapshot, "__getattr__", Snapshot._made_later)  # noqa: B010


# The per-player tables of a snapshot that a ledger adds, in LEDGER_KEYS order.
LEDGER_TABLES = operator.attrgetter(*ECONOMY_KEYS)
_MADE_LATER = frozenset(ECONOMY_KEYS)
_new_snapshot: Final = Snapshot.__new__


def _added_size(snap: Snapshot) -> float:
    """The sizes of every number a ledger adds from ``snap``, added up (the bound of a
    snapshot made by hand: reads every one)."""
    total = sum(map(abs, snap.rate), 0.0) + sum(map(abs, snap.value), 0.0)
    for table in LEDGER_TABLES(snap):
        total += sum(map(abs, table.values()), 0.0)
    return total


def layers_in_force(
    plan: tuple[tuple[str, bool, tuple[str, ...]], ...],
    has_replace: bool,
    layer_rate: Mapping[str, float],
    layer_status: Mapping[str, str],
) -> tuple[list[float], float | None]:
    """The layers of a layer plan that apply now (DESIGN §3.9 tariff layers): the rates to
    add, in plan order, and the all-in rate if one is in force (the last one wins)."""
    switched_off: set[str] = set()
    if has_replace:
        for lid, _, replaces in plan:
            if replaces and layer_status[lid] == _IN_FORCE:
                switched_off.update(replaces)
    adds: list[float] = []
    all_in: float | None = None
    for lid, is_all_in, _ in plan:
        if layer_status[lid] != _IN_FORCE or lid in switched_off:
            continue
        if is_all_in:
            all_in = layer_rate[lid]
        else:
            adds.append(layer_rate[lid])
    return adds, all_in


InForce = tuple[list[float], float | None]  # a layer plan's rates to add, and all-in rate

RateRow = tuple[int, float, float, int, tuple[tuple[str, float], ...]]
"""What the rate of one flow cell is made from besides the layers, the active packages and
the deal terms: (index, MFN rate, base value V0, layer plan, countermeasure packages on it)."""


def cell_rates(
    rows: Iterable[RateRow],
    in_force: Sequence[InForce] | Mapping[int, InForce],
    active_packages: AbstractSet[str],
    terms: TermIndex,
    out: MutableSequence[float] | dict[int, float],
    layered: MutableSequence[float] | None = None,
    plain: Sequence[float] | None = None,
) -> None:
    """The all-in tariff on the cell of each of ``rows`` (DESIGN §3.9), written at the
    cell's index in ``out``, from the layers in force on its plan (``in_force[plan]``, see
    :func:`layers_in_force`): the MFN rate (or a deal's cut below it), plus the added
    layers, or the all-in layer; plus active countermeasures; then deal caps and tariff-rate
    quotas (the terms on the cell, in the order of the index). ``layered``, if given, gets
    each cell's *layered* rate at its index: the same rate before deal caps and quotas (what
    breaking a cap is judged by, State.layered_rates). ``plain``, if given, is every cell's
    rate from these layers and ``active_packages`` with no term (:class:`LayerState`): a
    cell no cut touches starts from it, the layers' and packages' part made already."""
    cuts, caps, quotas = terms.cell_cuts, terms.cell_caps, terms.cell_quotas
    for index, mfn, v0, plan, packages in rows:
        if plain is not None and not (cuts and index in cuts):
            total = plain[index]  # the layers' and packages' part, made as below with no cut
        else:
            base = mfn
            if cuts and index in cuts:
                for v in cuts[index]:
                    if v < base:
                        base = v
            total = base
            adds, all_in = in_force[plan]
            for rate in adds:  # one by one, in plan order
                total += rate
            if all_in is not None:
                total = all_in
            if packages and active_packages:
                for package, rate in packages:
                    if package in active_packages:
                        total += rate
        if layered is not None:
            layered[index] = total
        if caps and index in caps:
            for cap in caps[index]:
                if cap < total:
                    total = cap
        if quotas and v0 > 0 and index in quotas:
            for volume, in_rate in quotas[index]:
                share = min(1.0, volume / v0)
                if in_rate < total:
                    total = share * in_rate + (1.0 - share) * total
        out[index] = total


def effective_rate(
    cell: FlowCell,
    layer_rate: Mapping[str, float],
    layer_status: Mapping[str, str],
    layer_info: dict[str, tuple[str, tuple[str, ...]]],
    active_packages: AbstractSet[str],
    compiled: Compiled,
    terms: TermIndex,
) -> float:
    """The all-in tariff on one flow cell (``layer_info`` is implied by the compiled plan)."""
    plan, has_replace = compiled.plans[cell.plan]
    in_force = {cell.plan: layers_in_force(plan, has_replace, layer_rate, layer_status)}
    out: dict[int, float] = {}
    cell_rates((compiled.rate_rows[cell.index],), in_force, active_packages, terms, out)
    return out[cell.index]


def all_rates(
    compiled: Compiled,
    layer_rate: Mapping[str, float],
    layer_status: Mapping[str, str],
    active_packages: AbstractSet[str],
    terms: TermIndex,
    layered: list[float] | None = None,
) -> list[float]:
    """:func:`effective_rate` of every cell, in cell order (each layer plan worked out once);
    ``layered`` gets the rates before caps and quotas, as in :func:`cell_rates`."""
    in_force = [
        layers_in_force(plan, has_replace, layer_rate, layer_status)
        for plan, has_replace in compiled.plans
    ]
    out = [0.0] * len(compiled.cells)
    layered_out = None if layered is None else [0.0] * len(compiled.cells)
    cell_rates(compiled.rate_rows, in_force, active_packages, terms, out, layered_out)
    if layered is not None and layered_out is not None:
        layered.extend(layered_out)
    return out


class LayerState(NamedTuple):
    """The layers' part of every cell's rate at one state of the layers (their rates and
    status): a game keeps one and replaces it, plan by plan, as layers change
    (:func:`layer_state`); :func:`rates_now` adds the deal terms and countermeasures.
    (A named tuple: immutable, and made for a fraction of a frozen dataclass's cost.)"""

    rates: tuple[float, ...]  # each layer's rate, in scenario order
    status: tuple[str, ...]  # each layer's status, in scenario order
    in_force: tuple[InForce, ...]  # per layer plan: layers_in_force
    # Per cell: its rate with no deal term (cell_rates of the cell alone with an empty term
    # index and the active packages).
    plain: tuple[float, ...]
    packages: frozenset[str]  # the active countermeasure packages


_NO_TERMS = TermIndex()
_NO_PACKAGES: frozenset[str] = frozenset()


def layer_state(
    compiled: Compiled,
    known: LayerState | None,
    layer_rate: Mapping[str, float],
    layer_status: Mapping[str, str],
    active_packages: AbstractSet[str],
    remember: bool = False,
) -> LayerState:
    """The :class:`LayerState` of ``layer_rate``, ``layer_status`` and ``active_packages``:
    ``known`` itself if nothing changed since it was made, else ``known`` with the plans of
    the changed layers (and of the cells of the packages that came or went) worked out
    again (each plan's layers in force by :func:`layers_in_force`, its cells' rates by
    :func:`cell_rates` with no term), or every plan if ``known`` is None. A layer whose rate
    is another object than before counts as changed (equal floats may differ: 0.0 and
    -0.0). With ``remember`` (projections', which come back to the layers of states seen
    before, with other deals), every layer state made is remembered per scenario by the
    layers' rates and status and the packages, and one made before is given back whole, but
    where a rate is zero and another object (0.0 and -0.0 are equal keys)."""
    by_layer = compiled.layer_values
    rates = by_layer(layer_rate)
    status = by_layer(layer_status)
    if known is None:
        packages = frozenset(active_packages) if active_packages else _NO_PACKAGES
    else:
        packages = known.packages
        if active_packages != packages:  # (a set equals a frozenset of the same members)
            packages = frozenset(active_packages) if active_packages else _NO_PACKAGES
        elif status == known.status and _all(_map(_is, rates, known.rates)):
            return known
    if remember:
        made = compiled.layer_memo.get((rates, status, packages))
        if made is not None and (0.0 not in rates or _all(_map(_is, rates, made.rates))):
            return made
    plans: Iterable[int]
    if known is None:
        plans = range(len(compiled.plans))
        in_force: list[InForce] = [([], None)] * len(compiled.plans)
        plain = [0.0] * len(compiled.cells)
    else:
        old_rates = known.rates
        old_status = known.status
        changed: set[int] = set()
        if packages is not known.packages:
            # The plans with a package on their cells that came or went (a package with no
            # tariff on a plan's cells moves none of its rates).
            moved_packages = packages ^ known.packages
            for k in compiled.packaged_plans:
                if compiled.plan_packages[k] & moved_packages:
                    changed.add(k)
        # The layers whose rate is another object or whose status moved (compared in C:
        # a loop over the layers costs more).
        moved: Iterable[bool] = _map(_is_not, rates, old_rates)
        if status != old_status:
            moved = _map(_or, moved, _map(_ne, status, old_status))
        for of_layer in itertools.compress(compiled.layer_plans, moved):
            changed.update(of_layer)
        plans = sorted(changed)
        in_force = list(known.in_force)
        plain = list(known.plain)
    all_plans = compiled.plans
    plan_rows = compiled.plan_rows
    plan_layers = compiled.plan_layers
    plan_cells = compiled.plan_cells
    plan_packages = compiled.plan_packages
    memo = compiled.plan_memo
    for k in plans:
        # A plan's part is a function of its layers' rates and status (and of which
        # packages on its cells are active): remembered per scenario by them, but for
        # a rate of zero (0.0 and -0.0 are equal keys, and an all-in layer's rate is the
        # cells' rate as it is).
        of_plan = plan_layers[k]
        values = of_plan(rates)
        key: tuple[Any, ...] | None = None
        known_part = None
        if 0.0 not in values:
            on_cells = plan_packages[k]
            key = (k, values, of_plan(status), packages & on_cells if on_cells else None)
            known_part = memo.get(key)
        if known_part is None:
            plan, has_replace = all_plans[k]
            plan_in_force = layers_in_force(plan, has_replace, layer_rate, layer_status)
            cells = plan_cells[k]
            cell_rates(plan_rows[k], {k: plan_in_force}, packages, _NO_TERMS, plain)
            known_part = (plan_in_force, tuple(_map(plain.__getitem__, cells)))
            if key is not None:
                if len(memo) >= PLAN_MEMO_SIZE:
                    memo.clear()  # bounded; a miss only costs the computation
                memo[key] = known_part
            in_force[k] = plan_in_force
            continue
        in_force[k] = known_part[0]
        for index, rate in zip(plan_cells[k], known_part[1]):  # noqa: B905 (made so)
            plain[index] = rate
    made = _new_tuple(LayerState, (rates, status, tuple(in_force), tuple(plain), packages))
    if remember:
        layer_memo = compiled.layer_memo
        if len(layer_memo) >= PLAN_MEMO_SIZE:
            layer_memo.clear()  # bounded; a miss only costs the computation
        layer_memo[rates, status, packages] = made
    return made


PLAN_MEMO_SIZE = 4096  # remembered layer states of plans, per scenario


def rates_now(
    compiled: Compiled, layers: LayerState, terms: TermIndex
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The rates and the layered rates of every cell (what :func:`all_rates` gives, with
    ``layered``), from the layers' and packages' part ``layers``: a cell that no deal term
    touches has its plain rate; the others are worked out by :func:`cell_rates` with the
    terms. With no cut, every cell's layered rate is its plain rate (cell_rates starts
    each touched cell from it)."""
    touched = terms.touched
    plain = layers.plain
    if not touched:
        return plain, plain
    rates = list(plain)
    rows = _map(compiled.rate_rows.__getitem__, touched)
    if not terms.cell_cuts:
        cell_rates(rows, layers.in_force, layers.packages, terms, rates, None, plain)
        return tuple(rates), plain
    layered = list(plain)
    cell_rates(rows, layers.in_force, layers.packages, terms, rates, layered, plain)
    return tuple(rates), tuple(layered)


def flow_value(cell: FlowCell, rate: float, fx: float, boost: float) -> float:
    """Trade value of a cell at ``rate`` without purchases (constant-elasticity demand,
    DESIGN §3.5): ``V0 · ((1+t)·f / (1+t0))^(−eps) · (1 + boost)``."""
    if cell.v0 == 0.0:
        return 0.0
    ratio = (1.0 + rate) * fx / (1.0 + cell.mfn)
    demand: float = ratio ** (-cell.eps)
    return cell.v0 * demand * (1.0 + boost)


CellEffects = tuple[float, float, float, float, float | None, float, float | None, float | None]
"""What one flow cell adds to the economy at given inputs: (value, tariff revenue, consumer
cost, exporter's GDP effect, importer's substitution gain or None, importer's net cost,
exporter's pain or None, importer's pain or None)."""


def cell_effects(
    cell: FlowCell, rate: float, fx: float, boost: float, bought: float | None, params: Economy
) -> CellEffects:
    """The annual effects of one flow cell (DESIGN §3.5) at tariff ``rate``, exchange factor
    ``fx``, regulatory ``boost`` and committed purchases ``bought``."""
    traded = flow_value(cell, rate, fx, boost)
    value = traded + bought if bought is not None else traded
    extra = rate - cell.mfn
    cost = params.pass_through * extra * value
    export_effect = (value - cell.v0) * cell.export_weight
    net_cost = cost - params.revenue_recycling * extra * value
    return (
        value,
        rate * value,
        cost,
        export_effect,
        params.substitution_share * (cell.v0 - traded) * cell.import_share
        if traded < cell.v0
        else None,
        net_cost,
        export_effect * cell.exporter_salience if export_effect < 0 else None,
        net_cost * cell.importer_salience if net_cost > 0 else None,
    )


CellOperands = tuple[float, float, float, float, float, float, float, float]
"""What one flow cell adds to each sum of the snapshot, from its :data:`CellEffects`: (value,
tariff revenue, consumer cost, exporter's GDP effect, importer's substitution gain, minus
the importer's net cost, minus the exporter's pain, importer's pain), a gain or pain that is
not there as -0.0. Adding these gives the same floats as the rule's steps (skip what is not
there, take a cost away): x + -0.0 is x for every float x, and x - y is x + (-y)."""


CellEntry = tuple[float, float, float, float, float, float, float, float, float]
"""What a snapshot remembers of one flow cell at given inputs: its :data:`CellOperands`, then
their size (:func:`_cell_entry`)."""


def _cell_entry(rate: float, effects: CellEffects) -> CellEntry:
    """The :data:`CellOperands` of a cell of ``effects`` at ``rate``, then the sizes of the
    rate and of each operand a ledger's sums add (all but the pains) added up: NaN or inf if
    one is not finite."""
    value, revenue, cost, export_effect, substituted, net_cost, e_pain, i_pain = effects
    if substituted is None:
        substituted = -0.0
    net = -net_cost
    e_pain = -0.0 if e_pain is None else -e_pain
    if i_pain is None:
        i_pain = -0.0
    size = (
        abs(rate)
        + abs(value)
        + abs(revenue)
        + abs(cost)
        + abs(export_effect)
        + abs(substituted)
        + abs(net)
    )
    return (value, revenue, cost, export_effect, substituted, net, e_pain, i_pain, size)


RateEntries = tuple[Sequence[float], tuple[CellEntry, ...], tuple[float, ...] | None]
"""What snapshot remembers of one rates tuple: the tuple, every cell's entry at its rate alone,
and their pain sums (Compiled.pain_sums) once made."""

CellTerms = tuple[float, float, float | None]  # (fx, boost, bought): see _termed_cells
_NO_CELL_TERMS: CellTerms = (1.0, 0.0, None)  # the terms of a cell no term touches


def _termed_cells(compiled: Compiled, terms: TermIndex) -> tuple[tuple[int, CellTerms], ...]:
    """(index, its terms) of each cell a currency, boost or purchase term changes (its
    terms are not fx 1.0, boost 0.0 and no purchase), in cell order; kept on the index."""
    termed = terms.termed
    if termed is None and not (terms.currency or terms.boosts or terms.purchases):
        termed = terms.termed = ()
    if termed is None:
        candidates: set[int] = set()
        if terms.currency:
            for exporter in terms.currency:
                candidates.update(compiled.export_cells.get(exporter, ()))
        cell_index = compiled.cell_index
        for key in itertools.chain(terms.boosts, terms.purchases):
            index = cell_index.get(key)
            if index is not None:
                candidates.add(index)
        out = []
        rows = compiled.rows
        currency, boosts, purchases = terms.currency, terms.boosts, terms.purchases
        for index in sorted(candidates):
            exporter, _, _, key = rows[index]
            # The cell's exchange factor, regulatory boost and committed purchases (its
            # exporter's currency term; boosts and purchases by its flow key).
            fx = 1.0 + currency.get(exporter, 0.0) if currency else 1.0
            boost = boosts.get(key, 0.0) if boosts else 0.0
            bought = purchases.get(key) if purchases else None
            if not (fx == 1.0 and boost == 0.0 and bought is None):  # (_NO_CELL_TERMS)
                out.append((index, (fx, boost, bought)))
        termed = terms.termed = tuple(out)
    return termed


def snapshot(
    rules: Rules,
    rates: Sequence[float],
    terms: TermIndex,
    active_packages: AbstractSet[str],
    remember: bool = False,
) -> Snapshot:
    """Evaluate every flow at ``rates`` and derive each player's annual economic effects.

    Each cell's results are remembered per scenario, by the cell's inputs (its rate, and the
    currency, regulatory and purchase terms on it): a cell seen before with the same inputs
    is only added in. Each player's sums add its cells' operands (:data:`CellOperands`) in
    cell order either way, so they are the same floats. The pains are added now; the trade
    values and the other sums when first read (:class:`Snapshot`, :func:`_make_sums`).
    With ``remember`` (rates shared, which come back: projections'), every cell's entry at
    these rates alone is also remembered by the rates tuple itself.
    """
    compiled = compile_rules(rules)
    params = rules.economy
    ids = rules.player_ids
    memos = compiled.cell_memos
    termed = terms.termed
    if termed is None:
        termed = _termed_cells(compiled, terms)
    # Every cell's entry at its rate alone (no term on it), and their sums (made when a
    # snapshot with no cell termed first reads them): remembered per scenario by the rates
    # themselves (the very tuple: projections share the rates they revisit), so that a
    # snapshot at rates seen before looks up no cell. Replaced whole.
    entries: Sequence[CellEntry]
    if not remember or type(rates) is not tuple:
        # Each cell looked up once, by its rate or (a cell a term touches) its rate and terms.
        keys: list[Any] | Sequence[float] = rates
        if termed:
            keys = list(rates)
            for index, (fx, boost, bought) in termed:
                keys[index] = (rates[index], fx, boost, bought)
        found: list[CellEntry | None] = list(_map(_memo_get, memos, keys))
        _fill_entries(compiled, params, rates, keys, found)
        entries = found  # type: ignore[assignment]  # (no None left)
        sums = compiled.pain_sums.add(entries)
    else:
        entries, sums = _remembered_entries(compiled, params, rates, termed)
    # (zip without strict, whose keyword costs more than the zip: it stops at the last
    # player.)
    pain: dict[str, float] = dict(zip(ids, sums))  # noqa: B905
    # The active countermeasures' GDP costs, in scenario order: pain now, GDP when made.
    costs: tuple[tuple[str, float], ...] = ()
    if active_packages:
        costs = tuple(
            [
                (pid, cost_bn)
                for pid, package, cost_bn in compiled.package_costs
                if package in active_packages
            ]
        )
        for pid, cost_bn in costs:
            pain[pid] += cost_bn
    pain_pct: dict[str, float] = {}
    for pid, gdp_of_player in compiled.player_gdp:
        pain_pct[pid] = 100.0 * pain[pid] / gdp_of_player
    terms_size = terms.size
    if terms_size is None:
        terms_size = terms.size = _size_of_terms(compiled, params, terms)
    snap = _new_snapshot(Snapshot)
    snap.rate = tuple(rates)  # (the same tuple when the game's rates are passed)
    snap.pain_pct = pain_pct
    # (a bound, not a result; twice its parts, for the roundings of the sums)
    snap.bound = 2.0 * (compiled.gdp_factor * sums[-1] + terms_size)
    snap._parts = (compiled, params, entries, terms, costs)
    snap._own = {}
    return snap


def _remembered_entries(
    compiled: Compiled,
    params: Economy,
    rates: tuple[float, ...],
    termed: tuple[tuple[int, CellTerms], ...],
) -> tuple[Sequence[CellEntry], tuple[float, ...]]:
    """The cells' entries at ``rates`` and ``termed`` and their pain sums (see snapshot),
    from what is remembered by the rates tuple itself."""
    memos = compiled.cell_memos
    by_rates = compiled.rate_entries
    known = by_rates.get(id(rates))
    if known is not None and known[0] is not rates:
        known = None
    if known is None:
        found: list[CellEntry | None] = list(map(_memo_get, memos, rates))
        _fill_entries(compiled, params, rates, rates, found)
        known = (rates, cast("tuple[CellEntry, ...]", tuple(found)), None)  # (no None left)
        if len(by_rates) >= RATE_ENTRIES_SIZE:
            by_rates.clear()  # bounded; a miss only costs the look-ups
        by_rates[id(rates)] = known  # (holds the rates: the id stays theirs)
    entries: Sequence[CellEntry] = known[1]
    # Each player's pain over its cells, in cell order: what it exports, what it imports;
    # then the cells' sizes.
    if termed:
        # A cell a term touches is remembered by its rate and its terms.
        keys: list[Any] = list(rates)
        found = list(entries)
        for index, (fx, boost, bought) in termed:
            key = keys[index] = (rates[index], fx, boost, bought)
            found[index] = memos[index].get(key)
        _fill_entries(compiled, params, rates, keys, found)
        entries = found  # type: ignore[assignment]  # (no None left)
        sums = compiled.pain_sums.add(entries)
    else:
        remembered = known[2]
        if remembered is not None:
            sums = remembered
        else:
            sums = compiled.pain_sums.add(entries)
            by_rates[id(rates)] = (rates, known[1], sums)
    return entries, sums


def _fill_entries(
    compiled: Compiled,
    params: Economy,
    rates: Sequence[float],
    keys: Sequence[Any],
    found: list[CellEntry | None],
) -> None:
    """Make the entry of each cell not remembered (``found`` None) at its memo key in
    ``keys`` (its rate, or its rate and terms: see snapshot), in cell order, remembered."""
    # (A cell's entry is a tuple of nine, never false: all() finds a None faster than
    # ``None in found``, which compares each tuple with None.)
    if _all(found):
        return
    memos = compiled.cell_memos
    cells = compiled.cells
    for index in itertools.compress(range(len(found)), _map(_is, found, _NONES)):
        memo = memos[index]
        if len(memo) >= CELL_MEMO_SIZE:
            memo.clear()  # bounded; a miss only costs the computation
        key = keys[index]
        rate = rates[index]
        # A termed cell's key holds its terms (made by _termed_cells); any other cell's
        # terms give what no term gives. (Its key is its rate, a float: not told by `key is
        # rate`, which compiled code, holding the rate unboxed, never finds true.)
        fx, boost, bought = key[1:] if isinstance(key, tuple) else _NO_CELL_TERMS
        found[index] = memo[key] = _cell_entry(
            rate, cell_effects(cells[index], rate, fx, boost, bought, params)
        )


_SumParts = tuple[Compiled, Economy, Sequence[CellEntry], TermIndex, tuple[tuple[str, float], ...]]
"""What :func:`_make_sums` makes a snapshot's other sums from: the scenario's tables and
economy, the cells' entries, the terms, and the GDP cost of each active countermeasure."""


def _make_sums(snap: Snapshot) -> None:
    """Make each player's GDP effect, its share of GDP, tariff revenue and consumer cost
    (:func:`_own_sums`) and what each player receives of a snapshot made by
    :func:`snapshot`."""
    parts = snap._parts
    gdp_bn: dict[str, float] = {}
    gdp_pct: dict[str, float] = {}
    revenue: dict[str, float] = {}
    consumer: dict[str, float] = {}
    for n, (pid, _) in enumerate(parts[0].player_gdp):
        gdp_bn[pid], gdp_pct[pid], revenue[pid], consumer[pid] = _own_sums(parts, n)
    received = _received(parts[3], parts[0].player_ids)
    # (Each field is set whole: a thread that finds one not set yet makes them all again, the
    # same values.)
    snap.investment_received = received[0]
    snap.purchases_received = received[1]
    snap.cost_sharing_received = received[2]
    snap.consumer_cost = consumer
    snap.revenue = revenue
    snap.gdp_pct = gdp_pct
    snap.gdp_bn = gdp_bn


def player_sums(snap: Snapshot, player: str) -> tuple[float, ...]:
    """``player``'s values of the tables of ``ECONOMY_KEYS``, in that order: made for that
    player alone (a projection reads its viewer's only) by the rules that make the tables,
    remembered on the snapshot."""
    own = snap._own
    sums = own.get(player)
    if sums is None:
        parts = snap._parts
        compiled = parts[0]
        received = _received(parts[3], compiled.player_ids)
        n = _position(compiled, player)
        sums = (
            *_own_sums(parts, n),
            received[0][player],
            received[1][player],
            received[2][player],
        )
        snap._own = {**own, player: sums}
    return sums


def _position(compiled: Compiled, player: str) -> int:
    for n, (pid, _) in enumerate(compiled.player_gdp):
        if pid == player:
            return n
    raise KeyError(player)


def _own_sums(parts: _SumParts, n: int) -> tuple[float, float, float, float]:
    """The GDP effect, its share of GDP, tariff revenue and consumer cost of the ``n``-th
    player: its sums over its cells in cell order, then the terms' and countermeasures'
    amounts (the rule's order)."""
    compiled, params, entries, terms, costs = parts
    pid, gdp_of_player = compiled.player_gdp[n]
    gdp_sum, revenue_sum, consumer_sum = compiled.own_sums[n].add(entries)
    if terms.investment:
        per_year = terms.investment.get(pid)
        if per_year is not None:
            # Only the disbursed share adds to GDP (the pledge metric counts the whole).
            gdp_sum += params.investment_multiplier * params.investment_realisation * per_year
    if terms.cost_sharing:
        per_year = terms.cost_sharing.get(pid)
        if per_year is not None:
            gdp_sum += per_year
    if terms.cost_sharing_paid:
        per_year = terms.cost_sharing_paid.get(pid)
        if per_year is not None:
            gdp_sum -= per_year
    for payer, cost_bn in costs:
        if payer == pid:
            gdp_sum -= cost_bn
    return gdp_sum, 100.0 * gdp_sum / gdp_of_player, revenue_sum, consumer_sum


def _received(
    terms: TermIndex, ids: tuple[str, ...]
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """What each player receives at ``terms`` (investment, purchases, cost sharing), kept on
    the index."""
    received = terms.received
    if received is None:
        received = terms.received = (
            dict(zip(ids, map(terms.investment.get, ids, _ZEROS))),  # noqa: B905
            dict(zip(ids, map(terms.purchases_received.get, ids, _ZEROS))),  # noqa: B905
            dict(zip(ids, map(terms.cost_sharing.get, ids, _ZEROS))),  # noqa: B905
        )
    return received


def _size_of_terms(compiled: Compiled, params: Economy, terms: TermIndex) -> float:
    """What a snapshot at ``terms`` adds to its bound besides its cells: the sizes of the
    amounts the terms and countermeasures add to GDP effects (times the scenario's
    ``gdp_factor``: each is in a GDP effect and its share of GDP) and of what each player
    receives. (sum(): a bound, not a result.)"""
    investment = _sum(_map(_abs, terms.investment.values()), 0.0) if terms.investment else 0.0
    cost_sharing = _sum(_map(_abs, terms.cost_sharing.values()), 0.0) if terms.cost_sharing else 0.0
    to_gdp = compiled.packages_size + cost_sharing
    received = investment + cost_sharing
    if investment:
        to_gdp += abs(params.investment_multiplier * params.investment_realisation) * investment
    if terms.cost_sharing_paid:
        to_gdp += _sum(_map(_abs, terms.cost_sharing_paid.values()), 0.0)
    if terms.purchases_received:
        received += _sum(_map(_abs, terms.purchases_received.values()), 0.0)
    return compiled.gdp_factor * to_gdp + received


_memo_get = dict.get
_E_PAIN = 6  # the exporter's pain in a CellEntry
_I_PAIN = 7  # the importer's pain
_SIZE = 8  # its size
_NONES = itertools.repeat(None)
_ZEROS = itertools.repeat(0.0)
_first = operator.itemgetter(0)


def stress_pressure(
    rules: Rules, snap: Snapshot | Sequence[float], remember: bool = True
) -> tuple[float, float]:
    """Trade-weighted extra tariff the stress player applies, and that it faces (at a
    snapshot's rates, or at the given rates of every cell). ``remember`` False: not looked
    up nor kept by the rates (hashing them costs more than the sums, and a game's own rates
    rarely come back equal in another tuple; projections' do, State.SHARES_RATES)."""
    holder = rules.market_stress_player
    if holder is None:
        return 0.0, 0.0
    compiled = compile_rules(rules)
    rate = snap.rate if isinstance(snap, Snapshot) else snap
    # The same rates come back round after round (the tuple of the game's rates is shared
    # with its snapshot and the rates cache): remember the result by them.
    memo = compiled.stress_memo
    key = rate if remember and isinstance(rate, tuple) else None
    known = memo.get(key) if key is not None else None
    if known is not None:
        return known
    applied, faced = compiled.stress_sums.of(rate)
    # The trade weights (the V0s added in the same order) are the scenario's: made once.
    applied_w, faced_w = compiled.stress_weights
    result = (applied / applied_w if applied_w else 0.0, faced / faced_w if faced_w else 0.0)
    if key is not None:
        if len(memo) >= CELL_MEMO_SIZE:
            memo.clear()  # bounded; a miss only costs the computation
        memo[key] = result
    return result


__all__ = [
    "ALL",
    "RATE_KINDS",
    "Compiled",
    "FlowCell",
    "LayerState",
    "Snapshot",
    "TermIndex",
    "all_rates",
    "changes_rates",
    "compile_rules",
    "covered_cells",
    "covered_sectors",
    "deal_entries",
    "deal_key",
    "effective_rate",
    "flow_value",
    "index_terms",
    "layer_state",
    "rates_now",
    "snapshot",
    "stress_pressure",
]


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
