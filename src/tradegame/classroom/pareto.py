"""Was a Pareto-better deal left on the table? A search over each pair's catalogue.

**Counterfactual.** For a negotiating pair (two players with catalogue items for each other),
the *anchor* is the talks session where they agreed their last deal, or — if they never agreed
one — their first session. A candidate deal is evaluated by replaying the game through the
engine: every action before the anchor as recorded; at the anchor, the session's requester
proposes the candidate and the other side accepts; then everyone's recorded moves again, keyed
by (round, player, phase, talks pair) so that they stay in step when the candidate changes what
happens (a recorded move that is no longer legal is dropped — a pass, a reject or nothing —
and talks that were not held in the game pass). Instructor injects fire at the same point of
their round. Reneges are matched to the same deal in the counterfactual. The candidate must
survive ratification like any deal; its scores are the final scores of that replayed game,
including the projection year. With the pair's actual terms the replay reproduces the game
exactly (checked on every search, and by the tests).

**Search.** Candidates are sets of the pair's catalogue items (each at one of its levels,
at most ``max_terms``, available at the anchor). If the whole space fits the budget it is
enumerated; otherwise a beam search runs: every single-term deal and the actual deal first,
then repeatedly the best ``width`` candidates are expanded by adding one of the ``additions``
most promising terms, changing the level of a term or dropping one. Candidates are ranked by
the pair's joint score minus twice any shortfall against the actual game. The budget is a
number of evaluated candidates, so a search is deterministic.

**Answer.** The best candidate by joint surplus (score − BATNA, summed over the pair) that
leaves neither party below its actual score and raises the joint surplus by at least
``EPS`` points, with the terms that change nobody's score dropped; the size of that gain and
each side's part of it (:meth:`PairResult.gain`). Otherwise "none exists" when every deal was
evaluated, and "none found within the budget" when a beam search was cut short (a larger
budget may find one). The search order does not depend on the budget, so a larger budget
evaluates a superset: a deal found stays found, and its gain can only grow. A game not yet over is
compared as if it were finished with everyone passing.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from tradegame.engine import (
    Accept,
    Action,
    Done,
    Game,
    Inject,
    Pass,
    Propose,
    Reject,
    Renege,
    Rules,
    Term,
)
from tradegame.engine.actions import News, deal_terms
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.game import ORDERS, TALKS, Deal, pair_key

EPS = 0.01  # score points: a smaller gain in joint surplus is not "better"
TOLERANCE = 1e-6  # score points: "not worse off"
SHORTFALL_WEIGHT = 2.0
DEFAULT_BUDGET = 300
DEFAULT_WIDTH = 3
DEFAULT_ADDITIONS = 10


@dataclass(frozen=True, slots=True)
class Slot:
    """Where an action was played: its round, phase, talks pair, and the decisions before it
    in that round (for instructor injects)."""

    index: int
    round: int
    phase: str  # talks | orders | inject
    pair: tuple[str, str] | None
    before: int


@dataclass(frozen=True)
class Outcome:
    """One evaluated candidate."""

    terms: tuple[Term, ...]
    scores: dict[str, float] | None  # None when the candidate could not be played
    status: str  # the forced deal's final status (in_force, failed, reneged...), or 'illegal'
    adjusted: int = 0  # recorded moves dropped because they were no longer legal
    problem: str = ""

    @property
    def entered_force(self) -> bool:
        return self.scores is not None and self.status in ("in_force", "superseded", "reneged")


@dataclass
class PairResult:
    """The answer for one pair."""

    pair: tuple[str, str]
    actual_scores: dict[str, float]
    batna: dict[str, float]
    anchor_round: int | None
    anchor_date: str | None
    anchor_deal: Deal | None  # the pair's last deal in talks (its terms are replaced)
    method: str = ""
    budget: int = 0
    evaluated: int = 0
    space: int = 0
    seconds: float = 0.0
    best: Outcome | None = None  # Pareto-better, highest joint surplus
    best_joint: Outcome | None = None  # highest joint surplus of any candidate that ratified
    reproduces: bool | None = None  # whether the actual terms replay to the actual scores
    note: str = ""
    outcomes: list[Outcome] = field(default_factory=list, repr=False)

    @property
    def conclusive(self) -> bool:
        """Whether a "none found" is an answer: every possible deal was evaluated."""
        return self.method == "exhaustive"

    def gain(self) -> tuple[float, float, float] | None:
        """The best deal's gain in joint surplus, and each side's part of it (in the order
        of ``pair``), or None when none was found."""
        if self.best is None or self.best.scores is None:
            return None
        a, b = self.pair
        ga = self.best.scores[a] - self.actual_scores[a]
        gb = self.best.scores[b] - self.actual_scores[b]
        return ga + gb, ga, gb

    def joint(self, scores: dict[str, float]) -> float:
        a, b = self.pair
        return scores[a] - self.batna[a] + scores[b] - self.batna[b]

    @property
    def actual_joint(self) -> float:
        return self.joint(self.actual_scores)


class Script:
    """A game's actions labelled with where they were played, and the game they replay to."""

    def __init__(self, rules: Rules, seed: int, actions: Sequence[Action]) -> None:
        self.rules = rules
        self.seed = seed
        self.actions = list(actions)
        game = Game.new(rules, seed)
        self.slots: list[Slot] = []
        count: dict[int, int] = {}
        for n, a in enumerate(self.actions):
            r = game.round
            k = count.get(r, 0)
            session = game.session
            if isinstance(a, (Inject, News)):  # instructor actions keep their place
                slot = Slot(n, r, "inject", None, k)
            elif session is not None:
                slot = Slot(n, r, TALKS, pair_key(*session.pair), k)
                count[r] = k + 1
            else:
                slot = Slot(n, r, ORDERS, None, k)
                count[r] = k + 1
            self.slots.append(slot)
            game.apply(a)
        self.game = game
        # The outcome to beat. A game not yet over is finished with everyone passing, the way
        # a counterfactual goes on once the recorded moves run out.
        self.finished = game
        if not game.is_over():
            from tradegame.engine.scoring import play_out_passing

            self.finished = game.copy()
            play_out_passing(self.finished)

    def anchor(self, pair: tuple[str, str]) -> tuple[int, Deal | None] | None:
        """(index of the anchor session's first action, the deal it replaces), or None when
        the pair never held talks."""
        deals = [d for d in self.game.deals if not d.unilateral and pair_key(*d.parties) == pair]
        if deals:
            deal = deals[-1]
            for s in self.slots:
                if s.phase == TALKS and s.round == deal.round and s.pair == pair:
                    return s.index, deal
        for s in self.slots:
            if s.phase == TALKS and s.pair == pair:
                return s.index, None
        return None


class Counterfactual:
    """Evaluates candidate deals of one pair at its anchor session (see the module doc)."""

    def __init__(
        self, script: Script, pair: tuple[str, str], start: int, replaced: Deal | None
    ) -> None:
        self.script = script
        self.pair = pair
        self.replaced = replaced
        slot = script.slots[start]
        self.round = slot.round
        self.prefix = Game.replay(script.rules, script.seed, script.actions[:start])
        session_slots = [
            s for s in script.slots if s.phase == TALKS and s.round == slot.round and s.pair == pair
        ]
        in_session = len(session_slots)
        self.start_count = slot.before
        self.later: list[tuple[tuple[int, str, tuple[str, str] | None, str], Action]] = []
        self.injects: dict[int, list[tuple[int, Inject | News]]] = {}
        for s in script.slots[start:]:
            a = script.actions[s.index]
            if s.phase == TALKS and s.round == slot.round and s.pair == pair:
                continue  # the anchor session: replaced by the candidate
            if s.phase == "inject":
                before = s.before
                if s.round == slot.round and before >= slot.before + in_session:
                    before += 2 - in_session  # the candidate takes two decisions
                assert isinstance(a, (Inject, News))
                self.injects.setdefault(s.round, []).append((before, a))
            else:
                self.later.append(((s.round, s.phase, s.pair, a.player), a))

    def available(self) -> set[str]:
        return set(self.prefix.available_items)

    def evaluate(self, terms: tuple[Term, ...]) -> Outcome:
        try:
            return self._evaluate(terms)
        except IllegalActionError as exc:
            return Outcome(terms, None, "illegal", problem=str(exc))
        except Exception as exc:  # noqa: BLE001  (an engine failure must not stop a report)
            return Outcome(terms, None, "error", problem=f"{type(exc).__name__}: {exc}")

    def _evaluate(self, terms: tuple[Term, ...]) -> Outcome:
        cf = self.prefix.copy()
        queues: dict[tuple[int, str, tuple[str, str] | None, str], deque[Action]] = {}
        for key, a in self.later:
            queues.setdefault(key, deque()).append(a)
        injects = {r: list(v) for r, v in self.injects.items()}
        count: dict[int, int] = {self.round: self.start_count}
        players = len(cf.rules.players)
        forced: Deal | None = None
        adjusted = 0
        while not cf.is_over():
            r = cf.round
            pending = injects.get(r)
            while pending and pending[0][0] <= count.get(r, 0):
                self._inject(cf, pending.pop(0)[1])
            mover = cf.to_move()
            assert mover is not None
            session = cf.session
            action: Action | None = None
            if session is not None:
                pk = pair_key(*session.pair)
                if r == self.round and pk == self.pair and forced is None:
                    if session.offer is None:
                        action = Propose(session.requester, session.responder, terms)
                        cf.verify(action)  # an illegal candidate raises: not playable
                    else:
                        action = Accept(mover)
                else:
                    q = queues.get((r, TALKS, pk, mover))
                    action = q.popleft() if q else None
                    if action is not None and not cf.can(action):
                        adjusted += 1
                        action = None
                    if action is None:
                        action = Pass(mover) if session.offer is None else Reject(mover)
            else:
                q = queues.get((r, ORDERS, None, mover))
                while q:
                    candidate = self._remap(q.popleft(), cf, forced)
                    if candidate is not None and cf.can(candidate):
                        action = candidate
                        break
                    adjusted += 1
                if action is None:
                    action = Done(mover)
                if isinstance(action, Done) and len(cf.done) == players - 1 and pending:
                    for _, inj in pending:  # the round ends with this move
                        self._inject(cf, inj)
                    pending.clear()
            cf.apply(action)
            count[r] = count.get(r, 0) + 1
            if (
                isinstance(action, Accept)
                and forced is None
                and r == self.round
                and cf.deals
                and cf.deals[-1].terms == terms
                and pair_key(*cf.deals[-1].parties) == self.pair
            ):
                forced = cf.deals[-1]
        if forced is None:
            return Outcome(terms, None, "illegal", adjusted, "the candidate was never agreed")
        final = cf.deal(forced.id)
        assert final is not None
        return Outcome(terms, cf.scores(), final.status, adjusted)

    @staticmethod
    def _inject(cf: Game, action: Inject | News) -> None:
        if cf.can(action):
            cf.apply(action)

    def _remap(self, action: Action, cf: Game, forced: Deal | None) -> Action | None:
        """A recorded renege names the game's deal id: find the same deal here."""
        if not isinstance(action, Renege):
            return action
        original = self.script.game.deal(action.deal)
        if original is None:
            return None
        if self.replaced is not None and original.id == self.replaced.id:
            return Renege(action.player, forced.id) if forced is not None else None
        for d in cf.deals:
            if (
                d is not forced
                and d.round == original.round
                and set(d.parties) == set(original.parties)
                and d.unilateral == original.unilateral
                and d.terms == original.terms
            ):
                return Renege(action.player, d.id)
        return None


# --------------------------------------------------------------------------- search


def options_for(
    rules: Rules, pair: tuple[str, str], available: set[str]
) -> list[tuple[str, tuple[float, ...]]]:
    """(item, levels) of every catalogue item one side of ``pair`` can give the other."""
    a, b = pair
    out = []
    for item in rules.items:
        if item.id not in available:
            continue
        if (item.owner == a and item.can_go_to(b)) or (item.owner == b and item.can_go_to(a)):
            out.append((item.id, tuple(lv.value for lv in item.levels)))
    return out


def space_size(options: Sequence[tuple[str, tuple[float, ...]]], max_terms: int) -> int:
    """How many non-empty deals with at most ``max_terms`` terms the options allow."""
    ways = [1] + [0] * max_terms  # ways[k]: deals with k terms
    for _, levels in options:
        for k in range(max_terms, 0, -1):
            ways[k] += ways[k - 1] * len(levels)
    return sum(ways[1:])


def _all_deals(
    options: Sequence[tuple[str, tuple[float, ...]]], max_terms: int
) -> list[tuple[Term, ...]]:
    out: list[tuple[Term, ...]] = []

    def walk(i: int, chosen: list[Term]) -> None:
        if i == len(options):
            if chosen:
                out.append(deal_terms(chosen))
            return
        walk(i + 1, chosen)
        if len(chosen) < max_terms:
            item, levels = options[i]
            for v in levels:
                chosen.append(Term(item, v))
                walk(i + 1, chosen)
                chosen.pop()

    walk(0, [])
    out.sort(key=lambda terms: (len(terms), terms))
    return out


def search_pair(
    script: Script,
    pair: tuple[str, str],
    *,
    budget: int = DEFAULT_BUDGET,
    width: int = DEFAULT_WIDTH,
    additions: int = DEFAULT_ADDITIONS,
) -> PairResult:
    """Search ``pair``'s catalogue for a Pareto-better deal (see the module doc)."""
    game = script.game
    rules = game.rules
    started = time.perf_counter()
    result = PairResult(
        pair=pair,
        actual_scores=script.finished.scores(),
        batna=game.batna(),
        anchor_round=None,
        anchor_date=None,
        anchor_deal=None,
        budget=budget,
    )
    found = script.anchor(pair)
    if found is None:
        a, b = pair
        result.note = (
            f"{a} and {b} never held talks, so no deal between them could have "
            f"been agreed in this game."
        )
        return result
    start, replaced = found
    cf = Counterfactual(script, pair, start, replaced)
    result.anchor_round = cf.round
    result.anchor_date = game.date_of(cf.prefix.day)
    result.anchor_deal = replaced
    options = options_for(rules, pair, cf.available())
    max_terms = rules.limits.max_terms
    result.space = space_size(options, max_terms)
    evaluated: dict[tuple[Term, ...], Outcome] = {}

    def run(terms: tuple[Term, ...]) -> Outcome | None:
        terms = deal_terms(list(terms))
        if terms in evaluated:
            return evaluated[terms]
        if len(evaluated) >= budget:
            return None
        outcome = cf.evaluate(terms)
        evaluated[terms] = outcome
        return outcome

    def objective(o: Outcome) -> float:
        if not o.entered_force or o.scores is None:
            return -math.inf
        a, b = pair
        short = max(0.0, result.actual_scores[a] - o.scores[a]) + max(
            0.0, result.actual_scores[b] - o.scores[b]
        )
        return o.scores[a] + o.scores[b] - SHORTFALL_WEIGHT * short

    if replaced is not None and budget > 0:
        identity = run(replaced.terms)
        assert identity is not None
        result.reproduces = identity.scores is not None and all(
            abs(identity.scores[p] - result.actual_scores[p]) < TOLERANCE for p in rules.player_ids
        )
    if result.space <= budget - len(evaluated):
        result.method = "exhaustive"
        for terms in _all_deals(options, max_terms):
            run(terms)
    else:
        result.method = f"beam search (width {width}, {additions} best additions)"
        singles = [(Term(item, v),) for item, levels in options for v in levels]
        for terms in singles:
            if run(terms) is None:
                break
        ranked = sorted(
            (o for t in singles if (o := evaluated.get(t)) is not None),
            key=lambda o: (-objective(o), o.terms),
        )
        add_order = [o.terms[0] for o in ranked if objective(o) > -math.inf]
        levels_of = dict(options)
        expanded: set[tuple[Term, ...]] = set()
        while len(evaluated) < budget:
            frontier = sorted(
                (
                    o
                    for o in evaluated.values()
                    if o.terms not in expanded and objective(o) > -math.inf
                ),
                key=lambda o: (-objective(o), len(o.terms), o.terms),
            )[:width]
            if not frontier:
                break
            for o in frontier:
                expanded.add(o.terms)
                have = {t.item for t in o.terms}
                neighbours: list[tuple[Term, ...]] = []
                if len(o.terms) < max_terms:
                    adds = [t for t in add_order if t.item not in have][:additions]
                    neighbours += [(*o.terms, t) for t in adds]
                for n, term in enumerate(o.terms):
                    for v in levels_of.get(term.item, ()):
                        if v != term.value:
                            neighbours.append((*o.terms[:n], Term(term.item, v), *o.terms[n + 1 :]))
                if len(o.terms) > 1:
                    neighbours += [o.terms[:n] + o.terms[n + 1 :] for n in range(len(o.terms))]
                for terms in neighbours:
                    if run(terms) is None:
                        break
    result.evaluated = len(evaluated)
    result.outcomes = list(evaluated.values())
    a, b = pair
    actual_joint = result.actual_joint
    ratified = [o for o in result.outcomes if o.entered_force and o.scores is not None]

    def key(o: Outcome) -> tuple[float, int, tuple[Term, ...]]:
        assert o.scores is not None
        return (-result.joint(o.scores), len(o.terms), o.terms)

    if ratified:
        result.best_joint = min(ratified, key=key)
    better = [
        o
        for o in ratified
        if o.scores is not None
        and o.scores[a] >= result.actual_scores[a] - TOLERANCE
        and o.scores[b] >= result.actual_scores[b] - TOLERANCE
        and result.joint(o.scores) > actual_joint + EPS
    ]
    if better:
        result.best = _without_idle_terms(min(better, key=key), cf, rules.player_ids)
    result.seconds = time.perf_counter() - started
    return result


def _without_idle_terms(best: Outcome, cf: Counterfactual, players: Sequence[str]) -> Outcome:
    """``best`` without the terms that change nobody's score: each is dropped in turn if the
    deal without it ends the same for every player (a few evaluations past the budget, the
    same at any budget)."""
    assert best.scores is not None
    n = 0
    while len(best.terms) > 1 and n < len(best.terms):
        shorter = best.terms[:n] + best.terms[n + 1 :]
        o = cf.evaluate(shorter)
        if (
            o.entered_force
            and o.scores is not None
            and all(abs(o.scores[p] - best.scores[p]) < TOLERANCE for p in players)
        ):
            best = o
        else:
            n += 1
    return best


def search(
    script: Script,
    *,
    budget: int = DEFAULT_BUDGET,
    width: int = DEFAULT_WIDTH,
    additions: int = DEFAULT_ADDITIONS,
) -> list[PairResult]:
    """:func:`search_pair` for every negotiating pair of the game, in a fixed order."""
    pairs = sorted(
        script.game.negotiating_pairs(),
        key=lambda p: tuple(script.rules.player_ids.index(x) for x in p),
    )
    return [
        search_pair(script, pair, budget=budget, width=width, additions=additions) for pair in pairs
    ]


__all__ = [
    "DEFAULT_BUDGET",
    "EPS",
    "Counterfactual",
    "Outcome",
    "PairResult",
    "Script",
    "options_for",
    "search",
    "search_pair",
    "space_size",
]
