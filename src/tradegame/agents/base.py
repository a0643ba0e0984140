"""The agent protocol and the match loop.

An agent gets a :class:`Turn` — its own player id, its view (built on first use), its legal
actions and a ``what_if`` projection — and returns one legal action. It never sees the game
itself, so it cannot read another player's private data.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import sys
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from tradegame.engine import Action, Game, Rules
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.legal import LegalActions
from tradegame.engine.scoring import Projection
from tradegame.engine.view import View


class Turn:
    """What an agent may know and do when it is its move."""

    def __init__(self, game: Game, player: str) -> None:
        self._game = game
        self.player = player
        self.legal: LegalActions = game.legal_actions(player)

    @cached_property
    def view(self) -> View:
        return self._game.view(self.player)

    @property
    def round(self) -> int:
        return self._game.round

    @property
    def phase(self) -> str:
        return self._game.phase

    def what_if(self, actions: list[Action] | tuple[Action, ...] = ()) -> Projection:
        return self._game.what_if(self.player, actions)


@runtime_checkable
class Agent(Protocol):
    """Chooses one action per turn. ``start`` and ``end`` are optional hooks."""

    name: str
    description: str

    def act(self, turn: Turn) -> Action: ...


AgentFactory = Callable[[random.Random], Agent]
_REGISTRY: dict[str, AgentFactory] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: make an agent class available by ``name`` on the command line."""

    def wrap(cls: type) -> type:
        _REGISTRY[name] = cls
        cls.name = name
        return cls

    return wrap


def registry() -> dict[str, AgentFactory]:
    from tradegame.agents import builtin  # noqa: F401  (registers the built-ins)

    return dict(_REGISTRY)


class AgentSpecError(ValueError):
    """An agent name or ``module:Class`` / ``path.py:Class`` spec that cannot be loaded."""


def make_agent(spec: str, rng: random.Random) -> Agent:
    """Build an agent from a registered name, ``module:Class`` or ``path.py:Class``."""
    known = registry()
    if spec in known:
        return known[spec](rng)
    if ":" not in spec:
        names = ", ".join(sorted(known))
        raise AgentSpecError(f"unknown agent {spec!r}; built-in agents: {names}; or give "
                             f"module:Class or path.py:Class")
    where, _, cls_name = spec.rpartition(":")
    try:
        if where.endswith(".py"):
            path = Path(where)
            if not path.is_file():
                raise AgentSpecError(f"agent file {where!r} not found")
            mod_spec = importlib.util.spec_from_file_location(f"tradegame_agent_{path.stem}",
                                                              path)
            assert mod_spec is not None and mod_spec.loader is not None
            module = importlib.util.module_from_spec(mod_spec)
            sys.modules[mod_spec.name] = module
            mod_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(where)
        cls = getattr(module, cls_name)
    except AgentSpecError:
        raise
    except Exception as exc:  # any import failure of user code becomes one clear message
        raise AgentSpecError(f"cannot load agent {spec!r}: {type(exc).__name__}: {exc}") from None
    try:
        agent = cls(rng)
    except TypeError:
        agent = cls()
    if not callable(getattr(agent, "act", None)):
        raise AgentSpecError(f"{spec!r} has no act(turn) method")
    return agent  # type: ignore[no-any-return]


def agent_rng(seed: int, player: str, spec: str) -> random.Random:
    """Each seat's agent draws from its own stream, derived from the game seed."""
    return random.Random(f"agent:{seed}:{player}:{spec}")


def passive_move(game: Game, player: str) -> Action:
    """The move a seat makes when its agent fails: pass, reject or done."""
    from tradegame.engine import Done, Pass, Reject

    session = game.session
    if session is None:
        return Done(player)
    return Pass(player) if session.offer is None else Reject(player)


def play_match(rules: Rules, seed: int, seats: Mapping[str, str | Agent],
               on_action: Callable[[Game, Action], None] | None = None,
               incidents: list[str] | None = None) -> Game:
    """Play a whole game with one agent per seat (a name/spec or an agent instance).

    An agent that raises or returns an illegal action loses that move: it becomes a pass
    (or reject, or done), and a line is added to ``incidents``.
    """
    game = Game.new(rules, seed)
    agents: dict[str, Agent] = {}
    for player in rules.player_ids:
        spec = seats.get(player, "passive")
        agents[player] = make_agent(spec, agent_rng(seed, player, spec)) \
            if isinstance(spec, str) else spec
    for player, agent in agents.items():
        start = getattr(agent, "start", None)
        if callable(start):
            start(player, game.view(player))
    while not game.is_over():
        player = game.to_move()
        assert player is not None
        try:
            action = agents[player].act(Turn(game, player))
            game.verify(action)
        except Exception as exc:  # a failing agent must not stop the game
            reason = str(exc) if isinstance(exc, IllegalActionError) else \
                f"{type(exc).__name__}: {exc}"
            if incidents is not None:
                incidents.append(f"round {game.round}: {player}'s agent failed ({reason}); "
                                 f"its move becomes a pass")
            action = passive_move(game, player)
        game.apply(action)
        if on_action is not None:
            on_action(game, action)
    for player, agent in agents.items():
        end = getattr(agent, "end", None)
        if callable(end):
            end(player, game.view(player))
    return game


def describe(agent: Any) -> str:
    return str(getattr(agent, "description", ""))
