"""The built-in agents: each plays legal, deterministic games, evaluates a bounded number of
what_if projections, and shows its character against controlled offers."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from tradegame.agents.base import Turn, agent_rng, make_agent, play_match, registry
from tradegame.agents.historical import historical_deals
from tradegame.agents.negotiators import (
    LADDER_STEPS,
    LAST_ROUNDS,
    ORDER_SHORTLIST,
    concession_target,
)
from tradegame.agents.tactics import RESERVE, TermValues
from tradegame.engine import Game, SetTariff, parse
from tradegame.scenario import load_rules

from .helpers import game_with_offer, respond

SMALL = Path(__file__).resolve().parents[1] / "engine" / "small.yaml"
BUILTINS = [
    "random",
    "passive",
    "hawk",
    "dove",
    "tit-for-tat",
    "boulware",
    "conceder",
    "linear",
    "greedy",
    "historical",
    "bargainer",
]
NEGOTIATORS = [
    "hawk",
    "dove",
    "tit-for-tat",
    "boulware",
    "conceder",
    "linear",
    "greedy",
    "bargainer",
]

# The historical US–Japan package, worth about +9 to the US early in the game.
HISTORICAL_JP = (
    "jp_aircraft=2,jp_car_standards=1,jp_defence=3,jp_farm=8,jp_investment=550,"
    "jp_rice=0.25,us_autos_cap_jp=0.15,us_cap_jp=0.15"
)
BIG_JP = "jp_host_nation_support=1.5,jp_investment=550,jp_lng=10,us_autos_cap_jp=0.25"
SMALL_JP = "jp_investment=100,us_autos_cap_jp=0.2"


@pytest.fixture(scope="module")
def april():  # type: ignore[no-untyped-def]
    return load_rules("april-2025")


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return load_rules(SMALL)


def agent(name: str):  # type: ignore[no-untyped-def]
    return make_agent(name, random.Random(0))


# ---------------------------------------------------------------------- the roster


def test_every_builtin_is_registered_with_a_one_line_description() -> None:
    known = registry()
    assert set(BUILTINS) <= set(known)
    descriptions = set()
    for name in BUILTINS:
        a = known[name](random.Random(0))
        assert a.name == name
        assert a.description and "\n" not in a.description and len(a.description) < 160
        descriptions.add(a.description)
    assert len(descriptions) == len(BUILTINS)


@pytest.mark.parametrize("name", BUILTINS)
def test_each_builtin_plays_whole_games_without_incidents(small, name) -> None:  # type: ignore[no-untyped-def]
    for seed in (1, 2):
        incidents: list[str] = []
        seats = {p: name for p in small.player_ids}
        game = play_match(small, seed, seats, incidents=incidents)
        assert game.is_over() and incidents == []
        again = play_match(small, seed, seats)
        assert again.state_hash() == game.state_hash()  # deterministic for a seed


@pytest.mark.parametrize("name", NEGOTIATORS)
def test_what_if_calls_per_decision_are_bounded(april, name, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    counts: list[int] = []
    real = Turn.what_if

    class Counting:
        def __init__(self, inner):  # type: ignore[no-untyped-def]
            self.inner, self.name, self.description = inner, inner.name, inner.description

        def act(self, turn):  # type: ignore[no-untyped-def]
            action = self.inner.act(turn)
            counts.append(turn.what_if_calls)
            return action

    monkeypatch.setattr(Turn, "what_if", real)
    seats = {p: Counting(make_agent(name, agent_rng(3, p, name))) for p in april.player_ids}
    play_match(april, 3, seats)
    budget = TermValues().budget
    bound = max(budget + LADDER_STEPS + 1, ORDER_SHORTLIST)
    assert counts and max(counts) <= bound
    assert sum(counts) / len(counts) < 6  # most decisions need no projection at all


def test_a_negotiator_values_its_ladder_as_proposer_and_as_responder(april) -> None:  # type: ignore[no-untyped-def]
    responding = game_with_offer(april, 1, 2, "JP", "US", SMALL_JP)
    proposing = Game.new(april, 1)  # round 1: JP opens the scheduled talks with the US
    for game, player in ((responding, "US"), (proposing, "JP")):
        negotiator = agent("linear")
        turn = Turn(game, player)
        assert turn.talks is not None
        packages = negotiator.packages(turn, turn.talks)
        assert len(packages) >= 3, (player, packages)
        assert max(p.value for p in packages) > 5  # what_if valued them (not all refused)
        assert turn.talks.partner in negotiator.values._cache  # the deal bonus was measured
        assert turn.what_if_calls <= TermValues().budget + LADDER_STEPS


# ---------------------------------------------------------------------- characters


ROUNDS = (2, 5, 8, 11, 12, 13)


def first_acceptance(rules, name: str, offer: str) -> int | None:  # type: ignore[no-untyped-def]
    for r in ROUNDS:
        game = game_with_offer(rules, 1, r, "JP", "US", offer)
        if respond(agent(name), game, "US") == "US accept":
            return r
    return None


def test_a_hawk_concedes_nothing_before_the_last_rounds(april) -> None:  # type: ignore[no-untyped-def]
    total = Game.new(april, 1).rounds_total()
    for r in ROUNDS:
        game = game_with_offer(april, 1, r, "JP", "US", HISTORICAL_JP)
        # a good offer (≈9 to the US: its caps cost the US revenue)
        assert game.what_if("US", [parse("US accept")]).change > 5
        move = respond(agent("hawk"), game, "US")
        if total - r >= LAST_ROUNDS:
            assert move.startswith("US counter JP "), (r, move)
            counter = parse(move)
            # It holds out for more than the good offer gives it ...
            ours = game.what_if("US", [counter]).change
            assert ours > game.what_if("US", [parse("US accept")]).change
            # ... and anything of its own in the counter costs it nothing (to within
            # RESERVE: a free give is chosen on its value net of the deal bonus, which a term
            # offered alone does not have; the 25% car cap is worth ≈0 to the US now).
            for t in counter.terms:  # type: ignore[attr-defined]
                if april.item(t.item).owner == "US":
                    alone = parse(f"US counter JP {t}")
                    assert game.what_if("US", [alone]).change >= -RESERVE, (t, move)
        else:
            assert move == "US accept", (r, move)


def test_a_dove_accepts_any_offer_that_pays(april) -> None:  # type: ignore[no-untyped-def]
    for offer in (SMALL_JP, HISTORICAL_JP):
        game = game_with_offer(april, 1, 2, "JP", "US", offer)
        assert respond(agent("dove"), game, "US") == "US accept"
    bad = game_with_offer(april, 1, 2, "JP", "US", "us_autos_cap_jp=0.15,us_cap_jp=0.1")
    assert bad.what_if("US", [parse("US accept")]).change < 0
    assert respond(agent("dove"), bad, "US") != "US accept"


def test_time_based_agents_concede_in_order_conceder_linear_boulware(april) -> None:  # type: ignore[no-untyped-def]
    rounds = {
        name: first_acceptance(april, name, HISTORICAL_JP)
        for name in ("conceder", "linear", "boulware")
    }
    assert None not in rounds.values(), rounds
    assert rounds["conceder"] < rounds["linear"] < rounds["boulware"], rounds


def test_a_boulware_agents_accepted_utility_falls_over_time(april) -> None:  # type: ignore[no-untyped-def]
    # Three offers worth about 4, 6 and 11-16 points to the US. Early on it takes none of
    # them; what it accepts only grows with time (the value it settles for falls), and in the
    # last round it takes even the smallest.
    offers = {
        "small": SMALL_JP,
        "mid": "jp_investment=250,jp_lng=5,us_autos_cap_jp=0.2,us_cap_jp=0.15",
        "historical": HISTORICAL_JP,
    }
    accepted: list[set[str]] = []
    values: dict[str, float] = {}
    for r in ROUNDS:
        taken = set()
        for name, offer in offers.items():
            game = game_with_offer(april, 1, r, "JP", "US", offer)
            values[name] = game.what_if("US", [parse("US accept")]).change
            if respond(agent("boulware"), game, "US") == "US accept":
                taken.add(name)
        accepted.append(taken)
    assert accepted[0] == set() and accepted[-1] == set(offers), accepted
    assert all(a <= b for a, b in itertools.pairwise(accepted)), accepted
    first = next(t for t in accepted if t)
    assert min(values[n] for n in first) > 2 * min(values.values())  # the first was the best


def test_concession_targets_fall_toward_the_deadline() -> None:
    for e in (0.2, 1.0, 5.0):
        targets = [concession_target(10.0, t / 10, e) for t in range(11)]
        assert targets[0] == 10.0 and targets[-1] == 0.0
        assert all(b <= a for a, b in itertools.pairwise(targets))
    for t in (0.2, 0.5, 0.8):
        assert (
            concession_target(10, t, 0.2)
            > concession_target(10, t, 1)
            > concession_target(10, t, 5)
        )


def test_tit_for_tat_retaliates_against_escalation_only(april) -> None:  # type: ignore[no-untyped-def]
    def orders_after(jp_escalates: bool) -> list[str]:
        game = Game.new(april, 2)
        tft = agent("tit-for-tat")
        issued: list[str] = []
        while game.round <= 3:
            mover = game.to_move()
            assert mover is not None
            if mover == "US":
                action = tft.act(Turn(game, "US"))
                if game.round == 3 and game.phase == "orders":
                    issued.append(str(action))
            elif (
                game.phase == "orders"
                and game.round == 2
                and mover == "JP"
                and jp_escalates
                and not game.orders["JP"]
            ):
                action = SetTariff("JP", "jp_us_retaliation", 0.1)
            else:
                from tradegame.agents.base import passive_move

                action = passive_move(game, mover)
            game.apply(action)
        return issued

    calm = orders_after(False)
    hit = orders_after(True)
    assert not any(" tariff " in o for o in calm), calm
    assert any(o.startswith("US tariff us_jp_") for o in hit), hit


def test_tit_for_tat_cooperates_first_and_turns_tough_after_a_defection(april) -> None:  # type: ignore[no-untyped-def]
    game = game_with_offer(april, 1, 2, "JP", "US", HISTORICAL_JP)
    tft = agent("tit-for-tat")
    assert respond(tft, game, "US") == "US accept"
    tft.hostile.add("JP")  # as after JP raised a tariff on the US
    assert respond(tft, game, "US") != "US accept"


def test_greedy_never_repeats_a_refused_proposal(april) -> None:  # type: ignore[no-untyped-def]
    game = play_match(april, 4, {"US": "greedy", "JP": "passive", "EU": "passive"})
    proposals = [
        (a.partner, a.terms)
        for a in game.actions  # type: ignore[attr-defined]
        if a.player == "US" and a.kind in ("propose", "counter")
    ]
    assert proposals, "greedy proposes"
    assert len(proposals) == len(set(proposals))


def test_greedy_prefers_the_better_projection(april) -> None:  # type: ignore[no-untyped-def]
    # Offered a very good deal, greedy takes it when no package of its own projects better.
    game = game_with_offer(april, 1, 2, "JP", "US", BIG_JP)
    move = respond(agent("greedy"), game, "US")
    if move != "US accept":
        ours = game.what_if("US", [parse(move)]).change
        theirs = game.what_if("US", [parse("US accept")]).change
        assert ours >= theirs


# ---------------------------------------------------------------------- historical


def deal_terms_in_force(game: Game, pair: set[str]) -> set[str]:
    """The terms of the pair's one deal of substance in force (process deals aside)."""
    live = [
        d
        for d in game.deals_in_force()
        if not d.unilateral
        and set(d.parties) == pair
        and any(game.rules.item(t.item).kind != "process" for t in d.terms)
    ]
    assert len(live) == 1, [(d.id, d.status) for d in game.deals]
    return {str(t) for t in live[0].terms}


@pytest.mark.parametrize(
    "scenario", ["april-2025", "classroom-lesson", "with-china", "china-lesson"]
)
def test_historical_agents_reach_the_historical_deals(scenario) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules(scenario)
    game = play_match(rules, 1, {p: "historical" for p in rules.player_ids})
    view = game.view(None).to_json()
    expected = historical_deals(view, rules.limits.max_terms)
    assert {frozenset(d.pair) for d in expected} >= {
        frozenset({"US", "JP"}),
        frozenset({"US", "EU"}),
    }
    for deal in expected:
        assert deal_terms_in_force(game, set(deal.pair)) == {str(t) for t in deal.terms}


def test_the_historical_deals_are_the_2025_ones_on_the_default_scenario(april) -> None:  # type: ignore[no-untyped-def]
    game = play_match(april, 2, {p: "historical" for p in april.player_ids})
    assert deal_terms_in_force(game, {"US", "JP"}) == set(HISTORICAL_JP.split(","))
    assert deal_terms_in_force(game, {"US", "EU"}) == {
        "us_cap_eu=0.15",
        "us_autos_cap_eu=0.15",
        "eu_zero_industrial=0",
        "eu_energy=171",
        "eu_investment=600",
        "eu_ai_chips=13",
    }
    first = min((d for d in game.deals if not d.unilateral), key=lambda d: d.id)
    assert [str(t) for t in first.terms] == ["jp_process=1"]  # round 1 agrees on process


def test_a_historical_agent_accepts_only_the_historical_deal_and_only_when_due(april) -> None:  # type: ignore[no-untyped-def]
    early = game_with_offer(april, 1, 2, "JP", "US", HISTORICAL_JP)
    assert respond(agent("historical"), early, "US") == "US reject"  # 2025 signed it on 22 July
    # Round 13 is the last of a calendar nobody extended: the deal falls due.
    hist = game_with_offer(april, 1, 13, "JP", "US", HISTORICAL_JP)
    assert respond(agent("historical"), hist, "US") == "US accept"
    other = game_with_offer(april, 1, 13, "JP", "US", BIG_JP)
    move = respond(agent("historical"), other, "US")
    assert move.startswith("US counter JP ") and set(parse(move).terms) == set(  # type: ignore[attr-defined]
        parse(f"JP propose US {HISTORICAL_JP}").terms
    )  # type: ignore[attr-defined]


def test_passive_seats_give_the_batna(april) -> None:  # type: ignore[no-untyped-def]
    game = play_match(april, 9, {})
    assert game.scores() == game.batna()
