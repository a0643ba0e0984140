"""The News phase's per-scenario index and compiled checks, and politics' approval step,
give what the plain computation gives, at every step (issue 17).

``news.run`` looks only at the events a round's days can fire (an index built once per
scenario and round of days) and checks each with its requirements and condition compiled
once. The reference below, kept only here, looks at every event of the scenario each round
and reads each condition and requirement from the scenario's data, as the phase did before.
At every News phase of random games in every bundled scenario (projections and copies
included), both run on copies of the same state: the same events fire in the same order,
the chance stream is drawn the same number of times, the log and the state hash are equal.

``politics.update`` walks a per-scenario table of the players' base approval; the reference
is the plain loop over the scenario's players.
"""

from __future__ import annotations

import math
import pickle
import random
from collections import Counter
from pathlib import Path

import pytest

from tradegame.agents.base import play_match
from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.kinds import LayerStatus, StatementKind
from tradegame.engine.phases import news, politics, talks
from tradegame.engine.projection import Projected
from tradegame.engine.records import RATE_EPS, clamp, pair_key
from tradegame.engine.rules import Event, Requirement, Rules
from tradegame.engine.state import State
from tradegame.engine.text import fmt_pct
from tradegame.scenario import load_rules

from .test_round_caches import _play

SCENARIOS = sorted(Path(__file__).parents[2].joinpath("scenarios").glob("*.yaml"))
SMALL = Path(__file__).with_name("small.yaml")


def _reference_holds(g: State, q: Requirement, ev: Event, talks_round: int) -> bool:
    """A requirement read from its data (the rule as written in news.py before issue 17)."""
    if q.kind == "no_deal":
        assert q.pair is not None
        return pair_key(*q.pair) not in g.settled_pairs()
    if q.kind == "session":
        assert q.pair is not None
        event_talks, requests = list(g.event_talks), list(g.requests)
        for e in ev.effects:
            if e.kind == "schedule_talks":
                assert e.pair is not None
                event_talks.append((e.pair, e.level, e.requester))
            elif e.kind == "cancel_talks":
                assert e.pair is not None
                key = pair_key(*e.pair)
                event_talks = [t for t in event_talks if pair_key(*t[0]) != key]
                requests = [r for r in requests if pair_key(r[0], r[1]) != key]
        held = {k for k, _, _, h in talks.plan(g, talks_round, event_talks, requests) if h}
        return pair_key(*q.pair) in held
    if q.kind == "layer":
        assert q.layer is not None
        rate = g.layer_rate[q.layer]
        return (
            (q.status is None or g.layer_status[q.layer] == q.status)
            and (q.below is None or rate < q.below - RATE_EPS)
            and (q.at_least is None or rate > q.at_least - RATE_EPS)
        )
    if q.kind == "package":
        return (q.package in g.active_packages) == (q.status == "active")
    assert q.kind == "fired"
    return g.fired.get(q.event or "", 0) > 0


def _reference_condition(g: State, ev: Event) -> bool:
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


def _reference_run(g: State, seen: Counter[str]) -> None:
    """The News phase checking every event of the scenario, every round, from its data."""
    rules = g.rules
    first, last, start = g.day, g.round_end_day, rules.calendar.start_day
    this_round = g.round
    changed = False
    sets_layer = {ev.id for ev in rules.events if any(e.kind == "set_layer" for e in ev.effects)}

    def ok(ev: Event) -> bool:
        return all(_reference_holds(g, q, ev, this_round) for q in ev.requires)

    for la in rules.layers:
        if (
            la.from_day is not None
            and first <= la.from_day <= last
            and la.status == LayerStatus.IN_FORCE
            and la.from_day > start
            and g.layer_status[la.id] == LayerStatus.INACTIVE
        ):
            g.layer_status[la.id] = LayerStatus.IN_FORCE
            changed = True
            g._log(
                "news",
                f"{la.name} ({fmt_pct(g.layer_rate[la.id])}) takes "
                f"effect on {g.date_of(la.from_day)}.",
                phase="news",
            )
    for ev in rules.events:
        if ev.trigger == "scheduled" and ev.day is not None and first <= ev.day <= last:
            if ok(ev):
                g._log("news", f"{g.date_of(ev.day)}: {ev.news}", phase="news")
                news.fire(g, ev, this_round)
                changed = changed or ev.id in sets_layer
                seen["scheduled"] += 1
            else:
                seen["scheduled unmet"] += 1
    for ev in rules.events:
        if ev.trigger != "conditional" or not (ev.repeat or ev.id not in g.fired):
            continue
        if _reference_condition(g, ev) and ok(ev):
            g._log("news", ev.news, phase="news")
            news.fire(g, ev, this_round)
            changed = changed or ev.id in sets_layer
            seen["conditional"] += 1
    for ev in rules.events:
        if ev.trigger != "random" or g.fired.get(ev.id, 0) >= ev.max_times:
            continue
        if (ev.from_day is not None and last < ev.from_day) or (
            ev.until_day is not None and first > ev.until_day
        ):
            continue
        if not ok(ev):
            seen["chance unmet"] += 1
            continue
        g.rng_draws += 1
        if g.rng.random() < ev.probability:
            g._log("news", ev.news, phase="news")
            news.fire(g, ev, this_round)
            changed = changed or ev.id in sets_layer
            seen["chance"] += 1
    if changed:
        g._invalidate()


def _reference_update(
    g: State, snap: eco.Snapshot, raised_against: set[tuple[str, str]], raised_cells: set[int]
) -> None:
    """politics.update as a plain loop over the scenario's players (before issue 17); the
    pledges are settled by politics' own helpers."""
    rules = g.rules
    pol = rules.politics
    holder = rules.market_stress_player
    for p in rules.players:
        pid = p.id
        delta = -pol.pain_weight * snap.pain_pct[pid]
        if pid == holder:
            delta -= rules.market_stress.approval_weight * max(0.0, g.stress - 50.0)
        delta += pol.approval_drift * (p.approval - g.approval[pid])
        g.approval[pid] = clamp(g.approval[pid] + delta)
        g.talk_approval[pid] *= 1.0 - pol.approval_drift
    fade = pol.statements.reassure_fade
    for key, boost in g.talk_relations.items():
        worn = fade * boost
        g.relations[key] = clamp(g.relations[key] - worn)
        g.talk_relations[key] = boost - worn
    for pl in g.pledges:
        if pl.settled:
            continue
        if pl.kind == StatementKind.CLAIM_PROGRESS:
            if politics._claim_honoured(g, pl):
                pl.settled = True
            elif g.round >= pl.due:
                politics._claim_broken(g, pl, "but no deal followed")
        elif pl.kind == StatementKind.THREAT:
            settled_by_deal = politics._deal_with(g, pl)
            if pl.triggered and pl.trigger == "no_deal" and settled_by_deal:
                pl.settled = True
                continue
            if not pl.triggered:
                no_deal = g.snapped and not settled_by_deal
                if (pl.partner, pl.speaker) in raised_against or no_deal:
                    pl.triggered = g.round
                    pl.trigger = "no_deal" if no_deal else "escalation"
                    g._log(
                        "statement",
                        f"{pl.speaker}'s threat against {pl.partner} is put to the test.",
                    )
            elif politics._threat_carried_out(g, pl, raised_cells):
                politics._threat_kept(g, pl)
            elif g.round > pl.triggered:
                politics._threat_broken(g, pl, "")


def _same(a: State, b: State, logged: int) -> None:
    assert a.fired == b.fired
    assert a.rng_draws == b.rng_draws
    assert a.rng.getstate() == b.rng.getstate()
    assert a.log[logged:] == b.log[logged:]
    # repr tells 0.0 from -0.0 (the state hash reads the JSON of these floats).
    assert repr(a.approval) == repr(b.approval)
    assert repr(a.talk_approval) == repr(b.talk_approval)
    assert a.state_hash() == b.state_hash()


def _rules() -> list[object]:
    return [pytest.param(load_rules(p), id=p.stem) for p in [*SCENARIOS, SMALL]]


@pytest.mark.parametrize("rules", _rules())
def test_news_and_politics_agree_with_the_plain_computation(
    rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run, real_update = news.run, politics.update
    seen = Counter[str]()

    def run(g: State) -> None:
        reference = g.copy()
        logged = len(g.log)
        _reference_run(reference, seen)
        real_run(g)
        _same(g, reference, logged)
        seen["news"] += 1

    def update(
        g: State, snap: eco.Snapshot, raised_against: set[tuple[str, str]], raised_cells: set[int]
    ) -> None:
        reference = g.copy()
        logged = len(g.log)
        _reference_update(reference, snap, raised_against, raised_cells)
        real_update(g, snap, raised_against, raised_cells)
        _same(g, reference, logged)
        seen["politics"] += 1
        seen["talk approval"] += any(g.talk_approval.values())

    monkeypatch.setattr(news, "run", run)
    monkeypatch.setattr(politics, "update", update)
    for _game in _play(rules, range(6), what_if=0.15, copies=0.02):
        pass
    assert seen["news"] > 100 and seen["politics"] > 100, seen
    if rules.events:
        assert seen["scheduled"] + seen["conditional"] + seen["chance"] > 10, seen


@pytest.mark.parametrize("rules", _rules())
def test_the_news_of_quiet_rounds_agrees_with_the_plain_computation(
    rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A projection's round met with neither event talks nor requests (every round of a
    # passive tail) has its session requirements answered once, when the round is first met
    # so (news._Plan.quiet), unless one of its events makes or cancels talks. Greedy games
    # play such tails by the thousand in their what_ifs, and random games meet requests and
    # event talks: at each News phase, the state itself and a projection of it (which may
    # take the quiet rounds) run against the reference.
    real_run = news.run
    seen = Counter[str]()
    sessions = [ev for ev in rules.events if any(q.kind == "session" for q in ev.requires)]

    def run(g: State) -> None:
        twin, reference = g.copy_as(Projected), g.copy_as(Projected)
        quiet = not (g.event_talks or g.requests)
        if quiet:
            # The session requirements the round asks about, and their answers now.
            window = g.tables.news_window(g.rules, g.day, g.round_end_day)
            met = {*window.scheduled, *window.conditional, *window.chance}
            for ev in sessions:
                if ev in met:
                    for q in ev.requires:
                        if q.kind == "session":
                            held = _reference_holds(g, q, ev, g.round)
                            seen["quiet session held" if held else "quiet session not held"] += 1
        _reference_run(reference, seen)
        real_run(twin)
        _same(twin, reference, 0)
        seen["quiet" if quiet else "not quiet"] += 1
        reference = g.copy()
        logged = len(g.log)
        _reference_run(reference, seen)
        real_run(g)
        _same(g, reference, logged)

    monkeypatch.setattr(news, "run", run)
    greedy = dict.fromkeys(rules.player_ids, "greedy")
    for seed in range(2):
        play_match(rules, seed, greedy)
    for _game in _play(rules, range(4), what_if=0.1, copies=0.02):
        pass
    assert seen["quiet"] > 40 and seen["not quiet"] > 20, seen
    if sessions:
        assert seen["quiet session held"] and seen["quiet session not held"] > 40, seen


def test_a_pickled_game_compiles_its_news_again_and_plays_on_alike() -> None:
    # The compiled news is kept in the scenario's tables, which a game pickles with it: as
    # its rules (closures do not pickle), compiled again for the rules read back.
    rules = load_rules("april-2025")
    game = Game.new(rules, 4)
    rng = random.Random(4)
    for _ in range(60):
        player = game.to_move()
        assert player is not None
        game.apply(game.legal_actions(player).sample(rng))
    assert game.tables.caches.news is not None
    twin = pickle.loads(pickle.dumps(game))
    plan = twin.tables.caches.news
    assert plan is not None and plan.rules is twin.rules and plan is not game.tables.caches.news
    while (player := game.to_move()) is not None:
        action = game.legal_actions(player).sample(rng)
        game.apply(action)
        twin.apply(action)
        assert twin.state_hash() == game.state_hash()


def test_the_drift_of_talk_approval_keeps_its_zeros() -> None:
    # A player to whom statements added nothing keeps 0.0 (no product is taken), and one
    # who made statements sees its share wear off with the drift.
    rules = load_rules("april-2025")
    g = State(rules, 3)
    g.talk_approval["US"] = 4.0
    g.talk_approval["EU"] = -0.0
    politics.update(g, g.snapshot(), set(), set())
    assert g.talk_approval["US"] == 4.0 * (1.0 - rules.politics.approval_drift)
    assert repr(g.talk_approval["EU"]) == "-0.0"
    assert all(repr(g.talk_approval[p]) == "0.0" for p in rules.player_ids if p not in "US EU")


@pytest.mark.parametrize("metric", ["market_stress", "approval", "credibility", "relations"])
def test_a_compiled_condition_reads_its_bounds_as_written(metric: str) -> None:
    # A missing bound is compiled as an infinite one: it must exclude nothing, not even an
    # infinity or a NaN (what the condition written out with "is None" tests gives). The
    # event, alone in its scenario and with no requirements, fires in the News phase exactly
    # when the condition written out holds.
    import dataclasses

    rules = load_rules("april-2025")
    base = next(ev for ev in rules.events if ev.trigger == "conditional")
    values = [-math.inf, -1.0, 0.0, 40.0, 40.5, 70.0, 100.0, math.inf, math.nan]
    checked = Counter[bool]()
    for low, high in [(None, None), (40.0, None), (None, 70.0), (40.0, 70.0), (70.0, 40.0)]:
        ev = dataclasses.replace(
            base,
            metric=metric,
            player="JP",
            partner="US",
            at_least=low,
            at_most=high,
            requires=(),
            effects=(),
        )
        alone = dataclasses.replace(rules, events=(ev,))
        for v in values:
            g = State(alone, 1)
            if metric == "market_stress":
                g.stress = v
            elif metric == "approval":
                g.approval["JP"] = v
            elif metric == "credibility":
                g.credibility["JP"] = v
            else:
                g.relations[pair_key("JP", "US")] = v
            expected = _reference_condition(g, ev)
            news.run(g)
            assert (ev.id in g.fired) == expected, (low, high, v)
            checked[expected] += 1
    assert checked[True] > 5 and checked[False] > 5
