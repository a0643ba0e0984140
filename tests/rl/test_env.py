"""The PettingZoo environment: PettingZoo's own API and seed tests, determinism, rewards, and
a differential test that an observation holds nothing of another player's private data."""

from __future__ import annotations

import dataclasses
import random

import pytest

from tradegame.engine import Game
from tradegame.rl.codec import ActionCodec
from tradegame.rl.observation import Observer
from tradegame.scenario import load_rules

pytest.importorskip("pettingzoo")
np = pytest.importorskip("numpy")

from pettingzoo.test import api_test, seed_test  # noqa: E402

from tradegame.rl import env as make_env  # noqa: E402

RULES = load_rules("april-2025")


def play(env, seed: int, picks: int) -> list:
    """A whole game with random legal ids; the (agent, action) trace and final rewards."""
    env.reset(seed=seed)
    rng = np.random.default_rng(picks)
    trace = []
    for agent in env.agent_iter():
        obs, _, term, trunc, _ = env.last()
        action = None if term or trunc else int(rng.choice(np.flatnonzero(obs["action_mask"])))
        trace.append((agent, action, obs["observation"].tobytes()))
        env.step(action)
    return trace


def test_pettingzoo_api_test_passes():
    api_test(make_env(render_mode="ansi"), num_cycles=300)


def test_pettingzoo_seed_test_passes():
    seed_test(make_env, num_cycles=200)


def test_same_seed_same_game_and_rewards_are_surpluses():
    a, b = make_env(), make_env()
    assert play(a, 5, 1) == play(b, 5, 1)
    game = a.game
    assert game.is_over()
    scores, batna = game.scores(), game.batna()
    assert a.agents == []
    # the rewards summed over the game are each player's surplus
    c = make_env()
    c.reset(seed=5)
    total = dict.fromkeys(c.possible_agents, 0.0)
    rng = np.random.default_rng(1)
    for agent in c.agent_iter():
        obs, reward, term, trunc, _ = c.last()
        total[agent] += reward
        c.step(None if term or trunc else int(rng.choice(np.flatnonzero(obs["action_mask"]))))
    assert total == pytest.approx({p: scores[p] - batna[p] for p in scores})


def test_an_illegal_id_is_refused():
    env = make_env()
    env.reset(seed=1)
    obs = env.observe(env.agent_selection)
    illegal = int(np.flatnonzero(obs["action_mask"] == 0)[0])
    with pytest.raises(ValueError, match="not legal"):
        env.step(illegal)


def test_render_is_the_acting_players_text_view():
    env = make_env(render_mode="ansi")
    env.reset(seed=2)
    assert env.render() == str(env.game.view(env.agent_selection))


def _with_other_objectives(rules, player):
    """``rules`` with ``player``'s objectives (private to them) changed."""
    changed = []
    for p in rules.players:
        if p.id == player:
            objs = tuple(
                dataclasses.replace(o, weight=o.weight * 0.5 + 0.1, best=o.worst, worst=o.best)
                for o in p.objectives
            )
            p = dataclasses.replace(p, objectives=objs)
        changed.append(p)
    return dataclasses.replace(rules, players=tuple(changed))


@pytest.mark.parametrize("seed", range(6))
def test_observation_holds_no_private_data_of_another_player(seed):
    """Change the US's private objectives: the same game gives JP and EU the same observations
    on every state, and the US a different one (so the test can see a change)."""
    other = _with_other_objectives(RULES, "US")
    obs_a, obs_b = Observer(ActionCodec(RULES)), Observer(ActionCodec(other))
    ga, gb = Game.new(RULES, seed), Game.new(other, seed)
    rng = random.Random(seed)
    us_differs = False
    while not ga.is_over():
        for p in ("JP", "EU"):
            assert obs_a.observe(ga.view(p).to_json()) == obs_b.observe(gb.view(p).to_json())
        us_differs |= obs_a.observe(ga.view("US").to_json()) != obs_b.observe(
            gb.view("US").to_json()
        )
        action = ga.legal_actions().sample(rng)
        ga.apply(action)
        gb.apply(action)
    assert us_differs


def test_the_documented_example_runs_a_whole_game():
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "bots-and-tournaments.md"
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)
    (example,) = [b for b in blocks if b.startswith("# rl_example.py")]
    scope: dict = {}
    exec(compile(example, "rl_example.py", "exec"), scope)
    assert scope["e"].game.is_over() and scope["e"].agents == []


def test_without_pettingzoo_the_env_says_which_extra_to_install(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "pettingzoo", None)  # an import of it now fails
    monkeypatch.delitem(sys.modules, "tradegame.rl.aec", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'tradegame\[rl\]'"):
        make_env()
    # the codec needs nothing
    importlib.import_module("tradegame.rl.codec")
