"""Helpers for the interface tests: build apps, read the screen as text, wait for things."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from tradegame.session.match import Match, load_scenario
from tradegame.ui.app import Options, TradeGameApp

_SCENARIOS: dict[str, Any] = {}


def scenario(name: str = "april-2025") -> Any:
    if name not in _SCENARIOS:
        _SCENARIOS[name] = load_scenario(name)
    return _SCENARIOS[name]


def make_match(seats: dict[str, str], seed: int = 1, name: str = "april-2025") -> Match:
    sc = scenario(name)
    return Match(sc.rules, seed, seats, scenario_name=sc.source, scenario_text=sc.text)


def make_app(save_dir: Path, match: Match | None = None, **options: Any) -> TradeGameApp:
    """An app with no AI delay and saves in ``save_dir``."""
    opts = Options(match=match, save_dir=save_dir, ai_delay=0.0, spectate_delay=0.0, **options)
    app = TradeGameApp(opts)
    app.animation_level = "none"
    return app


def screen_text(app: TradeGameApp) -> str:
    """The characters on the screen now (what a player sees), as plain text."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True
    )
    console.print(update)
    return console.export_text(styles=False)


async def wait_until(
    pilot: Any, predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition"
) -> None:
    """Let the app run until ``predicate()`` holds (raises AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.01)


async def wait_for_text(pilot: Any, text: str, timeout: float = 20.0) -> None:
    await wait_until(pilot, lambda: text in screen_text(pilot.app), timeout, repr(text))


async def play_round_one_passively(pilot: Any, game: Any, player: str) -> None:
    """Play ``player``'s moves of round 1 by keys as the passive ones: pass an empty table
    (p), reject an offer (r), and send no orders (ctrl+d, enter). The round's report comes
    next, once every AI seat is done."""
    while game.round == 1:
        await wait_until(
            pilot, lambda: game.round > 1 or game.to_move() == player, what=f"{player}'s move"
        )
        if game.round > 1:
            return
        if game.phase == "orders":
            await pilot.press("ctrl+d")
            await wait_for_text(pilot, "send these orders?")
            await pilot.press("enter")
            return
        await pilot.press("p" if game.session and game.session.offer is None else "r")
        await pilot.pause()


def flat_text(app: TradeGameApp) -> str:
    """The screen's words with every run of spaces and line breaks made one space (a line
    that wraps at 80 columns still reads as one)."""
    return " ".join(screen_text(app).split())


async def wait_for_words(pilot: Any, text: str, timeout: float = 20.0) -> None:
    await wait_until(pilot, lambda: text in flat_text(pilot.app), timeout, repr(text))


def countered_match(n_terms: int = 6) -> Match:
    """Japan (human) facing a US counter-offer of ``n_terms`` terms in round 1 (four things
    Japan gives, then what the US gives), with the US and EU seats passive."""
    from tradegame.engine import Counter, Propose, Term

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while game.to_move() != "JP" or game.session is None:
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    items = match.deal_items("JP", "US")
    us = [i for i in items if game.rules.item(i).owner == "US"]
    jp = [i for i in items if game.rules.item(i).owner == "JP"]

    def term(item: str) -> Term:
        return Term(item, game.rules.item(item).levels[0].value)

    match.apply(Propose("JP", "US", (term(us[0]), term(jp[0]))))
    match.apply(Counter("US", "JP", tuple(term(i) for i in (jp[:4] + us)[:n_terms])))
    return match


def report_text(app: TradeGameApp) -> str | None:
    """The whole text of the round report on screen (None when none is up yet)."""
    if app.screen.id != "round-report":
        return None
    found = app.screen.query("#report-text")
    return str(found.first().render()) if found else None


async def close_reports_until_end(pilot: Any, timeout: float = 30.0) -> list[str]:
    """Close each round report as it comes until the results show; the reports' texts."""
    reports: list[str] = []
    deadline = time.monotonic() + timeout
    while not (pilot.app.screen.id == "end" and "Game over" in screen_text(pilot.app)):
        await pilot.pause()
        text = report_text(pilot.app)
        if text is not None:
            reports.append(text)
            await pilot.press("enter")
        if time.monotonic() > deadline:
            raise AssertionError(f"no end; screen:\n{screen_text(pilot.app)}")
        await asyncio.sleep(0.01)
    return reports
