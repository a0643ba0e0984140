"""The agent protocol and the match loop.

An agent gets a :class:`Turn` — its own player id, its view (built on first use), its legal
actions, its own talks and a ``what_if`` projection — and returns one legal action. What
the turn offers never shows another player's private data. A Python agent runs in the game's
process, though, and could reach the live game through those objects (``turn.legal.game``):
it is code the person at the keyboard chose to run, trusted as such. Hidden information is
enforced for bots out of the process (``cmd:``) and for network and browser clients, which
only ever get their seat's view.

Agents are named on the command line by a registered name (``random``, ``hawk`` …), a Python
class (``module:Class`` or ``path.py:Class``) or an out-of-process command (``cmd:python
bot.py``, see :mod:`tradegame.agents.external`).

The last two run code, so only the person at the keyboard may name them: :func:`make_agent`
refuses them unless its caller passes ``allow_code=True``, which only the command line's own
``--seat``/``--agent`` and the new-game screen of a local terminal do. A save, a scenario, a
bot's reply or a browser never starts a process or imports a module (see ``docs/security.md``).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import random
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from tradegame.engine import Action, Game, Rules, Term
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.legal import LegalActions
from tradegame.engine.rules import Limits
from tradegame.engine.scoring import Projection
from tradegame.engine.view import (
    SECTIONS,
    CatalogueEntry,
    DealEntry,
    View,
    build_sections,
    catalogue_records,
    deal_records,
    win_set_shown,
)
from tradegame.untrusted import FileRefused, one_line, printable, read_regular_file

EXTERNAL_PREFIX = "cmd:"
LLM_SPEC = "llm"  # ``llm`` or ``llm:OPTION=VALUE,...``: a language model over the network
MAX_AGENT_FILE_BYTES = 1024 * 1024  # a bot script named as path.py:Class
CODE_FALLBACK = "passive"
"""The agent a recorded seat plays as when the recorded agent would run code (like an agent
that fails, whose moves become passes)."""


@dataclass(frozen=True, slots=True)
class Talks:
    """The talks session the player is in now (its own, so nothing here is secret to it)."""

    partner: str
    requester: str
    level: str
    exchanges: int
    max_exchanges: int
    offer: tuple[Term, ...] | None
    offer_by: str | None

    @property
    def can_counter(self) -> bool:
        """Whether a counter-offer would still be heard (one beyond ``max_exchanges`` lapses)."""
        return self.exchanges < self.max_exchanges

    @property
    def verb(self) -> str:
        """``propose`` when no offer is on the table, else ``counter``."""
        return "propose" if self.offer is None else "counter"


class Turn:
    """What an agent may know and do when it is its move.

    :func:`play_match` keeps one turn per seat and renews it for each of the seat's moves
    (everything in it is looked at anew: legal actions, view, talks, ``what_if_calls``)."""

    # Asked for on every move, so slots (and views built only when asked for).
    __slots__ = (
        "_game",
        "_legal",
        "_sections",
        "_talks",
        "_view",
        "legal",
        "player",
        "what_if_calls",
    )

    def __init__(self, game: Game, player: str, moving: bool | None = None) -> None:
        """``moving``: the caller has just seen that ``player`` is to move (None: look)."""
        self._game = game
        self.player = player
        # Positional: a class called with a keyword builds a dict for its __init__.
        self.legal = self._legal = LegalActions(game, player, moving)
        self.what_if_calls = 0
        self._view: View | None = None
        self._sections: dict[str, Any] | None = None  # see sections()
        self._talks: Talks | None | bool = False  # False: not looked at yet

    def _renew(self, game: Game, player: str) -> None:
        """The turn of ``player``'s next move in ``game`` (this turn's seat and game): the
        caller has just seen that the player is to move. (Making a turn and its legal actions
        for every move cost about as much as the random agent's choice.) Whatever the agent
        changed in the turn or its legal actions, the seat and game are set again."""
        self._game = game
        self.player = player
        legal = self._legal
        legal.game = game
        legal.player = player
        legal._renew()
        self.legal = legal  # whatever the agent did with the attribute
        self.what_if_calls = 0
        self._view = None
        self._sections = None
        self._talks = False

    @property
    def view(self) -> View:
        """The player's own view (``.to_json()`` for data, ``str()`` for a report)."""
        if self._view is None:
            self._view = self._game.view(self.player)
        return self._view

    def sections(self, *names: str) -> dict[str, Any]:
        """Sections of ``view.to_json()`` (of :data:`~tradegame.engine.view.SECTIONS`:
        ``players``, ``layers``, ``catalogue``, ``deals``, ``talks``, ``you`` and the clock's
        ``date``, ``round_end_date``, ``days_to_deadline``, ``snapped_back``), the same data
        made without the rest of the view (its tariff table, log and history cost most)
        unless the view was made this turn. Read-only, like the view's JSON. Any other name
        raises :class:`ValueError` (whether or not the view was made)."""
        if not SECTIONS.issuperset(names):
            build_sections(self._game, self.player, names)  # raises, naming the sections
        if self._view is not None:
            data = self._view.to_json()
            return {name: data[name] for name in names}
        made = self._sections
        if made is None:
            made = self._sections = {}
        missing = [name for name in names if name not in made]
        if missing:
            made.update(build_sections(self._game, self.player, missing))
        return {name: made[name] for name in names}

    def catalogue(self) -> list[CatalogueEntry]:
        """The catalogue as the player sees it, as the view's records (read-only, shared by
        every view): what ``sections("catalogue")`` gives as JSON, without making it."""
        return catalogue_records(self._game, self.player)

    def deals(self) -> list[DealEntry]:
        """The deals the player may see, as the view's records (read-only, shared by every
        view): what ``sections("deals")`` gives as JSON, without making it."""
        return deal_records(self._game, self.player)

    @property
    def win_set(self) -> float | None:
        """The player's win-set as its view shows it (``sections("you")["you"]["win_set"]``)."""
        return win_set_shown(self._game, self.player)

    @property
    def player_ids(self) -> tuple[str, ...]:
        """The scenario's players, in its order (the ids of the view's ``players``)."""
        return self._game.rules.player_ids

    @property
    def round(self) -> int:
        return self._game.round

    @property
    def rounds_total(self) -> int:
        """Rounds in the game as the calendar stands (an extension adds rounds)."""
        return self._game.rounds_total()

    @property
    def progress(self) -> float:
        """How far the game has run: 0.0 in the first round, 1.0 in the last."""
        total = self.rounds_total
        return 1.0 if total <= 1 else min(1.0, (self.round - 1) / (total - 1))

    @property
    def phase(self) -> str:
        return self._game.phase

    @property
    def limits(self) -> Limits:
        """The scenario's public limits: ``max_terms``, ``max_orders``, ``tariff_step`` …"""
        return self._game.rules.limits

    @property
    def talks(self) -> Talks | None:
        """The player's talks session when it is a talks move, else None."""
        if not isinstance(self._talks, bool):
            return self._talks
        talks = None
        s = self._game.session
        if s is not None and self.player in s.pair:
            partner = s.responder if self.player == s.requester else s.requester
            talks = Talks(
                partner=partner,
                requester=s.requester,
                level=s.level,
                exchanges=s.exchanges,
                max_exchanges=s.max_exchanges,
                offer=s.offer,
                offer_by=s.offer_by,
            )
        self._talks = talks
        return talks

    def detached(self) -> Turn:
        """The same turn on a private copy of the game: for an agent run in a thread that
        may outlive its move (:mod:`tradegame.agents.timed`), which must never touch the
        live game. The copy's deals, sessions and pledges are shared with the live game
        copy on write (:meth:`Game.copy`): the agent changes its copy by actions and
        ``what_if`` only, never by setting a record's fields."""
        return Turn(self._game.copy(), self.player)

    def what_if(self, actions: Sequence[Action] = ()) -> Projection:
        """Project the player's own score after ``actions`` (the game is not changed).

        Each call copies the game and plays it out twice, so agents should evaluate a
        bounded shortlist; :attr:`what_if_calls` counts the calls made this turn.
        """
        self.what_if_calls += 1
        projection: Projection = self._game.what_if(self.player, list(actions))
        return projection


@runtime_checkable
class Agent(Protocol):
    """Chooses one action per turn. ``start``, ``end`` and ``close`` are optional hooks."""

    name: str
    description: str

    def act(self, turn: Turn) -> Action: ...


AgentFactory = Callable[[random.Random], Agent]
_REGISTRY: dict[str, AgentFactory] = {}
_MODIFIERS: dict[str, Callable[[Agent], Agent]] = {}
MODIFIER_SEPARATOR = "+"
"""``AGENT+MODIFIER`` wraps an agent (e.g. ``greedy+statements``, see agents/probes.py)."""


def register(name: str) -> Callable[[type], type]:
    """Class decorator: make an agent class available by ``name`` on the command line."""

    def wrap(cls: type) -> type:
        _REGISTRY[name] = cls
        cls.name = name  # type: ignore[attr-defined]  # any class may register; Agent has name
        return cls

    return wrap


def register_modifier(name: str) -> Callable[[Callable[[Agent], Agent]], Callable[[Agent], Agent]]:
    """Decorator: ``wrap(agent) -> agent`` becomes available as ``SPEC+name`` on the command
    line (any spec but a ``cmd:`` bot, whose command line may hold a ``+``)."""

    def add(wrap: Callable[[Agent], Agent]) -> Callable[[Agent], Agent]:
        _MODIFIERS[name] = wrap
        return wrap

    return add


def split_modifier(spec: str) -> tuple[str, Callable[[Agent], Agent] | None]:
    """(the wrapped spec, the wrapper) of ``SPEC+MODIFIER``; (spec, None) for any other spec."""
    if spec.startswith(EXTERNAL_PREFIX) or is_llm(spec) or MODIFIER_SEPARATOR not in spec:
        return spec, None
    _registered()  # the built-in modifiers register with the built-in agents
    base, _, name = spec.rpartition(MODIFIER_SEPARATOR)
    wrap = _MODIFIERS.get(name)
    if wrap is None or not base or spec in _REGISTRY:
        return spec, None
    return base, wrap


def registry() -> dict[str, AgentFactory]:
    """Every registered agent by name (the built-ins are registered on first use)."""
    return dict(_registered())


_BUILTINS: list[object] = []  # the built-in agents' module, once imported


def _registered() -> dict[str, AgentFactory]:
    """The registry itself, for this module's look-ups (never changed by them): every match
    builds its agents through it, and an import statement and a copy of the registry for
    every look-up cost more than a built-in agent's making."""
    if not _BUILTINS:
        from tradegame.agents import builtin  # (registers the built-ins)

        _BUILTINS.append(builtin)
    return _REGISTRY


class AgentSpecError(ValueError):
    """An agent name, ``module:Class`` / ``path.py:Class`` or ``cmd:`` spec that cannot be used."""


class CodeAgentRefused(AgentSpecError):
    """A spec that would run code (``cmd:``, ``module:Class``, ``path.py:Class``) where only
    built-in agents may be started (it came from a save, a scenario, a browser ...)."""


def parse_options(body: str, allowed: Sequence[str], what: str, hint: str = "") -> dict[str, str]:
    """``OPTION=VALUE,...`` (the part after ``NAME:`` of ``llm:`` or a built-in agent that
    takes options) as a dict; :class:`AgentSpecError` naming a part that is no option, or an
    option given twice."""
    options: dict[str, str] = {}
    for part in filter(None, body.split(",")):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in allowed:
            raise AgentSpecError(
                f"{what}: {printable(part)!r} is not an option; write {what}:OPTION=VALUE,... "
                f"with the options {', '.join(allowed)}{hint}"
            )
        if name in options:  # which one would win is not for the user to guess
            raise AgentSpecError(f"{what}: the option {name} is given twice")
        options[name] = value.strip()
    return options


def builtin_with_options(spec: str) -> tuple[str, str] | None:
    """(name, options) of ``NAME:OPTION=VALUE,...`` when NAME is a built-in agent that takes
    options (its class has ``OPTIONS`` and ``from_options``), else None. Such a spec runs no
    code: a Python class name never holds ``=``, so ``module:Class`` is not mistaken for it."""
    name, sep, body = spec.partition(":")
    if not sep or "=" not in body or spec.startswith(EXTERNAL_PREFIX) or is_llm(spec):
        return None
    factory = _registered().get(name)
    if factory is None or not hasattr(factory, "from_options"):
        return None
    return name, body


def is_llm(spec: str) -> bool:
    """Whether ``spec`` names the language-model agent (``llm`` or ``llm:OPTIONS``)."""
    return spec == LLM_SPEC or spec.startswith(LLM_SPEC + ":")


def runs_code(spec: str) -> bool:
    """Whether building ``spec`` would start a process, import Python or call a network
    service: ``cmd:COMMAND``, ``module:Class``, ``path.py:Class``, the name of an agent an
    installed package registers (:mod:`tradegame.agents.installed`) or ``llm[:OPTIONS]`` (a
    language model, which sends the game to a server). Built-in names and ``human`` do not.

    Mirrors the order of :func:`make_agent`: ``cmd:`` and ``llm`` first, then built-in names.
    """
    if spec.startswith(EXTERNAL_PREFIX) or is_llm(spec):
        return True
    if spec in _registered() or builtin_with_options(spec) is not None:
        return False
    base, wrap = split_modifier(spec)
    if wrap is not None:  # AGENT+MODIFIER runs what AGENT runs
        return runs_code(base)
    from tradegame.agents.installed import installed_names

    return ":" in spec or spec in installed_names()


def _what_it_runs(spec: str) -> str:
    if is_llm(spec):
        return "calls a language model over the network"
    return "runs code"


def code_refused_message(spec: str) -> str:
    what = (
        "calls a language model over the network"
        if is_llm(spec)
        else "runs code (a command, a Python module or an installed package's agent)"
    )
    return (
        f"the agent {printable(spec)!r} {what}; only "
        f"the person at the keyboard may name such an agent (--seat or --agent on the "
        f"command line, or the new-game screen in a terminal)"
    )


def make_agent(
    spec: str,
    rng: random.Random,
    *,
    time_limit: float | None = None,
    allow_code: bool = False,
    startup_limit: float | None = None,
) -> Agent:
    """Build an agent from a registered name, the name of an installed package's agent,
    ``module:Class``, ``path.py:Class`` or ``cmd:COMMAND`` (an out-of-process bot).

    ``time_limit`` is the limit per move: a ``cmd:`` bot keeps it itself (``startup_limit`` is
    its time from a start to its first answer); any other agent is wrapped in a
    :class:`~tradegame.agents.timed.TimedAgent` (its ``start`` hook within ``startup_limit``).
    Without ``time_limit`` an in-process agent has no limit.

    All but registered names run code: unless ``allow_code`` is true (the spec was typed by the
    person at the keyboard) they raise :class:`CodeAgentRefused` before anything is imported or
    started.
    """
    if not allow_code and runs_code(spec):
        raise CodeAgentRefused(code_refused_message(spec))
    agent = _build_agent(spec, rng, time_limit=time_limit, startup_limit=startup_limit)
    if time_limit is not None and not getattr(agent, "keeps_time", False):
        from tradegame.agents.timed import TimedAgent

        agent = TimedAgent(agent, time_limit, startup_limit)
    return agent


def _build_agent(
    spec: str, rng: random.Random, *, time_limit: float | None, startup_limit: float | None
) -> Agent:
    if spec.startswith(EXTERNAL_PREFIX):
        from tradegame.agents.external import ExternalAgent

        return ExternalAgent.from_spec(
            spec, rng, time_limit=time_limit, startup_limit=startup_limit
        )
    if is_llm(spec):
        from tradegame.agents.llm import LLMAgent

        return LLMAgent.from_spec(spec, time_limit=time_limit)
    base, wrap = split_modifier(spec)
    if wrap is not None:  # (make_agent checked the whole spec's code rule)
        inner = _build_agent(base, rng, time_limit=time_limit, startup_limit=startup_limit)
        wrapped = wrap(inner)
        if getattr(inner, "keeps_time", False):  # one time limit only: the inner agent's own
            with contextlib.suppress(AttributeError):
                wrapped.keeps_time = True  # type: ignore[attr-defined]  # any wrapper class
        return wrapped
    known = _registered()
    if spec in known:
        return known[spec](rng)
    with_options = builtin_with_options(spec)
    if with_options is not None:
        name, body = with_options
        return known[name].from_options(rng, body)  # type: ignore[attr-defined]
    if ":" not in spec:
        from tradegame.agents.installed import (
            InstalledAgentError,
            installed_names,
            load_installed,
        )

        installed = installed_names()
        if spec in installed:
            try:
                return _start_agent(spec, load_installed(spec), rng)
            except InstalledAgentError as exc:
                raise AgentSpecError(str(exc)) from None
        names = ", ".join(sorted(known))
        more = ", ".join(sorted(printable(n) for n in installed - set(known)))
        raise AgentSpecError(
            f"unknown agent {printable(spec)!r}; built-in agents: {names}; "
            + (f"installed agents: {more}; " if more else "")
            + "or give module:Class, path.py:Class or cmd:COMMAND (tradegame agents lists "
            "them all)"
        )
    where, _, cls_name = spec.rpartition(":")
    try:
        if where.endswith(".py"):
            path = Path(where)
            try:
                # A regular file, bounded: a FIFO or /dev/zero named here must not hang.
                source = read_regular_file(path, MAX_AGENT_FILE_BYTES, what="Python file")
            except FileRefused as exc:
                raise AgentSpecError(
                    f"agent file {where!r} not found"
                    if exc.kind == "missing"
                    else f"agent file {where!r}: {exc}"
                ) from None
            mod_spec = importlib.util.spec_from_file_location(f"tradegame_agent_{path.stem}", path)
            assert mod_spec is not None and mod_spec.loader is not None
            module = importlib.util.module_from_spec(mod_spec)
            sys.modules[mod_spec.name] = module
            # The bytes checked above, not a second read of a path that may have changed.
            exec(compile(source, str(path), "exec"), module.__dict__)
        else:
            module = importlib.import_module(where)
        cls = getattr(module, cls_name)
    except AgentSpecError:
        raise
    except Exception as exc:  # any import failure of user code becomes one clear message
        raise AgentSpecError(f"cannot load agent {spec!r}: {type(exc).__name__}: {exc}") from None
    return _start_agent(spec, cls, rng)


def _start_agent(spec: str, cls: Any, rng: random.Random) -> Agent:
    """Build the agent ``cls(rng)`` (or ``cls()``) named ``spec``: one clear message if it
    fails, or if what it builds has no ``act``."""
    try:
        try:
            agent = cls(rng)
        except TypeError:
            agent = cls()
    except Exception as exc:  # the user's class failed to start, or the name is no class
        raise AgentSpecError(f"cannot start agent {spec!r}: {failure_reason(exc)}") from None
    if not callable(getattr(agent, "act", None)):
        raise AgentSpecError(f"{spec!r} has no act(turn) method")
    return agent


def saved_seats(
    recorded: Mapping[str, str], given: Mapping[str, str] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """The seats to start for a saved game, and the recorded seats refused.

    ``given`` (from the keyboard: ``--seat``) wins over the record. A recorded seat that would
    run code is not started: it becomes :data:`CODE_FALLBACK`, and is returned in the second
    dict (player -> recorded spec) for the caller to say so with :func:`refused_seat_notice`.
    """
    given = dict(given or {})
    seats: dict[str, str] = {}
    refused: dict[str, str] = {}
    for player, spec in recorded.items():
        if player in given:
            seats[player] = given.pop(player)
        elif runs_code(spec):
            seats[player] = CODE_FALLBACK
            refused[player] = spec
        else:
            seats[player] = spec
    seats.update(given)
    return seats, refused


def refused_seat_notice(player: str, spec: str, command: str) -> str:
    """One line saying that ``player``'s recorded agent ``spec`` was not started, and the exact
    ``--seat`` to give (after ``command``) to run it anyway."""
    flag = shlex.quote(f"{player}={spec}")
    return printable(
        f"{player}'s seat is recorded as {spec!r}, which {_what_it_runs(spec)}; a save "
        f"never starts code or calls a server, so {player} plays as {CODE_FALLBACK}. To run "
        f"that agent, name it yourself: {command} --seat {flag}"
    )


def agent_rng(seed: int, player: str, spec: str) -> random.Random:
    """Each seat's agent draws from its own stream, derived from the game seed (a wrapped
    agent, ``SPEC+MODIFIER``, from the stream ``SPEC`` would have alone)."""
    while True:
        base, wrap = split_modifier(spec)
        if wrap is None:
            break
        spec = base
    return random.Random(f"agent:{seed}:{player}:{spec}")


def passive_move(game: Game, player: str) -> Action:
    """The move a seat makes when its agent fails: pass, reject or done."""
    from tradegame.engine import Done, Pass, Reject

    session = game.session
    if session is None:
        return Done(player)
    return Pass(player) if session.offer is None else Reject(player)


#: The longest reason an incident quotes from a failing agent's exception.
REASON_LIMIT = 1000


def failure_reason(exc: BaseException) -> str:
    """Why an agent's move failed, for an incident: one line of at most ``REASON_LIMIT``
    characters, control characters shown as escapes. The exception's text is the agent's
    (or, for the LLM agent, may quote a server's), so it never reaches a terminal as it is."""
    text = (
        f"illegal move: {exc}"
        if isinstance(exc, IllegalActionError)
        else (f"{type(exc).__name__}: {exc}")
    )
    return one_line(text, REASON_LIMIT)


def record_incident(
    incidents: list[str] | None, game: Game, player: str, what: str, exc: BaseException
) -> None:
    """Add one line about a failing agent to ``incidents`` (when the caller keeps them)."""
    if incidents is not None:
        incidents.append(
            f"round {game.round} {game.phase}: {player}'s agent {what} ({failure_reason(exc)})"
        )


def start_agents(
    agents: Mapping[str, Agent], game: Game, incident: Callable[[str, str, BaseException], None]
) -> None:
    """Call each agent's optional ``start`` hook; a failing hook is an incident, not a crash."""
    for player, agent in agents.items():
        start = getattr(agent, "start", None)
        if callable(start):
            try:
                start(player, game.view(player))
            except Exception as exc:  # a failing hook must not stop the game
                incident(player, "failed to start", exc)


def safe_move(
    agent: Agent, game: Game, player: str, *, moving: bool | None = None
) -> tuple[Action, BaseException | None]:
    """Ask ``agent`` for ``player``'s move; a failure (an exception, something that is not
    an action, another player's move, an illegal move) becomes the passive move, returned
    with the error so the caller can record the incident. A move returned without an error
    was verified in the game as it is now. ``moving``: the caller has just seen that
    ``player`` is to move (``game.to_move()``), so it need not be looked up again."""
    return _ask(agent, Turn(game, player, moving), game, player)


def _ask(agent: Agent, turn: Turn, game: Game, player: str) -> tuple[Action, BaseException | None]:
    """:func:`safe_move` with the turn made (or renewed) by the caller."""
    try:
        action = _checked(agent.act(turn), game, player)
    except (Exception, SystemExit) as exc:  # a failing agent must not stop the game (nor a
        return passive_move(game, player), exc  # sys.exit() in it end the program unsaved)
    return action, None


def _checked(action: object, game: Game, player: str) -> Action:
    """``action`` if it is an action of ``player``'s, legal now; else raise why not."""
    if not isinstance(action, Action):
        raise TypeError(f"act() returned {type(action).__name__}, not an Action")
    if action.player != player:
        raise IllegalActionError(f"it is {player}'s move, not {action.player}'s")
    game.verify(action)
    return action


def play_match(
    rules: Rules,
    seed: int,
    seats: Mapping[str, str | Agent],
    on_action: Callable[[Game, Action], None] | None = None,
    incidents: list[str] | None = None,
    *,
    time_limit: float | None = None,
    allow_code: bool = False,
    startup_limit: float | None = None,
) -> Game:
    """Play a whole game with one agent per seat (a name/spec or an agent instance).

    ``allow_code`` lets specs run code (see :func:`make_agent`): pass it only for seats the
    person at the keyboard named.

    An agent that raises, returns something that is not a legal action of its own, or (out of
    process) crashes, hangs past ``time_limit`` seconds or prints garbage loses that move: it
    becomes a pass (or reject, or done), a line is added to ``incidents``, and the game goes on.
    A failing ``start`` or ``end`` hook is recorded the same way.
    """
    game = Game.new(rules, seed)
    game.defer_round_captures()  # nothing here reads them: made if a caller reads them
    agents: dict[str, Agent] = {}

    def incident(player: str, what: str, exc: BaseException) -> None:
        record_incident(incidents, game, player, what, exc)

    try:
        for seat in rules.player_ids:
            spec = seats.get(seat, "passive")
            agents[seat] = (
                make_agent(
                    spec,
                    agent_rng(seed, seat, spec),
                    time_limit=time_limit,
                    allow_code=allow_code,
                    startup_limit=startup_limit,
                )
                if isinstance(spec, str)
                else spec
            )
        start_agents(agents, game, incident)
        to_move, push, apply, actions = game.to_move, game.push, game.apply, game.actions
        # One turn per seat, renewed for each of its moves (safe_move makes one per move).
        turns = {seat: Turn(game, seat, False) for seat in rules.player_ids}
        # The random agent reads its legal actions alone: it is asked with them, no turn.
        # While its move() is as written, the seat's legal actions draw its move themselves
        # (LegalActions._sample_moving, with the agent's rng read at every move: what
        # move() does); what they draw is legal in this very state, pushed at once.
        from tradegame.agents.builtin import asks_legal_only, samples_itself

        sampled: dict[str, tuple[Callable[[Any], Action], Any]] = {}
        by_legal: dict[str, tuple[Callable[[Any], Action], Any]] = {}
        for seat, agent in agents.items():
            if not asks_legal_only(agent):
                continue
            legal = turns[seat]._legal
            if samples_itself(agent):
                sampled[seat] = (legal._sample_moving, agent)
            else:
                by_legal[seat] = (agent.move, legal)  # type: ignore[attr-defined]  # checked
        error: BaseException | None
        while (player := to_move()) is not None:  # None: the game is over
            drawn = sampled.get(player)
            if drawn is not None:
                sample, agent = drawn
                try:
                    action = sample(agent.rng)
                except (Exception, SystemExit) as exc:  # as _ask
                    action, error = passive_move(game, player), exc
                else:
                    push(action)  # the sampler's, legal in this very state
                    if on_action is not None:
                        on_action(game, action)
                    continue
            elif (asked := by_legal.get(player)) is not None:
                move, legal = asked
                legal._renew()
                try:
                    action = move(legal)
                    mark = game._verified  # the sampler's: legal here, so the seat's own
                    if mark is None or mark[0] is not action or mark[1] != len(actions):
                        action = _checked(action, game, player)
                    error = None
                except (Exception, SystemExit) as exc:  # as _ask
                    action, error = passive_move(game, player), exc
            else:
                turn = turns[player]
                turn._renew(game, player)
                action, error = _ask(agents[player], turn, game, player)
            if error is None:
                push(action)  # verified by safe_move in this very state
            else:
                incident(player, "failed; its move becomes a pass", error)
                apply(action)
            if on_action is not None:
                on_action(game, action)
        end_agents(agents, game, incident)
    finally:
        close_agents(agents)
    return game


def end_agents(
    agents: Mapping[str, Agent], game: Game, incident: Callable[[str, str, BaseException], None]
) -> None:
    """Call each agent's optional ``end`` hook; a failing hook is an incident, not a crash."""
    for player, agent in agents.items():
        end = getattr(agent, "end", None)
        if callable(end):
            try:
                end(player, game.view(player))
            except Exception as exc:
                incident(player, "failed at the end", exc)


def close_agents(agents: Mapping[str, Agent]) -> None:
    """Release what agents hold (out-of-process bots: their processes); best effort."""
    for agent in agents.values():
        close = getattr(agent, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # pragma: no cover - closing must not hide the game's result
                continue


def describe(agent: Any) -> str:
    return str(getattr(agent, "description", ""))
