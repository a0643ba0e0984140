"""The probe agents of the balance benchmark: legal games, and each does what it claims."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tradegame.agents.base import AgentSpecError, agent_rng, make_agent, play_match, runs_code
from tradegame.agents.probes import HOLD_OUT_ROUNDS, WithStatements
from tradegame.engine import (
    Accept,
    Concede,
    Counter,
    Countermeasure,
    Propose,
    Rules,
    SetTariff,
    Statement,
)
from tradegame.scenario import load_rules


@pytest.fixture(scope="module")
def april() -> Rules:
    return load_rules("april-2025")


def inert(rules: Rules) -> Rules:
    """The same scenario with statements that change nothing."""
    st = rules.politics.statements
    zero = {f.name: 0 for f in dataclasses.fields(st) if f.name != "claim_progress_rounds"}
    politics = dataclasses.replace(rules.politics, statements=dataclasses.replace(st, **zero))
    # no public claims either: a fact-check (once per claim) would change the legal moves
    return dataclasses.replace(rules, politics=politics, claims=())


def test_statements_never_deals_nor_orders_anything_but_statements(april: Rules) -> None:
    for seed in (1, 2):
        incidents: list[str] = []
        seats = {"US": "tit-for-tat", "JP": "statements", "EU": "dove"}
        game = play_match(april, seed, seats, incidents=incidents)
        assert game.is_over() and incidents == []
        mine = [a for a in game.actions if a.player == "JP"]
        assert not any(
            isinstance(a, (Accept, Propose, Counter, SetTariff, Countermeasure, Concede))
            for a in mine
        )
        said = [a for a in mine if isinstance(a, Statement)]
        assert len(said) >= game.round  # it talks every round
        assert {a.statement for a in said} <= {
            "claim_progress",
            "reassure",
            "public_demand",
            "fact_check",
        }
        assert not any("JP" in d.parties for d in game.deals_in_force())


def test_statements_fill_the_free_order_slots(april: Rules) -> None:
    per_round: dict[int, int] = {}

    def count(game, action) -> None:  # type: ignore[no-untyped-def]
        if isinstance(action, Statement) and action.player == "JP":
            per_round[game.round] = per_round.get(game.round, 0) + 1

    play_match(april, 3, {"JP": "statements"}, on_action=count)
    assert max(per_round.values()) == april.limits.max_orders


def test_the_wrapper_keeps_the_wrapped_agents_moves(april: Rules) -> None:
    # With statements that change nothing, greedy+statements plays greedy's game exactly,
    # plus its statements: the wrapper only ever adds statements after greedy's own orders.
    rules = inert(april)
    for seed in (4, 5):
        plain = play_match(rules, seed, {"US": "tit-for-tat", "JP": "greedy", "EU": "boulware"})
        wrapped = play_match(
            rules, seed, {"US": "tit-for-tat", "JP": "greedy+statements", "EU": "boulware"}
        )
        # plain's moves are a subsequence of wrapped's; every extra move is a JP statement
        extra, i = [], 0
        for a in wrapped.actions:
            if i < len(plain.actions) and a == plain.actions[i]:
                i += 1
            else:
                extra.append(a)
        assert i == len(plain.actions)
        assert extra and all(isinstance(a, Statement) and a.player == "JP" for a in extra)
        assert [(d.parties, d.terms, d.round) for d in wrapped.deals_in_force()] == [
            (d.parties, d.terms, d.round) for d in plain.deals_in_force()
        ]


def test_wrapped_specs_are_built_and_named() -> None:
    agent = make_agent("greedy+statements", random.Random(0))
    assert isinstance(agent, WithStatements) and agent.name == "greedy+statements"
    assert agent.description.startswith("probe:")
    assert not runs_code("greedy+statements")
    assert runs_code("mypkg.bots:Bot+statements") and runs_code("llm+statements")
    with pytest.raises(AgentSpecError, match="unknown agent 'nosuch'"):
        make_agent("nosuch+statements", random.Random(0))
    # the wrapped agent draws from the stream it would have alone
    assert agent_rng(7, "JP", "greedy+statements").random() == agent_rng(7, "JP", "greedy").random()


def _deal_rounds(game, player: str) -> list[int]:  # type: ignore[no-untyped-def]
    kinds = {it.id: it.kind for it in game.rules.items}
    return [
        d.round
        for d in game.deals_in_force()
        if player in d.parties
        and not d.unilateral
        and any(kinds[t.item] != "process" for t in d.terms)
    ]


def test_settle_early_settles_early_and_hold_out_waits(april: Rules) -> None:
    early_rounds, late_rounds = [], []
    for seed in (1, 2, 3):
        early = play_match(april, seed, {"US": "dove", "JP": "settle-early", "EU": "dove"})
        late = play_match(april, seed, {"US": "dove", "JP": "hold-out", "EU": "dove"})
        early_rounds += _deal_rounds(early, "JP")
        late_rounds += _deal_rounds(late, "JP")
        holding_until = late.rounds_total() - HOLD_OUT_ROUNDS
        jp = [a for a in late.actions if a.player == "JP"]
        assert not any(isinstance(a, (Accept, Propose, Counter)) for a in jp[: len(jp) // 2])
        assert all(r > holding_until for r in _deal_rounds(late, "JP"))
    # A deal with the US in the first rounds on most seeds (with the shared calibration of
    # issue 19, seed 1's first acceptable package comes in round 8) ...
    assert early_rounds and sum(r <= 3 for r in early_rounds) >= 2
    assert late_rounds  # ... and hold-out does bargain at the end
