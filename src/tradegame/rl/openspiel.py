"""tradegame as an OpenSpiel Python game (needs ``open_spiel``: ``pip install open_spiel``).

Importing this module registers ``python_tradegame``::

    import pyspiel
    import tradegame.rl.openspiel  # noqa: F401  (registers the game)

    game = pyspiel.load_game("python_tradegame", {"scenario": "april-2025"})

The first node is chance: it draws the engine's seed, uniformly from ``0 .. seeds - 1`` (the
``seeds`` parameter, 1000 by default), so the scenario's news and shocks are chance, as OpenSpiel
expects, and (scenario, seed, actions) decide the game as everywhere in tradegame. Player ``i``
is the scenario's ``i``-th player. Actions are the fixed ids of :mod:`tradegame.rl.codec` (a
deal is built term by term, then sent). Utilities are each player's surplus (score minus
BATNA) at the end, general-sum. Observations (string and tensor) come from the player's own
view only; there is no information-state (perfect recall) tensor.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

try:
    import numpy as np
    import pyspiel  # type: ignore[import-not-found, unused-ignore]  # no stubs
except ImportError as exc:  # pragma: no cover - exercised only without open_spiel
    raise ImportError(
        f"tradegame.rl.openspiel needs open_spiel: pip install open_spiel (missing: {exc.name})"
    ) from exc

from tradegame.engine import SPECTATOR, Game, Term
from tradegame.rl.codec import ActionCodec, Draft
from tradegame.rl.observation import Observer
from tradegame.scenario import load_rules

SHORT_NAME = "python_tradegame"
DEFAULT_PARAMS: dict[str, Any] = {"scenario": "april-2025", "seeds": 1000}
#: The most seeds the chance node may draw from: OpenSpiel asks for the whole list of chance
#: outcomes, so seeds=2**31-1 took 13 GB and over a minute at the first node.
MAX_SEEDS = 100_000
MAX_SURPLUS = 100.0  # scores are 0-100, so a surplus lies in -100..100

GAME_TYPE = pyspiel.GameType(
    short_name=SHORT_NAME,
    long_name="tradegame: the 2025 US tariff pause",
    dynamics=pyspiel.GameType.Dynamics.SEQUENTIAL,
    chance_mode=pyspiel.GameType.ChanceMode.EXPLICIT_STOCHASTIC,
    information=pyspiel.GameType.Information.IMPERFECT_INFORMATION,
    utility=pyspiel.GameType.Utility.GENERAL_SUM,
    reward_model=pyspiel.GameType.RewardModel.TERMINAL,
    max_num_players=20,
    min_num_players=2,
    provides_information_state_string=False,
    provides_information_state_tensor=False,
    provides_observation_string=True,
    provides_observation_tensor=True,
    provides_factored_observation_string=False,
    parameter_specification=DEFAULT_PARAMS,
)


@dataclass(frozen=True)
class Setup:
    """What a scenario's games share: its rules, codec and observation layout (immutable)."""

    rules: Any
    codec: ActionCodec
    layout: Observer
    seeds: int

    def __deepcopy__(self, memo: dict[int, Any]) -> Setup:
        return self  # shared by every state and clone, never changed


@functools.lru_cache(maxsize=8)
def setup_of(scenario: str, seeds: int) -> Setup:
    # OpenSpiel rebuilds games from their parameters (unpickling skips __init__), so states
    # find the scenario through its parameters, not through attributes of the game object.
    if not 1 <= seeds <= MAX_SEEDS:
        raise ValueError(
            f"seeds must be from 1 to {MAX_SEEDS:,}, got {seeds} (the chance node lists every "
            f"seed as an outcome)"
        )
    rules = load_rules(scenario)
    codec = ActionCodec(rules)
    return Setup(rules, codec, Observer(codec), seeds)


def _setup(spiel_game: Any) -> Setup:
    params = {**DEFAULT_PARAMS, **spiel_game.get_parameters()}
    return setup_of(str(params["scenario"]), int(params["seeds"]))


class TradeGame(pyspiel.Game):
    """A tradegame scenario; states and observers are made from it."""

    def __init__(self, params: dict[str, Any] | None = None) -> None:
        params = {**DEFAULT_PARAMS, **(params or {})}
        setup = setup_of(str(params["scenario"]), int(params["seeds"]))
        super().__init__(
            GAME_TYPE,
            pyspiel.GameInfo(
                num_distinct_actions=setup.codec.n,
                max_chance_outcomes=setup.seeds,
                num_players=len(setup.rules.player_ids),
                min_utility=-MAX_SURPLUS,
                max_utility=MAX_SURPLUS,
                utility_sum=None,
                max_game_length=setup.codec.max_steps(),
            ),
            params,
        )

    def new_initial_state(self) -> TradeGameState:
        return TradeGameState(self)

    def make_py_observer(
        self, iig_obs_type: Any = None, params: dict[str, Any] | None = None
    ) -> TradeGameObserver:
        if params:
            raise ValueError(f"observation parameters are not supported: {sorted(params)}")
        return TradeGameObserver(_setup(self))


class TradeGameState(pyspiel.State):
    """A game in progress: before the chance node, ``game`` is None."""

    def __init__(self, spiel_game: TradeGame) -> None:
        super().__init__(spiel_game)
        self.setup = _setup(spiel_game)
        self.game: Game | None = None
        self.draft: Draft = ()

    # -- whose move

    def current_player(self) -> int:
        if self.game is None:
            return int(pyspiel.PlayerId.CHANCE)
        mover = self.game.to_move()
        if mover is None:
            return int(pyspiel.PlayerId.TERMINAL)
        return self.setup.rules.player_ids.index(mover)

    def is_terminal(self) -> bool:
        return self.game is not None and self.game.is_over()

    def chance_outcomes(self) -> list[tuple[int, float]]:
        n = self.setup.seeds
        return [(k, 1.0 / n) for k in range(n)]

    def _legal_actions(self, player: int) -> list[int]:
        assert self.game is not None
        pid = self.setup.rules.player_ids[player]
        return self.setup.codec.legal_ids(self.game, pid, self.draft)

    # -- moves

    def _apply_action(self, action: int) -> None:
        if self.game is None:
            self.game = Game.new(self.setup.rules, int(action))
            return
        mover = self.game.to_move()
        assert mover is not None
        move = self.setup.codec.decode(self.game, mover, self.draft, int(action))
        if isinstance(move, Term):
            self.draft = (*self.draft, move)
        else:
            self.game.apply(move)
            self.draft = ()

    def _action_to_string(self, player: int, action: int) -> str:
        if player == pyspiel.PlayerId.CHANCE:
            return f"seed {action}"
        return self.setup.codec.describe(int(action))

    def returns(self) -> list[float]:
        if not self.is_terminal():
            return [0.0] * len(self.setup.rules.player_ids)
        assert self.game is not None
        scores, batna = self.game.scores(), self.game.batna()
        return [scores[p] - batna[p] for p in self.setup.rules.player_ids]

    def __str__(self) -> str:
        if self.game is None:
            return "before the seed is drawn"
        return str(self.game.view(SPECTATOR))


class TradeGameObserver:
    """What one player sees: the vector of :class:`tradegame.rl.observation.Observer` (the
    player's own view and draft) as ``tensor``, and the view's text as the string."""

    def __init__(self, setup: Setup) -> None:
        self.layout = setup.layout
        self.rules = setup.rules
        self.tensor = np.zeros(self.layout.size, np.float32)
        self.dict = {"observation": self.tensor}

    def set_from(self, state: TradeGameState, player: int) -> None:
        if state.game is None:
            self.tensor.fill(0.0)
            return
        pid = self.rules.player_ids[player]
        draft = state.draft if state.game.to_move() == pid else ()
        self.tensor[:] = self.layout.observe(state.game.glance(pid), draft)

    def string_from(self, state: TradeGameState, player: int) -> str:
        if state.game is None:
            return "before the seed is drawn"
        return str(state.game.view(self.rules.player_ids[player]))


pyspiel.register_game(GAME_TYPE, TradeGame)
