"""The search for a Pareto-better deal: the counterfactual replay is faithful, the search finds
a known better deal, and it does not claim one when the agreed deal is already the best."""

from __future__ import annotations

import pytest

from tradegame.classroom.pareto import (
    EPS,
    Counterfactual,
    Script,
    options_for,
    search,
    search_pair,
    space_size,
)
from tradegame.engine import Game, Term, parse

from .support import (
    agreed,
    all_pair_deals,
    april_game,
    nobody_agrees,
    play_script,
    small_rules,
    terms_text,
)

PAIR = ("A", "B")

# A small game with a deal, an instructor inject, an implicit and an explicit renege, and
# talks requested during the game: the replay must keep all of them in step.
BUSY = [
    "B propose A a-cap-b=0.2,b-invest=40",
    "A accept",
    "A request B ministerial",
    "A done",
    "B say reassure A",
    "B done",
    "C done",
    "! inject shock",
    "A propose B a-cap-b=0.1,b-invest=80",
    "B reject",
    "A done",
    "B renege d1",
    "B done",
    "C done",
    "A tariff a-on-b 0.3",
    "A done",
    "B done",
    "C done",
]


def scores_of(game: object) -> dict[str, float]:
    return game.scores()  # type: ignore[attr-defined, no-any-return]


def test_replaying_the_actual_deal_reproduces_the_game() -> None:
    game = play_script(BUSY)
    assert [d.status for d in game.deals] == ["reneged"]
    script = Script(game.rules, game.seed, game.actions)
    start, replaced = script.anchor(PAIR)  # type: ignore[misc]
    assert replaced is not None and replaced.id == "d1"
    cf = Counterfactual(script, PAIR, start, replaced)
    outcome = cf.evaluate(replaced.terms)
    assert outcome.status == "reneged"
    assert outcome.scores == game.scores()
    assert outcome.adjusted == 0


def test_a_counterfactual_equals_the_game_played_with_that_deal() -> None:
    # Independently: the same script with another deal proposed in round 1. The recorded
    # renege of d1 must hit the counterfactual deal, and the inject must fire as recorded.
    other = "a-cap-b=0.1,a-process=1,b-invest=80"
    expected = play_script([f"B propose A {other}", *BUSY[1:]])
    game = play_script(BUSY)
    script = Script(game.rules, game.seed, game.actions)
    start, replaced = script.anchor(PAIR)  # type: ignore[misc]
    cf = Counterfactual(script, PAIR, start, replaced)
    terms = tuple(sorted(Term.parse(x) for x in other.split(",")))
    outcome = cf.evaluate(terms)
    assert outcome.status == "reneged"
    assert outcome.scores == pytest.approx(expected.scores(), abs=1e-9)
    assert any(e.kind == "inject" for e in expected.log)


def test_actual_deals_of_a_random_default_game_replay_exactly() -> None:
    game = april_game()
    script = Script(game.rules, game.seed, game.actions)
    checked = 0
    for pair in sorted(game.negotiating_pairs()):
        found = script.anchor(pair)
        if found is None:
            continue
        start, replaced = found
        if replaced is None:
            continue
        outcome = Counterfactual(script, pair, start, replaced).evaluate(replaced.terms)
        assert outcome.scores == pytest.approx(game.scores(), abs=1e-9), pair
        checked += 1
    assert checked >= 1


def brute_force_best(
    game_scores: dict[str, float], batna: dict[str, float], anchor_terms: list[str] | None = None
) -> tuple[str, float] | None:
    """The Pareto-better deal of highest joint surplus, by playing every deal (test's own)."""
    best: tuple[str, float] | None = None
    for deal in all_pair_deals(small_rules(), *PAIR):
        g = agreed(deal)
        if not g.deals or g.deals[0].status == "failed":
            continue
        s = g.scores()
        joint = sum(s[p] - batna[p] for p in PAIR)
        actual_joint = sum(game_scores[p] - batna[p] for p in PAIR)
        better = all(s[p] >= game_scores[p] - 1e-6 for p in PAIR) and joint > actual_joint + EPS
        if better and (best is None or joint > best[1] + 1e-9):
            best = (deal, joint)
    return best


def test_finds_a_known_better_deal_when_nobody_agreed() -> None:
    game = nobody_agrees()
    batna = game.batna()
    assert game.scores() == batna  # nobody agreed: everyone is at its BATNA
    known = agreed("a-cap-b=0.2,b-invest=40").scores()
    assert known["A"] > batna["A"] and known["B"] > batna["B"]  # a Pareto-better deal exists
    result = search_pair(Script(game.rules, game.seed, game.actions), PAIR, budget=500)
    assert result.method == "exhaustive"
    assert result.evaluated == result.space == len(all_pair_deals(small_rules(), *PAIR))
    assert result.best is not None and result.best.scores is not None
    found = result.best.scores
    assert found["A"] >= batna["A"] and found["B"] >= batna["B"]
    assert result.joint(found) >= sum(known[p] - batna[p] for p in PAIR) - 1e-9
    # The reported deal, played independently, gives the reported scores...
    again = agreed(terms_text(result.best.terms)).scores()
    assert again == pytest.approx(found, abs=1e-9)
    # ...and no deal is better by the same rule (the test's own brute force).
    best = brute_force_best(game.scores(), batna)
    assert best is not None
    assert result.joint(found) == pytest.approx(best[1], abs=1e-9)


def test_claims_nothing_when_the_agreed_deal_is_already_the_best() -> None:
    first = nobody_agrees()
    found = search_pair(Script(first.rules, first.seed, first.actions), PAIR, budget=500).best
    assert found is not None
    game = agreed(terms_text(found.terms))
    assert game.deals[0].status == "in_force"
    result = search_pair(Script(game.rules, game.seed, game.actions), PAIR, budget=500)
    assert result.reproduces is True
    assert result.method == "exhaustive"
    assert result.best is None
    assert brute_force_best(game.scores(), game.batna()) is None


def test_a_worse_agreed_deal_is_improved_on() -> None:
    game = agreed("a-cap-b=0.2,b-invest=40")
    result = search_pair(Script(game.rules, game.seed, game.actions), PAIR, budget=500)
    assert result.best is not None and result.best.scores is not None
    for p in PAIR:
        assert result.best.scores[p] >= game.scores()[p] - 1e-9
    assert result.joint(result.best.scores) > result.actual_joint + EPS


def test_pairs_that_never_met_are_reported_not_searched() -> None:
    game = nobody_agrees()
    results = search(Script(game.rules, game.seed, game.actions), budget=50)
    by_pair = {r.pair: r for r in results}
    assert set(by_pair) == game.negotiating_pairs()
    assert "never held talks" in by_pair[("A", "C")].note
    assert by_pair[("A", "C")].evaluated == 0


def test_beam_search_keeps_to_its_budget_and_is_deterministic() -> None:
    game = april_game()
    script = Script(game.rules, game.seed, game.actions)
    pair = ("JP", "US")
    runs = [search_pair(script, pair, budget=25) for _ in range(2)]
    for r in runs:
        assert r.method.startswith("beam search")
        assert r.evaluated == 25 < r.space
    assert [o.terms for o in runs[0].outcomes] == [o.terms for o in runs[1].outcomes]
    assert (runs[0].best and runs[0].best.terms) == (runs[1].best and runs[1].best.terms)


def test_space_size_counts_deals_up_to_max_terms() -> None:
    rules = small_rules()
    game = nobody_agrees()
    options = options_for(rules, PAIR, set(game.available_items))
    assert space_size(options, rules.limits.max_terms) == len(all_pair_deals(rules, *PAIR))
    assert space_size([("x", (1.0, 2.0)), ("y", (1.0,))], 1) == 3
    assert space_size([("x", (1.0, 2.0)), ("y", (1.0,))], 2) == 5


def test_a_game_in_progress_is_compared_as_if_finished_by_passing() -> None:
    game = Game.new(small_rules(), 3)
    for line in BUSY[:9]:  # stops in round 2's talks, after A's proposal
        game.apply(parse(line))
    assert not game.is_over()
    result = search_pair(Script(game.rules, game.seed, game.actions), PAIR, budget=40)
    assert result.reproduces is True
    finished = play_script(BUSY[:9])
    assert result.actual_scores == finished.scores()


def test_answers_are_stable_across_search_budgets() -> None:
    """The search order does not depend on the budget: a larger budget evaluates a superset,
    so a deal found stays found and its gain only grows; a cut-short search says so."""
    game = april_game()
    script = Script(game.rules, game.seed, game.actions)
    pair = ("JP", "US")
    runs = [search_pair(script, pair, budget=b) for b in (12, 30, 70)]
    for small, large in zip(runs, runs[1:], strict=False):
        assert [o.terms for o in small.outcomes] == [o.terms for o in large.outcomes][
            : len(small.outcomes)
        ]
        if small.best is not None:
            assert large.best is not None
            assert large.gain()[0] >= small.gain()[0] - 1e-9  # type: ignore[index]
    for r in runs:
        assert not r.conclusive and r.method.startswith("beam search")
        found = r.gain()
        if found is not None:
            gain, ga, gb = found
            assert gain == pytest.approx(ga + gb) and gain > EPS and ga >= -1e-6 <= gb


def test_an_exhaustive_answer_does_not_depend_on_the_budget() -> None:
    game = agreed("a-cap-b=0.2,b-invest=40")
    script = Script(game.rules, game.seed, game.actions)
    space = search_pair(script, PAIR, budget=500).space
    results = [search_pair(script, PAIR, budget=b) for b in (space + 1, space + 50, 2000)]
    assert all(r.conclusive for r in results)
    assert len({r.best.terms if r.best else None for r in results}) == 1
    assert len({r.gain() for r in results}) == 1


def test_the_best_deal_has_no_term_without_effect() -> None:
    for game in (nobody_agrees(), agreed("a-cap-b=0.2,b-invest=40")):
        script = Script(game.rules, game.seed, game.actions)
        result = search_pair(script, PAIR, budget=500)
        assert result.best is not None and result.best.scores is not None
        start, replaced = script.anchor(PAIR)  # type: ignore[misc]
        cf = Counterfactual(script, PAIR, start, replaced)
        for n in range(len(result.best.terms)):
            shorter = result.best.terms[:n] + result.best.terms[n + 1 :]
            if not shorter:
                continue
            o = cf.evaluate(shorter)
            assert (
                o.scores is None
                or not o.entered_force
                or any(
                    abs(o.scores[p] - result.best.scores[p]) > 1e-6 for p in game.rules.player_ids
                )
            )
