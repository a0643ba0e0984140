"""One small test per rule of DESIGN §3, on tests/engine/small.yaml, written in the notation.

small.yaml in brief: A holds the deadline (day 27, extensions up to 14 days in steps of 7),
the talk capacity (1 session a round), the market stress and the precedent. Round 1 (days
7–13) has scheduled ministerial talks B→A. Four rounds: 7–13, 14–20, 21–27, 28–34; the paused
country rates (A on B 24%, A on C 20%) snap back at the end of round 3. B ratifies with
win-set 10 + 0.2 × (approval − 50), C with 6 + 0.1 × (approval − 50). Talk levels: working 2
exchanges, ministerial 3, leader 4. max_orders 2, tariff step 5%.

Expected values come from the rules and the scenario's numbers, not from the engine's output;
where a rule only fixes a direction, the test compares with a counterfactual game that differs
in that one move.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegame.engine import (
    Done,
    Game,
    IllegalActionError,
    Inject,
    InvalidActionError,
    Pass,
    parse,
)
from tradegame.engine import economy as eco
from tradegame.engine.game import pair_key
from tradegame.engine.scoring import metric
from tradegame.scenario import load_rules

RULES = load_rules(Path(__file__).with_name("small.yaml"))
CELLS = {(c.exporter, c.importer, c.sector): c.index for c in eco.compile_rules(RULES).cells}
POL = RULES.politics


def fresh(**changes: object):  # noqa: ANN201
    return dataclasses.replace(RULES, **changes)


# A variant without random events, where exact figures must hold whatever the seed.
CALM = fresh(events=tuple(e for e in RULES.events if e.trigger != "random"))


def play(moves: list[str], seed: int = 0, rules=RULES) -> Game:  # noqa: ANN001
    game = Game.new(rules, seed)
    for text in moves:
        game.apply(parse(text))
    return game


def quiet(game: Game) -> None:
    """The player to move passes (talks), rejects (an offer is open) or is done (orders)."""
    mover = game.to_move()
    assert mover is not None
    s = game.session
    game.apply(parse(f"{mover} {'done' if s is None else 'pass' if s.offer is None else 'reject'}"))


def end_round(game: Game) -> None:
    """Everyone left in this round passes or is done; the round resolves."""
    start = len(game.round_hashes)
    while len(game.round_hashes) == start and not game.is_over():
        quiet(game)


def to_round(game: Game, n: int) -> None:
    while game.round < n and not game.is_over():
        end_round(game)


def rate(game: Game, exporter: str, importer: str, sector: str) -> float:
    return game.rates()[CELLS[(exporter, importer, sector)]]


def refused(game: Game, text: str) -> str:
    with pytest.raises(IllegalActionError) as info:
        game.apply(parse(text))
    return str(info.value)


# -- §3.1 clock --------------------------------------------------------------------------


def test_calendar_of_the_small_scenario() -> None:
    game = Game.new(RULES, 0)
    assert (game.round, game.day, game.deadline_day) == (1, 7, 27)
    assert game.date_of(game.day) == "2025-01-08"
    assert game.rounds_total() == 4
    end_round(game)
    assert (game.round, game.day) == (2, 14)
    to_round(game, 99)
    assert game.is_over() and len(game.round_hashes) == 4 and game.day == 35


# -- §3.3 talks --------------------------------------------------------------------------


def test_scheduled_talks_requester_moves_first_then_alternation() -> None:
    game = Game.new(RULES, 0)
    assert game.to_move() == "B"  # the scheduled requester
    assert "B's turn" in refused(game, "A propose B a-cap-b=0.2")
    game.apply(parse("B propose A b-invest=40"))
    assert game.to_move() == "A"
    assert "it is A's turn" in refused(game, "B propose A b-invest=80")
    game.apply(parse("A counter B b-invest=80"))
    assert game.to_move() == "B"
    game.apply(parse("B counter A b-invest=40,b-process=1"))
    assert game.to_move() == "A"


def test_talks_answer_moves() -> None:
    game = Game.new(RULES, 0)
    # The opener proposes or passes; nothing else.
    assert "propose or pass" in refused(game, "B accept")
    assert "propose or pass" in refused(game, "B counter A b-invest=40")
    game.apply(parse("B propose A b-invest=40"))
    assert "accept, reject or counter" in refused(game, "A propose B b-invest=80")
    assert "accept it instead" in refused(game, "A counter B b-invest=40")
    assert "a counter goes back to B" in refused(game, "A counter C b-invest=80")
    # Orders wait for the orders phase.
    assert "accept, reject or counter" in refused(game, "A tariff a-on-b 0.3")


def test_deal_terms_are_checked() -> None:
    game = Game.new(RULES, 0)
    assert "unknown catalogue item 'zz'" in refused(game, "B propose A zz=1")
    assert "not a level of b-invest" in refused(game, "B propose A b-invest=50")
    assert "40, 80" in refused(game, "B propose A b-invest=50")  # the allowed levels
    assert "max_terms" in refused(game, "B propose A b-invest=40,b-farm=5,a-cap-b=0.2,a-process=1")
    assert "C's to give" in refused(game, "B propose A c-cut=0")
    assert "a-cap-c cannot be given to B" in refused(game, "B propose A a-cap-c=0.1")
    assert "talks this session are between B and A" in refused(game, "B propose C b-invest=40")


def test_requested_talks_happen_next_round_requester_first() -> None:
    game = play(["B pass", "A done", "B done", "C request B working", "C done"])
    assert game.round == 2
    assert [(s.requester, s.responder, s.level) for s in game.sessions] == [("C", "B", "working")]
    assert game.to_move() == "C"


def test_when_both_request_the_earlier_player_in_order_is_requester() -> None:
    game = play(
        ["B pass", "A done", "B request C leader", "B done", "C request B working", "C done"]
    )
    assert len(game.sessions) == 1
    assert game.sessions[0].requester == "B"
    assert game.to_move() == "B"


def test_talk_capacity_second_session_does_not_happen_and_both_sides_are_told() -> None:
    game = play(
        ["B pass", "A request C ministerial", "A done", "B request A leader", "B done", "C done"]
    )
    assert game.round == 2
    sessions = [frozenset(s.pair) for s in game.sessions]
    assert sessions == [frozenset({"A", "C"})]  # capacity 1: the holder's own request first
    told = [e for e in game.log if e.round == 2 and "capacity" in e.text]
    assert len(told) == 1
    assert told[0].audience == frozenset({"A", "B"})
    assert "A" in told[0].text and "B" in told[0].text
    c_log = [e.text for e in game.log if e.visible_to("C")]
    assert not any("capacity" in t for t in c_log)
    # Sessions not involving the capacity holder are not limited by it.
    game2 = play(
        ["B pass", "A request C ministerial", "A done", "B request C leader", "B done", "C done"]
    )
    assert sorted(frozenset(s.pair) for s in game2.sessions) == sorted(
        [frozenset({"A", "C"}), frozenset({"B", "C"})], key=sorted
    )


OFFERS = [
    "b-invest=40",
    "b-invest=80",
    "b-farm=5",
    "b-farm=10",
    "b-invest=40,b-process=1",
    "b-invest=80,b-process=1",
]


@pytest.mark.parametrize(
    ("level", "exchanges"), [("working", 2), ("ministerial", 3), ("leader", 4)]
)
def test_max_exchanges_then_an_unanswered_counter_lapses(level: str, exchanges: int) -> None:
    # Round 1: B asks for talks with A at ``level``; round 2 holds them, B first.
    game = play(["B pass", "A done", f"B request A {level}", "B done", "C done"])
    assert game.round == 2
    assert game.sessions[0].max_exchanges == exchanges
    assert game.sessions[0].level == level
    game.apply(parse(f"B propose A {OFFERS[0]}"))
    movers = ["A", "B"]
    for n in range(1, exchanges + 1):
        # Offer n answers offer n − 1: exchange n is complete.
        assert game.session is not None and game.to_move() == movers[(n - 1) % 2]
        who = game.to_move()
        game.apply(parse(f"{who} counter {'B' if who == 'A' else 'A'} {OFFERS[n]}"))
    # max_exchanges exchanges done: the last counter lapses unanswered.
    assert game.sessions[0].status == "lapsed"
    assert game.session is None and game.phase == "orders"
    lapse = [e for e in game.log if "lapses" in e.text]
    assert len(lapse) == 1 and lapse[0].audience == frozenset({"A", "B"})
    assert not game.deals


def test_the_last_offer_within_max_exchanges_can_be_accepted() -> None:
    # Ministerial: 3 exchanges — propose, counter, counter can still be answered.
    game = play(
        [
            "B propose A b-invest=80",
            "A counter B b-invest=40",
            "B counter A b-invest=40,b-process=1",
            "A accept",
        ]
    )
    assert game.sessions[0].status == "agreed"
    assert [d.status for d in game.deals] == ["agreed"]


# -- §3.3 orders -------------------------------------------------------------------------


def test_orders_limited_by_max_orders_then_only_done() -> None:
    game = play(["B pass", "A tariff a-on-b 0.3", "A say reassure B"])
    assert game.to_move() == "A"
    message = refused(game, "A say reassure C")
    assert "max_orders" in message and "done" in message
    assert list(game.legal_actions("A")) == [Done("A")]
    game.apply(parse("A done"))
    assert game.to_move() == "B"


def test_orders_are_secret_and_apply_only_at_resolution() -> None:
    game = play(["B pass", "A tariff a-on-b 0.4"])
    before = rate(game, "B", "A", "other")
    assert before == pytest.approx(0.12)
    assert not any("40%" in e.text for e in game.log)
    game.apply(parse("A done"))
    game.apply(parse("B done"))
    assert rate(game, "B", "A", "other") == pytest.approx(0.12)  # still pending
    game.apply(parse("C done"))
    assert rate(game, "B", "A", "other") == pytest.approx(0.02 + 0.4)  # replaces the baseline
    assert any("40%" in e.text and e.audience is None for e in game.log)


def test_set_tariff_bounds_and_steps_are_refused_with_the_rule() -> None:
    game = play(["B pass"])
    high = refused(game, "A tariff a-on-b 0.55")
    assert "a-on-b" in high and "10%" in high and "50%" in high
    low = refused(game, "A tariff a-on-b 0.05")
    assert "10%" in low and "50%" in low
    step = refused(game, "A tariff a-on-b 0.12")
    assert "tariff_step" in step and "5%" in step
    assert "no tariff instrument" in refused(game, "A tariff a-on-c 0.2")
    assert "not one of A's countermeasures" in refused(game, "A countermeasure b-cm on")
    for ok in ("A tariff a-on-b 0.1", "A tariff a-on-b 0.5", "A tariff a-on-b 0.35"):
        assert game.can(parse(ok)), ok
    game.apply(parse("A tariff a-on-b 0.35"))
    assert "already set a-on-b" in refused(game, "A tariff a-on-b 0.4")


# -- §3.4 ratification -------------------------------------------------------------------


def test_win_set_formula() -> None:
    game = Game.new(RULES, 0)
    assert game.win_set("B") == pytest.approx(10 + 0.2 * (40 - 50))
    assert game.win_set("C") == pytest.approx(6 + 0.1 * (50 - 50))
    assert game.win_set("A") is None


def test_ratification_fails_beyond_the_win_set() -> None:
    # B gives b-farm=10 (cost 9) and b-invest=80 (cost 4): 13 points against a win-set of 8.
    game = play(["B propose A b-farm=10,b-invest=80", "A accept"], rules=CALM)
    assert game.win_set("B") < 13
    approval, cred = game.approval["B"], game.credibility["B"]
    end_round(game)
    deal = game.deal("d1")
    assert deal is not None and deal.status == "failed" and deal.ended_by == "B"
    assert game.deals_in_force() == []
    assert any("fails ratification" in e.text and e.audience is None for e in game.log)
    assert game.credibility["B"] == pytest.approx(cred - POL.ratification_failure_credibility)
    # Approval: the failure costs B; the round's drift toward B's base level then closes
    # approval_drift of every gap, this one included.
    control = play(["B propose A b-farm=10,b-invest=80", "A reject"], rules=CALM)
    end_round(control)
    assert game.approval["B"] < control.approval["B"] < approval + 10
    assert game.approval["B"] == pytest.approx(
        control.approval["B"] - POL.ratification_failure_approval * (1 - POL.approval_drift)
    )


def test_ratification_passes_within_the_win_set() -> None:
    # b-invest=40 costs B 2 points, a-cap-b=0.2 gains it 4: net −2, within 8.
    game = play(["B propose A a-cap-b=0.2,b-invest=40", "A accept"])
    end_round(game)
    assert game.deal("d1").status == "in_force"
    assert any("enters force" in e.text for e in game.log)


def test_ratification_reads_approval_at_resolution() -> None:
    """b-farm=5 costs B 3 points; an inject that lowers B's approval can push it out."""
    low = fresh(
        events=RULES.events
        + (
            dataclasses.replace(
                next(e for e in RULES.events if e.trigger == "inject"),
                id="slump",
                effects=(
                    dataclasses.replace(
                        next(e for e in RULES.events if e.id == "headline").effects[0], by=-40.0
                    ),
                ),
            ),
        )
    )
    # Win-set at approval 40 is 8 (passes); at approval 0 it is 0 (fails).
    ok = play(["B propose A b-farm=5", "A accept"], rules=low)
    end_round(ok)
    assert ok.deal("d1").status == "in_force"
    late = play(["B propose A b-farm=5", "A accept", "! inject slump"], rules=low)
    assert late.win_set("B") < 3
    end_round(late)
    assert late.deal("d1").status == "failed"


def test_a_player_without_ratification_never_fails_it() -> None:
    game = play(["B propose A a-cap-b=0.1,a-extend=7,a-process=1", "A accept"])
    end_round(game)
    assert game.deal("d1").status == "in_force"


# -- §3.4 precedent ----------------------------------------------------------------------


def _second_partner_deal(first: str | None, second_cap: str) -> Game:
    """Round 1: A–B settle with ``first`` (or not); round 2: A–C settle on ``second_cap``."""
    moves = [f"B propose A {first}", "A accept"] if first else ["B pass"]
    moves += [
        "A done",
        "B done",
        "C request A ministerial",
        "C done",
        f"C propose A {second_cap}",
        "A accept",
    ]
    game = play(moves, rules=CALM)
    end_round(game)
    assert game.deal("d2" if first else "d1").status == "in_force"
    return game


def test_precedent_better_than_the_first_deal_gains_approval() -> None:
    with_precedent = _second_partner_deal("a-cap-b=0.2", "a-cap-c=0.1")
    without = _second_partner_deal(None, "a-cap-c=0.1")
    assert with_precedent.precedent == 0.2
    gain = with_precedent.approval["C"] - without.approval["C"]
    assert gain > 0
    # The shift is applied at resolution, then the round's drift closes part of it.
    assert gain == pytest.approx(POL.precedent_weight * (0.2 - 0.1) * (1 - POL.approval_drift))


def test_precedent_worse_than_the_first_deal_loses_approval() -> None:
    with_precedent = _second_partner_deal("a-cap-b=0.1", "a-cap-c=0.2")
    without = _second_partner_deal(None, "a-cap-c=0.2")
    assert with_precedent.precedent == 0.1
    loss = with_precedent.approval["C"] - without.approval["C"]
    assert loss < 0
    assert loss == pytest.approx(-POL.precedent_weight * (0.2 - 0.1) * (1 - POL.approval_drift))


# -- §3.4 / §3.9 reneging ------------------------------------------------------------------


def _capped(round2_orders: list[str]) -> Game:
    """A–B deal capping A's tariff on B at 20% in round 1; round 2 plays ``round2_orders``
    (A moves first: round 2 has no talks), then everyone left is done."""
    game = play(["B propose A a-cap-b=0.2,b-invest=40", "A accept"], rules=CALM)
    end_round(game)
    assert game.deal("d1").status == "in_force"
    for order in round2_orders:
        game.apply(parse(order))
    end_round(game)
    return game


def test_set_tariff_above_an_agreed_cap_is_an_implicit_renege() -> None:
    kept = _capped(["A tariff a-on-b 0.1"])
    broken = _capped(["A tariff a-on-b 0.4"])
    assert kept.deal("d1").status == "in_force"
    deal = broken.deal("d1")
    assert deal.status == "reneged" and deal.ended_by == "A"
    assert broken.credibility["A"] < kept.credibility["A"]
    assert broken.credibility["A"] == pytest.approx(kept.credibility["A"] - POL.renege_credibility)
    key = pair_key("A", "B")
    assert broken.relations[key] < kept.relations[key] - POL.renege_relations + 1e-9
    # The deal's terms are void for both sides: the cap no longer bounds the rate,
    # and B's investment no longer flows.
    assert rate(broken, "B", "A", "other") == pytest.approx(0.02 + 0.4)
    assert rate(broken, "B", "A", "cars") == pytest.approx(0.025 + 0.25)
    assert broken.snapshot().investment_received["A"] == 0
    assert kept.snapshot().investment_received["A"] > 0
    assert any("reneges" in e.text and e.audience is None for e in broken.log)


def test_set_tariff_within_the_cap_is_no_renege() -> None:
    game = _capped(["A tariff a-on-b 0.15"])  # 2% MFN + 15% = 17% ≤ 20%
    assert game.deal("d1").status == "in_force"


def test_explicit_renege() -> None:
    kept = _capped([])
    broken = _capped(["A done", "B renege d1"])
    deal = broken.deal("d1")
    assert deal.status == "reneged" and deal.ended_by == "B"
    assert broken.credibility["B"] == pytest.approx(kept.credibility["B"] - POL.renege_credibility)
    key = pair_key("A", "B")
    # At least the renege's cost (the voided cap also raises A's tariff on B).
    assert broken.relations[key] <= kept.relations[key] - POL.renege_relations + 1e-9
    # The cap is gone: B faces the layered rate on cars again.
    assert rate(kept, "B", "A", "cars") == pytest.approx(0.2)
    assert rate(broken, "B", "A", "cars") == pytest.approx(0.275)


def test_renege_needs_a_deal_in_force() -> None:
    game = play(["B pass"])
    assert "no deal 'd1' in force" in refused(game, "A renege d1")
    game = play(["B propose A b-invest=40", "A accept"])  # agreed, not yet in force
    assert "no deal 'd1' in force" in refused(game, "A renege d1")
    game = _capped([])
    game.apply(parse("A done"))
    game.apply(parse("B done"))
    assert "no deal 'd1' in force" in refused(game, "C renege d1")  # not a party


# -- §3.1 / §3.9 deadline, snap-back, extension -------------------------------------------


def test_snap_back_at_the_deadline() -> None:
    game = Game.new(RULES, 0)
    to_round(game, 3)
    assert rate(game, "B", "A", "other") == pytest.approx(0.12)  # baseline while paused
    assert rate(game, "C", "A", "other") == pytest.approx(0.12)
    assert not game.snapped
    end_round(game)  # round 3 ends on day 27, the deadline: day 28 is past it
    assert game.snapped
    assert rate(game, "B", "A", "other") == pytest.approx(0.02 + 0.24)
    assert rate(game, "C", "A", "other") == pytest.approx(0.02 + 0.20)
    assert any(e.kind == "deadline" for e in game.log)


def test_snap_back_is_bounded_by_a_cap_in_force() -> None:
    game = play(["B propose A a-cap-b=0.2,b-invest=40", "A accept"])
    to_round(game, 4)
    assert game.snapped and game.deal("d1").status == "in_force"
    assert rate(game, "B", "A", "other") == pytest.approx(0.2)  # min(26%, 20%)
    assert rate(game, "C", "A", "other") == pytest.approx(0.22)  # no cap for C


def test_extension_by_the_holder_moves_the_snap_back() -> None:
    game = play(["B pass", "A extend 7"])
    end_round(game)
    assert game.deadline_day == 34
    assert game.rounds_total() == 5
    to_round(game, 4)
    assert not game.snapped
    assert rate(game, "B", "A", "other") == pytest.approx(0.12)
    end_round(game)  # round 4 ends on day 34, the new deadline
    assert game.snapped
    assert rate(game, "B", "A", "other") == pytest.approx(0.26)
    to_round(game, 99)
    assert game.is_over() and len(game.round_hashes) == 5


def test_extension_costs_the_holder_credibility() -> None:
    game = play(["B pass", "A extend 7"], rules=CALM)
    control = play(["B pass", "A say reassure B"], rules=CALM)
    end_round(game)
    end_round(control)
    assert game.credibility["A"] == pytest.approx(
        control.credibility["A"] - POL.extension_credibility
    )


def test_extension_rules() -> None:
    game = play(["B pass"])
    assert "max_extension_days" in refused(game, "A extend 21")
    assert "steps of 7" in refused(game, "A extend 3")
    assert "max_extension_days" in refused(game, "A extend 0")
    game.apply(parse("A extend 14"))
    assert "one extension per round" in refused(game, "A extend 7")
    game.apply(parse("A done"))
    assert "only the deadline holder (A)" in refused(game, "B extend 7")
    end_round(game)
    assert game.deadline_day == 27 + 14
    game2 = play(["B pass", "A extend 7"])
    end_round(game2)
    game2.apply(parse("A extend 7"))  # 14 in all: allowed
    end_round(game2)
    assert game2.deadline_day == 41
    assert "max_extension_days" in refused(game2, "A extend 7")  # 14 of 14 used


def test_no_extension_after_the_snap_back() -> None:
    game = Game.new(RULES, 0)
    to_round(game, 4)
    assert game.snapped
    message = refused(game, "A extend 7")
    assert "deadline" in message and "passed" in message


# -- countermeasures and statements -------------------------------------------------------


def test_countermeasure_raises_the_targets_faced_tariff_and_cuts_relations() -> None:
    game = play(["B pass", "A done", "B countermeasure b-cm on"], rules=CALM)
    control = play(["B pass", "A done", "B say reassure C"], rules=CALM)
    before = game.tariff_faced_now("A", partner="B")
    end_round(game)
    end_round(control)
    assert rate(game, "A", "B", "farm") == pytest.approx(0.1 + 0.25)
    assert rate(game, "A", "B", "other") == pytest.approx(0.0)  # the package is farm only
    assert game.tariff_faced_now("A", partner="B") > before
    assert game.tariff_faced_now("A") > control.tariff_faced_now("A")
    key = pair_key("A", "B")
    assert game.relations[key] <= control.relations[key] - POL.countermeasure_relations
    # Suspending it brings the rate back.
    game.apply(parse("A done"))
    game.apply(parse("B countermeasure b-cm off"))
    end_round(game)
    assert rate(game, "A", "B", "farm") == pytest.approx(0.1)


def test_fact_check_of_a_false_claim_costs_the_claimer() -> None:
    game = play(["B pass", "A done", "B say fact_check A a-claim"], rules=CALM)
    control = play(["B pass", "A done", "B say reassure C"], rules=CALM)
    end_round(game)
    end_round(control)
    assert game.credibility["A"] == pytest.approx(
        control.credibility["A"] - POL.statements.fact_check_credibility
    )
    assert game.credibility["B"] == pytest.approx(control.credibility["B"])
    game.apply(parse("A done"))
    assert "already fact-checked" in refused(game, "B say fact_check A a-claim")


def test_fact_check_of_an_accurate_claim_costs_the_speaker() -> None:
    accurate = fresh(
        claims=tuple(dataclasses.replace(c, accurate=True) for c in RULES.claims),
        events=CALM.events,
    )
    game = play(["B pass", "A done", "B say fact_check A a-claim"], rules=accurate)
    control = play(["B pass", "A done", "B say reassure C"], rules=accurate)
    end_round(game)
    end_round(control)
    assert game.credibility["B"] == pytest.approx(
        control.credibility["B"] - POL.statements.fact_check_credibility
    )
    assert game.credibility["A"] == pytest.approx(control.credibility["A"])


def test_claim_progress_without_a_deal_costs_credibility_later() -> None:
    st_rules = POL.statements
    game = play(["B pass", "A done", "B say claim_progress A"], rules=CALM)
    control = play(["B pass", "A done", "B say reassure C"], rules=CALM)
    end_round(game)
    end_round(control)
    # Approval now.
    assert game.approval["B"] > control.approval["B"]
    # No credibility cost while the N rounds run.
    for _ in range(st_rules.claim_progress_rounds - 1):
        assert game.credibility["B"] == pytest.approx(control.credibility["B"])
        end_round(game)
        end_round(control)
    assert game.credibility["B"] == pytest.approx(control.credibility["B"])
    end_round(game)
    end_round(control)
    assert game.credibility["B"] == pytest.approx(
        control.credibility["B"] - st_rules.claim_progress_credibility
    )


def test_claim_progress_followed_by_a_deal_costs_nothing() -> None:
    moves = [
        "B pass",
        "A done",
        "B say claim_progress A",
        "B request A ministerial",
        "B done",
        "C done",
        "B propose A b-invest=40",
        "A accept",
    ]
    game = play(moves, rules=CALM)
    to_round(game, 99)
    control = play(moves[:2] + ["B say reassure C"] + moves[3:], rules=CALM)
    to_round(control, 99)
    assert game.deal("d1").status == "in_force"
    assert game.credibility["B"] == pytest.approx(control.credibility["B"])


# -- §3.3 news and injects -----------------------------------------------------------------


def test_scheduled_event_fires_in_its_round() -> None:
    no_headline = fresh(events=tuple(e for e in CALM.events if e.id != "headline"))
    game, control = Game.new(CALM, 0), Game.new(no_headline, 0)
    assert "headline" not in game.fired
    end_round(game)
    end_round(control)
    # 2025-01-16 is day 15: round 2 (days 14–20).
    assert game.fired.get("headline") == 1
    news = [e for e in game.log if "A headline." in e.text]
    assert len(news) == 1 and news[0].round == 2 and news[0].audience is None
    assert game.approval["B"] == pytest.approx(control.approval["B"] - 2)
    to_round(game, 99)
    assert game.fired.get("headline") == 1


def test_inject_is_for_the_instructor_only() -> None:
    game = Game.new(RULES, 0)
    stress = game.stress
    mover = game.to_move()
    game.apply(parse("! inject shock"))
    assert game.stress == pytest.approx(stress + 30)
    assert game.to_move() == mover  # an inject is not anyone's move
    assert any("A shock." in e.text and e.audience is None for e in game.log)
    with pytest.raises(InvalidActionError, match="only the instructor"):
        parse("B inject shock")
    assert not game.can(Inject("B", "shock"))
    assert "unknown inject" in refused(game, "! inject nothing")
    assert "only the instructor" in str(
        pytest.raises(IllegalActionError, game.verify, Inject("B", "shock")).value
    )
    # The instructor has no other moves.
    assert "unknown player '!'" in refused(game, "! pass")


# -- deal terms move the metrics the stated way -------------------------------------------


def _conceded(order: str) -> tuple[Game, Game]:
    """``order`` as a unilateral concession in round 1, against a game without it."""
    mover = order.split()[0]
    before = {"A": [], "B": ["A done"], "C": ["A done", "B done"]}[mover]
    game = play(["B pass", *before, order], rules=CALM)
    control = play(["B pass", *before], rules=CALM)
    end_round(game)
    end_round(control)
    assert game.deals_in_force() and game.deals_in_force()[0].unilateral
    return game, control


def test_tariff_cut_lowers_the_importers_tariff_and_helps_the_exporter() -> None:
    game, control = _conceded("C concede A c-cut=0")
    for sector in ("cars", "other"):
        assert rate(game, "A", "C", sector) == 0.0
        assert rate(control, "A", "C", sector) > 0.0
    assert rate(game, "A", "C", "farm") == pytest.approx(0.1)  # not in the cut's sectors
    assert game.balance("A") > control.balance("A")
    assert game.snapshot().gdp_pct["A"] > control.snapshot().gdp_pct["A"]
    assert game.snapshot().revenue["C"] < control.snapshot().revenue["C"]


def test_purchase_raises_the_sellers_exports() -> None:
    game, control = _conceded("B concede A b-farm=10")
    farm = CELLS[("A", "B", "farm")]
    added = game.snapshot().value[farm] - control.snapshot().value[farm]
    assert added == pytest.approx(10 * game.credibility["B"] / 100)  # pledge × credibility
    assert game.snapshot().purchases_received["A"] == pytest.approx(added)
    assert game.balance("A") > control.balance("A")
    assert game.balance("B") < control.balance("B")


def test_investment_is_received_per_year_discounted_by_credibility() -> None:
    game, control = _conceded("B concede A b-invest=40")
    item = RULES.item("b-invest")
    expected = 40 / item.years * game.credibility["B"] / 100
    assert game.snapshot().investment_received["A"] == pytest.approx(expected)
    assert control.snapshot().investment_received["A"] == 0
    assert game.snapshot().gdp_pct["A"] > control.snapshot().gdp_pct["A"]
    assert metric(game, "A", "investment_received") > metric(control, "A", "investment_received")


def test_pledges_are_discounted_at_each_resolution() -> None:
    """When the pledger's credibility falls, its pledges are worth less (DESIGN §3.9)."""
    game = play(
        ["B pass", "A done", "B concede A b-invest=40", "B concede A b-farm=5", "B done", "C done"],
        rules=CALM,
    )
    received = game.snapshot().purchases_received["A"]
    game.apply(parse("A done"))
    game.apply(parse("B renege d1"))  # costs B credibility
    end_round(game)
    assert game.deal("d2").status == "in_force"
    assert game.snapshot().purchases_received["A"] == pytest.approx(5 * game.credibility["B"] / 100)
    assert game.snapshot().purchases_received["A"] < received


def test_concession_needs_own_item_and_a_valid_receiver() -> None:
    game = play(["B pass"])
    assert "only concede its own items" in refused(game, "A concede B b-invest=40")
    assert "cannot be given to C" in refused(game, "A concede C a-cap-b=0.2")
    assert "one catalogue item" in refused(game, "A concede B a-cap-b=0.2,a-process=1")


def test_higher_tariff_lowers_the_flow_and_costs_the_exporter() -> None:
    low = play(["B pass", "A tariff a-on-b 0.1"], rules=CALM)
    high = play(["B pass", "A tariff a-on-b 0.5"], rules=CALM)
    end_round(low)
    end_round(high)
    cell = CELLS[("B", "A", "other")]
    assert high.snapshot().value[cell] < low.snapshot().value[cell]
    assert high.snapshot().gdp_pct["B"] < low.snapshot().gdp_pct["B"]
    assert high.snapshot().revenue["A"] != low.snapshot().revenue["A"]
    assert high.snapshot().consumer_cost["A"] > low.snapshot().consumer_cost["A"]
    assert metric(high, "B", "tariff_faced") > metric(low, "B", "tariff_faced")
    assert high.stress > low.stress  # the stress player's tariffs drive market stress


@given(t1=st.floats(0, 1), t2=st.floats(0, 1), index=st.sampled_from(sorted(CELLS.values())))
def test_flow_falls_as_the_tariff_rises(t1: float, t2: float, index: int) -> None:
    cell = eco.compile_rules(RULES).cells[index]
    lo, hi = sorted((t1, t2))
    v_lo, v_hi = eco.flow_value(cell, lo, 1.0, 0.0), eco.flow_value(cell, hi, 1.0, 0.0)
    assert v_hi <= v_lo
    assert eco.flow_value(cell, cell.mfn, 1.0, 0.0) == pytest.approx(cell.v0)
    assert math.isfinite(v_hi) and v_hi > 0


# -- §3.8 scores and BATNA ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_batna_is_the_all_pass_score(seed: int) -> None:
    game = Game.new(RULES, seed)
    to_round(game, 99)
    assert game.is_over()
    assert game.scores() == pytest.approx(game.batna())
    for p, s in game.scores().items():
        assert 0 <= s <= 100, p


def test_scores_are_weighted_normalised_objectives() -> None:
    game = Game.new(RULES, 0)
    to_round(game, 99)
    for p in RULES.players:
        total = 0.0
        for o in p.objectives:
            x = (metric(game, p.id, o) - o.worst) / (o.best - o.worst)
            total += o.weight * min(1.0, max(0.0, x))
        assert game.scores()[p.id] == pytest.approx(100 * total)


def test_a_deal_that_helps_a_player_beats_its_batna() -> None:
    """A's objectives include investment received; B's investment pledge must raise A's score."""
    game = play(["B propose A b-invest=80", "A accept"])
    to_round(game, 99)
    assert game.deal("d1").status == "in_force"
    assert game.scores()["A"] > game.batna()["A"]


def test_what_if_leaves_the_game_unchanged_and_projects_own_score() -> None:
    game = play(["B propose A b-invest=40"])
    before = game.state_hash()
    projection = game.what_if("A", [parse("A accept")])
    assert game.state_hash() == before
    assert projection.player == "A"
    assert projection.score > projection.baseline  # investment received
    with pytest.raises(IllegalActionError):
        game.what_if("Z", [])


def test_pass_is_not_an_order() -> None:
    game = play(["B pass"])
    assert not game.can(Pass("A"))
    assert "orders phase" in refused(game, "A pass")


@pytest.mark.parametrize(
    ("player", "text", "why"),
    [
        ("B", "B extend 14", "only the deadline holder extends"),
        ("C", "C tariff a-on-b 0.5", "C holds no instrument on a-on-b"),
        ("A", "A tariff a-on-b 0.95", "a-on-b is bounded at 50%"),
        ("C", "C countermeasure b-cm on", "b-cm is B's package"),
    ],
)
def test_what_if_refuses_moves_the_player_can_never_make(player: str, text: str, why: str) -> None:
    """A projection of an impossible move misleads the preview and bots (DESIGN §3.8)."""
    game = Game.new(RULES, 0)  # round 1, B to move in the talks: these are future orders
    before = game.state_hash()
    with pytest.raises(IllegalActionError):
        game.what_if(player, [parse(text)])
    assert game.state_hash() == before, why


# -- more statements, stakes, process talks, market stress, early end ----------------------


def _threatened(round1_a: list[str], round2_b: list[str]) -> Game:
    """B threatens A with its countermeasures in round 1; A may escalate; B may act."""
    game = play(
        [
            "B pass",
            *round1_a,
            "A done",
            "B say threat A b-cm",
            "B done",
            "C done",
            "A done",
            *round2_b,
        ],
        rules=CALM,
    )
    end_round(game)
    return game


def test_threat_not_carried_out_costs_credibility() -> None:
    idle = _threatened(["A tariff a-on-b 0.4"], [])
    acted = _threatened(["A tariff a-on-b 0.4"], ["B countermeasure b-cm on"])
    calm = _threatened([], [])  # no trigger: nothing at stake yet
    no_threat = play(
        ["B pass", "A tariff a-on-b 0.4", "A done", "B say reassure C", "B done", "C done"],
        rules=CALM,
    )
    to_round(no_threat, 3)
    assert idle.credibility["B"] == pytest.approx(
        no_threat.credibility["B"] - POL.statements.threat_credibility
    )
    assert acted.credibility["B"] >= no_threat.credibility["B"]
    assert calm.credibility["B"] == pytest.approx(no_threat.credibility["B"])


def test_public_demand_settling_for_less_costs_approval() -> None:
    def game_with(statement: str, cap: str) -> Game:
        g = play(
            [
                "B pass",
                "A done",
                statement,
                "B request A ministerial",
                "B done",
                "C done",
                f"B propose A {cap}",
                "A accept",
            ],
            rules=CALM,
        )
        end_round(g)
        assert g.deal("d1").status == "in_force"
        return g

    demanded_less = game_with("B say public_demand A a-cap-b=0.1", "a-cap-b=0.2")
    demanded_met = game_with("B say public_demand A a-cap-b=0.1", "a-cap-b=0.1")
    control_less = game_with("B say reassure C", "a-cap-b=0.2")
    control_met = game_with("B say reassure C", "a-cap-b=0.1")
    penalty = POL.statements.public_demand_penalty * (1 - POL.approval_drift)
    # The demand's approval now is the same in both; settling for less costs the penalty.
    gap_less = demanded_less.approval["B"] - control_less.approval["B"]
    gap_met = demanded_met.approval["B"] - control_met.approval["B"]
    assert gap_less == pytest.approx(gap_met - penalty)


def test_raised_stakes_scale_the_approval_effect_of_a_deal() -> None:
    def with_leader(p: float) -> Game:
        events = tuple(
            dataclasses.replace(e, probability=p) if e.trigger == "random" else e
            for e in RULES.events
        )
        g = play(["B propose A a-cap-b=0.1,b-invest=40", "A accept"], rules=fresh(events=events))
        end_round(g)
        assert g.deal("d1").status == "in_force"
        return g

    def without_deal(p: float) -> Game:
        events = tuple(
            dataclasses.replace(e, probability=p) if e.trigger == "random" else e
            for e in RULES.events
        )
        g = play(["B propose A a-cap-b=0.1,b-invest=40", "A reject"], rules=fresh(events=events))
        end_round(g)
        return g

    high, normal = with_leader(1.0), with_leader(0.0)
    assert high.deal("d1").stakes == pytest.approx(1.5 * normal.deal("d1").stakes)
    # B nets a political gain: the cap's gain 8 minus the investment's cost 2 = 6 points,
    # worth concession_weight × stakes approval (then the round's drift closes a share).
    net = RULES.item("a-cap-b").level(0.1).gain - RULES.item("b-invest").level(40).cost
    assert net == 6
    effect_high = high.approval["B"] - without_deal(1.0).approval["B"]
    effect_normal = normal.approval["B"] - without_deal(0.0).approval["B"]
    assert effect_normal > 0
    extra_stakes = high.deal("d1").stakes - normal.deal("d1").stakes
    assert effect_high - effect_normal == pytest.approx(
        POL.concession_weight * extra_stakes * net * (1 - POL.approval_drift)
    )


def test_process_agreement_schedules_the_next_talks() -> None:
    """Talks can end with a process agreement and no terms; the parties meet again."""
    game = play(["B propose A a-process=1", "A accept"], rules=CALM)
    end_round(game)
    assert game.deal("d1").status == "in_force"
    assert [frozenset(s.pair) for s in game.sessions] == [frozenset({"A", "B"})]
    assert game.rates() == play([], rules=CALM).rates()  # no economic effect


def test_market_stress_hurts_the_stress_players_approval_and_fires_the_event() -> None:
    game = play(["! inject shock", "! inject shock", "! inject shock"], rules=CALM)
    control = Game.new(CALM, 0)
    assert game.stress == 100
    end_round(game)
    end_round(control)
    assert game.stress > 70
    assert game.approval["A"] < control.approval["A"]
    assert game.approval["B"] == pytest.approx(control.approval["B"])  # only A feels it
    assert game.fired.get("selloff") == 1
    assert any(e.text == "Bond sell-off." and e.round == 2 for e in game.log)
    end_round(game)
    assert game.fired.get("selloff") == 1  # not a repeating event


def test_market_stress_falls_with_an_extension_and_a_deal() -> None:
    ext = play(["B pass", "A extend 7"], rules=CALM)
    deal = play(["B propose A b-invest=40", "A accept"], rules=CALM)
    base = play(["B pass"], rules=CALM)
    for g in (ext, deal, base):
        end_round(g)
    assert ext.stress < base.stress
    assert deal.stress < base.stress


def test_game_ends_early_when_settled_if_the_scenario_says_so() -> None:
    """end_when_settled: once every negotiating pair has a deal in force, the game ends."""
    items = tuple(it for it in RULES.items if it.kind not in ("process",))
    settled = fresh(
        items=items, calendar=dataclasses.replace(RULES.calendar, end_when_settled=True)
    )
    game = play(
        [
            "B propose A a-cap-b=0.2,b-invest=40",
            "A accept",
            "A request C ministerial",
            "A done",
            "B done",
            "C done",
            "A propose C a-cap-c=0.2,c-cut=0",
            "C accept",
        ],
        rules=settled,
    )
    end_round(game)
    assert game.deal("d2").status == "in_force"
    assert game.is_over()
    assert len(game.round_hashes) == 2


def test_a_later_process_agreement_keeps_the_earlier_deal_in_force() -> None:
    """A process term has no economic effect (DESIGN §3.4): agreeing to keep talking must not
    void the tariff cap and investment the same pair agreed a round earlier."""
    game = play(
        [
            "B propose A a-cap-b=0.2,b-invest=40",
            "A accept",
            "A done",
            "B request A ministerial",
            "B done",
            "C done",
            "B propose A b-process=1",
            "A accept",
        ],
        rules=CALM,
    )
    rates_before = game.rates()
    investment_before = game.snapshot().investment_received["A"]
    end_round(game)
    assert game.deal("d2").status == "in_force"
    assert game.deal("d1").status == "in_force"
    assert game.rates() == pytest.approx(rates_before)
    assert rate(game, "B", "A", "cars") == pytest.approx(0.2)
    assert game.snapshot().investment_received["A"] == pytest.approx(investment_before, rel=0.05)


def test_the_deadline_holder_cannot_extend_for_free_by_conceding() -> None:
    """Extending costs the holder credibility (DESIGN §3.1). A unilateral 'concession' of
    the extension item must not extend the deadline for free (or even with a goodwill
    credibility gain): either it is refused, or it costs what an extension costs."""
    game = play(["B pass"], rules=CALM)
    order = parse("A concede B a-extend=7")
    if not game.can(order):
        return  # refused: the only way to extend alone is ExtendDeadline
    control = play(["B pass", "A say reassure C"], rules=CALM)
    game.apply(order)
    end_round(game)
    end_round(control)
    if game.deadline_day > control.deadline_day:
        assert game.credibility["A"] <= control.credibility["A"] - POL.extension_credibility


def test_a_process_agreement_does_not_settle_a_public_demand() -> None:
    """Agreeing only to keep talking is not 'settling for less' than a public demand
    (DESIGN §3.6): the penalty is for a deal that gives less, and the demand stays open."""

    def game_with(statement: str) -> Game:
        g = play(
            [
                "B pass",
                "A done",
                statement,
                "B request A ministerial",
                "B done",
                "C done",
                "B propose A a-process=1",
                "A accept",
            ],
            rules=CALM,
        )
        end_round(g)
        assert g.deal("d1").status == "in_force"
        return g

    demanded = game_with("B say public_demand A a-cap-b=0.1")
    control = game_with("B say reassure C")
    # Only the demand's own approval bonus separates them: given in round 1's resolution,
    # then closed by approval_drift in rounds 1 and 2.
    gap = demanded.approval["B"] - control.approval["B"]
    assert gap > 0, "a process agreement was treated as settling for less"
    assert gap == pytest.approx(
        POL.statements.public_demand_approval * (1 - POL.approval_drift) ** 2
    )
    assert not any("settles for less" in e.text for e in demanded.log)


def test_simultaneous_reneges_cost_both_reneging_parties() -> None:
    """Orders apply at once (DESIGN §3.3): when both parties renege on the same deal in the
    same round, the outcome must not depend on who comes first in the scenario's order."""
    both = _capped(["A renege d1", "A done", "B renege d1"])
    kept = _capped([])
    assert both.deal("d1").status == "reneged"
    assert both.credibility["A"] == pytest.approx(kept.credibility["A"] - POL.renege_credibility)
    assert both.credibility["B"] == pytest.approx(kept.credibility["B"] - POL.renege_credibility)


def test_history_records_the_state_after_the_snap_back() -> None:
    """The round that passes the deadline is recorded with the rates snapped back (issue 15):
    a chart that ends on that round shows the snap-back the scores count."""
    game = Game.new(RULES, 0)
    to_round(game, 3)
    end_round(game)  # round 3 ends on the deadline: the paused rates snap back
    assert game.snapped
    last = game.history[-1]
    assert last["round"] == 3
    assert last["tariff_faced"]["B"] == pytest.approx(game.tariff_faced_now("B"))
    assert last["gdp_pct"]["B"] == pytest.approx(round(game.snapshot().gdp_pct["B"], 6))
    # and it is above the paused round before it
    assert last["tariff_faced"]["B"] > game.history[-2]["tariff_faced"]["B"] + 0.05


def test_history_of_a_game_ending_on_the_deadline_ends_snapped_back() -> None:
    """A scenario whose last round is the deadline round (as classroom-lesson): the last
    history point is the state the final scores are computed on."""
    rules = fresh(calendar=dataclasses.replace(RULES.calendar, after_deadline_days=0))
    game = Game.new(rules, 0)
    to_round(game, 99)
    assert game.is_over() and game.snapped
    assert game.history[-1]["tariff_faced"]["B"] == pytest.approx(game.tariff_faced_now("B"))
