"""``search``: a budgeted lookahead agent, stronger than one-step greedy.

Greedy values each candidate as if the partner would surely accept it, and each order alone.
``search`` looks one reply further and at orders together, with only its own information
(``what_if`` projects the viewer's score from the viewer's view):

- **Talks: a model of what each partner accepts.** Every package is valued with ``what_if``
  (its value ``v``, to this agent). The agent keeps, per partner, what it saw: the packages the
  partner put on the table (it would accept those), this agent's offers the partner accepted
  and saw ratified (accepted), and those it turned down, countered or failed to ratify
  (refused, remembered for :data:`RECENT_ROUNDS` rounds, as partners concede over time). A
  partner is modelled as accepting whatever is worth at most some threshold to this agent
  (what one side gains in a package the other mostly gives up): below the best value it
  accepted or offered, the chance is high (:data:`Q_KNOWN`); at or above the least value it
  refused, low (:data:`Q_REFUSED`); in between it falls linearly; with nothing refused yet,
  :data:`Q_UNTESTED`. A package refused before is halved again for each refusal. A counter or
  proposal is worth ``q × v + (1 − q) × c``, where ``c`` is what a refusal leaves: a share
  (:data:`CONTINUATION`) of the best value the partner was seen to accept, and nothing in the
  last two rounds. An offer on the table is accepted when its value meets the reserve and beats
  every counter's worth. The ladder has :data:`SEARCH_LADDER_STEPS` packages (greedy's six,
  plus the steps between).
- **Orders.** The shortlist of orders is valued one by one, then the best ones together (pairs,
  then the best triple) with one ``what_if`` of the whole set, so orders that only pay together
  (or spoil each other) are seen; the best set is given. ``what_if`` assumes nobody answers,
  so the agent watches each partner: one that escalates against it (a tariff raised, a
  countermeasure activated, a deal reneged) within :data:`RETALIATION_WINDOW` rounds of this
  agent's own escalation against it is a *retaliator*, and is not escalated against again.

``budget`` caps the ``what_if`` calls of one decision (default 24), so a move costs a few tens
of milliseconds on the default scenario and the agent is deterministic for a seed.

``ms`` (``search:ms=200`` on the command line) adds a wall-clock budget per decision: the
search stops when the time is up and plays the best found so far (at least one candidate is
always looked at when there is one, so a tiny budget still gives a legal move). A wall-clock
budget makes play depend on the machine's speed and load, so the same seed may give another
game; the default (no ``ms``) is deterministic. The ladder of packages, rebuilt every few
rounds, is not cut short.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tradegame.agents.base import AgentSpecError, Talks, Turn, parse_options, register
from tradegame.agents.negotiators import GreedyAgent, PartnerWatch
from tradegame.agents.tactics import (
    RESERVE,
    Offerable,
    Package,
    deal_move,
    no_move,
    offer_action,
    pair_catalogue,
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
from tradegame.engine.actions import deal_terms

BUDGET = 24
"""``what_if`` calls one decision may spend, at most (the ladder's, when rebuilt, aside)."""

SEARCH_LADDER_STEPS = 11
"""Packages on the search agent's ladder (greedy's six and the steps between them)."""

RECENT_ROUNDS = 6
"""Rounds a partner's refusal stays informative (partners concede as time passes)."""

Q_KNOWN = 0.95
"""The chance a partner accepts a package worth no more (to this agent) than one it accepted
or offered."""

Q_UNTESTED = 0.7
"""The chance a partner accepts a package worth more than anything it accepted or offered,
when it has refused nothing yet."""

Q_REFUSED = 0.05
"""The chance a partner accepts a package worth at least as much as one it recently refused."""

Q_COUNTERED = 0.35
"""The chance a partner accepts a package worth at least as much as one it recently answered
with a counter of its own (weaker evidence than a refusal: some partners counter first)."""

CONTINUATION = 0.7
"""What a refused offer leaves, as a share of the best value the partner was seen to accept
(there will be other sessions), except in the last two rounds."""

ANCHOR_PUSHES = (0, 1, 2)
"""Anchored packages ask for each of the partner's items at the most generous level the
partner itself put on the table, and at one and two levels beyond it."""

RETALIATION_WINDOW = 2
"""A partner's escalation this many rounds (or fewer) after this agent's own escalation
against it counts as an answer."""


@dataclass(slots=True)
class Seen:
    """A package on the table between this agent and ``partner``: put there by this agent
    (``mine``) or by the partner, with its value to this agent when it was on the table."""

    partner: str
    round: int
    terms: tuple[Term, ...]
    value: float
    mine: bool
    outcome: str = "pending"  # mine: pending, accepted, countered, refused; theirs: offered


class SearchAgent(GreedyAgent):
    description = (
        "lookahead: values offers by a learnt model of what each partner accepts and orders "
        "together, avoids escalating against partners who retaliate; a what_if budget per move"
    )

    OPTIONS = ("ms", "budget")
    """``search:ms=MS,budget=N``: a wall-clock budget per decision, the what_if budget."""

    ladder_steps = SEARCH_LADDER_STEPS
    q_known, q_untested, q_refused, q_countered = Q_KNOWN, Q_UNTESTED, Q_REFUSED, Q_COUNTERED
    continuation_share = CONTINUATION

    def __init__(
        self,
        rng: random.Random | None = None,
        budget: int = BUDGET,
        ms: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        super().__init__(rng)
        self.budget = budget
        self.ms = ms
        self.clock = clock
        self._deadline: float | None = None
        self.seen: list[Seen] = []
        self.refused: dict[tuple[str, tuple[Term, ...]], int] = {}
        self.watch = PartnerWatch()
        self.escalated: dict[str, int] = {}  # partner -> the last round I escalated against it
        self.retaliators: set[str] = set()
        self._anchored: tuple[Any, list[Package]] | None = None

    @classmethod
    def from_options(cls, rng: random.Random, body: str) -> SearchAgent:
        """The agent of ``search:OPTION=VALUE,...`` (:data:`OPTIONS`)."""
        options = parse_options(body, cls.OPTIONS, "search")
        ms = budget = None
        if "ms" in options:
            ms = _number(options["ms"], "ms", 1.0, 600_000.0)
        if "budget" in options:
            budget = _number(options["budget"], "budget", 1.0, 10_000.0)
            if budget != int(budget):
                raise AgentSpecError(f"search: budget must be a whole number, got {budget:g}")
        return cls(rng, BUDGET if budget is None else int(budget), ms)

    def time_up(self) -> bool:
        """Whether this decision's wall-clock budget (if any) is spent."""
        return self._deadline is not None and self.clock() >= self._deadline

    def act(self, turn: Turn) -> Action:
        self._deadline = None if self.ms is None else self.clock() + self.ms / 1000.0
        self._learn(turn)
        return super().act(turn)

    # -- the partner model

    def _learn(self, turn: Turn) -> None:
        """Settle the outcome of this agent's offers: accepted once the deal is ratified,
        refused if the partner turned it down, countered it or failed to ratify it."""
        pending = [s for s in self.seen if s.mine and s.outcome == "pending"]
        if not pending:
            return
        view = turn.sections("deals")
        talks = turn.talks
        for s in pending:
            if (
                talks is not None
                and s.round == turn.round
                and talks.partner == s.partner
                and talks.offer_by != s.partner
            ):
                continue  # still my offer's turn to be answered
            status = _deal_status(view, turn.player, s)
            if status == "agreed":
                continue  # accepted; ratified (or not) at the round's resolution
            countered = (
                talks is not None
                and s.round == turn.round
                and talks.partner == s.partner
                and talks.offer_by == s.partner
            )
            if status in ("in_force", "superseded"):
                s.outcome = "accepted"
            else:
                s.outcome = "countered" if countered else "refused"
            if s.outcome != "accepted":
                key = (s.partner, s.terms)
                self.refused[key] = self.refused.get(key, 0) + 1

    def bounds(self, turn: Turn, partner: str) -> tuple[float | None, tuple[float, float] | None]:
        """(the best value to me the partner accepted or offered; the least value to me it
        countered or refused in the last :data:`RECENT_ROUNDS` rounds, with the chance the
        model gives a package worth that much). None where nothing was seen."""
        known: float | None = None
        upper: tuple[float, float] | None = None
        for s in self.seen:
            if s.partner != partner:
                continue
            if not s.mine or s.outcome == "accepted":
                known = s.value if known is None else max(known, s.value)
            elif s.outcome in ("refused", "countered") and turn.round - s.round < RECENT_ROUNDS:
                q = self.q_refused if s.outcome == "refused" else self.q_countered
                if upper is None or (s.value, q) < upper:
                    upper = (s.value, q)
        return known, upper

    def chance(self, turn: Turn, partner: str, terms: tuple[Term, ...], value: float) -> float:
        """The modelled chance that ``partner`` accepts ``terms``, worth ``value`` to me."""
        known, upper = self.bounds(turn, partner)
        again = 0.5 ** self.refused.get((partner, terms), 0)
        if known is not None and value <= known + 1e-9:
            return self.q_known * again
        if upper is None:
            return self.q_untested * again
        limit, q_limit = upper
        if value >= limit:
            return q_limit * again
        low = known if known is not None else min(0.0, limit)
        top = self.q_known if known is not None else self.q_untested
        share = (value - low) / (limit - low)
        return (top + (q_limit - top) * share) * again

    def continuation(self, turn: Turn, partner: str, accept: float | None) -> float:
        """What a refused offer leaves: a share of the best value the partner accepted or
        offered (this offer included); nothing in the last two rounds."""
        if turn.rounds_total - turn.round < 2:
            return 0.0
        known, _ = self.bounds(turn, partner)
        best = max((x for x in (known, accept) if x is not None), default=0.0)
        return self.continuation_share * max(0.0, best)

    # -- packages: the ladder, and packages anchored on what the partner offered

    def offered_levels(self, partner: str) -> dict[str, set[float]]:
        """The levels at which ``partner`` put each item on the table, in its own offers."""
        out: dict[str, set[float]] = {}
        for s in self.seen:
            if s.partner == partner and not s.mine:
                for t in s.terms:
                    out.setdefault(t.item, set()).add(t.value)
        return out

    def packages(self, turn: Turn, talks: Talks) -> list[Package]:
        """The ladder, and each ladder package *anchored* on what the partner offered: every
        ask of one of the partner's items is lowered to the most generous level the partner
        itself put on the table, or one or two levels beyond it (:data:`ANCHOR_PUSHES`; never
        beyond the ladder's own ask), and asks for items it never offered are dropped; this
        agent's own gives stay. Each new package is valued with ``what_if``, at most
        ``budget`` of them a decision."""
        ladder = super().packages(turn, talks)
        offered = self.offered_levels(talks.partner)
        if not offered:
            return ladder
        key = (
            talks.partner,
            turn.round,
            talks.exchanges,
            tuple(sorted((item, tuple(sorted(levels))) for item, levels in offered.items())),
        )
        if self._anchored is not None and self._anchored[0] == key:
            return self._anchored[1]
        _, theirs = pair_catalogue(turn.sections("catalogue"), turn.player, talks.partner)
        items = {it.id: it for it in theirs}
        known = {p.terms for p in ladder}
        out = list(ladder)
        calls = 0
        for p in ladder:
            for push in ANCHOR_PUSHES:
                if calls >= self.budget or (calls and self.time_up()):
                    break
                terms = _anchored(p.terms, items, offered, push)
                if not terms or terms in known:
                    continue
                known.add(terms)
                calls += 1
                try:
                    value = turn.what_if([deal_move(turn, talks, terms)]).change
                except ValueError:
                    continue
                out.append(Package(terms, value, p.concession))
        self._anchored = (key, out)
        return out

    # -- talks

    def talk(self, turn: Turn, talks: Talks) -> Action:
        accept: float | None = None
        if talks.offer is not None:
            accept = turn.what_if([Accept(turn.player)]).change
            self.seen.append(Seen(talks.partner, turn.round, talks.offer, accept, False, "offered"))
        rest = self.continuation(turn, talks.partner, accept)
        best: tuple[float, Action, tuple[Term, ...], float] | None = None
        if talks.offer is None or talks.can_counter:
            for p in self.packages(turn, talks):
                if best is not None and self.time_up():
                    break
                if p.value < RESERVE:
                    continue
                q = self.chance(turn, talks.partner, p.terms, p.value)
                worth = q * p.value + (1.0 - q) * rest
                if best is not None and worth <= best[0]:
                    continue
                action = offer_action(turn, talks, p.terms)
                if action is not None:
                    best = (worth, action, p.terms, p.value)
        if accept is not None and accept >= RESERVE and (best is None or accept >= best[0]):
            return Accept(turn.player)
        if best is not None:
            self.seen.append(Seen(talks.partner, turn.round, best[2], best[3], True))
            return best[1]
        return no_move(turn) if talks.offer is None else Reject(turn.player)

    # -- orders

    def plan_orders(self, turn: Turn) -> list[Action]:
        for partner, seen in self.watch.look(turn).items():
            if seen.defected and turn.round - self.escalated.get(partner, -99) <= (
                RETALIATION_WINDOW
            ):
                self.retaliators.add(partner)
        orders = self._plan_orders(turn)
        view = turn.sections("players", "layers")
        for action in orders:
            for partner in escalation_targets(view, turn.player, action):
                self.escalated[partner] = turn.round
        return orders

    def _plan_orders(self, turn: Turn) -> list[Action]:
        requests = self.talk_requests(turn)
        room = turn.limits.max_orders - len(requests)
        if room <= 0:
            return requests
        calls = 0
        singles: list[tuple[float, str, Action]] = []
        for action in self.wide_shortlist(turn, (2 * self.budget) // 3):
            if calls >= self.budget or (calls and self.time_up()):
                break
            calls += 1
            try:
                change = turn.what_if([action]).change
            except ValueError:
                continue
            singles.append((change, str(action), action))
        singles.sort(key=lambda s: (-s[0], s[1]))
        top = [a for change, _, a in singles[:3] if change > 0.0]
        best: tuple[float, list[Action]] = (0.05, [])
        for change, _, action in singles[:1]:
            if change > best[0]:
                best = (change, [action])
        for size in range(2, min(room, len(top)) + 1):
            for combo in itertools.combinations(top, size):
                if calls >= self.budget or self.time_up():
                    break
                calls += 1
                try:
                    change = turn.what_if(list(combo)).change
                except ValueError:
                    continue
                if change > best[0] + 0.05:
                    best = (change, list(combo))
        return requests + best[1][:room]

    def wide_shortlist(self, turn: Turn, size: int) -> list[Action]:
        """Up to ``size`` orders: greedy's pools by kind, drawn round-robin (one of each kind,
        then a second of each, ...) with the agent's own random stream; no escalation against
        a partner known to retaliate."""
        view = turn.sections("players", "layers") if self.retaliators else None
        pools: dict[str, list[Action]] = {}
        for action in turn.legal:
            kind = self.order_kind(action)
            if kind is None:
                continue
            if view is not None and self.retaliators & escalation_targets(
                view, turn.player, action
            ):
                continue
            pools.setdefault(kind, []).append(action)
        for kind in sorted(pools):
            self.rng.shuffle(pools[kind])
        out: list[Action] = []
        for depth in range(max((len(v) for v in pools.values()), default=0)):
            for kind in sorted(pools):
                if depth < len(pools[kind]) and len(out) < size:
                    out.append(pools[kind][depth])
        return out

    @staticmethod
    def order_kind(action: Action) -> str | None:
        if isinstance(action, Statement):
            if action.statement in ("claim_progress", "reassure", "fact_check"):
                return f"say-{action.statement}"
            return None
        if isinstance(action, Concede):
            return "concede"
        if isinstance(action, (Countermeasure, ExtendDeadline)):
            return action.kind
        if isinstance(action, SetTariff):
            return f"tariff-{action.layer}"
        return None


def escalation_targets(view: dict[str, Any], me: str, action: Action) -> set[str]:
    """The partners ``action`` escalates against: a countermeasure activated against one, or
    a tariff raised (or brought into force) on its goods (on everyone's, for a layer on all)."""
    if isinstance(action, Countermeasure):
        if not action.activate:
            return set()
        player = next(p for p in view["players"] if p["id"] == me)
        return {c["target"] for c in player["countermeasures"] if c["id"] == action.package}
    if not isinstance(action, SetTariff):
        return set()
    layer = next((la for la in view["layers"] if la["id"] == action.layer), None)
    if layer is None:
        return set()
    if layer["status"] == "in_force" and action.rate <= layer["rate"] + 1e-9:
        return set()
    if layer["exporter"] == "all":
        return {p["id"] for p in view["players"] if p["id"] != me}
    return {layer["exporter"]}


def _anchored(
    terms: tuple[Term, ...],
    items: dict[str, Offerable],
    offered: dict[str, set[float]],
    push: int,
) -> tuple[Term, ...]:
    """``terms`` with each ask of the partner's items (``items``) at the most generous level
    the partner offered plus ``push`` levels (at most the level asked), and asks for items it
    never offered dropped; other terms kept."""
    out: list[Term] = []
    for t in terms:
        item = items.get(t.item)
        if item is None:
            out.append(t)  # one of my gives
            continue
        levels = [item.levels.index(v) for v in offered.get(t.item, ()) if v in item.levels]
        if not levels or t.value not in item.levels:
            continue
        index = min(max(levels) + push, item.levels.index(t.value), len(item.levels) - 1)
        out.append(Term(t.item, item.levels[index]))
    return deal_terms(out) if out else ()


def _deal_status(view: dict[str, Any], me: str, seen: Seen) -> str | None:
    """The status of the deal ``seen`` became (same parties, round and terms), if any."""
    terms = sorted((t.item, t.value) for t in seen.terms)
    status = None
    for d in view["deals"]:
        if (
            set(d["parties"]) == {me, seen.partner}
            and d["round"] == seen.round
            and sorted((t["item"], float(t["level"])) for t in d["terms"]) == terms
        ):
            status = d["status"]
    return status


def _number(text: str, name: str, lo: float, hi: float) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:
        raise AgentSpecError(
            f"search: {name} must be a number from {lo:g} to {hi:g}, got {text[:40]!r}"
        )
    return value


register("search")(SearchAgent)

__all__ = ["BUDGET", "SEARCH_LADDER_STEPS", "SearchAgent", "Seen", "escalation_targets"]
