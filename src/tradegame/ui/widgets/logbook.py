"""The log (round by round, with the reasons the engine gives) and the briefing tab."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import RichLog, Static

from tradegame.session.text import pct, player_text
from tradegame.ui.widgets.common import Frame, HangingText, RenderedLines
from tradegame.ui.widgets.report import resolved_rounds, round_report
from tradegame.untrusted import printable

PHASE_LABEL = {
    "news": "news",
    "talks": "talks",
    "orders": "orders",
    "resolution": "result",
    "end": "end",
    "deadline": "deadline",
}


@dataclass
class LogCursor:
    """How far a viewer's log has been written: entries, the round they were in, the rounds
    whose report is written, agent incidents."""

    viewer: str | None = None
    entries: int = 0
    round: Any = None
    reported: set[Any] = field(default_factory=set)
    incidents: int = 0
    empty: bool = False
    """The "nothing has happened yet" line is shown (it goes when the first entry comes)."""


def log_pieces(frame: Frame, cursor: LogCursor) -> list[Text]:
    """What the viewer's log has that ``cursor`` has not written yet, in order: the new
    entries grouped by round, each resolved round's report after its entries, the agent
    incidents. ``cursor`` is moved on. One rule for the whole log and for each update."""
    out: list[Text] = []
    entries = frame.view.get("log", [])
    resolved = set(resolved_rounds(frame.view))

    def report(round_no: Any) -> None:
        if round_no in resolved and round_no not in cursor.reported:
            cursor.reported.add(round_no)
            text = _Report("\n")
            text.append_text(round_report(frame.view, round_no, frame.marks))
            text.append("\n")
            out.append(text)

    def report_quiet_rounds(before: Any) -> None:
        """The reports of resolved rounds after the current one that have no entry of their
        own for this viewer (up to ``before``; all of them with None): they had none."""
        for round_no in sorted(resolved):
            if (cursor.round is None or round_no > cursor.round) and (
                before is None or round_no < before
            ):
                report(round_no)

    if not entries and cursor.entries == 0 and not cursor.empty:
        cursor.empty = True
        out.append(Text("Nothing has happened yet.", style="italic"))
    for e in entries[cursor.entries :]:
        text = _Entry()
        if e["round"] != cursor.round:
            if cursor.round is not None:
                report(cursor.round)
                report_quiet_rounds(e["round"])
                text.append("\n")
            cursor.round = e["round"]
            text.append(f"Round {cursor.round}", style="bold underline")
            text.append(f"  day {e['day']}\n", style="dim")
        private = e.get("audience") is not None
        text.line_at = len(text)
        text.append(f"  {PHASE_LABEL.get(e['phase'], e['phase']):>8} ", style="dim")
        text.body_at = len(text)
        # A remote server's view is outside text: its escapes are shown, never obeyed.
        text.append(printable(str(e["text"])), style="italic" if private else "")
        if private:
            text.append("  (private)", style="dim")
        out.append(text)
    cursor.entries = len(entries)
    if cursor.round is not None:
        report(cursor.round)
        report_quiet_rounds(None)
    for line in frame.incidents[cursor.incidents :]:
        out.append(Text(f"Agent incident: {line}", style="yellow"))
    cursor.incidents = len(frame.incidents)
    return out


class _Entry(Text):
    """A log entry's text: ``line_at`` is where its line starts (after a round's heading),
    ``body_at`` where its words start (after the phase's label)."""

    line_at = 0
    body_at = 0


class _Report(Text):
    """A round's report in the log: its bulleted lines wrap under their words."""


class _HangingLine:
    """A log entry's line, its words wrapping under themselves, not under the phase labels
    (at 80 columns a long entry's second line began at the left edge and read like a new
    entry). Narrower than 12 columns beside the label, it wraps whole."""

    def __init__(self, label: Text, body: Text) -> None:
        self.label, self.body = label, body

    def __rich_console__(self, console: Any, options: Any) -> Any:
        width = options.max_width
        indent = self.label.cell_len
        if width - indent < 12:
            yield Text.assemble(self.label, self.body)
            return
        for n, line in enumerate(self.body.wrap(console, width - indent)):
            yield Text.assemble(self.label if n == 0 else " " * indent, line)


def _shown(piece: Text, width: int) -> Any:
    """What the log panel writes for ``piece`` at ``width`` columns: an entry that does not
    fit on its line as its heading and hanging line (the others as they are: most entries
    fit, and the hanging line costs twice the drawing of a text)."""
    if isinstance(piece, _Report):
        # As the report's dialog draws it: a bullet's second line under its words, not
        # under the bullets (at 80 columns a news item went on at the left edge).
        fits = all(line.cell_len <= width for line in piece.split("\n"))
        return piece if fits else HangingText(piece)
    if not isinstance(piece, _Entry) or piece.cell_len - piece.line_at <= width:
        return piece
    line = _HangingLine(piece[piece.line_at : piece.body_at], piece[piece.body_at :])
    if not piece.line_at:
        return line
    return Group(piece[: piece.line_at - 1], line)  # the heading, without its line break


def log_text(frame: Frame) -> Text:
    """Every log entry the viewer may see, grouped by round, newest last (the whole log as
    one text: what the log tab shows)."""
    return Text("\n").join(log_pieces(frame, LogCursor(frame.viewer)))


class LogPanel(RichLog, can_focus=True):
    """The round-by-round log; it follows the newest entry unless scrolled up. Only what is
    new since the last update is written (a whole game's log re-rendered on every move took
    up to 170 ms); another viewer, a shorter log (a rollback) or a new width starts it over."""

    DEFAULT_CSS = "LogPanel { padding: 0 1; background: $surface; border: none; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, **kwargs)
        self._cursor = LogCursor()
        self._frame: Frame | None = None
        self._width = 0

    def update_frame(self, frame: Frame) -> None:
        self._frame = frame
        cursor = self._cursor
        if (
            frame.viewer != cursor.viewer
            or len(frame.view.get("log", [])) < cursor.entries
            or len(frame.incidents) < cursor.incidents
            or (cursor.empty and frame.view.get("log"))
        ):
            self.clear()
            cursor = self._cursor = LogCursor(frame.viewer)
        at_end = self.scroll_y >= self.max_scroll_y - 1
        width = self._text_width()
        for piece in log_pieces(frame, cursor):
            self.write(_shown(piece, width), width=width, scroll_end=at_end)

    def rewrite(self) -> None:
        """Start over at the next update (the numbers the reports compare against came in:
        the rounds before a loaded save)."""
        self.clear()
        self._cursor = LogCursor(self._cursor.viewer)

    def _text_width(self) -> int:
        """The columns a line takes: the text's place when the tab is shown; while it is
        hidden (the log is written while the player reads), the place it will be shown at:
        the nearest shown container's width less this panel's padding and scroll bar."""
        width = self.scrollable_content_region.width
        if width > 0:
            return width
        shown = next(
            (
                a.content_region.width
                for a in self.ancestors
                if isinstance(a, Widget) and a.size.width
            ),
            0,
        )
        return max(1, shown - self.styles.gutter.width - self.styles.scrollbar_size_vertical)

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        if width != self._width and self._frame is not None and self._width:
            self.clear()  # written lines keep their width: write them again at the new one
            self._cursor = LogCursor(self._frame.viewer)
            self._width = width
            self.update_frame(self._frame)
        self._width = width


def briefing_markdown(frame: Frame) -> str:
    """The viewer's briefing as Markdown: public, confidential, objectives, win-set."""
    v = frame.view
    you = frame.you
    lines: list[str] = []
    players = {p["id"]: p for p in v.get("players", [])}
    if frame.viewer is None or not you:
        lines.append("# Public briefings")
        lines.append("")
        lines.append("*You are watching; each seat's private briefing stays with its player.*")
        for p in v.get("players", []):
            lines += ["", player_text(p.get("briefing") or "", v) or f"## {p['name']}"]
        return "\n".join(lines)
    me = players.get(frame.viewer, {})
    lines.append(f"# {me.get('name', frame.viewer)} ({frame.viewer}) — your briefing")
    lines += [
        "",
        "## Objectives (private)",
        "",
        "| objective | weight | best | worst |",
        "|---|---:|---:|---:|",
    ]
    for o in you.get("objectives", []):
        lines.append(
            f"| {player_text(o['label'], v)} | {o['weight']:g} | {_fmt_bound(o, o['best'])} | "
            f"{_fmt_bound(o, o['worst'])} |"
        )
    if you.get("win_set") is not None:
        lines += [
            "",
            f"**Win-set:** {you['win_set']:.1f} political points. A deal whose "
            f"political cost to you is above this fails ratification "
            f"({me.get('ratifies') or 'your ratifiers'}). It grows with approval.",
        ]
    else:
        lines += ["", "Your deals need no ratification."]
    lines += [
        "",
        player_text(you.get("confidential_briefing") or "", v),
        "",
        player_text(me.get("briefing") or "", v),
    ]
    others = [p for p in v.get("players", []) if p["id"] != frame.viewer]
    if others:
        lines += ["", "# The other players (public briefings)"]
        for p in others:
            lines += ["", player_text(p.get("briefing") or "", v) or f"## {p['name']}"]
    return "\n".join(lines)


def _fmt_bound(objective: dict[str, Any], value: float) -> str:
    if objective["metric"] == "tariff_faced":
        return pct(value)
    if objective["metric"] == "gdp_effect":
        return f"{value:+.2f}%"
    return f"{value:g}"


class BriefingPanel(VerticalScroll, can_focus=True):
    """Your public and confidential briefing, objectives and win-set (Markdown)."""

    DEFAULT_CSS = "BriefingPanel { padding: 0 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._source = ""
        self._rendered: RenderedLines | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="briefing-text")

    def update_frame(self, frame: Frame) -> None:
        source = briefing_markdown(frame)
        if source != self._source:
            from rich.markdown import Markdown

            self._source = source
            self._rendered = RenderedLines(Markdown(source, hyperlinks=False))
            self.query_one("#briefing-text", Static).update(self._rendered)

    def prepare(self) -> None:
        """Draw the briefing now, at the widths its tab will show it (with and without a
        scroll bar), while the tab is hidden: showing it then only paints the kept lines."""
        if self._rendered is None:
            return
        shown = self.size.width
        if not shown:  # hidden: the width of the nearest shown container, less our gutter
            shown = next(
                (
                    a.content_region.width
                    for a in self.ancestors
                    if isinstance(a, Widget) and a.size.width
                ),
                0,
            )
            shown -= self.styles.gutter.width
        text = self.query_one("#briefing-text", Static)
        widths = {shown, shown - self.styles.scrollbar_size_vertical}
        widths = {w - text.styles.gutter.width for w in widths}
        self._rendered.prepare(self.app.console, self.app.console_options, widths)

    def clear(self) -> None:
        self._source = ""
        self._rendered = None
        self.query_one("#briefing-text", Static).update("")


__all__ = [
    "BriefingPanel",
    "LogCursor",
    "LogPanel",
    "briefing_markdown",
    "log_pieces",
    "log_text",
]
