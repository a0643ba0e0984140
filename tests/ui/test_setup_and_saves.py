"""The new-game screen (scenario, seats, seed), and saving and loading, by keys — with the
error cases: a broken scenario file and a corrupt save show a clear message, not a crash."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tradegame.engine import parse
from tradegame.saves import load_game
from tradegame.scenario.bundled import bundled_scenarios
from tradegame.session.match import agent_descriptions, default_agent
from tradegame.session.persistence import earlier_save_of, save
from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.screens.dialogs import ConfirmDialog, MessageDialog
from tradegame.ui.screens.game import GameScreen
from tradegame.ui.screens.setup import SetupScreen

from .support import make_app, make_match, screen_text, wait_for_text, wait_until

CORPUS = Path(__file__).parent.parent / "scenario" / "corpus"
TO_PRIMER = ["down"] * list(bundled_scenarios()).index("us-japan-primer")
"""Keys from the first scenario of the new-game list (sorted by name) to the primer."""


def setup_app(save_dir: Path) -> TradeGameApp:
    app = TradeGameApp(Options(save_dir=save_dir, ai_delay=0.0, seed=7))
    app.animation_level = "none"
    return app


async def test_new_game_screen_chooses_scenario_seats_and_seed(save_dir: Path) -> None:
    app = setup_app(save_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_text(pilot, "The 90-day pause: Japan, the US and the")
        text = screen_text(app)
        assert "Seats" in text and "a person at this keyboard" in text
        # The primer: two players, six rounds.
        await pilot.press(*TO_PRIMER)
        await wait_for_text(pilot, "Primer: Japan and the United States")
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 2, what="two seats")
        # The US seat: step with → from its default to "passive".
        choices = ["human", *agent_descriptions()]
        steps = (choices.index("passive") - choices.index(default_agent())) % len(choices)
        await pilot.press("tab", *(["right"] * steps))
        await wait_for_text(pilot, "never proposes, accepts or orders anything")
        # The seed: tab past Japan's seat to the seed field, type 42, enter starts.
        await pilot.press("tab", "tab", "end", "ctrl+u", *"42", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        match = app.match
        assert match is not None
        assert match.rules.id == "us-japan-primer" and match.seed == 42
        assert match.seats == {"US": "passive", "JP": "human"}
        await wait_for_text(pilot, "Your move, Japan")


async def test_a_broken_scenario_file_shows_its_located_problems(save_dir: Path) -> None:
    app = setup_app(save_dir)
    broken = CORPUS / "dup_key.yaml"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Open a scenario file")
        await pilot.press("end", "enter")
        await wait_for_text(pilot, "Open a scenario file (YAML)")
        await pilot.press(*str(broken), "enter")
        await wait_for_text(pilot, "This scenario has problems")
        dialog = app.screen
        assert isinstance(dialog, MessageDialog)
        assert f"{broken}:46:5: players.1.name: duplicate key 'name'" in dialog.message
        assert "dup_key.yaml:46:5" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen), what="new game")
        await pilot.press("s")  # no scenario loaded: a warning, no game
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen) and app.match is None


def hold_default_load(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The default scenario's load (started when the new-game screen mounts) waits until the
    event returned is set: what a loaded machine (CI) does by chance."""
    import tradegame.session.match as session_match

    real = session_match.load_scenario
    release = threading.Event()

    def slow(source: str, *args: object, **kwargs: object) -> object:
        if source == "april-2025":
            release.wait(20)
        return real(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session_match, "load_scenario", slow)
    return release


async def test_the_default_scenario_loading_late_is_not_taken_for_the_file_opened(
    save_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default scenario's load ended after a file had been opened: taken for that file's
    (the list's highlight was on "Open a scenario file…"), it became the scenario shown, and
    s after the broken file's message started a game of it."""
    release = hold_default_load(monkeypatch)
    app = setup_app(save_dir)
    broken = CORPUS / "dup_key.yaml"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "loading april-2025")
        await pilot.press("end", "enter")
        await wait_for_text(pilot, "Open a scenario file (YAML)")
        await pilot.press(*str(broken), "enter")
        await wait_for_text(pilot, "This scenario has problems")
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen), what="new game")
        assert app.screen.scenario is None
        await pilot.press("s")  # no scenario loaded: a warning, no game
        await pilot.pause(0.2)
        assert isinstance(app.screen, SetupScreen) and app.match is None


async def test_the_default_scenario_loading_late_leaves_the_highlight_on_open_a_file(
    save_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """end, then the default scenario's load ended: the highlight went back to it from "Open
    a scenario file…", and enter chose it instead of opening a file (the CI failure of
    test_a_broken_scenario_file_shows_its_located_problems)."""
    from tradegame.ui.screens.setup import OPEN_FILE

    release = hold_default_load(monkeypatch)
    app = setup_app(save_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "loading april-2025")
        await pilot.press("end")
        release.set()
        await app.workers.wait_for_complete()
        await wait_for_text(pilot, "Players: United States (US), Japan (JP)")
        olist = app.screen.query_one("#scenario-list", OptionList)
        assert olist.highlighted_option is not None
        assert olist.highlighted_option.id == OPEN_FILE
        await pilot.press("enter")
        await wait_for_text(pilot, "Open a scenario file (YAML)")


async def test_save_and_resume_a_game(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=11)
    app = make_app(save_dir, match)
    target = save_dir / "mine.json"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")  # pass in the talks
        await wait_until(pilot, lambda: match.game.phase == "orders", what="orders")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_until(pilot, target.exists, what="the save file")
    loaded = load_game(target)
    assert [str(a) for a in loaded.game.actions] == [str(a) for a in match.game.actions]
    assert loaded.seats == match.seats

    # Resume it from the new-game screen: o, then the newest save (ours) is first.
    app = setup_app(save_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await pilot.press("o")
        await wait_for_text(pilot, "mine.json")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        assert app.match is not None
        assert app.match.game.state_hash() == loaded.game.state_hash()
        await wait_for_text(pilot, "Your move, Japan: give your orders")


async def test_a_corrupt_save_is_a_clear_message(save_dir: Path) -> None:
    bad = save_dir / "broken.json"
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=2)
    match.apply(parse("JP pass"))
    save(bad, match)
    bad.write_text(bad.read_text()[:-200])  # truncated
    app = setup_app(save_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "The 90-day pause")
        await pilot.press("o")
        await wait_for_text(pilot, "broken.json")
        await pilot.press("enter")
        await wait_for_text(pilot, "This save cannot be loaded")
        dialog = app.screen
        assert isinstance(dialog, MessageDialog)
        assert dialog.message.startswith(str(bad) + ": ")
        assert "Traceback" not in dialog.message
        await pilot.press("enter")
        assert isinstance(app.screen, SetupScreen)


async def test_an_illegal_move_from_the_palette_is_refused_with_the_reason(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        screen = app.screen
        assert isinstance(screen, GameScreen)
        screen.play(parse("JP propose US jp_lng=7"))  # 7 is not a level of jp_lng
        await pilot.pause()
        text = " ".join(screen_text(app).split())
        assert "Not allowed: 7 is not a level of jp_lng" in text
        assert match.game.actions == []


async def test_saving_over_a_file_asks_first(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=11)
    app = make_app(save_dir, match)
    target = save_dir / "taken.json"
    target.write_text("someone else's notes", encoding="utf-8")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        # Enter keeps the file: Cancel is the focused answer.
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_for_text(pilot, "Replace it with this game")
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: not isinstance(app.screen, ConfirmDialog), what="the question to close"
        )
        await pilot.pause(0.3)
        assert target.read_text(encoding="utf-8") == "someone else's notes"
        # y replaces it.
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_for_text(pilot, "Replace it with this game")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: target.read_text(encoding="utf-8").startswith("{"),
            what="the save over the file",
        )
    assert load_game(target).game.state_hash() == match.game.state_hash()


async def test_saving_again_over_the_same_games_save_does_not_ask(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    app = make_app(save_dir, match)
    target = save_dir / "again.json"
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_until(pilot, target.exists, what="the first save")
        await pilot.press("p")  # a move later, the same game again
        await wait_until(pilot, lambda: match.game.phase == "orders", what="orders")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_until(
            pilot, lambda: len(load_game(target).game.actions) > 0, what="the second save"
        )
        assert "Replace it with this game" not in screen_text(app)


def test_an_earlier_save_of_the_game_is_recognised(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    target = save_dir / "mine.json"
    save(target, match)
    match.apply(parse("JP pass"))
    assert earlier_save_of(target, match)  # its moves are the start of the game's
    other = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=6)
    assert not earlier_save_of(target, other)  # another game
    branch = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=5)
    branch.created = match.created
    save(target, match)
    assert not earlier_save_of(target, branch)  # it holds moves the branch lacks
    target.write_text("{not json", encoding="utf-8")
    assert not earlier_save_of(target, match)
    assert not earlier_save_of(save_dir / "missing.json", match)


async def test_a_folder_in_the_save_dialog_saves_there_with_the_default_name(
    save_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("ctrl+u", *str(folder), "enter")
        await wait_until(pilot, lambda: list(folder.glob("*.json")), what="the save")
        assert [p.name for p in folder.glob("*.json")] == ["april-2025-s1-round01.json"]
        assert not (tmp_path / "elsewhere.json").exists()  # not beside the folder


async def test_a_missing_folder_in_the_save_dialog_is_an_error_not_created(
    save_dir: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such"
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Save the game to")
        await pilot.press("ctrl+u", *str(missing / "game.json"), "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog), what="the error")
        assert "no such folder" in " ".join(screen_text(app).split())
        assert not (tmp_path / "no").exists()


async def test_s_before_the_seat_menus_mount_starts_with_the_seats_shown(save_dir: Path) -> None:
    """The scenario's seats are built and s is handled in the same turn of the event loop,
    before the new seat menus have mounted (a Select has no value until then): the game starts
    with the seats the screen shows, not "Give every seat to a person or an agent"."""
    from tradegame.session.match import HUMAN, load_scenario

    app = setup_app(save_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 3, what="the seats")
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        primer = load_scenario("us-japan-primer")
        app.scenario_cache[primer.source] = primer  # highlighting it loads it from the cache
        await pilot.press(*TO_PRIMER)
        await wait_until(pilot, lambda: screen.scenario is primer, what="the primer")
        # Back to the first scenario and straight to s: its seats are built, not yet mounted.
        first = app.scenario_cache["april-2025"]
        screen.query_one("#scenario-list").highlighted = 0
        screen._loaded(first)
        screen.action_start()
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        assert app.match is not None
        assert app.match.seats == {"US": default_agent(), "JP": HUMAN, "EU": default_agent()}


async def test_s_while_the_highlighted_scenario_loads_starts_that_scenario(
    save_dir: Path, monkeypatch
) -> None:
    """Moving to another scenario and pressing s before it has loaded started the scenario
    shown before (april-2025 for the highlighted primer), and s before the first load said
    "not loaded yet (or has problems)" and did nothing: s now starts the highlighted scenario
    once it is loaded."""
    import threading

    import tradegame.session.match as match_module

    app = setup_app(save_dir)
    gate = threading.Event()
    real_load = match_module.load_scenario

    def slow_load(source: str):  # type: ignore[no-untyped-def]
        if source == "us-japan-primer":
            gate.wait(10)
        return real_load(source)

    monkeypatch.setattr(match_module, "load_scenario", slow_load)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 3, what="the seats")
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        await pilot.press(*TO_PRIMER, "s")
        said = lambda: [n.message for n in app._notifications]  # noqa: E731
        await wait_until(pilot, lambda: said(), what="a message")
        assert said() == ["Loading us-japan-primer: the game starts once it is loaded."]
        assert isinstance(app.screen, SetupScreen) and app.match is None
        gate.set()
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        assert app.match is not None and app.match.rules.id == "us-japan-primer"


async def test_s_typed_together_with_the_arrows_starts_the_highlighted_scenario(
    save_dir: Path,
) -> None:
    """Arrows and s typed at once (tmux send-keys, a fast typist) started the scenario shown
    before: s was handled before the list's messages saying where the highlight had gone."""
    from textual import events

    app = setup_app(save_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) == 3, what="the seats")
        assert isinstance(app.screen, SetupScreen)
        # Every key reaches the app before any is handled, as from a terminal.
        for key in (*TO_PRIMER, "s"):
            app.post_message(events.Key(key, key if key == "s" else None))
        await wait_until(pilot, lambda: isinstance(app.screen, GameScreen), what="the game")
        assert app.match is not None and app.match.rules.id == "us-japan-primer"


async def test_a_game_left_for_a_new_one_leaves_no_talks_note(save_dir: Path) -> None:
    """The notes a game shows (the US's answer to an offer, 8 s) went on showing on the
    new-game screen once the game was left (tmux: s, then ctrl+n and enter while the US
    answered: "US made a counter-offer of 4 terms: read it on the Talks tab (2)" over the
    scenario list, about a game no longer there)."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.pause(0.3)
        await pilot.press("space", "s")
        await wait_until(pilot, lambda: bool(app._notifications), what="the US's answer")
        note = next(iter(app._notifications)).message
        assert "US" in note and note.split(":")[0] in " ".join(screen_text(app).split())
        await pilot.press("ctrl+n")
        await wait_for_text(pilot, "Leave this game")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen), what="new game")
        await pilot.pause(0.5)
        assert not app._notifications
        assert note.split(":")[0] not in " ".join(screen_text(app).split())
