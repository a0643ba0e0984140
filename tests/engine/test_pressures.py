"""The 2025 pressures of issue 19 (DESIGN §3.10), each moving the stated way, on the
bundled scenarios: markets react to escalation, the precedent binds both ways, the leader's
presence raises what a failed session costs, and the China truce is not a precedent."""

from __future__ import annotations

import dataclasses

import pytest

from tests.engine.test_rules import end_round
from tradegame.engine import Game, parse
from tradegame.engine import economy as eco
from tradegame.engine.rules import Effect, Event, Rules
from tradegame.scenario import load_rules

APRIL = load_rules("april-2025")


def calm(rules: Rules) -> Rules:
    """``rules`` without random events (exact figures whatever the seed)."""
    return dataclasses.replace(
        rules, events=tuple(e for e in rules.events if e.trigger != "random")
    )


def market(rules: Rules, **changes: float) -> Rules:
    return dataclasses.replace(
        rules, market_stress=dataclasses.replace(rules.market_stress, **changes)
    )


def politics(rules: Rules, **changes: float) -> Rules:
    return dataclasses.replace(rules, politics=dataclasses.replace(rules.politics, **changes))


def play(rules: Rules, moves: list[str], seed: int = 0) -> Game:
    game = Game.new(rules, seed)
    for text in moves:
        game.apply(parse(text))
    return game


# -- a round-1 car-tariff hike is a loss for the US ------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_round_one_car_tariff_hike_projects_a_loss_for_the_us(seed: int) -> None:
    game = Game.new(APRIL, seed)
    hike = parse("US tariff us_jp_autos_232 0.5")  # 27.5% -> 52.5% on Japanese cars
    assert game.what_if("US", [hike]).change < 0.0


# -- escalation moves market stress ----------------------------------------------------------

ESCALATE = ["US tariff us_jp_country 0.5", "US tariff us_eu_country 0.5", "US done"]


def _stress_after_round_one(rules: Rules, orders: list[str]) -> float:
    game = play(rules, ["JP pass", *orders])
    end_round(game)
    return game.stress


def test_escalation_jolts_market_stress_beyond_the_level_effect() -> None:
    rules = calm(APRIL)
    assert rules.market_stress.escalation_weight > 0
    flat = market(rules, escalation_weight=0.0)
    jump = _stress_after_round_one(rules, ESCALATE) - _stress_after_round_one(rules, ["US done"])
    level = _stress_after_round_one(flat, ESCALATE) - _stress_after_round_one(flat, ["US done"])
    assert level > 0.0
    # The jump is the level effect plus escalation_weight times the rise in the trade-weighted
    # tariff the US applies.
    start = Game.new(rules, 0)
    before, _ = eco.stress_pressure(rules, start.rates())
    raised = play(rules, ["JP pass", *ESCALATE])
    end_round(raised)
    after, _ = eco.stress_pressure(rules, raised.rates())
    expected = rules.market_stress.escalation_weight * (after - before)
    # (rates read after the next round's news, which may move them a little)
    assert jump == pytest.approx(level + expected, rel=0.02)
    assert jump > level + 20.0


def _selloff(rules: Rules, us_orders: list[str], extend: bool = False) -> Game:
    game = Game.new(rules, 0)
    while not game.is_over():
        mover = game.to_move()
        s = game.session
        if s is not None:
            game.apply(parse(f"{mover} {'pass' if s.offer is None else 'reject'}"))
            continue
        if mover == "US" and game.round == 1:
            for text in us_orders:
                game.apply(parse(text))
            continue
        if mover == "US" and extend and parse("US extend 7") in game.legal_actions("US"):
            game.apply(parse("US extend 7"))
        game.apply(parse(f"{mover} done"))
    return game


def test_a_hawkish_us_meets_the_bond_selloff() -> None:
    # The US escalates to 50% on both partners in round 1 and never deals or extends.
    rules = calm(APRIL)
    hawk = _selloff(rules, ESCALATE)
    assert hawk.fired.get("bond_selloff", 0) == 1
    # Without the escalation markets still react to the snap-back, but less: no sell-off in
    # round 1, and the hawk's stress peaks higher.
    passive = _selloff(rules, ["US done"])
    hawk_peak = max(r["market_stress"] for r in hawk.history)
    passive_peak = max(r["market_stress"] for r in passive.history)
    assert hawk_peak > passive_peak
    # With escalation not counted (the old rule), the same hawk never meets it.
    assert (
        _selloff(market(rules, escalation_weight=0.0), ESCALATE).fired.get("bond_selloff") is None
    )


# -- the leader's presence raises the stakes --------------------------------------------------

LEADER_JOINS = Event(
    id="leader_joins_test",
    trigger="scheduled",
    news="The President joins today's session.",
    effects=(Effect("raise_stakes", pair=("JP", "US"), factor=2.0),),
    day=APRIL.calendar.start_day,
)


def no_leader(rules: Rules) -> Rules:
    """``rules`` without random events and without the events that raise stakes (the 16 April
    Oval Office meeting does, in round 1)."""
    rules = calm(rules)
    return dataclasses.replace(
        rules,
        events=tuple(
            e for e in rules.events if not any(x.kind == "raise_stakes" for x in e.effects)
        ),
    )


def _round_one_talks(rules: Rules, moves: list[str]) -> Game:
    game = play(rules, moves)
    end_round(game)
    return game


def test_a_failed_session_with_the_leader_costs_both_sides() -> None:
    rules = no_leader(APRIL)
    with_leader = dataclasses.replace(rules, events=(*rules.events, LEADER_JOINS))
    offer = "JP propose US us_cap_jp=0.1,jp_process=1"
    plain = _round_one_talks(rules, [offer, "US reject"])
    summit = _round_one_talks(with_leader, [offer, "US reject"])
    pol = rules.politics
    assert pol.failed_summit_relations > 0 and pol.failed_summit_approval > 0
    key = ("JP", "US") if ("JP", "US") in summit.relations else ("US", "JP")
    assert summit.relations[key] < plain.relations[key]
    for p in ("JP", "US"):
        assert summit.approval[p] < plain.approval[p]
    assert any("stakes raised" in e.text for e in summit.log)
    assert not any("stakes raised" in e.text for e in plain.log)
    # Off by default: a scenario that does not set the weights keeps the old rule.
    quiet = politics(with_leader, failed_summit_relations=0.0, failed_summit_approval=0.0)
    assert _round_one_talks(quiet, [offer, "US reject"]).relations[key] == plain.relations[key]


def test_an_agreement_with_the_leader_counts_more_than_one_without() -> None:
    rules = no_leader(APRIL)
    with_leader = dataclasses.replace(rules, events=(*rules.events, LEADER_JOINS))
    deal = ["JP propose US us_cap_jp=0.15,jp_investment=550", "US accept"]
    plain = _round_one_talks(rules, deal)
    summit = _round_one_talks(with_leader, deal)
    assert summit.deal("d1").status == plain.deal("d1").status == "in_force"
    # Japan gives more than it gets (political points): with the leader there, it pays more.
    assert summit.approval["JP"] < plain.approval["JP"]


# -- the precedent: the first settler is the reference ---------------------------------------


def _two_deals(rules: Rules, eu_cap: float) -> Game:
    """Japan settles first (15% cap, round 1); the EU settles in round 2 at ``eu_cap``."""
    game = play(
        rules,
        ["JP propose US us_cap_jp=0.15,jp_investment=550", "US accept", "US done", "JP done"],
    )
    game.apply(parse("EU request US ministerial"))
    end_round(game)
    assert game.precedent == 0.15 and game.precedent_by == "JP"
    game.apply(parse(f"EU propose US us_cap_eu={eu_cap},eu_investment=600"))
    game.apply(parse("US accept"))
    end_round(game)
    assert game.deal("d2").status == "in_force"
    return game


def test_undercutting_the_precedent_costs_the_first_settler_and_the_setter() -> None:
    rules = calm(APRIL)
    pol = rules.politics
    assert pol.precedent_first_weight > 0 and pol.precedent_setter_weight > 0
    level = _two_deals(rules, 0.15)
    under = _two_deals(rules, 0.10)  # the EU gets a better cap than Japan did
    # The EU's deal differs in its cap only; Japan and the US pay for the undercut.
    gap = 0.15 - 0.10
    # (in the same resolution, approval then drifts back by approval_drift of the gap)
    assert under.approval["JP"] == pytest.approx(
        level.approval["JP"] - pol.precedent_first_weight * gap * (1 - pol.approval_drift),
        abs=1e-6,
    )
    us_gain_diff = (
        rules.item("us_cap_eu").level(0.10).cost - rules.item("us_cap_eu").level(0.15).cost
    )  # type: ignore[union-attr]
    assert under.approval["US"] < level.approval["US"] - 0.5 * pol.concession_weight * us_gain_diff


def test_holding_a_later_partner_to_a_hard_precedent_pays_the_setter() -> None:
    rules = calm(APRIL)
    no_weight = politics(rules, precedent_setter_weight=0.0)
    held = _two_deals(rules, 0.20)  # the EU settles worse than the precedent
    held_before = _two_deals(no_weight, 0.20)
    pol = rules.politics
    assert held.approval["US"] == pytest.approx(
        held_before.approval["US"] + pol.precedent_setter_weight * 0.05 * (1 - pol.approval_drift),
        abs=1e-6,
    )
    # ... and Japan, the first settler, looks better for it.
    assert held.approval["JP"] > _two_deals(rules, 0.15).approval["JP"]


# -- with China: the Geneva truce is not judged against Japan's precedent ---------------------


def test_the_geneva_truce_sets_and_meets_no_precedent() -> None:
    rules = calm(load_rules("with-china"))
    assert not rules.item("us_cap_cn").sets_precedent
    game = play(rules, ["JP propose US us_cap_jp=0.15,jp_investment=550", "US accept"])
    while game.round < 4:
        end_round(game)
    assert game.precedent == 0.15
    # Round 4: the scheduled US–China session (Geneva); the US proposes the truce at 35%.
    while game.session is not None and set(game.session.pair) != {"CN", "US"}:
        mover = game.to_move()
        game.apply(parse(f"{mover} {'pass' if game.session.offer is None else 'reject'}"))
    assert game.session is not None
    cn_before = game.approval["CN"]
    game.apply(parse("US propose CN us_cap_cn=0.35,cn_cap_us=0.175"))
    game.apply(parse("CN accept"))
    end_round(game)
    truce = next(d for d in game.deals if set(d.parties) == {"CN", "US"})
    assert truce.status == "in_force"
    assert not any("CN settles" in e.text for e in game.log)  # not judged against 15%
    assert game.precedent == 0.15 and game.precedent_by == "JP"
    assert game.approval["CN"] > cn_before - 5.0  # the old rule took 40 × 0.2 = 8 points


# -- hidden information: the new pressures read only public facts ----------------------------


def test_the_precedent_and_summit_effects_read_no_private_data() -> None:
    """The EU's private data (objectives, political costs) changes; the precedent's effects on
    Japan and the US, and the cost of a failed summit, do not (they read only public terms)."""
    from tests.engine.test_information import with_private

    rules = calm(APRIL)
    variant = with_private(rules, "EU", objectives=True, costs=True)
    for eu_cap in (0.10, 0.20):
        a, b = _two_deals(rules, eu_cap), _two_deals(variant, eu_cap)
        for p in ("JP", "US"):
            assert a.approval[p] == pytest.approx(b.approval[p], abs=1e-9), (eu_cap, p)
            assert a.view(p).to_json()["precedent_cap"] == b.view(p).to_json()["precedent_cap"]
        assert a.what_if("JP").to_json() == b.what_if("JP").to_json()
    summit = dataclasses.replace(no_leader(APRIL), events=(*no_leader(APRIL).events, LEADER_JOINS))
    moves = ["JP propose US us_cap_jp=0.1,jp_process=1", "US reject"]
    ga = _round_one_talks(summit, moves)
    gb = _round_one_talks(with_private(summit, "EU", objectives=True, costs=True), moves)
    assert ga.view("JP").to_json() == gb.view("JP").to_json()
