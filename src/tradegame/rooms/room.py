"""One room: an authoritative game, its seats, its AI players, its clock and its autosave.

The engine is the referee: a human's move is parsed, checked against the seat and the version
the client saw, then ``Game.apply`` verifies it; AI seats are played here by the agent
machinery (:class:`tradegame.session.match.Match`, the same runner as the terminal game), each move
computed on a snapshot in a worker thread and applied only if nothing changed meanwhile.

``version`` grows by one with every change of the room (a move, news, an inject, a rollback,
an early end, a pause) and never goes back, even on a rollback, so a move sent for an older
state is refused, never applied twice or to the wrong position.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tradegame.engine import Game, IllegalActionError, InvalidActionError, parse
from tradegame.session import instructor as controls
from tradegame.session.match import HUMAN, Match
from tradegame.untrusted import printable

SAVE_DELAY = 0.5
"""Seconds between a change and its autosave; stopping the server (ctrl+c, SIGTERM) saves at
once, so only a crash of the machine can lose the moves of that last half second."""


class Refused(ValueError):
    """A request the room does not carry out; ``str()`` is the reason to show."""


class Room:
    def __init__(
        self,
        number: int,
        match: Match,
        *,
        save_path: Path,
        log_path: Path | None = None,
        version: int = 0,
        paused: bool = False,
        clock: float | None = None,
        clock_agent: str = "passive",
        clock_code: bool = False,
    ) -> None:
        self.number = number
        self.match = match
        self.save_path = save_path
        self.log_path = log_path
        """Where the instructor log is kept (written with every save; None: not kept)."""
        self.version = version
        self.paused = paused
        self.clock = clock
        """Seconds a human seat may take for a move; then ``clock_agent`` plays it."""
        self.clock_agent = clock_agent
        self.clock_code = clock_code
        """Whether ``clock_agent`` may run code (only when the host's command line named it)."""
        self.waiting_since = time.monotonic()
        self.on_change: Callable[[Room], None] = lambda room: None
        self.on_saved: Callable[[Room], None] = lambda room: None
        self._changed = asyncio.Event()
        self._dirty = asyncio.Event()
        self._lock = asyncio.Lock()
        self._clock_agents: dict[str, Any] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.saved_version = -1
        self._notify_pending = False
        self._baselines: dict[tuple[int, str], float | None] = {}

    # ------------------------------------------------------------------ state

    @property
    def game(self) -> Game:
        return self.match.game

    @property
    def humans(self) -> tuple[str, ...]:
        return self.match.humans

    def waiting_for(self) -> str | None:
        """The human seat the room waits for, if any (None when an AI moves or it is over)."""
        mover = self.game.to_move()
        return mover if self.match.is_human(mover) else None

    def clock_left(self) -> float | None:
        if self.clock is None or self.paused or self.waiting_for() is None:
            return None
        return max(0.0, self.clock - (time.monotonic() - self.waiting_since))

    def summary(self) -> dict[str, Any]:
        game = self.game
        over = game.is_over()
        return {
            "room": self.number,
            "version": self.version,
            "round": game.round,
            "rounds_total": game.rounds_total(),
            "phase": game.phase,
            "day": game.day,
            "state": "over" if over else "paused" if self.paused else "playing",
            "to_move": game.to_move(),
            "paused": self.paused,
            "scores": {p: round(v, 3) for p, v in game.scores().items()},
            "final": over,
            "clock": self.clock,
            "clock_left": self.clock_left(),
            "seats": {p: ("human" if s == HUMAN else s) for p, s in self.match.seats.items()},
            "actions": len(game.actions),
            "incidents": len(self.match.incidents),
            "log": self.match.instructor_log[-20:],
        }

    def baseline(self, player: str) -> float | None:
        """``player``'s projected score if nobody did anything more, taken at the first
        update of each round (the engine's ``what_if(player, [])``, which reads only what
        ``player`` may see): the round report compares against it, as a local game does."""
        game = self.game
        if game.is_over():
            return None
        key = (game.round, player)
        if key not in self._baselines:
            try:
                self._baselines[key] = round(game.what_if(player, []).baseline, 6)
            except (IllegalActionError, InvalidActionError, ValueError):
                self._baselines[key] = None
        return self._baselines[key]

    def changed(self) -> None:
        """Record a change: a new version, the clock restarts, listeners hear, a save follows."""
        self.version += 1
        self.waiting_since = time.monotonic()
        self._changed.set()
        self._dirty.set()
        # Listeners hear once the current handler is done (a mover gets "accepted" before the
        # new state), and a burst of changes makes one notification of the latest state.
        if not self._notify_pending:
            self._notify_pending = True
            asyncio.get_running_loop().call_soon(self._notify)

    def _notify(self) -> None:
        self._notify_pending = False
        self.on_change(self)

    # ------------------------------------------------------------------ a seat's move

    def submit(self, player: str, text: str, version: int) -> None:
        """Play ``player``'s move ``text`` (engine notation), sent after seeing ``version``.
        Raises :class:`Refused` with the reason, changing nothing."""
        game = self.game
        if game.is_over():
            raise Refused("the game is over")
        if self.paused:
            raise Refused("the instructor has paused this room; wait for it to resume")
        if version != self.version:
            raise Refused(
                f"this move was made for version {version}, but the game is at "
                f"version {self.version} (a stale or repeated move); the current "
                f"state follows"
            )
        if game.to_move() != player or not self.match.is_human(player):
            raise Refused(f"it is not {player}'s move")
        try:
            action = parse(text)
        except InvalidActionError as exc:
            raise Refused(f"not an action: {printable(str(exc))}") from None
        if action.player != player:
            raise Refused(f"you play {player}, not {printable(str(action.player))}")
        try:
            self.match.apply(action)
        except (IllegalActionError, InvalidActionError) as exc:
            # InvalidActionError: what only the engine's verify checks (a message's text
            # with control characters), not the notation
            raise Refused(f"not allowed now: {printable(str(exc))}") from None
        self.changed()

    # ------------------------------------------------------------------ the instructor

    def pause(self) -> None:
        if self.paused:
            return
        self.paused = True
        controls.note(self.match, "paused by the instructor")
        self.changed()

    def resume(self) -> None:
        if not self.paused:
            return
        self.paused = False
        controls.note(self.match, "resumed by the instructor")
        self.changed()

    def news(self, text: str, effects: str = "") -> None:
        self._not_over()
        try:
            controls.publish_news(self.match, text, effects)
        except (InvalidActionError, IllegalActionError) as exc:
            raise Refused(printable(str(exc))) from None
        self.changed()

    def inject(self, inject_id: str) -> None:
        self._not_over()
        known = {e.id for e in controls.injects(self.match)}
        if inject_id not in known:
            raise Refused(
                f"no inject {printable(inject_id[:60])!r} in this scenario "
                f"(injects: {', '.join(sorted(known)) or 'none'})"
            )
        try:
            controls.fire_inject(self.match, inject_id)
        except (InvalidActionError, IllegalActionError) as exc:
            raise Refused(printable(str(exc))) from None
        self.changed()

    def end(self) -> None:
        self._not_over()
        controls.end_early(self.match)
        self.changed()

    async def rollback(self, round_no: int) -> None:
        if self.game.is_over():
            # every seat has been sent the end: all scores and how each was made (every
            # seat's private objectives); a replay would be played with those secrets known
            raise Refused(
                "the game is over and every seat has seen every other seat's objectives "
                "(the end screen); a rolled-back game would be played with them known"
            )
        async with self._lock:  # not while an AI move is being computed on the old game
            try:
                new = controls.rolled_back(self.match, round_no)
            except ValueError as exc:
                raise Refused(str(exc)) from None
            old, self.match = self.match, new
            self._baselines.clear()
            old.close()
            self.match.start()
            self.changed()

    def _not_over(self) -> None:
        if self.game.is_over():
            raise Refused("the game is over")

    # ------------------------------------------------------------------ the room's tasks

    def start(self) -> None:
        self.match.start()
        self._tasks = [
            asyncio.create_task(self._drive(), name=f"room-{self.number}"),
            asyncio.create_task(self._autosave(), name=f"save-{self.number}"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.save_now()
        self.match.close()
        for agent in self._clock_agents.values():
            close = getattr(agent, "close", None)
            if callable(close):
                close()

    async def _drive(self) -> None:
        """Play the AI seats, and the clock's moves, whenever the room is waiting on them.
        A failure here (a bug, a number the engine refuses) pauses this room, not the server."""
        while True:
            try:
                await self._drive_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - one room, not the server
                print(
                    f"tradegame: room {self.number} stopped playing "
                    f"({type(exc).__name__}: {printable(str(exc))[:300]}); it is paused",
                    file=sys.stderr,
                    flush=True,
                )
                self.paused = True
                controls.note(self.match, f"paused after an error ({type(exc).__name__})")
                self.changed()

    async def _drive_once(self) -> None:
        self._changed.clear()
        game = self.game
        if game.is_over():
            self.match.finish()
            await self._changed.wait()
        elif self.paused:
            await self._changed.wait()
        elif (human := self.waiting_for()) is None:
            await self._play_ai()
        elif self.clock is not None:
            left = self.clock_left() or 0.0
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                await self._play_clock(human)
        else:
            await self._changed.wait()

    async def _play_ai(self) -> None:
        async with self._lock:
            match, version = self.match, self.version
            mover = self.game.to_move()
            if mover is None:
                return
            move = await asyncio.to_thread(match.think, match.snapshot(), mover)
            if version != self.version or match is not self.match or self.paused:
                return  # the room changed meanwhile: think again on the new state
            if match.apply_ai(move):
                self.changed()

    async def _play_clock(self, player: str) -> None:
        """The clock ran out on ``player``: its move is passed, or played by the clock agent."""
        from tradegame.agents.base import agent_rng, make_agent, passive_move, safe_move

        async with self._lock:
            match, version = self.match, self.version
            snapshot = match.snapshot()
            if self.clock_agent == "passive":
                action = passive_move(snapshot, player)
            else:
                agent = self._clock_agents.get(player)
                if agent is None:
                    agent = make_agent(
                        self.clock_agent,
                        agent_rng(match.seed, player, self.clock_agent),
                        allow_code=self.clock_code,
                    )
                    self._clock_agents[player] = agent
                action, _ = await asyncio.to_thread(safe_move, agent, snapshot, player)
            if version != self.version or match is not self.match or self.paused:
                return
            controls.note(match, f"{player}'s clock ran out; {self.clock_agent} played {action}")
            match.apply(action)
            self.changed()

    async def _autosave(self) -> None:
        """Save after changes, one save at a time: a burst of moves within
        :data:`SAVE_DELAY` makes one save (a save replays the game to check it)."""
        while True:
            await self._dirty.wait()
            await asyncio.sleep(SAVE_DELAY)
            self._dirty.clear()
            await self.save_now()

    async def save_now(self) -> None:
        from tradegame.saves import SaveError, save_game

        match, version = self.match, self.version
        if version == self.saved_version:
            return
        game = match.game.copy()
        try:
            # readable by this user only, like the codes and the instructor log: a room's
            # save holds every seat's private data (objectives, political costs, messages),
            # and --dir may be a folder others can read
            os.close(os.open(self.save_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as exc:
            print(
                f"tradegame: room {self.number}: cannot write {self.save_path}: "
                f"{printable(str(exc))}",
                file=sys.stderr,
                flush=True,
            )
            return
        try:
            await asyncio.to_thread(
                save_game,
                self.save_path,
                game,
                dict(match.seats),
                scenario_text=match.scenario_text,
                scenario_name=match.scenario_name,
                created=match.created,
            )
        except SaveError as exc:
            print(f"tradegame: room {self.number}: {exc}", file=sys.stderr, flush=True)
            return
        if self.log_path is not None:
            from tradegame.rooms.journal import write_log

            try:
                await asyncio.to_thread(
                    write_log, self.log_path, self.number, list(match.instructor_log)
                )
            except OSError as exc:
                print(
                    f"tradegame: room {self.number}: cannot write {self.log_path}: "
                    f"{printable(str(exc))}",
                    file=sys.stderr,
                    flush=True,
                )
                return
        self.saved_version = version
        self.on_saved(self)


__all__ = ["Refused", "Room"]
