"""One game being played in the interface: the engine game, its seats and its AI agents.

Pure Python, no Textual: the app drives a :class:`Match`, and tests and benchmarks can drive one
without a screen. Every rule question goes to the engine (``verify``, ``legal_actions``,
``what_if``); the match only keeps who sits where, runs the agents and stages a human's orders
until they are sent.

Threads: :meth:`Match.think` and :meth:`Match.preview_on` run in worker threads, always on a
*copy* of the game taken on the UI thread (:meth:`Match.snapshot`), so the game itself is only
ever touched by the UI thread.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradegame.engine import SPECTATOR, Action, Done, Game, IllegalActionError, Rules, Term
from tradegame.engine.scoring import Projection
from tradegame.session.choices import HUMAN, parse_seed, random_seed
from tradegame.session.play import PlaySession, TalksNow

"""The seat value of a person at the keyboard (the same word saves use)."""

DEFAULT_AGENT_PREFERENCE = ("bargainer", "tit-for-tat", "linear", "dove", "random")
"""The first of these that is registered is the default opponent on the new-game screen."""


def default_agent() -> str:
    """The agent a new seat gets unless the player chooses another."""
    from tradegame.agents.base import registry

    known = registry()
    return next((name for name in DEFAULT_AGENT_PREFERENCE if name in known), "passive")


def agent_descriptions() -> dict[str, str]:
    """Every registered agent's one-line description, by name."""
    from tradegame.agents.base import registry

    return {name: str(getattr(cls, "description", "")) for name, cls in registry().items()}


@dataclass(frozen=True, slots=True)
class AiMove:
    """What an agent chose, computed on a snapshot taken when the game was at ``version``."""

    player: str
    action: Action
    version: int
    incident: str | None = None


@dataclass
class OfferDraft:
    """A deal being built in the talks panel: catalogue item id -> chosen level."""

    levels: dict[str, float] = field(default_factory=dict)

    def terms(self) -> tuple[Term, ...]:
        return tuple(sorted(Term(item, value) for item, value in self.levels.items()))

    def set(self, item: str, value: float | None) -> None:
        if value is None:
            self.levels.pop(item, None)
        else:
            self.levels[item] = value

    def cycle(self, item: str, levels: Sequence[float], step: int) -> None:
        """Move ``item`` to the next (``step`` 1) or previous (-1) level; past either end the
        item leaves the deal, and from outside the deal it enters at the first or last level."""
        if not levels:
            return
        current = self.levels.get(item)
        if current is None:
            self.levels[item] = levels[0] if step > 0 else levels[-1]
            return
        try:
            index = list(levels).index(current) + step
        except ValueError:
            index = 0
        if 0 <= index < len(levels):
            self.levels[item] = levels[index]
        else:
            del self.levels[item]

    def toggle(self, item: str, levels: Sequence[float]) -> None:
        if item in self.levels:
            del self.levels[item]
        elif levels:
            self.levels[item] = levels[0]

    def clear(self) -> None:
        self.levels.clear()

    def load(self, terms: Iterable[Term]) -> None:
        self.levels = {t.item: t.value for t in terms}

    def __len__(self) -> int:
        return len(self.levels)


class Match(PlaySession):
    """A game with its seats: ``seats`` maps every player to :data:`HUMAN` or an agent spec.
    The local :class:`~tradegame.session.play.PlaySession`: the whole game is here."""

    def __init__(
        self,
        rules: Rules,
        seed: int,
        seats: Mapping[str, str],
        *,
        game: Game | None = None,
        scenario_name: str | None = None,
        scenario_text: str | None = None,
        created: str | None = None,
        code_seats: Collection[str] = (),
    ) -> None:
        """``code_seats``: the players whose agents may run code (``cmd:``, ``module:Class``,
        ``path.py:Class``), because the person at the keyboard named them; any other such
        seat raises ``CodeAgentRefused`` (see :func:`tradegame.agents.base.make_agent`)."""
        from tradegame.agents.base import Agent, agent_rng, make_agent

        self.rules = rules
        self.seed = seed
        self.seats = {p: seats.get(p) or default_agent() for p in rules.player_ids}
        self.game = game if game is not None else Game.new(rules, seed)
        self.scenario_name = scenario_name
        self.scenario_text = scenario_text
        self.created = created or _now()
        self.incidents: list[str] = []
        """Agent failures (each became a pass): shown in the log tab, never hidden."""
        self.instructor_log: list[str] = []
        """What the instructor did (inject, roll back, end early): the instructor tab."""
        self.rounds_saved = len(self.game.round_hashes)
        self.code_seats = frozenset(code_seats)
        self.seat_notices: dict[str, str] = {}
        self.home: Path | None = None
        """The file this game is (a team's file from ``tradegame worlds``): saved back to."""
        self.team: dict[str, Any] | None = None
        """The save's team record (its name and students), kept in every save of the game."""
        """Player -> why the seat recorded in a loaded save was not started (shown once)."""
        self.agents: dict[str, Agent] = {}
        try:
            for player, spec in self.seats.items():
                if spec != HUMAN:
                    self.agents[player] = make_agent(
                        spec, agent_rng(seed, player, spec), allow_code=player in self.code_seats
                    )
        except Exception:
            self.close()  # bots already started must not outlive a match that failed
            raise
        self._started = False
        self._finished = False

    # ------------------------------------------------------------------ seats

    @property
    def humans(self) -> tuple[str, ...]:
        """The human seats, in the scenario's player order."""
        return tuple(p for p in self.rules.player_ids if self.seats[p] == HUMAN)

    def is_human(self, player: str | None) -> bool:
        return player is not None and self.seats.get(player) == HUMAN

    @property
    def hot_seat(self) -> bool:
        """Several people share the keyboard: private screens hide behind a curtain."""
        return len(self.humans) > 1

    @property
    def version(self) -> int:
        """Changes with every move (the length of the action list)."""
        return len(self.game.actions)

    def player_name(self, player: str) -> str:
        return self.rules.player(player).name

    # ------------------------------------------------------------------ moves

    def start(self) -> None:
        """Run the agents' ``start`` hooks once (a failing hook is an incident, not a crash)."""
        if self._started:
            return
        self._started = True
        for player, agent in self.agents.items():
            hook = getattr(agent, "start", None)
            if callable(hook):
                try:
                    hook(player, self.game.view(player))
                except Exception as exc:  # an agent must not stop the game
                    from tradegame.agents.base import failure_reason

                    self.incidents.append(
                        f"{player}'s agent failed to start ({failure_reason(exc)})"
                    )

    def snapshot(self) -> Game:
        """A copy of the game for a worker thread (cheap: the rules are shared)."""
        return self.game.copy()

    def think(self, snapshot: Game, player: str) -> AiMove:
        """Ask ``player``'s agent for a move on ``snapshot`` (runs in a worker thread).

        An agent that raises or returns an illegal move loses it: the move becomes a pass,
        reject or done, and the reason is kept as an incident.
        """
        from tradegame.agents.base import failure_reason, safe_move

        version = len(snapshot.actions)
        action, error = safe_move(self.agents[player], snapshot, player)
        if error is not None:
            reason = failure_reason(error)
            return AiMove(
                player,
                action,
                version,
                f"round {snapshot.round}: {player}'s agent failed ({reason}); "
                f"its move became a pass",
            )
        return AiMove(player, action, version)

    def think_ahead(self, snapshot: Game, limit: int = 64) -> list[AiMove]:
        """Moves of consecutive AI seats, each chosen on ``snapshot`` and then played on it
        (runs in a worker thread; used when AI moves are shown without a pause). Stops at a
        human seat, at the end of the game or after ``limit`` moves."""
        moves: list[AiMove] = []
        while len(moves) < limit and not snapshot.is_over():
            player = snapshot.to_move()
            if player is None or self.is_human(player):
                break
            move = self.think(snapshot, player)
            moves.append(move)
            snapshot.apply(move.action)
        return moves

    def apply(self, action: Action) -> bool:
        """Verify and apply ``action``; True when a round was resolved by it.

        Raises :class:`IllegalActionError` (with the engine's reason) and changes nothing then.
        """
        rounds = len(self.game.round_hashes)
        self.game.apply(action)
        return len(self.game.round_hashes) != rounds

    def apply_ai(self, move: AiMove) -> bool:
        """Apply an agent's move if the game has not moved on since it was computed."""
        if move.version != self.version or self.game.to_move() != move.player:
            return False
        if move.incident:
            self.incidents.append(move.incident)
        try:
            self.game.verify(move.action)
        except IllegalActionError as exc:
            from tradegame.agents.base import passive_move

            self.incidents.append(
                f"round {self.game.round}: {move.player}'s move {move.action} "
                f"was refused ({exc}); it became a pass"
            )
            self.game.apply(passive_move(self.game, move.player))
            return True
        self.game.apply(move.action)
        return True

    def finish(self) -> None:
        """Run the agents' ``end`` hooks (game over), once."""
        if self._finished:
            return
        self._finished = True
        for player, agent in self.agents.items():
            hook = getattr(agent, "end", None)
            if callable(hook):
                try:
                    hook(player, self.game.view(player))
                except Exception as exc:  # pragma: no cover - agent code
                    from tradegame.agents.base import failure_reason

                    self.incidents.append(f"{player}'s agent failed to end ({failure_reason(exc)})")

    def close(self) -> None:
        """Release the agents (out-of-process bots end their process)."""
        for agent in self.agents.values():
            hook = getattr(agent, "close", None)
            if callable(hook):
                try:
                    hook()
                except Exception:  # pragma: no cover - agent code
                    pass

    # ------------------------------------------------------------------ a human's turn

    def talks_partner(self, player: str) -> str | None:
        """The partner of ``player``'s talks session when it is theirs to move in."""
        session = self.game.session
        if session is None or player not in session.pair:
            return None
        return session.responder if player == session.requester else session.requester

    def deal_items(self, player: str, partner: str) -> list[str]:
        """Ids of the catalogue items on the table between ``player`` and ``partner`` now."""
        legal = self.game.legal_actions(player)
        return [item.id for item in legal.deal_items(player, partner)]

    def staged_game(self, player: str, staged: Sequence[Action]) -> Game:
        """A copy of the game with ``staged`` orders given (raises IllegalActionError)."""
        sim = self.game.copy()
        for action in staged:
            sim.apply(action)
        return sim

    def legal_orders(self, player: str, staged: Sequence[Action]) -> list[Action]:
        """The orders ``player`` may add to ``staged`` now (``Done`` excluded)."""
        if self.game.phase != "orders" or self.game.to_move() != player:
            return []
        try:
            sim = self.staged_game(player, staged)
        except IllegalActionError:
            return []
        return [a for a in sim.legal_actions(player) if not isinstance(a, Done)]

    @staticmethod
    def preview_on(snapshot: Game, player: str, actions: Sequence[Action]) -> Projection:
        """``what_if`` on a snapshot (runs in a worker thread)."""
        projection: Projection = snapshot.what_if(player, list(actions))
        return projection

    # ------------------------------------------------------------------ PlaySession

    @property
    def title(self) -> str:
        return f"{self.rules.title} · seed {self.seed}"

    @property
    def player_ids(self) -> tuple[str, ...]:
        return tuple(self.rules.player_ids)

    @property
    def sector_names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.rules.sectors}

    @property
    def export_boosts(self) -> dict[str, tuple[str, float]]:
        from tradegame.session.text import export_boosts

        return export_boosts(self.rules)

    @property
    def limits(self) -> tuple[int, int]:
        return self.rules.limits.max_terms, self.rules.limits.max_orders

    def to_move(self) -> str | None:
        return self.game.to_move()

    def phase(self) -> str:
        return str(self.game.phase)

    def round(self) -> int:
        return int(self.game.round)

    def is_over(self) -> bool:
        return self.game.is_over()

    def view_json(self, viewer: str | None) -> dict[str, Any]:
        data: dict[str, Any] = self.game.view(viewer).to_json()
        return data

    def public_view_json(self) -> dict[str, Any]:
        data: dict[str, Any] = self.game.view(SPECTATOR).to_json()
        return data

    def talks_now(self) -> TalksNow | None:
        session = self.game.session
        if session is None:
            return None
        return TalksNow(
            tuple(session.pair),  # type: ignore[arg-type]  # a pair of two player ids
            session.exchanges,
            tuple(session.offer) if session.offer is not None else None,
            session.offer_by,
        )

    def palette_moves(self, player: str, staged: Sequence[Action], limit: int) -> list[Action]:
        if self.game.phase == "orders":
            return [*self.legal_orders(player, staged), Done(player)]
        out = []
        for n, action in enumerate(self.game.legal_actions(player)):
            if n >= limit:
                break
            out.append(action)
        return out

    def can(self, action: Action) -> bool:
        return self.game.can(action)

    def projected(self, player: str, game: Game | None = None) -> float | None:
        """The score ``player`` would end with if nobody did anything more, in this match's
        game or in ``game`` (one of :meth:`round_starts`)."""
        try:
            return float((self.game if game is None else game).what_if(player, []).baseline)
        except Exception:  # noqa: BLE001 - the round report then shows no score move
            return None

    @staticmethod
    def round_starts(game: Game) -> Iterator[Game]:
        """``game`` as it stood at the start of each of its rounds, replayed from its seed and
        actions (a copy each): round 1 before any action, each later round right after the
        action that resolved the round before. A game loaded from a save shows its players
        the numbers they saw then (the screen that noted them live is gone); a save keeps
        only the actions, and replaying them gives the same states (saves are verified so)."""
        replay = Game.new(game.rules, game.seed)
        yield replay.copy()
        for action in game.actions:
            before = replay.round
            replay.apply(action)
            if replay.round != before and not replay.is_over():
                yield replay.copy()

    def score_breakdown(self) -> dict[str, list[dict[str, Any]]]:
        from tradegame.engine.scoring import score_breakdown

        if not self.game.is_over():
            return {}
        return {p: score_breakdown(self.game, p) for p in self.rules.player_ids}

    def play(self, action: Action) -> bool:
        return self.apply(action)

    def check_orders(self, player: str, staged: Sequence[Action]) -> None:
        self.staged_game(player, staged)

    def send_orders(self, player: str, staged: Sequence[Action]) -> bool:
        self.staged_game(player, [*staged, Done(player)])
        rounds = len(self.game.round_hashes)
        for action in staged:
            self.game.apply(action)
        self.game.apply(Done(player))
        return len(self.game.round_hashes) != rounds

    async def preview(self, player: str, actions: Sequence[Action]) -> Projection:
        import asyncio

        return await asyncio.to_thread(self.preview_on, self.snapshot(), player, list(actions))


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Scenario:
    """A scenario chosen on the new-game screen: its rules, its text and where it came from."""

    source: str
    """The bundled name or the path the player gave."""
    rules: Rules
    text: str


def load_scenario(source: str) -> Scenario:
    """Load a bundled scenario by name or a file by path.

    Raises :class:`tradegame.scenario.loader.ScenarioError` listing every located problem.
    """
    from tradegame.scenario import rules_from_text
    from tradegame.scenario.files import load_scenario_text

    text, shown = load_scenario_text(source)
    return Scenario(source, rules_from_text(text, shown), text)


def seats_summary(seats: Mapping[str, str]) -> str:
    return ", ".join(f"{p}={s}" for p, s in seats.items())


def describe_seat(spec: str, descriptions: Mapping[str, str] | None = None) -> str:
    if spec == HUMAN:
        return "a person at this keyboard"
    descriptions = descriptions if descriptions is not None else agent_descriptions()
    return descriptions.get(spec, "an agent loaded from " + spec)


__all__ = [
    "HUMAN",
    "AiMove",
    "Match",
    "OfferDraft",
    "Scenario",
    "agent_descriptions",
    "default_agent",
    "describe_seat",
    "load_scenario",
    "parse_seed",
    "random_seed",
    "seats_summary",
]
