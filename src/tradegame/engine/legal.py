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
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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
from tradegame.engine.memo import per_rules
from tradegame.engine.phases import orders, talks
from tradegame.engine.records import ORDERS, Session
from tradegame.engine.rules import TALK_LEVELS, Item, Rules
from tradegame.engine.state import OrderKind, SamplerKinds, State
from tradegame.engine.tables import CACHE_SIZE


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
    # The items two players can trade that are on the table, by what is on the table (a
    # game replaces its frozenset of available items when it changes, never edits it).
    deal_items: dict[tuple[str, str, frozenset[str]], tuple[Item, ...]] = field(
        default_factory=dict
    )
    kinds: dict[str, list[OrderKind]] = field(default_factory=dict)
    reneges: dict[tuple[str, str], Action] = field(default_factory=dict)


@per_rules
def _sampler_memo(rules: Rules) -> _SamplerMemo:
    return _SamplerMemo()


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


class _Deals(_Group):
    """Every deal of one to max_terms of ``items``, one level each, except ``offer``."""

    __slots__ = ("cls", "items", "legal", "offer", "partner", "player")

    def __init__(
        self,
        legal: LegalActions,
        cls: type[Propose] | type[Counter],
        player: str,
        partner: str,
        items: list[Item],
        offer: tuple[Term, ...] | None,
    ) -> None:
        self.legal, self.cls, self.player, self.partner = legal, cls, player, partner
        self.items, self.offer = items, offer

    def size(self) -> int:
        return self.legal._deal_count(self.items) - (1 if self.offer is not None else 0)

    def make(self) -> Iterator[Action]:
        for terms in self.legal._deals(self.items):
            if terms != self.offer:
                yield self.cls(self.player, self.partner, terms)

    def draw(self, rng: random.Random) -> Action:
        while True:
            terms = self.legal._sample_deal(self.items, rng)
            if terms != self.offer:
                return self.cls(self.player, self.partner, terms)


def _never(g: State, action: Action) -> str | None:
    raise AssertionError("done is drawn as done, not checked")


_DONE: OrderKind = ([], _never, 0, 0)  # the sampler's first kind: done


_PLAIN: dict[tuple[type, str], Action] = {}
# Read for every item of every deal considered: bound once (on Python 3.11 an enum member
# read from its class costs several times a module global).
_EXTENSION = TermKind.DEADLINE_EXTENSION


def _plain(kind: type[Action], player: str) -> Action:
    """``kind(player)`` for the moves without arguments (done, pass, accept, reject): values,
    so one of each per player serves every game."""
    action = _PLAIN.get((kind, player))
    if action is None:
        action = _PLAIN[(kind, player)] = kind(player)
    return action


class LegalActions:
    """The legal actions of ``player`` in ``game`` right now."""

    def __init__(self, game: Machine, player: str | None) -> None:
        self.game = game
        self.player = player
        self._active = player is not None and game.to_move() == player

    # -- deals

    def deal_items(self, giver_a: str, giver_b: str) -> list[Item]:
        """Items on the table between two players (either may give)."""
        g = self.game
        # Who may give what to whom is fixed by the scenario (tables.deal_items); an item is
        # on the table now if it and one of its levels can be agreed now (talks).
        memo = _sampler_memo(g.rules).deal_items
        key = (giver_a, giver_b, g.available_items)
        on_table = memo.get(key)
        if on_table is None:
            if len(memo) >= CACHE_SIZE:
                memo.clear()
            on_table = memo[key] = tuple(
                item for item in g.tables.deal_items[key[:2]] if talks.item_now(g, item) is None
            )
        return [item for item in on_table if item.kind != _EXTENSION or self._levels(item)]

    def _levels(self, item: Item) -> list[float] | tuple[float, ...]:
        """The levels of ``item`` that can be agreed now (of an item on the table: all, but for
        a deadline extension, whose levels must fit what is left of the maximum)."""
        g = self.game
        values = g.tables.levels[item.id]
        if item.kind == _EXTENSION:
            return [v for v in values if talks.level_fits(g, item, v)]
        return values

    def _deal_count(self, items: list[Item]) -> int:
        # Elementary symmetric sums: choose k items, one level each, 1 <= k <= max_terms.
        max_terms = self.game.rules.limits.max_terms
        e = [1] + [0] * max_terms
        for item in items:
            n = len(self._levels(item))
            for k in range(max_terms, 0, -1):
                e[k] += e[k - 1] * n
        return sum(e[1:])

    def _deals(self, items: list[Item]) -> Iterator[tuple[Term, ...]]:
        max_terms = self.game.rules.limits.max_terms
        for k in range(1, min(max_terms, len(items)) + 1):
            for chosen in itertools.combinations(items, k):
                for values in itertools.product(*(self._levels(it) for it in chosen)):
                    yield deal_terms([Term(it.id, v) for it, v in zip(chosen, values, strict=True)])

    def _sample_deal(self, items: list[Item], rng: random.Random) -> tuple[Term, ...]:
        max_terms = min(self.game.rules.limits.max_terms, len(items))
        bits = rng.getrandbits
        k = 1 + _below(bits, max_terms)  # rng.randint(1, max_terms)
        chosen = rng.sample(items, k)
        terms = []
        for item in chosen:
            levels = self._levels(item)
            terms.append(Term(item.id, levels[_below(bits, len(levels))]))  # rng.choice
        return deal_terms(terms)

    # -- the groups of moves available now: counted, enumerated and drawn from one list

    def _groups(self) -> list[_Group]:
        g = self.game
        p = self.player
        if not self._active or p is None:
            return []
        session = g.session
        if session is not None:
            return self._talk_groups(session, p)
        return self._order_groups(p)

    def _talk_groups(self, s: Session, p: str) -> list[_Group]:
        partner = s.responder if p == s.requester else s.requester
        items = self.deal_items(p, partner)
        offer = s.offer
        cls: type[Propose] | type[Counter]
        groups: list[_Group]
        if offer is None:
            groups = [_One(_plain(Pass, p))]
            cls = Propose
            other_deal = bool(items)
        else:
            groups = [_One(_plain(Accept, p)), _One(_plain(Reject, p))]
            cls = Counter
            # Some other deal exists unless the offer is the only possible deal.
            other_deal = len(items) > 1 or (len(items) == 1 and len(self._levels(items[0])) > 1)
        if other_deal:
            groups.append(_Deals(self, cls, p, partner, items, offer))
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
        g = self.game
        groups: list[_Group] = [_One(_plain(Done, p))]
        if len(g.orders[p]) >= g.rules.limits.max_orders:
            return groups
        # The sampler's kinds: candidates that pass their scenario checks, each with its
        # ``orders.NOW`` check (the rest of :func:`orders.verify` holds for every one of them
        # here: the player is to move in the orders phase, below max_orders).
        kinds, dead = self._order_kinds(p)
        for group, now, _, _ in kinds[1:]:
            if id(group) in dead:
                continue
            legal = [a for a in group if now(g, a) is None]
            if legal:
                groups.append(_Listed(legal))
            else:
                dead.add(id(group))  # as the sampler would (its draws do not depend on it)
        return groups

    def _order_kinds(self, p: str) -> SamplerKinds:
        """The sampler's kinds of order, each (candidates, check, count, count's bit length),
        done first (as an empty kind: it is always legal); and the ids of the candidate lists
        found to have no legal order this round.

        Static kinds are cached per scenario and player; reneges (one per deal in force)
        per round, since deals enter and leave force only at resolution. Within a round a
        player's orders only ever make more candidates illegal (duplicates, the one
        extension), so a kind with no legal order stays so; an instructor's news or inject
        clears the cache (Game.apply).
        """
        g = self.game
        cached = g._sampler_kinds
        if cached is not None and cached[0] == g.round:
            mine = cached[1].get(p)
            if mine is not None:
                return mine
        memo = _sampler_memo(g.rules)
        static = memo.kinds.get(p)
        if static is None:
            static = memo.kinds[p] = [_DONE] + [
                (group, orders.NOW[type(group[0])], len(group), len(group).bit_length())
                for group in self._order_candidates(p)
            ]
        # Actions are values: one Renege per (player, deal id) serves every game.
        made = memo.reneges
        reneges: list[Action] = []
        for d in g.deals_in_force(p):
            action = made.get((p, d.id))
            if action is None:
                action = made[(p, d.id)] = Renege(p, d.id)
            reneges.append(action)
        kinds = (
            static
            if not reneges
            else [*static, (reneges, orders.NOW[Renege], len(reneges), len(reneges).bit_length())]
        )
        if cached is None or cached[0] != g.round:
            cached = g._sampler_kinds = (g.round, {})
        mine = cached[1][p] = (kinds, set())
        return mine

    def _sample_order(self, p: str, rng: random.Random) -> Action:
        """Kind of order first, then an order of that kind, both uniform over legal ones.

        Rejection sampling within a kind; a kind with no legal order is dropped and the
        kind is drawn again, so the result is the same distribution as filtering everything.
        Each uniform draw below n is :func:`_below` written out (this is the random agent's
        every order): bits(k) for k = n.bit_length() until one is below n.
        """
        g = self.game
        if len(g.orders[p]) >= g.rules.limits.max_orders:
            action: Action = _plain(Done, p)
            g._verified = (action, len(g.actions))
            return action
        cached = g._sampler_kinds  # the cache hit of _order_kinds, inlined
        mine = cached[1].get(p) if cached is not None and cached[0] == g.round else None
        kinds, dead = mine if mine is not None else self._order_kinds(p)
        bits = rng.getrandbits
        shared = True  # kinds is the cached list: copy it before dropping a kind
        while True:
            count = len(kinds)
            count_bits = count.bit_length()
            n = bits(count_bits)
            while n >= count:
                n = bits(count_bits)
            if n == 0:  # done: first, and never dropped
                action = _plain(Done, p)
                break
            group, ok, size, size_bits = kinds[n]
            found: Action | None = None
            if id(group) in dead:
                for _ in range(8):  # the draws that found no legal order before
                    r = bits(size_bits)
                    while r >= size:
                        r = bits(size_bits)
            else:
                for _ in range(8):
                    r = bits(size_bits)
                    while r >= size:
                        r = bits(size_bits)
                    action = group[r]
                    if ok(g, action) is None:
                        found = action
                        break
                else:
                    legal = [a for a in group if ok(g, a) is None]
                    if legal:
                        found = legal[_below(bits, len(legal))]
                    else:
                        dead.add(id(group))
            if found is not None:
                action = found
                break
            if shared:
                kinds, shared = list(kinds), False
            kinds.pop(n)
        # apply() of this very action in this very state need not verify it again.
        g._verified = (action, len(g.actions))
        return action

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
        return [Term(item.id, v) for item in deals.items for v in self._levels(item)]

    # -- the view protocol

    def __iter__(self) -> Iterator[Action]:
        for group in self._groups():
            yield from group.make()

    def __len__(self) -> int:
        return sum(group.size() for group in self._groups())

    def count(self) -> int:
        return len(self)

    def __bool__(self) -> bool:
        return self._active and not self.game.is_over()

    def __contains__(self, action: object) -> bool:
        if not isinstance(action, Action) or action.player != self.player:
            return False
        try:
            self.game.verify(action)
        except IllegalActionError:
            return False
        return True

    def sample(self, rng: random.Random) -> Action:
        """A legal action: a kind of move uniformly, then one of that kind uniformly."""
        if self._active and self.player is not None and self.game.phase == ORDERS:
            return self._sample_order(self.player, rng)
        groups = self._groups()
        if not groups:
            raise IllegalActionError(f"{self.player} has no move now")
        return groups[_below(rng.getrandbits, len(groups))].draw(rng)

    def __repr__(self) -> str:
        return f"<LegalActions {self.player}: {len(self)}>"
