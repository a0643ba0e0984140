"""The ``search`` agent: registered, deterministic, within its budget, and stronger than greedy
(head to head on average, and against a fixed US ultimatum that exploits greedy)."""

from __future__ import annotations

import random

import pytest

from tradegame.agents.base import Turn, play_match, registry
from tradegame.agents.search import SEARCH_LADDER_STEPS, SearchAgent
from tradegame.agents.tactics import Strategy, pair_catalogue
from tradegame.engine import Action, Pass, Propose, Reject, Term
from tradegame.engine.actions import deal_terms
from tradegame.scenario import load_rules

RULES = load_rules("april-2025")
SEEDS = range(4)


class Ultimatum(Strategy):
    """A fixed US ultimatum: to every partner, every item of theirs at its most generous level
    for the US's politically cheapest item at its lowest level, proposed whenever it opens
    talks (it asks for talks every round); every counter is rejected."""

    name = "ultimatum"
    description = "a fixed ultimatum"

    def talk(self, turn: Turn, talks) -> Action:  # type: ignore[no-untyped-def]
        if talks.offer is not None:
            return Reject(turn.player)
        mine, theirs = pair_catalogue(turn.view.to_json(), turn.player, talks.partner)
        terms = [Term(it.id, it.levels[-1]) for it in theirs][: turn.limits.max_terms - 1]
        if mine:
            cheap = min(mine, key=lambda it: it.cost(it.levels[0]))
            terms.append(Term(cheap.id, cheap.levels[0]))
        action = Propose(turn.player, talks.partner, deal_terms(terms))
        return action if terms and action in turn.legal else Pass(turn.player)

    def plan_orders(self, turn: Turn) -> list[Action]:
        return self.talk_requests(turn)


def surplus(game, player: str) -> float:  # type: ignore[no-untyped-def]
    return game.scores()[player] - game.batna()[player]


def test_search_is_a_registered_builtin():
    agent = registry()["search"](random.Random(0))
    assert isinstance(agent, SearchAgent) and agent.name == "search"
    assert agent.description and "\n" not in agent.description


def test_search_is_deterministic_for_a_seed_and_plays_without_incidents():
    seats = {"US": "search", "JP": "greedy", "EU": "search"}
    first: list[str] = []
    a = play_match(RULES, 3, seats, incidents=first)
    b = play_match(RULES, 3, seats)
    assert first == []
    assert a.actions == b.actions and a.state_hash() == b.state_hash()


def test_search_keeps_its_what_if_budget_per_decision():
    calls: list[int] = []

    class Counting(SearchAgent):
        def act(self, turn: Turn) -> Action:
            action = super().act(turn)
            calls.append(turn.what_if_calls)
            return action

    play_match(
        RULES, 1, {"US": Counting(random.Random(1), budget=6), "JP": "greedy", "EU": "greedy"}
    )
    # the ladder of packages (rebuilt every few rounds) comes on top of the budget
    assert calls and max(calls) <= 6 + 12 + SEARCH_LADDER_STEPS + 1


@pytest.mark.slow
def test_search_beats_greedy_head_to_head():
    """One search seat against two greedy ones, compared with three greedy on the same seed:
    better on average over the roles, and no role clearly worse. (It failed, and was marked
    an expected failure, from issue 19's cheap-talk rules until the partner model: on seeds
    0-3 search was US +1.0, JP -4.8, EU +3.3.)"""
    greedy = {s: play_match(RULES, s, dict.fromkeys(RULES.player_ids, "greedy")) for s in SEEDS}
    by_role = {}
    for role in RULES.player_ids:
        gains = []
        for s in SEEDS:
            seats = {p: ("search" if p == role else "greedy") for p in RULES.player_ids}
            gains.append(play_match(RULES, s, seats).scores()[role] - greedy[s].scores()[role])
        by_role[role] = sum(gains) / len(gains)
    assert sum(by_role.values()) / len(by_role) > 2.0, by_role
    assert min(by_role.values()) > -2.0, by_role


@pytest.mark.slow
def test_search_is_exploited_less_than_greedy_by_a_fixed_us_ultimatum():
    """Against the ultimatum, search keeps more for Japan and the EU than greedy does.

    (It also used to leave the US less than greedy did, but only because statements paid:
    JP+EU surplus was about 19 for search against 10 for greedy, most of it talk. Since
    cheap talk fades and open audience costs are charged (issue 19), search gets about 10.8
    and greedy 5.2 on these seeds, and search's orders give the US a little more, so that
    part no longer holds and is not asserted.)"""

    def against_ultimatum(agent: str) -> tuple[float, float]:
        mine = us = 0.0
        for s in SEEDS:
            game = play_match(RULES, s, {"US": Ultimatum(), "JP": agent, "EU": agent})
            mine += surplus(game, "JP") + surplus(game, "EU")
            us += surplus(game, "US")
        return mine / len(SEEDS), us / len(SEEDS)

    greedy_gets, _ = against_ultimatum("greedy")
    search_gets, _ = against_ultimatum("search")
    assert search_gets > greedy_gets + 5.0


def test_a_time_budget_of_one_ms_still_plays_a_whole_game_of_legal_moves():
    incidents: list[str] = []
    game = play_match(
        RULES, 2, {"US": "search:ms=1", "JP": "search:ms=1", "EU": "greedy"}, incidents=incidents
    )
    assert incidents == [] and game.to_move() is None


def test_the_time_budget_stops_the_order_search_on_an_injected_clock():
    """A fake clock that jumps a second at every reading: with ms=500 the order search looks
    at one candidate per decision, without a time budget at the whole call budget."""

    class Counting(SearchAgent):
        def plan_orders(self, turn: Turn) -> list[Action]:
            before = turn.what_if_calls
            orders = super().plan_orders(turn)
            spent.append(turn.what_if_calls - before)
            return orders

    def run(ms: float | None) -> list[int]:
        spent.clear()
        now = iter(range(10**9))
        agent = Counting(random.Random(1), budget=12, ms=ms, clock=lambda: float(next(now)))
        play_match(RULES, 1, {"US": agent, "JP": "greedy", "EU": "greedy"})
        return list(spent)

    spent: list[int] = []
    timed, untimed = run(500.0), run(None)
    assert timed and max(timed) <= 1
    assert max(untimed) > 1


def test_search_options_from_the_spec():
    from tradegame.agents.base import AgentSpecError, make_agent, runs_code

    agent = make_agent("search:ms=200,budget=8", random.Random(0))
    assert isinstance(agent, SearchAgent) and (agent.ms, agent.budget) == (200.0, 8)
    assert not runs_code("search:ms=200") and runs_code("search:Evil")
    for bad, says in [
        ("search:ms=0", "ms must be a number from 1"),
        ("search:depth=3", "'depth=3' is not an option"),
        ("search:budget=2.5", "whole number"),
        ("search:ms=50,ms=60", "the option ms is given twice"),  # one was silently dropped
    ]:
        with pytest.raises(AgentSpecError, match=says):
            make_agent(bad, random.Random(0))


def test_the_strength_benchmark_runs(tmp_path):  # type: ignore[no-untyped-def]
    """A smoke test on the small scenario (the figures are the script's to print)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "s.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "search_strength.py"),
            "--scenario",
            str(root / "tests" / "engine" / "small.yaml"),
            "--spec",
            "search:ms=50",
            "--opponents",
            "random",
            "--seeds",
            "2",
            "--workers",
            "1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "random" in proc.stdout and "ms" in proc.stdout
    data = json.loads(out.read_text())
    assert {s["opponent"] for s in data["summary"]} == {"random"}
    assert len(data["games"]) == 2 * len(data["summary"])
    assert [r["role"] for r in data["roles"]] == list(
        load_rules(root / "tests" / "engine" / "small.yaml").player_ids
    )
    assert "better than greedy in" in proc.stdout


# ---------------------------------------------------------------------- the partner model


def us_in_talks_with_japan() -> Turn:
    """The first US talks move of seed 0: Japan (greedy) has an offer on the table."""
    from tradegame.agents.base import make_agent, passive_move
    from tradegame.engine import Game

    game = Game.new(RULES, 0)
    japan = make_agent("greedy", random.Random(0))
    while True:
        player = game.to_move()
        assert player is not None
        turn = Turn(game, player)
        if player == "US" and turn.talks is not None:
            return turn
        game.apply(japan.act(turn) if player == "JP" else passive_move(game, player))


def test_the_model_ranks_packages_by_their_value_against_what_the_partner_did():
    """Worth no more than what Japan offered: likely; at least what it refused: unlikely;
    in between, falling with the value; the very package refused is halved again."""
    from tradegame.agents.search import Q_KNOWN, Q_REFUSED, Q_UNTESTED, Seen

    turn = us_in_talks_with_japan()
    agent = SearchAgent(random.Random(0))
    a = (Term("jp_lng", 2.0),)
    assert agent.chance(turn, "JP", a, 9.0) == Q_UNTESTED  # nothing seen yet
    agent.seen.append(Seen("JP", turn.round, a, 2.0, False, "offered"))
    agent.seen.append(Seen("JP", turn.round, a, 10.0, True, "refused"))
    agent.refused[("JP", a)] = 1
    b = (Term("jp_lng", 1.0),)
    assert agent.chance(turn, "JP", b, 1.5) == Q_KNOWN
    assert agent.chance(turn, "JP", b, 12.0) == Q_REFUSED
    middle = [agent.chance(turn, "JP", b, v) for v in (3.0, 6.0, 9.0)]
    assert Q_KNOWN > middle[0] > middle[1] > middle[2] > Q_REFUSED
    assert agent.chance(turn, "JP", a, 6.0) == middle[1] / 2
    # Another partner's refusals say nothing about Japan's
    assert agent.chance(turn, "EU", b, 12.0) == Q_UNTESTED


def test_search_offers_what_the_partner_will_take_over_what_it_has_turned_down():
    """Japan refused a package worth 10 to the US and offered one worth 2: of a package worth
    12 (like the refused one) and one worth 4, the agent counters with the one worth 4, though
    it is worth less if accepted; with nothing refused it asks for the one worth 12."""
    from tradegame.agents.search import Seen
    from tradegame.agents.tactics import Package

    greedy_ask = (Term("jp_investment", 550.0), Term("jp_lng", 10.0))
    modest = (Term("jp_lng", 2.0),)

    class Fixed(SearchAgent):
        def packages(self, turn, talks):  # type: ignore[no-untyped-def]
            return [Package(greedy_ask, 12.0, 0.0), Package(modest, 4.0, 1.0)]

    def counter(refusals: bool) -> Action:
        turn = us_in_talks_with_japan()
        agent = Fixed(random.Random(0))
        if refusals:
            agent.seen.append(Seen("JP", turn.round, (Term("jp_farm", 1.0),), 2.0, False))
            refused = (Term("jp_investment", 400.0),)
            agent.seen.append(Seen("JP", turn.round, refused, 10.0, True, "refused"))
        return agent.act(turn)

    assert getattr(counter(refusals=True), "terms", None) == deal_terms(list(modest))
    assert getattr(counter(refusals=False), "terms", None) == deal_terms(list(greedy_ask))


def test_an_offer_accepted_but_not_ratified_counts_as_refused():
    """Japan (dove) accepts packages its win-set then refuses: the agent learns from the
    failed ratification (the old agent counted any deal, failed or not, as accepted)."""
    agent = SearchAgent(random.Random(2))
    game = play_match(RULES, 2, {"US": agent, "JP": "dove", "EU": "dove"})
    failed = [
        d
        for d in game.view("US").to_json()["deals"]
        if d["status"] == "failed" and "JP" in d["parties"]
    ]
    assert failed, "the scenario no longer shows a failed ratification on this seed"
    for d in failed:
        terms = deal_terms([Term(t["item"], float(t["level"])) for t in d["terms"]])
        assert agent.refused.get(("JP", terms), 0) >= 1, d
    assert all(s.outcome != "pending" or s.round == game.round for s in agent.seen if s.mine)


def test_no_escalation_against_a_partner_that_answered_in_kind():
    """A partner that escalated against the US right after the US escalated against it is
    marked a retaliator; from then on no order on the shortlist escalates against it (while
    orders escalating against the other partner still can be)."""
    from tradegame.agents.search import escalation_targets

    checked: list[int] = []

    class Checked(SearchAgent):
        def wide_shortlist(self, turn: Turn, size: int) -> list[Action]:
            out = super().wide_shortlist(turn, size)
            if self.retaliators:
                view = turn.view.to_json()
                against = [
                    a for a in turn.legal if escalation_targets(view, "US", a) & self.retaliators
                ]
                for action in out:
                    assert not escalation_targets(view, "US", action) & self.retaliators
                checked.append(len(against))
            return out

    agent = Checked(random.Random(0))
    play_match(RULES, 0, {"US": agent, "JP": "bargainer", "EU": "tit-for-tat"})
    assert agent.retaliators, "no partner answered the agent's escalation on this seed"
    assert all(r in agent.escalated for r in agent.retaliators)
    assert checked and max(checked) > 0  # escalating against them was legal, and left out


def test_escalation_targets():
    from tradegame.agents.search import escalation_targets
    from tradegame.engine import Game, SetTariff

    view = Game.new(RULES, 0).view("US").to_json()
    layers = {la["id"]: la for la in view["layers"]}
    jp = next(la for la in layers.values() if la["exporter"] == "JP" and la["status"] == "in_force")
    rate = jp["rate"]
    assert escalation_targets(view, "US", SetTariff("US", jp["id"], rate + 0.05)) == {"JP"}
    assert escalation_targets(view, "US", SetTariff("US", jp["id"], rate)) == set()
    assert escalation_targets(view, "US", Pass("US")) == set()


def test_anchored_packages_ask_no_further_than_the_partner_offered_plus_a_push():
    """Japan's own offer puts jp_lng at its lowest level and leaves jp_investment out: the
    anchored packages ask for jp_lng at that level or one or two beyond it (never more than
    the ladder asked), ask for no jp_investment, and keep the US's gives."""
    from tradegame.agents.search import ANCHOR_PUSHES, SearchAgent, Seen

    turn = us_in_talks_with_japan()
    agent = SearchAgent(random.Random(0))
    ladder = GreedyLadder(random.Random(0)).packages(turn, turn.talks)  # type: ignore[arg-type]
    _, theirs = pair_catalogue(turn.view.to_json(), "US", "JP")
    lng = next(it for it in theirs if it.id == "jp_lng")
    agent.seen.append(Seen("JP", turn.round, (Term("jp_lng", lng.levels[0]),), 1.0, False))
    packages = agent.packages(turn, turn.talks)  # type: ignore[arg-type]
    anchored = [p for p in packages if p.terms not in {q.terms for q in ladder}]
    assert anchored, "no anchored package"
    allowed = {lng.levels[min(i, len(lng.levels) - 1)] for i in ANCHOR_PUSHES}
    for p in anchored:
        asks = [t for t in p.terms if t.item.startswith("jp_")]
        assert all(t.item == "jp_lng" and t.value in allowed for t in asks), p.terms
    # without an offer from Japan, only the ladder
    assert SearchAgent(random.Random(0)).packages(turn, turn.talks) == ladder  # type: ignore[arg-type]


class GreedyLadder(SearchAgent):
    """The search agent's ladder alone (what the anchored packages are made from)."""

    def offered_levels(self, partner: str) -> dict[str, set[float]]:
        return {}
