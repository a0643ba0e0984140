"""The help screen: every key, and the game in a few lines."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tradegame.ui.toasts import HoldsToasts

KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Everywhere",
        [
            ("F1  ?", "this help"),
            ("ctrl+p", "command palette: search the legal moves by their notation, and commands"),
            ("ctrl+s", "save the game"),
            ("ctrl+o", "load a saved game"),
            ("ctrl+n", "new game"),
            ("ctrl+q", "quit (during a game it asks first; twice quits at once)"),
            ("tab / shift+tab", "move between parts of the screen"),
            ("esc", "close a dialog"),
        ],
    ),
    (
        "Game screen",
        [
            ("1 2 3 4 5", "tabs: dashboard, talks, orders, log, briefing"),
            ("ctrl+d", "Done: the summary of your orders, then end your turn"),
            ("↑ ↓ pgup pgdn", "scroll the dashboard, log and briefing"),
            ("h", "hints on what to try next, on or off (on in the guided first game)"),
        ],
    ),
    (
        "Talks tab",
        [
            ("↑ ↓", "choose a catalogue item (what it is shows under the list)"),
            ("m", "read the highlighted item's whole description"),
            ("← →", "change its level (past either end it leaves the deal)"),
            ("space / enter", "put the item in or out of your draft"),
            ("s", "send the draft (a proposal, or a counter-offer)"),
            ("a / r", "accept / reject the offer on the table"),
            ("p", "pass (make no proposal)"),
            ("e / c", "copy the offer into your draft / clear the draft"),
            ("d", "start from the deal in force with this partner (a new deal replaces it)"),
            ("] / [", "show the offer's terms below / above (when it says ▼ N more)"),
            ("ctrl+p", "type 'message PARTNER any words' to write to your partner (once a move)"),
        ],
    ),
    (
        "Orders tab",
        [
            (
                "/",
                "filter the orders (type words: tariff, concede, LNG, threat…); a word typed "
                "in the list filters it too",
            ),
            ("↑ ↓", "choose an order; its preview shows below"),
            ("enter", "stage the order"),
            ("x", "remove the last staged order"),
            ("d", "Done (same as ctrl+d)"),
        ],
    ),
    (
        "Watching AI seats",
        [
            ("space", "pause / resume"),
            ("n", "one move (when paused)"),
            ("+ / -", "faster / slower"),
            ("v", "whose view to show"),
        ],
    ),
    (
        "Instructor mode (tradegame play --instructor)",
        [
            (
                "6",
                "the instructor tab: every player's objectives, win-set, confidential briefing "
                "and pending orders; the injects; what the instructor did",
            ),
            (
                "space",
                "pause / resume AI play (n: one AI move while paused); on your own talks "
                "list space puts an item in or out (the footer shows which)",
            ),
            ("i", "fire a scenario inject (from a list; it is in the log and the save)"),
            (
                "w",
                "write a news item: its text and optional effects (stress=N, approval:PLAYER=N, "
                "credibility:PLAYER=N, relations:PLAYER:PLAYER=N); it is in the log and the save",
            ),
            ("b", "roll back to the start of a round (asks first; AI play is then paused)"),
            ("ctrl+e", "end the game early: everyone passes to the end (asks first)"),
        ],
    ),
    (
        "Hot-seat",
        [
            ("enter", "on the curtain: the named player is at the keyboard"),
        ],
    ),
]

ABOUT = (
    "Each round: news, then talks (the requester proposes or passes; the other side accepts, "
    "rejects or counters), then secret orders, then resolution. Your score (0–100) is the "
    "weighted sum of your objectives (briefing tab); it is shown against your BATNA, the score "
    "if nobody agrees to anything. A deal that costs you more political points than your "
    "win-set fails ratification. Every preview is the engine's what-if: it assumes the other "
    "side accepts and everyone else does nothing more. The round report's projected score is "
    "taken as each round starts; a preview projects from the moment you ask, and a projection "
    'draws its chance anew for each phase, so "doing nothing more" in the orders can differ '
    "from the report's figure with no move made."
)


class HelpScreen(HoldsToasts, ModalScreen[None]):
    """Keys and a short reminder of the rules (toasts wait until it closes)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 90%; max-width: 96; height: 90%; border: thick $primary;
                            background: $surface; padding: 0 1; }
    HelpScreen Label { text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("tradegame — keys (esc closes)")
            with VerticalScroll(id="help-body"):
                yield Static(self._table())
                yield Static(Text("\n" + ABOUT))

    @staticmethod
    def _table() -> Group:
        """One table per section under its heading, all with the same narrow key column
        (a heading in the key column would make it as wide as the heading)."""
        width = max(len(key) for _, rows in KEYS for key, _ in rows)
        parts: list[RenderableType] = []
        for n, (section, rows) in enumerate(KEYS):
            parts.append(Text(("\n" if n else "") + section, style="bold underline"))
            table = Table(show_header=False, box=None, padding=(0, 2, 0, 0), expand=False)
            table.add_column("key", style="bold", no_wrap=True, width=width)
            table.add_column("what")
            for key, what in rows:
                table.add_row(key, what)
            parts.append(table)
        return Group(*parts)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["HelpScreen", "KEYS"]
