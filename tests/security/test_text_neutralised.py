"""Text from a scenario reaches the terminal neutralised and never as markup (issue 11).

A scenario author can put escape sequences in any text with YAML's double-quoted escapes
(``"\\e[2J"``, ``"\\a"``, ``"\\x9b"``), and bidirectional overrides as they are. Obeyed, they
clear the screen, write the clipboard (OSC 52), plant hyperlinks (OSC 8) or make text read
differently from what it holds. The loader neutralises every text value once
(``untrusted.printable``), so the CLI, the TUI and the handouts all show ``\\x1b`` instead; and
the TUI shows scenario text literally where Textual would otherwise read it as markup
(``[@click=app.quit]`` is an action in Textual markup).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tradegame.cli import main
from tradegame.scenario.loader import parse_scenario
from tradegame.session.match import Match, load_scenario
from tradegame.ui.app import Options, TradeGameApp

ROOT = Path(__file__).resolve().parents[2]
SMALL = (ROOT / "tests" / "engine" / "small.yaml").read_text(encoding="utf-8")

# What a terminal would obey; printable() shows each as an escape.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

EDITS = [  # (YAML as written in small.yaml, a hostile version: YAML double-quoted escapes)
    (
        "title: Small test world",
        r'title: "Small \e]52;c;cHduZWQ=\a world \e[2J [@click=app.quit]Quit[/]"',
    ),
    (
        "    name: Alpha\n",
        r'    name: "Alpha\u202eahplA [bold]x[/bold]"'
        "\n"
        r'    briefing: {public: "See \e]8;;http://evil.example\e\\here\e]8;;\e\\.",'
        r' confidential: "Keep \u2066this\u2069 \x9b2J quiet"}'
        "\n",
    ),
    ("    name: Beta\n", r'    name: "Beta [@click=app.quit]B[/]"' "\n"),
    ("news: A headline.", r'news: "Head\e[31mline \x9b1m [@click=app.quit]Quit[/] \a"'),
    (
        "{id: a-cap-b, name: Cap on B, kind: tariff_cap,",
        r'{id: a-cap-b, name: Cap on B, description: "Caps \e[8mhidden\e[0m \x7f", '
        r"kind: tariff_cap,",
    ),
]


def hostile_text() -> str:
    text = SMALL
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile_text(), encoding="utf-8")
    return path


def assert_neutralised(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text.replace("\r\n", "\n"))})
    assert not found, f"raw control characters reach the output: {found}"


def test_the_loader_neutralises_every_text_value() -> None:
    sc = parse_scenario(hostile_text(), "hostile.yaml")
    a, b = sc.players[0], sc.players[1]
    assert sc.title == r"Small \x1b]52;c;cHduZWQ=\x07 world \x1b[2J [@click=app.quit]Quit[/]"
    assert a.name == r"Alpha\u202eahplA [bold]x[/bold]"
    assert a.briefing.public == r"See \x1b]8;;http://evil.example\x1b\here\x1b]8;;\x1b\."
    assert a.briefing.confidential == r"Keep \u2066this\u2069 \x9b2J quiet"
    assert b.name == "Beta [@click=app.quit]B[/]"  # markup is text: the TUI must show it so
    assert sc.events.scheduled[0].news == r"Head\x1b[31mline \x9b1m [@click=app.quit]Quit[/] \x07"
    assert sc.players[0].concessions[0].description == r"Caps \x1b[8mhidden\x1b[0m \x7f"


def test_validate_shows_hostile_values_neutralised(
    hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(hostile)]) == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        hostile_text().replace("    approval: 50\n", '    approval: "\\e[2J\\a"\n', 1),
        encoding="utf-8",
    )
    assert main(["validate", str(broken)]) == 2
    out, err = capsys.readouterr()
    assert_neutralised(out + err)
    assert "OK" in out and "approval" in err and "\\x1b[2J" in err


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_briefing_shows_hostile_text_neutralised(
    hostile: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["briefing", str(hostile), "--role", "A", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert_neutralised(out)
    assert "\\x1b]8;;http://evil.example" in out and "\\u202e" in out
    assert "\\u2066this\\u2069" in out and "\\x9b2J" in out


# --------------------------------------------------------------------------- the TUI


def screen_text(app: TradeGameApp) -> str:
    """The characters on the screen now, as plain text (no styles)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(
            full=True, screen_stack=app._background_screens, simplify=True
        )
    )
    return console.export_text(styles=False)


async def wait_for(pilot: Any, text: str) -> str:
    for _ in range(400):
        await pilot.pause(0.02)
        screen = screen_text(pilot.app)
        if text in screen:
            return screen
    raise AssertionError(f"{text!r} never showed; screen:\n{screen_text(pilot.app)}")


def app_for(tmp_path: Path, hostile: Path, seats: dict[str, str] | None = None) -> TradeGameApp:
    sc = load_scenario(str(hostile))
    if seats is None:
        options = Options(
            scenario=sc.source,
            preloaded=sc,
            save_dir=tmp_path / "saves",
            ai_delay=0.0,
            spectate_delay=0.0,
        )
    else:
        match = Match(sc.rules, 1, seats, scenario_name=sc.source, scenario_text=sc.text)
        options = Options(
            match=match, save_dir=tmp_path / "saves", ai_delay=0.0, spectate_delay=0.0
        )
    app = TradeGameApp(options)
    app.animation_level = "none"
    return app


async def test_the_game_screen_shows_scenario_text_neutralised(
    tmp_path: Path, hostile: Path
) -> None:
    app = app_for(tmp_path, hostile, {"A": "human", "B": "passive", "C": "passive"})
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await wait_for(pilot, "Your move")
        assert_neutralised(screen)
        assert "Small \\x1b]52;c;cHduZWQ=\\x07 world" in screen  # the title, in the header
        for key in "12345":  # every tab: talks, orders, log, briefing
            await pilot.press(key)
            await pilot.pause(0.05)
            assert_neutralised(screen_text(app))
        await pilot.press("5")
        briefing = await wait_for(pilot, "evil.example")
        assert "\\x1b]8;;http://evil.example" in briefing


async def test_scenario_names_are_shown_literally_not_as_markup(
    tmp_path: Path, hostile: Path
) -> None:
    """The new-game screen's seat labels were Textual markup: a player named
    ``Beta [@click=app.quit]B[/]`` showed as a clickable "Beta B" that quits the app."""
    app = app_for(tmp_path, hostile)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await wait_for(pilot, "Beta [@click=app.quit]B[/] (B)")
        assert "Alpha\\u202eahplA [bold]x[/bold] (A)" in screen
        assert_neutralised(screen)


async def test_the_hot_seat_curtain_shows_the_name_literally(tmp_path: Path, hostile: Path) -> None:
    app = app_for(tmp_path, hostile, {"A": "human", "B": "human", "C": "passive"})
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_for(pilot, "I am Beta [@click=app.quit]B[/]")


def test_notifications_are_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts quote file names, typed moves and bots' words: never markup, never raw."""
    from textual.app import App

    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(App, "notify", lambda self, message, **kw: sent.append((message, kw)))
    app = TradeGameApp(Options())
    app.notify("Loading [@click=app.quit]x[/]\x1b[2J.json", title="Saved\a", markup=True)
    [(message, kw)] = sent
    assert message == "Loading [@click=app.quit]x[/]\\x1b[2J.json"
    assert kw["markup"] is False and kw["title"] == "Saved\\x07"


def test_a_seat_with_control_or_bidi_characters_is_refused_without_echoing_them(
    tmp_path: Path,
) -> None:
    """A save's seats are shown in the TUI and the CLI: one that holds control or bidi
    characters is refused when the save is read, and the message shows them escaped."""
    import json

    from tradegame.saves import SaveError, load_game, save_game
    from tradegame.saves.format import checksum

    sc = load_scenario(str(ROOT / "tests" / "engine" / "small.yaml"))
    match = Match(
        sc.rules,
        1,
        {"A": "human", "B": "passive", "C": "passive"},
        scenario_name=sc.source,
        scenario_text=sc.text,
    )
    path = tmp_path / "g.json"
    save_game(path, match.game, match.seats, scenario_text=sc.text)
    for seat in ("passive\u202e", "passive\x9b2J", "passive\x7f"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["seats"]["B"] = seat
        doc["checksum"] = checksum(doc)
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(SaveError) as info:
            load_game(bad)
        assert "a seat is 'human' or an agent name" in str(info.value)
        assert_neutralised(str(info.value))


@pytest.mark.parametrize(
    ("raw", "limit", "expected"),
    [
        ("plain words", 500, "plain words"),
        ("  two\n\tlines\r\n here ", 500, "two lines here"),
        ("\x1b[2J\x07 clear", 500, "\\x1b[2J\\x07 clear"),
        ("bidi \u202e txet", 500, "bidi \\u202e txet"),
        ("x" * 600, 500, "x" * 499 + "…"),
        ("word " * 200, 20, "word word word word…"),
        ("\n\t ", 500, ""),
    ],
)
def test_one_line_makes_outside_text_a_valid_message(raw: str, limit: int, expected: str) -> None:
    """Free text from a keyboard, a bot or a model becomes one clean line within the limit,
    which the engine accepts as a message (or empty, which callers refuse)."""
    from tradegame.engine.actions import message_problem
    from tradegame.untrusted import one_line

    line = one_line(raw, limit)
    assert line == expected
    assert len(line) <= limit and RAW.search(line) is None
    if line:
        assert message_problem(line) is None
