"""What one player may see (DESIGN §3.7): typed records, their JSON, and a readable report.

Public: the calendar, tariffs (effective rates, layers, what is paused), deals in force and
their terms, approval, credibility, relations, market stress, public statements and news,
countermeasure packages, the concession catalogue (items and levels), which talks took place.
Private to the player: its objectives, the political costs of its own items and gains of
items it may receive, its win-set, its confidential briefing, its talks, its pending orders.
``player=None`` is the instructor's view, which sees everything; :data:`SPECTATOR` is the
public view, holding only what every player may see (a spectator of a networked game).

A :class:`View` is a frozen record of one moment; :meth:`View.to_json` gives its JSON (the
shape bots, saves, the browser page and the TUI read), ``str(view)`` the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from tradegame.engine.actions import Term
from tradegame.engine.economy import Snapshot
from tradegame.engine.kinds import DealStatus
from tradegame.engine.machine import Machine
from tradegame.engine.memo import per_rules
from tradegame.engine.plain import picklable_when_compiled
from tradegame.engine.projection import batna
from tradegame.engine.records import Deal, LogEntry, Session, pair_key
from tradegame.engine.report import render
from tradegame.engine.rules import Limits, Objective, Rules
from tradegame.engine.scoring import score
from tradegame.engine.text import term_text


class Spectator:
    """The viewer of the public view: sees what every player may see, nothing private."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SPECTATOR"


SPECTATOR = Spectator()
"""Pass as the player to :meth:`Game.view` for the public view."""

Viewer = str | Spectator | None
"""A player id, :data:`SPECTATOR`, or None for the instructor."""

Json = dict[str, Any]


def _r(x: float, nd: int = 4) -> float:
    return round(x, nd)


@dataclass(frozen=True, slots=True)
class TariffRow:
    """The effective tariff of one flow cell and its trade now."""

    importer: str
    exporter: str
    sector: str
    rate: float
    mfn: float
    base_value_bn: float
    value_bn: float

    def to_json(self) -> Json:
        return {
            "importer": self.importer,
            "exporter": self.exporter,
            "sector": self.sector,
            "rate": self.rate,
            "mfn": self.mfn,
            "base_value_bn": self.base_value_bn,
            "value_bn": self.value_bn,
        }


@dataclass(frozen=True, slots=True)
class LayerRow:
    """A tariff layer, its rate and status now."""

    id: str
    name: str
    importer: str
    exporter: str
    # Tuples: a row is made once per scenario and shared by every view (see _records).
    sectors: tuple[str, ...] | str  # "all"
    except_sectors: tuple[str, ...]
    rate: float
    status: str
    combine: str

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "name": self.name,
            "importer": self.importer,
            "exporter": self.exporter,
            "sectors": self.sectors if isinstance(self.sectors, str) else list(self.sectors),
            "except_sectors": list(self.except_sectors),
            "rate": self.rate,
            "status": self.status,
            "combine": self.combine,
        }


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """A catalogue item; its political costs and gains only for whoever may know them."""

    id: str
    owner: str
    kind: str
    name: str
    # Tuples: an entry is made once per scenario and kind of viewer, and shared by every view.
    to: tuple[str, ...] | str  # "any"
    available: bool
    description: str
    levels: tuple[float, ...]
    political_cost: tuple[float, ...] | None  # the owner's (and the instructor's) to see
    political_gain: tuple[float, ...] | None  # a possible receiver's (and the instructor's)
    red_line: bool = False  # declared in public: its owner's ratifier never passes it
    # Its JSON's keys in order, with every value that is not a list (made when first asked
    # for, set whole: see to_json); read-only, as a record is, to whoever reaches it.
    _json: MappingProxyType[str, Any] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def to_json(self) -> Json:
        """A new dict, whose lists are new too: a copy of the entry's JSON of immutable
        values (strings, numbers, tuples), each tuple replaced by a new list."""
        made = self._json
        if made is None:
            fields: Json = {
                "id": self.id,
                "owner": self.owner,
                "kind": self.kind,
                "name": self.name,
                "to": self.to,
                "available": self.available,
                "description": self.description,
                "levels": self.levels,
            }
            if self.red_line:
                fields["red_line"] = True
            if self.political_cost is not None:
                fields["political_cost"] = self.political_cost
            if self.political_gain is not None:
                fields["political_gain"] = self.political_gain
            made = MappingProxyType(fields)
            object.__setattr__(self, "_json", made)
        out = made.copy()
        if not isinstance(self.to, str):
            out["to"] = list(self.to)
        out["levels"] = list(self.levels)
        if self.political_cost is not None:
            out["political_cost"] = list(self.political_cost)
        if self.political_gain is not None:
            out["political_gain"] = list(self.political_gain)
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # Its fields, not its JSON kept (a read-only mapping neither pickles nor copies).
        return (
            CatalogueEntry,
            (
                self.id,
                self.owner,
                self.kind,
                self.name,
                self.to,
                self.available,
                self.description,
                self.levels,
                self.political_cost,
                self.political_gain,
                self.red_line,
            ),
        )


@dataclass(frozen=True, slots=True)
class DealTerm:
    item: str
    level: float
    text: str

    def to_json(self) -> Json:
        return {"item": self.item, "level": self.level, "text": self.text}


@dataclass(frozen=True, slots=True)
class DealEntry:
    """A deal the viewer may know of (agreed deals only to their parties until resolution)."""

    id: str
    # Tuples: an entry is remembered per scenario and shared by every view (see _deals).
    parties: tuple[str, ...]
    round: int
    status: str
    unilateral: bool
    ended_by: str | None
    terms: tuple[DealTerm, ...]
    political_cost_to_you: float | None  # for a party's own view
    # An agreed deal that will replace a deal in force when it enters force, and a warning
    # in words (its caps end with it).
    replaces: str | None = None
    warning: str | None = None

    def to_json(self) -> Json:
        out: Json = {
            "id": self.id,
            "parties": list(self.parties),
            "round": self.round,
            "status": self.status,
            "unilateral": self.unilateral,
            "ended_by": self.ended_by,
            "terms": [t.to_json() for t in self.terms],
        }
        if self.political_cost_to_you is not None:
            out["political_cost_to_you"] = self.political_cost_to_you
        if self.replaces is not None:
            out["replaces"] = self.replaces
            out["warning"] = self.warning
        return out


@dataclass(frozen=True, slots=True)
class TalkEntry:
    """A talks session: that it takes place is public, its contents are the parties'."""

    pair: list[str]
    level: str
    status: str
    contents: Json | None  # Session.to_json(), for the parties and the instructor

    def to_json(self) -> Json:
        out: Json = {"pair": self.pair, "level": self.level, "status": self.status}
        if self.contents is not None:
            out.update(self.contents)
        return out


@dataclass(frozen=True, slots=True)
class CountermeasureRow:
    id: str
    name: str
    target: str
    value_bn: float
    active: bool
    tariffs: tuple[tuple[str, float], ...]  # (sector, rate); a row is shared by every view
    market_stress: float

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "name": self.name,
            "target": self.target,
            "value_bn": self.value_bn,
            "active": self.active,
            "tariffs": [{"sector": s, "rate": r} for s, r in self.tariffs],
            "market_stress": self.market_stress,
        }


@dataclass(frozen=True, slots=True)
class PlayerEntry:
    """A player's public standing."""

    id: str
    name: str
    approval: float
    credibility: float
    gdp_effect_pct: float
    trade_balance_bn: float
    tariff_faced: float
    ratifies: str | None
    briefing: str
    countermeasures: list[CountermeasureRow]
    tariff_instruments: tuple[tuple[str, float, float], ...]  # (layer, min, max); shared

    def to_json(self) -> Json:
        return {
            "id": self.id,
            "name": self.name,
            "approval": self.approval,
            "credibility": self.credibility,
            "gdp_effect_pct": self.gdp_effect_pct,
            "trade_balance_bn": self.trade_balance_bn,
            "tariff_faced": self.tariff_faced,
            "ratifies": self.ratifies,
            "briefing": self.briefing,
            "countermeasures": [c.to_json() for c in self.countermeasures],
            "tariff_instruments": [
                {"layer": la, "min": lo, "max": hi} for la, lo, hi in self.tariff_instruments
            ],
        }


def _objective(o: Objective, *, sector: bool) -> Json:
    if sector:
        return {
            "label": o.label,
            "metric": o.metric,
            "partner": o.partner,
            "sector": o.sector,
            "best": o.best,
            "worst": o.worst,
            "weight": o.weight,
        }
    return {
        "label": o.label,
        "metric": o.metric,
        "partner": o.partner,
        "best": o.best,
        "worst": o.worst,
        "weight": o.weight,
    }


@dataclass(frozen=True, slots=True)
class You:
    """The viewer's own private data."""

    id: str
    objectives: tuple[Objective, ...]
    win_set: float | None
    confidential_briefing: str
    pending_orders: list[str]
    your_turn: bool
    score: float | None  # when the game is over

    def to_json(self) -> Json:
        out: Json = {
            "id": self.id,
            "objectives": [_objective(o, sector=True) for o in self.objectives],
            "win_set": self.win_set,
            "confidential_briefing": self.confidential_briefing,
            "pending_orders": self.pending_orders,
            "your_turn": self.your_turn,
        }
        if self.score is not None:
            out["score"] = self.score
        return out


@dataclass(frozen=True, slots=True)
class PrivateEntry:
    """One player's private data, as the instructor sees it."""

    objectives: tuple[Objective, ...]
    win_set: float | None
    confidential_briefing: str
    pending_orders: list[str]

    def to_json(self) -> Json:
        return {
            "objectives": [_objective(o, sector=False) for o in self.objectives],
            "win_set": self.win_set,
            "confidential_briefing": self.confidential_briefing,
            "pending_orders": self.pending_orders,
        }


@dataclass(frozen=True, slots=True)
class Roles:
    deadline_holder: str | None
    talk_capacity_holder: str | None
    talk_capacity: int | None
    market_stress_player: str | None
    precedent_setter: str | None

    def to_json(self) -> Json:
        return {
            "deadline_holder": self.deadline_holder,
            "talk_capacity_holder": self.talk_capacity_holder,
            "talk_capacity": self.talk_capacity,
            "market_stress_player": self.market_stress_player,
            "precedent_setter": self.precedent_setter,
        }


@dataclass(frozen=True, slots=True)
class View:
    """What one viewer may see at one moment (see the module docstring)."""

    player: Viewer
    viewer: str  # the player's id, "instructor" or "spectator"
    scenario_id: str
    scenario_title: str
    round: int
    rounds_total: int
    day: int
    date: str
    round_end_date: str
    deadline_day: int
    deadline: str
    days_to_deadline: int
    snapped_back: bool
    extension_days_used: int
    phase: str
    to_move: str | None
    market_stress: float
    limits: Limits
    roles: Roles
    precedent_cap: float | None
    players: list[PlayerEntry]
    relations: dict[str, float]  # "A-B" -> 0..100
    tariffs: list[TariffRow]
    layers: list[LayerRow]
    catalogue: list[CatalogueEntry]
    claims: list[tuple[str, str, str, str]]  # (id, by, about, text)
    deals: list[DealEntry]
    talks: list[TalkEntry]
    log: list[LogEntry]
    history: list[Json]  # one record per resolved round (State.history)
    scores: dict[str, float] | None  # every player's, when the game is over
    batna: dict[str, float] | None
    you: You | None  # a player's own view
    private: dict[str, PrivateEntry] | None  # the instructor's view
    _json: Json | None = field(default=None, init=False, compare=False, repr=False)

    def to_json(self) -> Json:
        """The view as JSON data (made once; treat it as read-only)."""
        if self._json is None:
            object.__setattr__(self, "_json", self._make_json())
        assert self._json is not None
        return self._json

    def _make_json(self) -> Json:
        limits = self.limits
        data: Json = {
            "viewer": self.viewer,
            "scenario": {"id": self.scenario_id, "title": self.scenario_title},
            "round": self.round,
            "rounds_total": self.rounds_total,
            "day": self.day,
            "date": self.date,
            "round_end_date": self.round_end_date,
            "deadline_day": self.deadline_day,
            "deadline": self.deadline,
            "days_to_deadline": self.days_to_deadline,
            "snapped_back": self.snapped_back,
            "extension_days_used": self.extension_days_used,
            "phase": self.phase,
            "to_move": self.to_move,
            "market_stress": self.market_stress,
            "limits": {
                "max_orders": limits.max_orders,
                "max_terms": limits.max_terms,
                "tariff_step": limits.tariff_step,
                "max_tariff": limits.max_tariff,
            },
            "roles": self.roles.to_json(),
            "precedent_cap": self.precedent_cap,
            "players": [p.to_json() for p in self.players],
            "relations": self.relations,
            "tariffs": [t.to_json() for t in self.tariffs],
            "layers": [la.to_json() for la in self.layers],
            "catalogue": [c.to_json() for c in self.catalogue],
            "claims": [
                {"id": i, "by": by, "about": about, "text": text}
                for i, by, about, text in self.claims
            ],
            "deals": [d.to_json() for d in self.deals],
            "talks": [t.to_json() for t in self.talks],
            "log": [e.to_json() for e in self.log],
            "history": self.history,
        }
        if self.scores is not None:
            data["scores"] = self.scores
        if self.batna is not None:
            data["batna"] = self.batna
        if self.you is not None:
            data["you"] = self.you.to_json()
        elif self.private is not None:
            data["private"] = {p: e.to_json() for p, e in self.private.items()}
        return data

    def __str__(self) -> str:
        return render(self.to_json())


@dataclass(frozen=True, slots=True)
class Glance:
    """Part of a player's own :class:`View`: the same records, made by the same functions,
    without the tariff table, the deals, the claims, the log and the history (what an
    observation vector reads, made in a fraction of the time; see :func:`build_glance`)."""

    player: str
    viewer: str
    round: int
    rounds_total: int
    days_to_deadline: int
    extension_days_used: int
    phase: str
    to_move: str | None
    market_stress: float
    players: list[PlayerEntry]
    relations: dict[str, float]
    layers: list[LayerRow]
    catalogue: list[CatalogueEntry]
    talks: list[TalkEntry]
    you: You


def build_view(game: Machine, viewer: Viewer) -> View:
    """What ``viewer`` may see of ``game`` now."""
    rules = game.rules
    sees_all = viewer is None
    public = isinstance(viewer, Spectator)
    player = viewer if isinstance(viewer, str) else None  # a player's own view
    snap = game.snapshot()
    tariffs = [
        TariffRow(
            c.importer,
            c.exporter,
            c.sector,
            _r(snap.rate[c.index]),
            c.mfn,
            c.v0,
            _r(snap.value[c.index], 3),
        )
        for c in game.tables.compiled.cells
    ]
    deals = _deals(game, viewer)
    mover = game.to_move()
    scores = batnas = None
    if game.is_over():
        scores = _scores(game)
        batnas = {p: _r(v, 3) for p, v in batna(rules, game.seed).items()}
    you = private = None
    if player is not None:
        you = _you(game, player, mover, scores)
    elif sees_all:
        private = {
            p.id: PrivateEntry(
                p.objectives,
                game.win_set(p.id),
                p.briefing_confidential,
                [str(o) for o in game.orders.get(p.id, [])],
            )
            for p in rules.players
        }
    return View(
        player=viewer,
        viewer=player if player is not None else "spectator" if public else "instructor",
        scenario_id=rules.id,
        scenario_title=rules.title,
        round=game.round,
        rounds_total=game.rounds_total(),
        day=game.day,
        date=_date(game),
        round_end_date=_round_end_date(game),
        deadline_day=game.deadline_day,
        deadline=game.date_of(game.deadline_day),
        days_to_deadline=_days_to_deadline(game),
        snapped_back=game.snapped,
        extension_days_used=game.extension_days,
        phase=game.phase,
        to_move=mover,
        market_stress=_r(game.stress, 2),
        limits=rules.limits,
        roles=Roles(
            rules.deadline_holder,
            rules.talk_capacity_holder,
            rules.talk_capacity,
            rules.market_stress_player,
            rules.precedent_setter,
        ),
        precedent_cap=game.precedent,
        players=_players(game, snap),
        relations=_relations(game),
        tariffs=tariffs,
        layers=_layers(game),
        catalogue=_catalogue(game, viewer),
        claims=[(c.id, c.by, c.about, c.text) for c in rules.claims],
        deals=deals,
        talks=_talks(game, viewer),
        log=[e for e in game.log if (e.audience is None if public else e.visible_to(player))],
        history=game.history,  # records of its own (the game's are never handed out)
        scores=scores,
        batna=batnas,
        you=you,
        private=private,
    )


def build_glance(game: Machine, player: str) -> Glance:
    """The :class:`Glance` of ``player``'s own view of ``game`` now: each field equal to the
    field of the same name of ``build_view(game, player)`` (a test checks it on every state
    of random games)."""
    mover = game.to_move()
    return Glance(
        player=player,
        viewer=player,
        round=game.round,
        rounds_total=game.rounds_total(),
        days_to_deadline=_days_to_deadline(game),
        extension_days_used=game.extension_days,
        phase=game.phase,
        to_move=mover,
        market_stress=_r(game.stress, 2),
        players=_players(game, game.snapshot()),
        relations=_relations(game),
        layers=_layers(game),
        catalogue=_catalogue(game, player),
        talks=_talks(game, player),
        you=_you(game, player, mover, _scores(game) if game.is_over() else None),
    )


# -- the sections that a View and a Glance share, each written once


def _date(game: Machine) -> str:
    return game.date_of(game.day)


def _round_end_date(game: Machine) -> str:
    return game.date_of(game.round_end_day)


def _days_to_deadline(game: Machine) -> int:
    return game.deadline_day - game.day


def _scores(game: Machine) -> dict[str, float]:
    return {p: _r(score(game, p), 3) for p in game.rules.player_ids}


def _you(game: Machine, player: str, mover: str | None, scores: dict[str, float] | None) -> You:
    me = game.rules.player(player)
    return You(
        player,
        me.objectives,
        win_set_shown(game, player),
        me.briefing_confidential,
        [str(o) for o in game.orders.get(player, [])],
        mover == player,
        scores[player] if scores is not None else None,
    )


def win_set_shown(game: Machine, player: str) -> float | None:
    """``player``'s win-set as its view's ``you`` shows it (rounded)."""
    ws = game.win_set(player)
    return _r(ws, 3) if ws is not None else None


def _relations(game: Machine) -> dict[str, float]:
    return {f"{a}-{b}": _r(v, 2) for (a, b), v in sorted(game.relations.items())}


def _players(game: Machine, snap: Snapshot) -> list[PlayerEntry]:
    memo = _records(game.rules)
    active = game.active_packages
    out = []
    for p in game.rules.players:
        rows = []
        for c in p.countermeasures:
            key = ("countermeasure", c.id, c.id in active)
            row = memo.get(key)
            if row is None:
                row = memo[key] = CountermeasureRow(
                    c.id, c.name, c.target, c.value_bn, key[2], tuple(c.tariffs), c.market_stress
                )
            rows.append(row)
        instruments = memo.get(("instruments", p.id))
        if instruments is None:
            instruments = memo["instruments", p.id] = tuple(
                (t.layer, t.min, t.max) for t in p.tariffs
            )
        out.append(
            PlayerEntry(
                p.id,
                p.name,
                _r(game.approval[p.id], 2),
                _r(game.credibility[p.id], 2),
                _r(snap.gdp_pct[p.id]),
                _r(game.balance(p.id, snap=snap), 3),
                _r(game.tariff_faced_now(p.id, snap)),
                p.ratification.body if p.ratification else None,
                p.briefing_public,
                rows,
                instruments,
            )
        )
    return out


def _layers(game: Machine) -> list[LayerRow]:
    memo = _records(game.rules)
    out = []
    for la in game.rules.layers:
        rate = game.layer_rate[la.id]
        # repr: 0 and 0.0 (or -0.0) are equal keys but would print differently
        key = ("layer", la.id, repr(rate), game.layer_status[la.id])
        row = memo.get(key)
        if row is None:
            if len(memo) >= _MAX_RECORDS:
                memo.clear()
            row = memo[key] = LayerRow(
                la.id,
                la.name,
                la.importer,
                la.exporter,
                tuple(sorted(la.sectors)) if la.sectors is not None else "all",
                tuple(sorted(la.except_sectors)),
                rate,
                key[3],
                la.combine,
            )
        out.append(row)
    return out


def _talks(game: Machine, viewer: Viewer) -> list[TalkEntry]:
    sees_all = viewer is None
    return [
        TalkEntry(
            list(s.pair), s.level, s.status, _contents(s) if sees_all or viewer in s.pair else None
        )
        for s in game.sessions
    ]


def deal_records(game: Machine, player: str) -> list[DealEntry]:
    """The records of ``player``'s view's deals now (a new list of shared records)."""
    return _deals(game, player)


def _deals(game: Machine, viewer: Viewer) -> list[DealEntry]:
    """The deals ``viewer`` may see: an agreed deal is public at resolution (ratification),
    to its parties at once; the political cost only to a party."""
    sees_all = viewer is None
    player = viewer if isinstance(viewer, str) else None
    made = _deal_terms(game.rules)
    kept = _deal_entries(game.rules)
    knows = player is not None and game.knows_politics_of(player)
    out = []
    for d in game.deals:
        status = d.status
        if status == _AGREED:  # (what it replaces depends on the deals in force: made anew)
            if sees_all or player in d.parties:
                out.append(_deal_entry(game, d, player, made))
            continue
        # An entry is remembered with the deal and the fields it was made of; a game may
        # change its own deals in place, so each is compared (the same objects, not equal
        # ones: 1 and 1.0 are equal levels, shown differently).
        key = (id(d), player)
        known = kept.get(key)
        if (
            known is not None
            and known[0] is d
            and known[1] is status
            and known[2] is d.terms
            and known[3] is d.ended_by
            and known[4] is d.parties
            and known[5] is d.id
            and known[6] == d.round
            and known[7] is d.unilateral
            and known[8] is knows
        ):
            out.append(known[9])
            continue
        entry = _deal_entry(game, d, player, made)
        if len(kept) >= _MAX_RECORDS:
            kept.clear()  # bounded; a miss only costs making the entry
        kept[key] = (
            d,
            status,
            d.terms,
            d.ended_by,
            d.parties,
            d.id,
            d.round,
            d.unilateral,
            knows,
            entry,
        )
        out.append(entry)
    return out


def _deal_entry(
    game: Machine, d: Deal, player: str | None, made: dict[tuple[str, float, type], DealTerm]
) -> DealEntry:
    """The entry of deal ``d`` in ``player``'s view (None: the instructor's or the public)."""
    return DealEntry(
        d.id,
        d.parties,
        d.round,
        d.status,
        d.unilateral,
        d.ended_by,
        tuple(
            [
                made.get((t.item, t.value, type(t.value))) or _deal_term(made, game.rules, t)
                for t in d.terms
            ]
        ),
        _r(game.political_cost(d, player), 3)
        if player is not None and player in d.parties
        else None,
        *_replacing(game, d),
    )


def catalogue_records(game: Machine, player: str) -> list[CatalogueEntry]:
    """The records of ``player``'s view's catalogue now (a new list of shared records)."""
    return _catalogue(game, player)


def _catalogue(game: Machine, viewer: Viewer) -> list[CatalogueEntry]:
    """The catalogue as ``viewer`` sees it: an item's political costs only for its owner (and
    the instructor), its gains only for a player who may receive it (and the instructor)."""
    rules = game.rules
    sees_all = viewer is None
    player = viewer if isinstance(viewer, str) else None
    # An entry depends on the item, whether it is on the table and who looks: made once per
    # scenario and kind of viewer, and shared by every view (records are read-only).
    entries = _catalogue_entries(rules)
    who = ("all", "") if sees_all else ("p", player) if player is not None else ("public", "")
    available = game.available_items
    # The whole list is a function of who looks and the items on the table: remembered.
    lists = _catalogue_lists(rules)
    made = lists.get((who, available))
    if made is not None:
        return list(made)
    catalogue = []
    for item in rules.items:
        key = (who, item.id, item.id in available)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = CatalogueEntry(
                item.id,
                item.owner,
                item.kind,
                item.name,
                tuple(item.to) if item.to is not None else "any",
                key[2],
                item.description,
                tuple(lv.value for lv in item.levels),
                tuple(lv.cost for lv in item.levels) if sees_all or item.owner == player else None,
                tuple(lv.gain for lv in item.levels)
                if sees_all or (player is not None and item.can_go_to(player))
                else None,
                item.red_line,
            )
        catalogue.append(entry)
    if len(lists) >= _MAX_RECORDS:
        lists.clear()  # bounded; a miss only costs making the list
    lists[(who, available)] = tuple(catalogue)
    return catalogue


_MAX_RECORDS = 4096
_AGREED = DealStatus.AGREED  # (an enum's member read from its class is slow: bound once)


@per_rules
def _records(
    rules: Rules,
) -> dict[tuple[str, ...] | tuple[str, str, bool] | tuple[str, str, float, str], Any]:
    """Records of a view that depend on the scenario and a few values of the state (a
    countermeasure package and whether it is active, a layer at a rate and status, a player's
    tariff instruments), made once and shared by every view (records are read-only)."""
    return {}


@per_rules
def _catalogue_entries(rules: Rules) -> dict[tuple[tuple[str, str], str, bool], CatalogueEntry]:
    """The catalogue entries made so far, by (kind of viewer, item id, on the table)."""
    return {}


@per_rules
def _catalogue_lists(
    rules: Rules,
) -> dict[tuple[tuple[str, str], frozenset[str]], tuple[CatalogueEntry, ...]]:
    """The catalogues made so far, by (kind of viewer, the items on the table)."""
    return {}


@per_rules
def _deal_entries(rules: Rules) -> dict[tuple[int, str | None], tuple[Any, ...]]:
    """The deal entries made so far (but of agreed deals), by the deal's id() and the viewing
    player (None: the instructor or the public): (the deal, its status, terms, ended_by,
    parties, id, round and unilateral, whether the game may read the viewer's political
    costs, the entry). The deal is held, so its id() is not another's while it is here."""
    return {}


@per_rules
def _deal_terms(rules: Rules) -> dict[tuple[str, float, type], DealTerm]:
    """The deals' term records made so far, by item, level and the level's type (records are
    read-only: shared by every view of every deal with the term)."""
    return {}


def _deal_term(made: dict[tuple[str, float, type], DealTerm], rules: Rules, t: Term) -> DealTerm:
    """The record of term ``t`` in a deal, made and remembered in ``made``."""
    if len(made) >= _MAX_RECORDS:
        made.clear()  # bounded; a miss only costs making the record
    record = made[(t.item, t.value, type(t.value))] = DealTerm(t.item, t.value, term_text(rules, t))
    return record


def _replacing(game: Machine, deal: Deal) -> tuple[str | None, str | None]:
    """The deal in force an agreed deal will replace, and the warning that says so."""
    if deal.status != _AGREED:
        return None, None
    old = game.replaced_on_entry(deal)
    if not old:
        return None, None
    ids = ", ".join(d.id for d in old)
    return ids, (
        f"If it enters force, {deal.id} replaces {ids}: the terms of {ids} end, its "
        f"caps included; only the caps of {deal.id} bind."
    )


def _contents(s: Session) -> Json:
    return s.to_json()


_SECTIONS: dict[str, Callable[[Machine, str], list[Any]]] = {
    "players": lambda game, player: _players(game, game.snapshot()),
    "layers": lambda game, player: _layers(game),
    "catalogue": _catalogue,
    "deals": _deals,
    "talks": _talks,
}
"""The list sections of a player's view that :func:`build_sections` makes, by JSON key."""

_CLOCK: dict[str, Callable[[Machine], Any]] = {
    "date": _date,
    "round_end_date": _round_end_date,
    "days_to_deadline": _days_to_deadline,
    "snapped_back": lambda game: game.snapped,
}
"""The clock's values that :func:`build_sections` gives, by JSON key (as the view has them)."""

SECTIONS = frozenset({*_SECTIONS, *_CLOCK, "you"})
"""The sections of a player's view's JSON that :func:`build_sections` can make alone."""


def build_sections(game: Machine, player: str, names: Iterable[str]) -> Json:
    """The sections ``names`` (of :data:`SECTIONS`) of ``build_view(game, player).to_json()``
    without the rest of the view: each made by the view's own section function, its records'
    JSON as the view's JSON has it (a test compares them on every state of random games; the
    hidden-information tests compare outsiders' sections). What an agent reads of its view
    when it reads only these (the tariff table, the log and the history are the costly rest).
    A name not in :data:`SECTIONS` raises :class:`ValueError`, naming them."""
    names = list(names)
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        raise ValueError(
            f"no section {unknown[0]!r} of a view is made alone; "
            f"the sections are {', '.join(sorted(SECTIONS))}"
        )
    out: Json = {}
    for name in names:
        if name == "you":
            mover = game.to_move()
            scores = _scores(game) if game.is_over() else None
            out[name] = _you(game, player, mover, scores).to_json()
        elif name in _CLOCK:
            out[name] = _CLOCK[name](game)
        else:
            out[name] = [record.to_json() for record in _SECTIONS[name](game, player)]
    return out


__all__ = [
    "SECTIONS",
    "SPECTATOR",
    "CatalogueEntry",
    "DealEntry",
    "Glance",
    "LayerRow",
    "PlayerEntry",
    "PrivateEntry",
    "Spectator",
    "TalkEntry",
    "TariffRow",
    "View",
    "Viewer",
    "You",
    "build_glance",
    "build_sections",
    "build_view",
    "catalogue_records",
    "deal_records",
    "pair_key",
    "render",
    "win_set_shown",
]


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
