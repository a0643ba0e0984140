"""Cheap talk costs and fades (issue 19, DESIGN §3.10), on tests/engine/small.yaml.

Each test checks that one effect moves the stated way against a counterfactual game that
differs in that one move (or one number), and each fails on the rules as they were before:
statements had the same effect however often they were repeated, reassurance never wore off,
approval and relations were scored at their final values, a process-only deal (or any earlier
deal) honoured a claim of progress, and audience costs still open at the end were never
charged.

small.yaml: four weekly rounds (days 7–13, 14–20, 21–27, 28–34), the deadline on day 27 (the
paused rates snap back at the end of round 3), a projection of 365 days.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.engine.test_rules import CALM, POL, end_round, play, quiet, to_round
from tradegame.engine import Game, Statement, parse
from tradegame.engine.game import pair_key
from tradegame.engine.rules import Effect, Event, Rules
from tradegame.engine.scoring import metric
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

ST = POL.statements
BC = pair_key("B", "C")
ROUND_DAYS = CALM.calendar.round_days
SCORED_DAYS = 4 * ROUND_DAYS + CALM.calendar.projection_days  # the window plus projection


def statements(**changes: float) -> Rules:
    """CALM with some statement numbers changed."""
    return dataclasses.replace(
        CALM,
        politics=dataclasses.replace(POL, statements=dataclasses.replace(ST, **changes)),
    )


def round1(*orders_of_b: str, rules: Rules = CALM) -> Game:
    """Round 1 played: B passes in the talks, A is done, B gives ``orders_of_b``."""
    game = play(["B pass", "A done", *orders_of_b], rules=rules)
    end_round(game)
    return game


# -- repeats have less effect (per player and kind) -----------------------------------------


def test_a_repeated_statement_has_repeat_decay_of_the_previous_effect() -> None:
    assert 0 < ST.repeat_decay < 1
    none, once, twice = round1(), round1("B say reassure C"), round1("B say reassure C")
    first = once.relations[BC] - none.relations[BC]
    assert first > 0
    for game, again in ((none, False), (once, False), (twice, True)):
        game.apply(parse("A done"))
        if again:
            game.apply(parse("B say reassure C"))
        end_round(game)
    # The fade is the same in both games, so the second reassurance's effect compares with
    # the first's as repeat_decay.
    second = twice.relations[BC] - once.relations[BC]
    assert second == pytest.approx(ST.repeat_decay * first)


def test_repeats_count_across_partners_but_per_kind_and_per_player() -> None:
    # Two claims in one round (to A and to C): the second has repeat_decay of the effect.
    quiet_round = round1()
    one_claim = round1("B say claim_progress A")
    two_claims = round1("B say claim_progress A", "B say claim_progress C")
    gain = one_claim.approval["B"] - quiet_round.approval["B"]
    assert gain > 0
    assert two_claims.approval["B"] - quiet_round.approval["B"] == pytest.approx(
        (1 + ST.repeat_decay) * gain
    )
    # Another kind is not a repeat: a claim after a reassurance has its full effect.
    reassured = round1("B say reassure C", "B say claim_progress A")
    assert reassured.approval["B"] - quiet_round.approval["B"] == pytest.approx(gain)
    # Another player's statement is not a repeat: C's reassurance after B's is full.
    both = play(["B pass", "A done", "B say reassure C", "B done", "C say reassure B"], rules=CALM)
    end_round(both)
    b_only = round1("B say reassure C")
    assert both.relations[BC] - b_only.relations[BC] == pytest.approx(
        b_only.relations[BC] - quiet_round.relations[BC]
    )


def test_without_decay_repeats_keep_their_effect() -> None:
    """Negative control: repeat_decay 1 gives every repeat the first one's effect."""
    flat = statements(repeat_decay=1.0)
    quiet_round = round1(rules=flat)
    two_claims = round1("B say claim_progress A", "B say claim_progress C", rules=flat)
    one_claim = round1("B say claim_progress A", rules=flat)
    assert two_claims.approval["B"] - quiet_round.approval["B"] == pytest.approx(
        2 * (one_claim.approval["B"] - quiet_round.approval["B"])
    )


# -- reassurance wears off ------------------------------------------------------------------


def test_reassurance_wears_off_by_reassure_fade_each_round() -> None:
    assert 0 < ST.reassure_fade < 1
    said, silent = round1("B say reassure C"), round1()
    gaps = []
    for _ in range(3):
        gaps.append(said.relations[BC] - silent.relations[BC])
        end_round(said)
        end_round(silent)
    assert gaps[0] == pytest.approx(ST.reassure_relations * (1 - ST.reassure_fade))
    for before, after in zip(gaps, gaps[1:], strict=False):
        assert after == pytest.approx(before * (1 - ST.reassure_fade))
    assert said.relations[BC] > silent.relations[BC]  # it fades, it does not flip


def test_a_deal_improves_relations_for_good() -> None:
    """Negative control: what a deal adds to relations does not wear off."""
    deal = play(["B propose A b-invest=40", "A accept"], rules=CALM)
    end_round(deal)
    after_deal = deal.relations[pair_key("A", "B")]
    to_round(deal, 4)
    assert deal.relations[pair_key("A", "B")] == pytest.approx(after_deal)


# -- approval, credibility and relations are scored over the window -------------------------


def _with_injects(*effects: tuple[str, Effect]) -> Rules:
    extra = tuple(
        Event(id=name, trigger="inject", news=f"{name}.", effects=(effect,))
        for name, effect in effects
    )
    return dataclasses.replace(CALM, events=CALM.events + extra)


def test_relations_and_credibility_are_scored_over_the_window() -> None:
    """Relations and credibility 10 lower for the first three rounds and back by the end:
    the same final values, a lower score metric (by the days they were lower)."""
    rules = _with_injects(
        ("cool", Effect(kind="shift_relations", pair=("B", "C"), by=-10.0)),
        ("doubt", Effect(kind="shift_credibility", player="B", by=-10.0)),
        ("warm", Effect(kind="shift_relations", pair=("B", "C"), by=10.0)),
        ("trust", Effect(kind="shift_credibility", player="B", by=10.0)),
    )
    dipped, level = Game.new(rules, 0), Game.new(rules, 0)
    dipped.apply(parse("! inject cool"))
    dipped.apply(parse("! inject doubt"))
    to_round(dipped, 4)
    dipped.apply(parse("! inject warm"))
    dipped.apply(parse("! inject trust"))
    to_round(level, 99)
    to_round(dipped, 99)
    assert dipped.relations[BC] == pytest.approx(level.relations[BC])
    assert dipped.credibility["B"] == pytest.approx(level.credibility["B"])
    lower = -10.0 * 3 * ROUND_DAYS / SCORED_DAYS
    assert metric(dipped, "B", "relations", partner="C") - metric(
        level, "B", "relations", partner="C"
    ) == pytest.approx(lower)
    assert metric(dipped, "B", "credibility") - metric(level, "B", "credibility") == (
        pytest.approx(lower)
    )


def test_approval_is_scored_over_the_window() -> None:
    """Approval 10 lower from round 1 drifts back; the score counts the days it was low,
    so the metric falls by more than the final approval does."""
    rules = _with_injects(("slump", Effect(kind="shift_approval", player="C", by=-10.0)))
    slumped, level = Game.new(rules, 0), Game.new(rules, 0)
    slumped.apply(parse("! inject slump"))
    to_round(slumped, 99)
    to_round(level, 99)
    final_gap = slumped.approval["C"] - level.approval["C"]
    metric_gap = metric(slumped, "C", "approval") - metric(level, "C", "approval")
    # Lower by 10 in round 1, then the drift closes approval_drift of the gap each round.
    keep = 1 - POL.approval_drift
    assert final_gap == pytest.approx(-10.0 * keep**4)
    window = sum(-10.0 * keep**k for k in range(4)) * ROUND_DAYS
    projected = final_gap * CALM.calendar.projection_days
    assert metric_gap == pytest.approx((window + projected) / SCORED_DAYS)
    assert metric_gap < final_gap - 0.1  # the days it was lower count


def test_talk_in_the_last_round_counts_for_that_round_only() -> None:
    """A reassurance (relations) and a claim of progress (approval) in the last round count
    for its days, not as if they held for the projected year; each still adds a little."""

    def last_round(orders: list[str]) -> Game:
        game = Game.new(CALM, 0)
        to_round(game, 4)
        game.apply(parse("A done"))
        for text in orders:
            game.apply(parse(text))
        to_round(game, 99)
        assert game.is_over()
        return game

    said = last_round(["B say reassure C", "B say claim_progress A"])
    silent = last_round([])
    assert said.relations[BC] > silent.relations[BC]  # the final values did move
    assert said.approval["B"] > silent.approval["B"]
    relations = metric(said, "B", "relations", "C") - metric(silent, "B", "relations", "C")
    assert 0 < relations < 0.1 * ST.reassure_relations
    approval = metric(said, "B", "approval") - metric(silent, "B", "approval")
    assert 0 < approval < 0.1 * ST.claim_progress_approval


def test_a_claim_honoured_by_a_deal_is_a_short_lived_gain() -> None:
    """B claims progress in round 1 and the deal follows at once: approval rises for a
    while (the metric gains), less than the claim's immediate effect held for the year."""
    deal = ["B propose A b-invest=40", "A accept", "A done"]
    claimed = play([*deal, "B say claim_progress A"], rules=CALM)
    plain = play([*deal, "B say reassure C"], rules=CALM)
    to_round(claimed, 99)
    to_round(plain, 99)
    assert not any("loses credibility" in e.text for e in claimed.log)
    gain = metric(claimed, "B", "approval") - metric(plain, "B", "approval")
    assert 0 < gain < 0.5 * ST.claim_progress_approval


# -- what honours a claim of progress --------------------------------------------------------


def _claim_then(after: list[str]) -> tuple[Game, Game]:
    """B claims progress with A in round 1 (or reassures C, the control), then ``after``."""
    games = []
    for statement in ("B say claim_progress A", "B say reassure C"):
        game = play(["B pass", "A done", statement, "B request A ministerial"], rules=CALM)
        end_round(game)
        for text in after:
            game.apply(parse(text))
        to_round(game, 99)
        games.append(game)
    return games[0], games[1]


def test_a_process_only_deal_does_not_honour_a_claim_of_progress() -> None:
    claimed, control = _claim_then(["B propose A b-process=1", "A accept"])
    assert claimed.deal("d1").status == "in_force"
    assert claimed.credibility["B"] == pytest.approx(
        control.credibility["B"] - ST.claim_progress_credibility
    )


def test_a_substantive_deal_honours_a_claim_of_progress() -> None:
    """Negative control: a deal with economic terms after the claim honours it."""
    claimed, control = _claim_then(["B propose A b-invest=40", "A accept"])
    assert claimed.credibility["B"] == pytest.approx(control.credibility["B"])


def test_a_deal_made_before_the_claim_does_not_honour_it() -> None:
    """A claim of progress is about a deal to come: one already in force does not count."""

    def game_with(statement: str) -> Game:
        game = play(["B propose A b-invest=40", "A accept"], rules=CALM)
        end_round(game)
        assert game.deal("d1").status == "in_force"
        game.apply(parse("A done"))
        game.apply(parse(statement))
        to_round(game, 99)
        return game

    claimed, control = game_with("B say claim_progress A"), game_with("B say reassure C")
    assert claimed.credibility["B"] == pytest.approx(
        control.credibility["B"] - ST.claim_progress_credibility
    )


# -- every audience cost still open at the end is charged -----------------------------------


def _orders_in_round(rules: Rules, n: int, orders: list[str], speaker: str = "B") -> Game:
    """Everyone passes to round ``n``, where ``speaker`` gives ``orders``; then to the end."""
    game = Game.new(rules, 0)
    to_round(game, n)
    while game.to_move() != speaker or game.session is not None:
        quiet(game)
    for text in orders:
        game.apply(parse(text))
    to_round(game, 99)
    assert game.is_over()
    return game


def test_a_claim_still_open_at_the_end_is_charged() -> None:
    # Claimed in round 3: due in round 6, but the game ends after round 4.
    claimed = _orders_in_round(CALM, 3, ["B say claim_progress A"])
    control = _orders_in_round(CALM, 3, ["B say reassure C"])
    assert claimed.credibility["B"] == pytest.approx(
        control.credibility["B"] - ST.claim_progress_credibility
    )
    assert any("the game ends with no deal" in e.text for e in claimed.log)
    assert all(pl.settled for pl in claimed.pledges)


def test_a_public_demand_unmet_at_the_end_is_charged() -> None:
    # C's approval stays clear of 0 in this game (B's does not), so the charge shows whole.
    demand = ["C say public_demand A a-cap-c=0.1"]
    charged = _orders_in_round(CALM, 2, demand, "C")
    free = _orders_in_round(statements(public_demand_penalty=0.0), 2, demand, "C")
    assert charged.approval["C"] == pytest.approx(free.approval["C"] - ST.public_demand_penalty)
    assert metric(charged, "C", "approval") < metric(free, "C", "approval")
    assert any("without a deal that meets its public demand" in e.text for e in charged.log)


def test_a_public_demand_with_no_deal_in_sight_projects_a_loss() -> None:
    """what_if plays to the end, so it shows the charge: an empty demand does not pay."""
    game = Game.new(CALM, 0)
    to_round(game, 4)
    game.apply(parse("A done"))
    game.apply(parse("B done"))
    demand = parse("C say public_demand A a-cap-c=0.1")
    assert game.what_if("C", [demand]).change < 0


def _lesson_like() -> Rules:
    """The deadline round is the last (as in classroom-lesson): a threat pressed for a
    deal is put to the test by the last resolution."""
    return dataclasses.replace(
        CALM, calendar=dataclasses.replace(CALM.calendar, after_deadline_days=0)
    )


def test_a_threat_tested_by_the_last_resolution_is_charged_at_the_end() -> None:
    rules = _lesson_like()
    threat = play(["B pass", "A done", "B say threat A b-cm"], rules=rules)
    control = play(["B pass", "A done", "B say reassure C"], rules=rules)
    to_round(threat, 99)
    to_round(control, 99)
    assert threat.round == 3  # the deadline round was the last
    assert threat.credibility["B"] == pytest.approx(
        control.credibility["B"] - ST.threat_credibility
    )
    assert any("did not carry out its threat against A by the end" in e.text for e in threat.log)


def test_a_threat_carried_out_in_the_last_round_costs_nothing() -> None:
    """Negative control: activating the threatened package in the last round keeps it."""
    rules = _lesson_like()
    game = play(["B pass", "A done", "B say threat A b-cm"], rules=rules)
    to_round(game, 3)
    while game.to_move() != "B" or game.session is not None:
        quiet(game)
    game.apply(parse("B countermeasure b-cm on"))
    to_round(game, 99)
    assert any("carries out its threat" in e.text for e in game.log)
    assert not any("did not carry out" in e.text for e in game.log)


def test_a_threat_never_put_to_the_test_costs_nothing() -> None:
    """A threat against a partner who settled and never escalated worked: no charge. (The
    10% cap holds the snap-back at the baseline, so the deadline raises nothing against B.)"""
    moves = ["B propose A a-cap-b=0.1,b-invest=40", "A accept", "A done"]
    threat = play([*moves, "B say threat A b-cm"], rules=CALM)
    control = play([*moves, "B say reassure C"], rules=CALM)
    to_round(threat, 99)
    to_round(control, 99)
    assert threat.deal("d1").status == "in_force"
    assert threat.credibility["B"] == pytest.approx(control.credibility["B"])


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_charges_open_audience_costs_by_the_end(name: str) -> None:
    """In every bundled scenario, a player that threatens, claims progress and demands in
    public in round 1 and then does nothing has every one of them settled by the end, and
    pays for the threat and the claim in credibility."""
    rules = load_rules(name)
    speaker = next(p for p in rules.player_ids if p != rules.deadline_holder)
    target = rules.deadline_holder

    def game_with(kinds: tuple[str, ...]) -> Game:
        game = Game.new(rules, 0)
        while game.to_move() != speaker or game.session is not None:
            quiet(game)
        for kind in kinds:
            pick = next(
                a
                for a in game.legal_actions(speaker)
                if isinstance(a, Statement) and a.statement == kind and a.partner == target
            )
            game.apply(pick)
        to_round(game, 999)
        assert game.is_over()
        return game

    talk = game_with(("threat", "claim_progress", "public_demand"))
    control = game_with(())
    assert len(talk.pledges) == 3
    assert all(pl.settled for pl in talk.pledges), [pl for pl in talk.pledges if not pl.settled]
    st = rules.politics.statements
    assert talk.credibility[speaker] <= control.credibility[speaker] - (
        st.threat_credibility + st.claim_progress_credibility - 1e-9
    )
    # The demand was unmet: it costs more approval than it brought.
    assert metric(talk, speaker, "approval") < metric(control, speaker, "approval")


def test_a_demand_for_a_process_agreement_is_met_by_one() -> None:
    """Demanding that talks go on is met by the process agreement itself, so the end of the
    game does not charge it (a process agreement that was not demanded settles nothing)."""

    def game_with(statement: str) -> Game:
        game = play(
            ["B pass", "A done", statement, "B request A ministerial", "B done", "C done"],
            rules=CALM,
        )
        game.apply(parse("B propose A a-process=1"))
        game.apply(parse("A accept"))
        to_round(game, 99)
        assert game.deal("d1").status == "in_force"
        return game

    demanded = game_with("B say public_demand A a-process=1")
    assert all(pl.settled for pl in demanded.pledges)
    assert not any("public demand" in e.text and "ends" in e.text for e in demanded.log)
    other = game_with("B say public_demand A a-cap-b=0.1")  # still open at the end: charged
    assert any("without a deal that meets its public demand" in e.text for e in other.log)
