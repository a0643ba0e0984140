"""Pydantic models of a scenario file: the boundary where YAML becomes typed, checked data.

Every model is frozen and forbids unknown keys. Numbers are strict: a number written as a
string (YAML 1.1 reads ``1e-2`` as text) is an error with a hint, never a silent coercion.
Ids are strict strings: an unquoted ``NO`` (read as ``false`` by YAML 1.1) is an error with a
hint. Cross-references (unknown player, sector, layer, package or item), duplicate ids, dates
outside the window and weights that do not sum to 1 are checked in :meth:`Scenario._check`,
which reports every problem at once with the path of the offending node.

The engine never sees these classes: :func:`tradegame.scenario.convert.to_rules` turns a
validated :class:`Scenario` into the engine's frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections import Counter
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

FORMAT = "tradegame-scenario/1"

_ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML11_BOOLS = {
    True: "yes/Yes/YES/on/On/ON/true/y",
    False: "no/No/NO/off/Off/OFF/false/n",
}


def _literal(message: str) -> str:
    """Escape a finished message for pydantic's ``{name}`` message templates."""
    return message.replace("{", "{{").replace("}", "}}")


def _strict_id(value: Any) -> Any:
    if isinstance(value, bool):
        spelled = _YAML11_BOOLS[value]
        raise PydanticCustomError(
            "yaml_bool_id",
            "got the boolean {value}: YAML 1.1 reads an unquoted {spelled} as a boolean; "
            'quote the id, e.g. "NO"',
            {"value": str(value).lower(), "spelled": spelled},
        )
    if isinstance(value, (int, float)):
        raise PydanticCustomError(
            "id_type", "expected an id (text), got the number {value}; quote it", {"value": value}
        )
    if not isinstance(value, str):
        raise PydanticCustomError("id_type", "expected an id (text)")
    if not _ID_PATTERN.match(value):
        raise PydanticCustomError(
            "id_pattern",
            _literal(f"invalid id {value!r}: use a letter, then letters, digits, '_', '-' or '.'"),
        )
    return value


def _strict_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_type",
            "expected a number, got the boolean {value} (YAML 1.1 reads yes/no/on/off as booleans)",
            {"value": str(value).lower()},
        )
    if isinstance(value, str):
        text = value.strip()
        hint = ""
        try:
            float(text)
            hint = (
                f": YAML 1.1 reads {text} as text; write it with a decimal point "
                f"(e.g. 1.0e-2) or as a plain decimal"
            )
        except ValueError:
            pass
        raise PydanticCustomError(
            "number_is_string", _literal(f"expected a number, got the text {value!r}{hint}")
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError(
            "number_finite", "expected a finite number, got {value}", {"value": value}
        )
    return value


def _rate(value: Any) -> Any:
    """A tariff rate as a fraction (0.24); the text '24%' is accepted as well."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100.0
        except ValueError:
            raise PydanticCustomError(
                "rate", _literal(f"expected a rate such as 0.24 or '24%', got {value!r}")
            ) from None
    return _strict_number(value)


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError(
        "date", _literal(f"expected a date written YYYY-MM-DD, got {value!r}")
    )


# ------------------------------------------------------------------ ranges (issue 18)
# Every number has a range that keeps the engine's arithmetic finite (the largest product it
# forms -- flow value x demand response x multipliers x days -- stays below 1e60 at these
# limits) and every set of legal moves bounded (levels x items x recipients). Bundled
# scenarios use a small part of each range; docs/scenario-format.md lists them.
MAX_MAGNITUDE = 1_000_000.0  # any amount, weight, level or points value (either sign)
MAX_COUNT = 1_000_000  # any count not bounded more tightly below
MAX_RATE = 10.0  # 1000%: the highest tariff a scenario can name
MIN_TARIFF_STEP = 0.005  # half a percentage point
MAX_TARIFF_LEVELS = round(MAX_RATE / MIN_TARIFF_STEP) + 1  # settable rates of one instrument
MAX_ELASTICITY = 20.0  # demand falls as (1 + t)^-eps: bounded so the power stays finite
MIN_GDP_BN = 1.0  # GDP divides every %-of-GDP effect
MIN_INVESTMENT_YEARS = 0.25  # an investment pledge is spread over its years
MAX_ROUND_DAYS = 365
MAX_EXTENSION_DAYS = 365  # one extension order per possible day
MAX_AFTER_DEADLINE_DAYS = 365
MAX_PROJECTION_DAYS = 3650
MAX_WINDOW_DAYS = 3650  # window_start to deadline
MAX_ROUNDS = 260  # with the longest extension
FIRST_DATE = dt.date(1000, 1, 1)  # dates stay far from date.max with every day added
LAST_DATE = dt.date(8999, 12, 31)
MAX_PLAYERS = 20
MAX_SECTORS = 50
MAX_FLOWS = 2_000
MAX_LAYERS = 200
MAX_INSTRUMENTS = 10  # tariff instruments of one player
MAX_PACKAGES = 10  # countermeasure packages of one player
MAX_ITEMS = 40  # catalogue items of one player
MAX_LEVELS = 10  # levels of one catalogue item
MAX_OBJECTIVES = 30
MAX_CLAIMS = 50
MAX_ORDERS = 10
MAX_TERMS = 10
MAX_EXCHANGES = 20
MAX_STAKES_FACTOR = 10.0
_FINITE = "so that the game's arithmetic stays finite"


def _show_limit(value: float) -> str:
    """A limit as a scenario author would type it (1000000, 0.005)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _at_most(limit: float, why: str = _FINITE) -> list[Any]:
    """An upper bound whose message says why, and that the JSON Schema states."""

    def check(value: Any) -> Any:
        if value > limit:
            got = _show_limit(value) if abs(value) < 1e16 else f"{value:g}"
            raise PydanticCustomError(
                "range", _literal(f"must be at most {_show_limit(limit)} {why}, got {got}")
            )
        return value

    return [AfterValidator(check), Field(json_schema_extra={"maximum": limit})]


def _at_least(limit: float, why: str = _FINITE) -> list[Any]:
    def check(value: Any) -> Any:
        if value < limit:
            got = _show_limit(value) if abs(value) < 1e16 else f"{value:g}"
            raise PydanticCustomError(
                "range", _literal(f"must be at least {_show_limit(limit)} {why}, got {got}")
            )
        return value

    return [AfterValidator(check), Field(json_schema_extra={"minimum": limit})]


Id = Annotated[str, BeforeValidator(_strict_id)]
Number = Annotated[
    float, BeforeValidator(_strict_number), *_at_least(-MAX_MAGNITUDE), *_at_most(MAX_MAGNITUDE)
]
NonNegative = Annotated[
    float, BeforeValidator(_strict_number), Field(ge=0), *_at_most(MAX_MAGNITUDE)
]
Positive = Annotated[float, BeforeValidator(_strict_number), Field(gt=0), *_at_most(MAX_MAGNITUDE)]
Percent = Annotated[float, BeforeValidator(_strict_number), Field(ge=0, le=100)]
Share = Annotated[float, BeforeValidator(_strict_number), Field(ge=0, le=1)]
Rate = Annotated[
    float,
    BeforeValidator(_rate, json_schema_input_type=float | str),
    Field(ge=0),
    *_at_most(MAX_RATE, "(1000%)"),
]
Count = Annotated[
    int, BeforeValidator(_strict_number), Field(strict=True, ge=0), *_at_most(MAX_COUNT)
]
PositiveCount = Annotated[
    int, BeforeValidator(_strict_number), Field(strict=True, ge=1), *_at_most(MAX_COUNT)
]


def _date_in_range(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise PydanticCustomError(
            "date_range",
            _literal(
                f"date {value} is outside {FIRST_DATE}..{LAST_DATE}, the dates a game can use"
            ),
        )
    return value


Date = Annotated[dt.date, BeforeValidator(_date), AfterValidator(_date_in_range)]


def _max_items(limit: int, what: str, why: str) -> list[Any]:
    """At most ``limit`` entries in a list (or mapping), with the reason in the message."""

    def check(value: Any) -> Any:
        if len(value) > limit:
            raise PydanticCustomError(
                "too_many", _literal(f"at most {limit} {what} {why}, got {len(value)}")
            )
        return value

    keyword = "maxProperties" if what.endswith("entries") else "maxItems"
    return [AfterValidator(check), Field(json_schema_extra={keyword: limit})]


_MOVES = "so that the legal moves stay few enough to list"


# The three below give the metadata of a field's type, written ``Annotated[int, *_count(...)]``
# so that a type checker sees the int or float (it cannot evaluate a call as a type).


def _count(low: int, limit: int, why: str) -> list[Any]:
    """A whole number from ``low`` to ``limit`` (a tighter bound than :data:`Count`'s)."""
    return [BeforeValidator(_strict_number), Field(strict=True, ge=low), *_at_most(limit, why)]


def _positive(limit: float, why: str) -> list[Any]:
    return [BeforeValidator(_strict_number), Field(gt=0), *_at_most(limit, why)]


def _from(low: float, why: str) -> list[Any]:
    """A number from ``low`` (a minimum above 0, with its reason) to the usual maximum."""
    return [BeforeValidator(_strict_number), *_at_least(low, why), *_at_most(MAX_MAGNITUDE)]


Text = Annotated[str, Field(strict=True)]
TalkLevel = Literal["working", "ministerial", "leader"]
ALL = "all"


def _two_distinct(value: list[str]) -> list[str]:
    if len(value) == 2 and value[0] == value[1]:
        raise PydanticCustomError("pair", "a pair needs two different players")
    return value


Pair = Annotated[list[Id], Field(min_length=2, max_length=2), AfterValidator(_two_distinct)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --------------------------------------------------------------------------- calendar, limits


class Calendar(Model):
    """When the game happens. Day 0 is ``window_start``; play begins at ``start``."""

    window_start: Date = Field(
        description="Day 0 of the game (in the default scenario, the pause)."
    )
    start: Date = Field(description="The date play begins (the first round's first day).")
    round_days: Annotated[int, *_count(1, MAX_ROUND_DAYS, "(a year)")] = Field(
        7, description="Days per round."
    )
    deadline: Date = Field(description="Last day of the pause; paused measures snap back after it.")
    max_extension_days: Annotated[
        int, *_count(0, MAX_EXTENSION_DAYS, "(a year; each possible day is an extension order)")
    ] = Field(0, description="How far the deadline holder may extend it.")
    extension_step_days: Annotated[int, *_count(1, MAX_EXTENSION_DAYS, "(a year)")] = Field(
        7, description="Extensions are offered in multiples of this many days."
    )
    after_deadline_days: Annotated[int, *_count(0, MAX_AFTER_DEADLINE_DAYS, "(a year)")] = Field(
        0, description="Days played after the (final) deadline before the game ends."
    )
    projection_days: Annotated[int, *_count(0, MAX_PROJECTION_DAYS, "(ten years)")] = Field(
        365, description="Days the economy is projected past the end for the final score."
    )
    end_when_settled: bool = Field(
        False, description="End early once every negotiating pair has a deal in force."
    )


class Limits(Model):
    max_tariff: Rate = Field(1.0, description="No tariff in the scenario may exceed this.")
    tariff_step: Annotated[
        float,
        BeforeValidator(_rate, json_schema_input_type=float | str),
        *_at_most(MAX_RATE, "(1000%)"),
        *_at_least(
            MIN_TARIFF_STEP,
            f"(half a percentage point; '0.5%' works too) so that a tariff "
            f"instrument has at most {MAX_TARIFF_LEVELS} settable rates",
        ),
    ] = Field(0.025, description="Settable tariffs move in these steps.")
    max_orders: Annotated[int, *_count(1, MAX_ORDERS, _MOVES)] = Field(
        3, description="Orders per player per round (before Done)."
    )
    max_terms: Annotated[int, *_count(1, MAX_TERMS, _MOVES)] = Field(
        6, description="Terms per deal."
    )


# --------------------------------------------------------------------------- world


class Sector(Model):
    id: Id
    name: Text
    elasticity: Annotated[
        float,
        *_positive(
            MAX_ELASTICITY,
            "(demand falls as (1 + tariff) to the power -elasticity; a larger power overflows)",
        ),
    ] = Field(description="Import-demand elasticity (eps) of this sector.")
    value_added_share: Share | None = Field(
        None, description="Domestic value added per $ of exports; overrides the economy default."
    )
    salience: dict[Id, NonNegative] = Field(
        default_factory=dict,
        description="Political salience per player (0 = nobody cares, 1 = the default).",
    )


class Flow(Model):
    """A base annual trade flow (2024, $bn) and the importer's base (MFN) tariff on it."""

    exporter: Id
    importer: Id
    sector: Id
    value_bn: NonNegative
    mfn: Rate = Field(0.0, description="The importer's base tariff t0 on this flow.")


Combine = Literal["add", "replace", "all_in"]
LayerStatus = Literal["in_force", "paused", "inactive"]


class TariffLayer(Model):
    """A tariff measure applied by ``importer`` on ``exporter`` (or on ``all``) for sectors.

    ``add`` adds its rate on top of the MFN rate; ``replace`` does the same and switches off
    the layers it names in ``replaces``; ``all_in`` makes its rate the whole rate.
    ``paused`` layers are not in force until the deadline, when they snap back.
    """

    id: Id
    name: Text
    importer: Id
    exporter: Id = Field(description="A player id, or 'all'.")
    sectors: list[Id] | None = Field(None, description="Sectors covered; omitted = all.")
    except_sectors: list[Id] = Field(default_factory=list)
    rate: Rate
    combine: Combine = "add"
    replaces: list[Id] = Field(default_factory=list)
    status: LayerStatus = "in_force"
    from_date: Date | None = Field(None, description="In force from this date (scheduled).")
    source: Text | None = None


class Relation(Model):
    between: Pair
    value: Percent


class Claim(Model):
    """A public claim a fact-check can rebut; ``accurate`` says whether it is true."""

    id: Id
    by: Id
    about: Id
    text: Text
    accurate: bool


# --------------------------------------------------------------------------- instruments


class TariffInstrument(Model):
    """A tariff layer its owner may set, within bounds (``min`` is the floor, e.g. 10%)."""

    layer: Id
    min: Rate = 0.0
    max: Rate


class CountermeasureTariff(Model):
    sector: Id
    rate: Rate


class Countermeasure(Model):
    id: Id
    name: Text
    target: Id
    value_bn: NonNegative = 0.0
    tariffs: Annotated[
        list[CountermeasureTariff], *_max_items(MAX_SECTORS, "tariffs", "(one a sector)")
    ] = Field(default_factory=list)
    market_stress: Number = Field(
        0.0, description="Market stress added per round while active (e.g. selling Treasuries)."
    )
    gdp_cost_pct: NonNegative = Field(
        0.0, description="Annualised GDP cost (% of own GDP) to the owner while active."
    )
    status: Literal["suspended", "active"] = "suspended"
    description: Text = ""


class Level(Model):
    value: Number
    cost: Number = Field(0.0, description="Political cost to the giver (private to the giver).")
    gain: Number = Field(0.0, description="Political gain to the receiver (private to it).")


class ItemBase(Model):
    id: Id
    name: Text
    to: list[Id] | None = Field(None, description="Who may receive it; omitted = any partner.")
    levels: Annotated[list[Level], *_max_items(MAX_LEVELS, "levels", _MOVES)] = Field(min_length=1)
    available: bool = True
    description: Text = ""
    red_line: bool = Field(
        False,
        description=(
            "A red line its owner has declared in public: the owner's ratifier never passes a "
            "deal that gives it (at any level), and every player knows it, so projections "
            "(what_if) count such a deal as failing too. Only for a player with ratification."
        ),
    )


class TariffCapItem(ItemBase):
    kind: Literal["tariff_cap"]
    sectors: list[Id] | None = None
    except_sectors: list[Id] = Field(default_factory=list)
    sets_precedent: bool = Field(
        True,
        description="Whether this cap, agreed by the precedent setter on all sectors, "
        "becomes the precedent later partners are measured against; false for a standstill "
        "(a ceiling while talks go on, not a settlement).",
    )


class TariffCutItem(ItemBase):
    kind: Literal["tariff_cut"]
    sectors: list[Id] | None = None
    except_sectors: list[Id] = Field(default_factory=list)


class QuotaItem(ItemBase):
    kind: Literal["quota"]
    sector: Id
    in_quota_rate: Rate = 0.0


class PurchaseItem(ItemBase):
    kind: Literal["purchase"]
    sector: Id


class InvestmentItem(ItemBase):
    kind: Literal["investment"]
    years: Annotated[
        float, *_from(MIN_INVESTMENT_YEARS, "(a quarter; the pledge is spread over its years)")
    ] = 4.0


class CostSharingItem(ItemBase):
    kind: Literal["cost_sharing"]


class RegulatoryItem(ItemBase):
    kind: Literal["regulatory"]
    sector: Id
    export_boost: Share = Field(
        0.1, description="Share by which the receiver's exports of the sector rise per level unit."
    )


class CurrencyItem(ItemBase):
    kind: Literal["currency"]


class DebtSwapItem(ItemBase):
    kind: Literal["debt_swap"]
    stress_relief_per_100bn: NonNegative = 1.0


class SuspendCountermeasuresItem(ItemBase):
    kind: Literal["suspend_countermeasures"]
    package: Id


class DeadlineExtensionItem(ItemBase):
    kind: Literal["deadline_extension"]


class ProcessItem(ItemBase):
    kind: Literal["process"]
    level: TalkLevel = "ministerial"


CatalogueItem = Annotated[
    TariffCapItem
    | TariffCutItem
    | QuotaItem
    | PurchaseItem
    | InvestmentItem
    | CostSharingItem
    | RegulatoryItem
    | CurrencyItem
    | DebtSwapItem
    | SuspendCountermeasuresItem
    | DeadlineExtensionItem
    | ProcessItem,
    Field(discriminator="kind"),
]


class Ratification(Model):
    body: Text = Field(description="Who ratifies (e.g. 'the Diet').")
    win_set_base: Number = Field(description="Win-set at approval 50, in political points.")
    win_set_slope: Number = Field(0.0, description="Win-set change per approval point above 50.")


Metric = Literal[
    "tariff_faced",
    "gdp_effect",
    "trade_balance",
    "tariff_revenue",
    "consumer_cost",
    "investment_received",
    "purchases_received",
    "cost_sharing_received",
    "political_cost",
    "approval",
    "credibility",
    "relations",
    "market_stress",
    "deals",
]


class Objective(Model):
    metric: Metric
    partner: Id | None = None
    sector: Id | None = None
    best: Number
    worst: Number
    weight: Share
    label: Text | None = None


class Briefing(Model):
    public: Text = ""
    confidential: Text = ""


class Player(Model):
    id: Id
    name: Text
    gdp_bn: Annotated[float, *_from(MIN_GDP_BN, "($1bn; effects are divided by GDP)")] = Field(
        description="GDP (2024, nominal, $bn)."
    )
    approval: Percent = 50.0
    credibility: Percent = 70.0
    value_added_share: Share | None = None
    gdp_multiplier: NonNegative = Field(
        1.0,
        description=(
            "This player's own factor on the shared economy gdp_multiplier: 1 unless a sourced "
            "economic quantity sets it (DESIGN §3.9: no factor fitted to one target)."
        ),
    )
    ratification: Ratification | None = None
    tariffs: Annotated[
        list[TariffInstrument], *_max_items(MAX_INSTRUMENTS, "tariff instruments", _MOVES)
    ] = Field(default_factory=list)
    countermeasures: Annotated[
        list[Countermeasure], *_max_items(MAX_PACKAGES, "countermeasure packages", _MOVES)
    ] = Field(default_factory=list)
    concessions: Annotated[
        list[CatalogueItem], *_max_items(MAX_ITEMS, "catalogue items", _MOVES)
    ] = Field(default_factory=list)
    objectives: Annotated[
        list[Objective], *_max_items(MAX_OBJECTIVES, "objectives", "(weights must still sum to 1)")
    ] = Field(min_length=1)
    briefing: Briefing = Briefing()


class Roles(Model):
    deadline_holder: Id | None = None
    talk_capacity_holder: Id | None = None
    market_stress_player: Id | None = None
    precedent_setter: Id | None = None


# --------------------------------------------------------------------------- talks


class LevelRules(Model):
    max_exchanges: Annotated[int, *_count(1, MAX_EXCHANGES, "so that a talks session ends")]
    stakes: NonNegative = 1.0


def _default_levels() -> dict[TalkLevel, LevelRules]:
    return {
        "working": LevelRules(max_exchanges=2, stakes=0.5),
        "ministerial": LevelRules(max_exchanges=3, stakes=1.0),
        "leader": LevelRules(max_exchanges=4, stakes=1.5),
    }


class ScheduledTalks(Model):
    round: PositiveCount
    between: Pair
    level: TalkLevel = "ministerial"
    requester: Id | None = None


class Talks(Model):
    capacity: PositiveCount | None = Field(
        None, description="Sessions the talk-capacity holder can hold per round."
    )
    levels: dict[TalkLevel, LevelRules] = Field(default_factory=_default_levels)
    scheduled: list[ScheduledTalks] = Field(default_factory=list)


# --------------------------------------------------------------------------- economy, politics


class Economy(Model):
    value_added_share: Share = Field(0.6, description="Domestic value added per $ of exports.")
    pass_through: Share = Field(1.0, description="Share of a tariff paid by the importer's buyers.")
    substitution_share: Share = Field(
        0.3, description="Share of lost imports produced at home instead."
    )
    revenue_recycling: Share = Field(
        0.5, description="Share of tariff revenue returned to the economy."
    )
    investment_multiplier: NonNegative = Field(
        0.5, description="GDP gain per $ of investment disbursed."
    )
    gdp_multiplier: NonNegative = Field(
        1.0,
        description=(
            "GDP lost per $ of export value added lost (domestic spill-overs), one value "
            "shared by every player; a calibration parameter (DESIGN §3.9)."
        ),
    )
    purchase_realisation: Share = Field(
        1.0,
        description=(
            "Share of a purchase pledge (after the pledger's credibility) that becomes extra "
            "trade in a year; the pledge metric counts the whole pledge."
        ),
    )
    investment_realisation: Share = Field(
        1.0,
        description=(
            "Share of a pledged investment (per year, after credibility) disbursed as new "
            "investment that adds to the receiver's GDP; the pledge metric counts the whole pledge."
        ),
    )
    currency_effect: NonNegative = Field(
        1.0, description="How strongly a currency term moves the exchange factor f_e."
    )
    currency_partner_bonus: NonNegative = Field(
        0.5, description="Extra strength of a currency term for each other matching partner."
    )


class MarketStress(Model):
    start: Percent = 30.0
    floor: Percent = Field(10.0, description="Where stress decays to with no pressure.")
    tariff_weight: NonNegative = Field(
        120.0, description="Stress points per unit of trade-weighted tariff the holder applies."
    )
    retaliation_weight: NonNegative = Field(
        60.0, description="Stress points per unit of trade-weighted tariff against the holder."
    )
    decay: Share = Field(0.3, description="Share of the gap to the target closed per round.")
    deal_relief: NonNegative = 6.0
    extension_relief: NonNegative = 4.0
    approval_weight: NonNegative = Field(
        0.05, description="Approval points the holder loses per round per point above 50."
    )
    escalation_weight: NonNegative = Field(
        0.0,
        description=(
            "Stress points added at once per unit of rise, this round, in the trade-weighted "
            "tariff the holder applies or faces (orders, snap-back, retaliation)."
        ),
    )


class StatementRules(Model):
    claim_progress_approval: NonNegative = 2.0
    claim_progress_credibility: NonNegative = 6.0
    claim_progress_rounds: PositiveCount = 3
    public_demand_approval: NonNegative = 2.0
    public_demand_penalty: NonNegative = 5.0
    threat_approval: NonNegative = 1.0
    threat_credibility: NonNegative = 10.0
    threat_kept_credibility: NonNegative = Field(
        2.0, description="Credibility gained by carrying out a threat put to the test."
    )
    reassure_relations: NonNegative = 4.0
    fact_check_credibility: NonNegative = 6.0
    repeat_decay: Share = Field(
        0.5,
        description=(
            "Each repeat of a kind of statement by the same player has this share of the "
            "previous one's effect on approval or relations (1: no decay; the costs of "
            "broken claims, demands and threats do not decay)."
        ),
    )
    reassure_fade: Share = Field(
        0.3,
        description=(
            "Share of what reassurance still adds to relations that wears off each round "
            "(the approval that statements add wears off with approval_drift)."
        ),
    )


class Politics(Model):
    approval_drift: Share = Field(0.15, description="Share of the gap to base closed per round.")
    pain_weight: NonNegative = Field(
        4.0, description="Approval points lost per round per % of GDP lost (salience-weighted)."
    )
    concession_weight: NonNegative = Field(
        0.5, description="Approval points per political point of a deal (scaled by talk stakes)."
    )
    precedent_weight: NonNegative = Field(
        40.0, description="Approval points per unit of cap above (or below) the precedent."
    )
    renege_credibility: NonNegative = 20.0
    renege_relations: NonNegative = 25.0
    ratification_failure_approval: NonNegative = 4.0
    ratification_failure_credibility: NonNegative = 5.0
    tariff_raise_relations: NonNegative = 5.0
    countermeasure_relations: NonNegative = 6.0
    deal_relations: NonNegative = 8.0
    goodwill_relations: NonNegative = 3.0
    goodwill_credibility: NonNegative = 1.0
    deal_credibility: NonNegative = 2.0
    extension_credibility: NonNegative = 4.0
    statements: StatementRules = StatementRules()
    failed_summit_relations: NonNegative = Field(
        0.0,
        description=(
            "Relations lost per unit of a session's stakes above 1 (the leader at the table) "
            "when it ends without an agreement."
        ),
    )
    failed_summit_approval: NonNegative = Field(
        0.0,
        description="Approval each side loses per unit of stakes above 1 when such a session fails",
    )
    precedent_setter_weight: NonNegative = Field(
        0.0,
        description=(
            "Approval points the precedent_setter gains per unit a later partner's cap lies above "
            "the precedent (held to it), and loses per unit below it (undercut)."
        ),
    )
    precedent_first_weight: NonNegative = Field(
        0.0,
        description=(
            "Approval points the partner that set the precedent loses per unit a later partner's "
            "cap lies below it (the first settler undercut), and gains per unit above it."
        ),
    )


# --------------------------------------------------------------------------- events


class SetLayer(Model):
    kind: Literal["set_layer"]
    layer: Id
    rate: Rate | None = None
    status: LayerStatus | None = None


class ShiftApproval(Model):
    kind: Literal["shift_approval"]
    player: Id
    by: Number


class ShiftMarketStress(Model):
    kind: Literal["shift_market_stress"]
    by: Number


class ShiftRelations(Model):
    kind: Literal["shift_relations"]
    between: Pair
    by: Number


class ShiftCredibility(Model):
    kind: Literal["shift_credibility"]
    player: Id
    by: Number


class ScheduleTalks(Model):
    kind: Literal["schedule_talks"]
    between: Pair
    level: TalkLevel = "ministerial"
    requester: Id | None = None


class CancelTalks(Model):
    kind: Literal["cancel_talks"]
    between: Pair


class RaiseStakes(Model):
    kind: Literal["raise_stakes"]
    between: Pair
    factor: Annotated[float, *_positive(MAX_STAKES_FACTOR, _FINITE)] = 1.5


class AddItem(Model):
    kind: Literal["add_item"]
    item: Id


class WithdrawItem(Model):
    kind: Literal["withdraw_item"]
    item: Id


Effect = Annotated[
    SetLayer
    | ShiftApproval
    | ShiftMarketStress
    | ShiftRelations
    | ShiftCredibility
    | ScheduleTalks
    | CancelTalks
    | RaiseStakes
    | AddItem
    | WithdrawItem,
    Field(discriminator="kind"),
]


# What must hold in the game for a scripted news item to be true when it fires (issue 19 f):
# a closed vocabulary of facts the engine reads (engine/phases/news.py), all of which must
# hold. Nothing here is an expression: a kind names one fact and its fields name its subjects.


class NoDeal(Model):
    """No deal with economic terms agreed in talks is in force between the pair (a
    process-only agreement or a unilateral concession does not count): a threat over
    "discussions going nowhere", a tariff letter, a countermeasure list."""

    kind: Literal["no_deal"]
    between: Pair


class SessionHeld(Model):
    """The pair holds talks in the next talks phase (in the News phase: this round's), as
    scheduled by the scenario, by an event (this one's own ``schedule_talks`` included) or
    requested, within the talk capacity: "the President joins today's session"."""

    kind: Literal["session"]
    between: Pair


class LayerIs(Model):
    """A tariff layer's status and/or rate: a threat of 50% needs the rate below 50%, a
    letter announcing a rate "from 1 August" needs the layer still paused."""

    kind: Literal["layer"]
    layer: Id
    status: LayerStatus | None = Field(None, description="The layer's status is this one.")
    below: Rate | None = Field(None, description="The layer's rate is below this one.")
    at_least: Rate | None = Field(None, description="The layer's rate is at least this one.")


class PackageIs(Model):
    """A countermeasure package is active or suspended ("extends the suspension of its list")."""

    kind: Literal["package"]
    package: Id
    status: Literal["suspended", "active"]


class HasFired(Model):
    """Another event has fired before (earlier in this News phase counts): "delays the 50%
    tariff" needs the threat."""

    kind: Literal["fired"]
    event: Id


Requirement = Annotated[
    NoDeal | SessionHeld | LayerIs | PackageIs | HasFired,
    Field(discriminator="kind"),
]
MAX_REQUIREMENTS = 10
Requires = Annotated[
    list[Requirement],
    *_max_items(MAX_REQUIREMENTS, "requirements", "(all must hold; one fact each)"),
    Field(
        description="What must hold in the game for the news to be true when it fires; all of "
        "them. An event whose requirements fail does not fire (nothing is published).",
    ),
]


class ScheduledEvent(Model):
    id: Id
    date: Date
    news: Text
    effects: list[Effect] = Field(default_factory=list)
    requires: Requires = Field(default_factory=list)
    source: Text | None = None


Watched = Literal["market_stress", "approval", "credibility", "relations"]


class Condition(Model):
    metric: Watched
    player: Id | None = None
    partner: Id | None = None
    at_least: Number | None = None
    at_most: Number | None = None


class ConditionalEvent(Model):
    id: Id
    when: Condition
    repeat: bool = False
    news: Text
    effects: list[Effect] = Field(default_factory=list)
    requires: Requires = Field(default_factory=list)


class RandomEvent(Model):
    id: Id
    probability: Share = Field(description="Chance per round while the event is possible.")
    from_date: Date | None = None
    until_date: Date | None = None
    max_times: PositiveCount = 1
    news: Text
    effects: list[Effect] = Field(default_factory=list)
    requires: Requires = Field(default_factory=list)


class Inject(Model):
    id: Id
    name: Text
    news: Text
    effects: list[Effect] = Field(default_factory=list)
    requires: Requires = Field(default_factory=list)


class Events(Model):
    scheduled: list[ScheduledEvent] = Field(default_factory=list)
    conditional: list[ConditionalEvent] = Field(default_factory=list)
    random: list[RandomEvent] = Field(default_factory=list)
    injects: list[Inject] = Field(default_factory=list)


# --------------------------------------------------------------------------- the scenario


class Scenario(Model):
    format: Literal["tradegame-scenario/1"] = Field(description="The scenario format version.")
    id: Id
    title: Text
    summary: Text = ""
    calendar: Calendar
    limits: Limits = Limits()
    players: Annotated[list[Player], *_max_items(MAX_PLAYERS, "players", _MOVES)] = Field(
        min_length=2
    )
    roles: Roles = Roles()
    sectors: Annotated[
        list[Sector], *_max_items(MAX_SECTORS, "sectors", "so that a round resolves quickly")
    ] = Field(min_length=1)
    trade: Annotated[
        list[Flow], *_max_items(MAX_FLOWS, "flows", "so that a round resolves quickly")
    ] = Field(min_length=1)
    tariffs: Annotated[
        list[TariffLayer],
        *_max_items(MAX_LAYERS, "tariff layers", "so that a round resolves quickly"),
    ] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    claims: Annotated[list[Claim], *_max_items(MAX_CLAIMS, "claims", _MOVES)] = Field(
        default_factory=list
    )
    talks: Talks = Talks()
    economy: Economy = Economy()
    market_stress: MarketStress = MarketStress()
    politics: Politics = Politics()
    events: Events = Events()
    debrief: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        problems = list(check_references(self))
        if problems:
            raise ValidationError.from_exception_data(
                "Scenario",
                [
                    InitErrorDetails(
                        type=PydanticCustomError("scenario", _literal(message)),
                        loc=loc,
                        input=None,
                    )
                    for loc, message in problems
                ],
            )
        return self

    # Convenience look-ups (used by the converter and the CLI).
    def player(self, player_id: str) -> Player:
        return next(p for p in self.players if p.id == player_id)

    def day_of(self, date: dt.date) -> int:
        return (date - self.calendar.window_start).days


# --------------------------------------------------------------------------- cross-checks

Loc = tuple[str | int, ...]


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown(what: str, name: str, known: list[str]) -> str:
    return f"unknown {what} {name!r}{_suggest(name, known)}"


def check_references(s: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-reference, uniqueness and range problem, each with the path of its node."""
    out: list[tuple[Loc, str]] = []
    players = [p.id for p in s.players]
    sectors = [x.id for x in s.sectors]
    layers = [layer.id for layer in s.tariffs]
    packages = [c.id for p in s.players for c in p.countermeasures]
    items = [i.id for p in s.players for i in p.concessions]
    claims = [c.id for c in s.claims]
    cal = s.calendar
    cap = s.limits.max_tariff

    def dup(ids: list[str], loc_of: Any, what: str) -> None:
        seen: Counter[str] = Counter()
        for n, i in enumerate(ids):
            seen[i] += 1
            if seen[i] == 2:
                out.append((loc_of(n), f"duplicate {what} id {i!r}"))

    def player(loc: Loc, name: str | None, allow_all: bool = False) -> None:
        if name is None or (allow_all and name == ALL):
            return
        if name not in players:
            out.append((loc, _unknown("player", name, players)))

    def sector(loc: Loc, name: str | None, allow_all: bool = False) -> None:
        if name is None or (allow_all and name == ALL):
            return
        if name not in sectors:
            out.append((loc, _unknown("sector", name, sectors)))

    def rate(loc: Loc, value: float) -> None:
        if value > cap + 1e-12:
            out.append((loc, f"rate {value:g} is above the scenario's max_tariff {cap:g}"))

    def date(loc: Loc, value: dt.date | None) -> None:
        if value is None:
            return
        last = cal.deadline + dt.timedelta(days=cal.max_extension_days + cal.after_deadline_days)
        if not cal.window_start <= value <= last:
            out.append((loc, f"date {value} is outside the game window {cal.window_start}..{last}"))

    def pair(loc: Loc, between: list[str]) -> None:
        for n, name in enumerate(between):
            player((*loc, n), name)

    # Calendar.
    if cal.start < cal.window_start:
        out.append((("calendar", "start"), "start is before window_start"))
    if cal.deadline <= cal.start:
        out.append((("calendar", "deadline"), "deadline must be after start"))
    window = (cal.deadline - cal.window_start).days
    if window > MAX_WINDOW_DAYS:
        out.append(
            (
                ("calendar", "deadline"),
                f"the deadline is {window} days after window_start; at most "
                f"{MAX_WINDOW_DAYS} (ten years) so that a game has a bounded length",
            )
        )
    elif cal.deadline > cal.start and (rounds := round_count(s, extended=True)) > MAX_ROUNDS:
        out.append(
            (
                ("calendar", "round_days"),
                f"the game has {rounds} rounds (with the longest extension); at most "
                f"{MAX_ROUNDS}: make round_days longer or the calendar shorter",
            )
        )

    dup(players, lambda n: ("players", n, "id"), "player")
    dup(sectors, lambda n: ("sectors", n, "id"), "sector")
    dup(layers, lambda n: ("tariffs", n, "id"), "tariff layer")
    dup(claims, lambda n: ("claims", n, "id"), "claim")
    pkg_locs = [
        ("players", a, "countermeasures", b, "id")
        for a, p in enumerate(s.players)
        for b, _ in enumerate(p.countermeasures)
    ]
    dup(packages, lambda n: pkg_locs[n], "countermeasure package")
    item_locs = [
        ("players", a, "concessions", b, "id")
        for a, p in enumerate(s.players)
        for b, _ in enumerate(p.concessions)
    ]
    dup(items, lambda n: item_locs[n], "catalogue item")

    for n, x in enumerate(s.sectors):
        for who in x.salience:
            player(("sectors", n, "salience", who, "[key]"), who)  # the key is the reference

    seen_flows: set[tuple[str, str, str]] = set()
    for n, f in enumerate(s.trade):
        player(("trade", n, "exporter"), f.exporter)
        player(("trade", n, "importer"), f.importer)
        sector(("trade", n, "sector"), f.sector)
        rate(("trade", n, "mfn"), f.mfn)
        if f.exporter == f.importer:
            out.append((("trade", n, "importer"), "a flow needs two different players"))
        key = (f.exporter, f.importer, f.sector)
        if key in seen_flows:
            out.append((("trade", n), f"duplicate flow {f.exporter}->{f.importer} {f.sector}"))
        seen_flows.add(key)

    for n, layer in enumerate(s.tariffs):
        loc: Loc = ("tariffs", n)
        player((*loc, "importer"), layer.importer)
        player((*loc, "exporter"), layer.exporter, allow_all=True)
        for k, sec in enumerate(layer.sectors or []):
            sector((*loc, "sectors", k), sec)
        for k, sec in enumerate(layer.except_sectors):
            sector((*loc, "except_sectors", k), sec)
        rate((*loc, "rate"), layer.rate)
        for k, r in enumerate(layer.replaces):
            if r not in layers:
                out.append(((*loc, "replaces", k), _unknown("tariff layer", r, layers)))
        date((*loc, "from_date"), layer.from_date)

    for n, rel in enumerate(s.relations):
        pair(("relations", n, "between"), rel.between)
    for n, c in enumerate(s.claims):
        player(("claims", n, "by"), c.by)
        player(("claims", n, "about"), c.about)

    layer_owner = {layer.id: layer.importer for layer in s.tariffs}
    for a, p in enumerate(s.players):
        ploc: Loc = ("players", a)
        for b, ins in enumerate(p.tariffs):
            iloc: Loc = (*ploc, "tariffs", b)
            if ins.layer not in layers:
                out.append(((*iloc, "layer"), _unknown("tariff layer", ins.layer, layers)))
            elif layer_owner[ins.layer] != p.id:
                out.append(
                    (
                        (*iloc, "layer"),
                        f"layer {ins.layer!r} is applied by "
                        f"{layer_owner[ins.layer]}, not by {p.id}",
                    )
                )
            if ins.min > ins.max:
                out.append(((*iloc, "min"), f"min {ins.min:g} is above max {ins.max:g}"))
            rate((*iloc, "max"), ins.max)
        for b, cm in enumerate(p.countermeasures):
            cloc: Loc = (*ploc, "countermeasures", b)
            player((*cloc, "target"), cm.target)
            if cm.target == p.id:
                out.append(((*cloc, "target"), "a countermeasure cannot target its owner"))
            for k, t in enumerate(cm.tariffs):
                sector((*cloc, "tariffs", k, "sector"), t.sector)
                rate((*cloc, "tariffs", k, "rate"), t.rate)
        for b, item in enumerate(p.concessions):
            kloc: Loc = (*ploc, "concessions", b)
            for k, who in enumerate(item.to or []):
                player((*kloc, "to", k), who)
                if who == p.id:
                    out.append(((*kloc, "to", k), "a concession cannot be given to its owner"))
            if item.red_line and p.ratification is None:
                out.append(
                    (
                        (*kloc, "red_line"),
                        f"a red line needs a ratifier: player {p.id!r} has no ratification",
                    )
                )
            values = [lv.value for lv in item.levels]
            if len(set(values)) != len(values):
                out.append(((*kloc, "levels"), "levels must have distinct values"))
            if isinstance(item, (TariffCapItem, TariffCutItem)):
                for k, sec in enumerate(item.sectors or []):
                    sector((*kloc, "sectors", k), sec)
                for k, sec in enumerate(item.except_sectors):
                    sector((*kloc, "except_sectors", k), sec)
                for k, lv in enumerate(item.levels):
                    if lv.value < 0:
                        out.append(((*kloc, "levels", k, "value"), "a rate cannot be negative"))
                    rate((*kloc, "levels", k, "value"), lv.value)
            else:
                for k, lv in enumerate(item.levels):
                    if lv.value < 0:
                        out.append(
                            (
                                (*kloc, "levels", k, "value"),
                                f"a {item.kind} level cannot be negative",
                            )
                        )
            if isinstance(item, (QuotaItem, PurchaseItem, RegulatoryItem)):
                sector((*kloc, "sector"), item.sector)
            if isinstance(item, SuspendCountermeasuresItem):
                own = [c.id for c in p.countermeasures]
                if item.package not in own:
                    out.append(
                        (
                            (*kloc, "package"),
                            f"unknown countermeasure package {item.package!r} of {p.id}"
                            f"{_suggest(item.package, own)}",
                        )
                    )
            if isinstance(item, DeadlineExtensionItem) and s.roles.deadline_holder != p.id:
                out.append(((*kloc, "kind"), "only the deadline holder can offer an extension"))
        weights = [o.weight for o in p.objectives]
        if p.objectives and abs(sum(weights) - 1.0) > 1e-6:
            out.append(((*ploc, "objectives"), f"objective weights sum to {sum(weights):g}, not 1"))
        for b, o in enumerate(p.objectives):
            oloc: Loc = (*ploc, "objectives", b)
            player((*oloc, "partner"), o.partner)
            sector((*oloc, "sector"), o.sector)
            if o.partner == p.id:
                out.append(((*oloc, "partner"), "an objective's partner cannot be the player"))
            if o.best == o.worst:
                out.append(((*oloc, "best"), "best and worst must differ"))
            if o.metric == "relations" and o.partner is None:
                out.append(((*oloc, "partner"), "the relations metric needs a partner"))

    for field in (
        "deadline_holder",
        "talk_capacity_holder",
        "market_stress_player",
        "precedent_setter",
    ):
        player(("roles", field), getattr(s.roles, field))
    if s.talks.capacity is not None and s.roles.talk_capacity_holder is None:
        out.append((("talks", "capacity"), "a talk capacity needs roles.talk_capacity_holder"))

    last_round = round_count(s)
    for n, st in enumerate(s.talks.scheduled):
        tloc: Loc = ("talks", "scheduled", n)
        pair((*tloc, "between"), st.between)
        if st.requester is not None and st.requester not in st.between:
            out.append(((*tloc, "requester"), f"requester {st.requester!r} is not in the pair"))
        if st.round > last_round:
            out.append(
                ((*tloc, "round"), f"round {st.round} is after the last round ({last_round})")
            )

    def effects(loc: Loc, effs: list[Any]) -> None:
        for k, e in enumerate(effs):
            eloc: Loc = (*loc, "effects", k)
            if isinstance(e, SetLayer) and e.layer not in layers:
                out.append(((*eloc, "layer"), _unknown("tariff layer", e.layer, layers)))
            if isinstance(e, SetLayer) and e.rate is not None:
                rate((*eloc, "rate"), e.rate)
            if isinstance(e, (ShiftApproval, ShiftCredibility)):
                player((*eloc, "player"), e.player)
            if isinstance(e, (ShiftRelations, ScheduleTalks, CancelTalks, RaiseStakes)):
                pair((*eloc, "between"), e.between)
            if (
                isinstance(e, ScheduleTalks)
                and e.requester is not None
                and e.requester not in e.between
            ):
                out.append(((*eloc, "requester"), f"requester {e.requester!r} is not in the pair"))
            if isinstance(e, (AddItem, WithdrawItem)) and e.item not in items:
                out.append(((*eloc, "item"), _unknown("catalogue item", e.item, items)))

    event_ids = [
        e.id for kind in (s.events.scheduled, s.events.conditional, s.events.random) for e in kind
    ] + [e.id for e in s.events.injects]

    def requires(loc: Loc, reqs: list[Any], own: str) -> None:
        for k, q in enumerate(reqs):
            # With the variant's tag, as pydantic writes it: the loader drops it, and it keeps
            # a field named like its kind (a layer requirement's layer) from being taken for one.
            qloc: Loc = (*loc, "requires", k, q.kind)
            if isinstance(q, (NoDeal, SessionHeld)):
                pair((*qloc, "between"), q.between)
            elif isinstance(q, LayerIs):
                if q.layer not in layers:
                    out.append(((*qloc, "layer"), _unknown("tariff layer", q.layer, layers)))
                if q.status is None and q.below is None and q.at_least is None:
                    out.append((qloc, "a layer requirement needs status, below or at_least"))
                for field in ("below", "at_least"):
                    if (value := getattr(q, field)) is not None:
                        rate((*qloc, field), value)
                if q.below is not None and q.at_least is not None and q.below <= q.at_least:
                    out.append(
                        (
                            (*qloc, "below"),
                            f"below {q.below:g} is not above at_least {q.at_least:g}: "
                            "the requirement could never hold",
                        )
                    )
            elif isinstance(q, PackageIs) and q.package not in packages:
                out.append(
                    ((*qloc, "package"), _unknown("countermeasure package", q.package, packages))
                )
            elif isinstance(q, HasFired):
                if q.event == own:
                    out.append(((*qloc, "event"), "an event cannot require that it has fired"))
                elif q.event not in event_ids:
                    out.append(((*qloc, "event"), _unknown("event", q.event, event_ids)))

    ev = s.events
    all_events = (
        [("scheduled", n, e.id) for n, e in enumerate(ev.scheduled)]
        + [("conditional", n, e.id) for n, e in enumerate(ev.conditional)]
        + [("random", n, e.id) for n, e in enumerate(ev.random)]
        + [("injects", n, e.id) for n, e in enumerate(ev.injects)]
    )
    dup(
        [e[2] for e in all_events],
        lambda n: ("events", all_events[n][0], all_events[n][1], "id"),
        "event",
    )
    for n, se in enumerate(ev.scheduled):
        date(("events", "scheduled", n, "date"), se.date)
        effects(("events", "scheduled", n), se.effects)
        requires(("events", "scheduled", n), se.requires, se.id)
    for n, ce in enumerate(ev.conditional):
        cloc = ("events", "conditional", n)
        player((*cloc, "when", "player"), ce.when.player)
        player((*cloc, "when", "partner"), ce.when.partner)
        if ce.when.at_least is None and ce.when.at_most is None:
            out.append(((*cloc, "when"), "a condition needs at_least or at_most"))
        if ce.when.metric != "market_stress" and ce.when.player is None:
            out.append(((*cloc, "when"), f"the {ce.when.metric} condition needs a player"))
        if ce.when.metric == "relations" and ce.when.partner is None:
            out.append(((*cloc, "when"), "the relations condition needs a partner"))
        effects(cloc, ce.effects)
        requires(cloc, ce.requires, ce.id)
    for n, re_ in enumerate(ev.random):
        rloc = ("events", "random", n)
        date((*rloc, "from_date"), re_.from_date)
        date((*rloc, "until_date"), re_.until_date)
        effects(rloc, re_.effects)
        requires(rloc, re_.requires, re_.id)
    for n, inj in enumerate(ev.injects):
        effects(("events", "injects", n), inj.effects)
        requires(("events", "injects", n), inj.requires, inj.id)

    for field in ("deadline_holder",):
        holder = getattr(s.roles, field)
        if holder is None and cal.max_extension_days:
            out.append(
                (("calendar", "max_extension_days"), "an extension needs roles.deadline_holder")
            )
    return out


def round_count(s: Scenario, extended: bool = False) -> int:
    """Rounds in the game without any extension (with the longest one if ``extended``)."""
    cal = s.calendar
    start = (cal.start - cal.window_start).days
    end = (cal.deadline - cal.window_start).days + cal.after_deadline_days
    if extended:
        end += cal.max_extension_days
    return max(1, -(-(end - start + 1) // cal.round_days))
