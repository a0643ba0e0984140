"""Probe agents: strategies the balance benchmark (``tradegame balance``) plays to test the
rules, not opponents to play against.

* ``statements`` never makes or accepts a deal, never orders a tariff, a countermeasure or a
  concession: in every orders phase it fills its free order slots with statements — claims of
  progress, reassurances, public demands, fact-checks of the partner's claims — best first by
  its own ``what_if`` projection, leaving out any that projects a loss. Threats are left out:
  it never carries one out. It measures what cheap talk alone is worth.
* ``AGENT+statements`` (e.g. ``greedy+statements``) wraps any built-in or Python agent: the
  wrapped agent plays every move as before (with the random stream it would have alone), and
  when it says ``done`` in an orders phase with order slots to spare, the wrapper fills them
  the way ``statements`` does. It measures what cheap talk adds to real negotiating.
* ``settle-early`` and ``hold-out`` are the same negotiator (the built-ins' ladder of packages
  valued with ``what_if``, see :mod:`tradegame.agents.negotiators`) with a fixed target of half
  its best package, so they differ only in timing. ``settle-early`` asks every partner for
  talks from the first round, offers the most generous package still worth half its best and
  accepts any offer worth that much. ``hold-out`` refuses every deal (it passes, rejects and
  asks for no talks) until the last ``HOLD_OUT_ROUNDS`` rounds as the calendar then stands,
  then bargains exactly like ``settle-early``. Meant for Japan's and the EU's seats: is it
  better to be first or to wait?
"""

from __future__ import annotations

import random
from typing import Any

from tradegame.agents.base import Agent, Talks, Turn, register, register_modifier
from tradegame.agents.negotiators import Negotiator
from tradegame.agents.tactics import no_move, pair_catalogue
from tradegame.engine import Action, Done, Statement
from tradegame.engine.actions import fmt_number

STATEMENT_KINDS = ("claim_progress", "reassure", "public_demand", "fact_check")
"""The statements the probes make (threats are left out: a probe never carries one out)."""

HOLD_OUT_ROUNDS = 3
"""``hold-out`` bargains only when this many rounds are left (the current one included)."""

SETTLE_SHARE = 0.5
"""``settle-early`` and ``hold-out`` settle for this share of their best package's value."""


def candidate_statements(turn: Turn) -> list[Statement]:
    """The statements worth considering now, one per kind and partner: claim progress,
    reassure, a public demand for the partner's item the player would gain most from (at its
    most generous level), and a fact-check of each of the partner's public claims."""
    view: dict[str, Any] = turn.view.to_json()
    me = turn.player
    out: list[Statement] = []
    for partner in (p["id"] for p in view["players"] if p["id"] != me):
        out.append(Statement(me, "claim_progress", partner))
        out.append(Statement(me, "reassure", partner))
        _, theirs = pair_catalogue(view, me, partner)
        if theirs:
            item = max(theirs, key=lambda it: (it.gain(it.levels[-1]), it.id))
            subject = f"{item.id}={fmt_number(item.levels[-1])}"
            out.append(Statement(me, "public_demand", partner, subject))
        for claim in view.get("claims", []):
            if isinstance(claim, dict) and claim.get("by") == partner and "id" in claim:
                out.append(Statement(me, "fact_check", partner, str(claim["id"])))
    return [s for s in out if s.statement in STATEMENT_KINDS and s in turn.legal]


def best_statements(turn: Turn, room: int) -> list[Action]:
    """Up to ``room`` legal statements, best first by ``what_if``, none projecting a loss."""
    if room <= 0:
        return []
    scored: list[tuple[float, str, Action]] = []
    for action in candidate_statements(turn):
        try:
            change = turn.what_if([action]).change
        except ValueError:
            continue
        if change >= -1e-9:
            scored.append((-change, str(action), action))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [a for _, _, a in scored[:room]]


class _Statements:
    """Fills the free order slots of a round with statements, planned once per round."""

    def __init__(self) -> None:
        self.round = -1
        self.used = 0  # orders given this round before the statements
        self.plan: list[Action] | None = None

    def next(self, turn: Turn) -> Action:
        if self.plan is None:
            self.plan = best_statements(turn, turn.limits.max_orders - self.used)
        while self.plan:
            action = self.plan.pop(0)
            if action in turn.legal:
                return action
        return Done(turn.player)

    def new_round(self, round_: int) -> None:
        if self.round != round_:
            self.round, self.used, self.plan = round_, 0, None


@register("statements")
class StatementsAgent:
    """Cheap talk only: never deals, fills its order slots with statements."""

    probe = True
    description = (
        "probe: never deals or orders tariffs; fills its free order slots with the "
        "statements (claims, reassurance, demands, fact-checks) that project no loss"
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng
        self._talk = _Statements()

    def act(self, turn: Turn) -> Action:
        if turn.talks is not None:
            return no_move(turn)
        self._talk.new_round(turn.round)
        return self._talk.next(turn)


class WithStatements:
    """``AGENT+statements``: the wrapped agent's moves, then statements in its spare slots."""

    probe = True

    def __init__(self, inner: Agent) -> None:
        self.inner = inner
        self.name = f"{getattr(inner, 'name', 'agent')}+statements"
        self.description = (
            f"probe: {self.name.removesuffix('+statements')} plays as usual; its spare "
            f"order slots are filled with statements"
        )
        self._talk = _Statements()
        self._inner_done = -1  # the round in which the wrapped agent said done

    def act(self, turn: Turn) -> Action:
        if turn.talks is not None or turn.phase != "orders":
            return self.inner.act(turn)
        self._talk.new_round(turn.round)
        if self._inner_done != turn.round:
            action = self.inner.act(turn)
            if not isinstance(action, Done):
                self._talk.used += 1
                return action
            self._inner_done = turn.round
        return self._talk.next(turn)

    def start(self, player: str, view: Any) -> None:
        hook = getattr(self.inner, "start", None)
        if callable(hook):
            hook(player, view)

    def end(self, player: str, view: Any) -> None:
        hook = getattr(self.inner, "end", None)
        if callable(hook):
            hook(player, view)

    def close(self) -> None:
        hook = getattr(self.inner, "close", None)
        if callable(hook):
            hook()


@register_modifier("statements")
def with_statements(inner: Agent) -> Agent:
    return WithStatements(inner)


class _HalfBest(Negotiator):
    """The built-in negotiator with a fixed target: half its best package."""

    def target(self, turn: Turn, talks: Talks, top: float) -> float:
        return SETTLE_SHARE * top


@register("settle-early")
class SettleEarlyAgent(_HalfBest):
    probe = True
    description = (
        "probe: from round 1 asks every partner for talks, offers its most generous package "
        "still worth half its best, accepts any offer worth that much"
    )


@register("hold-out")
class HoldOutAgent(_HalfBest):
    probe = True
    description = (
        "probe: refuses every deal and asks for no talks until the last 3 rounds, then "
        "bargains like settle-early"
    )

    def holding(self, turn: Turn) -> bool:
        return turn.rounds_total - turn.round >= HOLD_OUT_ROUNDS

    def talk(self, turn: Turn, talks: Talks) -> Action:
        if self.holding(turn):
            return no_move(turn)
        return super().talk(turn, talks)

    def plan_orders(self, turn: Turn) -> list[Action]:
        return [] if self.holding(turn) else super().plan_orders(turn)


__all__ = [
    "HOLD_OUT_ROUNDS",
    "SETTLE_SHARE",
    "STATEMENT_KINDS",
    "HoldOutAgent",
    "SettleEarlyAgent",
    "StatementsAgent",
    "WithStatements",
    "best_statements",
    "candidate_statements",
]
