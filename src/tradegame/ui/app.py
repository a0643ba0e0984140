"""The tradegame Textual app: screens, app-wide keys, saving and loading.

The app owns the current :class:`~tradegame.session.match.Match` (the single source of truth); the
game screen renders one player's view of it and sends moves back through the engine.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tradegame.ui.commands import LegalActionsProvider
from tradegame.ui.toasts import Toasts

if TYPE_CHECKING:  # the engine comes with the first game or scenario, after the first paint
    from tradegame.session.match import Match, Scenario


@dataclass
class Options:
    """How the app starts (from ``tradegame play``'s arguments, or from a test)."""

    scenario: str | None = None
    """Bundled name or path preselected on the new-game screen."""
    seats: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    match: Match | None = None
    """A match to play at once (seats given on the command line, or a save to resume)."""
    preloaded: Scenario | None = None
    save_dir: str | os.PathLike[str] | None = None
    """Where saves and autosaves go (default: the saves package's folder)."""
    autosave: bool = True
    ai_delay: float = 0.1
    """Seconds between AI moves in a game with human seats (0 in tests)."""
    spectate_delay: float = 0.5
    """Seconds between moves when only AI seats play (``+``/``-`` change it)."""
    guided: bool = False
    """The guided first game's hints for ``match`` (the new-game screen's ``g`` passes them to
    :meth:`TradeGameApp.begin` for the game it starts; a game begun later has none)."""
    instructor: bool = False
    """Instructor mode: every player's private data, pause, inject, roll back, end early."""
    web: bool = False
    """Served to a browser (``tradegame serve``): the player is not at the host's keyboard, so no
    dialog names a server path and no seat may run code (see ``docs/security.md``)."""
    scenarios: tuple[str, ...] = ()
    """Web mode: the scenario files the host named to ``tradegame serve`` (absolute paths),
    offered besides the bundled ones; a browser can open no other file."""


def game_title(match: Match) -> str:
    """The header's title: whose game this is when it is a team's file (``worlds``)."""
    if match.team is None:
        return TradeGameApp.TITLE
    from tradegame.classroom.roster import team_label
    from tradegame.untrusted import printable

    # The team's name and its file first: an 80-column header cuts a long list of students.
    where = "" if match.home is None else f" · {match.home.name}"
    students = team_label({**match.team, "name": ""}).strip()
    return printable(f"TEAM {match.team['name']}{where}" + (f" {students}" if students else ""))


SETTLE_DELAY = 1.5
"""Seconds after the app mounts before the garbage collector is restarted and start-up's
objects are frozen (see ``ui/memory.py``); also how long after a game screen is replaced
the frozen objects are collected again (the old screen among them)."""
RELEASE_TRIES = 10
"""How many times a closed game screen's release waits SETTLE_DELAY for it to stop, or to be
let go of by what held it a moment."""
KEY_QUIET = 1.0
"""Seconds without a key before that collection runs: it takes 70-120 ms of CPU on this
project's 2-core machine, and a key pressed meanwhile waited for it (one answer in a tenth of a
second or more, against 7-35 ms for any other key). A player reading the new screen has
stopped typing; one who goes on typing defers it, at most KEY_WAITS times."""
KEY_WAITS = 30
MAX_WAITING_DOWNLOADS = 2
"""Web mode: saves asked for and not yet fetched by the browser, at most."""
DOWNLOAD_WAIT = 60.0
"""Seconds after which a download the browser never fetched stops counting."""
PAINT_WAIT = 0.25
"""Seconds :meth:`TradeGameApp.call_after_paint` waits for a frame when none is due (nothing
changed on the screen); while one is due it waits on, up to PAINT_WAIT_MAX."""
PAINT_WAIT_MAX = 10.0
"""Seconds :meth:`TradeGameApp.call_after_paint` waits at most for a frame that is due."""


class TradeGameApp(Toasts):
    """tradegame in the terminal."""

    TITLE = "tradegame"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {LegalActionsProvider}
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "load", "Load", show=False),
        Binding("ctrl+n", "new_game", "New game", show=False),
    ]

    def __init__(self, options: Options | None = None) -> None:
        super().__init__()
        self.options = options or Options()
        self.scenario_cache: dict[str, Scenario] = {}
        if self.options.preloaded is not None:
            self.scenario_cache[self.options.preloaded.source] = self.options.preloaded
        self.match: Match | None = None
        self._autosaver: Any = None
        self._save_lock = threading.Lock()
        self.last_autosave: Path | None = None
        # The game and its moves as last saved or loaded (see _note_saved).
        self._saved: tuple[Match, int, Any] | None = None
        self._private_dir: Path | None = None
        self._remove_private: Any = None
        self._exit_guard: Any = None
        # web mode: downloads not yet fetched by the browser, [time asked, key or None]
        self._downloads: list[list[Any]] = []
        self._after_paint: list[Callable[[], Any]] = []  # see call_after_paint
        self._paint_wait: Any = None
        self._paint_waited = 0.0
        self.releases_done = 0  # see _release_closed_screens; tests wait on it
        self._last_key = 0.0  # time.monotonic() of the last key pressed (see KEY_QUIET)
        self.ready_seen = False
        """Textual's start-up batch is over (see on_ready and GameScreen._compositor_refresh)."""

    # ------------------------------------------------------------------ screens

    def on_mount(self) -> None:
        import asyncio

        from tradegame.ui.memory import FreshContextExecutor, settle_collector

        # Thread workers (saves, bots' moves) must not leave their screen in a pool thread.
        asyncio.get_running_loop().set_default_executor(
            FreshContextExecutor(thread_name_prefix="asyncio")
        )
        # The first screen is drawn by then (and a game screen's tabs are mounted).
        self.set_timer(SETTLE_DELAY, settle_collector)
        self._guard_exit()
        o = self.options
        if o.match is not None:
            self.begin(o.match, guided=o.guided)
        else:
            from tradegame.ui.screens.setup import SetupScreen

            self.push_screen(SetupScreen(o.scenario, o.seats, o.seed))

    async def on_event(self, event: Any) -> None:
        from textual import events

        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def on_ready(self) -> None:
        """Textual lays out and draws the first screen while its start-up batch is still open,
        and drops that frame; the parts that did not change afterwards (a game's status line,
        its tab titles) were then not drawn until they changed: "Your move" came two frames
        (50-80 ms of CPU) late. Ready comes after that batch: the whole screen is marked for
        the next frame (Textual has no public call for it; without the attribute, as before)."""
        self.ready_seen = True
        compositor = getattr(self.screen, "_compositor", None)
        dirty = getattr(compositor, "_dirty_regions", None)
        if compositor is not None and isinstance(dirty, set):
            dirty.add(compositor.size.region)
            self.screen.refresh()

    def call_after_paint(self, callback: Callable[[], Any]) -> None:
        """Call ``callback`` once the next frame has gone to the terminal (at most PAINT_WAIT
        seconds from now). Textual's ``call_after_refresh`` runs before the screen's update
        timer draws the frame: work it starts (mounting a hidden tab, a worker thread that
        imports the loader) delayed the first screen by 15-40 ms of CPU. Headless (tests),
        nothing is drawn: as ``call_after_refresh``."""
        if self.is_headless:
            self.call_after_refresh(callback)
            return
        self._after_paint.append(callback)
        if self._paint_wait is None:
            self._paint_waited = 0.0
            self._paint_wait = self.set_timer(PAINT_WAIT, self._paint_overdue)

    def _paint_overdue(self) -> None:
        """No frame came within PAINT_WAIT: run the waiting work now, unless a frame is still
        due (on a loaded machine, or under a profiler, the first frame can take longer than
        that to draw: the work then came before it, and the talks tab's mount delayed
        "Your move"). A frame that never comes is waited for PAINT_WAIT_MAX at most."""
        self._paint_wait = None
        self._paint_waited += PAINT_WAIT
        if self._after_paint and self._paint_waited < PAINT_WAIT_MAX and self.frame_due():
            self._paint_wait = self.set_timer(PAINT_WAIT, self._paint_overdue)
            return
        self._painted()

    def frame_due(self) -> bool:
        """Whether the top screen has a frame to draw that is not yet on the terminal: the
        app's start-up batch is not over, or Textual (private attributes; without them, no)
        has a layout, a repaint or changed widgets waiting for the screen's update timer."""
        if not self.ready_seen:
            return True
        screen = self.screen
        return any(
            bool(getattr(screen, name, False))
            for name in ("_layout_required", "_repaint_required", "_dirty_widgets")
        )

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        """Textual's (private) writing of a frame to the terminal; see :meth:`call_after_paint`.
        A test checks that Textual still has it."""
        super()._display(screen, renderable)
        if self._after_paint and renderable is not None and not self._batch_count:
            self._painted()

    def _painted(self) -> None:
        if self._paint_wait is not None:
            self._paint_wait.stop()
            self._paint_wait = None
        waiting, self._after_paint = self._after_paint, []
        for callback in waiting:
            self.call_later(callback)

    def _show(self, screen: Screen[Any]) -> None:
        """Make ``screen`` the only screen above the default one."""
        if screen.id is not None and any(s.id == screen.id for s in self.screen_stack):
            # A new game screen replacing the old one (a rollback, a load during a game):
            # the old one must be gone before the new one (same id) is mounted.
            self.call_later(self._replace_all, screen)
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) == 2:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    async def _replace_all(self, screen: Screen[Any]) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(screen)

    def start_new_match(
        self, scenario: Scenario, seed: int, seats: dict[str, str], *, guided: bool = False
    ) -> None:
        """Start a game from the new-game screen's choices (``guided``: the guided first game,
        with hints)."""
        from tradegame.agents.base import AgentSpecError
        from tradegame.session.match import Match

        # Seats chosen at this keyboard may run code; chosen in a browser, never.
        code_seats = () if self.options.web else scenario.rules.player_ids
        try:
            match = Match(
                scenario.rules,
                seed,
                seats,
                scenario_name=scenario.source,
                scenario_text=scenario.text,
                code_seats=code_seats,
            )
        except AgentSpecError as exc:
            self.show_error("An agent cannot be loaded", str(exc))
            return
        self.begin(match, guided=guided)

    def begin(self, match: Match, *, paused: bool = False, guided: bool = False) -> None:
        """Play ``match`` (a new game or a loaded one) on a fresh game screen; ``guided``: with
        the guided first game's hints (only the game ``g`` starts: a save loaded after it, or
        any other game, has none)."""
        from tradegame.ui.screens.game import GameScreen

        if self.match is not None and self.match is not match:
            self.match.close()
            self._recollect_later()
        self.match = match
        self._note_saved(match, match.game)  # new or loaded: no move of it to lose yet
        self.title = game_title(match)
        self._autosaver = None
        if self.options.autosave:
            # After the first paint: the save format's module imports pydantic, which a game
            # started from the cache of checked scenarios otherwise never needs before it.
            self.call_after_refresh(self._start_autosave, match)
        self._show(
            GameScreen(
                match,
                ai_delay=self.options.ai_delay,
                spectate_delay=self.options.spectate_delay,
                instructor=self.options.instructor,
                paused=paused,
                guided=guided,
            )
        )
        for notice in match.seat_notices.values():  # a loaded save's seats not started
            self.notify(notice, title="Seat not started", severity="warning", timeout=60)
            match.incidents.append(notice)
        match.seat_notices = {}

    def _recollect_later(self) -> None:
        """The screens up now are being replaced (a new game): once they are gone, let go of
        what still holds them (see :meth:`_release_closed_screens`)."""
        import weakref

        leaving = [weakref.ref(screen) for screen in self.screen_stack[1:]]
        self._release_later(leaving, RELEASE_TRIES)

    def _release_later(
        self, leaving: list[Any], tries: int, delay: float = 0.0, waits: int = KEY_WAITS
    ) -> None:
        """On the event loop with an empty context: a Textual timer would run in a copy of the
        current one, which names the screen handling the key (the old game's) as the active
        one, so that screen would be alive, and frozen again, when collected."""
        import asyncio
        import contextvars

        asyncio.get_running_loop().call_later(
            delay or SETTLE_DELAY,
            self._release_closed_screens,
            leaving,
            tries,
            waits,
            context=contextvars.Context(),
        )

    def _release_closed_screens(self, leaving: list[Any], tries: int, waits: int) -> None:
        """Free the screens closed since :meth:`_recollect_later` was called (``leaving``:
        weak references), once they have stopped and nothing holds them; until then, a moment
        later (at most RELEASE_TRIES times).

        Textual remembers the last 1,024 uses of a method of the object that draws each
        widget's borders and padding (an ``lru_cache`` on ``StylesCache.get_inner_outer``,
        holding that object and every line it drew): each game left kept about 16,000 objects
        there, up to the cache's size (memory grew by about 19 MB over 12 games, then
        stayed). And a screen that was up when start-up's objects were frozen is collected
        only if they are released (``ui/memory.py``)."""
        from textual._styles_cache import StylesCache

        from tradegame.ui.memory import recollect

        if self._closing or self._closed:
            return
        stack = self.screen_stack
        gone = [s for s in (ref() for ref in leaving) if s is not None and s not in stack]
        # A screen's message task ends after its widgets have closed (Textual keeps the task
        # in a private attribute: without it, the screen is taken as closed).
        closing = [s for s in gone if s.is_running or getattr(s, "_task", None) is not None]
        if closing and tries > 1:
            self._release_later(leaving, tries - 1, waits=waits)  # still closing its widgets
            return
        del closing
        del gone, stack
        typing = KEY_QUIET - (time.monotonic() - self._last_key)
        if typing > 0 and waits > 0:  # the collection would hold up the next key
            self._release_later(leaving, tries, delay=typing, waits=waits - 1)
            return
        cache_clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
        if cache_clear is not None:  # a later Textual may not have it
            cache_clear()
        if recollect() and tries > 1 and self._still_held(leaving):
            # Held for a moment (a callback of the old screen that Textual runs once the next
            # screen is idle, on a loaded machine): frozen again, so until the next try.
            self._release_later(leaving, tries - 1, waits=waits)
            return
        self.releases_done += 1

    def _still_held(self, leaving: list[Any]) -> bool:
        stack = self.screen_stack
        return any(s is not None and s not in stack for s in (ref() for ref in leaving))

    def _start_autosave(self, match: Match) -> None:
        if match is not self.match or self._autosaver is not None:
            return
        from tradegame.session.persistence import Autosave, PersistenceError

        try:
            self._autosaver = Autosave(match, self.autosave_dir())
        except (PersistenceError, ValueError) as exc:
            self.notify(
                "Autosave is off" + ("." if self.options.web else f": {exc}"),
                severity="warning",
            )

    def show_error(self, title: str, message: str) -> None:
        from tradegame.ui.screens.dialogs import MessageDialog

        self.push_screen(MessageDialog(title, message))

    def _load_ended(self, note: str, match: Match | None, error: str = "") -> None:
        """A load in a worker has ended: its toast goes; the game begins or the error shows."""
        self.withdraw_notice(note)
        if match is not None:
            self.begin(match)
        else:
            self.show_error("This save cannot be loaded", error)

    # ------------------------------------------------------------------ app-wide keys

    async def action_quit(self) -> None:
        """Quit; during a game, ask first (ctrl+q twice quits at once)."""
        from tradegame.ui.screens.dialogs import ConfirmDialog

        if (
            self.match is None
            or self.match.game.is_over()
            or isinstance(self.screen, ConfirmDialog)
            and self.screen.id == "confirm-quit"
        ):
            self.exit()
            return

        def answer(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(
            ConfirmDialog(
                "Quit tradegame? The game autosaves at the end of "
                "every round; moves since then are lost unless you "
                "save now (ctrl+s)."
                if self._moves_unsaved(self.match)
                else "Quit tradegame? Every move of this game is saved.",
                yes="Quit",
                no="Stay",
                id="confirm-quit",
            ),
            answer,
        )

    def action_help(self) -> None:
        from tradegame.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_new_game(self) -> None:
        from tradegame.ui.screens.dialogs import ConfirmDialog
        from tradegame.ui.screens.setup import SetupScreen

        def go(confirmed: bool | None) -> None:
            if confirmed:
                if self.match is not None:
                    self.match.close()
                    self.match = None
                    self._recollect_later()
                    # Its notes (a talks answer shows for 8 s) are about a game now gone.
                    self.clear_notifications()
                self._show(SetupScreen(self.options.scenario, {}, None))

        if self.match is None or self.match.game.is_over():
            go(True)
        else:
            self.push_screen(
                ConfirmDialog(
                    "Leave this game for a new one? Save it first "
                    "(ctrl+s) if you want to come back to it; the last "
                    "autosave is from the start of this round.",
                    yes="New game",
                    no="Stay",
                ),
                go,
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Save only while there is a game: the new-game screen showed ``^s Save`` (and ctrl+s
        there said "no game to save yet")."""
        if action == "save":
            return self.match is not None
        return True

    def action_save(self) -> None:
        from tradegame.session.persistence import (
            earlier_save_of,
            save_dir,
            save_target,
            suggested_path,
        )
        from tradegame.ui.screens.dialogs import ConfirmDialog, PathDialog

        match = self.match
        if match is None:
            self.notify("There is no game to save yet.", severity="warning")
            return
        if self.options.web:  # a download: nothing is written where a browser could name
            if self._downloads_waiting():
                self.notify(
                    "The last save is still on its way to your browser; save again in a moment.",
                    severity="warning",
                )
                return
            entry: list[Any] = [time.monotonic(), None]
            self._downloads.append(entry)
            self._download(match, match.snapshot(), entry)
            return
        default = suggested_path(match, save_dir(self.options.save_dir))

        snapshot = match.snapshot()  # the game as it is now, whatever happens while asked

        def write(path: str) -> None:
            if self.match is match:
                self._save(path, match, snapshot)

        def chosen(path: str | None) -> None:
            if not path or self.match is not match:
                return
            target = save_target(path, default.name)  # a folder: the default name in it
            if not target.exists() or earlier_save_of(target, match, snapshot):
                write(str(target))  # nothing there, or this game's own earlier save
                return

            def confirmed(replace: bool | None) -> None:
                if replace:
                    write(str(target))
                else:
                    self.notify("Not saved.", severity="warning")

            what = "a folder" if target.is_dir() else "a file"
            self.push_screen(
                ConfirmDialog(
                    f"{target} is already {what}. Replace it with this game?",
                    yes="Replace",
                    no="Cancel",
                    default_yes=False,
                ),
                confirmed,
            )

        self.push_screen(PathDialog("Save the game to", str(default), button="Save"), chosen)

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, path: str, match: Match, snapshot: Any) -> None:
        from tradegame.session.persistence import PersistenceError, save

        try:
            with self._save_lock:
                written = save(path, match, game=snapshot)
        except PersistenceError as exc:
            self.call_from_thread(self.show_error, "The game was not saved", str(exc))
            return
        self._note_saved(match, snapshot)
        self.call_from_thread(self.notify, f"Saved to {written}", title="Saved")

    def _note_saved(self, match: Match, game: Any) -> None:
        """``game`` (``match``'s game or a copy of it) was saved or loaded: its moves are
        not lost at quit. Its last move is kept too, to tell a game rolled back and played
        again to the same length. (One attribute replaced whole: saves note from threads.)"""
        actions = game.actions
        self._saved = (match, len(actions), actions[-1] if actions else None)

    def _moves_unsaved(self, match: Match) -> bool:
        """Whether ``match`` has moves since it was last saved or loaded."""
        saved = self._saved
        actions = match.game.actions
        if saved is None or saved[0] is not match or saved[1] != len(actions):
            return True
        return bool(actions) and actions[-1] is not saved[2]

    # ------------------------------------------------------------------ web mode

    def autosave_dir(self) -> Path | None:
        """Where autosaves go: the save folder; in web mode a folder private to this process
        (made on first use, removed at exit), so no session sees another's games."""
        if not self.options.web:
            return Path(self.options.save_dir) if self.options.save_dir is not None else None
        if self._private_dir is None:
            import shutil
            import tempfile
            import weakref

            self._private_dir = Path(tempfile.mkdtemp(prefix="tradegame-web-"))  # mode 0700
            # removed when the app unmounts, or at the latest when Python exits
            self._remove_private = weakref.finalize(
                self, shutil.rmtree, self._private_dir, ignore_errors=True
            )
        return self._private_dir

    @work(thread=True, group="save", exit_on_error=False)
    def _download(self, match: Match, snapshot: Any, entry: list[Any]) -> None:
        """Web mode's save: the save goes to the browser as a download, never to a file."""
        import io

        from tradegame.session.persistence import PersistenceError, save_bytes

        try:
            name, data = save_bytes(match, snapshot)
        except PersistenceError as exc:
            self.call_from_thread(self._forget_download, entry)
            self.call_from_thread(self.show_error, "The game was not saved", str(exc))
            return
        entry[1] = self.call_from_thread(
            self.deliver_binary,
            io.BytesIO(data),
            save_filename=name,
            open_method="download",
            mime_type="application/json",
        )
        self._note_saved(match, snapshot)
        self.call_from_thread(
            self.notify,
            f"Your browser downloads {name}; to resume, load (ctrl+o) and paste it.",
            title="Saved",
        )

    def _web_load(self) -> None:
        from tradegame.session.persistence import list_saves
        from tradegame.ui.screens.dialogs import WebLoadDialog

        entries = list_saves(self.autosave_dir())

        def chosen(choice: tuple[str, str] | None) -> None:
            if choice is None:
                return
            kind, value = choice
            if kind == "text":
                note = "Loading the pasted save…"
                self.notify(note)
                self._load_text(value, None, note)
            elif kind == "autosave" and value.isdigit() and int(value) < len(entries):
                entry = entries[int(value)]
                note = f"Loading {entry.path.name}…"
                self.notify(note)
                self._load_text(None, entry.path, note)

        self.push_screen(WebLoadDialog([e.label for e in entries]), chosen)

    @work(thread=True, group="load", exit_on_error=False)
    def _load_text(self, text: str | None, own: Path | None, note: str = "") -> None:
        """Load pasted text, or one of this session's autosaves (``own``, named by its file
        name alone in messages)."""
        from tradegame.saves import MAX_SAVE_BYTES
        from tradegame.session.persistence import PASTED, PersistenceError, load_text
        from tradegame.untrusted import FileRefused, read_regular_file

        shown = PASTED if own is None else own.name
        try:
            if own is not None:
                try:
                    data: str | bytes = read_regular_file(own, MAX_SAVE_BYTES, what="save file")
                except FileRefused as exc:
                    raise PersistenceError(f"{shown}: {exc}") from None
            else:
                data = text or ""
            match = load_text(data, shown)
        except PersistenceError as exc:
            self.call_from_thread(self._load_ended, note, None, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown to the player, never a traceback
            self.call_from_thread(
                self._load_ended, note, None, f"{shown}: {type(exc).__name__}: {exc}"
            )
            return
        self.call_from_thread(self._load_ended, note, match)

    # ------------------------------------------------------------------ loading

    def action_load(self) -> None:
        from tradegame.session.persistence import list_saves, save_dir
        from tradegame.ui.screens.dialogs import LoadDialog

        if self.options.web:  # no path: this session's autosaves, or a pasted save
            self._web_load()
            return
        folder = save_dir(self.options.save_dir)

        def chosen(path: str | None) -> None:
            if path:
                self.load_path(path)

        self.push_screen(LoadDialog(list_saves(folder), str(folder)), chosen)

    def load_path(self, path: str) -> None:
        """Load a save in a worker; errors (corrupt, tampered, missing) show in a dialog."""
        if self.options.web:  # a browser never names a path on this machine
            return
        note = f"Loading {path}…"
        self.notify(note)
        self._load(path, note)

    @work(thread=True, group="load", exit_on_error=False)
    def _load(self, path: str, note: str = "") -> None:
        from tradegame.session.persistence import PersistenceError, load

        try:
            match = load(path)
        except PersistenceError as exc:
            self.call_from_thread(self._load_ended, note, None, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown to the player, never a traceback
            self.call_from_thread(
                self._load_ended, note, None, f"{path}: {type(exc).__name__}: {exc}"
            )
            return
        self.call_from_thread(self._load_ended, note, match)

    def autosave(self, match: Match) -> None:
        """Autosave after a round (in a worker thread, on a snapshot of the game)."""
        if match is not self.match:
            return
        self._start_autosave(match)  # if the round ended before the first paint's call came
        if self._autosaver is None:
            return
        self._autosave(self._autosaver, match.snapshot())

    @work(thread=True, group="autosave", exit_on_error=False)
    def _autosave(self, saver: Any, snapshot: Any) -> None:
        from tradegame.session.persistence import PersistenceError

        try:
            with self._save_lock:
                path = saver.write(snapshot)
        except PersistenceError as exc:
            shown = "" if self.options.web else f": {exc}"  # no server path in a browser
            self.call_from_thread(self.notify, f"Autosave failed{shown}", severity="warning")
            return
        self.last_autosave = path
        if not self.options.web:  # (web mode's autosaves go with the process)
            self._note_saved(saver.match, snapshot)

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and a reminder of the rules (F1)", self.action_help)
        yield SystemCommand("Save game", "Save the game to a file (ctrl+s)", self.action_save)
        yield SystemCommand("Load game", "Resume a saved game (ctrl+o)", self.action_load)
        yield SystemCommand(
            "New game", "Choose a scenario and seats (ctrl+n)", self.action_new_game
        )

    # ------------------------------------------------------------------ leaving

    def _guard_exit(self) -> None:
        """Autosave and exit on SIGTERM, SIGHUP or a lost terminal (see ui/lifecycle.py)."""
        if self.is_headless:  # tests (Pilot): no signals, no terminal
            return
        import asyncio

        from tradegame.ui.lifecycle import ExitGuard

        self._exit_guard = ExitGuard(asyncio.get_running_loop(), self._save_on_exit, self._leave)
        self._exit_guard.install(watch_terminal=not self.is_web)

    def _save_on_exit(self) -> str | None:
        """Autosave the game as it is now; a line saying where (None: nothing to save)."""
        from tradegame.session.persistence import PersistenceError

        match = self.match
        if match is None or match.game.is_over():
            return None
        if self._autosaver is None and self.options.autosave:
            # The terminal went right after the first paint, before the autosaver was
            # started (it starts after that paint: see begin).
            from tradegame.session.persistence import Autosave

            try:
                self._autosaver = Autosave(match, self.autosave_dir())
            except (PersistenceError, ValueError) as exc:
                return f"the autosave failed: {exc}"
        saver = self._autosaver
        if saver is None:
            return None
        try:
            with self._save_lock:  # an autosave under way in a worker finishes first
                path = saver.write(match.snapshot())
        except PersistenceError as exc:
            return f"the autosave failed: {exc}"
        self.last_autosave = path
        return f"the game was autosaved to {path}"

    def _leave(self, code: int, note: str) -> None:
        from rich.text import Text

        from tradegame.untrusted import printable

        self.exit(return_code=code, message=Text(printable(note)))

    def _downloads_waiting(self) -> bool:
        """Whether enough downloads wait for the browser to fetch them. Each one's bytes stay in
        this process until fetched: a client that asked for saves and never fetched them grew
        a game by 200 KB a save. One not fetched within a minute no longer counts."""
        now = time.monotonic()
        self._downloads[:] = [e for e in self._downloads if now - e[0] < DOWNLOAD_WAIT]
        return len(self._downloads) >= MAX_WAITING_DOWNLOADS

    def _download_done(self, key: str) -> None:
        self._downloads[:] = [e for e in self._downloads if e[1] != key]

    def _forget_download(self, entry: list[Any]) -> None:
        self._downloads[:] = [e for e in self._downloads if e is not entry]

    def on_delivery_complete(self, event: Any) -> None:
        self._download_done(event.key)

    def on_delivery_failed(self, event: Any) -> None:
        self._download_done(event.key)

    def on_unmount(self) -> None:
        if self._exit_guard is not None:
            self._exit_guard.uninstall()
        if self._remove_private is not None:
            self._remove_private()  # web mode's private autosave folder
        if self.match is not None:
            self.match.close()


__all__ = ["Options", "TradeGameApp"]
