"""One play-through of a scenario: the rules of DESIGN §3 as a deterministic state machine.

A game is fully determined by (rules, seed, actions). :class:`Game` is mutable for speed
(python-chess style); :meth:`Game.copy` gives an independent copy, :attr:`Game.actions` the
action list that replays it. Automatic phases (news, resolution) run inside :meth:`apply`, so
``to_move()`` always names the player who must act, or ``None`` when the game is over.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import math
import operator
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tradegame.engine import economy as eco
from tradegame.engine.actions import (
    INSTRUCTOR,
    Accept,
    Action,
    Concede,
    Counter,
    Countermeasure,
    Done,
    ExtendDeadline,
    Inject,
    News,
    Pass,
    Propose,
    Reject,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
    check_action,
    fmt_number,
    parse_news_effect,
)
from tradegame.engine.errors import IllegalActionError, NonFiniteError
from tradegame.engine.rules import STATEMENT_KINDS, TALK_LEVELS, Effect, Event, Item, Rules

TALKS = "talks"
ORDERS = "orders"
OVER = "over"
PUBLIC: frozenset[str] | None = None
RATE_EPS = 1e-9
RATES_CACHE_SIZE = 4096  # per rules; see Game.rates
MAX_STAKES = 1e6  # talk stakes multiply with every raise_stakes (an instructor may inject many)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class Deal:
    """A deal between two players (or a unilateral concession when ``unilateral``)."""

    id: str
    parties: tuple[str, str]
    terms: tuple[Term, ...]
    round: int
    level: str
    stakes: float
    status: str = "agreed"  # agreed | in_force | failed | reneged | superseded
    unilateral: bool = False
    ended_by: str | None = None
    ended_round: int = 0
    reneged_by: tuple[str, ...] = ()  # everyone who reneged on it (both may, at once)
    # The terms as the economy reads them (economy.deal_entries), made when first needed.
    entries: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)
    moves_rates: bool | None = field(default=None, compare=False, repr=False)

    def other(self, player: str) -> str:
        return self.parties[1] if self.parties[0] == player else self.parties[0]

    def to_json(self) -> dict[str, Any]:
        return _deal_json(self, self.status, self.ended_by, self.ended_round, self.reneged_by)


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
    status: str = "open"  # open | agreed | rejected | passed | lapsed

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": list(self.pair), "requester": self.requester, "level": self.level,
            "stakes": self.stakes, "max_exchanges": self.max_exchanges,
            "exchanges": self.exchanges, "status": self.status, "turn": self.turn,
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
        return {"round": self.round, "day": self.day, "phase": self.phase, "kind": self.kind,
                "text": self.text,
                "audience": sorted(self.audience) if self.audience is not None else None}


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


@dataclass(slots=True)
class Ledger:
    """Per-player sums of annual rates × days, and per-flow sums for tariffs and values.

    The per-flow lists are replaced each round, never changed in place (round states share
    them).
    """

    days: int = 0
    player: dict[str, dict[str, float]] = field(default_factory=dict)
    flow_rate: list[float] = field(default_factory=list)
    flow_value: list[float] = field(default_factory=list)


LEDGER_KEYS = ("gdp_bn", "gdp_pct", "revenue", "consumer_cost", "investment_received",
               "purchases_received", "cost_sharing_received")


class Game:
    """A game in progress. Build one with :meth:`new`; act with :meth:`apply`."""

    def __init__(self, rules: Rules, seed: int) -> None:
        self.rules = rules
        self.seed = seed
        c = rules.calendar
        self.rng = random.Random(seed)
        self.round = 1
        self.day = c.start_day
        self.deadline_day = c.deadline_day
        self.extension_days = 0
        self.snapped = False
        self.phase = TALKS
        self.layer_rate = {la.id: la.rate for la in rules.layers}
        self.layer_status = {la.id: ("inactive" if la.from_day is not None and
                                     la.from_day > c.start_day and la.status == "in_force"
                                     else la.status) for la in rules.layers}
        self.layer_info = {la.id: (la.combine, la.replaces) for la in rules.layers}
        self.active_packages = {cm.id for p in rules.players for cm in p.countermeasures
                                if cm.active_at_start}
        # Replaced, never changed in place (so each round's state shares it).
        self.available_items = frozenset(it.id for it in rules.items if it.available)
        self.approval = {p.id: p.approval for p in rules.players}
        self.credibility = {p.id: p.credibility for p in rules.players}
        self.relations: dict[tuple[str, str], float] = {}
        # The player ids, read on every move: a plain attribute, not the rules' property.
        self._ids = ids = rules.player_ids
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                self.relations[pair_key(a, b)] = 50.0
        for (a, b), value in rules.relations:
            self.relations[pair_key(a, b)] = value
        self.stress = rules.market_stress.start
        self.deals: list[Deal] = []
        self.sessions: list[Session] = []
        self.session_index = 0
        self.requests: list[tuple[str, str, str]] = []  # (requester, partner, level) for next
        self.event_talks: list[tuple[tuple[str, str], str, str | None]] = []
        self.stakes: dict[tuple[str, str], float] = {}
        self.orders: dict[str, list[Action]] = {p: [] for p in ids}
        self.done: set[str] = set()
        self.pledges: list[Pledge] = []
        self.fact_checked: set[tuple[str, str]] = set()
        self.precedent: float | None = None
        self.fired: dict[str, int] = {}
        self.log: list[LogEntry] = []
        self.actions: list[Action] = []
        # One record per resolved round: the raw values, turned into dicts when first read.
        self._history: list[dict[str, Any] | tuple[Any, ...]] = []
        # End-of-round state (a _state_capture), hashed when round_hashes is first asked for.
        self._round_states: list[dict[str, Any] | str] = []
        self.rng_draws = 0
        self.ledger = Ledger(player={p: dict.fromkeys(LEDGER_KEYS, 0.0) for p in ids},
                             flow_rate=[0.0] * len(rules.flows),
                             flow_value=[0.0] * len(rules.flows))
        self.final_extra_days = 0
        self.what_if_mode = False
        self.projection_cache: dict[tuple[int, str], float] = {}
        self._verified: tuple[Action, int] | None = None
        # The sampler's kinds of order this round: (round, {player: (kinds, dead)}); made
        # and read by LegalActions._order_kinds.
        self._sampler_kinds: tuple[int, dict[str, Any]] | None = None
        self._terms_key: tuple[float, ...] = ()
        self._snap_terms: eco.TermIndex | None = None
        self._rates: tuple[float, ...] | None = None
        self._snap: eco.Snapshot | None = None
        # The keys of the deals in force that bound tariffs (part of the rates cache key).
        self._rate_deals: tuple[Any, ...] | None = None
        self._in_force: list[Deal] | None = None  # see deals_in_force
        self._deal_index: tuple[list[Deal], int, dict[str, Deal]] | None = None  # see deal
        self._terms: eco.TermIndex | None = None
        self._begin_round()

    # ------------------------------------------------------------------ construction, copies

    @classmethod
    def new(cls, rules: Rules, seed: int = 0) -> Game:
        """A new game of ``rules`` whose chance is decided by ``seed``."""
        return cls(rules, seed)

    @classmethod
    def replay(cls, rules: Rules, seed: int, actions: Iterable[Action]) -> Game:
        """Rebuild a game from its seed and action list (each action is verified)."""
        game = cls(rules, seed)
        for action in actions:
            game.apply(action)
        return game

    def copy(self) -> Game:
        """An independent copy; frozen values (rules, actions, log entries) are shared."""
        new = Game.__new__(Game)
        attributes = new.__dict__
        for name, value in self.__dict__.items():
            attributes[name] = value.copy() if isinstance(value, (dict, set, list)) else value
        # Shallow copies of the mutable records, made by their constructors (every what_if
        # copies the game; copy.copy's generic path is several times slower).
        new.deals = [Deal(*_DEAL_FIELDS(d)) for d in self.deals]
        new.sessions = [Session(*_SESSION_FIELDS(s)) for s in self.sessions]
        new.pledges = [Pledge(*_PLEDGE_STATE(p)) for p in self.pledges]
        new.orders = {p: list(v) for p, v in self.orders.items()}
        new.ledger = Ledger(days=self.ledger.days,
                            player={p: dict(v) for p, v in self.ledger.player.items()},
                            flow_rate=list(self.ledger.flow_rate),
                            flow_value=list(self.ledger.flow_value))
        new.rng = random.Random()
        new.rng.setstate(self.rng.getstate())
        new._verified = None  # a copy may be changed before it applies anything: check again
        new._sampler_kinds = None
        new._in_force = new._deal_index = None  # the copy has deal objects of its own
        return new

    # ------------------------------------------------------------------ the small public API

    def to_move(self) -> str | None:
        """The player who must act now, or None when the game is over."""
        if self.phase == TALKS:
            return self.sessions[self.session_index].turn
        if self.phase == ORDERS:
            done = self.done
            for p in self._ids:
                if p not in done:
                    return p
        return None

    def is_over(self) -> bool:
        return self.phase == OVER

    @property
    def session(self) -> Session | None:
        return self.sessions[self.session_index] if self.phase == TALKS else None

    def legal_actions(self, player: str | None = None) -> Any:
        """A lazy view of ``player``'s legal actions (iterate, ``in``, ``len``, ``sample``)."""
        global _LegalActions
        if _LegalActions is None:  # imported late: legal.py imports this module
            from tradegame.engine.legal import LegalActions as _LegalActions
        return _LegalActions(self, player if player is not None else self.to_move())

    def can(self, action: Action) -> bool:
        try:
            self.verify(action)
        except IllegalActionError:
            return False
        return True

    def _legal_now(self, action: Action) -> bool:
        """:meth:`can` for the engine's own candidates (legal.py), well-formed by making:
        the rules only, without :func:`check_action`."""
        try:
            self._check(action)
        except IllegalActionError:
            return False
        return True

    def verify(self, action: Action) -> None:
        """Raise :class:`IllegalActionError`, naming the rule, unless ``action`` is legal now
        (:class:`InvalidActionError` if it is not a well-formed action at all)."""
        verified = self._verified
        if verified is not None and verified[0] is action and verified[1] == len(self.actions):
            return  # this very action was found legal in this very state (e.g. by sample())
        check_action(action)  # InvalidActionError for anything but a well-formed action
        self._check(action)
        # apply() of this very action in this very state need not verify it again (a match
        # verifies each agent's move before applying it).
        self._verified = (action, len(self.actions))

    def _check(self, action: Action) -> None:
        rules = self.rules
        if isinstance(action, News):
            if action.player != INSTRUCTOR:
                raise IllegalActionError("only the instructor may publish news")
            if self.phase == OVER:
                raise IllegalActionError("the game is over")
            for token in action.effects:
                _, ids, _ = parse_news_effect(token)
                for pid in ids:
                    if pid not in self._ids:
                        raise IllegalActionError(f"news effect {token}: unknown player {pid!r}")
                if len(ids) == 2 and ids[0] == ids[1]:
                    raise IllegalActionError(f"news effect {token}: a pair of two players")
            return
        if isinstance(action, Inject):
            if action.player != INSTRUCTOR:
                raise IllegalActionError("only the instructor may inject events")
            if self.phase == OVER:
                raise IllegalActionError("the game is over")
            if not any(e.id == action.inject and e.trigger == "inject" for e in rules.events):
                raise IllegalActionError(f"unknown inject {action.inject!r}")
            return
        if action.player not in self._ids:
            raise IllegalActionError(f"unknown player {action.player!r}")
        if self.phase == OVER:
            raise IllegalActionError("the game is over")
        mover = self.to_move()
        if action.player != mover:
            raise IllegalActionError(
                f"it is {mover}'s turn ({self.phase} phase), not {action.player}'s")
        if self.phase == TALKS:
            self._verify_talk(action)
        else:
            self._verify_order(action)

    def apply(self, action: Action) -> None:
        """Verify and apply ``action``; automatic phases that follow run at once."""
        verified = self._verified
        if verified is None or verified[0] is not action or verified[1] != len(self.actions):
            self.verify(action)
        self._verified = None
        self.actions.append(action)
        if isinstance(action, News):
            self._sampler_kinds = None  # news may make orders legal again (legal.py)
            self._log("news", f"Instructor news: {action.text}")
            for token in action.effects:
                name, ids, by = parse_news_effect(token)
                kind = "shift_market_stress" if name == "stress" else f"shift_{name}"
                self._effect(Effect(kind, player=ids[0] if len(ids) == 1 else None,
                                    pair=(ids[0], ids[1]) if len(ids) == 2 else None, by=by))
            self._invalidate()
            return
        if isinstance(action, Inject):
            self._sampler_kinds = None
            event = self.rules.event(action.inject)
            self._log("inject", f"Instructor inject: {event.news}")
            self._fire(event)
            self._invalidate()
            return
        if self.phase == TALKS:
            self._apply_talk(action)
        else:
            self._apply_order(action)

    def view(self, player: str | None) -> Any:
        """What ``player`` may see (DESIGN §3.7); ``None`` is the instructor's full view."""
        from tradegame.engine.view import build_view

        return build_view(self, player)

    def scores(self) -> dict[str, float]:
        """Each player's score (0–100) if things stay as they are now (final when over)."""
        from tradegame.engine.scoring import score

        return {p: score(self, p) for p in self.rules.player_ids}

    def batna(self) -> dict[str, float]:
        """Each player's score if nobody agrees to anything (everyone passes)."""
        from tradegame.engine.scoring import batna

        return batna(self.rules, self.seed)

    def what_if(self, player: str, actions: Sequence[Action] = ()) -> Any:
        """Project ``player``'s score after hypothetical ``actions`` (game unchanged)."""
        from tradegame.engine.scoring import what_if

        return what_if(self, player, actions)

    # ------------------------------------------------------------------ dates

    def date_of(self, day: int) -> str:
        dates: dict[int, str] = self.rules._index.setdefault("dates", {})  # type: ignore[assignment]
        date = dates.get(day)
        if date is None:
            import datetime as dt

            start = dt.date.fromisoformat(self.rules.calendar.window_start)
            date = dates[day] = (start + dt.timedelta(days=day)).isoformat()
        return date

    @property
    def round_end_day(self) -> int:
        return self.day + self.rules.calendar.round_days - 1

    @property
    def final_day(self) -> int:
        return self.deadline_day + self.rules.calendar.after_deadline_days

    def rounds_total(self) -> int:
        c = self.rules.calendar
        return max(1, -(-(self.final_day - c.start_day + 1) // c.round_days))

    def win_set(self, player: str) -> float | None:
        rat = self.rules.player(player).ratification
        return rat.win_set(self.approval[player]) if rat else None

    def deals_in_force(self, player: str | None = None) -> list[Deal]:
        # Deals enter and leave force only where the economy is invalidated (_invalidate),
        # which forgets this list too.
        force = self._in_force
        if force is None:
            force = self._in_force = [d for d in self.deals if d.status == "in_force"]
        if player is None:
            return list(force)
        return [d for d in force if player in d.parties]

    def deal(self, deal_id: str) -> Deal | None:
        # Deals are only ever appended to the list (a projection's copy filters its own
        # list once, into a new list, then appends): an index made from this very list, when
        # it had as many deals as now, is current.
        index = self._deal_index
        deals = self.deals
        if index is None or index[0] is not deals or index[1] != len(deals):
            ids: dict[str, Deal] = {}
            for d in deals:
                ids.setdefault(d.id, d)  # the first deal of an id, as a scan finds it
            index = self._deal_index = (deals, len(deals), ids)
        return index[2].get(deal_id)

    # ------------------------------------------------------------------ logging

    def _log(self, kind: str, text: str, audience: Iterable[str] | None = None,
             phase: str | None = None) -> None:
        # tuple.__new__ builds the named tuple without its Python-level __new__ (the log
        # gets about 200 lines a game).
        self.log.append(_new_tuple(LogEntry, (
            self.round, self.day, phase or self.phase, kind, text,
            frozenset(audience) if audience is not None else None)))

    # ------------------------------------------------------------------ rounds

    def _begin_round(self) -> None:
        """News, then talks (or straight to orders when no session is held)."""
        self._news()
        self._open_talks()

    def _news(self) -> None:
        first = self.day
        window = _news_window(self.rules, first, self.round_end_day)
        # News reaches the economy only through the tariff layers (scheduled layers and
        # set_layer effects; a credibility shift is caught by terms()): keep the cached
        # rates and snapshot unless one of those happened.
        layers_changed = False
        for la in window.layers:
            if self.layer_status[la.id] == "inactive":
                self.layer_status[la.id] = "in_force"
                layers_changed = True
                self._log("news", f"{la.name} ({fmt_pct(self.layer_rate[la.id])}) takes "
                                  f"effect on {self.date_of(la.from_day)}.", phase="news")
        for ev in window.scheduled:
            self._log("news", f"{self.date_of(ev.day)}: {ev.news}", phase="news")
            self._fire(ev)
            layers_changed = layers_changed or ev.id in window.set_layer
        for ev in window.conditional:
            if (ev.repeat or ev.id not in self.fired) and self._condition_holds(ev):
                self._log("news", ev.news, phase="news")
                self._fire(ev)
                layers_changed = layers_changed or ev.id in window.set_layer
        for ev in window.chance:
            if self.fired.get(ev.id, 0) >= ev.max_times:
                continue
            self.rng_draws += 1
            if self.rng.random() < ev.probability:
                self._log("news", ev.news, phase="news")
                self._fire(ev)
                layers_changed = layers_changed or ev.id in window.set_layer
        if layers_changed:
            self._invalidate()

    def _condition_holds(self, ev: Event) -> bool:
        if ev.metric == "market_stress":
            value = self.stress
        elif ev.metric == "approval":
            value = self.approval[ev.player or ""]
        elif ev.metric == "credibility":
            value = self.credibility[ev.player or ""]
        else:
            value = self.relations[pair_key(ev.player or "", ev.partner or "")]
        if ev.at_least is not None and value < ev.at_least:
            return False
        return not (ev.at_most is not None and value > ev.at_most)

    def _fire(self, ev: Event) -> None:
        self.fired[ev.id] = self.fired.get(ev.id, 0) + 1
        for effect in ev.effects:
            self._effect(effect)

    def _effect(self, e: Effect) -> None:
        k = e.kind
        if k == "set_layer":
            assert e.layer is not None
            if e.rate is not None:
                self.layer_rate[e.layer] = e.rate
            if e.status is not None:
                self.layer_status[e.layer] = e.status
        elif k == "shift_approval":
            self.approval[e.player or ""] = clamp(self.approval[e.player or ""] + e.by)
        elif k == "shift_credibility":
            self.credibility[e.player or ""] = clamp(self.credibility[e.player or ""] + e.by)
        elif k == "shift_market_stress":
            self.stress = clamp(self.stress + e.by)
        elif k == "shift_relations":
            assert e.pair is not None
            key = pair_key(*e.pair)
            self.relations[key] = clamp(self.relations[key] + e.by)
        elif k == "schedule_talks":
            assert e.pair is not None
            self.event_talks.append((e.pair, e.level, e.requester))
        elif k == "cancel_talks":
            assert e.pair is not None
            key = pair_key(*e.pair)
            self.event_talks = [t for t in self.event_talks if pair_key(*t[0]) != key]
            self.requests = [r for r in self.requests if pair_key(r[0], r[1]) != key]
        elif k == "raise_stakes":
            assert e.pair is not None
            key = pair_key(*e.pair)
            self.stakes[key] = min(MAX_STAKES, self.stakes.get(key, 1.0) * e.factor)
        elif k == "add_item":
            self.available_items = self.available_items | {e.item or ""}
        elif k == "withdraw_item":
            self.available_items = self.available_items - {e.item or ""}

    def _open_talks(self) -> None:
        """Turn requests and scheduled talks into this round's sessions (capacity applies)."""
        rules = self.rules
        order: dict[str, int] = rules._index.get("player_order")  # type: ignore[assignment]
        if order is None:
            order = rules._index["player_order"] = {p: n for n, p in enumerate(self._ids)}
        wanted: dict[tuple[str, str], tuple[int, str, str]] = {}  # pair -> (rank, level, req)
        rank = 0
        for st in rules.scheduled_talks:
            if st.round == self.round:
                key = pair_key(*st.pair)
                if key not in wanted:
                    wanted[key] = (rank, st.level, st.requester or min(st.pair, key=order.get))
                    rank += 1
        for pair, level, requester in self.event_talks:
            key = pair_key(*pair)
            if key not in wanted:
                wanted[key] = (rank, level, requester or min(pair, key=order.get))
                rank += 1
        holder = rules.talk_capacity_holder
        # The capacity holder's own requests come first, in the order it made them.
        requests = sorted(self.requests, key=lambda r: (r[0] != holder, order[r[0]])) \
            if len(self.requests) > 1 else self.requests
        for requester, partner, level in requests:
            key = pair_key(requester, partner)
            if key in wanted:
                # Both sides asked: the one earlier in scenario order is the requester.
                _, lvl, req = wanted[key]
                if order[requester] < order[req] and not any(
                        pair_key(*s.pair) == key and s.round == self.round
                        for s in rules.scheduled_talks):
                    wanted[key] = (wanted[key][0], lvl, requester)
                continue
            wanted[key] = (rank, level, requester)
            rank += 1
        self.requests = []
        self.event_talks = []
        sessions: list[Session] = []
        held_by_holder = 0
        # In rank order: ranks are given in insertion order and an update keeps the rank.
        for key, (_, level, requester) in wanted.items():
            responder = key[1] if key[0] == requester else key[0]
            if holder is not None and holder in key and rules.talk_capacity is not None:
                if held_by_holder >= rules.talk_capacity:
                    self._log("talks", f"No time for {level} talks between {key[0]} and "
                                       f"{key[1]} this round: {holder} is at capacity.",
                              audience=key, phase="talks")
                    continue
                held_by_holder += 1
            lvl = rules.talk_level(level)
            stakes = lvl.stakes * self.stakes.get(key, 1.0)
            sessions.append(Session(pair=(requester, responder), requester=requester,
                                    responder=responder, level=level, stakes=stakes,
                                    max_exchanges=lvl.max_exchanges, turn=requester))
            self._log("talks", f"{requester} and {responder} hold {level} talks.", phase="talks")
        self.stakes = {}
        self.sessions = sessions
        self.session_index = 0
        self.phase = TALKS if sessions else ORDERS
        self.orders = {p: [] for p in self._ids}
        self.done = set()

    # ------------------------------------------------------------------ talks

    def _verify_talk(self, a: Action) -> None:
        s = self.sessions[self.session_index]
        if s.offer is None:
            if isinstance(a, Pass):
                return
            if isinstance(a, Propose):
                if a.partner != s.responder:
                    raise IllegalActionError(
                        f"talks this session are between {s.requester} and {s.responder}")
                self.check_terms(a.player, a.partner, a.terms)
                return
            raise IllegalActionError(
                f"{a.player} opens the {s.level} talks with {s.responder}: propose or pass")
        if isinstance(a, (Accept, Reject)):
            return
        if isinstance(a, Counter):
            if a.partner != s.offer_by:
                raise IllegalActionError(f"a counter goes back to {s.offer_by}")
            self.check_terms(a.player, a.partner, a.terms)
            if a.terms == s.offer:
                raise IllegalActionError("a counter must differ from the offer (accept it instead)")
            return
        raise IllegalActionError(
            f"{a.player} answers {s.offer_by}'s offer: accept, reject or counter")

    def check_terms(self, player: str, partner: str, terms: tuple[Term, ...]) -> None:
        """Raise unless ``terms`` form a valid deal between ``player`` and ``partner``."""
        rules = self.rules
        if partner not in rules.player_ids or partner == player:
            raise IllegalActionError(f"{partner!r} is not a partner of {player}")
        if not terms:
            raise IllegalActionError("a deal needs at least one term")
        if len(terms) > rules.limits.max_terms:
            raise IllegalActionError(
                f"a deal has at most {rules.limits.max_terms} terms (max_terms)")
        seen: set[str] = set()
        for t in terms:
            if not rules.has_item(t.item):
                raise IllegalActionError(f"unknown catalogue item {t.item!r}")
            if t.item in seen:
                raise IllegalActionError(f"item {t.item!r} appears twice in one deal")
            seen.add(t.item)
            item = rules.item(t.item)
            if t.item not in self.available_items:
                raise IllegalActionError(f"{item.name} ({t.item}) is not on the table now")
            if item.owner not in (player, partner):
                raise IllegalActionError(
                    f"{t.item} is {item.owner}'s to give, not part of {player}–{partner} talks")
            receiver = partner if item.owner == player else player
            if not item.can_go_to(receiver):
                raise IllegalActionError(f"{t.item} cannot be given to {receiver}")
            if item.level(t.value) is None:
                allowed = ", ".join(fmt_number(lv.value) for lv in item.levels)
                raise IllegalActionError(
                    f"{fmt_number(t.value)} is not a level of {t.item} (levels: {allowed})")
            if item.kind == "deadline_extension" and not self._extension_fits(int(t.value)):
                raise IllegalActionError(
                    f"an extension of {fmt_number(t.value)} days exceeds max_extension_days")

    def _apply_talk(self, a: Action) -> None:
        s = self.sessions[self.session_index]
        audience = s.pair
        if isinstance(a, Pass):
            s.status = "passed"
            self._log("talks", f"{a.player} made no proposal to {s.responder}.", audience)
        elif isinstance(a, (Propose, Counter)):
            if isinstance(a, Counter):
                self._log("talks", f"{a.player} counters: {terms_text(self.rules, a.terms)}",
                          audience)
            else:
                self._log("talks", f"{a.player} proposes: {terms_text(self.rules, a.terms)}",
                          audience)
            s.exchanges += 1
            s.offer, s.offer_by = a.terms, a.player
            if isinstance(a, Counter) and s.exchanges > s.max_exchanges:
                s.status = "lapsed"
                self._log("talks", f"{a.player}'s counter lapses: the {s.level} talks allow "
                                   f"{s.max_exchanges} exchanges.", audience)
            else:
                s.turn = a.partner
        elif isinstance(a, Accept):
            s.status = "agreed"
            assert s.offer is not None and s.offer_by is not None
            deal = Deal(id=f"d{len(self.deals) + 1}", parties=(s.offer_by, a.player),
                        terms=s.offer, round=self.round, level=s.level, stakes=s.stakes)
            self.deals.append(deal)
            self._log("talks", f"{a.player} accepts {s.offer_by}'s offer ({deal.id}); it goes "
                               f"to ratification at resolution.", audience)
            self._log("talks", f"{s.pair[0]} and {s.pair[1]} reached an agreement; details "
                               f"follow at resolution.")
        elif isinstance(a, Reject):
            s.status = "rejected"
            self._log("talks", f"{a.player} rejects {s.offer_by}'s offer.", audience)
        if s.status != "open":
            self.session_index += 1
            if self.session_index >= len(self.sessions):
                self.phase = ORDERS

    # ------------------------------------------------------------------ orders

    def _extension_fits(self, days: int) -> bool:
        c = self.rules.calendar
        left = c.max_extension_days - self.extension_days
        # Steps of extension_step_days; the last step may be shorter, to reach the maximum.
        return (0 < days <= left and (days % c.extension_step_days == 0 or days == left)
                and not self.snapped)

    def _verify_order(self, a: Action) -> None:
        rules = self.rules
        p = a.player
        if isinstance(a, Done):
            return
        pending = self.orders[p]
        if len(pending) >= rules.limits.max_orders:
            raise IllegalActionError(
                f"{p} has issued {rules.limits.max_orders} orders this round (max_orders): "
                f"only done is left")
        # The sampler's *_candidate_ok checks below repeat the rules that depend on the
        # state: keep them in step.
        if isinstance(a, SetTariff):
            ins = _tariff_instrument(rules, p, a.layer)
            if ins is None:
                raise IllegalActionError(f"{p} has no tariff instrument on layer {a.layer!r}")
            if not ins.min - RATE_EPS <= a.rate <= ins.max + RATE_EPS:
                raise IllegalActionError(
                    f"{a.layer} must stay within {fmt_pct(ins.min)}–{fmt_pct(ins.max)}")
            if not on_step(a.rate, ins.min, ins.max, rules.limits.tariff_step):
                raise IllegalActionError(
                    f"tariffs move in steps of {fmt_pct(rules.limits.tariff_step)} (tariff_step)")
            if self.layer_status[a.layer] == "in_force" and \
                    abs(self.layer_rate[a.layer] - a.rate) < RATE_EPS:
                raise IllegalActionError(f"{a.layer} is already in force at {fmt_pct(a.rate)}")
            for o in pending:
                if isinstance(o, SetTariff) and o.layer == a.layer:
                    raise IllegalActionError(f"{p} already set {a.layer} this round")
        elif isinstance(a, Countermeasure):
            if a.package not in _own_packages(rules, p):
                raise IllegalActionError(f"{a.package!r} is not one of {p}'s countermeasures")
            active = a.package in self.active_packages
            if a.activate == active:
                raise IllegalActionError(
                    f"{a.package} is already {'active' if active else 'suspended'}")
            for o in pending:
                if isinstance(o, Countermeasure) and o.package == a.package:
                    raise IllegalActionError(f"{p} already ordered {a.package} this round")
        elif isinstance(a, Concede):
            if len(a.terms) != 1:
                raise IllegalActionError("a unilateral concession is one catalogue item")
            self.check_terms(p, a.partner, a.terms)
            item = rules.item(a.terms[0].item)
            if item.owner != p:
                raise IllegalActionError(f"{p} can only concede its own items")
            if item.kind in ("process", "deadline_extension"):
                raise IllegalActionError(
                    f"a {item.kind.replace('_', ' ')} is agreed in talks, not conceded "
                    f"(the deadline holder extends with an order)")
            for o in pending:
                if isinstance(o, Concede) and o.terms[0].item == a.terms[0].item:
                    raise IllegalActionError(f"{p} already concedes {a.terms[0].item} this round")
            if any(d.unilateral and d.terms == a.terms and d.parties == (p, a.partner)
                   for d in self.deals_in_force(p)):
                raise IllegalActionError(f"{p} already grants {a.partner} exactly this concession")
        elif isinstance(a, Statement):
            self._verify_statement(a)
            for o in pending:
                if isinstance(o, Statement) and o.statement == a.statement \
                        and o.partner == a.partner:
                    raise IllegalActionError(f"{p} already made a {a.statement} statement "
                                             f"about {a.partner} this round")
        elif isinstance(a, RequestTalks):
            if a.partner not in self._ids or a.partner == p:
                raise IllegalActionError(f"{a.partner!r} is not a partner of {p}")
            if a.level not in TALK_LEVELS:
                raise IllegalActionError(f"talk level must be one of {', '.join(TALK_LEVELS)}")
            for o in pending:
                if isinstance(o, RequestTalks) and o.partner == a.partner:
                    raise IllegalActionError(f"{p} already requested talks with {a.partner}")
        elif isinstance(a, ExtendDeadline):
            if rules.deadline_holder != p:
                raise IllegalActionError(
                    f"only the deadline holder ({rules.deadline_holder}) can extend it")
            for o in pending:
                if isinstance(o, ExtendDeadline):
                    raise IllegalActionError("one extension per round")
            if not self._extension_fits(a.days):
                c = rules.calendar
                left = c.max_extension_days - self.extension_days
                if self.snapped:
                    raise IllegalActionError("the deadline has passed: it cannot be extended")
                raise IllegalActionError(
                    f"extensions come in steps of {c.extension_step_days} days (or all the "
                    f"{left} days left of max_extension_days)")
        elif isinstance(a, Renege):
            deal = self.deal(a.deal)
            if deal is None or deal.status != "in_force" or p not in deal.parties:
                raise IllegalActionError(f"{p} has no deal {a.deal!r} in force to renege on")
            if deal.unilateral and deal.parties[0] != p:
                raise IllegalActionError(f"{a.deal} is {deal.parties[0]}'s own concession")
            for o in pending:
                if isinstance(o, Renege) and o.deal == a.deal:
                    raise IllegalActionError(f"{p} already reneges on {a.deal}")
        else:
            raise IllegalActionError(
                f"{a.kind} is a talks move; now is the orders phase (orders or done)")

    # -- the sampler's checks of candidate orders
    #
    # The random agent draws many orders that are illegal now (most extension day counts do
    # not fit, a layer already set this round rejects every rate of it ...), and raising an
    # error is the dear part of rejecting one. The sampler draws only from the candidates of
    # LegalActions._order_candidates, which are built to pass every check that depends on
    # the scenario alone (instrument, range, step, ownership, levels), and only while the
    # player is below max_orders; for such an order each check below says whether
    # _verify_order accepts it now. Keep them in step with _verify_order:
    # tests/engine/test_fast_legality.py compares them on every candidate in random games.

    def _tariff_candidate_ok(self, a: SetTariff) -> bool:
        if self.layer_status[a.layer] == "in_force" and \
                abs(self.layer_rate[a.layer] - a.rate) < RATE_EPS:
            return False
        for o in self.orders[a.player]:
            if isinstance(o, SetTariff) and o.layer == a.layer:
                return False
        return True

    def _countermeasure_candidate_ok(self, a: Countermeasure) -> bool:
        if a.activate == (a.package in self.active_packages):
            return False
        for o in self.orders[a.player]:
            if isinstance(o, Countermeasure) and o.package == a.package:
                return False
        return True

    def _concession_candidate_ok(self, a: Concede) -> bool:
        item = a.terms[0].item
        if item not in self.available_items:
            return False
        for o in self.orders[a.player]:
            if isinstance(o, Concede) and o.terms[0].item == item:
                return False
        p = a.player
        for d in self.deals:
            if d.unilateral and d.status == "in_force" and d.terms == a.terms \
                    and d.parties == (p, a.partner):
                return False
        return True

    def _statement_candidate_ok(self, a: Statement) -> bool:
        if a.statement == "fact_check" and (a.player, a.subject) in self.fact_checked:
            return False
        for o in self.orders[a.player]:
            if isinstance(o, Statement) and o.statement == a.statement \
                    and o.partner == a.partner:
                return False
        return True

    def _talks_candidate_ok(self, a: RequestTalks) -> bool:
        for o in self.orders[a.player]:
            if isinstance(o, RequestTalks) and o.partner == a.partner:
                return False
        return True

    def _extension_candidate_ok(self, a: ExtendDeadline) -> bool:
        for o in self.orders[a.player]:
            if isinstance(o, ExtendDeadline):
                return False
        return self._extension_fits(a.days)

    def _renege_candidate_ok(self, a: Renege) -> bool:
        """For a renege on one of the player's deals in force (the sampler's candidates)."""
        deal = self.deal(a.deal)
        if deal is None or deal.status != "in_force" or a.player not in deal.parties:
            return False
        if deal.unilateral and deal.parties[0] != a.player:
            return False
        for o in self.orders[a.player]:
            if isinstance(o, Renege) and o.deal == a.deal:
                return False
        return True

    def _verify_statement(self, a: Statement) -> None:
        rules = self.rules
        p = a.player
        if a.statement not in STATEMENT_KINDS:
            raise IllegalActionError(
                f"a statement is one of {', '.join(STATEMENT_KINDS)}, not {a.statement!r}")
        if a.partner not in rules.player_ids or a.partner == p:
            raise IllegalActionError(f"{a.partner!r} is not a partner of {p}")
        kind = a.statement
        if kind in ("claim_progress", "reassure"):
            if a.subject:
                raise IllegalActionError(f"a {kind} statement takes no subject")
        elif kind == "fact_check":
            claim = next((c for c in rules.claims if c.id == a.subject), None)
            if claim is None or claim.by != a.partner:
                raise IllegalActionError(f"{a.partner} made no public claim {a.subject!r}")
            if (p, claim.id) in self.fact_checked:
                raise IllegalActionError(f"{p} already fact-checked {claim.id}")
        elif kind == "threat":
            packages = {c.id for c in rules.player(p).countermeasures
                        if c.target == a.partner}
            layers = {t.layer for t in rules.player(p).tariffs
                      if rules.layer(t.layer).exporter in (a.partner, "all")}
            if a.subject not in packages | layers:
                raise IllegalActionError(
                    f"a threat names one of {p}'s countermeasures or tariffs against {a.partner}")
        elif kind == "public_demand":
            try:
                term = Term.parse(a.subject)
            except ValueError:
                raise IllegalActionError("a public demand names a term item=level") from None
            if not rules.has_item(term.item):
                raise IllegalActionError(f"unknown catalogue item {term.item!r}")
            item = rules.item(term.item)
            if item.owner != a.partner or not item.can_go_to(p) or item.level(term.value) is None:
                raise IllegalActionError(
                    f"a public demand names a level of an item {a.partner} can give {p}")

    def _apply_order(self, a: Action) -> None:
        if isinstance(a, Done):
            self.done.add(a.player)
            if len(self.done) == len(self.rules.players):
                self._resolve()
            return
        self.orders[a.player].append(a)

    # ------------------------------------------------------------------ resolution

    def _resolve(self) -> None:
        rules = self.rules
        self.phase = "resolution"
        raised_against: set[tuple[str, str]] = set()  # (raiser, victim)
        # Only these orders can raise a rate; skip the before/after comparison otherwise.
        movers = {p for p, orders in self.orders.items()
                  if any(isinstance(o, (SetTariff, Countermeasure, Renege)) for o in orders)}
        before = self._current_rates() if movers else []
        for p in self._ids:
            for order in self.orders[p]:
                self._resolve_order(order, raised_against)
        if movers:
            # Tariffs and countermeasures change rates, not terms; orders that change deals
            # (concessions, reneges) invalidate everything themselves.
            self._rates = self._snap = None
            after = self._current_rates()
            # A rise counts against the importer only if it moved this round: a cap voided
            # by the partner's renege is not the importer raising its tariff.
            for mover in movers:
                for index, pair in _import_cells(rules, mover):
                    if after[index] > before[index] + RATE_EPS:
                        raised_against.add(pair)
            self._check_caps_kept()
        for raiser, victim in sorted(raised_against):
            key = pair_key(raiser, victim)
            self.relations[key] = clamp(self.relations[key] - rules.politics.tariff_raise_relations)
        if any(d.status == "agreed" for d in self.deals):
            self._ratify()  # each deal entering or leaving force invalidates what it moves
        # Economy over the round's days.
        snap = self.snapshot()
        days = rules.calendar.round_days
        self._accumulate(snap, days)
        self.day += days
        if not self.snapped and self.day > self.deadline_day:
            self._snap_back(raised_against)
        self._politics(snap, raised_against)
        self._market_stress(snap)
        self._check_finite()
        if not self.what_if_mode:  # projections need neither charts nor hashes
            self._record_history(snap)
            self._round_states.append(self._state_capture())
        if self.day > self.final_day or self._settled():
            self.phase = OVER
            self.orders = {p: [] for p in rules.player_ids}
            self._log("end", "The game is over.", phase="end")
            return
        self.round += 1
        self._begin_round()

    def _check_finite(self) -> None:
        """Refuse a non-finite number where the round's computations enter the state (the
        ledger, politics, market stress): one sum of everything, searched only if it is not
        finite (inf and NaN carry through a sum)."""
        led = self.ledger
        total = (sum(self.approval.values()) + sum(self.credibility.values())
                 + sum(self.relations.values()) + self.stress + sum(led.flow_rate)
                 + sum(led.flow_value) + sum(sum(v.values()) for v in led.player.values()))
        if math.isfinite(total):
            return
        named: list[tuple[str, float]] = [("market stress", self.stress)]
        for what, table in (("approval", self.approval), ("credibility", self.credibility)):
            named += [(f"{what} of {p}", v) for p, v in table.items()]
        named += [(f"relations of {a}-{b}", v) for (a, b), v in self.relations.items()]
        for p, sums in led.player.items():
            named += [(f"{key} of {p}", v) for key, v in sums.items()]
        cells = eco.compile_rules(self.rules).cells
        for what, values in (("tariff", led.flow_rate), ("trade value", led.flow_value)):
            named += [(f"{what} of {c.exporter}->{c.importer} {c.sector}", values[c.index])
                      for c in cells]
        what, value = next(((w, v) for w, v in named if not math.isfinite(v)),
                           ("a sum of the state", total))
        raise NonFiniteError(
            f"round {self.round}: the {what} became {value} (not a finite number); the "
            f"scenario's numbers are beyond what the economy model can compute")

    def _resolve_order(self, a: Action, raised_against: set[tuple[str, str]]) -> None:
        rules = self.rules
        pol = rules.politics
        p = a.player
        if isinstance(a, SetTariff):
            layer = rules.layer(a.layer)
            self.layer_rate[a.layer] = a.rate
            self.layer_status[a.layer] = "in_force"
            self._log("order", f"{p} sets {layer.name} to {fmt_pct(a.rate)}.")
        elif isinstance(a, Countermeasure):
            pkg = rules.package(a.package)
            if a.activate:
                self.active_packages.add(a.package)
                key = pair_key(p, pkg.target)
                self.relations[key] = clamp(self.relations[key] - pol.countermeasure_relations)
                raised_against.add((p, pkg.target))
                self._log("order", f"{p} activates its countermeasures: {pkg.name}.")
                for deal in self.deals_in_force(p):
                    for t in deal.terms:
                        item = rules.item(t.item)
                        if item.kind == "suspend_countermeasures" and item.package == a.package \
                                and item.owner == p:
                            self._void(deal, p, "activating suspended countermeasures")
                            break
            else:
                self.active_packages.discard(a.package)
                self._log("order", f"{p} suspends its countermeasures: {pkg.name}.")
        elif isinstance(a, Concede):
            term = a.terms[0]
            item = rules.item(term.item)
            for old in self.deals:
                if old.unilateral and old.status == "in_force" and old.parties == (p, a.partner) \
                        and old.terms[0].item == term.item:
                    old.status = "superseded"  # a new level of the same concession replaces it
            deal = Deal(id=f"d{len(self.deals) + 1}", parties=(p, a.partner), terms=a.terms,
                        round=self.round, level="unilateral", stakes=1.0, status="in_force",
                        unilateral=True)
            self.deals.append(deal)
            self._take_effect(deal)
            key = pair_key(p, a.partner)
            self.relations[key] = clamp(self.relations[key] + pol.goodwill_relations)
            self.credibility[p] = clamp(self.credibility[p] + pol.goodwill_credibility)
            lv = item.level(term.value)
            assert lv is not None
            self.approval[p] = clamp(self.approval[p] - pol.concession_weight * lv.cost)
            self.approval[a.partner] = clamp(self.approval[a.partner]
                                             + pol.concession_weight * lv.gain)
            self._log("order", f"{p} concedes to {a.partner}: {term_text(rules, term)} "
                               f"({deal.id}).")
        elif isinstance(a, Statement):
            self._statement(a)
        elif isinstance(a, RequestTalks):
            self.requests.append((p, a.partner, a.level))
            self._log("order", f"{p} requests {a.level} talks with {a.partner}.")
        elif isinstance(a, ExtendDeadline):
            self.deadline_day += a.days
            self.extension_days += a.days
            self.credibility[p] = clamp(self.credibility[p] - pol.extension_credibility)
            self.stress = clamp(self.stress - rules.market_stress.extension_relief)
            self._log("order", f"{p} extends the deadline by {a.days} days to "
                               f"{self.date_of(self.deadline_day)}.")
        elif isinstance(a, Renege):
            deal = self.deal(a.deal)
            assert deal is not None
            self._void(deal, p, "an explicit renege")

    def _void(self, deal: Deal, reneger: str, how: str) -> None:
        pol = self.rules.politics
        # Both parties can renege in the same resolution; each pays for its own renege.
        same_time = deal.status == "reneged" and deal.ended_round == self.round \
            and deal.ended_by != reneger
        if deal.status != "in_force" and not same_time:
            return
        if not same_time:
            deal.status = "reneged"
            deal.ended_by = reneger
            deal.ended_round = self.round
        deal.reneged_by = (*deal.reneged_by, reneger)
        self.credibility[reneger] = clamp(self.credibility[reneger] - pol.renege_credibility)
        other = deal.other(reneger)
        key = pair_key(reneger, other)
        self.relations[key] = clamp(self.relations[key] - pol.renege_relations)
        self._log("renege", f"{reneger} reneges on {deal.id} with {other} ({how}); its terms "
                            f"are void for both sides.")
        self._deal_changed(deal)

    def _check_caps_kept(self) -> None:
        """A SetTariff above an agreed cap is an implicit renege (DESIGN §3.9)."""
        rules = self.rules
        for deal in self.deals_in_force():
            for t in deal.terms:
                item = rules.item(t.item)
                if item.kind != "tariff_cap":
                    continue
                importer, exporter = item.owner, deal.other(item.owner)
                if not self.orders[importer]:
                    continue  # no order of the importer this round: nothing it raised
                for cell in _pair_cells(rules, importer, exporter):
                    # Cheapest test first; the layered rate is a full rate computation.
                    if item.covers_sector(cell.sector) \
                            and self._raised_this_round(importer, cell) \
                            and self.layered_rate(cell) > t.value + RATE_EPS:
                        self._void(deal, importer, f"a tariff above the agreed "
                                                   f"{fmt_pct(t.value)} cap")
                        break
                if deal.status != "in_force":
                    break

    def _raised_this_round(self, importer: str, cell: eco.FlowCell) -> bool:
        for order in self.orders[importer]:
            if isinstance(order, SetTariff) and order.layer in cell.layers:
                return True
            if isinstance(order, Countermeasure) and order.activate:
                pkg = self.rules.package(order.package)
                if pkg.target == cell.exporter and any(s == cell.sector for s, _ in pkg.tariffs):
                    return True
        return False

    def layered_rate(self, cell: eco.FlowCell) -> float:
        """The cell's rate from layers and countermeasures, before deal caps."""
        no_caps = eco.TermIndex(cuts=self.terms().cuts)
        return eco.effective_rate(cell, self.layer_rate, self.layer_status, self.layer_info,
                                  self.active_packages, eco.compile_rules(self.rules), no_caps)

    def _ratify(self) -> None:
        """Deals agreed this round face ratification, then enter force (DESIGN §3.4)."""
        rules = self.rules
        pol = rules.politics
        for deal in [d for d in self.deals if d.status == "agreed"]:
            failed_by = None
            for party in deal.parties:
                rat = rules.player(party).ratification
                if rat is None:
                    continue
                cost = self.political_cost(deal, party)
                limit = rat.win_set(self.approval[party])
                if cost > limit and not (self.what_if_mode and party != self._what_if_player):
                    failed_by = party
                    self._log("ratification",
                              f"{rat.body} refuses to ratify {deal.id}: its political cost "
                              f"({cost:.1f}) exceeds what {party} can pass ({limit:.1f}).",
                              audience=[party])
                    self._log("ratification", f"{deal.id} between {deal.parties[0]} and "
                                              f"{deal.parties[1]} fails ratification in "
                                              f"{party} and lapses.")
                    break
            if failed_by is not None:
                deal.status = "failed"
                deal.ended_by = failed_by
                self.approval[failed_by] = clamp(self.approval[failed_by]
                                                 - pol.ratification_failure_approval)
                self.credibility[failed_by] = clamp(self.credibility[failed_by]
                                                    - pol.ratification_failure_credibility)
                continue
            # A substantive deal replaces the pair's previous one; a process-only agreement
            # (no economic effect) leaves it in force.
            if self.is_substantive(deal):
                for old in self.deals_in_force():
                    if not old.unilateral and set(old.parties) == set(deal.parties) \
                            and self.is_substantive(old):
                        old.status = "superseded"
                        old.ended_by = None
                        self._deal_changed(old)
            deal.status = "in_force"
            self._take_effect(deal)
            self._deal_politics(deal)
            self._log("deal", f"{deal.id} between {deal.parties[0]} and {deal.parties[1]} "
                              f"enters force: {terms_text(rules, deal.terms)}.")

    def is_substantive(self, deal: Deal) -> bool:
        """Whether ``deal`` has economic terms (not only a process agreement)."""
        return any(self.rules.item(t.item).kind != "process" for t in deal.terms)

    def political_cost(self, deal: Deal, party: str) -> float:
        """Cost of what ``party`` gives minus the gain of what it gets (political points)."""
        total = 0.0
        for t in deal.terms:
            item = self.rules.item(t.item)
            lv = item.level(t.value)
            assert lv is not None
            total += lv.cost if item.owner == party else -lv.gain
        return total

    def _deal_politics(self, deal: Deal) -> None:
        rules = self.rules
        pol = rules.politics
        a, b = deal.parties
        substantive = any(rules.item(t.item).kind != "process" for t in deal.terms)
        for party in deal.parties:
            net = -self.political_cost(deal, party)
            self.approval[party] = clamp(self.approval[party]
                                         + pol.concession_weight * deal.stakes * net)
            self.credibility[party] = clamp(self.credibility[party] + pol.deal_credibility)
        key = pair_key(a, b)
        bonus = pol.deal_relations if substantive else pol.deal_relations / 4
        self.relations[key] = clamp(self.relations[key] + bonus)
        if rules.market_stress_player in deal.parties and substantive:
            self.stress = clamp(self.stress - rules.market_stress.deal_relief)
        # Precedent: the setter's first capped deal sets the reference for later partners.
        setter = rules.precedent_setter
        if setter in deal.parties:
            caps = [t.value for t in deal.terms if rules.item(t.item).owner == setter
                    and rules.item(t.item).kind == "tariff_cap"
                    and rules.item(t.item).sectors is None]
            if caps:
                cap = min(caps)
                partner = deal.other(setter)
                if self.precedent is None:
                    self.precedent = cap
                    self._log("precedent", f"{partner}'s deal sets the precedent: a "
                                           f"{fmt_pct(cap)} cap.")
                else:
                    shift = rules.politics.precedent_weight * (self.precedent - cap)
                    self.approval[partner] = clamp(self.approval[partner] + shift)
                    word = "better than" if cap < self.precedent else "worse than" \
                        if cap > self.precedent else "level with"
                    self._log("precedent", f"{partner} settles {word} the precedent "
                                           f"({fmt_pct(cap)} against {fmt_pct(self.precedent)}).")
        # Public demands: settling for less than you demanded costs approval.
        for pl in self.pledges:
            if pl.kind == "public_demand" and not pl.settled and pl.speaker in deal.parties \
                    and pl.partner in deal.parties and substantive:
                want = Term.parse(pl.subject)
                got = next((t.value for t in deal.terms if t.item == want.item), None)
                pl.settled = True
                if got is None or not _at_least_as_good(rules.item(want.item), got, want.value):
                    self.approval[pl.speaker] = clamp(
                        self.approval[pl.speaker] - pol.statements.public_demand_penalty)
                    self._log("statement", f"{pl.speaker} settles for less than its public "
                                           f"demand ({term_text(rules, want)}).")

    def _take_effect(self, deal: Deal) -> None:
        """One-off effects of terms entering force (economic effects are read continuously)."""
        rules = self.rules
        packages = False  # whether a package was suspended (that moves rates too)
        for t in deal.terms:
            item = rules.item(t.item)
            if item.kind == "suspend_countermeasures" and item.package in self.active_packages:
                self.active_packages.discard(item.package)
                packages = True
                self._log("deal", f"{item.owner} suspends {rules.package(item.package).name}.")
            elif item.kind == "deadline_extension" and self._extension_fits(int(t.value)):
                self.deadline_day += int(t.value)
                self.extension_days += int(t.value)
                self.stress = clamp(self.stress - rules.market_stress.extension_relief)
                self._log("deal", f"The deadline moves to {self.date_of(self.deadline_day)}.")
            elif item.kind == "debt_swap":
                relief = item.stress_relief_per_100bn * t.value / 100.0
                self.stress = clamp(self.stress - relief)
            elif item.kind == "process":
                self.event_talks.append((deal.parties, item.talk_level, None))
        if packages:
            self._invalidate()
        else:
            self._deal_changed(deal)

    def _statement(self, a: Statement) -> None:
        rules = self.rules
        st = rules.politics.statements
        p = a.player
        kind = a.statement
        if kind == "claim_progress":
            self.approval[p] = clamp(self.approval[p] + st.claim_progress_approval)
            self.pledges.append(Pledge(kind, p, a.partner, "", self.round,
                                       due=self.round + st.claim_progress_rounds))
            self._log("statement", f"{p} claims progress in its talks with {a.partner}.")
        elif kind == "public_demand":
            self.approval[p] = clamp(self.approval[p] + st.public_demand_approval)
            self.pledges.append(Pledge(kind, p, a.partner, a.subject, self.round))
            self._log("statement", f"{p} publicly demands from {a.partner}: "
                                   f"{term_text(rules, Term.parse(a.subject))}.")
        elif kind == "threat":
            self.approval[p] = clamp(self.approval[p] + st.threat_approval)
            self.pledges.append(Pledge(kind, p, a.partner, a.subject, self.round))
            self._log("statement", f"{p} threatens {a.partner}: {self._subject_name(a.subject)} "
                                   f"if {a.partner} escalates or no deal is reached.")
        elif kind == "reassure":
            key = pair_key(p, a.partner)
            self.relations[key] = clamp(self.relations[key] + st.reassure_relations)
            self._log("statement", f"{p} reassures {a.partner}.")
        elif kind == "fact_check":
            claim = rules.claim(a.subject)
            self.fact_checked.add((p, claim.id))
            loser = claim.by if not claim.accurate else p
            self.credibility[loser] = clamp(self.credibility[loser] - st.fact_check_credibility)
            verdict = "false" if not claim.accurate else "accurate after all"
            self._log("statement", f"{p} fact-checks {claim.by}'s claim \"{claim.text}\": "
                                   f"it is {verdict}; {loser} loses credibility.")

    def _subject_name(self, subject: str) -> str:
        rules = self.rules
        if any(la.id == subject for la in rules.layers):
            return rules.layer(subject).name
        try:
            return rules.package(subject).name
        except KeyError:
            return subject

    def _snap_back(self, raised_against: set[tuple[str, str]]) -> None:
        self.snapped = True
        before = self._current_rates()
        snapped = []
        for la in self.rules.layers:
            if self.layer_status[la.id] == "paused":
                self.layer_status[la.id] = "in_force"
                snapped.append(la)
        self._invalidate()
        after = self._current_rates()
        for cell, old, new in zip(eco.compile_rules(self.rules).cells, before, after,
                                  strict=True):
            if new > old + RATE_EPS:
                raised_against.add(cell.pair)
        if snapped:
            names = "; ".join(f"{la.name} {fmt_pct(self.layer_rate[la.id])}" for la in snapped)
            self._log("deadline", f"The deadline has passed: paused tariffs snap back ({names}); "
                                  f"caps in deals still bound them.")
        else:
            self._log("deadline", "The deadline has passed.")

    def _politics(self, snap: eco.Snapshot, raised_against: set[tuple[str, str]]) -> None:
        rules = self.rules
        pol = rules.politics
        st = pol.statements
        holder = rules.market_stress_player
        for p in rules.players:
            pid = p.id
            delta = -pol.pain_weight * snap.pain_pct[pid]
            if pid == holder:
                delta -= rules.market_stress.approval_weight * max(0.0, self.stress - 50.0)
            delta += pol.approval_drift * (p.approval - self.approval[pid])
            self.approval[pid] = clamp(self.approval[pid] + delta)
        for pl in self.pledges:
            if pl.settled:
                continue
            if pl.kind == "claim_progress":
                if any(pl.partner in d.parties and not d.unilateral
                       for d in self.deals_in_force(pl.speaker)):
                    pl.settled = True
                elif self.round >= pl.due:
                    pl.settled = True
                    self.credibility[pl.speaker] = clamp(self.credibility[pl.speaker]
                                                         - st.claim_progress_credibility)
                    self._log("statement", f"{pl.speaker} claimed progress with {pl.partner}, "
                                           f"but no deal followed: it loses credibility.")
            elif pl.kind == "threat":
                settled_by_deal = any(pl.partner in d.parties and not d.unilateral
                                      and self.is_substantive(d)
                                      for d in self.deals_in_force(pl.speaker))
                if pl.triggered and pl.trigger == "no_deal" and settled_by_deal:
                    pl.settled = True  # the deal the threat pressed for came in time
                    continue
                if not pl.triggered:
                    no_deal = self.snapped and not settled_by_deal
                    if (pl.partner, pl.speaker) in raised_against or no_deal:
                        pl.triggered = self.round
                        pl.trigger = "no_deal" if no_deal else "escalation"
                        self._log("statement", f"{pl.speaker}'s threat against {pl.partner} "
                                               f"is put to the test.")
                elif self._threat_carried_out(pl):
                    pl.settled = True
                    self.credibility[pl.speaker] = clamp(self.credibility[pl.speaker] + 2.0)
                    self._log("statement", f"{pl.speaker} carries out its threat.")
                elif self.round > pl.triggered:
                    pl.settled = True
                    self.credibility[pl.speaker] = clamp(self.credibility[pl.speaker]
                                                         - st.threat_credibility)
                    self._log("statement", f"{pl.speaker} did not carry out its threat against "
                                           f"{pl.partner}: it loses credibility.")

    def _threat_carried_out(self, pl: Pledge) -> bool:
        if pl.subject in self.active_packages:
            return True
        return any(isinstance(o, SetTariff) and o.layer == pl.subject
                   for o in self.orders[pl.speaker])

    def _market_stress(self, snap: eco.Snapshot) -> None:
        ms = self.rules.market_stress
        if self.rules.market_stress_player is None:
            return
        applied, faced = eco.stress_pressure(self.rules, snap)
        target = ms.floor + ms.tariff_weight * applied + ms.retaliation_weight * faced
        for p in self.rules.players:
            for c in p.countermeasures:
                if c.id in self.active_packages:
                    target += c.market_stress
        self.stress = clamp(self.stress + ms.decay * (target - self.stress))

    def _settled(self) -> bool:
        if not self.rules.calendar.end_when_settled:
            return False
        pairs = self.negotiating_pairs()
        settled = {pair_key(*d.parties) for d in self.deals_in_force() if not d.unilateral
                   and any(self.rules.item(t.item).kind != "process" for t in d.terms)}
        return bool(pairs) and pairs <= settled

    def negotiating_pairs(self) -> set[tuple[str, str]]:
        """Pairs with something in the catalogue to give each other."""
        out = set()
        ids = self.rules.player_ids
        for item in self.rules.items:
            for other in ids:
                if item.can_go_to(other):
                    out.add(pair_key(item.owner, other))
        return out

    # ------------------------------------------------------------------ economy access

    def _invalidate(self, rates: bool = True) -> None:
        """Forget the term index and snapshot, and the rates unless ``rates`` is False."""
        self._in_force = None
        self._snap = None
        self._terms = None
        if rates:
            self._rates = None
            self._rate_deals = None

    def _deal_changed(self, deal: Deal) -> None:
        """``deal`` entered or left force: rates move only if it bounds tariffs."""
        self._invalidate(rates=eco.changes_rates(self.rules, deal))

    def terms(self) -> eco.TermIndex:
        # Pledges are discounted by their giver's credibility, so the index also depends on
        # the credibility of its pledgers (and of nobody else).
        terms = self._terms
        if terms is not None:
            if not terms.pledgers:
                return terms
            credibility = self.credibility
            if self._terms_key == tuple(credibility[p] for p in terms.pledgers):
                return terms
        terms = self._terms = eco.index_terms(self.rules, self.deals_in_force(),
                                              self.credibility)
        self._terms_key = tuple(self.credibility[p] for p in terms.pledgers)
        return terms

    def rates(self) -> list[float]:
        """The effective (all-in) tariff of every flow cell now (a fresh list)."""
        return list(self._current_rates())

    def _current_rates(self) -> tuple[float, ...]:
        """The rates of :meth:`rates`, shared (with the cache too): never change them."""
        if self._rates is None:
            # Projections come back to the same states again and again (play rarely does):
            # there, the rates of a state seen before -- by any projection of these rules --
            # are reused. They are a function of the layers, the active packages and the
            # deals in force that bound tariffs only (not of credibility).
            cache: dict[Any, tuple[float, ...]] | None = None
            key: tuple[Any, ...] = ()
            if self.what_if_mode:
                deals = self._rate_deals
                if deals is None:
                    # Plain tuples (parties, ((item, level), ...)): they hash fast.
                    deals = self._rate_deals = tuple(
                        (d.parties, tuple((t.item, t.value) for t in d.terms))
                        for d in self.deals
                        if d.status == "in_force" and eco.changes_rates(self.rules, d))
                key = (tuple(self.layer_rate.values()), tuple(self.layer_status.values()),
                       frozenset(self.active_packages), deals)
                cache = self.rules._index.setdefault("rates_cache", {})  # type: ignore[assignment]
                rates = cache.get(key)  # type: ignore[union-attr]
                if rates is not None:
                    self._rates = rates
                    return rates
            # A tuple: shared values nobody can change (and that the collector skips).
            rates = tuple(eco.all_rates(eco.compile_rules(self.rules), self.layer_rate,
                                        self.layer_status, self.active_packages,
                                        self.terms()))
            if cache is not None:
                if len(cache) >= RATES_CACHE_SIZE:
                    cache.clear()  # bounded; a miss only costs the computation
                cache[key] = rates
            self._rates = rates
        return self._rates

    def snapshot(self) -> eco.Snapshot:
        """The economy at the current tariffs and terms (annual rates)."""
        terms = self.terms()
        if self._snap is None or self._snap_terms is not terms:
            self._snap = eco.snapshot(self.rules, self._current_rates(), terms,
                                      self.active_packages)
            self._snap_terms = terms
        return self._snap

    def _accumulate(self, snap: eco.Snapshot, days: int) -> None:
        led = self.ledger
        led.days += days
        for pid, sums in led.player.items():
            sums["gdp_bn"] += snap.gdp_bn[pid] * days
            sums["gdp_pct"] += snap.gdp_pct[pid] * days
            sums["revenue"] += snap.revenue[pid] * days
            sums["consumer_cost"] += snap.consumer_cost[pid] * days
            sums["investment_received"] += snap.investment_received[pid] * days
            sums["purchases_received"] += snap.purchases_received[pid] * days
            sums["cost_sharing_received"] += snap.cost_sharing_received[pid] * days
        led.flow_rate = [total + rate * days for total, rate in zip(led.flow_rate, snap.rate,
                                                                    strict=True)]
        led.flow_value = [total + value * days for total, value in zip(led.flow_value,
                                                                       snap.value, strict=True)]

    def _record_history(self, snap: eco.Snapshot) -> None:
        # The snapshot is never changed once made, so keeping it is keeping the values.
        self._history.append((self.round, self.day, dict(self.approval),
                              dict(self.credibility), self.stress, snap))

    @property
    def history(self) -> list[dict[str, Any]]:
        """One record per resolved round (approval, GDP, balance, tariffs faced ...)."""
        records = self._history
        ids = self._ids
        for n, record in enumerate(records):
            if isinstance(record, tuple):
                round_, day, approval, credibility, stress, snap = record
                records[n] = {
                    "round": round_,
                    "day": day,
                    "date": self.date_of(day),
                    "approval": approval,
                    "credibility": credibility,
                    "market_stress": stress,
                    "gdp_pct": {p: round(v, 6) for p, v in snap.gdp_pct.items()},
                    "balance": {p: round(self.balance(p, snap=snap), 6) for p in ids},
                    "tariff_faced": {p: round(self.tariff_faced_now(p, snap), 6) for p in ids},
                }
        return records  # type: ignore[return-value]

    def balance(self, player: str, partner: str | None = None,
                snap: eco.Snapshot | None = None) -> float:
        """Current annual goods balance ($bn/yr) of ``player`` (with ``partner``)."""
        snap = snap or self.snapshot()
        value = snap.value
        total = 0.0
        if partner is None:
            # The common case (history, every round): the player's cells, pre-indexed in
            # cell order so the sum is the same float as the full scan's.
            for index, exported in _trade_cells(self.rules, player):
                if exported:
                    total += value[index]
                else:
                    total -= value[index]
            return total
        for cell in eco.compile_rules(self.rules).cells:
            if cell.exporter == player and partner in (None, cell.importer):
                total += value[cell.index]
            elif cell.importer == player and partner in (None, cell.exporter):
                total -= value[cell.index]
        return total

    def tariff_faced_now(self, player: str, snap: eco.Snapshot | None = None,
                         partner: str | None = None, sector: str | None = None) -> float:
        """Trade-weighted (base flows) tariff on ``player``'s exports now."""
        snap = snap or self.snapshot()
        num = den = 0.0
        if partner is None and sector is None:
            # The common case: the player's export cells, pre-indexed in cell order.
            rate = snap.rate
            for cell in _export_cells(self.rules, player):
                num += rate[cell.index] * cell.v0
                den += cell.v0
            return num / den if den else 0.0
        for cell in eco.compile_rules(self.rules).cells:
            if cell.exporter == player and partner in (None, cell.importer) \
                    and sector in (None, cell.sector):
                num += snap.rate[cell.index] * cell.v0
                den += cell.v0
        return num / den if den else 0.0

    # ------------------------------------------------------------------ hashing

    @property
    def round_hashes(self) -> list[str]:
        """The state hash at the end of each resolved round (computed when first asked)."""
        states = self._round_states
        for n, state in enumerate(states):
            if not isinstance(state, str):
                states[n] = _hash_json(_state_dict(state))
        return list(states)  # type: ignore[arg-type]

    def state_json(self) -> dict[str, Any]:
        """A canonical JSON form of the whole state (the basis of :meth:`state_hash`)."""
        return _state_dict(self._state_capture())

    def _state_capture(self) -> dict[str, Any]:
        """Everything :meth:`state_json` shows, as values no later move changes.

        Taken at the end of every round for :attr:`round_hashes`; the JSON (sorting, text
        keys, nested dicts) is only built by :func:`_state_dict` when a hash is asked for.
        Mutable parts are copied (deals: their changing fields; sessions end with the round).
        """
        return {
            "scenario": self.rules.id,
            "seed": self.seed,
            "round": self.round,
            "day": self.day,
            "phase": self.phase,
            "deadline_day": self.deadline_day,
            "snapped": self.snapped,
            "layer_rate": self.layer_rate.copy(),
            "layer_status": self.layer_status.copy(),
            "packages": tuple(self.active_packages),
            "items": self.available_items,
            "approval": self.approval.copy(),
            "credibility": self.credibility.copy(),
            "relations": self.relations.copy(),
            "market_stress": self.stress,
            # Flat tuples: one object a round for the collector, not one per deal or pledge.
            "deals": (tuple(self.deals), tuple(_chain(map(_DEAL_STATE, self.deals)))),
            "sessions": tuple(self.sessions),  # not changed once their round has ended
            "session_index": self.session_index,
            "orders": tuple(_chain(self.orders.items())),  # the round's lists (new next round)
            "done": tuple(self.done),
            "requests": tuple(self.requests),
            "pledges": tuple(_chain(map(_PLEDGE_STATE, self.pledges))),
            "precedent": self.precedent,
            "fired": self.fired.copy(),
            "ledger_days": self.ledger.days,
            "ledger_player": {p: v.copy() for p, v in self.ledger.player.items()},
            "flow_rate": self.ledger.flow_rate,  # replaced each round, never changed
            "flow_value": self.ledger.flow_value,
            "extension_days": self.extension_days,
            "event_talks": tuple(self.event_talks),
            "stakes": self.stakes.copy(),
            "fact_checked": tuple(self.fact_checked),
            "actions": len(self.actions),
            "rng_draws": self.rng_draws,
        }

    def state_hash(self) -> str:
        """sha256 of the canonical state JSON (stable across processes and platforms)."""
        return _hash_json(self.state_json())

    _what_if_player: str | None = None


# ---------------------------------------------------------------------- helpers

_LegalActions: Any = None  # tradegame.engine.legal.LegalActions, once first needed
_new_tuple = tuple.__new__


def _tariff_instrument(rules: Rules, player: str, layer: str) -> Any:
    """``player``'s tariff instrument on ``layer`` (None if it has none); cached per rules."""
    table = rules._index.get("tariff_instruments")
    if table is None:
        table = {}
        for pl in rules.players:
            for t in reversed(pl.tariffs):  # the first instrument on a layer wins, as next()
                table[(pl.id, t.layer)] = t
        rules._index["tariff_instruments"] = table
    return table.get((player, layer))  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class _NewsWindow:
    """What can happen in the news of a round of days first..last (scenario order)."""

    layers: tuple[Any, ...]  # layers due to take effect (if still inactive)
    scheduled: tuple[Event, ...]  # scheduled events dated in the window
    conditional: tuple[Event, ...]  # every conditional event
    chance: tuple[Event, ...]  # random events whose date range meets the window
    set_layer: frozenset[str]  # ids of events with a set_layer effect


def _news_window(rules: Rules, first: int, last: int) -> _NewsWindow:
    """The news of a round window, from the scenario alone; cached per rules and window."""
    windows: dict[tuple[int, int], _NewsWindow] = rules._index.setdefault(  # type: ignore[assignment]
        "news_windows", {})
    window = windows.get((first, last))
    if window is None:
        start = rules.calendar.start_day
        window = windows[(first, last)] = _NewsWindow(
            layers=tuple(la for la in rules.layers
                         if la.from_day is not None and first <= la.from_day <= last
                         and la.status == "in_force" and la.from_day > start),
            scheduled=tuple(ev for ev in rules.events if ev.trigger == "scheduled"
                            and ev.day is not None and first <= ev.day <= last),
            conditional=tuple(ev for ev in rules.events if ev.trigger == "conditional"),
            chance=tuple(ev for ev in rules.events if ev.trigger == "random"
                         and (ev.from_day is None or last >= ev.from_day)
                         and (ev.until_day is None or first <= ev.until_day)),
            set_layer=frozenset(ev.id for ev in rules.events
                                if any(e.kind == "set_layer" for e in ev.effects)))
    return window


def _pair_cells(rules: Rules, importer: str, exporter: str) -> list[eco.FlowCell]:
    """The flow cells from ``exporter`` to ``importer``, in cell order."""
    key = f"pair_cells:{importer}:{exporter}"
    cells = rules._index.get(key)
    if cells is None:
        cells = rules._index[key] = [c for c in eco.compile_rules(rules).cells
                                     if c.importer == importer and c.exporter == exporter]
    return cells  # type: ignore[return-value]


def _import_cells(rules: Rules, player: str) -> list[tuple[int, tuple[str, str]]]:
    """(cell index, (importer, exporter)) of the flow cells ``player`` imports in."""
    key = "import_cells:" + player
    cells = rules._index.get(key)
    if cells is None:
        cells = rules._index[key] = [(c.index, c.pair) for c in eco.compile_rules(rules).cells
                                     if c.importer == player]
    return cells  # type: ignore[return-value]


def _trade_cells(rules: Rules, player: str) -> list[tuple[int, bool]]:
    """(cell index, exported?) of every flow cell ``player`` trades in, in cell order."""
    key = "trade_cells:" + player
    cells = rules._index.get(key)
    if cells is None:
        cells = rules._index[key] = [
            (c.index, c.exporter == player) for c in eco.compile_rules(rules).cells
            if c.exporter == player or c.importer == player]
    return cells  # type: ignore[return-value]


def _export_cells(rules: Rules, player: str) -> list[eco.FlowCell]:
    """The flow cells ``player`` exports in, in cell order."""
    key = "export_cells:" + player
    cells = rules._index.get(key)
    if cells is None:
        cells = rules._index[key] = [c for c in eco.compile_rules(rules).cells
                                     if c.exporter == player]
    return cells  # type: ignore[return-value]


def _own_packages(rules: Rules, player: str) -> frozenset[str]:
    """The ids of ``player``'s countermeasure packages; cached per rules."""
    key = "own_packages:" + player
    own = rules._index.get(key)
    if own is None:
        own = rules._index[key] = frozenset(c.id for c in rules.player(player).countermeasures)
    return own  # type: ignore[return-value]


# Every field of the mutable records, in constructor order (for Game.copy and, for
# pledges, the round captures), read in one call each.
_DEAL_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Deal)))
_SESSION_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Session)))
_PLEDGE_STATE = operator.attrgetter(*(f.name for f in dataclasses.fields(Pledge)))
_PLEDGE_FIELDS = len(dataclasses.fields(Pledge))
# What of a deal can change later.
_DEAL_STATE = operator.attrgetter("status", "ended_by", "ended_round", "reneged_by")
_chain = itertools.chain.from_iterable


def _state_dict(c: dict[str, Any]) -> dict[str, Any]:
    """The canonical state JSON from a :meth:`Game._state_capture`."""
    layer_rate = dict(c["layer_rate"])
    layer_status = dict(c["layer_status"])
    deals, states = c["deals"]
    orders, pledges = c["orders"], c["pledges"]
    return {
        "scenario": c["scenario"],
        "seed": c["seed"],
        "round": c["round"],
        "day": c["day"],
        "phase": c["phase"],
        "deadline_day": c["deadline_day"],
        "snapped": c["snapped"],
        "layers": {k: [layer_rate[k], layer_status[k]] for k in sorted(layer_rate)},
        "packages": sorted(c["packages"]),
        "items": sorted(c["items"]),
        "approval": dict(c["approval"]),
        "credibility": dict(c["credibility"]),
        "relations": {f"{a}-{b}": v for (a, b), v in sorted(c["relations"].items())},
        "market_stress": c["market_stress"],
        "deals": [_deal_json(d, *states[4 * n:4 * n + 4]) for n, d in enumerate(deals)],
        "sessions": [s.to_json() for s in c["sessions"]],
        "session_index": c["session_index"],
        "orders": {orders[n]: [str(o) for o in orders[n + 1]]
                   for n in range(0, len(orders), 2)},
        "done": sorted(c["done"]),
        "requests": [list(r) for r in c["requests"]],
        "pledges": [list(pledges[n:n + _PLEDGE_FIELDS])
                    for n in range(0, len(pledges), _PLEDGE_FIELDS)],
        "precedent": c["precedent"],
        "fired": dict(sorted(c["fired"].items())),
        "ledger": {"days": c["ledger_days"],
                   "player": {p: dict(v) for p, v in c["ledger_player"].items()},
                   "flow_rate": list(c["flow_rate"]),
                   "flow_value": list(c["flow_value"])},
        "extension_days": c["extension_days"],
        "event_talks": [[list(pair), level, req] for pair, level, req in c["event_talks"]],
        "stakes": {f"{a}-{b}": v for (a, b), v in sorted(c["stakes"].items())},
        "fact_checked": sorted(f"{a}:{b}" for a, b in c["fact_checked"]),
        "actions": c["actions"],
        "rng_draws": c["rng_draws"],  # with the seed, fixes the RNG state
    }


def _deal_json(d: Deal, status: str, ended_by: str | None, ended_round: int,
               reneged_by: tuple[str, ...]) -> dict[str, Any]:
    """:meth:`Deal.to_json` with the fields that change given (as they were)."""
    return {
        "id": d.id, "parties": list(d.parties), "round": d.round,
        "terms": [[t.item, t.value] for t in d.terms], "level": d.level,
        "status": status, "unilateral": d.unilateral, "ended_by": ended_by,
        "ended_round": ended_round, "reneged_by": list(reneged_by),
    }


def _hash_json(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return lo if x < lo else hi if x > hi else x


def on_step(rate: float, lo: float, hi: float, step: float) -> bool:
    if abs(rate - lo) < RATE_EPS or abs(rate - hi) < RATE_EPS:
        return True
    k = rate / step
    return abs(k - round(k)) < 1e-6


def fmt_pct(rate: float) -> str:
    pct = rate * 100.0
    text = f"{pct:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _at_least_as_good(item: Item, got: float, wanted: float) -> bool:
    # For caps and cuts a lower level is better for the receiver; otherwise higher.
    if item.kind in ("tariff_cap", "tariff_cut"):
        return got <= wanted + RATE_EPS
    return got >= wanted - RATE_EPS


def term_text(rules: Rules, term: Term) -> str:
    # Logged for every offer and concession: remembered per scenario, item and level.
    texts: dict[tuple[str, float], str] = rules._index.setdefault(  # type: ignore[assignment]
        "term_text", {})
    key = (term.item, term.value)
    text = texts.get(key)
    if text is None:
        if len(texts) >= 4096:
            texts.clear()  # bounded: a term is an item at one of its few levels
        text = texts[key] = _term_text(rules, term)
    return text


def _term_text(rules: Rules, term: Term) -> str:
    item = rules.item(term.item)
    v = term.value
    if item.kind in ("tariff_cap", "tariff_cut", "currency"):
        amount = fmt_pct(v)
    elif item.kind in ("quota", "purchase", "cost_sharing"):
        amount = f"${fmt_number(v)}bn/yr" if item.kind != "quota" else f"${fmt_number(v)}bn"
    elif item.kind in ("investment", "debt_swap"):
        amount = f"${fmt_number(v)}bn"
    elif item.kind == "deadline_extension":
        amount = f"{fmt_number(v)} days"
    else:
        amount = fmt_number(v)
    return f"{item.name} [{item.owner}] {amount}"


def terms_text(rules: Rules, terms: Iterable[Term]) -> str:
    return "; ".join(term_text(rules, t) for t in terms)


__all__ = ["Deal", "Game", "LogEntry", "Session", "clamp", "fmt_pct", "on_step",
           "pair_key", "term_text", "terms_text"]
