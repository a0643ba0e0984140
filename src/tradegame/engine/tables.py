"""A scenario's look-up tables, typed and built once per rules object (:func:`tables_of`).

The phases read the scenario through these instead of scanning it on every move: player
positions, tariff instruments and packages by owner, flow cells by pair and by player, the
items two players can trade, the news that can happen in a window of days. The tables never
change; :class:`Caches` holds the memos that fill as games are played (each bounded or keyed
by a small set), so the frozen :class:`~tradegame.engine.rules.Rules` holds no state at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from tradegame.engine.actions import Done, Pass, Reject, Term
from tradegame.engine.chance import Stream
from tradegame.engine.economy import Compiled, DealTerms, FlowCell, TermIndex, compile_rules
from tradegame.engine.kinds import LayerStatus
from tradegame.engine.memo import per_rules
from tradegame.engine.plain import picklable_when_compiled
from tradegame.engine.records import Ledger, LedgerLayout, empty_ledger, ledger_layout, pair_key
from tradegame.engine.rules import Event, Item, Layer, Rules, TariffInstrument

CACHE_SIZE: Final = 4096  # entries of an open-ended memo (rates of projections, term texts)


@dataclass(frozen=True, slots=True)
class NewsWindow:
    """What can happen in the news of a round of days first..last (scenario order)."""

    layers: tuple[Layer, ...]  # layers due to take effect (if still inactive)
    scheduled: tuple[Event, ...]  # scheduled events dated in the window
    conditional: tuple[Event, ...]  # every conditional event
    chance: tuple[Event, ...]  # random events whose date range meets the window
    set_layer: frozenset[str]  # ids of events with a set_layer effect


@dataclass(slots=True)
class Caches:
    """Memos filled as games of a scenario are played."""

    news_windows: dict[tuple[int, int], NewsWindow] = field(default_factory=dict)
    term_texts: dict[tuple[str, float], str] = field(default_factory=dict)
    dates: dict[int, str] = field(default_factory=dict)
    # Rates and layered rates (State.layered_rates) by (layer rates, layer status, active
    # packages, deals that bound rates): reused by projections, which come back to the same
    # states again and again.
    rates: dict[tuple[Any, ...], tuple[tuple[float, ...], tuple[float, ...]]] = field(
        default_factory=dict
    )
    batna: dict[int, dict[str, float]] = field(default_factory=dict)  # by seed
    # Term indexes by the deals in force (economy.deal_key of each, in order): the part no
    # credibility moves (economy.deal_terms, its pledgers among it), and an index by the
    # pledgers' credibility. Reused by projections, like the rates.
    terms: dict[tuple[Any, ...], tuple[DealTerms, dict[tuple[float, ...], TermIndex]]] = field(
        default_factory=dict
    )
    # news.held_talks's pairs by (round, event talks, requests), or by the round alone when
    # there are neither: talks.plan reads those and the scenario only.
    held_talks: dict[int | tuple[Any, ...], frozenset[tuple[str, str]]] = field(
        default_factory=dict
    )
    # talks.plan's sessions likewise (talks.planned): what the Talks phase holds.
    talk_plans: dict[int | tuple[Any, ...], tuple[tuple[tuple[str, str], str, str, bool], ...]] = (
        field(default_factory=dict)
    )
    # A projection's chance stream by (seed, round, phase): the generator's state as seeded
    # and its first draws (seeding from a string hashes it each time; replaying the draws
    # is cheaper than restoring the state, see chance.py).
    projection_rng: dict[tuple[int | str, int, str], Stream] = field(default_factory=dict)
    # Ledgers whose sums are all finite and small enough for a game to keep its rounds
    # (State._accumulate, before it keeps its first round), by id, each kept while here.
    bounded_ledgers: dict[int, Ledger] = field(default_factory=dict)
    # markets.py: the pressures of the rates tuples met lately, by the tuple's id (each kept
    # while it is here, see markets._pressure).
    pressures: dict[int, tuple[Sequence[float], tuple[float, float]]] = field(default_factory=dict)
    # The scenario's numbers politics and markets read each round (politics._constants,
    # markets._constants), made once: a game reads them through its tables, an attribute
    # away, rather than by a call of their per-rules memo. (Plain values: a game pickles
    # with its tables.)
    politics: Any = None
    markets: Any = None  # () when no player holds market stress
    # talks.terms_by_scenario's verdicts by (player, partner, terms) of well-formed terms
    # (talks.check_terms): every what_if of a proposal checks its deal's terms again.
    term_verdicts: dict[tuple[str, str, tuple[Term, ...]], str | None] = field(default_factory=dict)
    # legal.py's memory of the sampler (legal._SamplerMemo), made there on first use: a
    # game reads it through its tables, an attribute away.
    sampler: Any = None
    # news.py's compiled news (news._Plan), likewise; pickled as the rules to compile again.
    news: Any = None


@dataclass(frozen=True, slots=True)
class Start:
    """What a game of the scenario starts with (State.__init__ copies the dicts and sets):
    the scenario's alone, so made once."""

    layer_rate: dict[str, float]
    layer_status: dict[str, LayerStatus]
    layer_info: dict[str, tuple[str, tuple[str, ...]]]
    active_packages: tuple[str, ...]  # in scenario order (a set made of them has their order)
    available_items: frozenset[str]
    approval: dict[str, float]
    credibility: dict[str, float]
    relations: dict[tuple[str, str], float]  # every pair, in the ledger's order of pairs
    ledger: Ledger  # empty (immutable: shared)


def _start(rules: Rules, layout: LedgerLayout) -> Start:
    start_day = rules.calendar.start_day
    relations = dict.fromkeys(layout.pairs, 50.0)
    for (a, b), value in rules.relations:
        relations[pair_key(a, b)] = value
    return Start(
        layer_rate={la.id: la.rate for la in rules.layers},
        # A layer in force from a later day is inactive until the news of its day.
        layer_status={
            la.id: (
                LayerStatus.INACTIVE
                if la.from_day is not None
                and la.from_day > start_day
                and la.status == LayerStatus.IN_FORCE
                else LayerStatus(la.status)
            )
            for la in rules.layers
        },
        layer_info={la.id: (la.combine, la.replaces) for la in rules.layers},
        active_packages=tuple(
            cm.id for p in rules.players for cm in p.countermeasures if cm.active_at_start
        ),
        available_items=frozenset(it.id for it in rules.items if it.available),
        approval={p.id: p.approval for p in rules.players},
        credibility={p.id: p.credibility for p in rules.players},
        relations=relations,
        ledger=empty_ledger(layout, len(rules.flows)),
    )


@dataclass(frozen=True, slots=True)
class Tables:
    """Look-ups of one scenario: built once, never changed (see :func:`tables_of`)."""

    compiled: Compiled
    player_order: dict[str, int]
    ledger_layout: LedgerLayout  # where the ledger keeps each player's and pair's sums
    tariff_instruments: dict[tuple[str, str], TariffInstrument]  # (player, layer)
    own_packages: dict[str, frozenset[str]]
    pair_cells: dict[tuple[str, str], tuple[FlowCell, ...]]  # (importer, exporter)
    import_cells: dict[str, tuple[tuple[int, tuple[str, str]], ...]]  # (index, pair)
    trade_cells: dict[str, tuple[tuple[int, bool], ...]]  # (index, exported?)
    traded: dict[str, frozenset[int]]  # the indexes of trade_cells
    export_cells: dict[str, tuple[FlowCell, ...]]
    player_cells: dict[str, tuple[FlowCell, ...]]  # it exports or imports, in cell order
    deal_items: dict[tuple[str, str], tuple[Item, ...]]  # either may give, catalogue order
    levels: dict[str, tuple[float, ...]]  # by item
    # Each player's passive moves (pass, reject, done): frozen values, made once.
    passive_moves: dict[str, tuple[Pass, Reject, Done]]
    done_moves: dict[str, Done]  # each player's done of passive_moves, the same value
    # The rounds the scenario schedules talks in: talks.plan reads the round only for them.
    talk_rounds: frozenset[int]
    start: Start
    caches: Caches

    def news_window(self, rules: Rules, first: int, last: int) -> NewsWindow:
        """The news that can happen in the round of days ``first``..``last``."""
        window = self.caches.news_windows.get((first, last))
        if window is None:
            window = self.caches.news_windows[(first, last)] = _news_window(rules, first, last)
        return window


def _news_window(rules: Rules, first: int, last: int) -> NewsWindow:
    start = rules.calendar.start_day
    return NewsWindow(
        layers=tuple(
            la
            for la in rules.layers
            if la.from_day is not None
            and first <= la.from_day <= last
            and la.status == LayerStatus.IN_FORCE
            and la.from_day > start
        ),
        scheduled=tuple(
            ev
            for ev in rules.events
            if ev.trigger == "scheduled" and ev.day is not None and first <= ev.day <= last
        ),
        conditional=tuple(ev for ev in rules.events if ev.trigger == "conditional"),
        chance=tuple(
            ev
            for ev in rules.events
            if ev.trigger == "random"
            and (ev.from_day is None or last >= ev.from_day)
            and (ev.until_day is None or first <= ev.until_day)
        ),
        set_layer=frozenset(
            ev.id for ev in rules.events if any(e.kind == "set_layer" for e in ev.effects)
        ),
    )


@per_rules
def tables_of(rules: Rules) -> Tables:
    """The look-up tables of ``rules`` (built on first use, then shared by every game)."""
    ids = rules.player_ids
    cells = compile_rules(rules).cells
    passive = {p: (Pass(p), Reject(p), Done(p)) for p in ids}
    instruments: dict[tuple[str, str], TariffInstrument] = {}
    for pl in rules.players:
        for t in reversed(pl.tariffs):  # the first instrument on a layer wins
            instruments[(pl.id, t.layer)] = t
    layout = ledger_layout(ids)
    return Tables(
        compiled=compile_rules(rules),
        player_order={p: n for n, p in enumerate(ids)},
        ledger_layout=layout,
        tariff_instruments=instruments,
        own_packages={p.id: frozenset(c.id for c in p.countermeasures) for p in rules.players},
        pair_cells={
            (i, e): tuple(c for c in cells if c.importer == i and c.exporter == e)
            for i in ids
            for e in ids
        },
        import_cells={p: tuple((c.index, c.pair) for c in cells if c.importer == p) for p in ids},
        trade_cells={
            p: tuple(
                (c.index, c.exporter == p) for c in cells if c.exporter == p or c.importer == p
            )
            for p in ids
        },
        traded={
            p: frozenset(c.index for c in cells if c.exporter == p or c.importer == p) for p in ids
        },
        export_cells={p: tuple(c for c in cells if c.exporter == p) for p in ids},
        player_cells={
            p: tuple(c for c in cells if c.exporter == p or c.importer == p) for p in ids
        },
        deal_items={
            (a, b): tuple(
                item
                for item in rules.items
                if item.owner == a and item.can_go_to(b) or item.owner == b and item.can_go_to(a)
            )
            for a in ids
            for b in ids
        },
        levels={item.id: tuple(lv.value for lv in item.levels) for item in rules.items},
        passive_moves=passive,
        done_moves={p: moves[2] for p, moves in passive.items()},
        talk_rounds=frozenset(st.round for st in rules.scheduled_talks),
        start=_start(rules, layout),
        caches=Caches(),
    )


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
