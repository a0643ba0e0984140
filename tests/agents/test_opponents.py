"""Opponents that bargain (issue 19): the US's objectives make its leverage worth something,
the default agent opens high, concedes toward the deadline and turns down what waiting beats,
and the historical agents keep the 2025 calendar."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tradegame.agents.base import Turn, make_agent, passive_move, play_match
from tradegame.agents.negotiators import (
    BARGAIN_FLOOR,
    deadline_clock,
    reservation,
)
from tradegame.agents.tactics import RESERVE, pair_catalogue
from tradegame.engine import Accept, ExtendDeadline, Game, Propose, Term, parse
from tradegame.engine.actions import deal_terms
from tradegame.scenario import load_rules
from tradegame.session.match import default_agent

from .helpers import game_with_offer, respond

HISTORICAL_JP = (
    "jp_aircraft=2,jp_car_standards=1,jp_defence=3,jp_farm=8,jp_investment=550,"
    "jp_rice=0.25,us_autos_cap_jp=0.15,us_cap_jp=0.15"
)
# The offers issue 19 names: Japan's first offer, which the old default US accepted in round 1
# on every seed, and caps given for nothing at all, which it accepted on 5 of 5 seeds.
FIRST_JP = "jp_investment=100,us_autos_cap_jp=0.15,us_cap_jp=0.1"
NOTHING_JP = "us_autos_cap_jp=0.25,us_cap_jp=0.2"

CAPS = ("us_cap_jp", "us_autos_cap_jp")

MARGIN = 1.0
"""How far below the historical package's value (to the US, by its own ``what_if``) a round-1
offer the default US accepts may be. One point is about one level of one term (e.g. Japan's
investment $550bn → $400bn moves the US's projection by ≈1.5): a margin the size of the
smallest concession, so the check does not hang on the ladder's rounding. Measured today the
bargainer's opening value in round 1 is ≈15.4 against ≈9.4 for the historical package, so no
offer inside the margin is accepted either."""

SEEDS = range(5)


@pytest.fixture(scope="module")
def april():  # type: ignore[no-untyped-def]
    return load_rules("april-2025")


def round_one(rules, seed: int) -> Game:  # type: ignore[no-untyped-def]
    """The game at Japan's first move in the scheduled round-1 talks with the US."""
    game = Game.new(rules, seed)
    while not (
        game.session is not None
        and set(game.session.pair) == {"JP", "US"}
        and game.session.offer is None
        and game.to_move() == "JP"
    ):
        game.apply(passive_move(game, game.to_move()))
    assert game.round == 1
    return game


def offered(game: Game, terms: str) -> Game:
    after = game.copy()
    after.apply(Propose("JP", "US", deal_terms(parse(f"JP propose US {terms}").terms)))  # type: ignore[attr-defined]
    return after


def us_value(game: Game) -> float:
    """What accepting the offer on the table is worth to the US, by its own projection."""
    return game.what_if("US", [Accept("US")]).change


# ---------------------------------------------------------------------- objectives


@pytest.mark.parametrize(
    "scenario", ["april-2025", "with-china", "classroom-lesson", "us-japan-primer"]
)
def test_caps_given_for_nothing_are_a_loss_for_the_us(scenario) -> None:  # type: ignore[no-untyped-def]
    # Before issue 19 the US gained from it (+1.4 on april-2025): a deal counted as such and
    # revenue hardly did, so the side holding the tariffs had no reason to bargain with them.
    rules = load_rules(scenario)
    game = round_one(rules, 1)
    _, theirs = pair_catalogue(game.view("JP").to_json(), "JP", "US")
    for cap in ("us_cap_jp", "us_autos_cap_jp"):
        item = next(it for it in theirs if it.id == cap)
        for level in item.levels:  # every level, given for nothing: below what any
            # built-in negotiator takes (the smallest car step, 27.5% → 25%, is about
            # neutral in with-china: a deal calms markets a little)
            assert us_value(offered(game, f"{cap}={level}")) < RESERVE, (cap, level)
    least = ",".join(f"{c}={next(i for i in theirs if i.id == c).levels[0]}" for c in CAPS)
    assert us_value(offered(game, least)) < 0  # the least generous pair, as in NOTHING_JP
    if scenario in ("april-2025", "with-china"):
        assert us_value(offered(game, NOTHING_JP)) < 0
        assert us_value(offered(game, FIRST_JP)) < 0
        assert us_value(offered(game, HISTORICAL_JP)) > 0  # a package that pays still pays


def test_the_us_counts_no_deal_as_such_and_weighs_revenue_and_its_threat(april) -> None:  # type: ignore[no-untyped-def]
    us = {o.metric: o for o in april.player("US").objectives}
    assert "deals" not in us
    assert us["tariff_revenue"].weight >= 0.1
    assert us["credibility"].weight > 0
    assert abs(sum(o.weight for o in april.player("US").objectives) - 1.0) < 1e-9


# ---------------------------------------------------------------------- the default opponent


def test_the_default_opponent_is_the_bargainer() -> None:
    assert default_agent() == "bargainer"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_default_us_turns_down_the_offers_of_issue_19_in_round_one(april, seed) -> None:  # type: ignore[no-untyped-def]
    game = round_one(april, seed)
    for terms in (FIRST_JP, NOTHING_JP):
        move = respond(make_agent(default_agent(), random.Random(seed)), offered(game, terms), "US")
        assert move != "US accept", terms
        assert move.startswith(("US counter JP ", "US reject")), move


@pytest.mark.parametrize("seed", SEEDS)
def test_the_default_us_accepts_no_round_one_offer_worth_less_than_the_historical_package(
    april, seed
) -> None:  # type: ignore[no-untyped-def]
    game = round_one(april, seed)
    benchmark = us_value(offered(game, HISTORICAL_JP))
    mine, theirs = pair_catalogue(game.view("JP").to_json(), "JP", "US")
    items = mine + theirs
    rng = random.Random(seed)
    us = make_agent(default_agent(), random.Random(seed))  # one agent: its ladder is reused
    accepted, tried = [], 0
    while tried < 12:
        chosen = rng.sample(items, rng.randint(1, min(8, len(items))))
        terms = deal_terms([Term(it.id, rng.choice(it.levels)) for it in chosen])
        proposal = Propose("JP", "US", terms)
        if proposal not in game.legal_actions("JP"):
            continue
        tried += 1
        after = game.copy()
        after.apply(proposal)
        if str(us.act(Turn(after, "US"))) == "US accept":
            accepted.append((us_value(after), str(proposal)))
    for value, proposal in accepted:
        assert value >= benchmark - MARGIN, (value, benchmark, proposal)


def test_the_bargainer_opens_with_its_toughest_package(april) -> None:  # type: ignore[no-untyped-def]
    game = offered(round_one(april, 1), NOTHING_JP)
    bargainer = make_agent("bargainer", random.Random(1))
    turn = Turn(game, "US")
    assert turn.talks is not None
    packages = bargainer.packages(turn, turn.talks)  # type: ignore[attr-defined]
    move = bargainer.act(Turn(game, "US"))
    toughest = max(packages, key=lambda p: p.value)
    assert move.terms == toughest.terms  # type: ignore[attr-defined]


def test_the_bargainers_reservation_falls_to_its_floor_at_the_deadline() -> None:
    values = [reservation(10.0, t / 10) for t in range(11)]
    assert values[0] == 10.0
    assert all(a > b for a, b in zip(values, values[1:], strict=False))
    assert values[-1] == pytest.approx(BARGAIN_FLOOR * 10.0)
    assert reservation(0.1, 1.0) == RESERVE  # never below the least a deal must bring
    assert values[5] > 5.0  # holds firm in the first half (it concedes most late)


def test_the_default_us_accepts_late_what_it_refused_early(april) -> None:  # type: ignore[no-untyped-def]
    early = game_with_offer(april, 1, 2, "JP", "US", HISTORICAL_JP)
    late = game_with_offer(april, 1, 11, "JP", "US", HISTORICAL_JP)
    assert respond(make_agent("bargainer", random.Random(1)), early, "US") != "US accept"
    assert respond(make_agent("bargainer", random.Random(1)), late, "US") == "US accept"


def _surplus(rules, seed: int, seats: dict[str, str], role: str) -> float:  # type: ignore[no-untyped-def]
    game = play_match(rules, seed, seats)
    return game.scores()[role] - game.batna()[role]


@pytest.mark.parametrize("eu", ["bargainer", "greedy", "historical"])
def test_holding_out_against_the_default_us_is_not_dominant(april, eu) -> None:  # type: ignore[no-untyped-def]
    # Issue 19: the bargainer concedes toward its floor as the deadline nears, so a Japan that
    # refuses everything until the last rounds (the hold-out probe) must not beat every way of
    # bargaining: an engaged Japan (here one that offers the 2025 package on the 2025
    # calendar, or the one-step greedy) does at least as well on the same seeds.
    seeds = (1, 2)
    hold = sum(
        _surplus(april, s, {"US": "bargainer", "JP": "hold-out", "EU": eu}, "JP") for s in seeds
    )
    engaged = max(
        sum(_surplus(april, s, {"US": "bargainer", "JP": a, "EU": eu}, "JP") for s in seeds)
        for a in ("historical", "greedy")
    )
    assert engaged >= hold


@pytest.mark.parametrize("seed", [1, 2])
def test_two_bargainers_agree(april, seed) -> None:  # type: ignore[no-untyped-def]
    # The floor must stay low enough that the default agent in both seats still settles.
    game = play_match(april, seed, {"US": "bargainer", "JP": "bargainer", "EU": "historical"})
    assert any(
        set(d.parties) == {"US", "JP"} and d.status == "in_force" and not d.unilateral
        for d in game.deals
    )


def test_the_deadline_clock_counts_to_the_deadline_as_it_stands(april) -> None:  # type: ignore[no-untyped-def]
    game = Game.new(april, 1)
    seen = {}
    while game.round < 12:
        seen[game.round] = deadline_clock(Turn(game, "US"))
        game.apply(passive_move(game, game.to_move()))
    assert seen[1] == 0.0 and seen[11] < 1.0
    assert all(seen[r] < seen[r + 1] for r in range(1, 11))
    assert deadline_clock(Turn(game, "US")) == 1.0  # round 12 holds the deadline
    while game.phase != "orders" or game.to_move() != "US":
        game.apply(passive_move(game, game.to_move()))
    game.apply(ExtendDeadline("US", 24))
    while game.round == 12:
        game.apply(passive_move(game, game.to_move()))
    assert deadline_clock(Turn(game, "US")) < 1.0  # the extension gave it time back


# ---------------------------------------------------------------------- the 2025 calendar


def _entered_force(game: Game, pair: set[str]) -> dt.date:
    deal = next(
        d
        for d in game.deals
        if set(d.parties) == pair
        and d.status == "in_force"
        and not d.unilateral
        and any(game.rules.item(t.item).kind != "process" for t in d.terms)
    )
    c = game.rules.calendar
    # A deal agreed in a round's talks enters force at that round's resolution, its last day.
    return dt.date.fromisoformat(game.date_of(c.start_day + deal.round * c.round_days - 1))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_historical_agents_keep_the_2025_calendar(april, seed) -> None:  # type: ignore[no-untyped-def]
    game = play_match(april, seed, {p: "historical" for p in april.player_ids})
    week = dt.timedelta(days=april.calendar.round_days)
    assert game.date_of(game.deadline_day) == "2025-08-01"  # extended, as on 7 July
    japan = _entered_force(game, {"US", "JP"})
    europe = _entered_force(game, {"US", "EU"})
    assert abs(japan - dt.date(2025, 7, 22)) < week, japan
    assert abs(europe - dt.date(2025, 7, 27)) < week, europe
    assert japan < europe
    assert not game.snapped or game.day > game.deadline_day
