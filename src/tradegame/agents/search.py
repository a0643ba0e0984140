"""``search``: a budgeted lookahead agent, stronger than one-step greedy.

Greedy values each candidate as if the partner would surely accept it, and each order alone.
``search`` looks one reply further and at orders together, with only its own information
(``what_if`` projects the viewer's score from the viewer's view):

- **Talks.** Each package of the negotiators' ladder is worth ``q × value`` where ``q`` is the
  chance the partner accepts: learnt per partner from how the partner answered this agent's
  earlier offers (a Beta(1, 1) prior), and halved for a package the partner already turned
  down. An offer on the table is accepted when its projected gain meets the reserve and beats
  every counter's expected value (or when no counter is possible: a bird in the hand).
- **Orders.** The shortlist of orders is valued one by one, then the best ones together (pairs,
  then the best triple) with one ``what_if`` of the whole set, so orders that only pay together
  (or spoil each other) are seen; the best set is given.

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

from tradegame.agents.base import AgentSpecError, Talks, Turn, parse_options, register
from tradegame.agents.negotiators import GreedyAgent
from tradegame.agents.tactics import RESERVE, no_move, offer_action
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

BUDGET = 24
"""``what_if`` calls one decision may spend, at most (the ladder's, when rebuilt, aside)."""


class SearchAgent(GreedyAgent):
    description = (
        "lookahead: values offers by the partner's learnt chance of accepting them and orders "
        "together, within a what_if budget per move"
    )

    OPTIONS = ("ms", "budget")
    """``search:ms=MS,budget=N``: a wall-clock budget per decision, the what_if budget."""

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
        self.refused: dict[tuple[str, tuple[Term, ...]], int] = {}
        self.pending: dict[str, tuple[int, tuple[Term, ...]]] = {}

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

    # -- what the partner did with my last offer

    def _learn(self, turn: Turn) -> None:
        if not self.pending:
            return
        view = turn.view.to_json()
        me = turn.player
        for partner, (round_, terms) in list(self.pending.items()):
            talks = turn.talks
            if talks is not None and talks.partner == partner and talks.offer_by != partner:
                continue  # still my offer's turn to be answered (not yet)
            agreed = any(
                set(d["parties"]) == {me, partner}
                and d["round"] == round_
                and tuple(sorted((t["item"], float(t["level"])) for t in d["terms"]))
                == tuple(sorted((t.item, t.value) for t in terms))
                for d in view["deals"]
            )
            if not agreed:
                key = (partner, terms)
                self.refused[key] = self.refused.get(key, 0) + 1
            del self.pending[partner]

    def chance(self, partner: str, terms: tuple[Term, ...]) -> float:
        """The estimated chance ``partner`` accepts ``terms`` from this agent: halved for each
        time the partner turned this very package down."""
        return 0.5 ** self.refused.get((partner, terms), 0)

    def act(self, turn: Turn) -> Action:
        self._deadline = None if self.ms is None else self.clock() + self.ms / 1000.0
        self._learn(turn)
        return super().act(turn)

    # -- talks

    def talk(self, turn: Turn, talks: Talks) -> Action:
        best: tuple[float, Action, tuple[Term, ...]] | None = None
        if talks.offer is None or talks.can_counter:
            for p in self.packages(turn, talks):
                if best is not None and self.time_up():
                    break
                if p.value < RESERVE:
                    continue
                expected = self.chance(talks.partner, p.terms) * p.value
                if best is not None and expected <= best[0]:
                    continue
                action = offer_action(turn, talks, p.terms)
                if action is not None:
                    best = (expected, action, p.terms)
        if talks.offer is not None:
            accept = turn.what_if([Accept(turn.player)]).change
            if accept >= RESERVE and (best is None or accept >= best[0]):
                return Accept(turn.player)
        if best is not None:
            self.pending[talks.partner] = (turn.round, best[2])
            return best[1]
        return no_move(turn) if talks.offer is None else Reject(turn.player)

    # -- orders

    def plan_orders(self, turn: Turn) -> list[Action]:
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
        then a second of each, ...) with the agent's own random stream."""
        pools: dict[str, list[Action]] = {}
        for action in turn.legal:
            kind = self.order_kind(action)
            if kind is not None:
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

__all__ = ["BUDGET", "SearchAgent"]
