"""The PettingZoo AEC environment (needs the ``rl`` extra: pettingzoo, gymnasium, numpy).

One agent per player; the agent to act is the engine's ``to_move()``. The action space is a
flat ``Discrete(codec.n)`` (:mod:`tradegame.rl.codec`); the observation is a dict with
``observation`` (float32, :mod:`tradegame.rl.observation`, from the player's own view) and
``action_mask`` (int8). A deal is built over several steps of the same agent: each "add term"
id puts a term in the agent's draft, ``send`` proposes or counters with it; any other move
drops the draft. Rewards are 0 until the game ends, then each player's surplus (score minus
BATNA). ``render()`` in ``ansi`` mode is the acting player's text view.

``text_observation=True`` (opt-in, for language-model policies) adds ``text`` to the
observation dict: the player's own text view (``str(game.view(player))``, exactly what the
player may see, messages of its own talks included), the talks draft, and its legal ids with
their moves in notation (``17: JP accept``), at most :data:`MAX_TEXT` characters. Free-text
messages are not in the action space (free text has no fixed id); a policy that wants to write
one plays ``Message`` on ``env.game`` itself before its talks step, which changes nothing else.
"""

from __future__ import annotations

import functools
import random
from typing import Any

try:
    import numpy as np
    from gymnasium import spaces
    from pettingzoo import AECEnv  # type: ignore[import-untyped]  # no py.typed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        f"tradegame.rl needs the rl extra: pip install 'tradegame[rl]' (missing: {exc.name})"
    ) from exc

from tradegame.engine import Game, Rules, Term, View
from tradegame.engine.actions import Message
from tradegame.rl.codec import ActionCodec, Draft
from tradegame.rl.observation import Observer
from tradegame.scenario import load_rules

MAX_TEXT = 200_000
"""The most characters of a text observation (a whole game's view is a few thousand)."""
# The characters of a text observation: the Basic Multilingual Plane without controls and
# surrogates, plus the newline; anything else (an emoji in a scenario name) shows as "?".
_TEXT_CHARS = frozenset(
    chr(c) for c in range(0x20, 0x10000) if not (0x7F <= c <= 0x9F or 0xD800 <= c <= 0xDFFF)
) | {"\n"}


@functools.cache
def _text_space() -> spaces.Text:
    """One per process: gymnasium indexes its 63,000 characters (about 0.7 s)."""
    return spaces.Text(MAX_TEXT, min_length=0, charset=_TEXT_CHARS)


def _in_charset(text: str) -> str:
    if all(c in _TEXT_CHARS for c in text):
        return text
    return "".join(c if c in _TEXT_CHARS else "?" for c in text)


class TradeGameEnv(AECEnv):
    """A tradegame scenario as a PettingZoo AEC environment."""

    metadata = {"name": "tradegame_v0", "render_modes": ["ansi"], "is_parallelizable": False}

    def __init__(
        self,
        scenario: str = "april-2025",
        rules: Rules | None = None,
        render_mode: str | None = None,
        text_observation: bool = False,
    ) -> None:
        super().__init__()
        self.text_observation = text_observation
        self.rules = rules if rules is not None else load_rules(scenario)
        self.codec = ActionCodec(self.rules)
        self.observer = Observer(self.codec)
        self.render_mode = render_mode
        self.possible_agents = list(self.rules.player_ids)
        n, size = self.codec.n, self.observer.size
        self.action_spaces = {a: spaces.Discrete(n) for a in self.possible_agents}
        parts: dict[str, spaces.Space[Any]] = {
            "observation": spaces.Box(-np.inf, np.inf, (size,), np.float32),
            "action_mask": spaces.Box(0, 1, (n,), np.int8),
        }
        if text_observation:
            parts["text"] = _text_space()
        self.observation_spaces = {a: spaces.Dict(dict(parts)) for a in self.possible_agents}
        self._seeds = random.Random(0)
        self.game = Game.new(self.rules, 0)
        self.draft: Draft = ()
        # What has been made of the game's current state (views, vectors, masks, texts):
        # the game changes only by apply(), which lengthens its action list, so the game and
        # the length of its action list name the state (see _memo).
        self._memo_of: tuple[Game, int] | None = None
        self._memo_data: dict[tuple[Any, ...], Any] = {}

    def observation_space(self, agent: str) -> spaces.Space[Any]:
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space[Any]:
        return self.action_spaces[agent]

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """A new game: of seed ``seed``, or the next of a sequence seeded by the last seed."""
        if seed is not None:
            if isinstance(seed, bool) or not hasattr(seed, "__index__"):
                # "x" or 1.5 became the game's seed as it was (the engine takes any hashable)
                raise TypeError(f"seed must be a whole number, not {type(seed).__name__}")
            seed = seed.__index__()  # a numpy integer too
            self._seeds = random.Random(seed)
            game_seed = seed
        else:
            game_seed = self._seeds.getrandbits(32)
        self.game = Game.new(self.rules, game_seed)
        self.draft = ()
        self._forget()
        self.agents = list(self.possible_agents)
        self.rewards = {a: 0.0 for a in self.agents}
        self._cumulative_rewards = {a: 0.0 for a in self.agents}
        self.terminations = {a: False for a in self.agents}
        self.truncations = {a: False for a in self.agents}
        self.infos: dict[str, dict[str, Any]] = {a: {} for a in self.agents}
        self.agent_selection = self.game.to_move() or self.agents[0]

    # -- what the environment makes of a state, each piece once per state and only when asked

    def _memo(self) -> dict[tuple[Any, ...], Any]:
        """The pieces made of the current state (emptied when the game has moved on)."""
        game = self.game
        of = self._memo_of
        if of is None or of[0] is not game or of[1] != len(game.actions):
            self._memo_of = (game, len(game.actions))
            self._memo_data = {}
        return self._memo_data

    def _forget(self) -> None:
        self._memo_of = None
        self._memo_data = {}

    def _view(self, agent: str) -> View:
        memo = self._memo()
        view: View | None = memo.get(("view", agent))
        if view is None:
            view = memo["view", agent] = self.game.view(agent)
        return view

    def _legal(self, agent: str, draft: Draft) -> list[int]:
        # observe() and step() ask for the same ids: made once per state, agent and draft.
        memo = self._memo()
        ids: list[int] | None = memo.get(("legal", agent, draft))
        if ids is None:
            ids = memo["legal", agent, draft] = self.codec.legal_ids(self.game, agent, draft)
        return ids

    def _mask(self, agent: str, draft: Draft) -> np.ndarray[Any, Any]:
        memo = self._memo()
        mask: np.ndarray[Any, Any] | None = memo.get(("mask", agent, draft))
        if mask is None:
            mask = np.zeros(self.codec.n, dtype=np.int8)
            mask[self._legal(agent, draft)] = 1
            memo["mask", agent, draft] = mask
        return mask

    def _vector(self, agent: str) -> np.ndarray[Any, Any]:
        """The agent's vector with an empty draft (the observer's ``vector`` of its view)."""
        memo = self._memo()
        vector: np.ndarray[Any, Any] | None = memo.get(("vector", agent))
        if vector is None:
            # The glance holds what the vector reads; with the text on, the view is made anyway.
            seen = self._view(agent) if self.text_observation else self.game.glance(agent)
            vector = memo["vector", agent] = np.asarray(
                self.observer.vector(seen), dtype=np.float32
            )
        return vector

    def observe(self, agent: str) -> dict[str, Any]:
        draft = self.draft if agent == self.agent_selection else ()
        vector = self._vector(agent).copy()  # copies: the caller may write into its arrays
        if draft:
            vector[self.observer.draft_slots(draft)] = 1.0
        out: dict[str, Any] = {
            "observation": vector,
            "action_mask": self._mask(agent, draft).copy(),
        }
        if self.text_observation:
            out["text"] = self.observe_text(agent, draft)
        return out

    def observe_text(self, agent: str, draft: tuple[Term, ...] = ()) -> str:
        """The text observation of ``agent``: its text view, its draft, its legal ids."""
        memo = self._memo()
        text: str | None = memo.get(("text", agent, draft))
        if text is not None:
            return text
        lines = [str(self._view(agent))]
        ids = self._legal(agent, draft)
        if ids:
            lines.append("")
            if draft:
                lines.append("Your draft: " + ",".join(str(t) for t in draft))
            lines.append(f"You are {agent}. Your legal moves (id: move):")
            for i in ids:
                move = self.codec.decode(self.game, agent, draft, i)
                words = f"add {move} to your draft" if isinstance(move, Term) else str(move)
                lines.append(f"{i}: {words}")
        text = _in_charset("\n".join(lines))
        if len(text) > MAX_TEXT:
            text = text[: MAX_TEXT - 1] + "…"
        memo["text", agent, draft] = text
        return text

    def send_message(self, text: str) -> Message:
        """Play a free-text message from the acting agent to its talks partner (outside the
        action space; the turn stays with the agent). ``text`` is made one line of at most
        500 characters, control characters shown as escapes. Raises IllegalActionError when
        no message may be sent now, InvalidActionError when ``text`` holds no word, TypeError
        when it is not a str."""
        from tradegame.engine.actions import MAX_MESSAGE_CHARS
        from tradegame.untrusted import one_line

        if not isinstance(text, str):  # one_line would fail on it with an AttributeError
            raise TypeError(f"a message is text (a str), not {type(text).__name__}")
        agent = self.agent_selection
        session = self.game.session
        if session is None or agent not in session.pair:
            from tradegame.engine import IllegalActionError

            raise IllegalActionError(f"{agent} is not in talks now: no message to send")
        partner = session.responder if agent == session.requester else session.requester
        message = Message(agent, partner, one_line(text, MAX_MESSAGE_CHARS))
        self.game.apply(message)
        return message

    def step(self, action: int | None) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        if action is None or int(action) not in self._legal(agent, self.draft):
            raise ValueError(f"action {action!r} is not legal for {agent} now (see action_mask)")
        move = self.codec.decode(self.game, agent, self.draft, int(action))
        self._cumulative_rewards[agent] = 0.0
        self.rewards = {a: 0.0 for a in self.agents}
        if isinstance(move, Term):
            self.draft = (*self.draft, move)
        else:
            self.game.apply(move)
            self.draft = ()
        if self.game.is_over():
            scores, batna = self.game.scores(), self.game.batna()
            self.rewards = {a: scores[a] - batna[a] for a in self.agents}
            self.terminations = {a: True for a in self.agents}
        else:
            self.agent_selection = self.game.to_move() or agent
        self._accumulate_rewards()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        return str(self._view(self.agent_selection))

    def close(self) -> None:
        pass


def env(
    scenario: str = "april-2025", render_mode: str | None = None, text_observation: bool = False
) -> TradeGameEnv:
    """The AEC environment of a bundled scenario (or a scenario file's path)."""
    return TradeGameEnv(scenario, render_mode=render_mode, text_observation=text_observation)
