"""The OpenSpiel registration: OpenSpiel's own random simulation test, the seed as the first
chance node, utilities as surpluses, and observations from the player's own view only."""

from __future__ import annotations

import copy
import dataclasses
import random

import pytest

pyspiel = pytest.importorskip("pyspiel")
np = pytest.importorskip("numpy")

import tradegame.rl.openspiel  # noqa: E402, F401  (registers python_tradegame)
from tradegame.engine import Game  # noqa: E402
from tradegame.scenario import load_rules  # noqa: E402


@pytest.mark.parametrize(
    ("params", "sims"), [({"scenario": "us-japan-primer", "seeds": 10}, 5), ({}, 1)]
)
def test_openspiel_random_sim_test_passes(params, sims):
    game = pyspiel.load_game("python_tradegame", params)
    pyspiel.random_sim_test(game, num_sims=sims, serialize=False, verbose=False)


def random_playout(game, seed: int):
    rng = random.Random(seed)
    state = game.new_initial_state()
    while not state.is_terminal():
        if state.is_chance_node():
            outcomes = state.chance_outcomes()
            assert len(outcomes) == game.max_chance_outcomes()
            assert sum(p for _, p in outcomes) == pytest.approx(1.0)
            state.apply_action(outcomes[seed % len(outcomes)][0])
        else:
            state.apply_action(rng.choice(state.legal_actions()))
    return state


def test_the_chance_node_draws_the_engine_seed_and_returns_are_surpluses():
    game = pyspiel.load_game("python_tradegame", {"scenario": "us-japan-primer", "seeds": 7})
    state = random_playout(game, 5)
    engine_game = state.game
    assert engine_game.seed == 5
    rules = load_rules("us-japan-primer")
    scores, batna = engine_game.scores(), engine_game.batna()
    assert state.returns() == pytest.approx([scores[p] - batna[p] for p in rules.player_ids])
    assert len(state.history()) <= game.max_game_length()
    # the same ids replayed give the same game
    again = random_playout(game, 5)
    assert again.history() == state.history()


def test_a_clone_is_independent():
    game = pyspiel.load_game("python_tradegame", {"scenario": "us-japan-primer"})
    state = game.new_initial_state()
    state.apply_action(3)
    clone = state.clone()
    clone.apply_action(clone.legal_actions()[0])
    assert len(clone.history()) == len(state.history()) + 1
    assert len(state.game.actions) == 0 or len(clone.game.actions) >= len(state.game.actions)
    assert copy.deepcopy(state.game).actions == state.game.actions


def test_observations_hold_nothing_of_another_players_private_data():
    """Two scenarios that differ only in the US's private objectives: Japan's observation
    tensor and string are the same in every state of the same playout."""
    rules = load_rules("april-2025")
    us = rules.player("US")
    changed = dataclasses.replace(
        us, objectives=tuple(dataclasses.replace(o, weight=o.weight * 0.5) for o in us.objectives)
    )
    other = dataclasses.replace(
        rules, players=tuple(changed if p.id == "US" else p for p in rules.players)
    )
    observations = []
    for r in (rules, other):
        game = Game.new(r, 9)
        rng = random.Random(2)
        seen = []
        for _ in range(150):
            if game.is_over():
                break
            view = game.view("JP")
            seen.append(str(view))
            mover = game.to_move()
            game.apply(game.legal_actions(mover).sample(rng))
        observations.append(seen)
    assert observations[0] == observations[1]
    # and the registered observer reads exactly that view
    spiel = pyspiel.load_game("python_tradegame")
    state = spiel.new_initial_state()
    state.apply_action(9)
    jp = load_rules("april-2025").player_ids.index("JP")
    assert state.observation_string(jp) == str(state.game.view("JP"))
    tensor = np.asarray(state.observation_tensor(jp))
    assert tensor.shape == (spiel.observation_tensor_size(),)


@pytest.mark.parametrize("seeds", [0, 2**31 - 1])
def test_a_number_of_seeds_the_chance_node_cannot_list_is_refused_at_load(seeds):
    """seeds=2**31-1 was accepted, and the first node's chance_outcomes() listed two billion
    outcomes (13 GB, over a minute); now load_game refuses it with the bound."""
    with pytest.raises(Exception, match=r"seeds must be from 1 to 100,000"):
        pyspiel.load_game("python_tradegame", {"scenario": "us-japan-primer", "seeds": seeds})
