"""News, the first phase of a round (DESIGN §3.3): layers due take effect, then scheduled,
conditional and random events fire, in scenario order; and the effects of events."""

from __future__ import annotations

from tradegame.engine.actions import INSTRUCTOR, Inject, News, parse_news_effect
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.kinds import LayerStatus
from tradegame.engine.records import MAX_STAKES, OVER, clamp, pair_key
from tradegame.engine.rules import Effect, Event
from tradegame.engine.state import State
from tradegame.engine.text import fmt_pct


def run(g: State) -> None:
    first = g.day
    window = g.tables.news_window(g.rules, first, g.round_end_day)
    # News reaches the economy only through the tariff layers (scheduled layers and
    # set_layer effects; a credibility shift is caught by terms()): keep the cached
    # rates and snapshot unless one of those happened.
    layers_changed = False
    for la in window.layers:
        if g.layer_status[la.id] == LayerStatus.INACTIVE:
            assert la.from_day is not None  # a window's layers have one
            g.layer_status[la.id] = LayerStatus.IN_FORCE
            layers_changed = True
            g._log(
                "news",
                f"{la.name} ({fmt_pct(g.layer_rate[la.id])}) takes "
                f"effect on {g.date_of(la.from_day)}.",
                phase="news",
            )
    for ev in window.scheduled:
        assert ev.day is not None  # a window's scheduled events have one
        g._log("news", f"{g.date_of(ev.day)}: {ev.news}", phase="news")
        fire(g, ev)
        layers_changed = layers_changed or ev.id in window.set_layer
    for ev in window.conditional:
        if (ev.repeat or ev.id not in g.fired) and _condition_holds(g, ev):
            g._log("news", ev.news, phase="news")
            fire(g, ev)
            layers_changed = layers_changed or ev.id in window.set_layer
    for ev in window.chance:
        if g.fired.get(ev.id, 0) >= ev.max_times:
            continue
        g.rng_draws += 1
        if g.rng.random() < ev.probability:
            g._log("news", ev.news, phase="news")
            fire(g, ev)
            layers_changed = layers_changed or ev.id in window.set_layer
    if layers_changed:
        g._invalidate()


def _condition_holds(g: State, ev: Event) -> bool:
    if ev.metric == "market_stress":
        value = g.stress
    elif ev.metric == "approval":
        value = g.approval[ev.player or ""]
    elif ev.metric == "credibility":
        value = g.credibility[ev.player or ""]
    else:
        value = g.relations[pair_key(ev.player or "", ev.partner or "")]
    if ev.at_least is not None and value < ev.at_least:
        return False
    return not (ev.at_most is not None and value > ev.at_most)


def fire(g: State, ev: Event) -> None:
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
        fire(g, event)
    g._invalidate()
