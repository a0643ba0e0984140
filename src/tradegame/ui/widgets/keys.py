"""The header and the footer every screen of the game has.

The footer: the keys in force, drawn by one widget.

Textual's ``Footer`` is a container of one widget per key (about 20 with the talks keys, their
styles and watchers) and recomposes them all whenever the keys change, which they do on most
tab switches (the focused list's keys come or go): 17-31 ms of CPU on those keys, on top of
the frame itself. :class:`KeyFooter` shows the same keys in the same order and look, as one
line of text that is only repainted when the keys change: no widget is mounted or removed.

Like Textual's footer it shows, for each action, the first of its bindings that is shown
(``Binding.show``) and in force; a binding whose ``check_action`` answers None is shown dimmed
and only rings the bell when clicked; the command palette's key sits at the right edge. A key
is clicked to run it (as if typed); where the keys are wider than the terminal the mouse wheel
scrolls them sideways, as Textual's footer does. Binding groups (``Binding.group``) are drawn
as separate keys: tradegame defines none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.widget import Widget
from textual.widgets import Header

if TYPE_CHECKING:
    from textual.screen import Screen


class ShownKey(NamedTuple):
    """One key as the footer shows it."""

    key: str
    """The key pressed when this one is clicked (Textual's name for it)."""
    display: str
    description: str
    enabled: bool
    tooltip: str


PALETTE_EDGE = "▏"
"""Drawn left of the command palette's key (Textual's footer draws a ``vkey`` border)."""


def shown_keys(screen: Screen[Any]) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
    """The keys the footer shows on ``screen`` now (the keys in force left to right, and the
    command palette's key or None), as Textual's footer chooses them."""
    keys, palette = shown_actions(screen)
    return tuple(keys.values()), palette


def shown_actions(screen: Screen[Any]) -> tuple[dict[str, ShownKey], ShownKey | None]:
    """:func:`shown_keys`, each key under its action's name."""
    app = screen.app
    active = screen.active_bindings
    first: dict[str, ShownKey] = {}
    for _, binding, enabled, tooltip in active.values():
        if binding.show and binding.action not in first:
            first[binding.action] = ShownKey(
                binding.key, app.get_key_display(binding), binding.description, enabled, tooltip
            )
    palette = None
    if app.ENABLE_COMMAND_PALETTE:
        found = active.get(app.COMMAND_PALETTE_BINDING)
        if found is not None:
            _, binding, enabled, _ = found
            palette = ShownKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                enabled,
                binding.tooltip or binding.description,
            )
    return first, palette


class KeyFooter(Widget, can_focus=False):
    """The keys in force as one line (see the module's docstring)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
        "key-footer--hover",
        "key-footer--edge",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--disabled { text-style: dim; }
        & > .key-footer--hover { background: $block-hover-background; }
        & > .key-footer--edge { color: $foreground 20%; }
        &.-two-lines { height: 2; }
    }
    """

    def __init__(
        self,
        *,
        second_line: frozenset[str] = frozenset(),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.second_line = second_line
        """Actions whose keys have a line of their own under the others (instructor mode:
        the teacher's keys, cut at 80 columns when they followed the player's)."""
        self.set_class(bool(second_line), "-two-lines")
        self.keys: tuple[ShownKey, ...] = ()
        self.actions: tuple[str, ...] = ()
        """The action of each of :attr:`keys`."""
        self.palette: ShownKey | None = None
        self._spans: list[tuple[int, int, int, ShownKey]] = []
        """Where each key was drawn (line, start and end column), for the mouse."""
        self._scroll = 0
        self._hover: ShownKey | None = None

    def on_mount(self) -> None:
        self._source: Screen[Any] = self.screen
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self._screen_changed(self.app.screen)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)
        self._source.bindings_updated_signal.unsubscribe(self)
        self.app.screen_change_signal.unsubscribe(self)
        self._source = self.screen

    def _screen_changed(self, top: Screen[Any]) -> None:
        """Show the keys of a modal screen open over this one (the command palette, a dialog):
        those are the keys that apply, not this screen's, which showed under the palette."""
        if not self.is_attached:
            return
        source = top if top is not self.screen and top.is_modal else self.screen
        if source is self._source:
            return
        if self._source is not self.screen:
            self._source.bindings_updated_signal.unsubscribe(self)
        self._source = source
        if source is not self.screen:
            source.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(source)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Repaint (one line, no layout) when the keys shown change."""
        if not self.is_attached or screen is not self._source:
            return
        found, palette = shown_actions(screen)
        keys, actions = tuple(found.values()), tuple(found)
        if (keys, actions, palette) != (self.keys, self.actions, self.palette):
            self.keys, self.actions, self.palette = keys, actions, palette
            self.refresh()

    # ------------------------------------------------------------------ drawing

    def _key_text(self, shown: ShownKey, *, edge: bool = False, short: bool = False) -> Text:
        key_style = self.get_component_rich_style("key-footer--key", partial=True)
        description_style = self.get_component_rich_style("key-footer--description", partial=True)
        if not shown.enabled:  # added, not merged: a dimmed key stays bold, as in Textual's
            dim = self.get_component_rich_style("key-footer--disabled", partial=True)
            key_style, description_style = key_style + dim, description_style + dim
        if edge:  # the command palette's key: Textual draws it without the key's left pad
            text = Text.assemble(
                (PALETTE_EDGE, self._blended("key-footer--edge")),
                (shown.display, key_style),
                (" " if short else f" {shown.description} ", description_style),
            )
        elif shown.description:
            text = Text.assemble(
                (f" {shown.display} ", key_style), (f"{shown.description} ", description_style)
            )
        else:
            text = Text.assemble((f" {shown.display} ", key_style))
        if shown == self._hover and shown.enabled:  # as Textual: only the background changes
            text.stylize(self._blended("key-footer--hover", background=True))
        return text

    def _blended(self, name: str, *, background: bool = False) -> Style:
        """The colour (or background) of component ``name`` laid over the footer's own
        background, as Textual draws a colour with an alpha (``$foreground 20%``, the hover's
        ``$block-hover-background``): a Rich style takes the colour without its alpha, which
        drew the palette key's edge in full white and a hovered key on a white ground."""
        styles = self.get_component_styles(name)
        _, ground = self.background_colors
        if background:
            return Style(bgcolor=(ground + styles.background).rich_color)
        return Style(color=(ground + styles.color).rich_color)

    def render(self) -> Text:
        width = self.size.width
        spans: list[tuple[int, int, ShownKey]] = []
        left = Text()
        below: list[ShownKey] = []
        for shown, action in zip(self.keys, self.actions, strict=True):
            if action in self.second_line:
                below.append(shown)
                continue
            piece = self._key_text(shown)
            start = left.cell_len
            left.append_text(piece)
            spans.append((start, left.cell_len, shown))
        right = Text()
        if self.palette is not None:
            # Without its word where the keys need the room ("▏^p"): at 80 columns the
            # watch view's "^s Save" was cut to "^s", and answering an offer hid "f1 Help"
            # and "^s Save".
            right = self._key_text(self.palette, edge=True)
            if left.cell_len > width - right.cell_len:
                right = self._key_text(self.palette, edge=True, short=True)
        room = max(0, width - right.cell_len)
        overflow = max(0, left.cell_len - room)
        self._scroll = min(self._scroll, overflow)
        if self._scroll and cell_len(left.plain) == len(left.plain):  # no wide characters
            left = left[self._scroll :]
        else:
            self._scroll = 0
        left.truncate(room, overflow="crop", pad=True)
        self._spans = [
            (0, start - self._scroll, end - self._scroll, shown)
            for start, end, shown in spans
            if end - self._scroll > 0 and start - self._scroll < room
        ]
        if self.palette is not None and right.cell_len <= width:
            self._spans.append((0, room, width, self.palette))
        line = Text.assemble(left, right, no_wrap=True, overflow="crop", end="")
        line.truncate(width, overflow="crop")
        if not self.second_line:
            return line
        second = Text(no_wrap=True, overflow="crop", end="")
        for shown in below:
            start = second.cell_len
            second.append_text(self._key_text(shown))
            if start < width:
                self._spans.append((1, start, min(second.cell_len, width), shown))
        second.truncate(width, overflow="crop", pad=True)
        return Text("\n", no_wrap=True, end="").join([line, second])

    # ------------------------------------------------------------------ the mouse

    def _key_at(self, x: int, y: int = 0) -> ShownKey | None:
        for line, start, end, shown in self._spans:
            if line == y and start <= x < end:
                return shown
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        shown = self._key_at(event.x, event.y)
        if shown is None:
            return
        event.stop()
        if shown.enabled:
            self.app.simulate_key(shown.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        shown = self._key_at(event.x, event.y)
        if shown != self._hover:
            self._hover = shown
            self.tooltip = shown.tooltip if shown is not None and shown.tooltip else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def _scroll_by(self, cells: int, event: events.MouseEvent) -> None:
        before = self._scroll
        self._scroll = max(0, self._scroll + cells)  # capped at the overflow when drawn
        self.refresh()
        if self._scroll != before:
            event.stop()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll_by(4, event)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll_by(-4, event)


class TitleHeader(Header):
    """Textual's header, which forgets the app when it is removed. It watches the app's title
    and sub-title, and Textual drops a watcher of a removed widget only when that value next
    changes: the title stays "tradegame", so each screen closed since (a game, the new-game
    screen) kept its header and its drawn lines alive, about 17,000 objects a new game. Its
    watchers of the app are dropped when it is unmounted (Textual keeps them in a private
    attribute; without it, as before).

    Its title watcher also tolerates a header whose title widget is already gone: a screen's
    children are removed before the screen's header is unmounted, and a title set in between
    (a game begun as the new-game screen closes) made Textual's watcher raise NoMatches,
    which ended the app with a traceback."""

    def _on_mount(self, event: events.Mount) -> None:
        # Textual's Header._on_mount, with NoMatches caught as NoScreen is; Header's own
        # handler is not run (prevent_default), so the watchers are not set twice.
        event.prevent_default()

        async def set_title() -> None:
            try:
                self.query_one("HeaderTitle").update(self.format_title())  # type: ignore[attr-defined]
            except (NoScreen, NoMatches):
                pass  # being removed: nothing left to show the title in

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)

    def on_unmount(self) -> None:
        watchers = getattr(self.app, "__watchers", None)
        if not isinstance(watchers, dict):
            return
        for name in ("title", "sub_title"):
            kept = watchers.get(name)
            if isinstance(kept, list):
                kept[:] = [entry for entry in kept if entry[0] is not self]


__all__ = ["KeyFooter", "ShownKey", "TitleHeader", "shown_actions", "shown_keys"]
