"""Orders: pick from the legal orders, see each one's preview, stage up to ``max_orders``,
then Done (a summary with the combined preview comes first).

Keys: type in the filter (``/`` jumps there) to narrow the list, ↑/↓ to move, enter adds the
highlighted order, ``x`` removes the last staged order, ``d`` (or ctrl+d anywhere) is Done.
Orders stay staged in the interface, not in the game, until Done sends them all at once.
"""

from __future__ import annotations

from typing import Any

from rich.padding import Padding
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tradegame.engine import Action, Done
from tradegame.session.text import ORDER_GROUPS, describe, order_group, signed
from tradegame.ui.widgets.common import (
    ActionChosen,
    Frame,
    PreviewBox,
    PreviewWanted,
    SteadyInput,
    choose,
)


class OrderList(OptionList):
    """The legal orders, grouped by kind; enter stages the highlighted one. A character typed
    here that is no key of the game goes to the filter: the orders tab opens with the list
    focused, under "filter orders (type here; ↓ to the list)", and "reassure" typed there did
    nothing, so the ↓ and enter that followed staged the order highlighted by chance."""

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or not event.character:
            return
        found = self.screen.active_bindings.get(event.key)
        if found is not None and found.enabled:
            return  # a key of the game: d Done, x remove, / filter, a tab's digit...
        panel = next((a for a in self.ancestors if isinstance(a, OrdersPanel)), None)
        if panel is None:
            return
        event.stop()
        event.prevent_default()
        field = panel.query_one(FilterInput)
        self.screen.set_focus(field)  # at once: the keys typed next reach the filter
        # Behind the filter's Focus (which selects its text: a new word replaces the old).
        field.post_message(events.Key(event.key, event.character))

    def action_select(self) -> None:
        # Staged at once (enter, or a click), so a ctrl+d typed right after sees it.
        panel = next((a for a in self.ancestors if isinstance(a, OrdersPanel)), None)
        option = self.highlighted_option
        if panel is None or option is None or option.disabled:
            super().action_select()
            return
        panel.select(option.id)


class FilterInput(SteadyInput):
    """The orders filter (every key kept in order: see :class:`SteadyInput`). ctrl+d is Done,
    as everywhere in the game: a text field's ctrl+d deletes the character to the right (the
    delete key still does), and Done could not be reached from the filter, where the orders
    tab opens."""

    BINDINGS = [Binding("ctrl+d", "screen.done", "Done")]


class OrdersPanel(Vertical):
    """The viewer's orders for this round."""

    BINDINGS = [
        # Keys that move the focus are priority bindings: those run as the key arrives, so
        # the keys typed right after them reach the widget they focus (a plain binding runs
        # only once the key has bubbled up, after later keys went to the old focus).
        Binding("slash", "focus_filter", "Filter", key_display="/", priority=True),
        Binding("down", "filter_to_list", "To the list", show=False, priority=True),
        Binding("x", "unstage", "Remove last"),
        Binding("d", "done", "Done"),
    ]

    DEFAULT_CSS = """
    OrdersPanel { height: 1fr; }
    OrdersPanel #orders-info { height: auto; padding: 0 1; }
    OrdersPanel #orders-body { height: 1fr; }
    OrdersPanel #orders-main { height: 1fr; }
    OrdersPanel #orders-side { height: auto; }
    OrdersPanel #orders-filter { height: 1; border: none; padding: 0 1; margin: 0 1; }
    OrdersPanel OrderList { height: 1fr; min-height: 3; }
    OrdersPanel #orders-staged { height: auto; padding: 0 1; }
    OrdersPanel PreviewBox { height: 5; }
    OrdersPanel.-wide #orders-body { layout: horizontal; }
    OrdersPanel.-wide #orders-side { width: 46%; height: 1fr;
                                     border-left: solid $primary-muted; }
    OrdersPanel.-wide #orders-side PreviewBox { height: 1fr; background: $surface; }
    """

    WIDE = 120
    """From this many columns the preview sits beside the list."""

    class Unstage(Message):
        """Remove the staged order at ``index`` (-1 = the last)."""

        def __init__(self, index: int = -1) -> None:
            super().__init__()
            self.index = index

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.frame: Frame | None = None
        self._by_id: dict[str, Action] = {}
        self._shown: list[str] = []
        self._query = ""  # the filter the list was last filled with
        # The projected score of the staged orders alone, by the staged orders, and the last
        # candidate's projection: together they say what the candidate adds to them.
        self._staged_score: tuple[tuple[Action, ...], float] | None = None
        self._candidate: tuple[Action, Any] | None = None
        self._owner: str | None = None  # whose orders the filter and list were set up for

    def compose(self) -> ComposeResult:
        yield Static(id="orders-info")
        with Vertical(id="orders-body"):
            with Vertical(id="orders-main"):
                yield FilterInput(
                    placeholder="filter orders (type here; ↓ to the list)", id="orders-filter"
                )
                yield OrderList(id="orders-list")
                yield Static(id="orders-staged")
            with Vertical(id="orders-side"):
                yield PreviewBox("Preview", id="orders-preview")

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Two panes from :attr:`WIDE` columns; a taller preview on a taller screen."""
        self.set_class(self.app.size.width >= self.WIDE, "-wide")
        height = self.size.height or self.app.size.height - 7
        if self.app.size.width < self.WIDE:
            self.query_one(PreviewBox).styles.height = 5 if height < 20 else 7
        else:
            self.query_one(PreviewBox).styles.height = "1fr"

    @property
    def active(self) -> bool:
        f = self.frame
        return f is not None and f.my_turn and f.phase == "orders"

    def update_frame(self, frame: Frame) -> None:
        self.frame = frame
        if frame.viewer != self._owner:
            self._forget_viewer(frame.viewer)
        self._fit()
        info = self.query_one("#orders-info", Static)
        parts = [
            self.query_one(Input),
            self.query_one(OrderList),
            self.query_one("#orders-staged", Static),
            self.query_one("#orders-side"),
        ]
        if not self.active:
            for part in parts:
                part.display = False
            info.update(self._waiting_text(frame))
            self._shown = []
            return
        for part in parts:
            part.display = True
        text = Text()
        text.append("Orders", style="bold")
        text.append(
            f" — secret until resolution; up to {frame.max_orders}, then Done (d); "
            f"enter stages one."
        )
        info.update(text)
        self._by_id = {str(a): a for a in frame.legal_orders}
        self._fill_list()
        self._update_staged()
        self._request_preview()

    def _forget_viewer(self, viewer: str | None) -> None:
        """A new person at the keyboard (hot-seat): nothing the last one typed, highlighted
        or previewed stays on this panel (issue 15)."""
        self._owner = viewer
        with self.prevent(Input.Changed):
            self.query_one(Input).value = ""
        self._shown = []
        self._staged_score = None
        self._candidate = None
        self.query_one(OrderList).clear_options()

    def _waiting_text(self, frame: Frame) -> Text:
        text = Text()
        if frame.phase == "talks":
            text.append("Orders come after the talks.", style="bold")
        elif frame.phase == "over":
            text.append("The game is over.", style="bold")
        else:
            text.append("Orders phase", style="bold")
            if frame.mover and not frame.my_turn:
                text.append(f" — waiting for {frame.names.player(frame.mover)}…", style="italic")
        pending = frame.you.get("pending_orders") or []
        if pending:
            text.append("\nYour orders this round (sent):")
            for order in pending:
                text.append(f"\n  • {order}")
        return text

    def _fill_list(self) -> None:
        frame = self.frame
        assert frame is not None
        query = self.query_one(Input).value.strip().lower()
        olist = self.query_one(OrderList)
        previous = olist.highlighted_option.id if olist.highlighted_option else None
        groups: dict[str, list[tuple[str, str]]] = {g: [] for g in ORDER_GROUPS}
        for key, action in self._by_id.items():
            label = describe(action, frame.names)
            if query and query not in label.lower() and query not in key.lower():
                continue
            groups.setdefault(order_group(action), []).append((key, label))
        options: list[Option] = []
        shown: list[str] = []
        for group, entries in groups.items():
            if not entries:
                continue
            options.append(
                Option(Text(f"{group} ({len(entries)})", style="bold underline"), disabled=True)
            )
            for key, label in entries:
                # Indented as a whole: a long order wraps under itself, not under the group
                # headers at the left edge (its second line read like a header).
                options.append(Option(Padding(Text(label), (0, 0, 0, 2)), id=key))
                shown.append(key)
        if shown == self._shown:
            return
        # After an order is staged it leaves the list: the highlight stays where it was (it
        # went back to the first order, and a second order of the same kind was far away).
        # A new filter starts at its first match: "reassure" then ↓ highlighted the second
        # one, "Reassure EU", where the highlight had been in the whole list.
        where = self._shown.index(previous) if previous in self._shown else 0
        if query != self._query:
            where = 0
        self._shown, self._query = shown, query
        olist.clear_options()
        if not options:
            olist.add_option(
                Option(
                    Text(
                        "no order matches the filter"
                        if query
                        else "no more orders this round: press d for Done",
                        style="italic",
                    ),
                    disabled=True,
                )
            )
            return
        olist.add_options(options)
        target = previous if previous in shown else shown[min(where, len(shown) - 1)]
        olist.highlighted = olist.get_option_index(target)

    def _update_staged(self) -> None:
        frame = self.frame
        assert frame is not None
        text = Text()
        text.append(f"Staged ({len(frame.staged)}/{frame.max_orders}): ", style="bold")
        if not frame.staged:
            text.append("none — Done now gives no orders this round.", style="italic")
        for n, action in enumerate(frame.staged, 1):
            text.append(f"\n  {n}. {describe(action, frame.names)}")
        self.query_one("#orders-staged", Static).update(text)

    def highlighted_action(self) -> Action | None:
        option = self.query_one(OrderList).highlighted_option
        if option is None or option.id is None:
            return None
        return self._by_id.get(option.id)

    def _request_preview(self) -> None:
        frame = self.frame
        if frame is None or not self.active:
            return
        action = self.highlighted_action()
        preview = self.query_one(PreviewBox)
        if action is None:
            if frame.staged:
                preview.show_pending("computing your staged orders…")
                self.post_message(PreviewWanted("orders-staged", list(frame.staged)))
            else:
                preview.show_message("highlight an order to see what it would do for you.")
            return
        preview.show_pending()
        self._candidate = None
        staged = tuple(frame.staged)
        if staged and (self._staged_score is None or self._staged_score[0] != staged):
            self.post_message(PreviewWanted("orders-base", list(staged)))
        self.post_message(PreviewWanted("orders-candidate", [*staged, action]))

    def show_preview(self, key: str, projection: Any, error: str | None) -> None:
        preview = self.query_one(PreviewBox)
        frame = self.frame
        if key == "orders-base":
            if error is None and frame is not None:
                self._staged_score = (tuple(frame.staged), projection.score)
                self._show_candidate()
            return
        if error is not None:
            preview.show_message(error)
            return
        action = self.highlighted_action()
        if key == "orders-candidate" and action is not None and frame is not None:
            self._candidate = (action, projection)
            self._show_candidate()
        elif key == "orders-staged":
            preview.show_projection(projection, "your staged orders")

    def _show_candidate(self) -> None:
        """The highlighted order's projection; with staged orders, also what it adds."""
        frame = self.frame
        if self._candidate is None or frame is None:
            return
        action, projection = self._candidate
        if action is not self.highlighted_action():
            return
        extra = None
        if frame.staged:
            base = self._staged_score
            if base is not None and base[0] == tuple(frame.staged):
                extra = (
                    f"This order adds {signed(projection.score - base[1])} to your staged "
                    f"orders' {base[1]:.1f}"
                )
            subject = describe(action, frame.names) + " with your staged orders"
        else:
            subject = describe(action, frame.names)
        self.query_one(PreviewBox).show_projection(projection, subject, extra)

    @on(Input.Changed, "#orders-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.frame is not None and self.active:
            self._fill_list()
            self._request_preview()

    @on(Input.Submitted, "#orders-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(OrderList).focus()

    def action_filter_to_list(self) -> None:
        self.screen.set_focus(self.query_one(OrderList))

    @on(OptionList.OptionHighlighted, "#orders-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._request_preview()

    @on(OptionList.OptionSelected, "#orders-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.select(event.option.id)

    def select(self, option_id: str | None) -> None:
        """Stage the order of the list's option ``option_id``."""
        action = self._by_id.get(option_id or "")
        if action is not None:
            choose(self, action)

    def action_focus_filter(self) -> None:
        # At once, not by Widget.focus() (deferred behind the keys already queued).
        self.screen.set_focus(self.query_one(Input))

    def action_unstage(self) -> None:
        if self.frame is not None and self.frame.staged:
            self.post_message(self.Unstage(-1))

    def action_done(self) -> None:
        if self.frame is not None and self.frame.viewer is not None and self.active:
            self.post_message(ActionChosen(Done(self.frame.viewer)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # screen.focused changes at once; has_focus only once the widget had its Focus event
        in_filter = self.screen.focused is self.query_one(Input)
        if action == "filter_to_list":
            return self.active and in_filter
        if action in ("focus_filter", "unstage", "done") and in_filter:
            return False  # "/", "x" and "d" typed into the filter are characters
        if action in ("unstage", "done", "focus_filter"):
            if not self.active:
                return False
            if action == "unstage":
                return bool(self.frame and self.frame.staged)
        return True


__all__ = ["FilterInput", "OrderList", "OrdersPanel"]
