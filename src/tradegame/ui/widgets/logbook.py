"""The log (round by round, with the reasons the engine gives) and the briefing tab."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tradegame.session.text import pct, player_text
from tradegame.ui.widgets.common import Frame
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


def log_text(frame: Frame) -> Text:
    """Every log entry the viewer may see, grouped by round, newest last."""
    text = Text()
    current = None
    entries = frame.view.get("log", [])
    if not entries:
        text.append("Nothing has happened yet.", style="italic")
    reported = set(resolved_rounds(frame.view))

    def report(round_no: Any) -> None:
        if round_no in reported:
            text.append("\n")
            text.append_text(round_report(frame.view, round_no, frame.marks))
            text.append("\n")

    for e in entries:
        if e["round"] != current:
            if current is not None:
                report(current)
            current = e["round"]
            if text:
                text.append("\n")
            text.append(f"Round {current}", style="bold underline")
            text.append(f"  day {e['day']}\n", style="dim")
        private = e.get("audience") is not None
        text.append(f"  {PHASE_LABEL.get(e['phase'], e['phase']):>8} ", style="dim")
        # A remote server's view is outside text: its escapes are shown, never obeyed.
        text.append(printable(str(e["text"])), style="italic" if private else "")
        if private:
            text.append("  (private)", style="dim")
        text.append("\n")
    if current is not None:
        report(current)
    if frame.incidents:
        text.append("\nAgent incidents", style="bold underline")
        for line in frame.incidents:
            text.append(f"\n  {line}")
    return text


class LogPanel(VerticalScroll, can_focus=True):
    """The round-by-round log; it follows the newest entry unless scrolled up."""

    DEFAULT_CSS = "LogPanel { padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield Static(id="log-text")

    def update_frame(self, frame: Frame) -> None:
        at_end = self.scroll_y >= self.max_scroll_y - 1
        self.query_one("#log-text", Static).update(log_text(frame))
        if at_end:
            self.call_after_refresh(self.scroll_end, animate=False)


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
            lines += ["", p.get("briefing") or f"## {p['name']}"]
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
            f"| {player_text(o['label'])} | {o['weight']:g} | {_fmt_bound(o, o['best'])} | "
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
    lines += ["", you.get("confidential_briefing") or "", "", me.get("briefing") or ""]
    others = [p for p in v.get("players", []) if p["id"] != frame.viewer]
    if others:
        lines += ["", "# The other players (public briefings)"]
        for p in others:
            lines += ["", p.get("briefing") or f"## {p['name']}"]
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

    def compose(self) -> ComposeResult:
        yield Static(id="briefing-text")

    def update_frame(self, frame: Frame) -> None:
        source = briefing_markdown(frame)
        if source != self._source:
            from rich.markdown import Markdown

            self._source = source
            self.query_one("#briefing-text", Static).update(Markdown(source, hyperlinks=False))

    def clear(self) -> None:
        self._source = ""
        self.query_one("#briefing-text", Static).update("")


__all__ = ["BriefingPanel", "LogPanel", "briefing_markdown", "log_text"]
