"""A one-seat Gymnasium environment (needs the ``rl`` extra): one player learns, tradegame agents
play the other seats.

The action space is the codec's flat ``Discrete(n)`` (:mod:`tradegame.rl.codec`), with
:meth:`SeatEnv.action_masks` for masked policies (sb3-contrib's ``MaskablePPO`` calls it); the
observation is the learner's vector from its own view (:mod:`tradegame.rl.observation`). A deal
is built over several steps as in the PettingZoo environment: "add term" ids, then ``send``.
The reward is 0 until the game ends, then the learner's surplus (score minus BATNA). An id that
is not legal now (an unmasked sampler's) plays the passive move, as a failing agent's move does,
and ``info["illegal"]`` says so.

The other seats' agents are built-in names or agent objects given by the program that builds
the environment; a failing agent's move becomes a pass, as in a tournament, and is listed in
``info["incidents"]``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

try:
    import gymnasium
    import numpy as np
    from gymnasium import spaces
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        f"tradegame.rl needs the rl extra: pip install 'tradegame[rl]' (missing: {exc.name})"
    ) from exc

from tradegame.agents.base import (
    Agent,
    agent_rng,
    close_agents,
    make_agent,
    passive_move,
    record_incident,
    safe_move,
)
from tradegame.engine import Game, Rules, Term
from tradegame.rl.codec import ActionCodec, Draft
from tradegame.rl.observation import Observer
from tradegame.scenario import load_rules

DEFAULT_OPPONENT = "greedy"


class SeatEnv(gymnasium.Env[Any, np.int64]):
    """One seat of a tradegame scenario as a Gymnasium environment."""

    metadata = {"render_modes": ["ansi"]}

    def __init__(
        self,
        scenario: str = "april-2025",
        seat: str | None = None,
        opponents: str | Mapping[str, str | Agent] = DEFAULT_OPPONENT,
        *,
        rules: Rules | None = None,
        render_mode: str | None = None,
        time_limit: float | None = None,
        startup_limit: float | None = None,
    ) -> None:
        """``seat`` is the learner's player id (the scenario's first player if omitted);
        ``opponents`` one agent name for every other seat, or a mapping of seat to agent name or
        agent object (seats left out play ``greedy``). ``time_limit`` is each opponent's limit
        per move in seconds, as ``tradegame match --time-limit`` (``startup_limit`` its
        ``--startup-limit``); without it a ``cmd:`` bot has 5 s and any other agent none."""
        if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
            raise ValueError(f"time_limit must be a positive number of seconds, not {time_limit!r}")
        self.time_limit = time_limit
        self.startup_limit = startup_limit
        self.rules = rules if rules is not None else load_rules(scenario)
        players = self.rules.player_ids
        self.seat = seat if seat is not None else players[0]
        if self.seat not in players:
            raise ValueError(f"unknown seat {self.seat!r}; players: {', '.join(players)}")
        others = [p for p in players if p != self.seat]
        if isinstance(opponents, str):
            self.opponents: dict[str, str | Agent] = dict.fromkeys(others, opponents)
        else:
            unknown = sorted(set(opponents) - set(others))
            if unknown:
                raise ValueError(f"opponents for seats that are not others' seats: {unknown}")
            self.opponents = {p: opponents.get(p, DEFAULT_OPPONENT) for p in others}
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode {render_mode!r}: only 'ansi' is supported")
        self.render_mode = render_mode
        self.codec = ActionCodec(self.rules)
        self.observer = Observer(self.codec)
        self.action_space = spaces.Discrete(self.codec.n)
        self.observation_space = spaces.Box(-np.inf, np.inf, (self.observer.size,), np.float32)
        self.game = Game.new(self.rules, 0)
        self.draft: Draft = ()
        self.agents: dict[str, Agent] = {}
        self.incidents: list[str] = []
        self._legal: tuple[tuple[int, Draft], list[int]] | None = None
        # the learner's vector with an empty draft, for one state (game, actions played)
        self._vector: tuple[Game, int, np.ndarray[Any, Any]] | None = None

    # -- the Gymnasium API

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray[Any, Any], dict[str, Any]]:
        """A new game. Its seed comes from the environment's generator, which ``seed`` resets
        (so the same seed gives the same game and the same opponents' moves)."""
        super().reset(seed=seed)
        game_seed = int(self.np_random.integers(2**32))
        close_agents(self.agents)
        self.agents = {p: self._opponent(p, spec, game_seed) for p, spec in self.opponents.items()}
        self.game = Game.new(self.rules, game_seed)
        self.draft = ()
        self._legal = None
        self.incidents = []
        self._play_others()
        return self._observation(), self._info()

    def _opponent(self, player: str, spec: str | Agent, game_seed: int) -> Agent:
        """The agent for one game: built from its name, or the object given, each within the
        time limit when there is one (a fresh limit every game: an agent that overran in one
        game plays the next)."""
        limit, startup = self.time_limit, self.startup_limit
        if isinstance(spec, str):
            rng = agent_rng(game_seed, player, spec)
            return make_agent(spec, rng, allow_code=True, time_limit=limit, startup_limit=startup)
        if limit is None or getattr(spec, "keeps_time", False):
            return spec
        from tradegame.agents.timed import TimedAgent

        return TimedAgent(spec, limit, startup)

    def step(self, action: Any) -> tuple[np.ndarray[Any, Any], float, bool, bool, dict[str, Any]]:
        if self.game.is_over():
            raise RuntimeError("the game is over: call reset()")
        action_id = int(action)
        illegal = action_id not in self._legal_ids()
        move = (
            passive_move(self.game, self.seat)
            if illegal
            else self.codec.decode(self.game, self.seat, self.draft, action_id)
        )
        if isinstance(move, Term):
            self.draft = (*self.draft, move)
        else:
            self.game.apply(move)
            self.draft = ()
            self._play_others()
        reward = 0.0
        if self.game.is_over():
            reward = self.game.scores()[self.seat] - self.game.batna()[self.seat]
        info = self._info()
        info["illegal"] = illegal
        return self._observation(), reward, self.game.is_over(), False, info

    def action_masks(self) -> np.ndarray[Any, Any]:
        """The legal ids now, as a bool array of length ``n`` (all false once the game ends)."""
        mask = np.zeros(self.codec.n, dtype=bool)
        mask[self._legal_ids()] = True
        return mask

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        return str(self.game.view(self.seat))

    def close(self) -> None:
        close_agents(self.agents)
        self.agents = {}

    # -- inside

    def _play_others(self) -> None:
        """Let the other seats move until it is the learner's turn or the game is over."""
        while (player := self.game.to_move()) is not None and player != self.seat:
            move, error = safe_move(self.agents[player], self.game, player)
            if error is not None:
                record_incident(
                    self.incidents, self.game, player, "failed; its move becomes a pass", error
                )
            self.game.apply(move)

    def _legal_ids(self) -> list[int]:
        key = (len(self.game.actions), self.draft)
        if self._legal is None or self._legal[0] != key:
            self._legal = (key, self.codec.legal_ids(self.game, self.seat, self.draft))
        return self._legal[1]

    def _observation(self) -> np.ndarray[Any, Any]:
        game = self.game
        memo = self._vector
        if memo is None or memo[0] is not game or memo[1] != len(game.actions):
            vector = np.asarray(self.observer.vector(game.glance(self.seat)), dtype=np.float32)
            memo = self._vector = (game, len(game.actions), vector)
        out = memo[2].copy()  # a copy: the caller may write into it
        if self.draft:
            out[self.observer.draft_slots(self.draft)] = 1.0
        return out

    def _info(self) -> dict[str, Any]:
        return {"incidents": list(self.incidents), "draft": [str(t) for t in self.draft]}
