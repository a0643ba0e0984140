"""The one-seat Gymnasium environment: Gymnasium's own checker, seeding, masks, rewards, and
what it does with an id that is not legal."""

from __future__ import annotations

import warnings

import pytest

np = pytest.importorskip("numpy")
pytest.importorskip("gymnasium")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from tradegame.engine import Game  # noqa: E402
from tradegame.rl.seat import SeatEnv  # noqa: E402


def play(env: SeatEnv, seed: int, picks: int) -> tuple[list, float, dict]:
    obs, info = env.reset(seed=seed)
    rng = np.random.default_rng(picks)
    trace, reward, terminated = [obs.tobytes()], 0.0, False
    while not terminated:
        action = int(rng.choice(np.flatnonzero(env.action_masks())))
        obs, reward, terminated, truncated, info = env.step(action)
        assert not truncated
        trace.append((action, obs.tobytes()))
    return trace, reward, info


@pytest.mark.parametrize("seat", ["US", "JP", "EU"])
def test_gymnasium_check_env_passes(seat):
    with warnings.catch_warnings():
        # the observation Box is unbounded on purpose (trade balances, scores); the checker warns
        warnings.simplefilter("ignore", UserWarning)
        check_env(SeatEnv(seat=seat, render_mode="ansi"), skip_render_check=False)


def test_same_seed_same_game_and_the_reward_is_the_learners_surplus():
    a, b = SeatEnv(seat="JP"), SeatEnv(seat="JP")
    ta, ra, _ = play(a, 11, 3)
    tb, rb, _ = play(b, 11, 3)
    assert ta == tb and ra == rb
    game = a.game
    assert game.is_over()
    assert ra == pytest.approx(game.scores()["JP"] - game.batna()["JP"])
    # the game is the engine's: replaying its actions from its seed gives the same scores
    again = Game.new(a.rules, game.seed)
    for action in game.actions:
        again.apply(action)
    assert again.scores() == game.scores()


def test_the_mask_is_the_learners_legal_ids_and_only_its_turns_are_seen():
    env = SeatEnv(seat="EU", opponents={"US": "hawk", "JP": "dove"})
    env.reset(seed=4)
    rng = np.random.default_rng(0)
    for _ in range(60):
        if env.game.is_over():
            break
        assert env.game.to_move() == "EU"  # opponents moved until the learner's turn
        mask = env.action_masks()
        assert mask.dtype == bool and mask.shape == (env.codec.n,)
        assert list(np.flatnonzero(mask)) == env.codec.legal_ids(env.game, "EU", env.draft)
        env.step(int(rng.choice(np.flatnonzero(mask))))


def test_an_illegal_id_plays_the_passive_move_and_says_so():
    env = SeatEnv(seat="US", opponents="passive")
    env.reset(seed=2)
    before = len(env.game.actions)
    illegal = int(np.flatnonzero(~env.action_masks())[0])
    _, _, _, _, info = env.step(illegal)
    assert info["illegal"] is True
    assert len(env.game.actions) > before
    assert env.game.actions[before].player == "US"
    assert type(env.game.actions[before]).__name__ in {"Pass", "Reject", "Done"}


def test_a_failing_opponent_becomes_an_incident_not_a_crash():
    class Broken:
        def act(self, turn):
            raise RuntimeError("boom")

    env = SeatEnv(seat="JP", opponents={"US": Broken(), "EU": "passive"})
    _, _, info = play(env, 1, 1)
    assert any("US's agent failed" in line and "boom" in line for line in info["incidents"])


@pytest.mark.parametrize("given", ["object", "spec"])
def test_an_opponent_that_never_answers_is_cut_off_by_the_time_limit(given, tmp_path):
    """A hanging Python opponent hung reset() for good: the one-seat environment had no time
    limit for its opponents (issue 16: "a time limit for in-process agents too")."""
    source = "import time\nclass Bot:\n    def act(self, turn):\n        time.sleep(3600)\n"
    (tmp_path / "sleeper.py").write_text(source)
    namespace: dict = {}
    exec(source, namespace)
    opponent = namespace["Bot"]() if given == "object" else f"{tmp_path / 'sleeper.py'}:Bot"
    env = SeatEnv(seat="JP", opponents={"US": opponent, "EU": "passive"}, time_limit=0.2)
    _, _, info = play(env, 1, 1)  # before the fix the US's first move never returned
    assert any("US's agent failed" in line and "AgentOverrun" in line for line in info["incidents"])
    _, _, info = play(env, 2, 1)  # a fresh game: the opponent is called (and cut off) again
    assert any("AgentOverrun" in line for line in info["incidents"])
    with pytest.raises(ValueError, match="time_limit"):
        SeatEnv(seat="JP", time_limit=float("nan"))


def test_bad_arguments_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="unknown seat 'XX'"):
        SeatEnv(seat="XX")
    with pytest.raises(ValueError, match="not others' seats"):
        SeatEnv(seat="JP", opponents={"JP": "greedy"})
    with pytest.raises(ValueError, match="render_mode"):
        SeatEnv(render_mode="human")


def test_each_observation_is_the_learners_view_and_draft_made_afresh():
    """The vector of a state is made once and copied: every step's observation equals one
    computed from the learner's view and draft, drafts included, and writing into a returned
    array changes nothing later."""
    from tradegame.rl.observation import Observer

    env = SeatEnv(seat="JP", opponents="random")
    obs, _ = env.reset(seed=6)
    fresh = Observer(env.codec)
    rng = np.random.default_rng(6)
    drafts = 0
    terminated = False
    while not terminated:
        expected = np.float32(fresh.observe(env.game.view("JP"), env.draft))
        assert obs.tolist() == expected.tolist()
        drafts += bool(env.draft)
        obs[:] = 9.0
        action = int(rng.choice(np.flatnonzero(env.action_masks())))
        obs, _, terminated, _, _ = env.step(action)
        assert not (obs == 9.0).all()
    assert drafts
