"""Rule defects of issue 19, each reproduced through the public API (small scenario)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.engine.test_information import RULES, with_private
from tests.engine.test_rules import CALM, POL, _capped, end_round, play
from tradegame.engine import Game, parse
from tradegame.engine.rules import Effect, Event
from tradegame.scenario import load_rules

# -- (a) a cap is broken by raising a rate above it, not by touching a layer ---------------


def _capped_above(round2_order: str) -> Game:
    """A sets its tariff on B to 40% in round 1 while agreeing a 20% cap (the cap binds);
    in round 2 it sets the tariff again."""
    game = play(
        ["B propose A a-cap-b=0.2,b-invest=40", "A accept", "A tariff a-on-b 0.4"], rules=CALM
    )
    end_round(game)
    assert game.deal("d1").status == "in_force"
    game.apply(parse(round2_order))
    end_round(game)
    return game


def test_lowering_a_tariff_under_a_cap_breaks_nothing() -> None:
    lowered = _capped_above("A tariff a-on-b 0.3")  # 40% -> 30%: still above 20%, but lower
    assert lowered.deal("d1").status == "in_force"
    assert not any("reneges" in e.text for e in lowered.log)


def test_raising_a_tariff_above_a_cap_still_breaks_the_deal() -> None:
    raised = _capped_above("A tariff a-on-b 0.45")
    assert raised.deal("d1").status == "reneged"
    assert raised.deal("d1").ended_by == "A"


# -- (c) both sides break a deal in one round: both pay -------------------------------------


def test_both_sides_breaking_a_deal_in_one_round_both_pay() -> None:
    both = _capped(["A tariff a-on-b 0.4", "A done", "B renege d1"])
    a_only = _capped(["A tariff a-on-b 0.4"])
    b_only = _capped(["A done", "B renege d1"])
    assert set(both.deal("d1").reneged_by) == {"A", "B"}
    assert both.credibility["A"] == pytest.approx(a_only.credibility["A"])
    assert both.credibility["B"] == pytest.approx(b_only.credibility["B"])
    assert sum("reneges on d1" in e.text for e in both.log) == 2


# -- (e) threats and the extension term -----------------------------------------------------


def _layer_threat(order: str) -> Game:
    """A threatens B with its country rate; B escalates in round 1; A answers in round 2."""
    game = play(
        ["B pass", "A say threat B a-on-b", "A done", "B countermeasure b-cm on", "B done"],
        rules=CALM,
    )
    end_round(game)
    game.apply(parse(order))
    end_round(game)
    end_round(game)
    return game


def test_a_tariff_that_raises_nothing_does_not_carry_out_a_threat() -> None:
    token = _layer_threat("A tariff a-on-b 0.1")  # 10% in place of the 10% baseline
    real = _layer_threat("A tariff a-on-b 0.4")
    assert any("carries out its threat" in e.text for e in real.log)
    assert not any("carries out its threat" in e.text for e in token.log)
    assert any("did not carry out its threat" in e.text for e in token.log)
    assert token.credibility["A"] < real.credibility["A"]


def test_an_extension_in_a_deal_costs_the_holder_like_the_order() -> None:
    extended = play(["B propose A a-cap-b=0.2,a-extend=7", "A accept"], rules=CALM)
    plain = play(["B propose A a-cap-b=0.2,a-process=1", "A accept"], rules=CALM)
    end_round(extended)
    end_round(plain)
    assert extended.deadline_day == plain.deadline_day + 7
    assert extended.credibility["A"] == pytest.approx(
        plain.credibility["A"] - POL.extension_credibility
    )


def test_an_extension_term_beyond_the_maximum_is_dropped_out_loud() -> None:
    game = play(["B propose A a-cap-b=0.2,a-extend=7", "A accept", "A extend 14"], rules=CALM)
    end_round(game)
    assert game.deal("d1").status == "in_force"
    assert game.deadline_day == 27 + 14
    assert any("extension of 7 days does not apply" in e.text for e in game.log)


# -- (d) a later deal between the same pair replaces the earlier one out loud ---------------


def test_a_later_deal_replaces_the_earlier_one_with_a_warning_and_a_log_line() -> None:
    game = play(["B propose A a-cap-b=0.2,b-invest=40", "A accept"], rules=CALM)
    end_round(game)  # round 1: d1 enters force
    game.apply(parse("A request B ministerial"))
    end_round(game)  # round 2: A asks for talks in round 3
    game.apply(parse("A propose B a-cap-b=0.1,b-farm=5"))
    game.apply(parse("B accept"))
    for viewer in ("A", "B"):
        d2 = next(d for d in game.view(viewer).to_json()["deals"] if d["id"] == "d2")
        assert d2["status"] == "agreed" and d2["replaces"] == "d1"
        assert "replaces d1" in d2["warning"] and "caps" in d2["warning"]
    end_round(game)
    assert game.deal("d1").status == "superseded"
    assert game.deal("d2").status == "in_force"
    assert any("d2 replaces d1" in e.text and e.audience is None for e in game.log)
    d2 = next(d for d in game.view("A").to_json()["deals"] if d["id"] == "d2")
    assert "replaces" not in d2  # in force: nothing left to warn about


# -- (b) what_if reads only what its viewer can see ------------------------------------------


def test_what_if_does_not_read_a_partners_political_costs_and_gains() -> None:
    """B's private gains differ; an event fires on B's (public) approval and hits A. A's
    projection of a concession to B must not tell the two games apart."""
    rally = Event(
        "b-slump",
        "conditional",
        "B's government slumps.",
        (Effect("shift_approval", player="A", by=-3.0),),
        metric="approval",
        player="B",
        at_most=37.5,
    )
    hypo = [parse("A concede B a-cap-b=0.1")]
    projections = []
    for rules in (RULES, with_private(RULES, "B", costs=True)):
        game = Game.new(dataclasses.replace(rules, events=(*rules.events, rally)), 0)
        game.apply(parse("B pass"))
        projections.append(game.what_if("A", hypo).to_json())
    assert projections[0] == projections[1]


# -- (e) a standstill is not the precedent cap ------------------------------------------------


def test_a_standstill_cap_sets_no_precedent() -> None:
    standstill = dataclasses.replace(
        CALM,
        items=tuple(
            dataclasses.replace(it, sets_precedent=False) if it.id == "a-cap-b" else it
            for it in CALM.items
        ),
    )
    settled = play(["B propose A a-cap-b=0.2,b-invest=40", "A accept"], rules=CALM)
    held = play(["B propose A a-cap-b=0.2,b-invest=40", "A accept"], rules=standstill)
    end_round(settled)
    end_round(held)
    assert settled.precedent == pytest.approx(0.2)
    assert held.precedent is None
    assert held.view("C").to_json()["precedent_cap"] is None


def test_the_bundled_standstills_set_no_precedent_and_caps_do_by_default() -> None:
    for name in ("april-2025", "with-china"):
        rules = load_rules(name)
        kinds = {it.id: it.sets_precedent for it in rules.items if it.kind == "tariff_cap"}
        assert kinds["us_standstill_jp"] is False and kinds["us_standstill_eu"] is False
        assert any(kinds.values())
