"""A Resize to the size the game screen has just been laid out at lays nothing out again:
Textual laid the whole screen out on every Resize, and the game screen got two such before its
first frame (one from its own first layout, one from the app once idle), three layouts where
one does. A new size is laid out, and the screen fits it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.geometry import Size
from textual.screen import Screen

from tradegame.ui.screens.game import GameScreen

from .support import make_app, make_match, screen_text, wait_for_text, wait_until


async def test_a_resize_to_the_same_size_lays_nothing_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path, make_match({"JP": "human", "US": "passive", "EU": "passive"}))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your draft")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        # Every tab's panel is mounted while the player reads (one a refresh), and each mount
        # lays the screen out: under load they went on past a fixed pause (one failure seen).
        await wait_until(
            pilot,
            lambda: (
                all(screen.panel(tab) is not None for tab in screen.tabs)
                and screen._prepare_timer is None
            ),
            what="every panel mounted",
        )
        await pilot.pause(0.3)
        layouts: list[Any] = []
        refresh_layout = Screen._refresh_layout

        def spy(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
            if self is screen:
                layouts.append(args)
            refresh_layout(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", spy)
        screen.post_message(events.Resize(Size(100, 30), Size(100, 30)))
        await pilot.pause(0.3)
        assert layouts == []
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: bool(layouts), what="the new size laid out")
        await wait_for_text(pilot, "Your draft")
        assert screen.size == Size(120, 40)
        lines = screen_text(app).splitlines()
        assert len(lines) == 40 and "Pass" in lines[-1]  # the keys on the last line
        await pilot.resize_terminal(79, 24)  # too small: the screen says so, as before
        await wait_for_text(pilot, "tradegame needs at least 80×24")
