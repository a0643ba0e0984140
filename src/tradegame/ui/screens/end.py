"""The end of the game: scores, BATNA and surplus for every player, joint welfare, the deals,
and charts of the whole game."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tradegame.session.text import Names, player_text, signed
from tradegame.ui.widgets.common import Frame, deal_term_text
from tradegame.ui.widgets.dashboard import charts_text, players_table
from tradegame.ui.widgets.keys import KeyFooter, TitleHeader


def _fmt_value(metric: str, value: float) -> str:
    if metric == "tariff_faced":
        return f"{value * 100:.1f}%"
    if metric == "gdp_effect":
        return f"{signed(value, 2)}%"
    if metric in (
        "trade_balance",
        "tariff_revenue",
        "consumer_cost",
        "investment_received",
        "purchases_received",
        "cost_sharing_received",
    ):
        return f"{'−' if value < 0 else ''}${abs(value):,.1f}bn"
    return f"{value:,.1f}"


def breakdown_table(
    player: str,
    name: str,
    parts: list[dict[str, Any]],
    score: float | None,
    view: dict[str, Any],
) -> Table:
    """How one score was made: each objective's result against its full-marks and no-marks
    values, its weight and the points it earned (``view``: the game's end, for the labels)."""
    caption = f"{name} ({player})" + (f": {score:.1f} points" if score is not None else "")
    table = Table(
        box=box.SIMPLE_HEAD,
        title=Text(caption),
        title_style="bold",
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Objective", overflow="fold")
    table.add_column("Result", justify="right", no_wrap=True)
    table.add_column("Full at", justify="right", no_wrap=True)
    table.add_column("None at", justify="right", no_wrap=True)
    table.add_column("Wt", justify="right", no_wrap=True)
    table.add_column("Points", justify="right", no_wrap=True)
    for part in parts:
        metric = str(part.get("metric", ""))
        table.add_row(
            # Scenario text, never markup: a label's "[autos]" is a sector, not a style.
            Text(player_text(str(part.get("label", metric)), view)),
            _fmt_value(metric, part["value"]),
            _fmt_value(metric, part["best"]),
            _fmt_value(metric, part["worst"]),
            f"{part['weight'] * 100:.0f}%",
            f"{part['points'] + 0.0:.1f}".replace("-0.0", "0.0"),
        )
    return table


def results_table(view: dict[str, Any], viewer: str | None) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        title="Result",
        title_style="bold",
        title_justify="left",
        pad_edge=False,
    )
    table.add_column("Player", no_wrap=True)
    table.add_column("Score", justify="right")
    table.add_column("BATNA", justify="right")
    table.add_column("Surplus", justify="right")
    scores = view.get("scores", {})
    batna = view.get("batna", {})
    names = {p["id"]: p["name"] for p in view.get("players", [])}
    for pid, score in scores.items():
        style = "bold" if pid == viewer else ""
        surplus = score - batna.get(pid, 0.0)
        table.add_row(
            Text(f"{pid} {names.get(pid, '')}" + (" (you)" if pid == viewer else ""), style=style),
            f"{score:.1f}",
            f"{batna.get(pid, 0.0):.1f}",
            signed(surplus),
        )
    return table


def summary_text(view: dict[str, Any], viewer: str | None) -> Text:
    scores = view.get("scores", {})
    batna = view.get("batna", {})
    joint = sum(s - batna.get(p, 0.0) for p, s in scores.items())
    text = Text()
    text.append("Joint welfare (sum of surpluses): ", style="bold")
    text.append(signed(joint))
    if viewer in scores:
        mine = scores[viewer] - batna.get(viewer, 0.0)
        text.append("\nYou finished ")
        text.append(f"{signed(mine)} points", style="bold")
        text.append(
            " above what no deal at all would have given you."
            if mine > 0.05
            else " below what no deal at all would have given you."
            if mine < -0.05
            else " level with no deal at all."
        )
    text.append(f"\nThe game ended on {view.get('date')} (round {view.get('round')}).")
    return text


def deals_table(view: dict[str, Any], names: Names | None = None) -> Table:
    """The game's deals; their terms in ``names``' words (see ``deal_term_text``)."""
    table = Table(
        box=box.SIMPLE_HEAD, title="Deals", title_style="bold", title_justify="left", pad_edge=False
    )
    table.add_column("Deal", no_wrap=True)
    table.add_column("Parties", no_wrap=True)
    table.add_column("Round", justify="right")
    table.add_column("Status")
    table.add_column("Terms")
    for d in view.get("deals", []):
        table.add_row(
            Text(str(d["id"])),
            Text("–".join(d["parties"]) + (" (unilateral)" if d.get("unilateral") else "")),
            str(d["round"]),
            Text(str(d["status"]).replace("_", " ")),
            Text("; ".join(deal_term_text(t, names) for t in d["terms"])),
        )
    if not view.get("deals"):
        table.add_row("—", "", "", "no deal was made", "")
    return table


class EndScreen(Screen[None]):
    """Game over. ``l`` goes back to the game screen (log, dashboard), ``n`` starts anew."""

    BINDINGS = [
        Binding("l", "back", "Back to the game"),
        Binding("escape", "back", "Back", show=False),
        Binding("n", "app.new_game", "New game"),
        Binding("q", "app.quit", "Quit"),
    ]
    DEFAULT_CSS = """
    EndScreen VerticalScroll { padding: 0 1; }
    EndScreen Static { margin-bottom: 1; }
    """

    def __init__(
        self,
        frame: Frame,
        can_go_back: bool = True,
        breakdown: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        super().__init__(id="end")
        self.frame = frame
        self.can_go_back = can_go_back
        self.breakdown = breakdown or {}
        """Player -> the objectives its score was made of (the game is over: all public)."""
        self.sub_title = str(frame.view.get("scenario", {}).get("title", ""))

    def compose(self) -> ComposeResult:
        view = self.frame.view
        # "you" only for a person at the keyboard: a watch-only game has no "you".
        viewer = self.frame.viewer
        you = (
            viewer
            if viewer is not None and self.frame.seats.get(viewer, "human") == "human"
            else None
        )
        yield TitleHeader()
        with VerticalScroll(id="end-body"):
            yield Static(Text("Game over", style="bold"), id="end-title")
            yield Static(results_table(view, you), id="end-results")
            yield Static(summary_text(view, you), id="end-summary")
            yield Static(deals_table(view, self.frame.names), id="end-deals")
            if self.breakdown:
                names = {p["id"]: p["name"] for p in view.get("players", [])}
                scores = view.get("scores", {})
                order = sorted(self.breakdown, key=lambda p: p != you)
                yield Static(
                    Text("How each score was made", style="bold"), id="end-breakdown-title"
                )
                for pid in order:
                    yield Static(
                        breakdown_table(
                            pid, names.get(pid, pid), self.breakdown[pid], scores.get(pid), view
                        ),
                        classes="end-breakdown",
                    )
            yield Static(players_table(self.frame), id="end-players")
            yield Static(charts_text(self.frame, width=40), id="end-charts")
        yield KeyFooter()

    def on_resize(self) -> None:
        from tradegame.ui.screens.too_small import check_size

        check_size(self)

    def on_mount(self) -> None:
        self.query_one("#end-body").focus()

    def action_back(self) -> None:
        if self.can_go_back:
            self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back
        return True


__all__ = ["EndScreen", "breakdown_table", "deals_table", "results_table", "summary_text"]
