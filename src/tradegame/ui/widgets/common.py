"""What every panel gets from the game screen (a :class:`Frame`), and small shared widgets.

Data flows down and messages up (STYLE A.4): the game screen builds one frame per change from
``game.view(viewer)`` and hands it to each panel; panels post messages (send this action,
preview these actions) and never touch the game.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Input, Static

if TYPE_CHECKING:  # the new-game screen uses SteadyInput: no engine before its first paint
    from textual.css.styles import RulesMap
    from textual.style import Style as TextualStyle
    from textual.visual import RenderOptions

    from tradegame.engine import Action
    from tradegame.session.text import Names


@dataclass
class Frame:
    """One moment of the game as the player at the keyboard may see it."""

    view: dict[str, Any]
    """``game.view(viewer).to_json()`` — the only game data a panel reads."""
    viewer: str | None
    """The player whose view this is; None for a spectator watching AI seats."""
    names: Names
    my_turn: bool = False
    """True when ``viewer`` is a human seat and must move now."""
    mover: str | None = None
    mover_seat: str = ""
    """``human`` or the agent spec of the player to move."""
    partner: str | None = None
    """The viewer's talks partner when it is the viewer's talks move."""
    deal_items: list[str] = field(default_factory=list)
    """Catalogue items on the table in that session (engine's ``deal_items``)."""
    legal_orders: list[Action] = field(default_factory=list)
    staged: list[Action] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    max_terms: int = 0
    max_orders: int = 0
    seats: dict[str, str] = field(default_factory=dict)
    marks: dict[int, dict[str, Any]] = field(default_factory=dict)
    """The numbers the viewer's view showed at the start of each round (round reports)."""

    @property
    def phase(self) -> str:
        return str(self.view.get("phase", ""))

    @property
    def you(self) -> dict[str, Any]:
        return dict(self.view.get("you") or {})

    def player(self, pid: str) -> dict[str, Any]:
        return next((p for p in self.view.get("players", []) if p["id"] == pid), {})


def deal_term_text(term: dict[str, Any], names: Names | None) -> str:
    """One term of a deal in the view, in the words the talks tab uses ("JP gives Accept US
    car safety standards without extra testing: +10% exports"): the view's own text is the
    engine's log line ("… [JP] 1": a regulatory level as a bare number). An item the names
    do not know (or no names) keeps the view's text, as written."""
    from tradegame.engine import Term

    item, level = term.get("item"), term.get("level")
    if names is None or item not in names.items or not isinstance(level, int | float):
        return str(term.get("text", ""))
    return names.term(Term(str(item), level))


class ActionChosen(Message):
    """A panel asks the game screen to play (or, for orders, stage) ``action``."""

    def __init__(self, action: Action) -> None:
        super().__init__()
        self.action = action


def choose(widget: Widget, action: Action) -> None:
    """Play ``action`` at once on the game screen (a message would reach the screen only after
    keys typed next had acted on the moves as they were: enter then ctrl+d, typed together,
    would show the Done summary without the order just staged), or post it as
    :class:`ActionChosen` where the screen has no ``play``."""
    play = getattr(widget.screen, "play", None)
    if callable(play):
        play(action)
    else:
        widget.post_message(ActionChosen(action))


class PreviewWanted(Message):
    """A panel asks for a what-if projection of ``actions``; the answer goes to ``key``."""

    def __init__(self, key: str, actions: list[Action]) -> None:
        super().__init__()
        self.key = key
        self.actions = actions


class PreviewBox(Static):
    """Shows one what-if projection (or why there is none). Its height is fixed by the panel
    that holds it, so the lists above do not jump as previews come and go; while a new
    projection is computed the last one stays, marked as being updated."""

    DEFAULT_CSS = """
    PreviewBox { height: auto; padding: 0 1; background: $boost; }
    """

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.title = title
        self._shown: Text | None = None
        self.show_message("choose something to see what it would do for you.")

    def show_message(self, message: str) -> None:
        text = Text()
        # " — " as over a projection ("Preview put items in your draft ..." read as one)
        text.append(self.title + " — ", style="bold")
        text.append(message, style="italic")
        self._shown = None
        self.update(text)

    def show_pending(self, message: str = "computing…") -> None:
        """A new projection is on its way: keep the last one, dimmed, under a note."""
        if self._shown is None:
            self.show_message(message)
            return
        text = Text()
        text.append(f"{self.title} (updating…)", style="bold italic")
        body = self._shown.copy()
        body.stylize("dim")
        text.append("\n")
        text.append_text(body)
        self.update(text)

    def show_projection(self, projection: Any, subject: str = "", extra: str | None = None) -> None:
        """A projection under the title; ``extra`` is a line put after its score."""
        from tradegame.session.text import projection_lines

        text = Text()
        text.append(self.title, style="bold")
        if subject:
            text.append(" — " + subject)
        body = Text()
        for n, line in enumerate(projection_lines(projection)):
            body.append(("\n" if n else "") + line)
            if n == 0 and extra:
                body.append("\n" + extra, style="bold")
        text.append("\n")
        text.append_text(body)
        self._shown = body
        self.update(text)


class RenderedLines:
    """A Rich renderable drawn once per width and kept as lines. Textual draws a Static's
    content twice for each update (once to measure its height, once to paint it), and the
    briefing's Markdown took about 30 ms each time: kept, the second costs nothing, and
    :meth:`prepare` draws it while the player reads, before the tab is shown."""

    MAX_WIDTHS = 4

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._lines: dict[tuple[Any, ...], list[list[Segment]]] = {}

    @staticmethod
    def _key(options: ConsoleOptions) -> tuple[Any, ...]:
        # What Rich's drawing depends on besides the renderable (the height only crops:
        # the caller crops the lines, as it would crop the renderable's).
        return (
            options.max_width,
            options.min_width,
            options.justify,
            options.overflow,
            options.no_wrap,
            options.highlight,
            options.markup,
            options.ascii_only,
            options.legacy_windows,
            options.encoding,
        )

    def lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]]:
        key = self._key(options)
        lines = self._lines.get(key)
        if lines is None:
            if len(self._lines) >= self.MAX_WIDTHS:
                self._lines.clear()  # resized many times: keep the cache small
            lines = console.render_lines(
                self.renderable, options.update(height=None), pad=False, new_lines=False
            )
            self._lines[key] = lines
        return lines

    def prepare(self, console: Console, options: ConsoleOptions, widths: set[int]) -> None:
        """Draw the lines for each of ``widths`` now (as Textual will ask for them)."""
        for width in widths:
            if width > 0:
                self.lines(console, options.update_width(width).update(highlight=False))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        new_line = Segment.line()
        for line in self.lines(console, options):
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


class SteadyInput(Input):
    """An Input that keeps every key typed at full speed, in order.

    A plain Input inserts characters in its own message queue but runs its other keys
    (backspace, delete, ctrl+u, the cursor keys, enter) as bindings, and Textual runs a
    non-priority binding only once the key has bubbled up to the app through every
    ancestor's queue. Typed in one burst, those keys take effect after the characters that
    followed them: under tmux "xyz⌫⌫⌫talks" gave "xyzta" in the orders filter, and ctrl+u
    then a path left the save dialog empty. Here the Input's own bindings run in its own
    queue, in order with the characters (a key it does not bind still bubbles up).
    """

    async def _on_key(self, event: Any) -> None:
        bindings = self._bindings.key_to_bindings.get(event.key)
        if not bindings:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(bindings[0].action)


__all__ = [
    "ActionChosen",
    "BulletedText",
    "choose",
    "CutText",
    "deal_term_text",
    "Frame",
    "Hanging",
    "HangingText",
    "PreviewBox",
    "PreviewWanted",
    "RenderedLines",
    "SteadyInput",
]


class Hanging(Visual):
    """An option list's row in two parts: ``head`` (a checkbox, levels: never wrapped) and
    ``body`` (a name), which wraps under its own first word, not under the head. A row that
    Textual wraps as one text goes on at column 0, under the head's keys, and a long name
    reads as two rows. Narrower than ``MIN_BODY`` cells beside the head, it wraps whole."""

    MIN_BODY = 12

    def __init__(self, head: Text, body: Text) -> None:
        from textual.content import Content

        self.head = Content.from_rich_text(head) if head else Content("")
        self.body = Content.from_rich_text(body)
        self._parts = (head, body)
        self._whole: Any = None

    @property
    def whole(self) -> Any:
        """Head and body as one text (made when first needed: only a narrow row uses it)."""
        if self._whole is None:
            from textual.content import Content

            self._whole = Content.from_rich_text(Text.assemble(*self._parts))
        return self._whole

    def _indent(self, width: int) -> int:
        indent = self.head.cell_length
        return indent if width - indent >= self.MIN_BODY else 0

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.head.cell_length + self.body.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        indent = self._indent(width)
        if not indent:
            return self.whole.get_height(rules, width)
        return max(1, self.body.get_height(rules, width - indent))

    def render_strips(
        self, width: int, height: int | None, style: TextualStyle, options: RenderOptions
    ) -> list[Strip]:
        indent = self._indent(width)
        if not indent:
            return self.whole.render_strips(width, height, style, options)
        head = self.head.render_strips(indent, 1, style, options)[:1]
        lines = self.body.render_strips(width - indent, height, style, options) or [Strip([])]
        pad = Strip.blank(indent, style.rich_style)
        return [
            Strip.join([head[0] if n == 0 and head else pad, line]) for n, line in enumerate(lines)
        ]


class BulletedText(Visual):
    """A text whose bulleted lines ("  • ...") wrap under their words, not at the left edge
    (the round report at 80×24: a news item's second line began under the bullets). Other
    lines wrap as a plain text does. ``str()`` is the text's words, as a Text's is."""

    def __init__(self, text: Text) -> None:
        self.text = text
        self.parts: list[Hanging] = []
        lines = list(text.split("\n", allow_blank=True))
        if len(lines) > 1 and not lines[-1].plain:
            lines.pop()  # a closing line break, which a Text shows as nothing
        for line in lines:
            words = line.plain.lstrip(" ")
            at = len(line.plain) - len(words) + 2 if words.startswith("• ") else 0
            self.parts.append(Hanging(line[:at], line[at:]))

    def __str__(self) -> str:
        return self.text.plain

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((p.get_optimal_width(rules, container_width) for p in self.parts), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(p.get_height(rules, width) for p in self.parts)

    def render_strips(
        self, width: int, height: int | None, style: TextualStyle, options: RenderOptions
    ) -> list[Strip]:
        strips: list[Strip] = []
        for part in self.parts:
            strips.extend(part.render_strips(width, None, style, options) or [Strip([])])
            if height is not None and len(strips) >= height:
                return strips[:height]
        return strips


class HangingText:
    """A Rich text whose indented list lines ("  d1 …", "  r3 …", "  • …") wrap under their
    words, after the line's first word, not at the left edge (at 80 columns a deal's terms
    went on under "Deals", level with the headings). Other lines wrap as the text does."""

    MIN_BODY = 12

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        import re

        width = options.max_width
        for line in self.text.split("\n", allow_blank=True):
            found = re.match(r" {2,}\S+ ", line.plain)
            indent = found.end() if found else 0
            if not indent or width - indent < self.MIN_BODY:
                yield from line.wrap(console, width)
                continue
            for n, piece in enumerate(line[indent:].wrap(console, width - indent)):
                yield Text.assemble(line[:indent] if n == 0 else " " * indent, piece)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


class CutText:
    """A Rich text in at most ``lines`` lines at its width; a text cut short ends in "…" (the
    status bar at 80×24 lost the ends of its lines without a sign that more was said)."""

    def __init__(self, text: Text, lines: int) -> None:
        self.text = text
        self.lines = lines

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        lines: list[Text] = []
        runs_on: list[bool] = []  # whether a line goes on from the one before (no line break)
        for part in self.text.split("\n", allow_blank=True):
            wrapped = part.wrap(console, width)
            lines.extend(wrapped)
            runs_on.extend(n > 0 for n in range(len(wrapped)))
        if len(lines) <= self.lines:
            yield from lines
            return
        yield from lines[: self.lines - 1]
        # The last line runs on into the next as far as it fits ("US made a…" said nothing).
        last = lines[self.lines - 1].copy()
        if runs_on[self.lines]:
            last.rstrip()
            last.append(" ")
            last.append_text(lines[self.lines])
        last.truncate(width - 1)
        last.rstrip()
        last.append("…")
        yield last

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)
