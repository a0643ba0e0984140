"""Every dialog keeps its buttons in sight at 80×24, whatever the length of its body (the body
scrolls, from the keyboard too), and the load dialog takes a typed path."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.screen import Screen
from textual.widgets import Button, Input

from tradegame.session.persistence import save
from tradegame.ui.screens.confirm_move import MoveDialog
from tradegame.ui.screens.dialogs import (
    ConfirmDialog,
    DoneDialog,
    LoadDialog,
    MessageDialog,
    PathDialog,
    WebLoadDialog,
)
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.screens.instructor import ChoiceDialog, NewsDialog
from tradegame.ui.screens.report import RoundReportDialog

from .support import (
    countered_match,
    flat_text,
    make_app,
    make_match,
    play_round_one_passively,
    screen_text,
    wait_for_text,
    wait_until,
)


def hidden_buttons(screen: Screen[Any]) -> list[str]:
    """The labels of the dialog's buttons that are not whole inside its box (border and all:
    a button is three rows, and a cut one loses its label or its edge)."""
    box = screen.children[0]  # the dialog's box
    inside = box.content_region.intersection(screen.region)
    return [
        str(button.label)
        for button in screen.query(Button)
        if button.region.intersection(inside) != button.region
    ]


async def test_a_four_term_counter_offer_shows_how_to_play_it_at_80x24(save_dir: Path) -> None:
    """The palette's summary of a four-term counter-offer (each term wraps, then the notation
    and the preview with its win-set lines) pushed its buttons below the dialog's edge."""
    match = countered_match(4)
    app = make_app(save_dir, match)
    move = "counter US jp_farm=4,jp_investment=100,us_autos_cap_jp=0.25,us_cap_jp=0.2"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "US offers 4 terms")
        await pilot.press("ctrl+p", *move)
        await wait_for_text(pilot, f"JP {move}")
        await pilot.press("enter")
        await wait_for_text(pilot, "Play this move?")
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        await wait_until(
            pilot,
            lambda: "ratification" in str(dialog.query_one("#move-preview").render()),
            what="the whole preview",
        )
        await pilot.pause()
        assert hidden_buttons(dialog) == []
        text = screen_text(app)
        assert "Back (esc)" in text and "Play it (enter)" in text
        # The body scrolls from the keyboard to its last line, the buttons stay.
        await pilot.press("pagedown", "pagedown")
        await wait_for_text(pilot, "its ratification is not checked")
        assert hidden_buttons(dialog) == []
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: f"JP {move}" in [str(a) for a in match.game.actions],
            what="the counter played",
        )


LONG = "\n".join(f"line {n}: " + "a word or two " * 8 for n in range(40))


class Entry:
    def __init__(self, n: int) -> None:
        self.label = f"save {n}"
        self.path = f"/nowhere/save-{n}.json"


DIALOGS: dict[str, Callable[[], Screen[Any]]] = {
    "message": lambda: MessageDialog("A long error", LONG),
    "confirm": lambda: ConfirmDialog(LONG, yes="Send", no="Back"),
    "path": lambda: PathDialog("Save the game to", "x" * 300, button="Save"),
    "load": lambda: LoadDialog([Entry(n) for n in range(40)], "/a/folder/" + "f" * 200),
    "web-load": lambda: WebLoadDialog([f"autosave {n}" for n in range(40)]),
    "done": lambda: DoneDialog(["an order with a long description " * 4] * 12),
    "move": lambda: MoveDialog("Play this move?", LONG.split("\n"), "JP pass", Text(LONG)),
    "report": lambda: RoundReportDialog(Text(LONG)),
    "choice": lambda: ChoiceDialog(
        "Fire an inject", LONG, [(str(n), f"inject {n}") for n in range(40)]
    ),
    "news": lambda: NewsDialog(lambda text, effects: None, ["US", "JP", "EU"] * 30),
}


@pytest.mark.parametrize("kind", list(DIALOGS))
async def test_every_dialog_keeps_its_buttons_in_sight_at_80x24(save_dir: Path, kind: str) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        dialog = DIALOGS[kind]()
        app.push_screen(dialog)
        await wait_until(pilot, lambda: app.screen is dialog, what="the dialog")
        await pilot.pause()
        labels = [str(b.label) for b in dialog.query(Button)]
        assert labels and hidden_buttons(dialog) == []
        for label in labels:
            assert label in screen_text(app)
        await pilot.press("pagedown", "down", "pagedown")
        await pilot.pause()
        assert hidden_buttons(dialog) == []


async def test_a_long_body_scrolls_to_its_end_from_the_keyboard(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"})
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        app.push_screen(ConfirmDialog(LONG, yes="Send", no="Back"))
        await wait_for_text(pilot, "line 0:")
        assert "line 39:" not in screen_text(app)
        await pilot.press(*["pagedown"] * 12)
        await wait_for_text(pilot, "line 39:")
        assert "Send" in screen_text(app) and "Back" in screen_text(app)


# ----------------------------------------------------------------------- the load dialog


async def test_a_path_typed_in_the_load_dialog_is_the_one_loaded(
    save_dir: Path, tmp_path: Path
) -> None:
    """The list of saves took the focus: the typed characters went nowhere and enter loaded
    the newest save of the folder instead of the file named."""
    newest = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    save(save_dir / "in-the-folder.json", newest)
    elsewhere = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=9)
    target = tmp_path / "elsewhere" / "my game.json"
    target.parent.mkdir()
    save(target, elsewhere)
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+o")
        await wait_for_text(pilot, "in-the-folder.json")
        assert isinstance(app.screen, LoadDialog)
        await pilot.press(*str(target))
        assert app.screen.query_one(Input).value == str(target)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: app.match is not None and app.match.seed == 9,
            what="the typed save loaded",
        )
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        assert app.match.game.state_hash() == elsewhere.game.state_hash()


async def test_the_load_dialog_list_answers_arrows_and_enter(save_dir: Path) -> None:
    """With the path field focused, ↓ then enter (nothing typed) loads the second save."""
    first = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=21)
    second = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=22)
    save(save_dir / "a.json", first)
    save(save_dir / "b.json", second)
    os.utime(save_dir / "a.json", (1, 1))  # b is the newest: first in the list
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+o")
        await wait_for_text(pilot, "a.json")
        text = flat_text(app)
        assert "type the path of a save file" in text and "↑ ↓, then enter" in text
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: app.match is not None and app.match.seed == 21, what="a.json loaded"
        )


async def test_a_talks_line_waits_until_the_round_report_is_closed(save_dir: Path) -> None:
    """The toast of a talks result that came with a resolution (the US's next offer) covered
    the round report's button at 80×24. Once the report is closed the turn shows the Talks
    tab, which shows the offer: no toast covers it there (see test_talks_toasts)."""
    match = make_match({"JP": "human", "US": "bargainer", "EU": "bargainer"}, seed=1)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await play_round_one_passively(pilot, game, "JP")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.pause(0.3)
        shown = [n.message for n in app._notifications]
        assert not any("US made an offer" in m for m in shown), "a toast over the report"
        assert "Continue (enter)" in screen_text(app) and hidden_buttons(app.screen) == []
        await pilot.press("enter")
        await wait_for_text(pilot, "US offers")
        await pilot.pause(0.3)
        assert not any("US made an offer" in n.message for n in app._notifications)
