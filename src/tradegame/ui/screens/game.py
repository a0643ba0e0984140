"""The game screen: the status line, five tabs (dashboard, talks, orders, log, briefing) and
the loop that lets AI seats move in worker threads and hands the keyboard from one human seat
to the next (behind a curtain in hot-seat games).

It renders only ``game.view(viewer)``: ``viewer`` is the human at the keyboard (or, in a game
without human seats, the spectator's chosen viewpoint).

The game comes from a :class:`~tradegame.session.play.PlaySession`: a local
:class:`~tradegame.session.match.Match` (AI seats move here, previews and autosaves are made
here, the instructor's controls apply) or a seat of a room server
(:class:`tradegame.rooms.remote_seat.RemoteSeat`: the same screen, fed by what the server sends for
that seat; changes made elsewhere arrive through ``session.on_change``).
"""

from __future__ import annotations

import asyncio
import functools
import sys
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from tradegame.engine import SPECTATOR, Action, Done, IllegalActionError
from tradegame.engine import Message as EngineMessage
from tradegame.engine.actions import ORDER_KINDS
from tradegame.session.match import AiMove, Match
from tradegame.session.play import Notice, PlaySession, PreviewUnavailable
from tradegame.session.text import Names, describe, projection_lines
from tradegame.ui.widgets.common import ActionChosen, CutText, Frame, PreviewWanted
from tradegame.ui.widgets.dashboard import Dashboard, status_text
from tradegame.ui.widgets.keys import KeyFooter, TitleHeader
from tradegame.ui.widgets.report import marks_of, resolved_rounds, result_lines, round_report
from tradegame.ui.widgets.tabs import GameTabs

if TYPE_CHECKING:
    from textual.widget import Widget

    from tradegame.ui.app import TradeGameApp
    from tradegame.ui.toasts import Toasts
    from tradegame.ui.widgets.orders import OrdersPanel

TABS = ("dashboard", "talks", "orders", "log", "briefing")
TALKS_TOAST = "Talks"
"""The title of a talks result's toast (see GameScreen._talks_toast)."""
INSTRUCTOR_TAB = "instructor"
INSTRUCTOR_ACTIONS = frozenset({"toggle_pause", "step", "inject", "news", "rollback", "end_early"})
"""The instructor's keys: the footer's second line in instructor mode."""
FIRST_TAB = "dashboard"
TAB_TITLES = {
    "dashboard": "Dashboard",
    "talks": "Talks",
    "orders": "Orders",
    "log": "Log",
    "briefing": "Briefing",
    INSTRUCTOR_TAB: "Instructor",
}
SPEEDS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0)
"""Seconds between AI moves (spectating: ``+``/``-`` move along this list)."""
PREVIEW_DEBOUNCE = 0.12
PREPARE_DELAY = 0.3
"""Seconds after the view changed before the hidden log and briefing are brought up to date
(while the player reads: showing the tab then only paints what it already holds)."""
PREPARED_TABS = ("log", "briefing")
"""Tabs updated while hidden (see PREPARE_DELAY). The log updated when shown wrote the new
entries, then scrolled to them after the first repaint: two repaints, 70-120 ms of CPU."""
NO_PREVIEW = "Previews are not offered for this game."
PALETTE_SCAN = 600
"""How many legal talks moves the command palette looks through (deals are never all listed:
there are millions; type a move's notation to play any of them)."""


def _prefetch_modules() -> None:
    """Import what a tab shown later needs (in a worker thread, after the first paint)."""
    import rich.markdown  # noqa: F401  (the briefing)


def _ignore_change(notice: Notice | None) -> None:
    """A session's ``on_change`` once its game screen is gone."""


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an unexpected exception in a game-screen step into a message (never a traceback
    on the player's screen); the game and its autosaves are left as they were."""

    @functools.wraps(method)
    def wrapper(self: GameScreen, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            self.report_bug(method.__name__, exc)
            return None

    return wrapper


class GameScreen(Screen[None]):
    """One match in progress."""

    BINDINGS = [
        # Tab keys move the focus, so they are priority bindings: they run as the key
        # arrives and the keys typed right after reach the new tab (a text field keeps its
        # digits: see check_action).
        Binding("1", "tab('dashboard')", "Dashboard", show=False, priority=True),
        Binding("2", "tab('talks')", "Talks", show=False, priority=True),
        Binding("3", "tab('orders')", "Orders", show=False, priority=True),
        Binding("4", "tab('log')", "Log", show=False, priority=True),
        Binding("5", "tab('briefing')", "Briefing", show=False, priority=True),
        Binding("a", "talks('accept')", "Accept"),
        Binding("r", "talks('reject')", "Reject"),
        Binding("p", "talks('pass')", "Pass"),
        Binding("ctrl+d", "done", "Done"),
        Binding("space", "toggle_pause", "Pause/run"),
        Binding("n", "step", "Step"),
        Binding("plus,equals_sign", "speed(-1)", "Faster", key_display="+"),
        Binding("minus", "speed(1)", "Slower", key_display="-"),
        Binding("v", "cycle_view", "View as"),
        Binding("e", "show_end", "Results"),
        Binding("6", "tab('instructor')", "Instructor", show=False, priority=True),
        Binding("i", "inject", "Inject"),
        Binding("w", "news", "Write news"),
        Binding("b", "rollback", "Roll back"),
        Binding("ctrl+e", "end_early", "End game"),
        Binding("h", "toggle_hints", "Hints", show=False),
    ]
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's, without the repaint: Textual repainted the whole screen whenever the focus
    moved, a second full frame on every tab key (about 20 ms of CPU at 100×30). What the focus
    changes is drawn by the widgets concerned: their ``:focus`` and ``:focus-within`` styles
    are updated, and each repaints itself."""
    DEFAULT_CSS = """
    GameScreen #status { height: auto; padding: 0 1; background: $boost; }
    /* The instructor's footer has two lines: toasts stand above both. */
    GameScreen.-instructor ToastRack { margin-bottom: 2; }
    GameScreen.hidden #tabs { display: none; }
    """

    def __init__(
        self,
        session: PlaySession,
        *,
        ai_delay: float = 0.1,
        spectate_delay: float = 0.5,
        instructor: bool = False,
        paused: bool = False,
        guided: bool = False,
    ) -> None:
        super().__init__(id="game")
        self.guided = guided
        """The guided first game: hints on at the start (``h`` toggles them)."""
        self.session = session
        self.instructor = instructor and session.local
        """Instructor mode: the instructor tab, pause for any game, inject, roll back, end."""
        self.tabs: tuple[str, ...] = (*TABS, INSTRUCTOR_TAB) if self.instructor else TABS
        self.set_class(self.instructor, "-instructor")
        humans = session.humans
        self.viewer: str | None = humans[0] if len(humans) == 1 else None
        self.hidden = len(humans) > 1
        self.staged: list[Action] = []
        self.paused = paused
        spectating = not humans
        wanted = spectate_delay if spectating else ai_delay
        self.speed_index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - wanted))
        self.frame: Frame | None = None
        self.message = ""
        self._message_round = 0
        """The round the message was said in: a new round drops it (its report says what
        became of it; "You sent 0 orders and ended your turn." stayed into the next turn)."""
        self._status_shown: tuple[Text, int] | None = None
        """The status lines last drawn (drawn again only when they change)."""
        self._ai_timer: Timer | None = None
        self._ai_busy = False
        self._news_text = ""
        self._ended = False
        self._turn_key: tuple[Any, ...] | None = None
        self._preview_timer: Timer | None = None
        self._prepare_timer: Timer | None = None
        self._pending_previews: dict[str, list[Action]] = {}
        self._preview_ids: dict[str, int] = {}
        self._preview_counter = 0
        self._dirty: set[str] = set(self.tabs)
        self._mounting: dict[str, asyncio.Event] = {}
        self._tab_requests = 0
        """Counts tab changes asked for: a switch the program deferred until its panel was
        mounted is dropped when the player chose a tab meanwhile."""
        """Panels mounted after the screen (each tab's when first shown, or while idle)."""
        self._warming = False
        self._first_frame = False
        """The frame of the first paint is being built: the round's projection waits."""
        self._resumed = False
        """Resumed once (see _on_screen_resume)."""
        self._wanted_tab: str | None = None
        """The last tab a switch waited to mount (mounted first by the warm-up)."""
        self._bindings_key: tuple[Any, ...] | None = None
        self._done_dialog: Any = None
        self._move_dialog: Any = None
        self._sector_names = session.sector_names
        self._export_boosts = session.export_boosts
        self._round_seen = session.round()
        self.hints = False
        """One-line hints on what to try next (the guided first game; ``h`` toggles)."""
        self._log_seen: dict[str | None, int] = {}
        self._reported: dict[str | None, int] = {}
        if session.is_over():
            # A finished game opened again (a team's file after class): its last round was
            # reported when it was played, so the results come at once, with no curtain and
            # report per player first. A rollback resets this (see _announce).
            self._reported = dict.fromkeys(session.humans, sys.maxsize)
        self._watch_reported: int | None = None
        """Watching: how many resolved rounds the watcher's reports have covered."""
        self._watch_marks: dict[int, dict[str, Any]] = {}
        """Watching: the public view's numbers at the start of each round."""
        self._report_open = False
        """A watcher's round report is up (or about to be): AI play waits for it."""
        self._toast_after_report: str | None = None
        """The talks line that came with a round report, shown once the report is closed."""
        self.round_marks: dict[str | None, dict[int, dict[str, Any]]] = {}
        """Per viewer, the numbers its view showed at the start of each round (the round
        reports compare against them)."""
        self.sub_title = session.title
        session.on_change = self._changed_elsewhere

    @property
    def match(self) -> Match:
        """The local game (AI seats, autosaves, the instructor's controls: local only)."""
        assert isinstance(self.session, Match), "a local game only"
        return self.session

    @property
    def tg_app(self) -> TradeGameApp:
        # The local game's app: only for what a local game alone does (autosaves, new games);
        # the room client (ui/remote.py) runs this screen too, with the same toast rules.
        return cast("TradeGameApp", self.app)

    @property
    def spectating(self) -> bool:
        return not self.session.humans

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield TitleHeader()
        yield Static(id="status")
        # No panel yet: the first frame shows none (the shown tab is filled once that frame is
        # on the terminal, and the turn usually shows another), and each panel is mounted when
        # its tab is first shown or while the player reads (start-up: the five panels were
        # about 55 widgets before the first paint; the dashboard's, blank there, 6% of it).
        titles = [(tab, f"{n} {TAB_TITLES[tab]}") for n, tab in enumerate(self.tabs, 1)]
        yield GameTabs(titles, FIRST_TAB, id="tabs")
        # The teacher's keys on a line of their own: after the player's keys they were cut
        # at 80 columns (i Inject, w Write news, b Roll back, ^e End game out of sight).
        yield KeyFooter(second_line=INSTRUCTOR_ACTIONS if self.instructor else frozenset())

    def _new_panel(self, tab: str) -> Widget:
        """The panel of ``tab`` (its widgets' modules are imported here, when first needed)."""
        panel_id = f"{tab}-panel"
        if tab == "dashboard":
            return Dashboard(id=panel_id)
        if tab == "talks":
            from tradegame.ui.widgets.talks import TalksPanel

            return TalksPanel(id=panel_id)
        if tab == "orders":
            from tradegame.ui.widgets.orders import OrdersPanel

            return OrdersPanel(id=panel_id)
        if tab == "log":
            from tradegame.ui.widgets.logbook import LogPanel

            return LogPanel(id=panel_id)
        if tab == "briefing":
            from tradegame.ui.widgets.logbook import BriefingPanel

            return BriefingPanel(id=panel_id)
        from tradegame.ui.widgets.instructor import InstructorPanel

        return InstructorPanel(self.match, id=panel_id)

    def panel(self, tab: str) -> Widget | None:
        """The panel of ``tab``, or None while it is not mounted (or still mounting)."""
        mounting = self._mounting.get(tab)
        if mounting is not None and not mounting.is_set():
            return None
        found = self.query(f"#{tab}-panel")
        return found.first() if found else None

    async def _mount_panel(self, tab: str) -> None:
        """Mount the panel of ``tab`` if it is not yet (once: a second caller waits)."""
        if tab not in self.tabs:
            return
        mounting = self._mounting.get(tab)
        if mounting is not None:
            await mounting.wait()
            return
        if self.query(f"#{tab}-panel"):
            return  # composed with the screen
        mounting = self._mounting[tab] = asyncio.Event()
        try:
            await self.query_one(GameTabs).add_panel(self._new_panel(tab))
        finally:
            mounting.set()
        if tab == self.query_one(GameTabs).active and tab in self._dirty and not self.hidden:
            self._update_tab(tab)  # mounted where it is shown: filled now

    async def _warm_up(self) -> None:
        """After the first paint, while the player reads: mount the next tab's panel, one a
        refresh, so that a tab shown later is ready (its modules imported, its widgets
        mounted); the briefing's Markdown parser is imported in a thread meanwhile."""
        if not self.is_attached:
            return
        if not self._warming:
            self._warming = True
            # The thread once the first frame is on the terminal (TradeGameApp; a room's
            # RemoteApp: now): it would hold the GIL while the frame is drawn.
            prefetch = functools.partial(
                self.run_worker,
                _prefetch_modules,
                thread=True,
                group="prefetch",
                exit_on_error=False,
            )
            after_paint = getattr(self.app, "call_after_paint", None)
            if after_paint is not None:
                after_paint(prefetch)
            else:
                prefetch()
        # The tab a switch waits for first, then the shown one, then the others in order.
        active = self.query_one(GameTabs).active
        for tab in sorted(self.tabs, key=lambda t: (t != self._wanted_tab, t != active)):
            if tab not in self._mounting and not self.query(f"#{tab}-panel"):
                await self._mount_panel(tab)
                self.call_after_refresh(self._warm_up)
                return
        self._schedule_prepare()

    def _schedule_prepare(self) -> None:
        """Update the hidden log and briefing a moment after the view changed (see
        PREPARE_DELAY)."""
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = self.set_timer(PREPARE_DELAY, self._prepare_hidden)

    @guarded
    def _prepare_hidden(self) -> None:
        """Update the log's and the briefing's panels while their tabs are hidden, and draw
        the briefing at the width it will be shown at (its Markdown took about 30 ms to draw,
        twice, when the tab was shown). Only the viewer's own frame, never behind a
        curtain."""
        self._prepare_timer = None
        if self.hidden or self.frame is None:
            return
        for tab in PREPARED_TABS:
            if tab in self._dirty and self.panel(tab) is not None:
                self._update_tab(tab)
        briefing = self.panel("briefing")
        if briefing is not None:
            briefing.prepare()  # type: ignore[attr-defined]

    def _compositor_refresh(self) -> None:
        """Textual's (private) drawing of a frame. Inside the app's start-up batch it drew the
        whole screen and dropped it (``App._display`` writes nothing during a batch): as long
        as drawing the frame written after, about 5% of the CPU to the first paint. Until the
        app is ready (TradeGameApp.on_ready, which marks the whole screen for the next frame)
        nothing is drawn; the screen asks for a repaint instead, so nothing is lost if the
        batch ends otherwise."""
        app = self.app
        if app._batch_count and not getattr(app, "ready_seen", True) and self is app.screen:
            self._repaint_required = True
            return
        super()._compositor_refresh()

    async def _on_resize(self, event: events.Resize) -> None:
        """The screen's size: too small, a notice (``too_small``); a new size, laid out by
        Textual's own handler (Screen's private ``_on_resize``, which Textual calls after this
        one). Textual laid the whole screen out again on every Resize, also one to the size
        it had just laid it out at: the game screen's first layout sent it such a Resize (the
        screen is among the widgets a layout shows) and the app another once idle, three
        layouts before the first frame where one does. A Resize to the size of the last layout
        changes nothing (a widget that changes asks for a layout itself): Textual's handler is
        not called for it."""
        from tradegame.ui.screens.too_small import check_size

        check_size(self)
        size = getattr(getattr(self, "_compositor", None), "size", None)
        if size and event.size == size:
            event.stop()
            event.prevent_default()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual's handler (Screen's, called after this one) applies the stylesheet again to
        every widget of a screen shown again. Pushed, the game screen is resumed once its
        widgets are mounted, each already styled as it was mounted (a class or focus change
        since restyled its own widgets): that first time, the styles are not applied again
        (8 M instructions before the first paint). Every later resume (a dialog closed, a
        theme changed meanwhile) applies them, as before."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    def on_screen_resume(self) -> None:
        # A dialog closed over the Talks tab: the talks toasts it held are not shown again.
        if self._shows_talks():
            self._talks_shown()

    def on_mount(self) -> None:
        self.session.on_change = self._changed_elsewhere
        self.hints = self.guided and bool(self.session.humans)
        self.session.start()
        self.set_class(self.hidden, "hidden")
        # The status line, the tabs and the keys first; once that frame is on the terminal,
        # the turn (which shows the tab its decision is made in: mounting the talks panel took
        # 16 ms of CPU), the shown tab's panel if the turn showed no other (the dashboard's
        # tables, drawn for the first frame, were replaced by the talks tab a moment later)
        # and the other panels, one at a time (start-up: the briefing's Markdown alone took
        # about 30 ms). Behind a curtain (hot seat) the curtain comes first; headless (tests),
        # nothing is drawn: after the refresh.
        later = getattr(self.app, "call_after_paint", None)
        if later is None or self.hidden or self.app.is_headless:
            later = self.call_after_refresh
        if not self.hidden:
            self._first_frame = True  # see _after_first_frame
            self.refresh_view(panels=False)
        else:
            self._clear_status()
        later(self._after_first_frame)
        later(self.advance)
        later(self._fill_shown_tab)
        later(self._warm_up)
        if isinstance(self.session, Match) and (self.session.round() > 1 or self.session.is_over()):
            self.call_after_refresh(self._recall_round_starts)

    def _recall_round_starts(self) -> None:
        """A game this screen did not play from its start (a save loaded): the numbers each
        round's report compares against were noted live at each round's start and are not
        saved, so the reports of the rounds before the save lacked the tariffs that moved and
        the projected score. They are replayed from the game's actions, in a thread."""
        if not self.is_attached:
            return
        match = self.match
        viewers: tuple[str | None, ...] = match.humans or (None, *match.rules.player_ids)
        self._replay_round_starts(match, match.snapshot(), viewers)

    @work(thread=True, group="round-starts", exit_on_error=False)
    def _replay_round_starts(
        self, match: Match, snapshot: Any, viewers: tuple[str | None, ...]
    ) -> None:
        worker = get_current_worker()
        found: dict[str | None, dict[int, dict[str, Any]]] = {v: {} for v in viewers}
        for game in Match.round_starts(snapshot):
            if worker.is_cancelled:
                return
            for viewer in viewers:
                mark = marks_of(game.view(viewer).to_json())
                if viewer is not None:  # as build_frame notes it live
                    projected = match.projected(viewer, game)
                    if projected is not None:
                        mark["projected"] = projected
                found[viewer][int(game.round)] = mark
        if not worker.is_cancelled:
            self.app.call_from_thread(self._round_starts_recalled, found)

    def _round_starts_recalled(self, found: dict[str | None, dict[int, dict[str, Any]]]) -> None:
        if not self.is_attached:
            return
        for viewer, rounds in found.items():
            self.round_marks.setdefault(viewer, {}).update(rounds)
        if self.frame is None:
            return
        # The dashboard's sparklines start at round 1's start (dashboard._since_start).
        self._dirty.add("dashboard")
        log = self.panel("log")
        if log is not None:
            log.rewrite()  # type: ignore[attr-defined]
            self._dirty.add("log")
        active = self.query_one(GameTabs).active
        if not self.hidden and active in ("log", "dashboard") and self.panel(active) is not None:
            self._update_tab(active)
        else:
            self._schedule_prepare()

    def on_unmount(self) -> None:
        self._stop_timers()
        if self.session.on_change == self._changed_elsewhere:
            # The match may outlive this screen (``Options.match`` keeps the game that
            # ``tradegame play`` started): it must not keep the screen.
            self.session.on_change = _ignore_change

    def _stop_timers(self) -> None:
        for timer in (self._ai_timer, self._preview_timer, self._prepare_timer):
            if timer is not None:
                timer.stop()
        self._ai_timer = None
        self._preview_timer = None
        self._prepare_timer = None

    # ------------------------------------------------------------------ the view

    def build_frame(self) -> Frame:
        m = self.session
        viewer = self.viewer
        view = m.view_json(viewer)
        mover = m.to_move()
        my_turn = self.is_my_turn()
        partner = m.talks_partner(viewer) if my_turn and viewer is not None else None
        deal_items = m.deal_items(viewer, partner) if partner and viewer else []
        orders: list[Action] = []
        if my_turn and viewer is not None and m.phase() == "orders":
            orders = m.legal_orders(viewer, self.staged)
        max_terms, max_orders = m.limits
        marks = self.round_marks.setdefault(viewer, {})
        round_no = int(view.get("round", 0))
        if round_no not in marks:
            marks[round_no] = marks_of(view)
        if not self._first_frame:
            self._note_projection(viewer, marks[round_no])
        return Frame(
            view=view,
            viewer=viewer,
            names=Names(view, self._sector_names, export_boosts=self._export_boosts),
            my_turn=my_turn,
            mover=mover,
            mover_seat=m.seats.get(mover, "") if mover else "",
            partner=partner,
            deal_items=deal_items,
            legal_orders=orders,
            staged=list(self.staged),
            incidents=list(m.incidents) if self.spectating else [],
            max_terms=max_terms,
            max_orders=max_orders,
            seats=dict(m.seats),
            marks=marks,
        )

    def _note_projection(self, viewer: str | None, mark: dict[str, Any]) -> None:
        """The score ``viewer`` would end with if nobody did anything more, noted in the
        round's ``mark`` when first seen: what the round report compares (the view has no
        score until the end). A remote seat gets it from the server with the round's first
        update."""
        m = self.session
        if viewer is not None and not m.is_over() and "projected" not in mark:
            projected = m.projected(viewer)
            if projected is not None:
                mark["projected"] = projected

    def _note_round_start(self) -> None:
        """A move just resolved a round: note the new round's start for the people at the
        keyboard now, before more moves are played. Noted when first seen instead, it was
        noted wherever the next frame found the game (AI seats play on in one batch), and a
        projection made later in the round answers another question: its chance is drawn
        for the phase (engine ``projection._projection_rng``), so it moves with no move."""
        m = self.session
        if m.is_over():
            return
        round_no = m.round()
        for viewer in {*m.humans, self.viewer}:
            marks = self.round_marks.setdefault(viewer, {})
            if round_no not in marks:
                marks[round_no] = marks_of(m.view_json(viewer))
                self._note_projection(viewer, marks[round_no])

    def _after_first_frame(self) -> None:
        """The first frame is on the terminal: note the projection its frame left out (a
        play-out to the end of the game, not shown in it), before anything moves."""
        self._first_frame = False
        frame = self.frame
        if frame is not None and self.is_attached:
            mark = self.round_marks.get(frame.viewer, {}).get(int(frame.view.get("round", 0)))
            if mark is not None:
                self._note_projection(frame.viewer, mark)

    async def _fill_shown_tab(self) -> None:
        """The shown tab's panel, mounted and filled after the first frame and the turn,
        unless a tab change was asked for by then (the turn's, or the player's key: that tab
        is filled when shown)."""
        if self.hidden or self._tab_requests:
            return
        await self._mount_panel(self.query_one(GameTabs).active)  # filled as it is mounted

    @guarded
    def refresh_view(self, full: bool = False, panels: bool = True) -> None:
        """Rebuild the frame and update the status line and the panels (the active tab now,
        the others when they are shown — all of them when the viewer changed; none with
        ``panels=False``: they are all left to update when shown)."""
        if self.hidden:
            return
        frame = self.build_frame()
        self.frame = frame
        self._announce(frame)
        with self.app.batch_update():
            self._show_status(frame)
            self._dirty = set(self.tabs)
            active = self.query_one(GameTabs).active or FIRST_TAB
            for tab in (self.tabs if full else (active,)) if panels else ():
                self._update_tab(tab)
        self._refresh_bindings_if_changed()
        if any(tab in self._dirty and self.panel(tab) is not None for tab in PREPARED_TABS):
            self._schedule_prepare()

    def _announce(self, frame: Frame) -> None:
        """Say what happened since this viewer last looked: a line for each talks result in
        the status bar, and the round report after a resolution (a dialog for a player at
        the keyboard; the log keeps every report)."""
        key = frame.viewer
        log = frame.view.get("log", [])
        seen = self._log_seen.get(key)
        self._log_seen[key] = len(log)
        rounds = resolved_rounds(frame.view)
        if seen is not None and seen > len(log):
            self.message = ""  # a rollback: the last exchange's result no longer holds
        if self._message_round != self.session.round():
            self.message = ""
        if seen is None or seen > len(log):
            self._reported[key] = len(rounds)
            if self.spectating:
                self._report_to_watcher()  # notes where the watcher's reports start
            return  # the first look at this game: nothing new to announce
        # Over: no talks line (ended early, every seat's passes to the end came back as
        # "JP made no proposal to US. JP made no proposal to US." under "The game is over.").
        lines = [] if self.session.is_over() else result_lines(log[seen:], key)
        if lines:
            self.message = " ".join(lines)
            self._message_round = self.session.round()
        if self.spectating:
            self._report_to_watcher()
            return
        toast = " ".join(result_lines(log[seen:], key, where=True)) if lines else None
        if (
            len(rounds) <= self._reported.get(key, len(rounds))
            or not self.session.is_human(key)
            or (self.session.is_over() and self.session.hot_seat)  # see _hot_seat_reports
            or (self.session.hot_seat and self.session.to_move() != key)
        ):
            # (hot seat: the curtain comes next; this player reads it at the next turn)
            self._talks_toast(toast)
            return
        self._reported[key] = len(rounds)
        report = round_report(frame.view, rounds[-1], frame.marks)
        # The talks line waits until the report is closed: at 80×24 the toast covered the
        # report's button (the status line says it meanwhile).
        self._toast_after_report = toast
        self.call_after_refresh(self._show_report, report)

    def _talks_toast(self, message: str | None) -> None:
        """A toast of a talks result, for a player looking elsewhere: decided once the turn
        has shown its tab (queued after it). On the Talks tab, which shows the offer, there
        is none: it repeated the status line and covered the preview for 8 s."""
        if message:
            self.call_later(self._raise_talks_toast, message)

    def _raise_talks_toast(self, message: str) -> None:
        if not self.is_attached or self._shows_talks():
            return
        # (the room client's app shows this screen too: both apps have the toast rules)
        cast("Toasts", self.app).notify_after_dialogs(message, title=TALKS_TOAST, timeout=8)

    def _shows_talks(self) -> bool:
        """Whether the Talks tab is what the player sees now (no dialog over this screen, no
        switch to another tab waiting for its panel)."""
        return (
            not self.hidden
            and self.app.screen is self
            and self.query_one(GameTabs).active == "talks"
            and self.panel("talks") is not None
            and self._wanted_tab in (None, "talks")
        )

    def _talks_shown(self) -> None:
        """The Talks tab is shown: a talks toast up (or held by a dialog) goes."""
        withdraw = getattr(self.app, "withdraw_toasts", None)
        if withdraw is not None:
            withdraw(TALKS_TOAST)

    def _public_view(self) -> dict[str, Any]:
        """What any spectator may see: the engine's public view (a room's spectator is sent
        nothing else). A watcher's round reports are made from it alone, whichever seat the
        screen shows, so they never say more than the public record."""
        if isinstance(self.session, Match):
            data: dict[str, Any] = self.session.game.view(SPECTATOR).to_json()
            return data
        return self.session.view_json(None)

    def _report_to_watcher(self) -> None:
        """Watching (no human seat): the report of each newly resolved round, from the public
        view; AI play waits until it is closed."""
        view = self._public_view()
        rounds = resolved_rounds(view)
        if not self.session.is_over():
            self._watch_marks.setdefault(int(view.get("round", 0)), marks_of(view))
        if self._watch_reported is None or self._watch_reported > len(rounds):
            self._watch_reported = len(rounds)  # the first look: nothing new yet
            return
        if len(rounds) <= self._watch_reported:
            return
        # Every round since the last report (AI moves shown without a pause may resolve
        # several rounds at once).
        report = Text("\n\n").join(
            round_report(view, r, self._watch_marks) for r in rounds[self._watch_reported :]
        )
        self._watch_reported = len(rounds)
        self._report_open = True
        self.call_after_refresh(self._show_report, report)

    def _show_report(self, report: Text) -> None:
        from tradegame.ui.screens.report import RoundReportDialog

        if (
            self.is_attached
            and not self.hidden
            and not any(isinstance(screen, RoundReportDialog) for screen in self.app.screen_stack)
        ):
            self._report_open = self.spectating
            self.app.push_screen(RoundReportDialog(report), self._report_closed)
        else:
            self._report_open = False
            self._talks_toast(self._toast_after_report)
            self._toast_after_report = None

    def _report_closed(self, _: None = None) -> None:
        self._talks_toast(self._toast_after_report)
        self._toast_after_report = None
        if self._report_open:
            self._report_open = False
            self.advance()

    def _refresh_bindings_if_changed(self) -> None:
        """The footer rebuilds itself on every binding refresh: only ask when the keys that
        apply have changed (whose turn, phase, an offer on the table, staged orders)."""
        talks = self.session.talks_now()
        key = (
            self.is_my_turn(),
            self.session.phase(),
            talks.offer is not None if talks else None,
            bool(self.staged),
            self.spectating,
            self.paused,
            self.hidden,
        )
        if key != self._bindings_key:
            self._bindings_key = key
            self.refresh_bindings()

    @guarded
    def _update_tab(self, tab: str) -> None:
        panel = self.panel(tab)
        if self.frame is None or panel is None:
            return  # a panel not mounted yet stays dirty: it is updated when first shown
        self._dirty.discard(tab)
        # each tab's panel class has update_frame (the instructor's also paused)
        if tab == INSTRUCTOR_TAB:
            panel.paused = self.paused  # type: ignore[attr-defined]
        panel.update_frame(self.frame)  # type: ignore[attr-defined]

    @on(GameTabs.TabActivated)
    async def _tab_activated(self, event: GameTabs.TabActivated) -> None:
        tab = event.tab
        await self._mount_panel(tab)  # a tab clicked with the mouse
        if tab in self._dirty and not self.hidden:
            self._update_tab(tab)
        if tab == "talks" and not self.hidden:
            self._talks_shown()
        if self.frame is not None and not self.hidden:
            self._show_status(self.frame)  # the turn hint names the tab unless it is shown

    def _hint(self, frame: Frame) -> str:
        from tradegame.ui.widgets.hints import next_hint

        return next_hint(frame) if self.hints else ""

    def action_toggle_hints(self) -> None:
        self.hints = not self.hints
        self.say("Hints on (h turns them off)." if self.hints else "Hints off (h turns them on).")

    def _status_extra(self) -> str:
        """The status bar's last part: the room's note and the watcher's or instructor's
        state first, always in the same place, then the message, which a cut shortens (at
        80×24 the instructor's "(space resumes outside ..." was cut after a talks result).
        The footer shows the keys; the watcher's line said them too, and was cut."""
        parts = []
        note = self.session.status_note()
        if note:
            parts.append(note)
        if self.spectating and not self.session.is_over():
            state = "paused" if self.paused else f"running, {SPEEDS[self.speed_index]:g} s a move"
            parts.append(f"Watching AI seats: {state}; view: {self.viewer or 'all'}")
        elif self.instructor and not self.session.is_over():
            # On the instructor's own talks move the talks list takes space (In/out), and
            # the footer shows that, not the pause.
            where = (
                " outside the talks list"
                if self.is_my_turn()
                and self.session.phase() == "talks"
                and self.frame is not None
                and self.frame.deal_items  # else no list is shown (talks.TalksPanel)
                else ""
            )
            # (not "Instructor: ...": the instructor knows, and at 80×24 "Inject pharma_232
            # fired." was cut after it)
            parts.append(
                f"AI PAUSED (space resumes{where})"
                if self.paused
                else f"AI running (space pauses{where})"
            )
        if self.message:
            parts.append(self.message)
        return "  ".join(parts)

    def say(self, message: str) -> None:
        """A short line in the status bar (kept until the next move; dropped at a curtain)."""
        if self.hidden:
            return
        self.message = message
        self._message_round = self.session.round()
        if self.frame is not None and not self.hidden:
            self._show_status(self.frame)

    def _show_status(self, frame: Frame) -> None:
        # Three lines; with hints four, as a hint fills the second and more (at 80×24 "US
        # accepts JP's offer (d1); it goes to ..." was cut after "JP's"). A cut ends in "…".
        text = status_text(
            frame,
            self._status_extra(),
            self._hint(frame),
            paused=self.paused,
            here=self.query_one(GameTabs).active,
        )
        shown = (text, 4 if self.hints else 3)
        if shown == self._status_shown:
            return  # (a tab switch that changes nothing in it does not lay it out again)
        self._status_shown = shown
        self.query_one("#status", Static).update(CutText(*shown))

    def _clear_status(self) -> None:
        self._status_shown = None
        self.query_one("#status", Static).update("")

    def report_bug(self, where: str, exc: BaseException) -> None:
        """Show an unexpected error as a message; details go to the Textual log."""
        from tradegame.ui.screens.dialogs import MessageDialog

        self._ai_busy = False
        self.log.error("".join(traceback.format_exception(exc)))
        self.app.push_screen(
            MessageDialog(
                "Something went wrong",
                f"{type(exc).__name__}: {exc} (in {where}).\n\nThe game itself is unchanged and "
                f"was autosaved at the start of the round; save it now (ctrl+s) and please report "
                f"this with the save file.",
            )
        )

    def error(self, message: str, title: str = "Not allowed") -> None:
        """An illegal move or a failed command: a toast and a line in the status bar."""
        self.app.notify(message, title=title, severity="error", timeout=8)
        self.say(f"{title}: {message}")

    # ------------------------------------------------------------------ whose move

    @guarded
    def advance(self) -> None:
        """Decide what happens next: the end, a human's turn (curtain first in hot-seat when
        the player changes), or an AI move after the current delay."""
        if not self.is_attached:
            return
        if self.session.is_over():
            self._show_end()
            return
        mover = self.session.to_move()
        if self.session.is_human(mover):
            assert mover is not None
            if mover != self.viewer or self.hidden:
                if self.session.hot_seat:
                    self._raise_curtain(mover)
                    return
                self.viewer = mover
                self.refresh_view(full=True)
            self._begin_turn()
        elif self.session.local:
            self._schedule_ai()
        # a remote seat waits: the server's next change comes through _changed_elsewhere

    def _begin_turn(self) -> None:
        """When a new decision starts, show the tab it is made in."""
        if not self.is_my_turn():
            return  # a paused room
        talks = self.session.talks_now()
        phase = self.session.phase()
        key = (
            self.session.round(),
            phase,
            talks.pair if talks else None,
            talks.exchanges if talks else None,
            self.viewer,
        )
        if key == self._turn_key:
            return
        self._turn_key = key
        self.show_tab("talks" if phase == "talks" else "orders")

    def _raise_curtain(self, player: str) -> None:
        from tradegame.ui.screens.curtain import CurtainScreen

        self.hidden = True
        self.set_class(True, "hidden")
        self.message = ""
        self.app.clear_notifications()
        self._clear_status()
        self._clear_briefing()
        self.viewer = None
        self.staged = []
        self.frame = None
        self.app.push_screen(
            CurtainScreen(player, self.session.player_name(player)), self._curtain_lifted
        )

    @guarded
    def _curtain_lifted(self, player: str | None) -> None:
        if player is None or not self.is_attached:
            return
        self.viewer = player
        self.hidden = False
        self._turn_key = None
        self.refresh_view(full=True)
        self.set_class(False, "hidden")
        self.advance()

    def _show_end(self) -> None:
        from tradegame.ui.screens.end import EndScreen

        if self._ended:
            return
        self._ended = True
        self.session.finish()
        # The last turn's line ("You sent no orders and ended your turn.") stayed under "The
        # game is over." when the player went back to the game from the results.
        self.message = ""
        if self.session.hot_seat:
            # Several people share the screen: the results are public, nobody's private view
            # is shown (the game screen stays behind the curtain).
            self.hidden = True
            self.set_class(True, "hidden")
            self.viewer = None
            self._clear_briefing()
            self._hot_seat_reports(list(self.session.humans))
            return
        self.refresh_view(full=True)
        frame = self.frame or self.build_frame()
        self.app.push_screen(EndScreen(frame, breakdown=self.score_breakdown()))

    def _hot_seat_reports(self, players: list[str]) -> None:
        """The end of a hot-seat game: each player's report of the last round behind their
        own curtain (as after every other round), then the public results."""
        from tradegame.ui.screens.curtain import CurtainScreen
        from tradegame.ui.screens.end import EndScreen
        from tradegame.ui.screens.report import RoundReportDialog

        while players:
            player = players.pop(0)
            view = self.session.view_json(player)
            rounds = resolved_rounds(view)
            if rounds and self._reported.get(player, 0) < len(rounds):
                self._reported[player] = len(rounds)
                report = round_report(view, rounds[-1], self.round_marks.get(player, {}))

                def lifted(who: str | None, report: Text = report) -> None:
                    self.app.push_screen(
                        RoundReportDialog(report), lambda _: self._hot_seat_reports(players)
                    )

                self.app.push_screen(
                    CurtainScreen(player, self.session.player_name(player)), lifted
                )
                return
        # The public view, never a seat's own with parts removed: a seat's view also holds
        # its private log (its talks, its orders), its costs and its political costs.
        view = self.session.public_view_json()
        frame = Frame(
            view=view,
            viewer=None,
            names=Names(view, self._sector_names, export_boosts=self._export_boosts),
        )
        self.app.push_screen(EndScreen(frame, can_go_back=False, breakdown=self.score_breakdown()))

    def score_breakdown(self) -> dict[str, list[dict[str, Any]]]:
        """Every player's objectives and the points each earned (only once the game is over:
        until then a player's objectives are private)."""
        if not self.session.is_over():
            return {}
        try:
            return self.session.score_breakdown()
        except Exception as exc:  # the end screen still shows the scores
            self.log.error(f"score breakdown: {exc!r}")
            return {}

    # ------------------------------------------------------------------ AI seats

    def _schedule_ai(self) -> None:
        if (
            not self.session.local
            or self._ai_busy
            or self._ai_timer is not None
            or self.paused
            or self._report_open
        ):
            return
        self._ai_timer = self.set_timer(max(SPEEDS[self.speed_index], 0.001), self._run_ai)

    def _run_ai(self, step: bool = False) -> None:
        self._ai_timer = None
        if (self.paused and not step) or self._report_open:
            return
        game = self.match.game
        mover = game.to_move()
        if mover is None or self.session.is_human(mover) or self._ai_busy:
            return
        self._ai_busy = True
        # Without a pause between moves, think through all consecutive AI moves at once and
        # show the result in one refresh (the log still lists every move).
        batch = SPEEDS[self.speed_index] == 0 and not self.paused
        self._think(self.match.snapshot(), mover, batch)

    @work(thread=True, exclusive=True, group="ai", exit_on_error=False)
    def _think(self, snapshot: Any, player: str, batch: bool) -> None:
        moves: list[AiMove] = []
        try:
            moves = (
                self.match.think_ahead(snapshot) if batch else [self.match.think(snapshot, player)]
            )
        finally:
            # Always hand back, even if thinking failed: _ai_busy must not stay set (the AI
            # seats would stop for good, showing "is moving…").
            self._call(self._ai_done, moves)

    def _call(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback`` on the UI thread (from a worker); quietly skip if the app is gone."""
        try:
            self.app.call_from_thread(callback, *args)
        except Exception:
            pass

    @guarded
    def _ai_done(self, moves: list[AiMove]) -> None:
        self._ai_busy = False
        if not self.is_attached:
            return
        rounds = len(self.match.game.round_hashes)
        applied = False
        for move in moves:
            if not self.match.apply_ai(move):
                break
            applied = True
            if len(self.match.game.round_hashes) != rounds:
                self.tg_app.autosave(self.match)
                rounds = len(self.match.game.round_hashes)
                self.staged = []
                self._note_round_start()
        if applied:
            self.after_move(False, clear=self.spectating)
        else:
            self.advance()

    @guarded
    def _changed_elsewhere(self, notice: Notice | None) -> None:
        """The game changed where this screen did not change it (a room server): show it,
        and go on as after any move. Staged orders go when their round is over."""
        if not self.is_attached:
            return
        if self.session.round() != self._round_seen or self.session.is_over():
            self._round_seen = self.session.round()
            self.staged = []
        if notice is not None and notice.error:
            self.refresh_view()
            self.error(notice.text, title=notice.title or "Refused")
            self.advance()
            return
        self.after_move(False, clear=False)
        if notice is not None:
            self.say(notice.text)

    # ------------------------------------------------------------------ human moves

    def after_move(self, round_resolved: bool, clear: bool = True) -> None:
        """Show the game after a move; ``clear`` drops the status line's message (an AI's
        move keeps it, so the result of the player's last exchange stays in view)."""
        if round_resolved:
            self.staged = []
            if self.session.local:
                self.tg_app.autosave(self.match)
                self._note_round_start()
        if clear:
            self.message = ""
        self.refresh_view()
        self.advance()

    @on(ActionChosen)
    def _action_chosen(self, event: ActionChosen) -> None:
        event.stop()
        self.play(event.action)

    def is_my_turn(self) -> bool:
        return not self.hidden and self.viewer is not None and self.session.can_move(self.viewer)

    @guarded
    def play(self, action: Action) -> None:
        """Play a human's move: a talks move now, an order into the staged list, Done after
        the summary. Illegal moves are refused with the engine's reason."""
        if not self.is_my_turn():
            self.error("it is not your move now")
            return
        assert self.viewer is not None
        if action.player != self.viewer:
            self.error(f"that is a move for {action.player}, and you are {self.viewer}")
            return
        phase = self.session.phase()
        if phase == "orders" and isinstance(action, Done):
            self.open_done()
            return
        if phase == "orders" and action.kind in ORDER_KINDS:
            self.stage(action)
            return
        try:
            resolved = self.session.play(action)
        except IllegalActionError as exc:
            self.error(str(exc))
            return
        names = self.frame.names if self.frame else None
        self.after_move(resolved)
        if names is not None:
            if self.message.startswith(f"{self.viewer} "):
                # The result says what you did ("US accepts JP's offer (d1); it goes to
                # ratification at resolution."): "You: Accept the offer on the table." before
                # it said it twice, and at 80×24 the status bar cut the result's end.
                self.say(self.message)
            else:
                results = f" {self.message}" if self.message else ""
                self.say(f"You: {describe(action, names)}.{results}")

    @guarded
    def stage(self, action: Action) -> None:
        try:
            self.session.check_orders(self.viewer or "", [*self.staged, action])
        except IllegalActionError as exc:
            self.error(str(exc))
            return
        self.staged.append(action)
        names = self.frame.names if self.frame else None
        self.refresh_view()
        if names is not None:
            self.say(f"Staged: {describe(action, names)} (sent when you press Done).")

    def on_orders_panel_unstage(self, event: OrdersPanel.Unstage) -> None:
        """OrdersPanel.Unstage (by its handler name: the orders module loads with its tab)."""
        event.stop()
        if self.staged:
            removed = self.staged.pop(event.index)
            self.refresh_view()
            if self.frame is not None:
                self.say(f"Removed: {describe(removed, self.frame.names)}.")

    def open_done(self) -> None:
        from tradegame.ui.screens.dialogs import DoneDialog

        if not self.is_my_turn() or self.session.phase() != "orders":
            return
        names = self.frame.names if self.frame else Names({})
        dialog = DoneDialog([describe(a, names) for a in self.staged])
        self._done_dialog = dialog
        self.app.push_screen(dialog, self._done_answer)
        self._request_preview("done", list(self.staged))

    @guarded
    def _done_answer(self, confirmed: bool | None) -> None:
        self._done_dialog = None
        if not confirmed or not self.is_my_turn():
            return
        viewer = self.viewer
        assert viewer is not None
        try:
            resolved = self.session.send_orders(viewer, list(self.staged))
        except IllegalActionError as exc:
            self.error(str(exc))
            return
        sent = len(self.staged)
        self.staged = []
        self.after_move(resolved)
        if not resolved:  # (else the round's report says them, and this round is over)
            orders = f"{sent or 'no'} order{'s' if sent != 1 else ''}"
            self.say(f"You sent {orders} and ended your turn.")

    # ------------------------------------------------------------------ previews (workers)

    @on(PreviewWanted)
    def _preview_wanted(self, event: PreviewWanted) -> None:
        event.stop()
        self._request_preview(event.key, event.actions)

    def _request_preview(self, key: str, actions: list[Action]) -> None:
        self._preview_counter += 1
        self._preview_ids[key] = self._preview_counter
        self._pending_previews[key] = actions
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DEBOUNCE, self._flush_previews)

    def _flush_previews(self) -> None:
        self._preview_timer = None
        if not self._pending_previews or self.viewer is None:
            return
        pending = [(k, self._preview_ids[k], a) for k, a in self._pending_previews.items()]
        self._pending_previews = {}
        self._preview_worker(self.viewer, self.session.version, pending)

    @work(group="preview", exit_on_error=False)
    async def _preview_worker(
        self, viewer: str, version: int, pending: list[tuple[str, int, list[Action]]]
    ) -> None:
        """Each preview in turn (local: computed in a thread on a copy of the game taken
        now; remote: asked of the server, which may refuse)."""
        worker = get_current_worker()
        for key, request, actions in pending:
            if worker.is_cancelled or version != self.session.version:
                return
            projection, error = None, None
            if not self.session.can_preview:
                error = NO_PREVIEW
            else:
                try:
                    projection = await self.session.preview(viewer, actions)
                except IllegalActionError as exc:
                    error = f"not possible now: {exc}"
                except PreviewUnavailable as exc:
                    error = f"no preview: {exc}"
                except Exception as exc:
                    error = f"no preview ({type(exc).__name__}: {exc})"
            self._preview_done(key, request, version, viewer, projection, error)

    @guarded
    def _preview_done(
        self, key: str, request: int, version: int, viewer: str, projection: Any, error: str | None
    ) -> None:
        if (
            self._preview_ids.get(key) != request
            or version != self.session.version
            or viewer != self.viewer
            or self.hidden
            or not self.is_attached
        ):
            return  # stale: the draft, the game or the player changed since
        if key.startswith(("talks", "orders")):
            panel = self.panel("talks" if key.startswith("talks") else "orders")
            if panel is not None:  # it asked for the preview: it is mounted
                panel.show_preview(key, projection, error)  # type: ignore[attr-defined]
        elif key == "palette" and self._move_dialog is not None:
            text = Text()
            if error is not None:
                text.append(error, style="italic")
            else:
                text.append("Preview", style="bold")
                for line in projection_lines(projection):
                    text.append("\n" + line)
            self._move_dialog.show_preview(text)
        elif key == "done" and self._done_dialog is not None:
            text = Text()
            if error is not None:
                text.append(error, style="italic")
            else:
                text.append("Preview", style="bold")
                for line in projection_lines(projection):
                    text.append("\n" + line)
            self._done_dialog.show_preview(text)

    # ------------------------------------------------------------------ command palette

    def palette_actions(self) -> list[Action]:
        """The legal moves of the human at the keyboard, for the command palette: every
        talks answer and order, and the first deals (type a deal's notation for the rest)."""
        if not self.is_my_turn():
            return []
        viewer = self.viewer
        assert viewer is not None
        return self.session.palette_moves(viewer, self.staged, PALETTE_SCAN)

    def confirm_move(self, action: Action) -> None:
        """A move from the command palette: its words, every term and its preview first;
        it is played only when confirmed (Done keeps its own summary)."""
        from tradegame.engine import Accept, Counter, Propose
        from tradegame.ui.screens.confirm_move import MoveDialog

        if not self.is_my_turn() or isinstance(action, Done):
            self.play(action)
            return
        names = self.frame.names if self.frame else Names({})
        talks = self.session.talks_now()
        lines: list[str] = []
        if isinstance(action, (Propose, Counter)):
            lines.append(
                f"{'Counter-offer' if isinstance(action, Counter) else 'Offer'} to "
                f"{names.player(action.partner)}, {len(action.terms)} term"
                f"{'s' if len(action.terms) != 1 else ''}:"
            )
            lines += [f"  • {names.term(t)}" for t in action.terms]
        elif isinstance(action, Accept) and talks is not None and talks.offer is not None:
            lines.append(f"Accept {talks.offer_by}'s offer, {len(talks.offer)} terms:")
            lines += [f"  • {names.term(t)}" for t in talks.offer]
        else:
            lines.append(describe(action, names))
        if self.session.phase() == "orders":
            lines.append("(staged: sent with your other orders when you press Done)")
            preview_actions = [*self.staged, action]
        else:
            preview_actions = [action]
        # A message changes nothing in the game: it has no preview (the engine's what-if
        # plays a talks move in the orders phase and refused it as "not possible now").
        silent = (
            Text(
                f"A message changes nothing in the game: only "
                f"{names.player(action.partner)} reads it.",
                style="italic",
            )
            if isinstance(action, EngineMessage)
            else None
        )
        dialog = MoveDialog("Play this move?", lines, str(action), preview=silent)
        self._move_dialog = dialog

        def answered(yes: bool | None) -> None:
            self._move_dialog = None
            if yes:
                self.play(action)

        self.app.push_screen(dialog, answered)
        if silent is None:
            self._request_preview("palette", preview_actions)

    def palette_describe(self, action: Action) -> str:
        names = self.frame.names if self.frame else Names({})
        return describe(action, names)

    # ------------------------------------------------------------------ key actions

    async def action_tab(self, tab: str) -> None:
        """Show ``tab`` (keys 1-6), mounting its panel the first time: the keys typed next
        wait for it and reach the new tab."""
        if self.hidden:
            return
        self._tab_requests += 1
        await self._mount_panel(tab)
        self._show_tab(tab)

    def show_tab(self, tab: str) -> None:
        """Show ``tab`` now if its panel is mounted, else as soon as it is, unless the player
        picks a tab before then (on a slow machine the deferred switch used to come after the
        player's own keys and took the screen away from the tab they chose)."""
        self._tab_requests += 1
        if self.panel(tab) is None:
            self._wanted_tab = tab
            self.call_later(self._show_tab_when_mounted, tab, self._tab_requests)
        else:
            self._show_tab(tab)

    async def _show_tab_when_mounted(self, tab: str, request: int) -> None:
        if self.hidden:
            return
        await self._mount_panel(tab)
        if request == self._tab_requests:
            self._show_tab(tab)

    def _clear_briefing(self) -> None:
        briefing = self.panel("briefing")
        if briefing is not None:
            briefing.clear()  # type: ignore[attr-defined]

    @guarded
    def _show_tab(self, tab: str) -> None:
        tabs = self.query_one(GameTabs)
        panel = self.panel(tab)
        if self.hidden or panel is None:
            return
        self._wanted_tab = None  # a tab is chosen: no switch waits any more
        tabs.active = tab
        if tab in self._dirty:
            self._update_tab(tab)
        target = panel
        if tab == "talks":
            from tradegame.ui.widgets.talks import TermList

            terms = panel.query_one(TermList)
            target = terms if terms.display else panel
        elif tab == "orders":
            from tradegame.ui.widgets.orders import OrderList

            olist = panel.query_one(OrderList)
            target = olist if olist.display else panel
        # Focus at once (Widget.focus() is deferred behind keys already queued, which
        # would then go to the old tab). A tab with nothing to focus (the orders tab before
        # the orders phase) takes the focus away from the old tab: left there, the old tab's
        # report of its focus (GameTabs) made it active again when "1 3" was typed at once.
        target = target if target.focusable else panel
        self.set_focus(target if target.focusable else None)

    def action_show_end(self) -> None:
        """Back to the results after reading the log or the dashboard (game over)."""
        from tradegame.ui.screens.end import EndScreen

        if self.session.is_over() and self.frame is not None and not self.hidden:
            self.app.push_screen(EndScreen(self.frame, breakdown=self.score_breakdown()))

    def action_talks(self, move: str) -> None:
        """Accept, reject or pass in the viewer's talks session (from any tab)."""
        from tradegame.engine import Accept, Pass, Reject

        if not self.is_my_turn() or self.viewer is None:
            return
        cls = {"accept": Accept, "reject": Reject, "pass": Pass}[move]
        self.play(cls(self.viewer))

    def action_done(self) -> None:
        if self.is_my_turn() and self.session.phase() == "orders":
            self.open_done()

    def action_toggle_pause(self) -> None:
        if not (self.spectating or self.instructor):
            return
        self.paused = not self.paused
        if self.instructor:
            from tradegame.session.instructor import note

            note(self.match, "AI play paused" if self.paused else "AI play resumed")
            self._dirty.add(INSTRUCTOR_TAB)
            if self.query_one(GameTabs).active == INSTRUCTOR_TAB:
                self._update_tab(INSTRUCTOR_TAB)
        if self.paused and self._ai_timer is not None:
            self._ai_timer.stop()
            self._ai_timer = None
        if not self.paused:
            self.advance()
        self.say("")
        self._refresh_bindings_if_changed()

    def action_step(self) -> None:
        if not (self.spectating or self.instructor):
            return
        self.paused = True
        if not self._ai_busy and not self.session.is_over():
            if self._ai_timer is not None:
                self._ai_timer.stop()
                self._ai_timer = None
            self._run_ai(step=True)
        self.say("")

    def action_speed(self, step: int) -> None:
        if not self.spectating:
            return
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + step))
        self.say("")

    def action_cycle_view(self) -> None:
        if not self.spectating:
            return
        order: list[str | None] = [None, *self.session.player_ids]
        self.viewer = order[(order.index(self.viewer) + 1) % len(order)]
        self.refresh_view(full=True)
        self.say("")

    # ------------------------------------------------------------------ instructor controls

    def action_inject(self) -> None:
        """Choose a scenario inject and fire it now (instructor mode)."""
        from tradegame.session.instructor import fired_injects, injects
        from tradegame.ui.screens.instructor import ChoiceDialog

        if not self.instructor or self.session.is_over():
            return
        events = injects(self.match)
        if not events:
            self.error("this scenario has no injects", title="No injects")
            return
        fired = fired_injects(self.match)
        options = [
            (e.id, f"{e.name}{'  (fired already)' if e.id in fired else ''} — {e.news}")
            for e in events
        ]
        self.app.push_screen(
            ChoiceDialog(
                "Fire an inject",
                "It takes effect at once and is in everyone's log (enter fires, esc cancels).",
                options,
                id="inject-dialog",
            ),
            self._inject_chosen,
        )

    @guarded
    def _inject_chosen(self, inject_id: str | None) -> None:
        from tradegame.engine import IllegalActionError, InvalidActionError
        from tradegame.session.instructor import fire_inject

        if not inject_id or not self.is_attached:
            return
        try:
            fire_inject(self.match, inject_id)
        except (IllegalActionError, InvalidActionError) as exc:
            self.error(str(exc))
            return
        self.refresh_view(full=True)
        self.say(f"Inject {inject_id} fired.")
        self.advance()

    def action_news(self) -> None:
        """Write a news item (text and optional effects) and publish it now (instructor mode)."""
        from tradegame.ui.screens.instructor import NewsDialog

        if not self.instructor or self.session.is_over():
            return
        self.app.push_screen(
            NewsDialog(self._publish_news, list(self.session.player_ids), id="news-dialog"),
            self._news_closed,
        )

    def _publish_news(self, text: str, effects: str) -> str | None:
        """Publish from the news dialog: None when done, else the one-line error to show."""
        from tradegame.engine import IllegalActionError, InvalidActionError
        from tradegame.session.instructor import publish_news

        if not self.is_attached or self.session.is_over():
            return "the game is over"
        try:
            action = publish_news(self.match, text, effects)
        except (IllegalActionError, InvalidActionError) as exc:
            return " ".join(str(exc).split()) or type(exc).__name__
        except Exception as exc:  # never a traceback in the dialog
            self.report_bug("publish_news", exc)
            return f"could not publish the news item ({type(exc).__name__})"
        self._news_text = action.text
        return None

    @guarded
    def _news_closed(self, published: bool | None) -> None:
        """After the dialog is gone: show the news item and let play go on (as an inject)."""
        text, self._news_text = self._news_text, ""
        if not published or not text or not self.is_attached:
            return
        self.refresh_view(full=True)
        self.say(f"News published: {text}")
        self.advance()

    def action_rollback(self) -> None:
        """Choose a round, confirm, and restart the game from the start of that round."""
        from tradegame.session.instructor import round_starts
        from tradegame.ui.screens.instructor import ChoiceDialog

        if not self.instructor:
            return
        starts = round_starts(self.match)
        total = len(self.match.game.actions)
        # Only a start that undoes something: in round 1 before any move the one choice read
        # "Start of round 1 (0 of 0 actions kept)".
        options = [
            (str(n), f"Start of round {n} ({keep} of {total} actions kept)")
            for n, keep in enumerate(starts, start=1)
            if keep < total
        ]
        if not options:
            self.say("Nothing to roll back yet.")  # (at 80×24 a longer line was cut)
            return
        self.app.push_screen(
            ChoiceDialog(
                "Roll back to the start of a round",
                "Everything after that point is undone; AI play "
                "is then paused (enter chooses, esc cancels).",
                list(reversed(options)),
                id="rollback-dialog",
            ),
            self._rollback_round,
        )

    def _rollback_round(self, choice: str | None) -> None:
        from tradegame.ui.screens.dialogs import ConfirmDialog

        if not choice or not self.is_attached:
            return
        n = int(choice)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.rollback_to(n)

        self.app.push_screen(
            ConfirmDialog(
                f"Roll the game back to the start of round {n}? Every move, deal and inject "
                f"after it is undone (save first with ctrl+s to keep this version).",
                yes="Roll back",
                no="Cancel",
                id="confirm-rollback",
            ),
            confirmed,
        )

    @guarded
    def rollback_to(self, round_no: int) -> None:
        from tradegame.session.instructor import rolled_back

        new = rolled_back(self.match, round_no)
        self._stop_timers()
        self.tg_app.begin(new, paused=True, guided=self.guided)
        self.app.notify(
            f"Rolled back to the start of round {round_no}; AI play is paused (space resumes).",
            title="Instructor",
        )

    def action_end_early(self) -> None:
        from tradegame.ui.screens.dialogs import ConfirmDialog

        if not self.instructor or self.session.is_over():
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.end_early()

        self.app.push_screen(
            ConfirmDialog(
                "End the game now? Every seat passes from here to the end of the calendar, "
                "then the results are shown.",
                yes="End the game",
                no="Cancel",
                id="confirm-end",
            ),
            confirmed,
        )

    @guarded
    def end_early(self) -> None:
        from tradegame.session.instructor import end_early

        if self.session.is_over() or not self.is_attached:
            return
        if self._ai_timer is not None:
            self._ai_timer.stop()
            self._ai_timer = None
        end_early(self.match)
        self.staged = []
        self.tg_app.autosave(self.match)
        self.message = ""
        self.advance()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tab" and isinstance(self.focused, Input):
            return False  # a digit typed into a text field is a digit
        if action == "toggle_hints":
            return bool(self.session.humans) and not self.session.is_over()
        if action in ("inject", "news", "end_early"):
            return self.instructor and not self.session.is_over()
        if action == "rollback":
            return self.instructor
        if action == "tab" and parameters and parameters[0] == INSTRUCTOR_TAB:
            return self.instructor
        if action in ("toggle_pause", "step"):
            return (self.spectating or self.instructor) and not self.session.is_over()
        if action in ("speed", "cycle_view"):
            return self.spectating and not self.session.is_over()
        if action == "done":
            return self.is_my_turn() and self.session.phase() == "orders"
        if action == "show_end":
            return self.session.is_over() and not self.hidden
        if action == "talks":
            talks = self.session.talks_now()
            if not self.is_my_turn() or talks is None:
                return False
            has_offer = talks.offer is not None
            return has_offer if parameters and parameters[0] != "pass" else not has_offer
        return True


__all__ = ["INSTRUCTOR_TAB", "SPEEDS", "TABS", "GameScreen"]
