"""The built-in negotiators: hawk, dove, tit-for-tat, the time-based concession family
(Boulware, Conceder, Linear) and greedy.

They share one mechanism (:class:`Negotiator`): value each term with ``what_if`` (a bounded,
cached valuation per partner), build a ladder of packages from tough to soft, and compare
offers on the table with ``what_if``. What differs, and makes each one explainable, is the
*target* — the least change in its own projected score it will settle for now — and which
package it puts on the table:

=============  =======================================  =======================================
agent          settles for (target)                     puts on the table
=============  =======================================  =======================================
hawk           90% of its best package, until the       its toughest package; in the last two
               last two rounds; then anything positive   rounds, the softest that still pays
dove           anything positive                        the softest package that still pays
tit-for-tat    anything positive while the partner      a middle package; its toughest after a
               cooperates; 90% of its best after a      defection
               defection (tariff raised, countermeasure
               activated, deal reneged)
boulware       best × (1 − t⁵): holds out, concedes     the softest package meeting the target
               late (t = share of the game played)
linear         best × (1 − t)                           same
conceder       best × (1 − t^0.2): concedes early       same
greedy         the offer if it projects at least as     the package with the best ``what_if``
               well as every package not yet tried      projection among those not yet tried
bargainer      its reservation value: what it expects   its toughest package first, then the
(the default)  by waiting, from its opening value       softest that meets its reservation
               down to a floor as the deadline nears
=============  =======================================  =======================================
"""

from __future__ import annotations

import operator
import random
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from tradegame.agents.base import Talks, Turn, register
from tradegame.agents.tactics import (
    RESERVE,
    Package,
    Strategy,
    TermValues,
    closest_above,
    deal_move,
    ladder,
    no_move,
    offer_action,
    pair_catalogue,
    pair_records,
    round_days,
    substantive_deal,
    trading_partners,
)
from tradegame.engine import (
    Accept,
    Action,
    Concede,
    Countermeasure,
    ExtendDeadline,
    Reject,
    SetTariff,
    Statement,
    Term,
)
from tradegame.engine.actions import fmt_number

LAST_ROUNDS = 2
"""A hawk holds out until this many rounds are left (the current one included)."""

ORDER_SHORTLIST = 4
"""Orders greedy evaluates with ``what_if`` per round, at most."""

LADDER_STEPS = 6
"""Packages on a negotiator's ladder, each valued with ``what_if``."""

PACKAGE_ROUNDS = 4
"""A ladder and its values serve this many rounds (per partner) before they are rebuilt."""


class Negotiator(Strategy):
    """Talks with a what_if-valued ladder of packages; subclasses set the target."""

    ladder_steps = LADDER_STEPS
    """Packages on this negotiator's ladder (each valued with ``what_if`` when built)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)
        self.values = TermValues()
        self._packages: dict[tuple[str, int], list[Package]] = {}

    # -- what to aim for (subclasses)

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        """The least change in projected score this agent settles for now (subclasses set
        the time profile; the base settles for nothing less than the best)."""
        return top

    def choose(
        self, turn: Turn, talks: Talks, packages: list[Package], target: float
    ) -> Package | None:
        """The package to put on the table (default: the softest that meets the target)."""
        return closest_above(packages, target)

    # -- the mechanism

    def packages(self, turn: Turn, talks: Talks) -> list[Package]:
        """The ladder for this partner, each package valued with ``what_if`` (the additive
        estimate only chooses the terms: objectives saturate, so sums of single-term values
        overstate big packages); rebuilt every ``PACKAGE_ROUNDS`` rounds."""
        key = (talks.partner, turn.round // PACKAGE_ROUNDS)
        cached = self._packages.get(key)
        if cached is None:
            # The catalogue's records and the win-set alone, not the view's JSON.
            mine, theirs = pair_records(turn.catalogue(), turn.player, talks.partner)
            values = self.values.get(turn, talks, [*theirs, *mine])
            cached = []
            for p in ladder(
                mine,
                theirs,
                values,
                turn.limits.max_terms,
                turn.win_set,
                steps=self.ladder_steps,
                bonus=self.values.bonus(talks.partner),
            ):
                try:
                    real = turn.what_if([deal_move(turn, talks, p.terms)]).change
                except ValueError:  # e.g. a counter at the exchange limit
                    continue
                cached.append(Package(p.terms, real, p.concession))
            self._packages = {k: v for k, v in self._packages.items() if k[0] != talks.partner}
            self._packages[key] = cached
        return cached

    def talk(self, turn: Turn, talks: Talks) -> Action:
        packages = self.packages(turn, talks)
        top = max((p.value for p in packages), default=0.0)
        target = max(RESERVE, self.target(turn, talks, top))
        if talks.offer is not None and self.accepts(turn, talks, target):
            return Accept(turn.player)
        choice = self.choose(turn, talks, packages, target)
        if choice is not None:
            action = offer_action(turn, talks, choice.terms)
            if action is not None:
                return action
        return no_move(turn)

    def accepts(self, turn: Turn, talks: Talks, target: float) -> bool:
        return turn.what_if([Accept(turn.player)]).change >= target

    def plan_orders(self, turn: Turn) -> list[Action]:
        return self.talk_requests(turn)


# ---------------------------------------------------------------------- time-based concession


class TimeBased(Negotiator):
    """Target = best × (1 − t^(1/e)), t the share of the game played (Faratin et al. 1998)."""

    exponent = 1.0

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        return concession_target(top, turn.progress, self.exponent)


def concession_target(top: float, t: float, exponent: float) -> float:
    """``top × (1 − t^(1/exponent))``: e < 1 holds out (Boulware), e > 1 concedes early."""
    t = min(1.0, max(0.0, t))
    return float(top * (1.0 - t ** (1.0 / exponent)))


@register("boulware")
class BoulwareAgent(TimeBased):
    description = (
        "time-based concession that holds out: target utility best×(1−t⁵), "
        "accepts an offer whose what_if value meets it"
    )
    exponent = 0.2


@register("linear")
class LinearAgent(TimeBased):
    description = (
        "time-based concession at a steady pace: target utility best×(1−t), "
        "accepts an offer whose what_if value meets it"
    )
    exponent = 1.0


@register("conceder")
class ConcederAgent(TimeBased):
    description = (
        "time-based concession that gives ground early: target utility "
        "best×(1−t^0.2), accepts an offer whose what_if value meets it"
    )
    exponent = 5.0


# ---------------------------------------------------------------------- watching partners


@dataclass(slots=True)
class _Seen:
    """What a player last saw of a partner's behaviour towards it."""

    layers: dict[str, tuple[float, str]] = field(default_factory=dict)
    packages: frozenset[str] = frozenset()
    reneged: frozenset[str] = frozenset()
    gifts: frozenset[str] = frozenset()


@dataclass(slots=True)
class Behaviour:
    """What a partner did to the player since the last look."""

    defected: bool = False
    gifts: int = 0


class PartnerWatch:
    """Detects defections (one of the partner's own tariff instruments raised against the
    player, a countermeasure activated against it, a deal reneged) and gifts (unilateral
    concessions to the player) from the player's view, once per round. The snap-back at the
    deadline and scheduled tariffs are the clock, not a defection."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}
        self._round = -1
        self._snapped = False
        self.last: dict[str, Behaviour] = {}

    def look(self, turn: Turn) -> dict[str, Behaviour]:
        if self._round == turn.round:
            return self.last
        self._round = turn.round
        view = turn.sections("snapped_back", "players", "layers", "deals")
        me = turn.player
        snap_round = view["snapped_back"] and not self._snapped
        self._snapped = view["snapped_back"]
        out: dict[str, Behaviour] = {}
        for partner in (p["id"] for p in view["players"] if p["id"] != me):
            now = _observe(view, me, partner)
            before = self._seen.get(partner)
            self._seen[partner] = now
            if before is None:
                out[partner] = Behaviour()
                continue
            defected = bool(now.packages - before.packages) or bool(now.reneged - before.reneged)
            if not snap_round:
                for lid, (rate, status) in now.layers.items():
                    old = before.layers.get(lid)
                    if old is None:
                        continue
                    if status == "in_force" and (old[1] != "in_force" or rate > old[0] + 1e-9):
                        defected = True
            out[partner] = Behaviour(defected, len(now.gifts - before.gifts))
        self.last = out
        return out


def _observe(view: dict[str, Any], me: str, partner: str) -> _Seen:
    p = next(x for x in view["players"] if x["id"] == partner)
    own = {t["layer"] for t in p["tariff_instruments"]}  # layers only the partner's orders move
    layers = {
        la["id"]: (la["rate"], la["status"])
        for la in view["layers"]
        if la["id"] in own and la["exporter"] in (me, "all")
    }
    packages = frozenset(c["id"] for c in p["countermeasures"] if c["target"] == me and c["active"])
    reneged = frozenset(
        d["id"]
        for d in view["deals"]
        if d["status"] == "reneged" and d["ended_by"] == partner and me in d["parties"]
    )
    gifts = frozenset(
        d["id"] for d in view["deals"] if d["unilateral"] and d["parties"] == [partner, me]
    )
    return _Seen(layers, packages, reneged, gifts)


def retaliation(turn: Turn, partner: str) -> Action | None:
    """The player's cheapest escalation against ``partner``: a suspended countermeasure
    aimed at it, else one of its tariffs on the partner raised by two steps."""
    view = turn.sections("players", "layers")
    me = next(p for p in view["players"] if p["id"] == turn.player)
    for c in me["countermeasures"]:
        if c["target"] == partner and not c["active"]:
            action: Action = Countermeasure(turn.player, c["id"], True)
            if action in turn.legal:
                return action
    layers = {la["id"]: la for la in view["layers"]}
    step = turn.limits.tariff_step
    for ins in me["tariff_instruments"]:
        la = layers.get(ins["layer"])
        if la is None or la["exporter"] not in (partner, "all"):
            continue
        now = la["rate"] if la["status"] == "in_force" else ins["min"]
        rate = min(ins["max"], max(ins["min"], round((now + 2 * step) / step) * step))
        action = SetTariff(turn.player, ins["layer"], round(rate, 10))
        if action in turn.legal:
            return action
    return None


def de_escalation(turn: Turn, partner: str) -> Action | None:
    """Suspend an active countermeasure aimed at ``partner`` (the player's own)."""
    view = turn.sections("players")
    me = next(p for p in view["players"] if p["id"] == turn.player)
    for c in me["countermeasures"]:
        if c["target"] == partner and c["active"]:
            action = Countermeasure(turn.player, c["id"], False)
            if action in turn.legal:
                return action
    return None


def cheapest_gift(turn: Turn, partner: str) -> Action | None:
    """A unilateral concession of the player's politically cheapest item level to ``partner``."""
    view = turn.sections("catalogue")
    mine, _ = pair_catalogue(view, turn.player, partner)
    options = sorted((it.cost(it.levels[0]), it.id, it.levels[0]) for it in mine)
    for _, item, level in options:
        action = Concede(turn.player, partner, (Term(item, level),))
        if action in turn.legal:
            return action
    return None


# ---------------------------------------------------------------------- hawk, dove, tit-for-tat


@register("hawk")
class HawkAgent(Negotiator):
    description = (
        "demands its toughest package and concedes nothing until the last two "
        "rounds; threatens, demands in public and carries out its threats"
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)
        self.watch = PartnerWatch()
        self.threatened: dict[str, str] = {}
        self.demanded: set[str] = set()

    def endgame(self, turn: Turn) -> bool:
        return turn.rounds_total - turn.round < LAST_ROUNDS

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        return RESERVE if self.endgame(turn) else 0.9 * top

    def choose(
        self, turn: Turn, talks: Talks, packages: list[Package], target: float
    ) -> Package | None:
        if self.endgame(turn):
            return closest_above(packages, target)
        return packages[0] if packages and packages[0].value >= RESERVE else None

    def plan_orders(self, turn: Turn) -> list[Action]:
        view = turn.sections("snapped_back", "players", "catalogue", "deals", "layers")
        me = turn.player
        behaviour = self.watch.look(turn)
        orders: list[Action] = []
        for partner, b in behaviour.items():
            no_deal = not substantive_deal(view, me, partner)
            threat_due = partner in self.threatened and no_deal and view["snapped_back"]
            if b.defected or threat_due:
                hit = self._carry_out(turn, partner) if threat_due else retaliation(turn, partner)
                if hit is not None:
                    orders.append(hit)
        orders.extend(self.talk_requests(turn, limit=1))
        for partner in trading_partners(view, me):
            if substantive_deal(view, me, partner):
                continue
            if partner not in self.demanded:
                demand = self._demand(turn, view, partner)
                if demand is not None:
                    self.demanded.add(partner)
                    orders.append(demand)
            elif partner not in self.threatened:
                threat = self._threat(turn, view, partner)
                if threat is not None:
                    self.threatened[partner] = threat.subject
                    orders.append(threat)
        return orders

    def _demand(self, turn: Turn, view: dict[str, Any], partner: str) -> Statement | None:
        _, theirs = pair_catalogue(view, turn.player, partner)
        if not theirs:
            return None
        item = max(theirs, key=lambda it: (it.gain(it.levels[-1]), it.id))
        subject = f"{item.id}={fmt_number(item.levels[-1])}"
        action = Statement(turn.player, "public_demand", partner, subject)
        return action if action in turn.legal else None

    def _threat(self, turn: Turn, view: dict[str, Any], partner: str) -> Statement | None:
        me = next(p for p in view["players"] if p["id"] == turn.player)
        subjects = [c["id"] for c in me["countermeasures"] if c["target"] == partner]
        layers = {la["id"]: la for la in view["layers"]}
        subjects += [
            t["layer"]
            for t in me["tariff_instruments"]
            if layers[t["layer"]]["exporter"] in (partner, "all")
        ]
        for subject in subjects:
            action = Statement(turn.player, "threat", partner, subject)
            if action in turn.legal:
                return action
        return None

    def _carry_out(self, turn: Turn, partner: str) -> Action | None:
        subject = self.threatened[partner]
        on = Countermeasure(turn.player, subject, True)
        if on in turn.legal:
            return on
        view = turn.sections("players")
        me = next(p for p in view["players"] if p["id"] == turn.player)
        for ins in me["tariff_instruments"]:
            if ins["layer"] == subject:
                action = SetTariff(turn.player, subject, ins["max"])
                if action in turn.legal:
                    return action
        return retaliation(turn, partner)


@register("dove")
class DoveAgent(Negotiator):
    description = (
        "opens with its softest package that still pays, accepts any offer that "
        "raises its projected score, reassures partners, never retaliates"
    )

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        return RESERVE

    def plan_orders(self, turn: Turn) -> list[Action]:
        view = turn.sections("players", "catalogue", "deals")
        orders = self.talk_requests(turn, limit=1)
        orders += [
            Statement(turn.player, "reassure", p) for p in trading_partners(view, turn.player)
        ]
        return orders


@register("tit-for-tat")
class TitForTatAgent(Negotiator):
    description = (
        "cooperates first (a middle package, accepts any gain), then answers each "
        "partner in kind: retaliates for escalation, returns gifts, forgives"
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)
        self.watch = PartnerWatch()
        self.hostile: set[str] = set()

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        self._update(turn)
        return 0.9 * top if talks.partner in self.hostile else RESERVE

    def choose(
        self, turn: Turn, talks: Talks, packages: list[Package], target: float
    ) -> Package | None:
        if talks.partner in self.hostile:
            return packages[0] if packages and packages[0].value >= target else None
        paying = [p for p in packages if p.value >= target]
        if not paying:
            return None
        return min(paying, key=lambda p: (abs(p.concession - 0.5), -p.value))

    def _update(self, turn: Turn) -> dict[str, Any]:
        behaviour = self.watch.look(turn)
        for partner, b in behaviour.items():
            if b.defected:
                self.hostile.add(partner)
            elif b.gifts:
                self.hostile.discard(partner)
        return behaviour

    def plan_orders(self, turn: Turn) -> list[Action]:
        behaviour = self.watch.look(turn)
        orders: list[Action] = []
        for partner, b in behaviour.items():
            if b.defected:
                self.hostile.add(partner)
                hit = retaliation(turn, partner)
                if hit is not None:
                    orders.append(hit)
            elif partner in self.hostile:
                self.hostile.discard(partner)  # one round of good behaviour is forgiven
                calm = de_escalation(turn, partner)
                if calm is not None:
                    orders.append(calm)
            if b.gifts:
                gift = cheapest_gift(turn, partner)
                if gift is not None:
                    orders.append(gift)
        return orders + self.talk_requests(turn)


# ---------------------------------------------------------------------- the bargainer

BARGAIN_FLOOR = 0.2
"""The bargainer never settles for less than this share of its opening value (nor less than
``RESERVE``): what is left on the table at the deadline is not worth nothing to it, so a
partner who simply waits it out cannot take everything."""

BARGAIN_EXPONENT = 2.0
"""How the bargainer's reservation falls with the deadline clock t (0 at the start, 1 in the
last round before the deadline): ``floor + (opening − floor) × (1 − t^BARGAIN_EXPONENT)``;
above 1 it holds firm early and concedes most in the second half of the pause."""


def deadline_clock(turn: Turn) -> float:
    """The share of the time to the deadline (as it stands, extensions included) that has
    passed: 0.0 in the first round, 1.0 in the round that holds the deadline and after it."""
    view = turn.sections("days_to_deadline", "date", "round_end_date")
    left = max(0, view["days_to_deadline"]) // round_days(view)
    elapsed = max(0, turn.round - 1)
    return 1.0 if left == 0 else elapsed / (elapsed + left)


def reservation(opening: float, clock: float) -> float:
    """What the bargainer expects to get by waiting, at deadline clock ``clock``: its opening
    value at first, falling to its floor at the deadline (never below ``RESERVE``)."""
    floor = max(RESERVE, BARGAIN_FLOOR * opening)
    if opening <= floor:
        return floor
    t = min(1.0, max(0.0, clock))
    return float(floor + (opening - floor) * (1.0 - t**BARGAIN_EXPONENT))


@register("bargainer")
class BargainerAgent(Negotiator):
    description = (
        "opens with its toughest package, concedes as the deadline nears, rejects offers "
        "worth less than it expects by waiting; answers escalation in kind"
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)
        self.watch = PartnerWatch()

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        return reservation(top, deadline_clock(turn))

    def choose(
        self, turn: Turn, talks: Talks, packages: list[Package], target: float
    ) -> Package | None:
        choice = closest_above(packages, target)
        if choice is None and packages:  # nothing meets it: keep asking for the best
            best = max(packages, key=lambda p: p.value)
            choice = best if best.value >= RESERVE else None
        return choice

    def plan_orders(self, turn: Turn) -> list[Action]:
        orders: list[Action] = []
        for partner, b in self.watch.look(turn).items():
            if b.defected:
                hit = retaliation(turn, partner)
                if hit is not None:
                    orders.append(hit)
        return orders + self.talk_requests(turn)


# ---------------------------------------------------------------------- greedy


@register("greedy")
class GreedyAgent(Negotiator):
    description = (
        "one-step lookahead: plays the candidate (offer, untried packages, a "
        "shortlist of orders) with the best what_if projection"
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__(rng)
        self.tried: dict[str, set[tuple[Term, ...]]] = {}

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        return RESERVE

    def talk(self, turn: Turn, talks: Talks) -> Action:
        tried = self.tried.setdefault(talks.partner, set())
        best: tuple[float, Action] | None = None
        if talks.offer is None or talks.can_counter:
            for p in sorted(self.packages(turn, talks), key=lambda p: -p.value):
                if p.terms in tried or p.value < RESERVE:
                    continue
                action = offer_action(turn, talks, p.terms)
                if action is not None:
                    best = (p.value, action)
                    break
        if talks.offer is not None:
            accept = turn.what_if([Accept(turn.player)]).change
            if accept >= RESERVE and (best is None or accept >= best[0]):
                return Accept(turn.player)
        if best is not None:
            # offer_action makes an Offer or a Counter, both with terms; typed as any Action
            terms: tuple[Term, ...] = best[1].terms  # type: ignore[attr-defined]
            tried.add(terms)
            return best[1]
        return no_move(turn) if talks.offer is None else Reject(turn.player)

    def plan_orders(self, turn: Turn) -> list[Action]:
        requests = self.talk_requests(turn)
        room = turn.limits.max_orders - len(requests)
        if room <= 0:
            return requests
        scored = []
        for action in self.order_shortlist(turn):
            try:
                change = turn.what_if([action]).change
            except ValueError:
                continue
            if change > 0.05:
                scored.append((change, str(action), action))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return requests + [a for _, _, a in scored[:room]]

    def order_shortlist(self, turn: Turn) -> list[Action]:
        """At most ``ORDER_SHORTLIST`` orders: one of each kind that could pay, drawn with the
        agent's own random stream (so the same seed gives the same game)."""
        pools: dict[str, list[Action]] = {}
        # The legal orders of the pooled classes, a list per kind of order (one class each):
        # the other kinds are never checked.
        for orders in turn.legal.orders_of(_POOLED):
            cls = type(orders[0])
            if cls is SetTariff:  # pooled by layer: a layer's orders come in a run (or more)
                for layer, run in groupby(orders, _LAYER):
                    kind = _TARIFF_POOLS.get(layer)
                    if kind is None:
                        kind = _tariff_pool(layer)
                    pool = pools.get(kind)
                    if pool is None:
                        pools[kind] = list(run)
                    else:
                        pool += run
            elif cls is Statement:  # pooled by kind of statement (kinds interleave: one by one)
                for action in orders:
                    kind = _SAID_POOLS.get(action.statement)  # type: ignore[attr-defined]
                    if kind is None:
                        continue
                    pool = pools.get(kind)
                    if pool is None:
                        pools[kind] = [action]
                    else:
                        pool.append(action)
            else:
                kind = _POOL_OF_CLASS[cls]
                pool = pools.get(kind)
                if pool is None:
                    pools[kind] = orders
                else:
                    pool += orders
        out: list[Action] = []
        for kind in sorted(pools):
            out.append(pools[kind][self.rng.randrange(len(pools[kind]))])
        self.rng.shuffle(out)
        return out[:ORDER_SHORTLIST]


# The pools of GreedyAgent.order_shortlist, one of each drawn: a statement of one of these
# kinds, a tariff by its layer, a concession, a countermeasure, an extension; no other move.
_SAID = ("claim_progress", "reassure", "fact_check")
_SAID_POOLS = {said: f"say-{said}" for said in _SAID}
_POOL_OF_CLASS: dict[type[Action], str] = {
    Concede: Concede.kind,
    Countermeasure: Countermeasure.kind,
    ExtendDeadline: ExtendDeadline.kind,
}
_TARIFF_POOLS: dict[str, str] = {}  # by layer, made when first met
_LAYER = operator.attrgetter("layer")
_POOLED = frozenset({SetTariff, Statement, *_POOL_OF_CLASS})


def _tariff_pool(layer: str) -> str:
    if len(_TARIFF_POOLS) >= 1024:
        _TARIFF_POOLS.clear()  # bounded: layers of every scenario played
    pool = _TARIFF_POOLS[layer] = f"tariff-{layer}"
    return pool


__all__ = [
    "BARGAIN_EXPONENT",
    "BARGAIN_FLOOR",
    "LADDER_STEPS",
    "BargainerAgent",
    "BoulwareAgent",
    "ConcederAgent",
    "DoveAgent",
    "GreedyAgent",
    "HawkAgent",
    "LinearAgent",
    "Negotiator",
    "PartnerWatch",
    "TimeBased",
    "TitForTatAgent",
    "concession_target",
    "deadline_clock",
    "reservation",
]
