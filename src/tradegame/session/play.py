"""What the game screen asks of a game: :class:`PlaySession`, local or remote.

The game screen (``tradegame.ui.screens.game``) shows one game to the people at this keyboard
and sends their moves. It asks only the questions below, so the same screen plays:

- a **local** game, :class:`tradegame.session.match.Match`: the engine game is here, AI seats
  move here (in worker threads), previews are computed here, the game is autosaved here;
- a **remote** seat, :class:`tradegame.rooms.remote_seat.RemoteSeat`: the game is on a room
  server; this side holds only what the server sent for its one seat (its view, and on its
  turn the legal moves), sends moves with the version it saw, and hears of every change
  through :attr:`PlaySession.on_change`. The server forbids what a seat may not do there (no
  saves of the whole game, no instructor controls); everything else is the same screen.

Every answer is about what the viewer may see: a remote seat could not answer otherwise.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tradegame.engine import Action, Term
from tradegame.engine.scoring import Projection


@dataclass(frozen=True)
class TalksNow:
    """The talks session in progress, as a party to it may see it."""

    pair: tuple[str, str]
    exchanges: int
    offer: tuple[Term, ...] | None
    offer_by: str | None


@dataclass(frozen=True)
class Notice:
    """A line for the player from elsewhere (the server): ``error`` for a refused move."""

    text: str
    error: bool = False
    title: str = ""


class PlaySession(ABC):
    """One game as the people at this keyboard play it (see the module docstring)."""

    local: bool = True
    """The whole game is in this process (AI seats, previews, saves and instructor controls
    run here); False for a seat of a room server."""
    seats: dict[str, str]
    """Player → ``human`` or the agent spec (what this side knows of it)."""
    incidents: list[str]
    """Agent failures shown to a spectator (local games)."""
    on_change: Callable[[Notice | None], None] = staticmethod(lambda notice: None)
    """Called (on the UI's event loop) when the game changed elsewhere, with a line to show
    (a refusal, the connection's state) or None. Local games change only through the screen."""

    # ------------------------------------------------------------------ fixed facts

    @property
    @abstractmethod
    def title(self) -> str: ...

    @property
    @abstractmethod
    def player_ids(self) -> tuple[str, ...]: ...

    @property
    @abstractmethod
    def sector_names(self) -> dict[str, str]: ...

    @property
    def export_boosts(self) -> dict[str, tuple[str, float]]:
        """What a level of each regulatory item does, public in the scenario: item id ->
        (sector id, share by which the receiver's exports of that sector to the giver rise per
        level unit). Empty when not known (the levels then read "level 1")."""
        return {}

    @property
    @abstractmethod
    def limits(self) -> tuple[int, int]:
        """``(max_terms, max_orders)``."""

    @property
    @abstractmethod
    def humans(self) -> tuple[str, ...]:
        """The seats played at this keyboard."""

    @property
    def hot_seat(self) -> bool:
        return len(self.humans) > 1

    def is_human(self, player: str | None) -> bool:
        """Whether ``player`` is played at this keyboard."""
        return player is not None and player in self.humans

    @abstractmethod
    def player_name(self, player: str) -> str: ...

    def status_note(self) -> str:
        """A few words for the status line (a remote seat: its room, a pause)."""
        return ""

    # ------------------------------------------------------------------ the state now

    @property
    @abstractmethod
    def version(self) -> int:
        """Changes with every change of the game."""

    @abstractmethod
    def to_move(self) -> str | None: ...

    @abstractmethod
    def phase(self) -> str: ...

    @abstractmethod
    def round(self) -> int: ...

    @abstractmethod
    def is_over(self) -> bool: ...

    def can_move(self, player: str) -> bool:
        """Whether ``player`` (at this keyboard) may move now (a paused room: no)."""
        return self.to_move() == player and self.is_human(player) and not self.is_over()

    @abstractmethod
    def view_json(self, viewer: str | None) -> dict[str, Any]:
        """``game.view(viewer).to_json()``."""

    def public_view_json(self) -> dict[str, Any]:
        """``game.view(SPECTATOR).to_json()``: what every player may see, nobody's own data
        (the shared screens of a hot-seat game). Only a game held here has it."""
        raise NotImplementedError("the public view of a game held elsewhere")

    @abstractmethod
    def talks_now(self) -> TalksNow | None:
        """The talks session in progress (None when none, or when this side cannot see it)."""

    @abstractmethod
    def talks_partner(self, player: str) -> str | None: ...

    @abstractmethod
    def deal_items(self, player: str, partner: str) -> list[str]: ...

    @abstractmethod
    def legal_orders(self, player: str, staged: Sequence[Action]) -> list[Action]: ...

    @abstractmethod
    def palette_moves(self, player: str, staged: Sequence[Action], limit: int) -> list[Action]:
        """At most ``limit`` of ``player``'s legal moves now (orders: those it may add)."""

    @abstractmethod
    def can(self, action: Action) -> bool:
        """Whether ``action`` may be played now (as far as this side can tell)."""

    def projected(self, player: str) -> float | None:
        """The score ``player`` would end with if nobody did anything more (None: unknown)."""
        return None

    def score_breakdown(self) -> dict[str, list[dict[str, Any]]]:
        """Every player's objectives and points (only once the game is over)."""
        return {}

    # ------------------------------------------------------------------ moves

    @abstractmethod
    def play(self, action: Action) -> bool:
        """Play a talks move (or any move that is not a staged order). Local: applied now,
        True when it resolved a round; raises IllegalActionError. Remote: sent; False (the
        change, or a refusal, arrives through :attr:`on_change`)."""

    @abstractmethod
    def check_orders(self, player: str, staged: Sequence[Action]) -> None:
        """Raise IllegalActionError when ``staged`` may not all be given now."""

    @abstractmethod
    def send_orders(self, player: str, staged: Sequence[Action]) -> bool:
        """Give ``staged`` and end the turn (``Done``); as :meth:`play`."""

    @property
    def can_preview(self) -> bool:
        return True

    @abstractmethod
    async def preview(self, player: str, actions: Sequence[Action]) -> Projection:
        """``what_if``: ``player``'s projection of ``actions``. Raises IllegalActionError
        when they are not possible, :class:`PreviewUnavailable` with a reason otherwise."""

    # ------------------------------------------------------------------ life

    def start(self) -> None:  # noqa: B027 - optional hook
        """The game is shown (local: agents' start hooks)."""

    def finish(self) -> None:  # noqa: B027 - optional hook
        """The game is over and its end shown."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the session holds."""


class RemotePlay(PlaySession):
    """A seat whose game is elsewhere: :meth:`run` keeps the connection (in the UI's event
    loop) and sets :attr:`ready` once the first view is here, or :attr:`refusal` says why
    the seat was not given."""

    local = False
    ready: asyncio.Event
    refusal: str | None

    @abstractmethod
    async def run(self) -> None: ...


class PreviewUnavailable(Exception):
    """No preview now; ``str()`` says why in a few words."""


__all__ = ["Notice", "PlaySession", "PreviewUnavailable", "RemotePlay", "TalksNow"]
