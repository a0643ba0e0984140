"""The state of one play-through, and what every phase reads from it.

:class:`State` holds the evolving values (clock, tariffs, approval, deals, talks, orders, the
ledger) and the derived economy of the moment (rates, term index, snapshot), cached and
forgotten where a phase changes what they depend on. The phases (``tradegame.engine.phases``)
change it; :class:`tradegame.engine.game.Game` is the facade that drives them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import math
import operator
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any, ClassVar, Final, Self, TypeVar, cast

from tradegame.engine import economy as eco
from tradegame.engine.actions import Action
from tradegame.engine.chance import Chance, copy_of
from tradegame.engine.kinds import DealStatus, TermKind
from tradegame.engine.records import (
    LEDGER_INDEX,
    ORDERS,
    OVER,
    TALKS,
    Deal,
    Ledger,
    LogEntry,
    Pledge,
    Session,
    clamp,
    deal_json,
    pair_key,
)
from tradegame.engine.rules import Event, Rules
from tradegame.engine.tables import CACHE_SIZE, tables_of

# Enum members read on hot paths, bound once: on Python 3.11 reading a member from its enum
# class goes through EnumType.__getattr__ and costs several times a module global.
_DEAL_IN_FORCE: Final = DealStatus.IN_FORCE
_PROCESS: Final = TermKind.PROCESS
# Term indexes per set of deals, and snapshots per term index, that projections keep.
_SHARED_PER_KEY: Final = 64

S = TypeVar("S", bound="State")
# What a snapshot is computed from (economy.snapshot's arguments): rates, terms, packages.
_SnapshotInputs = tuple[tuple[float, ...], eco.TermIndex, frozenset[str]]
_HistoryRecord = tuple[
    int, int, dict[str, float], dict[str, float], float, eco.Snapshot | _SnapshotInputs
]


class State:
    """A game's state; phases change it, :class:`~tradegame.engine.game.Game` drives it."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        # A state made without its __init__ (copy_as, pickle): the compiled build's native
        # class runs __init__ from its own __new__ unless the class defines one.
        return object.__new__(cls)

    def __init__(self, rules: Rules, seed: int) -> None:
        self.rules = rules
        self.tables = tables_of(rules)
        self.seed = seed
        c = rules.calendar
        self.rng: Chance = random.Random(seed)
        self.round = 1
        self.day = c.start_day
        self.deadline_day = c.deadline_day
        self.extension_days = 0
        self.snapped = False
        self.phase = TALKS
        # The scenario's starting values, made once (tables.Start): copies of its dicts and
        # sets, which a game changes.
        start = self.tables.start
        self.layer_rate = start.layer_rate.copy()
        self.layer_status = start.layer_status.copy()
        self.layer_info = start.layer_info.copy()
        self.active_packages = set(start.active_packages)
        # Replaced, never changed in place (so each round's state shares it).
        self.available_items = start.available_items
        self.approval = start.approval.copy()
        self.credibility = start.credibility.copy()
        # The player ids, read on every move: a plain attribute, not the rules' property.
        self._ids = ids = rules.player_ids
        # Every pair, in the order the ledger keeps their sums (scenarios name pairs of two
        # players: the keys never change).
        self.relations: dict[tuple[str, str], float] = start.relations.copy()
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
        # Statements made so far per (player, kind): each repeat has less effect.
        self.said: dict[tuple[str, str], int] = {}
        # What statements added to approval and relations and has not yet worn off (the
        # part of today's value that a projection does not hold, see lasting_approval).
        self.talk_approval: dict[str, float] = dict.fromkeys(ids, 0.0)
        self.talk_relations: dict[tuple[str, str], float] = {}
        self.precedent: float | None = None
        self.precedent_by: str | None = None  # the partner whose deal set the precedent
        self.fired: dict[str, int] = {}
        # The log: (lines made, lines logged whose entries and text are not made yet), one
        # attribute replaced whole by a reader (see the log property and _log).
        self._logbook: tuple[list[LogEntry], list[Any]] = ([], [])
        self.actions: list[Action] = []
        # One record per resolved round: the raw values, turned into dicts when first read.
        # (records made, rounds not read yet: turned into records when read), one attribute
        # replaced whole by a reader (see _history_records).
        self._historybook: tuple[list[dict[str, Any]], list[_HistoryRecord]] = ([], [])
        # End-of-round state (a _state_capture), hashed when round_hashes is first asked for.
        # (hashes made, states captured not hashed yet, and with defer_round_captures() the
        # number of actions at the end of each round not captured yet: a replay of the
        # actions captures them when round_hashes is read), one attribute replaced whole by
        # a reader.
        self._roundbook: tuple[list[str], list[dict[str, Any]], list[int]] = ([], [], [])
        self._defers_captures = False
        self.rng_draws = 0
        # The token of the deals, sessions and pledges this state may change in place (its
        # own: made by it, or copied for it since its last copy); the others are shared with
        # copies, and copied before a change (own_deal, own_session, own_pledge).
        self._token = object()
        # The ledger's sums (immutable: each round makes a new one, shared by copies and
        # round captures), and the rounds a projection has not added to them yet (see
        # _accumulate and the ledger property).
        # (One attribute, replaced whole: a reader takes it once, so that reading the ledger
        # of one game from several threads, each adding the rounds kept, agrees; see
        # _post_rounds.)
        self._book: _Book = (start.ledger, (), 0)
        # And whose sums they are kept for (the ledger_only then: None, everyone's).
        self._kept_for: str | None = ""
        self.final_extra_days = 0
        self.projection_cache: dict[tuple[int, str], float] = {}
        self._verified: tuple[Action, int] | None = None
        # The sampler's kinds of order this round, by player: made and read by
        # LegalActions._order_kinds, forgotten when the round ends (Machine._end_round).
        self._sampler_kinds: dict[str, SamplerKinds] | None = None
        self._rates: tuple[float, ...] | None = None
        # The layered rates (before caps and quotas), made with and forgotten with _rates.
        self._layered: tuple[float, ...] = ()
        # The layers' part of the rates when they were last made (economy.layer_state).
        self._layers: eco.LayerState | None = None
        # The snapshot made since the rates and the deals in force last moved (either forgets
        # it), with the reader of its terms' pledgers' credibility (None: no pledger) and what
        # it read: the snapshot of now while the same reader reads the same; and its terms.
        # One attribute, replaced whole (see snapshot).
        self._snap: _SnapBook | None = None
        # The keys of the deals in force that bound tariffs (part of the rates cache key).
        self._rate_deals: tuple[Any, ...] | None = None
        # The active packages as a frozenset, the one made last while they are the same (a
        # memo key's part: compared with the set, not made again, and one object shared by
        # every key made since rather than a new set kept by each).
        self._packages_made: frozenset[str] = frozenset(self.active_packages)
        self._in_force: list[Deal] | None = None  # see deals_in_force
        # settled_pairs, and the list of deals in force it was made from.
        self._settled: tuple[list[Deal] | None, frozenset[tuple[str, str]]] | None = None
        self._deal_index: tuple[list[Deal], int, dict[str, Deal]] | None = None  # see deal
        self._terms: eco.TermIndex | None = None
        # The last term index made, the deals in force it was made of, the reader of its
        # pledgers' credibility and what it read, and the deals' entry (see _index_terms:
        # their part no credibility moves, economy.deal_terms, and for projections their
        # shared indexes by credibility): kept across invalidations (terms reuses
        # the index while the deals in force are the same objects and the credibility read
        # is the same). One attribute, replaced whole: a reader takes it once, so that another
        # thread making an index meanwhile cannot pair its reading with an older index.
        self._termsbook: _TermsBook = (None, (), _read_nothing, (), None)

    def copy(self) -> Self:
        """An independent copy: its actions change it alone. Frozen values (rules, actions,
        log entries) are shared, and so are deals, sessions and pledges, copy on write
        (records.py): read them, never set their fields by hand."""
        return self.copy_as(type(self))

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        # copy.deepcopy (OpenSpiel's clone() uses it) gets the same independent copy, fast.
        return self.copy()

    def __copy__(self) -> Self:
        # copy.copy too: a shallow copy would share the lists and dicts a move changes, so
        # playing it would change this game (and leave it in no phase's state).
        return self.copy()

    def copy_as(self, cls: type[S], rng: Chance | None = None) -> S:
        """An independent copy as an instance of ``cls`` (a kind of state); its chance is
        ``rng`` if given (a generator nobody else draws from), else a copy of this state's."""
        if self._book[1] and self._kept_for is None:
            # Everyone's rounds kept are added once here, not by every copy that reads them.
            self._post_rounds(self._book)
        # Every dict, set and list is copied (shallow), but those rebuilt below; the rest is
        # shared. An attribute holds a container always or never (test_tail_paths checks it
        # at every step of random games), so the types met first hold for every state.
        if _NATIVE:
            # The compiled build's native class (no __dict__): made by its own __new__,
            # every attribute shared slot to slot, then the containers copied. Its layout
            # is its class's: which attributes those are is remembered per kind of state.
            new = cls.__new__(cls)
            self._share_all(new)
            copied = _NATIVE_COPIED.get(type(self))
            if copied is None:
                mine = cast(_Attributes, self.__getstate__())
                copied = _NATIVE_COPIED[type(self)] = _copied_attributes(mine)
            for name in copied:
                setattr(new, name, getattr(self, name).copy())
        else:
            new = _make(cls)  # (object's __new__, not State's: the same, one call less)
            mine = self.__dict__
            # Which attributes are copied is remembered per layout (the attribute names, in
            # order). The layout last met by a kind of state is looked at first: equal
            # names are the same strings, so comparing the layouts costs less than hashing.
            layout = tuple(mine)
            last = _LAST_COPIED.get(type(self))
            if last is not None and last[0] == layout:
                copied = last[1]
            else:
                known = _COPIED_BY_LAYOUT.get(layout)
                if known is None:
                    known = _copied_attributes(mine)
                    if len(_COPIED_BY_LAYOUT) >= 64:
                        _COPIED_BY_LAYOUT.clear()  # bounded; a miss only costs the scan
                    _COPIED_BY_LAYOUT[layout] = known
                copied = known
                _LAST_COPIED[type(self)] = (layout, copied)
            attributes = new.__dict__
            attributes.update(mine)
            for name in copied:
                attributes[name] = mine[name].copy()
        # The deals and sessions (their lists copied above) are shared, copy on write:
        # neither state may change them in place any more, each copies one first (own_deal,
        # own_session, own_pledge; new tokens for both). The list of deals in force is kept
        # as it is (never changed in place; forgotten when a deal is copied).
        self._token = object()
        token = new._token = object()
        # Open pledges are copied now, the copy's own: every one is settled by the end of a
        # game (a projection's), and copied one by one on write they cost more. A settled
        # pledge never changes again: shared.
        new.pledges = [p if p.settled else p.copy_for(token) for p in self.pledges]
        new.orders = {p: list(v) for p, v in self.orders.items()}
        new.projection_cache = self.projection_cache.copy() if cls.KEEPS_BASELINES else {}
        # (The ledger is immutable: shared. Its rounds not added yet are a list, copied.)
        new.rng = copy_of(self.rng) if rng is None else rng
        new._verified = None  # a copy may be changed before it applies anything: check again
        new._sampler_kinds = None
        if cls.KEEPS_LOG:
            lines, raw = self._logbook  # read once: the lines and raw ones of one moment
            new._logbook = (lines.copy(), raw.copy())
        else:
            new._logbook = ([], [])
        records, unread = self._historybook  # (the records are shared: never changed)
        new._historybook = (records.copy(), unread.copy())
        hashes, unhashed, marks = self._roundbook
        new._roundbook = (hashes.copy(), unhashed.copy(), marks.copy())
        return new

    def _share_all(self, new: State) -> None:
        """Every attribute of this state set on ``new``, shared: the compiled build's
        copy_as (a native class has no ``__dict__``; slot to slot costs a fraction of
        ``__getstate__``/``__setstate__``). A kind of state with attributes of its own adds
        them; test_copy_slots checks that every attribute of a state is here."""
        new.rules = self.rules
        new.tables = self.tables
        new.seed = self.seed
        new.rng = self.rng
        new.round = self.round
        new.day = self.day
        new.deadline_day = self.deadline_day
        new.extension_days = self.extension_days
        new.snapped = self.snapped
        new.phase = self.phase
        new.layer_rate = self.layer_rate
        new.layer_status = self.layer_status
        new.layer_info = self.layer_info
        new.active_packages = self.active_packages
        new.available_items = self.available_items
        new.approval = self.approval
        new.credibility = self.credibility
        new._ids = self._ids
        new.relations = self.relations
        new.stress = self.stress
        new.deals = self.deals
        new.sessions = self.sessions
        new.session_index = self.session_index
        new.requests = self.requests
        new.event_talks = self.event_talks
        new.stakes = self.stakes
        new.orders = self.orders
        new.done = self.done
        new.pledges = self.pledges
        new.fact_checked = self.fact_checked
        new.said = self.said
        new.talk_approval = self.talk_approval
        new.talk_relations = self.talk_relations
        new.precedent = self.precedent
        new.precedent_by = self.precedent_by
        new.fired = self.fired
        new._logbook = self._logbook
        new.actions = self.actions
        new._historybook = self._historybook
        new._roundbook = self._roundbook
        new._defers_captures = self._defers_captures
        new.rng_draws = self.rng_draws
        new._token = self._token
        new._book = self._book
        new._kept_for = self._kept_for
        new.final_extra_days = self.final_extra_days
        new.projection_cache = self.projection_cache
        new._verified = self._verified
        new._sampler_kinds = self._sampler_kinds
        new._rates = self._rates
        new._layered = self._layered
        new._layers = self._layers
        new._snap = self._snap
        new._rate_deals = self._rate_deals
        new._packages_made = self._packages_made
        new._in_force = self._in_force
        new._settled = self._settled
        new._deal_index = self._deal_index
        new._terms = self._terms
        new._termsbook = self._termsbook
        new.ledger_only = self.ledger_only

    def own_deal(self, deal: Deal) -> Deal:
        """``deal`` (one of this state's) as this state may change it: itself if it is this
        state's own, else a copy put in its place (copy on write: see records)."""
        if deal.owner is self._token:
            return deal
        n = _position(self.deals, deal)
        if n < 0:
            raise ValueError(f"deal {deal.id} is not one of this game's deals")
        own = self.deals[n] = Deal(*_DEAL_FIELDS(deal), owner=self._token)
        # Lists and indexes of deal objects hold the shared one: made again when read.
        self._in_force = self._deal_index = None
        return own

    def own_session(self) -> Session:
        """The session on now, as this state may change it (see :meth:`own_deal`)."""
        n = self.session_index
        session = self.sessions[n]
        if session.owner is self._token:
            return session
        own = self.sessions[n] = Session(*_SESSION_FIELDS(session), owner=self._token)
        return own

    def own_pledge(self, pledge: Pledge) -> Pledge:
        """``pledge`` (one of this state's) as this state may change it (see
        :meth:`own_deal`)."""
        if pledge.owner is self._token:
            return pledge
        n = _position(self.pledges, pledge)
        if n < 0:
            raise ValueError("the pledge is not one of this game's pledges")
        own = self.pledges[n] = pledge.copy_for(self._token)
        return own

    def to_move(self) -> str | None:
        """The player who must act now, or None when the game is over."""
        phase = self.phase
        if phase == ORDERS:  # most moves are orders
            done = self.done
            for p in self._ids:
                if p not in done:
                    return p
            return None
        if phase == TALKS:
            return self.sessions[self.session_index].turn
        return None

    def _turns_left(self) -> list[str]:
        """The players yet to say done this orders phase, in the order they move: to_move's
        (the players in turn, but those done), so the first is to_move's player and each done
        leaves the next one to move. Machine.pass_round plays them at once."""
        done = self.done
        return [p for p in self._ids if p not in done]

    def is_over(self) -> bool:
        return self.phase == OVER

    @property
    def session(self) -> Session | None:
        return self.sessions[self.session_index] if self.phase == TALKS else None

    def date_of(self, day: int) -> str:
        dates = self.tables.caches.dates
        date = dates.get(day)
        if date is None:
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

    def _force(self) -> list[Deal]:
        """The list of deals in force, kept (see deals_in_force): never change it."""
        force = self._in_force
        if force is None:
            force = self._in_force = [d for d in self.deals if d.status == _DEAL_IN_FORCE]
        return force

    def deals_in_force(self, player: str | None = None) -> list[Deal]:
        # Deals enter and leave force only where the economy is invalidated (_invalidate),
        # which forgets this list too.
        force = self._in_force
        if force is None:
            force = self._force()
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
            if index is not None and index[0] is deals and index[1] < len(deals):
                # Deals appended since: only theirs are added (to a copy: the index is
                # replaced whole, for another thread reading the game).
                ids = index[2].copy()
                added = deals[index[1] :]
            else:
                ids = {}
                added = deals
            for d in added:
                ids.setdefault(d.id, d)  # the first deal of an id, as a scan finds it
            index = self._deal_index = (deals, len(deals), ids)
        return index[2].get(deal_id)

    @property
    def log(self) -> list[LogEntry]:
        """The event log, oldest first. Its entries are made, text included, when the log
        is first read after they were logged (nothing reads it while bots play): each line
        is the same as if it had been made at once, from values taken when it was logged."""
        lines, raw = self._logbook
        if raw:
            # A new list, put back with the lines made: another thread reading or copying
            # the game meanwhile finds the lines and raw ones of before, whole.
            lines = lines + [
                _new_tuple(
                    LogEntry,
                    (
                        round_,
                        day,
                        phase,
                        kind,
                        text if args is None else text(*args),
                        None if audience is None else frozenset(audience),
                    ),
                )
                for round_, day, phase, kind, text, audience, args in _raw_lines(raw)
            ]
            self._logbook = (lines, [])
        return lines

    def _log(
        self,
        kind: str,
        text: str,
        audience: tuple[str, ...] | None = None,
        phase: str | None = None,
    ) -> None:
        """Log a line (``audience`` None: public). The entry is made when the log is read."""
        raw = self._logbook[1]
        raw += (self.round, self.day, phase or self.phase, kind, text, audience, None)

    def _logf(
        self,
        kind: str,
        text: Callable[..., str],
        args: tuple[Any, ...],
        audience: tuple[str, ...] | None = None,
        phase: str | None = None,
    ) -> None:
        """:meth:`_log` of the line ``text(*args)``, made only when the log is read: ``text``
        is a pure function of ``args``, and ``args`` are values no later move changes."""
        raw = self._logbook[1]
        raw += (self.round, self.day, phase or self.phase, kind, text, audience, args)

    def _extension_fits(self, days: int) -> bool:
        c = self.rules.calendar
        left = c.max_extension_days - self.extension_days
        # Steps of extension_step_days; the last step may be shorter, to reach the maximum.
        return (
            0 < days <= left
            and (days % c.extension_step_days == 0 or days == left)
            and not self.snapped
        )

    def layered_rate(self, cell: eco.FlowCell) -> float:
        """The cell's rate from layers and countermeasures, before deal caps."""
        return self.layered_rates()[cell.index]

    def layered_rates(self) -> tuple[float, ...]:
        """Every cell's rate from layers, cuts and countermeasures, before deal caps and
        quotas: made in the same pass as the rates (economy.cell_rates), kept with them."""
        self._current_rates()
        return self._layered

    def is_substantive(self, deal: Deal) -> bool:
        """Whether ``deal`` has economic terms (not only a process agreement)."""
        return any(entry[0] != _PROCESS for entry in eco.deal_entries(self.rules, deal))

    def settled_pairs(self) -> frozenset[tuple[str, str]]:
        """The pairs (keys) with a substantive deal in force made in talks (a unilateral
        concession settles nothing): what the news's ``no_deal``, a threat's "no deal" and
        a game ending when settled read. Kept with the list of deals in force."""
        force = self._in_force
        if force is None:
            self.deals_in_force()
            force = self._in_force
        known = self._settled
        if known is None or known[0] is not force:
            pairs = frozenset(
                pair_key(*d.parties)
                for d in force or ()
                if not d.unilateral and self.is_substantive(d)
            )
            known = self._settled = (force, pairs)
        return known[1]

    def replaced_on_entry(self, deal: Deal) -> list[Deal]:
        """The deals in force that ``deal`` replaces when it enters force: a substantive
        deal replaces the pair's previous substantive one (its terms, caps included, end);
        a process-only agreement replaces nothing."""
        if deal.unilateral or not self.is_substantive(deal):
            return []
        return [
            old
            for old in self.deals_in_force()
            if old is not deal
            and not old.unilateral
            and set(old.parties) == set(deal.parties)
            and self.is_substantive(old)
        ]

    def knows_politics_of(self, party: str) -> bool:
        """Whether this game may read ``party``'s political costs and gains (private data).
        The real game may; a projection only for its viewer (issue 19 b)."""
        return True

    def political_cost(self, deal: Deal, party: str) -> float:
        """Cost of what ``party`` gives minus the gain of what it gets (political points);
        0 where the game may not read them (another player's, in a projection)."""
        if not self.knows_politics_of(party):
            return 0.0
        total = 0.0
        for t in deal.terms:
            item = self.rules.item(t.item)
            lv = item.level(t.value)
            assert lv is not None
            total += lv.cost if item.owner == party else -lv.gain
        return total

    def negotiating_pairs(self) -> set[tuple[str, str]]:
        """Pairs with something in the catalogue to give each other."""
        out = set()
        ids = self.rules.player_ids
        for item in self.rules.items:
            for other in ids:
                if item.can_go_to(other):
                    out.add(pair_key(item.owner, other))
        return out

    def _invalidate(self, rates: bool = True) -> None:
        """Forget the term index and snapshot, and the rates unless ``rates`` is False."""
        self._in_force = None
        self._snap = None
        self._terms = None
        if rates:
            self._rates = None
            self._rate_deals = None

    def _layers_changed(self) -> None:
        """A layer's rate or status moved (news, the snap-back): forget the rates and the
        snapshot. What the deals in force make (their list, the term index, the deals that
        bound rates, the settled pairs) stays: no layer is part of it."""
        self._snap = None
        self._rates = None

    def _deal_changed(self, deal: Deal) -> None:
        """``deal`` entered or left force: rates move only if it bounds tariffs."""
        self._invalidate(rates=eco.changes_rates(self.rules, deal))

    def terms(self) -> eco.TermIndex:
        """The index of the economic terms of the deals in force now (economy.index_terms):
        the last one made while the deals in force are the same objects and its pledgers'
        credibility reads the same (see __init__), else a new one."""
        # Pledges are discounted by their giver's credibility, so the index also depends on
        # the credibility of its pledgers (and of nobody else).
        terms = self._terms
        made, made_of, read, key, entry = self._termsbook  # (read once: see __init__)
        if terms is None:
            # The index last made, if the deals in force are the very same deal objects
            # (an invalidation need not have changed them: a layer may have moved).
            terms = made
            if terms is not None:
                force = self._in_force
                if force is None:
                    force = self._force()
                if len(force) != len(made_of) or not _all(_map(_is, force, made_of)):
                    terms = None
        if terms is not None and terms is made:
            if not terms.pledgers or key == read(self.credibility):
                self._terms = terms
                return terms
            # The same deals at another credibility: their entry stays (the part no
            # credibility moves, and a projection's indexes of them by credibility).
        else:
            entry = None
        terms, entry = self._index_terms(entry)
        # The pledgers' credibility, read by one itemgetter (a lone value for one pledger:
        # it is only compared with what the same reader reads).
        pledgers = terms.pledgers
        read = _itemgetter(*pledgers) if pledgers else _read_nothing
        self._termsbook = (
            terms,
            tuple(self._in_force or self._force()),
            read,
            read(self.credibility),
            entry,
        )
        self._terms = terms
        return terms

    @property
    def _terms_made(self) -> eco.TermIndex | None:
        """The last term index made (see terms)."""
        return self._termsbook[0]

    def _index_terms(self, known: _TermsEntry | None) -> tuple[eco.TermIndex, _TermsEntry]:
        """The index of the deals in force now, and their entry: ``known`` if given (theirs,
        found before): the part of their index no credibility moves, and for projections
        their indexes by their pledgers' credibility (shared, as the cache holds them)."""
        force = self._force()  # (kept: index_terms and deal_key read it, never change it)
        if not self.SHARES_RATES:
            if known is None:
                known = (eco.deal_terms(self.rules, force), None)
            return eco.index_terms(self.rules, force, self.credibility, known[0]), known
        # Projections: the index of the same deals at the same credibility is shared (and
        # with it the snapshots made at those terms, see snapshot()); at another credibility
        # of their pledgers, the part of the index no credibility moves is. The entry of
        # the deals, once found, is kept by the state (see terms): not looked up again.
        by_credibility = known[1] if known is not None else None
        if known is None or by_credibility is None:  # (None: a game's entry, in its projection)
            cache = self.tables.caches.terms
            key = tuple([d.key or eco.deal_key(d) for d in force])  # (kept on each deal)
            found = cache.get(key)
            if found is None:
                fixed = eco.deal_terms(self.rules, force)
                terms = eco.index_terms(self.rules, force, self.credibility, fixed)
                if len(cache) >= CACHE_SIZE:
                    cache.clear()  # bounded; a miss only costs the computation
                found = cache[key] = (
                    fixed,
                    {tuple(_map(self.credibility.__getitem__, fixed.pledgers)): terms},
                )
                return terms, found
            known = found
            fixed, by_credibility = found
        else:
            fixed = known[0]
        credibility = tuple(_map(self.credibility.__getitem__, fixed.pledgers))
        shared = by_credibility.get(credibility)
        if shared is None:
            shared = eco.index_terms(self.rules, force, self.credibility, fixed)
            if len(by_credibility) >= _SHARED_PER_KEY:
                by_credibility.clear()
            by_credibility[credibility] = shared
        return shared, known

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
            cache: dict[Any, tuple[tuple[float, ...], tuple[float, ...]]] | None = None
            key: tuple[Any, ...] = ()
            if self.SHARES_RATES:
                deals = self._rate_deals
                if deals is None:
                    deals = self._rate_deals = _rate_deal_keys(self.rules, self._force())
                packages = self._packages_made
                if packages != self.active_packages:
                    packages = self._packages_made = frozenset(self.active_packages)
                key = (
                    tuple(self.layer_rate.values()),
                    tuple(self.layer_status.values()),
                    packages,
                    deals,
                )
                cache = self.tables.caches.rates
                known = cache.get(key)
                if known is not None:
                    rates, self._layered = known
                    self._rates = rates
                    return rates
            # Tuples: shared values nobody can change (and that the collector skips). The
            # layers' part is kept from the last rates (of this game, or the game it was
            # copied from), worked out again for the plans of the layers that changed.
            compiled = self.tables.compiled
            layers = self._layers = eco.layer_state(
                compiled,
                self._layers,
                self.layer_rate,
                self.layer_status,
                self.active_packages,
                cache is not None,  # (projections': they come back to layers seen before)
            )
            rates, self._layered = eco.rates_now(compiled, layers, self.terms())
            if cache is not None:
                if len(cache) >= CACHE_SIZE:
                    cache.clear()  # bounded; a miss only costs the computation
                cache[key] = (rates, self._layered)
            self._rates = rates
        return self._rates

    def snapshot(self) -> eco.Snapshot:
        """The economy at the current tariffs and terms (annual rates)."""
        known = self._snap  # (read once: replaced whole)
        if known is not None:
            # Made since the rates and the deals in force last moved: its terms are those of
            # now while their pledgers' credibility reads as it did (most rounds move none).
            kept, read, key, _ = known
            if read is None or read(self.credibility) == key:
                return kept
        terms = self.terms()
        rates = self._current_rates()
        if self.SHARES_RATES:
            # A snapshot is a function of the rates, the terms and the active packages:
            # projections share those of the same (shared) terms.
            packages = self._packages_made
            if packages != self.active_packages:
                packages = self._packages_made = frozenset(self.active_packages)
            snap_key = (rates, packages)
            snap = terms.snapshots.get(snap_key)
            if snap is None:
                # (remembered by the rates too: shared rates come back)
                snap = eco.snapshot(self.rules, rates, terms, self.active_packages, True)
                if len(terms.snapshots) >= _SHARED_PER_KEY:
                    terms.snapshots.clear()
                terms.snapshots[snap_key] = snap
        else:
            snap = eco.snapshot(self.rules, rates, terms, self.active_packages)
        made, _, read, key, _ = self._termsbook  # (the index's: see terms)
        if made is terms:  # (else another thread made an index meanwhile: not kept)
            self._snap = (snap, read if terms.pledgers else None, key, terms)
        return snap

    @property
    def ledger(self) -> Ledger:
        """The ledger: every sum as it stands (the rounds kept are added first, see
        :meth:`_accumulate`)."""
        book = self._book
        return self._post_rounds(book) if book[1] else book[0]

    def _accumulate(self, snap: eco.Snapshot, days: int) -> None:
        """Add these ``days`` to the ledger: each sum gets its value now × days. Every
        player's sums, or only ``ledger_only``'s (its own sums, the flow cells it trades, the
        relations of its pairs: all that scoring.metric reads for it).

        The round is kept instead (the snapshot, and approval, credibility and relations as
        they stand: everyone's, or a projection's viewer's), to be added when the ledger is
        read: the same additions in the same order (by :attr:`ledger`, or for a projection
        :meth:`ledger_sum`, :meth:`ledger_flows`, only for the sums that are read). Nothing
        reads a game's ledger while bots play, nor most of a projection's. A round is kept
        only when the sums cannot overflow from it (every number finite and small: the
        snapshot's bound, and LEDGER_BOUND), so that resolution's finiteness check decides as
        if it had been added; otherwise the rounds kept are added and this one too."""
        only = self.ledger_only
        led, rounds, kept_days = book = self._book
        if rounds and self._kept_for != only:  # (a projection of a projection, or of a game)
            led, rounds, kept_days = book = (self._post_rounds(book), (), 0)
        if only is not None:
            approval, credibility = self.approval[only], self.credibility[only]
            own_relations = led.layout.by_own_pair[only](self.relations)
            if (
                (rounds or _bounded_ledger(self.tables.caches.bounded_ledgers, led))
                and snap.bound <= LEDGER_BOUND
                and abs(approval) + abs(credibility) + _sum(_map(_abs, own_relations), 0.0)
                <= LEDGER_BOUND
            ):
                self._kept_for = only
                self._book = (
                    led,
                    rounds + ((days, snap, approval, credibility, own_relations),),
                    kept_days + days,
                )
                return
            if rounds:
                led = self._post_rounds(book)
            if _finite_snapshot(snap):
                led = _add_own(
                    led,
                    only,
                    self.tables.trade_cells[only],
                    days,
                    snap,
                    approval,
                    credibility,
                    own_relations,
                )
                self._book = (led, (), 0)
                return
            # What every player's sums would get is not all finite: add it to them all, for
            # resolution's check to refuse it as in a game keeping them all.
            rounds = ()
        # Approval, credibility and relations as they stand for these days: scored over the
        # window like the economy (scoring.metric), not only at their final values.
        layout = led.layout
        of = layout.by_player
        approvals, credibilities = of(self.approval), of(self.credibility)
        relations = layout.by_pair(self.relations)
        if (
            only is None
            and (rounds or _bounded_ledger(self.tables.caches.bounded_ledgers, led))
            and snap.bound <= LEDGER_BOUND
            and _sum(_map(_abs, approvals), 0.0)
            + _sum(_map(_abs, credibilities), 0.0)
            + _sum(_map(_abs, relations), 0.0)
            <= LEDGER_BOUND
        ):
            self._kept_for = None
            self._book = (
                led,
                rounds + ((days, snap, approvals, credibilities, relations),),
                kept_days + days,
            )
            return
        if rounds:
            led = self._post_rounds(book)
        self._book = (_add_all(led, days, snap, approvals, credibilities, relations), (), 0)

    def _post_rounds(self, book: _Book) -> Ledger:
        """The ledger of ``book`` (this state's, read once by the caller) with its rounds
        added to the sums they were kept for (everyone's, or a projection's viewer's), in
        order; kept as the state's. Made from the book read and put back whole: two threads
        reading the ledger of one game at once add the same rounds to the same sums, and
        each puts back the same ledger."""
        led, rounds, _ = book
        only = self._kept_for
        if only is None:
            for days, snap, approvals, credibilities, relations in rounds:
                led = _add_all(led, days, snap, approvals, credibilities, relations)
        else:
            cells = self.tables.trade_cells[only]
            for days, snap, approval, credibility, relations in rounds:
                led = _add_own(led, only, cells, days, snap, approval, credibility, relations)
        self._book = (led, (), 0)
        return led

    def ledger_days(self) -> int:
        """The days the ledger has summed (a projection's rounds not added yet included)."""
        led, _, kept_days = self._book
        return led.days + kept_days

    def ledger_sum(self, player: str, key: str) -> float:
        """``player``'s sum of ``key`` (one of ``LEDGER_KEYS``): :attr:`ledger`'s, adding
        only this sum of the rounds a projection has not added yet."""
        book = self._book
        led, rounds, _ = book
        if rounds and self._kept_for is None:  # everyone's rounds: added to every sum
            led, rounds = self._post_rounds(book), ()
        total = led.sums[led.layout.slot(player, key)]
        if rounds and player == self._kept_for:
            if key == "approval":
                for kept in rounds:
                    total += kept[2] * kept[0]
            elif key == "credibility":
                for kept in rounds:
                    total += kept[3] * kept[0]
            else:
                # Rounds in a row often share their snapshot (and days): its value × days
                # is made once for them.
                last: eco.Snapshot | None = None
                days = 0
                product = 0.0
                for kept in rounds:
                    if kept[1] is not last or kept[0] != days:
                        last, days = kept[1], kept[0]
                        product = eco.player_sums(last, player)[LEDGER_INDEX[key]] * days
                    total += product
        return total

    def ledger_relations(self, pair: tuple[str, str]) -> float:
        """The relations sum of ``pair`` (a pair key), as :meth:`ledger_sum`."""
        book = self._book
        led, rounds, _ = book
        only = self._kept_for
        if rounds and only is None:  # everyone's rounds: added to every sum
            led, rounds = self._post_rounds(book), ()
        total = led.pair_sums[led.layout.pair_position[pair]]
        if rounds and only is not None and only in pair:
            n = led.layout.own_pair_index[only][pair]
            for kept in rounds:
                total += kept[4][n] * kept[0]
        return total

    def ledger_flows(self, indexes: Sequence[int], value: bool) -> list[float]:
        """The sums of the tariffs (or trade ``value``) of the flow cells ``indexes``, as
        :meth:`ledger_sum` (a projection adds the cells its viewer trades)."""
        book = self._book
        led, rounds, _ = book
        only = self._kept_for
        if rounds and only is None:  # everyone's rounds: added to every sum
            led, rounds = self._post_rounds(book), ()
        sums = led.flow_value if value else led.flow_rate
        if not rounds or only is None:
            return [sums[index] for index in indexes]
        traded = self.tables.traded[only]
        # Rounds in a row often share their snapshot (and days): its value × days is made
        # once for them. Which rounds start a run is found once for all the cells: each
        # round is (the cells' numbers, days) where a run starts, None where the product
        # of the round before is added again. (A loop per cell: a list comprehension per
        # round costs more than it saves for the few cells a metric reads.)
        steps: list[tuple[Sequence[float], int] | None] = []
        last: eco.Snapshot | None = None
        days = 0
        for kept in rounds:
            if kept[1] is not last or kept[0] != days:
                last, days = kept[1], kept[0]
                steps.append((last.value if value else last.rate, days))
            else:
                steps.append(None)
        out = []
        for index in indexes:
            total = sums[index]
            if index in traded:
                product = 0.0
                for step in steps:
                    if step is not None:
                        product = step[0][index] * step[1]
                    total += product
            out.append(total)
        return out

    def lasting_approval(self, player: str) -> float:
        """``player``'s approval without what statements added and is still wearing off:
        the value a projection holds (DESIGN §3.10: cheap talk fades)."""
        return clamp(self.approval[player] - self.talk_approval[player])

    def lasting_relations(self, key: tuple[str, str]) -> float:
        """The relations of the pair ``key`` without the reassurance still wearing off."""
        return clamp(self.relations[key] - self.talk_relations.get(key, 0.0))

    def _record_history(self) -> None:
        """Keep the round's record: the economy as the round ends, and politics. The
        snapshot is kept if made, else what it is made from (rates, terms and packages are
        never changed once made), for :attr:`history` to make it if ever read."""
        terms = self.terms()
        known = self._snap
        snap: eco.Snapshot | _SnapshotInputs
        if known is not None and known[3] is terms:  # (made at the terms of now)
            snap = known[0]
        else:
            snap = (self._current_rates(), terms, frozenset(self.active_packages))
        self._historybook[1].append(
            (self.round, self.day, dict(self.approval), dict(self.credibility), self.stress, snap)
        )

    @property
    def history(self) -> list[dict[str, Any]]:
        """One record per resolved round (approval, GDP, balance, tariffs faced ...): new
        dicts at each call, so that a caller changing them changes nothing of the game's (a
        copy of the game shares its records)."""
        return [
            {key: dict(value) if type(value) is dict else value for key, value in record.items()}
            for record in self._history_records()
        ]

    def _history_records(self) -> list[dict[str, Any]]:
        """The history's records, made from the rounds not yet read (never handed out)."""
        records, unread = self._historybook
        if unread:
            # A new list, put back with the records made: two threads reading at once each
            # make them from the same rounds (appending to one list, both added them).
            records = list(records)
            ids = self._ids
            for round_, day, approval, credibility, stress, kept in unread:
                snap = kept if isinstance(kept, eco.Snapshot) else eco.snapshot(self.rules, *kept)
                records.append(
                    {
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
                )
            self._historybook = (records, [])
        return records

    def balance(
        self, player: str, partner: str | None = None, snap: eco.Snapshot | None = None
    ) -> float:
        """Current annual goods balance ($bn/yr) of ``player`` (with ``partner``)."""
        snap = snap or self.snapshot()
        value = snap.value
        total = 0.0
        if partner is None:
            # The common case (history, every round): the player's cells, pre-indexed in
            # cell order so the sum is the same float as the full scan's.
            for index, exported in self.tables.trade_cells[player]:
                if exported:
                    total += value[index]
                else:
                    total -= value[index]
            return total
        for cell in self.tables.compiled.cells:
            if cell.exporter == player and partner in (None, cell.importer):
                total += value[cell.index]
            elif cell.importer == player and partner in (None, cell.exporter):
                total -= value[cell.index]
        return total

    def tariff_faced_now(
        self,
        player: str,
        snap: eco.Snapshot | None = None,
        partner: str | None = None,
        sector: str | None = None,
    ) -> float:
        """Trade-weighted (base flows) tariff on ``player``'s exports now."""
        snap = snap or self.snapshot()
        num = den = 0.0
        if partner is None and sector is None:
            # The common case: the player's export cells, pre-indexed in cell order.
            rate = snap.rate
            for cell in self.tables.export_cells[player]:
                num += rate[cell.index] * cell.v0
                den += cell.v0
            return num / den if den else 0.0
        for cell in self.tables.compiled.cells:
            if (
                cell.exporter == player
                and partner in (None, cell.importer)
                and sector in (None, cell.sector)
            ):
                num += snap.rate[cell.index] * cell.v0
                den += cell.v0
        return num / den if den else 0.0

    @property
    def round_hashes(self) -> list[str]:
        """The state hash at the end of each resolved round (computed when first asked)."""
        hashes, unhashed, marks = self._roundbook
        if marks or unhashed:
            # New lists, put back whole: two threads asking at once each make them (adding
            # to the lists in place, both added theirs, and the next replay did not match).
            if marks:
                unhashed = unhashed + self._deferred_captures(len(hashes) + len(unhashed), marks)
            hashes = hashes + [_hash_json(_state_dict(s)) for s in unhashed]
            self._roundbook = (hashes, [], [])
        return list(hashes)

    @property
    def _round_marks(self) -> list[int]:
        return self._roundbook[2]

    @property
    def _unhashed_states(self) -> list[dict[str, Any]]:
        return self._roundbook[1]

    def push(self, action: Action) -> None:
        """Play ``action`` (the phase machine, :class:`tradegame.engine.machine.Machine`)."""
        raise NotImplementedError("a state is played by the phase machine")

    def defer_round_captures(self) -> None:
        """Capture the rounds that end from now on only if :attr:`round_hashes` is read,
        by replaying this game's actions from its seed (play is deterministic: the replay
        goes through the same states). For games played by bots, where nothing reads the
        round hashes while the game is played (a capture costs about 6% of random play)."""
        self._defers_captures = True

    def _capture_round(self) -> None:
        """Keep the state as this round ends for :attr:`round_hashes` (or, deferred, the
        number of actions that led to it)."""
        if self._defers_captures:
            self._roundbook[2].append(len(self.actions))
        else:
            self._roundbook[1].append(self._state_capture())

    def _deferred_captures(self, captured: int, marks: list[int]) -> list[dict[str, Any]]:
        """The captures of the deferred rounds (``marks``; ``captured`` rounds captured
        before them): replay the actions from the seed in a game of the same kind that
        captures every round, and take its captures of those rounds."""
        replay = type(self)(self.rules, self.seed)
        for action in self.actions[: marks[-1]]:
            replay.push(action)  # (each was checked when this game played it)
        states = replay._roundbook[1]
        if len(states) != captured + len(marks):
            raise AssertionError("a replay of the game's actions did not end the same rounds")
        return states[captured:]

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
            # The pledges, and the fields of each that change after it is made.
            "pledges": (tuple(self.pledges), tuple(_chain(map(_PLEDGE_CHANGES, self.pledges)))),
            "precedent": self.precedent,
            "precedent_by": self.precedent_by,
            "fired": self.fired.copy(),
            "ledger": self.ledger,  # immutable, replaced each round
            "extension_days": self.extension_days,
            "event_talks": tuple(self.event_talks),
            "stakes": self.stakes.copy(),
            "fact_checked": tuple(self.fact_checked),
            "said": self.said.copy(),
            "talk_approval": self.talk_approval.copy(),
            "talk_relations": self.talk_relations.copy(),
            "actions": len(self.actions),
            "rng_draws": self.rng_draws,
        }

    def state_hash(self) -> str:
        """sha256 of the canonical state JSON (stable across processes and platforms)."""
        return _hash_json(self.state_json())

    RECORDS_ROUNDS: ClassVar[bool] = True
    """Whether each resolved round is kept for :attr:`history` and :attr:`round_hashes`."""
    SHARES_RATES: ClassVar[bool] = False
    """Whether rates are remembered across games of the rules (projections revisit states)."""
    KEEPS_LOG: ClassVar[bool] = True
    """Whether lines are logged for :attr:`log` (a kind of state that keeps none starts its
    copies with an empty log, and its :meth:`_log` and :meth:`_logf` keep nothing)."""
    KEEPS_BASELINES: ClassVar[bool] = True
    """Whether a copy of this kind keeps the what_if baselines remembered (``projection_cache``,
    keyed by the moves played; a projection drops moves without playing them, see
    projection.Projected.of)."""
    WITNESSES_NEWS: ClassVar[bool] = False
    """Whether this kind of state overrides :meth:`witness_news` (set for each subclass:
    the News phase calls it only then)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.WITNESSES_NEWS = cls.witness_news is not State.witness_news

    ledger_only: str | None = None
    """Whose sums the ledger keeps: everyone's (None), or one player's (a projection keeps
    its viewer's: the only player whose score and metrics it reports)."""

    def witness_news(self, event: Event, talks_round: int) -> None:
        """Called as a scripted event or an inject fires, before its effects; nothing here.
        The news checker (:mod:`tradegame.engine.newscheck`) overrides it to hold each news
        item to its requirements as it is published."""

    def ratification_applies(self, party: str) -> bool:
        """Whether ``party``'s win-set decides its ratification here (a projection assumes
        the partners of its viewer ratify)."""
        return True


# Whether State is a native class of the compiled build (mypyc: attributes in slots, no
# __dict__; copy_as copies them slot to slot, _share_all).
_NATIVE = hasattr(State, "__mypyc_attrs__")
_Attributes = dict[str, Any]
_make = object.__new__

OrderCheck = Callable[[State, Any], "str | None"]
"""A rule's check of the moment for one kind of order (``phases.orders.NOW``)."""
OrderKind = tuple[list[Action], OrderCheck, int, int, "list[bool] | None", int]
"""A kind of order for the sampler: (candidates, check, count, count's bit length, for a
kind of ``phases.orders.BY_MOMENT`` which candidates the moment allows, else None, and the
slot of its marks)."""
SamplerKinds = tuple[list[OrderKind], "list[list[bool] | None]", int, int, int]
"""A player's kinds of order this round (done first); by slot, the candidates found refused
this round; how many kinds, that count's bit length, and ``max_orders`` (see
legal.LegalActions._order_kinds)."""


# ---------------------------------------------------------------------- helpers

_new_tuple: Final = tuple.__new__
# A line logged, its entry not made yet: (round, day, phase, kind, text, audience, args),
# where ``text`` is the line's text if ``args`` is None, else the function that makes it
# from ``args`` (State._logf). The raw lines are kept flat, seven values a line, in one list:
# a tuple per line lived as long as the game, and the collector went over each.
_RawLine = tuple[int, int, str, str, Any, "tuple[str, ...] | None", "tuple[Any, ...] | None"]
_LINE_SIZE = 7


def _raw_lines(raw: list[Any]) -> Iterator[_RawLine]:
    """The lines of a flat list of raw ones (see _RawLine)."""
    values = iter(raw)
    return zip(*[values] * _LINE_SIZE, strict=True)


def _position(records: Sequence[Any], record: object) -> int:
    """The position of ``record`` itself (not an equal one) in ``records``, or -1."""
    for n, item in enumerate(records):
        if item is record:
            return n
    return -1


def _fields_but_owner(cls: type[Any]) -> operator.attrgetter[Any]:
    names = [f.name for f in dataclasses.fields(cls)]
    if names[-1] != "owner":  # pragma: no cover - records.py keeps it last
        raise AssertionError(f"{cls.__name__}.owner is not its last field")
    return operator.attrgetter(*names[:-1])


# Every field of the mutable records but their owner (the last), in constructor order (for
# the copies State.own_deal and own_session make; a pledge has Pledge.copy_for), read in one
# call each.
_DEAL_FIELDS = _fields_but_owner(Deal)
_SESSION_FIELDS = _fields_but_owner(Session)
# A pledge's fields set when it is made, and those politics and ratification change later
# (the last ones, in field order).
_PLEDGE_CHANGING = ("triggered", "settled", "trigger")
_PLEDGE_MADE = operator.attrgetter(
    *(
        f.name
        for f in dataclasses.fields(Pledge)
        if f.name not in _PLEDGE_CHANGING and f.name != "owner"
    )
)
_PLEDGE_CHANGES = operator.attrgetter(*_PLEDGE_CHANGING)
# What copy_as does not copy in its shallow copy of every container: what it makes anew
# (pledges, orders, the what_if baselines), the list of deals in force (shared: never
# changed in place) and the sampler's kinds (forgotten: a dict or None).
_REBUILT_ON_COPY = frozenset(
    {"pledges", "orders", "projection_cache", "_in_force", "_sampler_kinds"}
)
# The attributes State.copy_as copies (containers not rebuilt), by a state's attribute names;
# and by kind of state, the names it last met and what they copy.
_COPIED_BY_LAYOUT: dict[tuple[str, ...], tuple[str, ...]] = {}
_LAST_COPIED: dict[type[Any], tuple[tuple[str, ...], tuple[str, ...]]] = {}
# The compiled build's: what copy_as copies, by kind of state (a native class's layout is fixed).
_NATIVE_COPIED: dict[type[Any], tuple[str, ...]] = {}


def _copied_attributes(attributes: dict[str, Any]) -> tuple[str, ...]:
    """The attributes a copy of a state with these ``attributes`` copies: its dicts, sets
    and lists, but those copy_as rebuilds."""
    return tuple(
        name
        for name, value in attributes.items()
        if isinstance(value, (dict, set, list)) and name not in _REBUILT_ON_COPY
    )


# What of a deal can change later.
_DEAL_STATE = operator.attrgetter("status", "ended_by", "ended_round", "reneged_by")
_chain = itertools.chain.from_iterable
_is: Final = operator.is_
# Builtins called on hot paths, bound as constants: compiled code (mypyc) looks up by name
# at every call a builtin it does not compile inline, and reads a Final from a C static.
_sum: Final = sum
_map: Final = map
_abs: Final = abs
_all: Final = all
_itemgetter: Final = operator.itemgetter


def _rate_deal_keys(rules: Rules, force: list[Deal]) -> tuple[Any, ...]:
    """The keys (economy.deal_key, kept on each deal: plain tuples that hash fast) of the
    deals in force ``force`` that bound tariffs (economy.changes_rates, kept too)."""
    keys = []
    for d in force:  # (a loop: the two values are read off the deal, made when first needed)
        moves = d.moves_rates
        if moves is None:
            moves = eco.changes_rates(rules, d)
        if moves:
            keys.append(d.key or eco.deal_key(d))
    return tuple(keys)


def _read_nothing(credibility: dict[str, float]) -> tuple[()]:
    """The credibility an index with no pledger depends on: none."""
    return ()


# (the last term index made, the deals in force it was made of, the reader of its pledgers'
# credibility, what it read): see State.terms.
_TermsBook = tuple[
    "eco.TermIndex | None",
    tuple[Deal, ...],
    Callable[[dict[str, float]], Any],
    Any,
    "_TermsEntry | None",
]
# The deals' part of their index no credibility moves (economy.deal_terms) and, for
# projections, their indexes by their pledgers' credibility (Caches.terms' entry; None for a
# game's own): see State._index_terms.
_TermsEntry = tuple["eco.DealTerms", "dict[tuple[float, ...], eco.TermIndex] | None"]
# A snapshot, the reader of its terms' pledgers' credibility (None: no pledger), what it read,
# and its terms (see State.snapshot).
_SnapBook = tuple["eco.Snapshot", Callable[[dict[str, float]], Any] | None, Any, "eco.TermIndex"]


LEDGER_BOUND: Final = 1e290
"""The size a projection's kept round's numbers, and the sums it adds them to, stay within
(all together): added over at most 10 years of days (a scenario's window), they cannot
reach the float limit (about 1.8e308), so the sums stay finite whether added or not."""
# A round kept (State._accumulate): days, snapshot, and approval, credibility and relations:
# a projection's viewer's (two floats, and its own pairs in the layout's order), or, kept
# for everyone (_kept_for None), everyone's (in player order, and every pair in the layout's).
_LedgerRound = tuple[int, eco.Snapshot, Any, Any, tuple[float, ...]]
# The ledger, the rounds kept, and their days (State._book).
_Book = tuple[Ledger, tuple[_LedgerRound, ...], int]


def _add_all(
    led: Ledger,
    days: int,
    snap: eco.Snapshot,
    approvals: tuple[float, ...],
    credibilities: tuple[float, ...],
    relations: tuple[float, ...],
) -> Ledger:
    """``led`` with every sum added these ``days`` at these values: the snapshot's, and
    approval, credibility (in player order) and relations (in the layout's pair order)."""
    layout = led.layout
    of = layout.by_player
    # Each sum + value * days. A float's product with the whole number of days is its
    # product with that number as a float (exact below 2**53): the float operations are the
    # interpreter's fastest (list comprehensions beat map of operator functions). Key-major:
    # the snapshot's per-player values key by key, then approval and credibility.
    d = float(days)
    values = (
        *of(snap.gdp_bn),
        *of(snap.gdp_pct),
        *of(snap.revenue),
        *of(snap.consumer_cost),
        *of(snap.investment_received),
        *of(snap.purchases_received),
        *of(snap.cost_sharing_received),
        *approvals,
        *credibilities,
    )
    return _new_tuple(
        Ledger,
        (
            led.days + days,
            tuple([total + value * d for total, value in zip(led.sums, values, strict=True)]),
            tuple(
                [total + value * d for total, value in zip(led.pair_sums, relations, strict=True)]
            ),
            tuple(
                [total + value * d for total, value in zip(led.flow_rate, snap.rate, strict=True)]
            ),
            tuple(
                [total + value * d for total, value in zip(led.flow_value, snap.value, strict=True)]
            ),
            layout,
        ),
    )


def _add_own(
    led: Ledger,
    player: str,
    cells: tuple[tuple[int, bool], ...],
    days: int,
    snap: eco.Snapshot,
    approval: float,
    credibility: float,
    relations: tuple[float, ...],
) -> Ledger:
    """``led`` with ``player``'s sums, the flow ``cells`` it trades and its relations added
    these ``days`` at these values (a projection's ledger: what scoring.metric reads for
    its viewer)."""
    layout = led.layout
    n = len(layout.ids)
    sums = list(led.sums)
    slot = layout.position[player]
    for value in eco.player_sums(snap, player):  # (in ECONOMY_KEYS order)
        sums[slot] += value * days
        slot += n
    sums[slot] += approval * days
    sums[slot + n] += credibility * days
    flow_rate, flow_value = list(led.flow_rate), list(led.flow_value)
    rates, values = snap.rate, snap.value
    for index, _ in cells:
        flow_rate[index] += rates[index] * days
        flow_value[index] += values[index] * days
    pair_sums = list(led.pair_sums)
    for pair, value in zip(layout.own_pairs[player], relations, strict=True):
        pair_sums[layout.pair_position[pair]] += value * days
    return Ledger(
        led.days + days, tuple(sums), tuple(pair_sums), tuple(flow_rate), tuple(flow_value), layout
    )


def _bounded_ledger(known: dict[int, Ledger], led: Ledger) -> bool:
    """Whether every sum of ``led`` is finite and all their sizes add up to at most
    LEDGER_BOUND (remembered in ``known`` by id, each kept while there)."""
    if known.get(id(led)) is led:
        return True
    total = sum(map(abs, _chain((led.sums, led.pair_sums, led.flow_rate, led.flow_value))), 0.0)
    if not total <= LEDGER_BOUND:  # (NaN is not)
        return False
    if len(known) >= CACHE_SIZE:
        known.clear()  # bounded; a miss only costs the check
    known[id(led)] = led
    return True


def _finite_snapshot(snap: eco.Snapshot) -> bool:
    """Whether every number a ledger adds from ``snap`` is finite (inf and NaN carry through
    a sum)."""
    total = sum(snap.rate, 0.0) + sum(snap.value, 0.0)
    for table in eco.LEDGER_TABLES(snap):
        total += sum(table.values(), 0.0)
    return math.isfinite(total)


def _state_dict(c: dict[str, Any]) -> dict[str, Any]:
    """The canonical state JSON from a :meth:`Game._state_capture`."""
    layer_rate = dict(c["layer_rate"])
    layer_status = dict(c["layer_status"])
    deals, states = c["deals"]
    orders, (pledges, changes) = c["orders"], c["pledges"]
    led: Ledger = c["ledger"]
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
        "deals": [deal_json(d, *states[4 * n : 4 * n + 4]) for n, d in enumerate(deals)],
        "sessions": [s.to_json() for s in c["sessions"]],
        "session_index": c["session_index"],
        "orders": {orders[n]: [str(o) for o in orders[n + 1]] for n in range(0, len(orders), 2)},
        "done": sorted(c["done"]),
        "requests": [list(r) for r in c["requests"]],
        "pledges": [
            [*_PLEDGE_MADE(pledge), *changes[3 * n : 3 * n + 3]] for n, pledge in enumerate(pledges)
        ],
        "precedent": c["precedent"],
        "precedent_by": c["precedent_by"],
        "fired": dict(sorted(c["fired"].items())),
        "ledger": {
            "days": led.days,
            "player": led.player,
            "flow_rate": list(led.flow_rate),
            "flow_value": list(led.flow_value),
            "relations": {f"{a}-{b}": v for (a, b), v in sorted(led.relations.items())},
        },
        "extension_days": c["extension_days"],
        "event_talks": [[list(pair), level, req] for pair, level, req in c["event_talks"]],
        "stakes": {f"{a}-{b}": v for (a, b), v in sorted(c["stakes"].items())},
        "fact_checked": sorted(f"{a}:{b}" for a, b in c["fact_checked"]),
        "said": {f"{p}:{k}": n for (p, k), n in sorted(c["said"].items())},
        "talk_approval": dict(sorted(c["talk_approval"].items())),
        "talk_relations": {f"{a}-{b}": v for (a, b), v in sorted(c["talk_relations"].items())},
        "actions": c["actions"],
        "rng_draws": c["rng_draws"],  # with the seed, fixes the RNG state
    }


def _hash_json(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()
