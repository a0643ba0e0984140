"""The PettingZoo environment: PettingZoo's own API and seed tests, determinism, rewards, and
a differential test that an observation holds nothing of another player's private data."""

from __future__ import annotations

import dataclasses
import random
import re

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
            assert obs_a.observe(ga.view(p)) == obs_b.observe(gb.view(p))
        us_differs |= obs_a.observe(ga.view("US")) != obs_b.observe(gb.view("US"))
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


# -- the opt-in text observation (language-model policies) ---------------------------------


def test_pettingzoo_api_test_passes_with_the_text_observation():
    api_test(make_env(text_observation=True), num_cycles=100)


def test_the_text_observation_is_the_view_and_the_legal_moves():
    env = make_env(text_observation=True)
    env.reset(seed=3)
    agent = env.agent_selection
    obs = env.observe(agent)
    view = str(env.game.view(agent))
    assert obs["text"].startswith(view + "\n")
    ids = [int(i) for i in np.flatnonzero(obs["action_mask"])]
    listed = [line for line in obs["text"].splitlines() if re.match(r"\d+: ", line)]
    assert [int(line.split(":")[0]) for line in listed] == ids
    assert f"0: {agent} pass" in listed  # id 0 is pass
    assert env.observation_space(agent).contains(obs)
    # Off by default: the observation dict is the vector and the mask only.
    assert set(make_env().observation_space(agent).spaces) == {"observation", "action_mask"}


def _texts(env, players):
    draft = env.draft
    return {p: env.observe_text(p, draft if p == env.agent_selection else ()) for p in players}


@pytest.mark.parametrize("seed", range(3))
def test_the_text_observation_holds_no_private_data_of_another_player(seed):
    """The US's objectives changed: JP's and EU's text observations are identical on every
    state of a game until its end (whose debrief shows every score); the US's differ (the
    negative control)."""
    a, b = make_env(text_observation=True), make_env(text_observation=True)
    b.rules = _with_other_objectives(RULES, "US")
    b.codec, b.observer = ActionCodec(b.rules), Observer(ActionCodec(b.rules))
    a.reset(seed=seed)
    b.reset(seed=seed)
    b.game = Game.new(b.rules, a.game.seed)
    rng = np.random.default_rng(seed)
    us_differs = False
    for _agent in a.agent_iter():
        obs, _, term, trunc, _ = a.last()
        if not a.game.is_over():
            ta, tb = _texts(a, ("JP", "EU", "US")), _texts(b, ("JP", "EU", "US"))
            assert ta["JP"] == tb["JP"] and ta["EU"] == tb["EU"]
            us_differs |= ta["US"] != tb["US"]
        action = None if term or trunc else int(rng.choice(np.flatnonzero(obs["action_mask"])))
        a.step(action)
        b.step(action)
    assert us_differs


def test_send_message_reaches_the_partner_only_and_keeps_the_turn():
    env = make_env(text_observation=True)
    env.reset(seed=1)
    agent = env.agent_selection
    session = env.game.session
    assert session is not None and agent in session.pair
    partner = session.responder if agent == session.requester else session.requester
    (third,) = set(env.possible_agents) - set(session.pair)
    before = {p: env.observe_text(p) for p in env.possible_agents}
    message = env.send_message("Autos first,\n then   LNG \x1b[2J")
    assert message.text == "Autos first, then LNG \\x1b[2J"
    assert env.agent_selection == agent and env.game.to_move() == agent
    line = f"{agent} to {partner}: {message.text}"
    assert line in env.observe_text(partner) and line in env.observe_text(agent)
    assert env.observe_text(third) == before[third]
    with pytest.raises(Exception, match="one message before each move"):
        env.send_message("again")
    for wrong in (None, 5, b"bytes"):  # were AttributeErrors from deep inside
        with pytest.raises(TypeError, match="a message is text"):
            env.send_message(wrong)  # type: ignore[arg-type]
    # No id of the codec is a message: the action space stays fixed.
    assert not any("message" in env.codec.describe(i) for i in range(env.codec.n))


@pytest.mark.parametrize("seed", range(3))
def test_what_the_env_remembers_per_state_is_what_a_fresh_computation_gives(seed):
    """Views, vectors, masks and texts are made once per state and reused: at every step the
    observation equals one computed afresh from the view and the draft, and a policy writing
    into the arrays it was given changes nothing the environment hands out later."""
    env = make_env(text_observation=True)
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    fresh = Observer(ActionCodec(RULES))
    drafts = 0
    for agent in env.agent_iter():
        obs, _, term, trunc, _ = env.last()
        if term or trunc:
            env.step(None)
            continue
        draft = env.draft
        drafts += bool(draft)
        view = env.game.view(agent)
        assert obs["observation"].tolist() == np.float32(fresh.observe(view, draft)).tolist()
        assert obs["action_mask"].tolist() == env.codec.mask(env.game, agent, draft)
        assert obs["text"] == env.observe_text(agent, draft)
        assert obs["text"].startswith(str(view) + "\n")
        for p in env.possible_agents:  # the others see their own view, with no draft
            if p != agent:
                assert env.observe(p)["observation"].tolist() == (
                    np.float32(fresh.observe(env.game.view(p))).tolist()
                )
        obs["observation"][:] = 7.0
        obs["action_mask"][:] = 1
        again = env.observe(agent)
        assert not (again["observation"] == 7.0).all() and 0 in again["action_mask"]
        env.step(int(rng.choice(np.flatnonzero(again["action_mask"]))))
    assert drafts


def test_a_seed_that_is_not_a_whole_number_is_refused():
    """reset(seed="x") or reset(seed=1.5) made that the game's seed as it was."""
    env = make_env()
    for wrong in ("x", 1.5, True, None.__class__):
        with pytest.raises(TypeError, match="seed must be a whole number"):
            env.reset(seed=wrong)  # type: ignore[arg-type]
    env.reset(seed=np.int64(7))
    assert env.game.seed == 7 and type(env.game.seed) is int
