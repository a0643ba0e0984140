"""The game screen's tabs: one widget draws the tab titles and the line under them, and the
panels sit directly beneath it, only the active one shown.

Textual's ``TabbedContent`` is 17 widgets for five tabs (the tabs widget, its scroll
container, two layout containers, a widget per title, the underline, the content switcher
and a pane per tab): about 240 M instructions, 30-40 ms of CPU, of Textual's style, layout
and compose work before the game screen's first frame. These two widgets draw the same
characters (the tab bar's look and behaviour are Textual's: the titles dimmed but the active
one, the underline's highlight under the active title, a click or ←/→ on the focused bar
changes tab, and the focused bar shows the active title as a cursor).
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import AwaitMount, Widget


class TabBar(Widget, can_focus=True):
    """The tab titles on one line (each padded by a space each side, as Textual's ``Tab``)
    and the underline on the next, its highlight under the active title."""

    DEFAULT_CSS = """
    TabBar {
        width: 100%;
        height: 2;
        pointer: pointer;
        & > .tab-bar--tab { color: $foreground 50%; }
        & > .tab-bar--hover { color: $foreground; }
        & > .tab-bar--active { color: $foreground; }
        & > .tab-bar--underline {
            color: $block-cursor-background;
            background: $foreground 10%;
        }
        &:ansi {
            & > .tab-bar--tab { text-style: dim; }
            & > .tab-bar--hover { text-style: dim; }
            & > .tab-bar--active { text-style: not dim bold; }
            & > .tab-bar--underline {
                color: $block-cursor-background;
                background: $border-blurred;
            }
        }
        &:focus {
            & > .tab-bar--underline { background: $foreground 30%; }
            & > .tab-bar--active {
                text-style: $block-cursor-text-style;
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tab-bar--tab",
        "tab-bar--hover",
        "tab-bar--active",
        "tab-bar--underline",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous tab", show=False),
        Binding("right", "move(1)", "Next tab", show=False),
    ]
    ALLOW_SELECT = False

    active: reactive[str] = reactive("", init=False)
    """The id of the active tab."""
    hover: reactive[int] = reactive(-1, init=False)
    """The index of the title under the mouse (-1: none)."""

    class Chosen(Message):
        """The player chose a tab on the bar (a click, or ←/→ while it has the focus)."""

        def __init__(self, tab: str) -> None:
            self.tab = tab
            super().__init__()

    def __init__(
        self, titles: list[tuple[str, str]], active: str, *, id: str | None = None
    ) -> None:
        """``titles``: (tab id, title) in order."""
        super().__init__(id=id)
        self.titles = titles
        self.set_reactive(TabBar.active, active)

    def spans(self) -> list[tuple[str, int, int]]:
        """Each tab's id and the columns of its title with its padding (start, end)."""
        out, x = [], 0
        for tab, title in self.titles:
            width = len(title) + 2
            out.append((tab, x, x + width))
            x += width
        return out

    def render(self) -> RenderableType:
        labels = Text(no_wrap=True, overflow="crop")
        highlight = (0, 0)
        for n, (tab, start, end) in enumerate(self.spans()):
            part = "active" if tab == self.active else "hover" if n == self.hover else "tab"
            style = self.get_component_rich_style(f"tab-bar--{part}")
            labels.append(f" {self.titles[n][1]} ", style=style)
            if tab == self.active:
                highlight = (start + 1, end - 1)  # the title, without its padding
        bar = self.get_component_rich_style("tab-bar--underline")
        return Group(
            labels,
            Bar(
                highlight_range=highlight,
                highlight_style=Style.from_color(bar.color),
                background_style=Style.from_color(bar.bgcolor),
            ),
        )

    def watch_active(self) -> None:
        self.refresh()

    def watch_hover(self) -> None:
        self.refresh()

    def _tab_at(self, x: int) -> str | None:
        for tab, start, end in self.spans():
            if start <= x < end:
                return tab
        return None

    def on_click(self, event: events.Click) -> None:
        event.stop()
        tab = self._tab_at(event.x)
        self.focus()
        if tab is not None:
            self._choose(tab)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        tab = self._tab_at(event.x) if event.y == 0 else None
        ids = [t for t, _ in self.titles]
        self.hover = ids.index(tab) if tab is not None else -1

    def on_leave(self) -> None:
        self.hover = -1

    def action_move(self, step: int) -> None:
        ids = [t for t, _ in self.titles]
        at = ids.index(self.active) if self.active in ids else (-1 if step > 0 else 0)
        self._choose(ids[(at + step) % len(ids)])

    def _choose(self, tab: str) -> None:
        # Shown on the bar at once: a second ← typed before the screen has switched tabs
        # moves on from this one (as Textual's tabs).
        self.active = tab
        self.post_message(self.Chosen(tab))


class GameTabs(Widget):
    """The tab bar and the panels (the widgets with id ``TAB-panel``), only the active tab's
    shown. A panel is mounted when first needed (:meth:`add_panel`); a tab with no panel yet
    shows nothing below the bar.

    Focus: a widget of a hidden panel cannot take the focus (it is not displayed); when the
    focus moves into the panel of another tab (a click, or a program focusing a widget there)
    that tab becomes active, as in Textual's ``TabbedContent``, but only while the focus is
    still there when the report arrives: "1 3 2 4" typed at once once showed the orders tab
    with the log's panel focused (each key's focus report switched the tabs back, in whatever
    order they came)."""

    DEFAULT_CSS = """
    GameTabs { height: 1fr; }
    GameTabs > .tab-panel { height: 1fr; }
    """

    class TabActivated(Message):
        """The active tab changed (by the program or the player)."""

        def __init__(self, tabs: GameTabs, tab: str) -> None:
            self.tabs = tabs
            self.tab = tab
            super().__init__()

        @property
        def control(self) -> GameTabs:
            return self.tabs

    def __init__(
        self,
        titles: list[tuple[str, str]],
        active: str,
        *panels: Widget,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._active = active
        self.bar = TabBar(titles, active)
        self._first = panels
        for panel in panels:
            self._prepare(panel)

    def compose(self) -> ComposeResult:
        yield self.bar
        yield from self._first

    @staticmethod
    def tab_of(panel: DOMNode) -> str:
        return (panel.id or "").removesuffix("-panel")

    def _prepare(self, panel: Widget) -> None:
        panel.add_class("tab-panel")
        panel.display = self.tab_of(panel) == self._active

    @property
    def active(self) -> str:
        """The id of the active tab; setting it shows that tab's panel (if mounted)."""
        return self._active

    @active.setter
    def active(self, tab: str) -> None:
        if tab == self._active:
            return
        self._active = tab
        self.bar.active = tab
        for child in self.children:
            if child is not self.bar:
                child.display = self.tab_of(child) == tab
        self.post_message(self.TabActivated(self, tab))

    def add_panel(self, panel: Widget) -> AwaitMount:
        """Mount ``panel`` (shown if its tab is the active one); the awaitable of the mount."""
        self._prepare(panel)
        return self.mount(panel)

    def on_tab_bar_chosen(self, event: TabBar.Chosen) -> None:
        event.stop()
        self.active = event.tab

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        focused = self.app.focused
        if focused is None or focused is self.bar:
            return
        for node in focused.ancestors_with_self:
            if node.parent is self:
                if node is not self.bar and self.tab_of(node) != self._active:
                    self.active = self.tab_of(node)
                return


__all__ = ["GameTabs", "TabBar"]
