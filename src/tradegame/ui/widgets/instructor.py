"""The instructor tab: every player's private data (``game.view(None)``), the injects and
what the instructor did. Shown only in instructor mode (``tradegame play --instructor``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tradegame.ui.widgets.common import Frame

if TYPE_CHECKING:
    from tradegame.session.match import Match

INSTRUCTOR_KEYS = (
    "space pause/resume AI · n one AI move · i inject · w write news · "
    "b roll back to a round · "
    "ctrl+e end the game early · 6 this tab"
)


def instructor_markdown(match: Match, paused: bool) -> str:
    """The instructor's full view as Markdown."""
    from tradegame.session.instructor import fired_injects, injects

    game = match.game
    view = game.view(None).to_json()
    private = view.get("private", {})
    title = (
        f"# Instructor view — round {view['round']} of {view['rounds_total']}, "
        f"{view['date']} (day {view['day']})"
    )
    status = (
        f"Phase: **{view['phase']}**; to move: **{view.get('to_move') or '-'}**; "
        f"market stress {view['market_stress']:.0f}/100. AI play is "
        f"**{'paused' if paused else 'running'}**."
    )
    lines = [title, "", status, "", f"*Keys: {INSTRUCTOR_KEYS}.*"]
    for p in view.get("players", []):
        pid = p["id"]
        data: dict[str, Any] = private.get(pid, {})
        seat = match.seats.get(pid, "")
        standing = (
            f"Approval {p['approval']:.0f}, credibility {p['credibility']:.0f}; "
            f"win-set: **{_fmt(data.get('win_set'))}**."
        )
        lines += [
            "",
            f"## {p['name']} ({pid}) — {seat}",
            "",
            standing,
            "",
            "| objective | weight | best | worst |",
            "|---|---:|---:|---:|",
        ]
        for o in data.get("objectives", []):
            lines.append(f"| {o['label']} | {o['weight']:g} | {o['best']:g} | {o['worst']:g} |")
        orders = data.get("pending_orders") or []
        lines += [
            "",
            "Pending orders: " + ("; ".join(f"`{o}`" for o in orders) if orders else "none"),
            "",
            "### Confidential briefing",
            "",
            data.get("confidential_briefing") or "*(none)*",
        ]
    lines += sources_lines(match)  # before the injects and the log, which end the tab
    fired = fired_injects(match)
    lines += ["", "## Injects (i fires one)", ""]
    for e in injects(match):
        mark = " — *fired*" if e.id in fired else ""
        lines.append(f"- `{e.id}` {e.name}{mark}: {e.news}")
    if not injects(match):
        lines.append("*This scenario has no injects.*")
    lines += ["", "## Instructor log", ""]
    lines += [f"- {line}" for line in match.instructor_log] or ["*Nothing yet.*"]
    return "\n".join(lines)


def sources_lines(match: Match) -> list[str]:
    """Where the scenario's figures come from: each catalogue item's cited sections of the
    data sheet (docs/sources.md; ``tradegame sources 1b`` prints a section's rows)."""
    from tradegame.classroom.sources import SourcesMissing, citations, sections

    try:
        have = sections()
    except SourcesMissing:
        return ["", "## Sources of the figures", "", "*The data sheet is not installed.*"]
    cited = citations(match.scenario_text or "")
    if not cited:
        return []
    lines = [
        "",
        "## Sources of the figures",
        "",
        "Catalogue figures and the data-sheet sections they cite (`tradegame sources "
        "SECTION` prints a section's rows, with publisher and date):",
        "",
    ]
    for item in match.rules.items:
        ids = citations(item.description)
        if ids:
            lines.append(
                f"- `{item.id}` {item.name}: "
                + ", ".join(
                    f"§{i} {have[i].title}" if i in have else f"§{i} (not in the sheet)"
                    for i in ids
                )
            )
    lines += [
        "",
        "Every section the scenario cites: "
        + "; ".join(
            f"§{i} {have[i].title}" if i in have else f"§{i} (not in the sheet)" for i in cited
        )
        + ".",
    ]
    return lines


def _fmt(value: Any) -> str:
    return "no ratification" if value is None else f"{float(value):.1f}"


class InstructorPanel(VerticalScroll, can_focus=True):
    """Everything private, for the instructor (Markdown)."""

    DEFAULT_CSS = "InstructorPanel { padding: 0 1; }"

    def __init__(self, match: Match, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.match = match
        self.paused = False
        self._source = ""

    def compose(self) -> ComposeResult:
        yield Static(id="instructor-text")

    def update_frame(self, frame: Frame) -> None:
        source = instructor_markdown(self.match, self.paused)
        if source != self._source:
            from rich.markdown import Markdown

            self._source = source
            self.query_one("#instructor-text", Static).update(Markdown(source, hyperlinks=False))

    @property
    def source(self) -> str:
        return self._source


__all__ = ["INSTRUCTOR_KEYS", "InstructorPanel", "instructor_markdown"]
