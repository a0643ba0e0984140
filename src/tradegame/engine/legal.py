"""The legal actions of one player: a lazy view (iterate, ``in``, ``len``, ``sample``).

Deals are never enumerated up front: a deal is a set of at most ``max_terms`` terms, each an
item at one of its levels, so iteration walks combinations lazily and ``len`` counts them with
a small polynomial product. ``sample(rng)`` first picks a kind of move uniformly, then a move
of that kind uniformly, so a random agent neither floods talks with giant deals nor never
finishes a round.
"""

from __future__ import annotations

import abc
import itertools
import math
import random
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from tradegame.engine.actions import (
    Accept,
    Action,
    Concede,
    Counter,
    Countermeasure,
    Done,
    ExtendDeadline,
    Pass,
    Propose,
    Reject,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
    deal_terms,
)
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.kinds import StatementKind, TermKind
from tradegame.engine.machine import Machine
from tradegame.engine.phases import orders, talks
from tradegame.engine.plain import picklable_when_compiled, python_class
from tradegame.engine.records import ORDERS, Session
from tradegame.engine.rules import TALK_LEVELS, Item, Rules
from tradegame.engine.state import OrderCheck, OrderKind, SamplerKinds, State
from tradegame.engine.tables import CACHE_SIZE, tables_of


def _below(getrandbits: Any, n: int) -> int:
    """A uniform integer in [0, n), n > 0: ``random.Random.randrange(n)``, by CPython's own
    algorithm (3.11 to 3.13), so the draws are the same; called without its checks."""
    k = n.bit_length()
    r: int = getrandbits(k)
    while r >= n:
        r = getrandbits(k)
    return r


@dataclass(slots=True)
class _SamplerMemo:
    """Per scenario: each player's candidate orders by kind, and the Renege actions made."""

    candidates: dict[str, list[list[Action]]] = field(default_factory=dict)
    # What two players can put in a deal, by the state's values that decide it
    # (talks.terms_moment: a game replaces its frozenset of available items, never edits it).
    tables: dict[tuple[str, str, tuple[object, ...]], _Table] = field(default_factory=dict)
    # The table last found for two players, with its moment: a game keeps its frozenset of
    # items from move to move, so its moment compares as the same objects, where the key of
    # ``tables`` may hold another game's equal frozenset, compared item by item.
    tables_now: dict[tuple[str, str], tuple[tuple[object, ...], _Table]] = field(
        default_factory=dict
    )
    # Each item's terms, one per level (values: one of each serves every game).
    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)
    kinds: dict[str, list[OrderKind]] = field(default_factory=dict)
    reneges: dict[str, dict[str, Action]] = field(default_factory=dict)  # by player, deal id
    # For the kinds of orders.BY_MOMENT: which of a player's candidates the moment allows, by
    # the values of the state that decide it.
    allowed: dict[tuple[str, int, tuple[object, ...]], list[bool]] = field(default_factory=dict)
    by_moment: dict[str, list[tuple[int, Callable[[State], tuple[object, ...]], OrderCheck]]] = (
        field(default_factory=dict)
    )
    # The legal orders of a kind of a player who has given no order this round, by the values
    # of the state its NOW check reads then (orders.NOW_KEY): (player, slot, values).
    unordered: dict[tuple[str, int, tuple[object, ...]], tuple[Action, ...]] = field(
        default_factory=dict
    )


def _sampler_memo(rules: Rules) -> _SamplerMemo:
    """The sampler's memory of ``rules``: kept in the scenario's tables (``Caches.sampler``),
    where a game reads it an attribute away (``g.tables.caches.sampler``)."""
    caches = tables_of(rules).caches
    memo: _SamplerMemo | None = caches.sampler
    if memo is None:
        memo = caches.sampler = _SamplerMemo()
    return memo


class _Group(abc.ABC):
    """One kind of move available now: how many, all of them, and one drawn uniformly."""

    __slots__ = ()

    @abc.abstractmethod
    def size(self) -> int: ...

    @abc.abstractmethod
    def make(self) -> Iterator[Action]: ...

    @abc.abstractmethod
    def draw(self, rng: random.Random) -> Action: ...


class _Listed(_Group):
    __slots__ = ("actions",)

    def __init__(self, actions: list[Action]) -> None:
        self.actions = actions

    def size(self) -> int:
        return len(self.actions)

    def make(self) -> Iterator[Action]:
        return iter(self.actions)

    def draw(self, rng: random.Random) -> Action:
        return rng.choice(self.actions)


class _One(_Group):
    """A move without arguments (pass, accept, reject, done): drawn without a draw."""

    __slots__ = ("action",)

    def __init__(self, action: Action) -> None:
        self.action = action

    def size(self) -> int:
        return 1

    def make(self) -> Iterator[Action]:
        return iter((self.action,))

    def draw(self, rng: random.Random) -> Action:
        return self.action


@dataclass(frozen=True, slots=True)
class _Table:
    """What two players can put in a deal now: the items on the table (either may give), in
    catalogue order, each with its terms at the levels that can be agreed now; and how many
    deals of one to ``max_terms`` distinct items, one level each, they make."""

    items: tuple[Item, ...]
    terms: tuple[tuple[Term, ...], ...]
    count: int


def _deal_count(sizes: list[int], max_terms: int) -> int:
    """How many deals of one to ``max_terms`` distinct items, one level each, items of
    ``sizes`` levels make: the elementary symmetric sums e_1 .. e_max_terms of the sizes,
    the coefficients of prod(1 + size·x)."""
    total = math.prod(size + 1 for size in sizes)  # e_0 + e_1 + ... : every choice, or none
    if max_terms >= len(sizes):
        return total - 1
    # The polynomial as one integer, a coefficient per ``bits`` bits: each is at most their
    # sum, ``total``, so none spills into the next, and the products are exact.
    bits = total.bit_length()
    poly = 1
    for size in sizes:
        poly += (poly * size) << bits  # times (1 + size·x)
    mask = (1 << bits) - 1
    count = 0
    for _ in range(max_terms):
        poly >>= bits
        count += poly & mask
    return count


def _sample_indices(bits: Any, n: int, k: int) -> list[int]:
    """``random.Random.sample(range(n), k)`` by CPython's own algorithm (3.11 to 3.13), so the
    draws are the same; each index below ``m`` drawn as :func:`_below`."""
    if n <= (_SMALL_SET if k <= 5 else _SMALL_SET + 4 ** math.ceil(math.log(k * 3, 4))):
        pool = list(range(n))
        result = []
        for i in range(k):
            m = n - i
            b = m.bit_length()
            j = bits(b)
            while j >= m:
                j = bits(b)
            result.append(pool[j])
            pool[j] = pool[m - 1]
        return result
    b = n.bit_length()
    selected: set[int] = set()
    result = []
    for _ in range(k):
        j = bits(b)
        while j >= n or j in selected:
            j = bits(b)
        selected.add(j)
        result.append(j)
    return result


_SMALL_SET = 21  # random.sample's "size of a small set minus size of an empty list"


class _Deals(_Group):
    """Every deal of one to max_terms of ``table``'s items, one level each, except ``offer``."""

    __slots__ = ("cls", "max_terms", "offer", "partner", "player", "table")

    def __init__(
        self,
        cls: type[Propose] | type[Counter],
        player: str,
        partner: str,
        table: _Table,
        offer: tuple[Term, ...] | None,
        max_terms: int,
    ) -> None:
        self.cls, self.player, self.partner = cls, player, partner
        self.table, self.offer, self.max_terms = table, offer, max_terms

    def size(self) -> int:
        return self.table.count - (1 if self.offer is not None else 0)

    def make(self) -> Iterator[Action]:
        terms = self.table.terms
        for k in range(1, min(self.max_terms, len(terms)) + 1):
            for chosen in itertools.combinations(terms, k):
                for values in itertools.product(*chosen):
                    deal = deal_terms(values)
                    if deal != self.offer:
                        yield self.cls(self.player, self.partner, deal)

    def draw(self, rng: random.Random) -> Action:
        """k uniform in 1..min(max_terms, items), k distinct items uniformly, a level of
        each uniformly (``rng.randint``, ``rng.sample`` and ``rng.choice``, drawn as they
        draw); again if that is the offer."""
        terms = self.table.terms
        n = len(terms)
        most = min(self.max_terms, n)
        bits = rng.getrandbits
        exact = type(rng) is random.Random  # its sample() draws as _sample_indices does
        most_bits = most.bit_length()
        while True:
            # Each uniform draw below m is _below(bits, m) written out (a call per term
            # cost about as much as its draw).
            k = bits(most_bits)
            while k >= most:
                k = bits(most_bits)
            k += 1  # rng.randint(1, most)
            chosen = _sample_indices(bits, n, k) if exact else rng.sample(range(n), k)
            values = []
            for i in chosen:
                levels = terms[i]
                m = len(levels)
                b = m.bit_length()
                r = bits(b)
                while r >= m:
                    r = bits(b)
                values.append(levels[r])
            deal = deal_terms(values)
            if deal != self.offer:
                return self.cls(self.player, self.partner, deal)


def _never(g: State, action: Action) -> str | None:
    raise AssertionError("done is drawn as done, not checked")


_DONE: OrderKind = ([], _never, 0, 0, None, 0)  # the sampler's first kind: done


# The draws of an order before its kind is filtered: iterated, not range(8) (a range made
# for every move cost more than the loop it drives).
_TRIES = (None,) * 8

_RENEGE_NOW = orders.NOW[Renege]
_NOW_KEY = orders.NOW_KEY


@python_class
class _DeadMark(list[bool]):
    """The type of :data:`_DEAD`: pickled and copied as the module's one mark, so that a
    pickled game's marks still say ``is _DEAD`` (an empty list read as a mask raises)."""

    def __reduce__(self) -> str:
        return "_DEAD"


_DEAD: list[bool] = _DeadMark()
"""The mark of a kind of order with no legal order left this round (never changed)."""


def _refused_mask(
    marks: list[list[bool] | None], slot: int, size: int, allowed: list[bool] | None
) -> list[bool]:
    """The round's mask of the kind in ``slot``, made from ``allowed`` (the moment's
    verdicts, shared per scenario: copied, never changed) on the first refusal."""
    mask = marks[slot] = [True] * size if allowed is None else list(allowed)
    return mask


def _legal_now(
    g: Machine,
    group: list[Action],
    now: OrderCheck,
    allowed: list[bool] | None,
    marks: list[list[bool] | None],
    slot: int,
) -> list[Action]:
    """The legal orders of one kind now, in candidate order: those that ``now`` passes, of
    the candidates not refused this round (``marks[slot]``, else ``allowed``: the moment's).
    Each candidate ``now`` refuses is marked refused for the round; a kind with none left is
    marked dead."""
    mask = marks[slot]
    if mask is None:
        mask = allowed
    legal: list[Action] = []
    for i, a in enumerate(group):
        if mask is not None and not mask[i]:
            continue
        if now(g, a) is None:
            legal.append(a)
        else:
            if mask is None or mask is allowed:
                mask = _refused_mask(marks, slot, len(group), allowed)
            mask[i] = False
    if not legal:
        marks[slot] = _DEAD
    return legal


_PLAIN: dict[tuple[type, str], Action] = {}
# Read for every item of every deal considered: bound once (on Python 3.11 an enum member
# read from its class costs several times a module global).
_EXTENSION: Final = TermKind.DEADLINE_EXTENSION


def _plain(kind: type[Action], player: str) -> Action:
    """``kind(player)`` for the moves without arguments (done, pass, accept, reject): values,
    so one of each per player serves every game."""
    action = _PLAIN.get((kind, player))
    if action is None:
        action = _PLAIN[(kind, player)] = kind(player)
    return action


_ONES: dict[tuple[type, str], _One] = {}


def _one(kind: type[Action], player: str) -> _One:
    """The group of the one move ``kind(player)`` (immutable, so shared like the move)."""
    group = _ONES.get((kind, player))
    if group is None:
        group = _ONES[(kind, player)] = _One(_plain(kind, player))
    return group


class LegalActions:
    """The legal actions of ``player`` in ``game`` right now."""

    __slots__ = ("_active", "_memo", "_seen", "game", "player")

    def __init__(self, game: Machine, player: str | None, moving: bool | None = None) -> None:
        """``moving``: whether the caller has just seen that ``player`` is to move (None: look)."""
        self.game = game
        self.player = player
        self._active = player is not None and game.to_move() == player if moving is None else moving
        self._seen = len(game.actions)  # the state _active was found in
        # The groups of moves for one state (len(game.actions)): len() then iteration, as
        # list() does, make them once.
        self._memo: tuple[int, list[_Group]] | None = None

    def _renew(self) -> None:
        """The view of the state now, of a player the caller has just seen is to move (a
        match renews one turn per seat rather than making one per move)."""
        self._active = self.player is not None
        self._seen = len(self.game.actions)
        self._memo = None

    # -- deals

    def deal_items(self, giver_a: str, giver_b: str) -> list[Item]:
        """Items on the table between two players (either may give)."""
        return list(self._table(giver_a, giver_b).items)

    def _table(self, giver_a: str, giver_b: str) -> _Table:
        """What ``giver_a`` and ``giver_b`` can put in a deal now (talks.item_now and
        talks.level_fits), remembered per scenario by the values of the state they read (the
        last one for the two players first: ``tables_now``)."""
        g = self.game
        memo = g.tables.caches.sampler or _sampler_memo(g.rules)
        moment = talks.terms_moment(g)
        pair = (giver_a, giver_b)
        known = memo.tables_now.get(pair)
        if known is not None and known[0] == moment:
            return known[1]
        key = (giver_a, giver_b, moment)
        table = memo.tables.get(key)
        if table is None:
            if len(memo.tables) >= CACHE_SIZE:
                memo.tables.clear()
            table = memo.tables[key] = self._make_table(giver_a, giver_b, memo.terms)
        memo.tables_now[pair] = (moment, table)
        return table

    def _make_table(self, giver_a: str, giver_b: str, made: dict[str, tuple[Term, ...]]) -> _Table:
        g = self.game
        items: list[Item] = []
        terms: list[tuple[Term, ...]] = []
        # Who may give what to whom is fixed by the scenario (tables.deal_items); an item is
        # on the table now if it and one of its levels can be agreed now (talks).
        for item in g.tables.deal_items[(giver_a, giver_b)]:
            if talks.item_now(g, item) is not None:
                continue
            every = made.get(item.id)
            if every is None:
                every = made[item.id] = tuple(Term(item.id, v) for v in g.tables.levels[item.id])
            if item.kind == _EXTENSION:  # its levels must fit what is left of the maximum
                every = tuple(t for t in every if talks.level_fits(g, item, t.value))
                if not every:
                    continue
            items.append(item)
            terms.append(every)
        count = _deal_count([len(t) for t in terms], g.rules.limits.max_terms)
        return _Table(tuple(items), tuple(terms), count)

    def _moving(self) -> bool:
        """Whether the player is to move now: a view kept after a move looks again (its
        moves, and the mark that lets apply() skip verify, are of the state now)."""
        version = len(self.game.actions)
        if self._seen != version:
            p = self.player
            self._active = p is not None and self.game.to_move() == p
            self._seen = version
        return self._active

    # -- the groups of moves available now: counted, enumerated and drawn from one list

    def _groups(self) -> list[_Group]:
        g = self.game
        version = len(g.actions)  # every move, the instructor's too, is appended there
        memo = self._memo
        if memo is not None and memo[0] == version:
            return memo[1]
        p = self.player
        groups: list[_Group]
        if not self._moving() or p is None:
            groups = []
        else:
            session = g.session
            groups = self._talk_groups(session, p) if session is not None else self._order_groups(p)
        self._memo = (version, groups)
        return groups

    def _talk_groups(self, s: Session, p: str) -> list[_Group]:
        partner = s.responder if p == s.requester else s.requester
        table = self._table(p, partner)
        offer = s.offer
        cls: type[Propose] | type[Counter]
        groups: list[_Group]
        if offer is None:
            groups = [_one(Pass, p)]
            cls = Propose
            other_deal = bool(table.items)
        else:
            groups = [_one(Accept, p), _one(Reject, p)]
            cls = Counter
            # Some other deal exists unless the offer is the only possible deal.
            n = len(table.terms)
            other_deal = n > 1 or (n == 1 and len(table.terms[0]) > 1)
        if other_deal:
            groups.append(_Deals(cls, p, partner, table, offer, self.game.rules.limits.max_terms))
        return groups

    def _order_candidates(self, p: str) -> list[list[Action]]:
        """Every order ``p`` could ever give, by kind; cached per scenario and player.

        Enumerates each kind's values (rates on the step grid, items at their levels ...)
        and keeps the orders the scenario allows (``orders.BY_SCENARIO``)."""
        g = self.game
        rules = g.rules
        memo = _sampler_memo(rules).candidates
        cached = memo.get(p)
        if cached is not None:
            return cached
        candidates: list[list[Action]] = []
        tariffs: list[Action] = []
        step = rules.limits.tariff_step
        for ins in rules.player(p).tariffs:
            n_steps = int(round((ins.max - ins.min) / step))
            rates = sorted(
                {round(ins.min + k * step, 10) for k in range(n_steps + 1)} | {ins.min, ins.max}
            )
            tariffs += [SetTariff(p, ins.layer, rate) for rate in rates]
        candidates.append(tariffs)
        candidates.append(
            [
                Countermeasure(p, c.id, on)
                for c in rules.player(p).countermeasures
                for on in (True, False)
            ]
        )
        concessions: list[Action] = []
        for item in rules.items:
            if item.owner == p:
                for other in rules.player_ids:
                    for lv in item.levels:
                        concessions.append(Concede(p, other, (Term(item.id, lv.value),)))
        candidates.append(concessions)
        candidates.append(self._statements(p))
        candidates.append(
            [
                RequestTalks(p, other, level)
                for other in rules.player_ids
                if other != p
                for level in TALK_LEVELS
            ]
        )
        # Any day count up to the maximum can fit at some moment (see _extension_fits).
        candidates.append(
            [ExtendDeadline(p, d) for d in range(1, rules.calendar.max_extension_days + 1)]
        )
        candidates = [
            [a for a in group if orders.BY_SCENARIO[type(a)](rules, a) is None]
            for group in candidates
        ]
        candidates = memo[p] = [group for group in candidates if group]
        return candidates

    def _order_groups(self, p: str) -> list[_Group]:
        groups: list[_Group] = [_one(Done, p)]
        groups += [_Listed(legal) for legal in self._order_lists(p, None)]
        return groups

    def _order_lists(self, p: str, classes: Collection[type[Action]] | None) -> list[list[Action]]:
        """The legal orders of ``p`` now (of ``classes``, None: all), a new list per kind
        with any, in the sampler's order of kinds; done left out."""
        g = self.game
        if len(g.orders[p]) >= g.rules.limits.max_orders:
            return []
        # The sampler's kinds: candidates that pass their scenario checks, each with its
        # ``orders.NOW`` check (the rest of :func:`orders.verify` holds for every one of them
        # here: the player is to move in the orders phase, below max_orders).
        kinds, marks, _, _, _ = self._order_kinds(p)
        # No order given yet this round (a plan's first look): a kind's NOW verdicts are
        # remembered by what they read then.
        known = None if g.orders[p] else (g.tables.caches.sampler or _sampler_memo(g.rules))
        out = []
        for group, now, _, _, allowed, slot in kinds[1:]:
            cls = type(group[0])
            if marks[slot] is _DEAD or (classes is not None and cls not in classes):
                continue
            if known is not None and (key_of := _NOW_KEY.get(cls)) is not None:
                lists = known.unordered
                key = (p, slot, key_of(g, p))
                found = lists.get(key)
                if found is None:
                    if len(lists) >= CACHE_SIZE:
                        lists.clear()
                    found = lists[key] = tuple([a for a in group if now(g, a) is None])
                if found:
                    out.append(list(found))
                continue
            # Marks what it finds refused, as the sampler would (its draws do not depend on
            # them: a refused candidate is drawn and passed over all the same).
            legal = _legal_now(g, group, now, allowed, marks, slot)
            if legal:
                out.append(legal)
        return out

    def orders_of(self, classes: Collection[type[Action]]) -> list[list[Action]]:
        """The legal orders of these classes now, a new list per kind of order (one class
        each), in the order iteration gives them: what ``list(self)`` holds of those
        classes, without checking the orders of other kinds. Empty unless the player is to
        give orders now."""
        p = self.player
        if p is None or not self._moving() or self.game.session is not None:
            return []  # (as _groups: no orders, or the talks' moves)
        return self._order_lists(p, classes)

    def _order_kinds(self, p: str) -> SamplerKinds:
        """The sampler's kinds of order, each (candidates, check, count, count's bit length,
        the moment's verdicts or None, its slot: its place in this list), done first (as an
        empty kind: it is always legal); the round's marks, a slot per kind: which of its
        candidates were found refused this round (False), ``_DEAD`` when none is left, or
        None (none refused yet); and, read at every draw, how many kinds, that count's bit
        length and ``max_orders``. (A slot, not the place, names a kind's marks: the sampler
        drops a dead kind from its own copy of the list.)

        Static kinds are cached per scenario and player; reneges (one per deal in force)
        per round, since deals enter and leave force only at resolution: the round's
        entries go with the round (Machine._end_round). Within a round a
        player's orders only ever make more candidates illegal (duplicates, the one
        extension): a candidate ``orders.NOW`` refused stays refused for the round, and a
        kind with no legal order stays so; an instructor's news or inject clears the cache
        (Game.apply). The marks only spare asking again: a refused candidate is still drawn
        and passed over, so the draws are the same.
        """
        g = self.game
        cached = g._sampler_kinds
        if cached is not None:
            mine = cached.get(p)
            if mine is not None:
                return mine
        memo = g.tables.caches.sampler or _sampler_memo(g.rules)
        static = memo.kinds.get(p)
        if static is None:
            static = [_DONE] + [
                (group, orders.NOW[type(group[0])], len(group), len(group).bit_length(), None, i)
                for i, group in enumerate(self._order_candidates(p), 1)
            ]
            # by_moment first: a thread (a timed agent's, on a copy) that finds kinds[p]
            # reads by_moment[p] at once.
            memo.by_moment[p] = [
                (i, *orders.BY_MOMENT[type(kind[0][0])])
                for i, kind in enumerate(static)
                if i and type(kind[0][0]) in orders.BY_MOMENT
            ]
            memo.kinds[p] = static
        kinds = static
        for i, values, moment in memo.by_moment[p]:
            group, now, size, size_bits, _, _ = static[i]
            key = (p, i, values(g))
            allowed = memo.allowed.get(key)
            if allowed is None:
                if len(memo.allowed) >= CACHE_SIZE:
                    memo.allowed.clear()
                allowed = memo.allowed[key] = [moment(g, a) is None for a in group]
            if kinds is static:
                kinds = list(static)
            kinds[i] = (group, now, size, size_bits, allowed, i)
        # Actions are values: one Renege per (player, deal id) serves every game.
        made = memo.reneges.get(p)
        if made is None:
            made = memo.reneges[p] = {}
        reneges: list[Action] = []
        for d in g._force():  # the deals in force (kept, never changed), p's among them
            if p in d.parties:
                action = made.get(d.id)
                if action is None:
                    action = made[d.id] = Renege(p, d.id)
                reneges.append(action)
        if reneges:
            size = len(reneges)
            slot = len(kinds)
            kinds = [*kinds, (reneges, _RENEGE_NOW, size, size.bit_length(), None, slot)]
        if cached is None:
            cached = g._sampler_kinds = {}
        count = len(kinds)
        most = g.rules.limits.max_orders
        mine = cached[p] = (kinds, [None] * count, count, count.bit_length(), most)
        return mine

    def _statements(self, p: str) -> list[Action]:
        rules = self.game.rules
        out: list[Action] = []
        for other in rules.player_ids:
            if other == p:
                continue
            out.append(Statement(p, StatementKind.CLAIM_PROGRESS.value, other))
            out.append(Statement(p, StatementKind.REASSURE.value, other))
            for claim in rules.claims:
                if claim.by == other:
                    out.append(Statement(p, StatementKind.FACT_CHECK.value, other, claim.id))
            for c in rules.player(p).countermeasures:
                if c.target == other:
                    out.append(Statement(p, StatementKind.THREAT.value, other, c.id))
            for t in rules.player(p).tariffs:
                if rules.layer(t.layer).exporter in (other, "all"):
                    out.append(Statement(p, StatementKind.THREAT.value, other, t.layer))
            for item in rules.items:
                if item.owner == other and item.can_go_to(p):
                    for lv in item.levels:
                        out.append(
                            Statement(
                                p,
                                StatementKind.PUBLIC_DEMAND.value,
                                other,
                                str(Term(item.id, lv.value)),
                            )
                        )
        return out

    # -- public catalogues for fixed action codecs (tradegame.rl.codec)

    def order_catalogue(self) -> list[Action]:
        """Every order (tariff, countermeasure, concession, statement, talks request,
        extension) this player could ever give in this scenario, in a fixed order; reneges,
        which name a deal, are not in it. The same list in every state of every game."""
        if self.player is None:
            return []
        return [a for group in self._order_candidates(self.player) for a in group]

    def deal_terms(self) -> list[Term]:
        """The terms this player may put in a deal now, item by item, levels in order: any
        set of them on distinct items, one to ``max_terms`` of them, is a legal proposal or
        counter (unless it repeats the offer on the table). Empty when no deal can be
        proposed or countered now."""
        groups = self._groups()
        deals = next((grp for grp in groups if isinstance(grp, _Deals)), None)
        if deals is None:
            return []
        return [t for terms in deals.table.terms for t in terms]

    # -- the view protocol

    def __iter__(self) -> Iterator[Action]:
        for group in self._groups():
            yield from group.make()

    def __len__(self) -> int:
        return sum(group.size() for group in self._groups())

    def count(self) -> int:
        return len(self)

    def __bool__(self) -> bool:
        return self._moving() and not self.game.is_over()

    def __contains__(self, action: object) -> bool:
        if not isinstance(action, Action) or action.player != self.player:
            return False
        try:
            self.game.verify(action)
        except IllegalActionError:
            return False
        return True

    def sample(self, rng: random.Random) -> Action:
        """A legal action: a kind of move uniformly, then one of that kind uniformly.

        An order (the random agent's usual move, so written out here): the kind of order
        first, then an order of that kind, both uniform over legal ones. Rejection sampling
        within a kind; a kind with no legal order is dropped and the kind is drawn again, so
        the result is the same distribution as filtering everything. Each uniform draw below
        n is :func:`_below` written out: bits(k) for k = n.bit_length() until one is below n.
        """
        g = self.game
        # _moving(), written out for the usual case (a view made for this very state).
        if g.phase != ORDERS or not (
            self._active if self._seen == len(g.actions) else self._moving()
        ):
            action = self._sample_talks(rng, self._groups())
        else:
            action = self._sample_moving(rng)
        # A move drawn here is legal by its drawing (test_fast_paths checks it against
        # verify() in every state of random games): apply() of this very action in this very
        # state need not verify it again.
        g._verified = (action, len(g.actions))
        return action

    def _sample_moving(self, rng: random.Random) -> Action:
        """:meth:`sample` of a player the caller has just seen is to move (play_match's
        random seats, whose view is the loop's own: one call a move, no renewal of the view
        for an order), without the mark: play_match pushes what it draws at once."""
        g = self.game
        p = self.player
        assert p is not None  # the view of no player is never moving
        if g.phase != ORDERS:  # talks: the session's groups (the loop's view keeps none)
            return self._sample_talks(rng, self._talk_groups(g.sessions[g.session_index], p))
        cached = g._sampler_kinds  # the cache hit of _order_kinds, inlined
        mine = cached.get(p) if cached is not None else None
        kinds, marks, count, count_bits, most = mine if mine is not None else self._order_kinds(p)
        if len(g.orders[p]) >= most:
            return _PLAIN.get((Done, p)) or _plain(Done, p)
        bits = rng.getrandbits
        shared = True  # kinds is the cached list: copy it before dropping a kind
        while True:
            n = bits(count_bits)
            while n >= count:
                n = bits(count_bits)
            if n == 0:  # done: first, and never dropped
                action = _PLAIN.get((Done, p)) or _plain(Done, p)
                break
            group, ok, size, size_bits, allowed, slot = kinds[n]
            mask = marks[slot]  # the round's refusals, else the moment's
            if mask is None:
                mask = allowed
            if mask is _DEAD:
                for _ in _TRIES:  # the draws that found no legal order before
                    r = bits(size_bits)
                    while r >= size:
                        r = bits(size_bits)
            else:
                for _ in _TRIES:
                    r = bits(size_bits)
                    while r >= size:
                        r = bits(size_bits)
                    if mask is not None and not mask[r]:
                        continue  # refused by the moment or this round, as NOW would
                    action = group[r]
                    if ok(g, action) is None:
                        return action
                    if mask is None or mask is allowed:
                        mask = _refused_mask(marks, slot, size, allowed)
                    mask[r] = False
                legal = _legal_now(g, group, ok, allowed, marks, slot)
                if legal:
                    action = legal[_below(bits, len(legal))]
                    break
            if shared:
                kinds, shared = list(kinds), False
            kinds.pop(n)
            count -= 1
            count_bits = count.bit_length()
        return action

    def _sample_talks(self, rng: random.Random, groups: list[_Group]) -> Action:
        """A talks move drawn from ``groups``, the view's groups now (none: no move)."""
        if not groups:
            raise IllegalActionError(f"{self.player} has no move now")
        # _below(rng.getrandbits, len(groups)), written out (a draw of every talks move)
        count = len(groups)
        count_bits = count.bit_length()
        bits = rng.getrandbits
        n = bits(count_bits)
        while n >= count:
            n = bits(count_bits)
        return groups[n].draw(rng)

    def __repr__(self) -> str:
        return f"<LegalActions {self.player}: {len(self)}>"


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
