"""The rules of one scenario as frozen values: what the engine reads, never writes.

Built from a validated scenario by :func:`tradegame.scenario.convert.to_rules`; the engine
imports nothing from pydantic or yaml. Ids are the scenario's own strings; the engine knows
no country or sector by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tradegame.engine.kinds import StatementKind, TalkLevel, TermKind
from tradegame.engine.plain import picklable_when_compiled, python_class

ALL = "all"
# The vocabularies as plain text, in order (values of scenario data and of actions).
TALK_LEVELS = tuple(k.value for k in TalkLevel)
STATEMENT_KINDS = tuple(k.value for k in StatementKind)
ITEM_KINDS = tuple(k.value for k in TermKind)


@dataclass(frozen=True, slots=True)
class Calendar:
    window_start: str  # ISO date of day 0
    start_day: int
    round_days: int
    deadline_day: int
    max_extension_days: int
    extension_step_days: int
    after_deadline_days: int
    projection_days: int
    end_when_settled: bool


@dataclass(frozen=True, slots=True)
class Limits:
    max_tariff: float
    tariff_step: float
    max_orders: int
    max_terms: int


@dataclass(frozen=True, slots=True)
class Sector:
    id: str
    name: str
    elasticity: float
    value_added_share: float | None
    salience: tuple[tuple[str, float], ...]

    def salience_for(self, player: str) -> float:
        for who, value in self.salience:
            if who == player:
                return value
        return 1.0


@dataclass(frozen=True, slots=True)
class Flow:
    exporter: str
    importer: str
    sector: str
    value_bn: float
    mfn: float


@dataclass(frozen=True, slots=True)
class Layer:
    id: str
    name: str
    importer: str
    exporter: str  # a player id or ALL
    sectors: frozenset[str] | None  # None = all sectors
    except_sectors: frozenset[str]
    rate: float
    combine: str  # add | replace | all_in
    replaces: tuple[str, ...]
    status: str  # in_force | paused | inactive
    from_day: int | None

    def covers(self, importer: str, exporter: str, sector: str) -> bool:
        return (
            self.importer == importer
            and (self.exporter == ALL or self.exporter == exporter)
            and (self.sectors is None or sector in self.sectors)
            and sector not in self.except_sectors
        )


@dataclass(frozen=True, slots=True)
class TariffInstrument:
    layer: str
    min: float
    max: float


@dataclass(frozen=True, slots=True)
class Countermeasure:
    id: str
    owner: str
    name: str
    target: str
    value_bn: float
    tariffs: tuple[tuple[str, float], ...]  # (sector, rate)
    market_stress: float
    gdp_cost_pct: float
    active_at_start: bool
    description: str


@dataclass(frozen=True, slots=True)
class Level:
    value: float
    cost: float  # political cost to the giver (private to the giver)
    gain: float  # political gain to the receiver (private to the receiver)


@dataclass(frozen=True, slots=True)
class Item:
    """A concession catalogue item; ``owner`` gives it, the deal's other party receives it."""

    id: str
    owner: str
    kind: str
    name: str
    to: tuple[str, ...] | None
    levels: tuple[Level, ...]
    available: bool
    description: str = ""
    sectors: frozenset[str] | None = None
    except_sectors: frozenset[str] = frozenset()
    sector: str | None = None
    in_quota_rate: float = 0.0
    years: float = 4.0
    export_boost: float = 0.0
    package: str | None = None
    talk_level: str = "ministerial"
    stress_relief_per_100bn: float = 0.0
    sets_precedent: bool = True  # a tariff cap: False for a standstill (issue 19 e)
    red_line: bool = False  # declared in public: the owner's ratifier never passes it

    def level(self, value: float) -> Level | None:
        for lv in self.levels:
            if lv.value == value:
                return lv
        return None

    def covers_sector(self, sector: str) -> bool:
        return (self.sectors is None or sector in self.sectors) and (
            sector not in self.except_sectors
        )

    def can_go_to(self, player: str) -> bool:
        return player != self.owner and (self.to is None or player in self.to)


@dataclass(frozen=True, slots=True)
class Objective:
    metric: str
    partner: str | None
    sector: str | None
    best: float
    worst: float
    weight: float
    label: str

    def normalise(self, value: float) -> float:
        x = (value - self.worst) / (self.best - self.worst)
        return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


@dataclass(frozen=True, slots=True)
class Ratification:
    body: str
    win_set_base: float
    win_set_slope: float

    def win_set(self, approval: float) -> float:
        return self.win_set_base + self.win_set_slope * (approval - 50.0)


@dataclass(frozen=True, slots=True)
class Player:
    id: str
    name: str
    gdp_bn: float
    approval: float
    credibility: float
    value_added_share: float
    gdp_multiplier: float
    ratification: Ratification | None
    tariffs: tuple[TariffInstrument, ...]
    countermeasures: tuple[Countermeasure, ...]
    objectives: tuple[Objective, ...]
    briefing_public: str
    briefing_confidential: str


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    by: str
    about: str
    text: str
    accurate: bool


@dataclass(frozen=True, slots=True)
class TalkLevelRules:
    max_exchanges: int
    stakes: float


@dataclass(frozen=True, slots=True)
class ScheduledTalks:
    round: int
    pair: tuple[str, str]
    level: str
    requester: str | None


@dataclass(frozen=True, slots=True)
class Economy:
    value_added_share: float
    pass_through: float
    substitution_share: float
    revenue_recycling: float
    investment_multiplier: float
    currency_effect: float
    currency_partner_bonus: float
    gdp_multiplier: float = 1.0  # shared by every player (DESIGN §3.9)
    purchase_realisation: float = 1.0  # share of a purchase pledge that becomes trade
    investment_realisation: float = 1.0  # share of an investment pledge disbursed


@dataclass(frozen=True, slots=True)
class MarketStress:
    start: float
    floor: float
    tariff_weight: float
    retaliation_weight: float
    decay: float
    deal_relief: float
    extension_relief: float
    approval_weight: float
    escalation_weight: float = 0.0  # points per unit of rise in the tariffs applied or faced


@dataclass(frozen=True, slots=True)
class StatementRules:
    claim_progress_approval: float
    claim_progress_credibility: float
    claim_progress_rounds: int
    public_demand_approval: float
    public_demand_penalty: float
    threat_approval: float
    threat_credibility: float
    threat_kept_credibility: float
    reassure_relations: float
    fact_check_credibility: float
    repeat_decay: float
    reassure_fade: float


@dataclass(frozen=True, slots=True)
class Politics:
    approval_drift: float
    pain_weight: float
    concession_weight: float
    precedent_weight: float
    renege_credibility: float
    renege_relations: float
    ratification_failure_approval: float
    ratification_failure_credibility: float
    tariff_raise_relations: float
    countermeasure_relations: float
    deal_relations: float
    goodwill_relations: float
    goodwill_credibility: float
    deal_credibility: float
    extension_credibility: float
    statements: StatementRules
    # Issue 19 pressures (defaults: off).
    failed_summit_relations: float = 0.0  # per unit of stakes above 1, no agreement
    failed_summit_approval: float = 0.0
    precedent_setter_weight: float = 0.0  # the setter's approval per unit of later cap vs precedent
    precedent_first_weight: float = 0.0  # the first settler's approval per unit, likewise


@dataclass(frozen=True, slots=True)
class Effect:
    """One typed event effect; ``kind`` selects which of the other fields matter."""

    kind: str
    layer: str | None = None
    rate: float | None = None
    status: str | None = None
    player: str | None = None
    pair: tuple[str, str] | None = None
    by: float = 0.0
    level: str = "ministerial"
    requester: str | None = None
    factor: float = 1.0
    item: str | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One fact a scripted event's news needs to be true (issue 19 f); ``kind`` selects which
    of the other fields matter: ``no_deal`` and ``session`` (``pair``), ``layer`` (``layer``
    with ``status``, ``below``, ``at_least``), ``package`` (``package``, ``status``) and
    ``fired`` (``event``). Checked by :func:`tradegame.engine.phases.news.unmet`."""

    kind: str
    pair: tuple[str, str] | None = None
    layer: str | None = None
    status: str | None = None
    below: float | None = None
    at_least: float | None = None
    package: str | None = None
    event: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A scheduled, conditional or random event, or an instructor inject."""

    id: str
    trigger: str  # scheduled | conditional | random | inject
    news: str
    effects: tuple[Effect, ...]
    day: int | None = None  # scheduled
    metric: str | None = None  # conditional
    player: str | None = None
    partner: str | None = None
    at_least: float | None = None
    at_most: float | None = None
    repeat: bool = False
    probability: float = 0.0  # random
    from_day: int | None = None
    until_day: int | None = None
    max_times: int = 1
    name: str = ""
    requires: tuple[Requirement, ...] = ()  # all must hold for the event to fire


@python_class
@dataclass(frozen=True, slots=True, weakref_slot=True)
class Rules:
    """A whole scenario, compiled for the engine."""

    id: str
    title: str
    summary: str
    calendar: Calendar
    limits: Limits
    players: tuple[Player, ...]
    sectors: tuple[Sector, ...]
    flows: tuple[Flow, ...]
    layers: tuple[Layer, ...]
    items: tuple[Item, ...]
    claims: tuple[Claim, ...]
    relations: tuple[tuple[tuple[str, str], float], ...]
    deadline_holder: str | None
    talk_capacity_holder: str | None
    market_stress_player: str | None
    precedent_setter: str | None
    talk_capacity: int | None
    talk_levels: tuple[tuple[str, TalkLevelRules], ...]
    scheduled_talks: tuple[ScheduledTalks, ...]
    economy: Economy
    market_stress: MarketStress
    politics: Politics
    events: tuple[Event, ...]
    debrief: tuple[str, ...]
    digest: str = ""  # sha256 of the source text, when known
    # Look-ups by id, built once by __post_init__ and never changed (the engine asks for
    # items and players on every move); init=False so dataclasses.replace() rebuilds them.
    _player_ids: tuple[str, ...] = field(default=(), compare=False, repr=False, init=False)
    _players: dict[str, Player] = field(default_factory=dict, compare=False, repr=False, init=False)
    _items: dict[str, Item] = field(default_factory=dict, compare=False, repr=False, init=False)
    _layers: dict[str, Layer] = field(default_factory=dict, compare=False, repr=False, init=False)
    _packages: dict[str, Countermeasure] = field(
        default_factory=dict, compare=False, repr=False, init=False
    )
    _events: dict[str, Event] = field(default_factory=dict, compare=False, repr=False, init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_player_ids", tuple(p.id for p in self.players))
        # Ids are unique in a valid scenario (the loader checks); otherwise the last wins.
        self._players.update((p.id, p) for p in self.players)
        self._items.update((it.id, it) for it in self.items)
        self._layers.update((la.id, la) for la in self.layers)
        self._events.update((ev.id, ev) for ev in self.events)
        self._packages.update((c.id, c) for p in self.players for c in p.countermeasures)

    # Each raises KeyError for an unknown id.
    def player(self, pid: str) -> Player:
        return self._players[pid]

    def item(self, iid: str) -> Item:
        return self._items[iid]

    def has_item(self, iid: str) -> bool:
        return iid in self._items

    def layer(self, lid: str) -> Layer:
        return self._layers[lid]

    def package(self, cid: str) -> Countermeasure:
        return self._packages[cid]

    def event(self, eid: str) -> Event:
        return self._events[eid]

    def claim(self, cid: str) -> Claim:
        return next(c for c in self.claims if c.id == cid)

    def talk_level(self, name: str) -> TalkLevelRules:
        for n, rules in self.talk_levels:
            if n == name:
                return rules
        return TalkLevelRules(max_exchanges=3, stakes=1.0)

    @property
    def player_ids(self) -> tuple[str, ...]:
        return self._player_ids

    @property
    def sector_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sectors)

    def base_round_count(self) -> int:
        c = self.calendar
        end = c.deadline_day + c.after_deadline_days
        return max(1, -(-(end - c.start_day + 1) // c.round_days))


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
