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
    args = build_parser().parse_args(
        [
            "serve",
            "april-2025",
            "--seat",
            "JP=human",
            "--seed",
            "4",
            "--port",
            "9000",
            "--instructor",
        ]
    )
    assert (args.host, args.port, args.max_connections) == ("127.0.0.1", 9000, 30)
    offered = serve.check(args)
    game = [
        sys.executable,
        "-m",
        "tradegame",
        "play",
        "--web",
        "april-2025",
        "--offer",
        "april-2025",
        "--seat",
        "JP=human",
        "--seed",
        "4",
    ]
    # the instructor view is a second command, for browsers with the secret only
    assert shlex.split(serve.play_command(args, offered)) == ["exec", *game]
    assert shlex.split(serve.play_command(args, offered, instructor=True)) == [
        "exec",
        *game,
        "--instructor",
    ]


def test_play_web_options_come_from_serve_only() -> None:
    args = build_parser().parse_args(["play", "--web", "april-2025", "--offer", "/srv/a.yaml"])
    options: Any = build_options(args)
    assert options.web and options.scenarios == ("/srv/a.yaml",)
    assert "--web" not in build_parser().format_help()
    plain: Any = build_options(build_parser().parse_args(["play"]))
    assert not plain.web and plain.scenarios == ()


def test_serve_without_textual_serve_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
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
    args = build_parser().parse_args(["play", "--instructor", "--seat", "JP=human", "--seed", "1"])
    options: Any = build_options(args)
    try:
        assert options.instructor and options.match is not None
    finally:
        options.match.close()


async def test_saving_in_a_browser_downloads_the_save(
    save_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradegame.session.persistence import load_text
    from tradegame.ui.app import TradeGameApp
    from tradegame.ui.screens.game import GameScreen

    from .support import make_app, make_match, wait_until

    delivered: list[tuple[bytes, dict[str, Any]]] = []
    monkeypatch.setattr(
        TradeGameApp,
        "deliver_binary",
        lambda self, data, **kw: delivered.append((data.read(), kw)) or "key",
    )
    app = make_app(
        save_dir, make_match({"JP": "human", "US": "passive", "EU": "passive"}), web=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="game")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(delivered), what="download")
        assert isinstance(app.screen, GameScreen)  # no dialog: no path asked
    data, kw = delivered[0]
    assert kw["open_method"] == "download" and kw["save_filename"].endswith(".json")
    assert load_text(data).seed == 1
    assert list(save_dir.iterdir()) == []  # nothing written on the server
