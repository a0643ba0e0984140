"""News, the first phase of a round (DESIGN §3.3): layers due take effect, then scheduled,
conditional and random events fire, in scenario order; and the effects of events.

A scripted event fires only if its ``requires`` hold (issue 19 f): the facts its news needs
to be true, read here and nowhere else (:func:`unmet`). An event whose requirements fail does
not fire and publishes nothing (in this game it did not happen): a scheduled event's date
passes, a conditional or random event may fire in a later round (a random event is not drawn
for while they fail), and the instructor's inject is refused with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from tradegame.engine.actions import INSTRUCTOR, Inject, News, parse_news_effect
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.kinds import LayerStatus
from tradegame.engine.memo import per_rules
from tradegame.engine.phases import talks
from tradegame.engine.plain import picklable_when_compiled
from tradegame.engine.records import MAX_STAKES, OVER, RATE_EPS, clamp, pair_key
from tradegame.engine.rules import Effect, Event, Layer, Requirement, Rules
from tradegame.engine.state import State
from tradegame.engine.tables import CACHE_SIZE
from tradegame.engine.text import fmt_pct


def run(g: State) -> None:
    first = g.day
    caches = g.tables.caches
    # (An attribute away, rather than by a call of its per-rules memo. Typed here: the
    # compiled build reads a _Plan's and a _Round's fields from their slots, not by name.)
    plan: _Plan | None = caches.news
    if plan is None:
        plan = caches.news = _plan_of(g.rules)
    # A projection keeps no log (KEEPS_LOG): its lines are not made, nor _log called.
    keeps_log = g.KEEPS_LOG
    # A round's days are first..round_end_day, and its length is the scenario's: the first
    # day names the round's news. With neither event talks nor requests (every round of a
    # passive tail), the talks a round holds are the round's alone: its news has its
    # sessions answered (_round_of). Projections play such rounds by the thousand; a game
    # plays each once, and does not make them.
    quiet = not (keeps_log or g.event_talks or g.requests)
    rounds = plan.quiet if quiet else plan.rounds
    news: _Round | None = rounds.get(first)
    if news is None:
        news = rounds[first] = _round_of(g, plan, first, g.round_end_day, quiet)
    # News reaches the economy only through the tariff layers (scheduled layers and
    # set_layer effects; a credibility shift is caught by terms()): keep the cached
    # rates and snapshot unless one of those happened.
    layers_changed = False
    for la in news.layers:
        if g.layer_status[la.id] == _INACTIVE:
            assert la.from_day is not None  # a window's layers have one
            g.layer_status[la.id] = _IN_FORCE
            layers_changed = True
            if keeps_log:
                g._log(
                    "news",
                    f"{la.name} ({fmt_pct(g.layer_rate[la.id])}) takes "
                    f"effect on {g.date_of(la.from_day)}.",
                    phase="news",
                )
    this_round = g.round  # the news of a round comes before its talks
    for ev, requires, sets_layer, text in news.scheduled:
        if requires is not None and not requires(g, ev, this_round):
            continue
        if keeps_log:
            g._log("news", text, phase="news")
        fire(g, ev, this_round)
        layers_changed = layers_changed or sets_layer
    fired = g.fired
    for table, key, low, high, rest in news.conditional:
        # Its condition (see _compile_condition): its metric within its bounds now, read
        # here rather than by a call (five events a round in every projection). Asked
        # first: it seldom holds (whether the event already fired is asked only then).
        v = g.stress if table is None else getattr(g, table)[key]
        if v < low or v > high:
            continue
        ev, once, requires, sets_layer = rest
        if once is not None and once in fired:
            continue
        if requires is None or requires(g, ev, this_round):
            if keeps_log:
                g._log("news", ev.news, phase="news")
            fire(g, ev, this_round)
            layers_changed = layers_changed or sets_layer
    draw = g.rng.random  # fire() changes no generator
    drawn = 0  # (added to rng_draws once: fire() does not read it)
    for ev, ev_id, max_times, requires, probability, sets_layer in news.chance:
        # (an event fired is counted from 1, and max_times is at least 1: one never fired
        # is not in ``fired`` and is below it)
        if ev_id in fired and fired[ev_id] >= max_times:
            continue
        if requires is not None and not requires(g, ev, this_round):
            continue  # not possible this round: no draw
        drawn += 1
        if draw() < probability:
            if keeps_log:
                g._log("news", ev.news, phase="news")
            fire(g, ev, this_round)
            layers_changed = layers_changed or sets_layer
    if drawn:
        g.rng_draws += drawn
    if layers_changed:
        g._layers_changed()


Check = Callable[[State, Event, int], bool]
"""A requirement (or all of an event's), compiled: whether it holds now for the event and
the round whose talks a ``session`` requirement asks about (see :func:`unmet`)."""


@dataclass(frozen=True, slots=True)
class _Round:
    """The news of a round of days first..last (:class:`tables.NewsWindow`), each scripted
    event with its checks compiled and whether it sets a layer: built once per scenario."""

    layers: tuple[Layer, ...]
    # (event, requirements, sets a layer?, the text of its news: its date and news)
    scheduled: tuple[tuple[Event, Check | None, bool, str], ...]
    # (its condition's table, key, low and high bounds (_compile_condition), and (event, its
    # id if it fires once at most, requirements, sets a layer?))
    conditional: tuple[
        tuple[str | None, Any, float, float, tuple[Event, str | None, Check | None, bool]], ...
    ]
    # (event, id, max_times, requirements, probability, sets a layer?)
    chance: tuple[tuple[Event, str, int, Check | None, float, bool], ...]


@dataclass(slots=True)
class _Plan:
    """A scenario's compiled news: each event's requirements (None: it has none) and
    condition, and the rounds met so far by their days. Kept in the scenario's tables
    (``Caches.news``), which a game pickles with it: pickled as its rules (its checks are
    closures), it is compiled again when first read after."""

    rules: Rules
    requires: dict[str, Check | None]
    # The events with session requirements: those, and their other requirements (None:
    # none); and the events whose effects make or cancel talks.
    sessions: dict[str, tuple[tuple[Check, ...], Check | None]]
    makes_talks: frozenset[str]
    conditions: dict[str, Condition]
    # The rounds met so far by their first day, and as met with neither event talks nor
    # requests (their sessions answered).
    rounds: dict[int, _Round] = field(default_factory=dict)
    quiet: dict[int, _Round] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_plan_again, (self.rules,))


@per_rules
def _plan_of(rules: Rules) -> _Plan:
    """The compiled news of ``rules`` (built once; rounds added as they are first met)."""
    sessions = [ev for ev in rules.events if any(q.kind == "session" for q in ev.requires)]
    return _Plan(
        rules,
        requires={ev.id: _compile_all(ev.requires, ev) for ev in rules.events},
        sessions={
            ev.id: (
                tuple(_compile(q, ev) for q in ev.requires if q.kind == "session"),
                _compile_all(tuple(q for q in ev.requires if q.kind != "session"), ev),
            )
            for ev in sessions
        },
        makes_talks=frozenset(
            ev.id for ev in rules.events if any(e.kind in _TALK_EFFECTS for e in ev.effects)
        ),
        conditions={
            ev.id: _compile_condition(ev) for ev in rules.events if ev.trigger == "conditional"
        },
    )


def _plan_again(rules: Rules) -> _Plan:
    """A pickled plan, read back: its rules' (a module function: the memo's is not one)."""
    return _plan_of(rules)


_TALK_EFFECTS = ("schedule_talks", "cancel_talks")  # the effects held_talks counts
_INACTIVE = LayerStatus.INACTIVE  # read every round: bound once (an enum's member is slow)
_IN_FORCE: Final = LayerStatus.IN_FORCE


def _round_of(g: State, plan: _Plan, first: int, last: int, quiet: bool) -> _Round:
    window = g.tables.news_window(g.rules, first, last)
    sets = window.set_layer
    events = (*window.scheduled, *window.conditional, *window.chance)
    requires = plan.requires
    if quiet and plan.makes_talks.isdisjoint(ev.id for ev in events):
        # ``g`` has neither event talks nor requests, and none of the round's events makes
        # any: the talks it holds are talks.plan's for the round alone, wherever the News
        # phase reads them. An event's session requirements are answered now, each by its
        # own check: if one fails the event is left out (it cannot fire this round), else
        # only its other requirements are asked.
        requires = dict(requires)
        this_round = g.round
        for ev in events:
            answered = plan.sessions.get(ev.id)
            if answered is not None:
                sessions, others = answered
                if all(held(g, ev, this_round) for held in sessions):
                    requires[ev.id] = others
                else:
                    del requires[ev.id]
    return _Round(
        layers=window.layers,
        scheduled=tuple(
            (ev, requires[ev.id], ev.id in sets, _dated(g, ev))
            for ev in window.scheduled
            if ev.id in requires
        ),
        conditional=tuple(
            (
                *plan.conditions[ev.id],
                (ev, None if ev.repeat else ev.id, requires[ev.id], ev.id in sets),
            )
            for ev in window.conditional
            if ev.id in requires
        ),
        chance=tuple(
            (ev, ev.id, ev.max_times, requires[ev.id], ev.probability, ev.id in sets)
            for ev in window.chance
            if ev.max_times >= 1  # (the scenario's models allow no other: never drawn for)
            and ev.id in requires
        ),
    )


def _dated(g: State, ev: Event) -> str:
    """The log text of a scheduled event's news: its date, then the news."""
    assert ev.day is not None  # a window's scheduled events have one
    return f"{g.date_of(ev.day)}: {ev.news}"


Condition = tuple[str | None, Any, float, float]
"""A conditional event's condition, compiled: the state's table its metric is read from
(None: the market stress, ``State.stress``), the key in it, and the low and high bounds."""


def _compile_condition(ev: Event) -> Condition:
    """A conditional event's condition: its metric within its bounds now (:func:`run` reads
    the metric and compares). A missing bound is an infinite one: no float (an infinity or a
    NaN included) is below -inf or above +inf, so it excludes nothing, as no bound does."""
    metric, player = ev.metric, ev.player or ""
    low = -math.inf if ev.at_least is None else ev.at_least
    high = math.inf if ev.at_most is None else ev.at_most
    if metric == "market_stress":
        return (None, None, low, high)
    if metric == "approval":
        return ("approval", player, low, high)
    if metric == "credibility":
        return ("credibility", player, low, high)
    return ("relations", pair_key(player, ev.partner or ""), low, high)


def _compile_all(requires: tuple[Requirement, ...], ev: Event) -> Check | None:
    """All of ``requires`` of ``ev`` hold (None when there are none)."""
    checks = tuple(_compile(q, ev) for q in requires)
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda g, ev, r: a(g, ev, r) and b(g, ev, r)
    return lambda g, ev, r: all(c(g, ev, r) for c in checks)


def unmet(
    g: State, requires: tuple[Requirement, ...], ev: Event, talks_round: int
) -> list[Requirement]:
    """The requirements of ``ev`` that do not hold now, in order (none: it may fire).

    ``talks_round`` is the round whose talks a ``session`` requirement asks about: this round
    in the News phase, the next one for an instructor's inject (this round's sessions are
    built). ``requires`` is given apart from ``ev`` so that the news checker
    (:mod:`tradegame.engine.newscheck`) can hold a game to requirements it did not play by.
    """
    return [q for q in requires if not _holds(g, q, ev, talks_round)]


def _holds(g: State, q: Requirement, ev: Event, talks_round: int) -> bool:
    return _compile(q)(g, ev, talks_round)


def _compile(q: Requirement, of: Event | None = None) -> Check:
    """Requirement ``q`` as a check reading the state: the one rule of what each kind
    needs (:func:`unmet` and the News phase's compiled events both use it). Compiled for
    event ``of`` (the News phase's), it is checked for that event only."""
    kind = q.kind
    if kind == "no_deal":
        # A deal with economic terms, agreed in talks: a process-only agreement does not
        # settle anything (a partner with only a process agreement may still get a letter).
        assert q.pair is not None
        key = pair_key(*q.pair)
        return lambda g, ev, r: key not in g.settled_pairs()
    if kind == "session":
        assert q.pair is not None
        key = pair_key(*q.pair)
        if of is not None and not any(e.kind in _TALK_EFFECTS for e in of.effects):
            # An event whose effects neither schedule nor cancel talks: held_talks counts
            # none of its effects, as for no event.
            return lambda g, ev, r: key in held_talks(g, None, r)
        return lambda g, ev, r: key in held_talks(g, ev, r)
    if kind == "layer":
        assert q.layer is not None
        layer, status = q.layer, q.status
        below = None if q.below is None else q.below - RATE_EPS
        at_least = None if q.at_least is None else q.at_least - RATE_EPS

        def layer_holds(g: State, ev: Event, r: int) -> bool:
            rate = g.layer_rate[layer]
            return (
                (status is None or g.layer_status[layer] == status)
                and (below is None or rate < below)
                and (at_least is None or rate > at_least)
            )

        return layer_holds
    if kind == "package":
        package, active = q.package, q.status == "active"
        return lambda g, ev, r: (package in g.active_packages) == active
    if kind == "fired":
        event = q.event or ""
        return lambda g, ev, r: g.fired.get(event, 0) > 0
    raise AssertionError(f"unknown requirement {kind!r}")  # pragma: no cover


def held_talks(g: State, ev: Event | None, talks_round: int) -> frozenset[tuple[str, str]]:
    """The pairs (keys) that hold talks in round ``talks_round`` as things stand, counting the
    talks ``ev``'s own effects schedule or cancel (:func:`talks.plan` decides; remembered
    per scenario by the event talks and requests it is given)."""
    event_talks: list[tuple[tuple[str, str], str, str | None]] = g.event_talks
    requests = g.requests
    if ev is not None:
        for e in ev.effects:
            # New lists, never changed in place: the state's own lists are read as they are.
            if e.kind == "schedule_talks":
                assert e.pair is not None
                event_talks = [*event_talks, (e.pair, e.level, e.requester)]
            elif e.kind == "cancel_talks":
                assert e.pair is not None
                key = pair_key(*e.pair)
                event_talks = [t for t in event_talks if pair_key(*t[0]) != key]
                requests = [r for r in requests if pair_key(r[0], r[1]) != key]
    memo = g.tables.caches.held_talks
    # (by the round alone when there are neither event talks nor requests: talks.plan_key)
    inputs = (
        talks.plan_key(g, talks_round, event_talks, requests)
        if event_talks or requests
        else talks_round
    )
    held = memo.get(inputs)
    if held is None:
        if len(memo) >= CACHE_SIZE:
            memo.clear()  # bounded; a miss only costs the computation
        held = memo[inputs] = frozenset(
            pair
            for pair, _, _, is_held in talks.plan(g, talks_round, list(event_talks), list(requests))
            if is_held
        )
    return held


def fire(g: State, ev: Event, talks_round: int) -> None:
    if g.WITNESSES_NEWS:
        g.witness_news(ev, talks_round)
    g.fired[ev.id] = g.fired.get(ev.id, 0) + 1
    for effect in ev.effects:
        apply_effect(g, effect)


def apply_effect(g: State, e: Effect) -> None:
    k = e.kind
    if k == "set_layer":
        assert e.layer is not None
        if e.rate is not None:
            g.layer_rate[e.layer] = e.rate
        if e.status is not None:
            g.layer_status[e.layer] = LayerStatus(e.status)
    elif k == "shift_approval":
        g.approval[e.player or ""] = clamp(g.approval[e.player or ""] + e.by)
    elif k == "shift_credibility":
        g.credibility[e.player or ""] = clamp(g.credibility[e.player or ""] + e.by)
    elif k == "shift_market_stress":
        g.stress = clamp(g.stress + e.by)
    elif k == "shift_relations":
        assert e.pair is not None
        key = pair_key(*e.pair)
        g.relations[key] = clamp(g.relations[key] + e.by)
    elif k == "schedule_talks":
        assert e.pair is not None
        g.event_talks.append((e.pair, e.level, e.requester))
    elif k == "cancel_talks":
        assert e.pair is not None
        key = pair_key(*e.pair)
        g.event_talks = [t for t in g.event_talks if pair_key(*t[0]) != key]
        g.requests = [r for r in g.requests if pair_key(r[0], r[1]) != key]
    elif k == "raise_stakes":
        assert e.pair is not None
        key = pair_key(*e.pair)
        g.stakes[key] = min(MAX_STAKES, g.stakes.get(key, 1.0) * e.factor)
    elif k == "add_item":
        g.available_items = g.available_items | {e.item or ""}
    elif k == "withdraw_item":
        g.available_items = g.available_items - {e.item or ""}


def verify_instructor(g: State, action: News | Inject) -> None:
    """The instructor's news and injects: allowed until the game is over."""
    if isinstance(action, News):
        if action.player != INSTRUCTOR:
            raise IllegalActionError("only the instructor may publish news")
        if g.phase == OVER:
            raise IllegalActionError("the game is over")
        for token in action.effects:
            _, ids, _ = parse_news_effect(token)
            for pid in ids:
                if pid not in g._ids:
                    raise IllegalActionError(f"news effect {token}: unknown player {pid!r}")
            if len(ids) == 2 and ids[0] == ids[1]:
                raise IllegalActionError(f"news effect {token}: a pair of two players")
        return
    if action.player != INSTRUCTOR:
        raise IllegalActionError("only the instructor may inject events")
    if g.phase == OVER:
        raise IllegalActionError("the game is over")
    if not any(e.id == action.inject and e.trigger == "inject" for e in g.rules.events):
        raise IllegalActionError(f"unknown inject {action.inject!r}")
    event = g.rules.event(action.inject)
    failed = unmet(g, event.requires, event, g.round + 1)
    if failed:
        raise IllegalActionError(
            f"inject {action.inject!r} would contradict the game: it needs "
            + "; ".join(describe(q) for q in failed)
        )


def describe(q: Requirement) -> str:
    """A requirement in words, as what the news needs (the inject refusal, the checker)."""
    if q.kind == "no_deal":
        assert q.pair is not None
        return f"no deal in force between {q.pair[0]} and {q.pair[1]}"
    if q.kind == "session":
        assert q.pair is not None
        return f"a session between {q.pair[0]} and {q.pair[1]}"
    if q.kind == "layer":
        parts = []
        if q.status is not None:
            parts.append(q.status.replace("_", " "))
        if q.below is not None:
            parts.append(f"below {fmt_pct(q.below)}")
        if q.at_least is not None:
            parts.append(f"at least {fmt_pct(q.at_least)}")
        return f"tariff layer {q.layer} " + " and ".join(parts)
    if q.kind == "package":
        return f"countermeasure package {q.package} {q.status}"
    if q.kind == "fired":
        return f"event {q.event} fired before"
    raise AssertionError(f"unknown requirement {q.kind!r}")  # pragma: no cover


def apply_instructor(g: State, action: News | Inject) -> None:
    g._sampler_kinds = None  # news may make orders legal again (legal.py)
    if isinstance(action, News):
        g._log("news", f"Instructor news: {action.text}")
        for token in action.effects:
            name, ids, by = parse_news_effect(token)
            kind = "shift_market_stress" if name == "stress" else f"shift_{name}"
            apply_effect(
                g,
                Effect(
                    kind,
                    player=ids[0] if len(ids) == 1 else None,
                    pair=(ids[0], ids[1]) if len(ids) == 2 else None,
                    by=by,
                ),
            )
    else:
        event = g.rules.event(action.inject)
        g._log("inject", f"Instructor inject: {event.news}")
        fire(g, event, g.round + 1)
    g._invalidate()


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
