"""``tradegame serve`` without a server: its command, its checks, the missing-extra message;
and ``tradegame play --instructor``'s options."""

from __future__ import annotations

import builtins
import shlex
import sys
from typing import Any

import pytest

from tradegame.cli import build_parser, main
from tradegame.commands import serve
from tradegame.commands.play import build_options


def test_serve_runs_play_with_this_python() -> None:
    args = build_parser().parse_args(["serve", "april-2025", "--seat", "JP=human",
                                      "--seed", "4", "--port", "9000", "--instructor"])
    assert (args.host, args.port) == ("127.0.0.1", 9000)
    assert shlex.split(serve.play_command(args)) == [
        sys.executable, "-m", "tradegame", "play", "april-2025", "--seat", "JP=human",
        "--seed", "4", "--instructor"]


def test_serve_without_textual_serve_says_how_to_install(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("textual_serve"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["tradegame: " + serve.INSTALL_HINT]
    assert "pip install 'tradegame[web]'" in err[0]


def test_serve_refuses_a_bad_scenario_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "no-such-scenario", "--port", "1"]) == 2
    assert "no such file or bundled scenario" in capsys.readouterr().err


def test_play_instructor_option() -> None:
    args = build_parser().parse_args(["play", "--instructor", "--seat", "JP=human",
                                      "--seed", "1"])
    options: Any = build_options(args)
    try:
        assert options.instructor and options.match is not None
    finally:
        options.match.close()


async def test_saving_in_a_browser_downloads_the_save(
        save_dir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from tradegame.ui.app import TradeGameApp
    from tradegame.ui.screens.game import GameScreen

    from .support import make_app, make_match, wait_until

    delivered: list[tuple[Path, dict[str, Any]]] = []
    monkeypatch.setattr(TradeGameApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(TradeGameApp, "deliver_text",
                        lambda self, path, **kw: delivered.append((path, kw)) or "key")
    app = make_app(save_dir, make_match({"JP": "human", "US": "passive", "EU": "passive"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PathDialog",
                         what="save dialog")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(delivered), what="download")
    path, kw = delivered[0]
    assert Path(path).exists() and kw["save_filename"] == Path(path).name
    assert kw["open_method"] == "download" and Path(path).suffix == ".json"
