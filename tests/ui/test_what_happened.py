"""Issue 13: a player always knows what happened, sees everything they sign, and uses the
whole screen. Each case at the stated minimum (80×24) and at a wide terminal (160×45)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tradegame.engine import Accept, Done, Propose, Term
from tradegame.ui.app import Options, TradeGameApp
from tradegame.ui.widgets.talks import OfferTerms

from .support import (
    close_reports_until_end,
    countered_match,
    flat_text,
    make_app,
    make_match,
    report_text,
    screen_text,
    wait_for_text,
    wait_for_words,
    wait_until,
)

SIZES = [(80, 24), (160, 45)]
sizes = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
MORE = re.compile(r"▼ \d+ more \(\]\)")


@sizes
async def test_an_accepted_offer_is_said_and_the_round_report_follows(
    save_dir: Path, size: tuple[int, int]
) -> None:
    match = make_match({"JP": "human", "US": "dove", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        terms = app.screen.query_one("#talks-terms")
        steps = [o.id for o in terms.options].index("jp_lng") - (terms.highlighted or 0)
        await pilot.press(*(["down"] * steps), "right", "right", "s")
        await wait_until(
            pilot, lambda: game.phase == "orders" and game.to_move() == "JP", what="Japan's orders"
        )
        # The screen moved to Orders and says what the US did, in the status line.
        await wait_for_words(pilot, "US accepts JP's offer (d1); it goes to ratification")
        assert "3 Orders" in screen_text(app)
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        # The round report: the deal ratified, the tariff it moved, the numbers.
        await wait_for_text(pilot, "Round 1 report")
        text = screen_text(app)
        assert "d1 between JP and US enters force" in text
        assert "Your projected score" in text and "Approval" in text
        assert "Market stress" in text
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "game", what="back to the game")
        # The log keeps the report.
        await pilot.press("4")
        await wait_for_text(pilot, "Your projected score")
        from tradegame.ui.widgets.logbook import log_text

        assert "Round 1 report" in log_text(app.screen.frame).plain


@sizes
async def test_a_long_counter_offer_shows_its_verdict_and_what_is_hidden(
    save_dir: Path, size: tuple[int, int]
) -> None:
    match = countered_match(6)
    app = make_app(save_dir, match)
    offer = match.game.session.offer
    assert offer is not None and len(offer) == 6
    names = [match.rules.item(t.item).name for t in offer]

    def shown() -> list[str]:
        flat = flat_text(app)
        return [n for n in names if " ".join(n.split()[:3]) in flat]

    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "US offers 6 terms")
        # Until the offer's terms are laid out (later on a loaded machine).
        if size == (80, 24):
            await wait_until(pilot, lambda: MORE.search(screen_text(app)), what="terms counted")
        else:
            await wait_until(pilot, lambda: len(shown()) == 6, what="the six terms")
        text = screen_text(app)
        assert "your win-set" in text  # the verdict, always
        if size == (80, 24):
            # Not all six fit: the hidden ones are counted, with the key that shows them.
            hidden = len(names) - len(shown())
            box = app.screen.query_one(OfferTerms)
            _, below = box.hidden_counts()
            assert below >= 1 and f"▼ {below} more (])" in text
            assert hidden <= below
            for _ in range(6):
                await pilot.press("right_square_bracket")
            last = " ".join(names[-1].split()[:3])
            # The last term, scrolled to; the terms scrolled past, counted.
            await wait_until(
                pilot, lambda: last in flat_text(app) and "▲" in flat_text(app), what="scrolled"
            )
        else:
            assert "more (])" not in text


@sizes
async def test_a_draft_that_replaces_the_deal_in_force_says_so(
    save_dir: Path, size: tuple[int, int]
) -> None:
    # Round 1: JP and US agree a deal (d1); in round 2 Japan talks to the US again.
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while game.to_move() != "JP" or game.session is None:
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    lng = game.rules.item("jp_lng")
    match.apply(Propose("JP", "US", (Term("jp_lng", lng.levels[0].value),)))
    match.apply(Accept("US"))
    while game.round == 1:
        mover = game.to_move()
        if mover == "JP":
            match.apply(Done("JP"))
        else:
            match.apply_ai(match.think(match.snapshot(), mover))
    assert [d.status for d in game.deals] == ["in_force"]
    while not game.is_over() and (
        game.to_move() != "JP" or game.session is None or "US" not in game.session.pair
    ):
        mover = game.to_move()
        if mover == "JP":
            session = game.session
            from tradegame.engine import Pass, Reject

            match.apply(
                (Pass("JP") if session.offer is None else Reject("JP"))
                if session is not None
                else Done("JP")
            )
        else:
            match.apply_ai(match.think(match.snapshot(), mover))
    if game.is_over():
        pytest.skip("no JP–US talks after the deal in this seed")
    app = make_app(save_dir, match)
    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "replaces deal d1 in force")
        text = " ".join(screen_text(app).split())
        assert "d: start from the deal in force" in text
        await pilot.press("d")  # the deal in force into the draft
        await wait_for_text(pilot, "replaces d1")
        await wait_for_text(pilot, "if your draft is agreed")
        assert "replaces deal d1 in force" in screen_text(app)  # the header still says it
        # The preview is whole: at 80×24 it said "replaces deal d1 in force" a third time,
        # and its last line ("avg approval ... market stress at the end") was cut.
        await wait_for_text(pilot, "market stress at the end")
        await pilot.press("s")  # the summary before sending
        await wait_for_text(pilot, "Send this")
        text = " ".join(screen_text(app).split())
        assert "replaces deal d1 in force" in text
        await pilot.press("n")
        await pilot.pause()
        assert game.session is not None and game.session.offer is None  # nothing sent


async def test_a_watch_only_game_has_no_you_and_the_end_shows_how_scores_were_made(
    save_dir: Path,
) -> None:
    from tradegame.ui.app import Options, TradeGameApp

    match = make_match({"US": "passive", "JP": "passive"}, seed=1, name="us-japan-primer")
    app = TradeGameApp(Options(match=match, save_dir=save_dir, spectate_delay=0.0))
    app.animation_level = "none"
    async with app.run_test(size=(160, 45)) as pilot:
        # The rounds' reports come first (the last round's too), then the results.
        reports = await close_reports_until_end(pilot)
        assert "Round 6 report" in reports[-1]
        # The spectator views the game as the US: that seat is "viewing", never "you".
        game_screen = next(s for s in app.screen_stack if s.id == "game")
        await pilot.press("l")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game screen")
        game_screen.viewer = "US"
        game_screen.refresh_view(full=True)
        await pilot.press("1")
        await wait_for_text(pilot, "(viewing)")
        assert "(you)" not in screen_text(app)
        await pilot.press("e")
        await wait_for_text(pilot, "How each score was made")
        text = screen_text(app)
        assert "(you)" not in text
        assert "Objective" in text and "Points" in text and "Full at" in text
        for note in ("facts §", "design parameter", "PLACEHOLDER", "DESIGN §"):
            assert note not in text


async def test_below_80x24_the_screen_says_so(save_dir: Path) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=(79, 30)) as pilot:
        await wait_for_text(pilot, "tradegame needs at least 80×24")
        await pilot.resize_terminal(100, 23)
        await wait_for_text(pilot, "This terminal is 100×23")
        await pilot.resize_terminal(80, 24)
        await wait_for_text(pilot, "Your move, Japan")


@sizes
async def test_two_panes_from_120_columns(save_dir: Path, size: tuple[int, int]) -> None:
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    wide = size[0] >= 120

    def side_by_side(left: str, right: str) -> bool:
        return any(
            left in line and right in line and line.index(left) < line.index(right)
            for line in screen_text(app).splitlines()
        )

    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("right")
        await wait_for_text(pilot, "if your draft is agreed")
        # Talks: the offer being built on the left, its preview on the right.
        assert side_by_side("Ministerial talks", "Preview") == wide
        await pilot.press("1")
        await wait_for_text(pilot, "Players")
        assert side_by_side("Players", "News") == wide  # tables | news, charts
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await pilot.press("3", "down")
        await wait_for_text(pilot, "Projected score")
        assert side_by_side("filter orders", "Preview") == wide  # the list | its preview


@sizes
async def test_the_guided_first_game_gives_hints_that_can_be_turned_off(
    save_dir: Path, size: tuple[int, int]
) -> None:
    from tradegame.ui.app import Options, TradeGameApp

    app = TradeGameApp(Options(save_dir=save_dir, ai_delay=0.0))
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        await wait_for_words(pilot, "g starts a guided first game")
        await pilot.press("g")
        await wait_for_text(pilot, "Your move, Japan")
        match = app.screen.match
        assert match.rules.id == "us-japan-primer"
        assert match.seats == {"US": "dove", "JP": "human"}
        await wait_for_words(pilot, "s sends the offer (h hides hints)")
        await pilot.press("h")
        await wait_for_words(pilot, "Hints off (h turns them on)")
        assert "h hides hints" not in flat_text(app)
        assert "open the talks with US" in flat_text(app)  # the short reminder again
        await pilot.press("h")
        await wait_for_words(pilot, "s sends the offer (h hides hints)")
        # A game started with s (not g) has no hints.
        await pilot.press("ctrl+n")
        await pilot.pause()
        if app.screen.id != "setup":  # a "leave this game?" question
            await pilot.press("y")
        await wait_for_words(pilot, "g starts a guided first game")
        await wait_until(pilot, lambda: len(app.screen.query(".seat")) >= 2, what="seats")
        await pilot.press("s")
        await wait_for_text(pilot, "Round 1/")
        await pilot.pause(0.3)
        assert "hides hints" not in flat_text(app)


async def test_a_save_loaded_after_the_guided_game_has_no_hints(save_dir: Path) -> None:
    """The guided game's hints belong to that game: a save loaded after it (ctrl+o) showed
    them too, since the app kept a "guided" flag on until the next game started with s."""
    from tradegame.session.persistence import save

    plain = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=4)
    target = save_dir / "plain.json"
    save(target, plain)
    app = TradeGameApp(Options(save_dir=save_dir, ai_delay=0.0, autosave=False))
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_words(pilot, "g starts a guided first game")
        await pilot.press("g")
        await wait_for_words(pilot, "s sends the offer (h hides hints)")
        guided_screen = app.screen
        await pilot.press("ctrl+o")
        await wait_for_text(pilot, "plain.json")
        await pilot.press("end", "ctrl+u", *str(target), "enter")
        await wait_until(
            pilot,
            lambda: app.screen.id == "game" and app.screen is not guided_screen,
            what="the loaded game",
        )
        await wait_for_text(pilot, "Your move, Japan")
        assert app.match is not None and app.match.rules.id == "april-2025"
        assert not app.screen.hints
        assert "hides hints" not in flat_text(app)


def test_an_empty_catalogue_explains_itself() -> None:
    from tradegame.session.text import Names
    from tradegame.ui.widgets.common import Frame
    from tradegame.ui.widgets.talks import TalksPanel

    match = countered_match(2)
    view = match.game.view("JP").to_json()
    session = next(s for s in view["talks"] if "JP" in s["pair"] and s["status"] == "open")
    frame = Frame(
        view=view,
        viewer="JP",
        names=Names(view),
        my_turn=True,
        partner="US",
        deal_items=[],
        max_terms=5,
    )
    text = TalksPanel()._session_text(frame, session).plain
    assert "Nothing can be offered in these talks" in text
    frame.deal_items = match.deal_items("JP", "US")
    assert "Nothing can be offered" not in TalksPanel()._session_text(frame, session).plain


async def test_a_watcher_gets_each_round_report_from_the_public_view(save_dir: Path) -> None:
    """Watching a bots-only game: a report after every round (AI play waits for it), the
    last round's above the results, each made from the public view only."""
    from tradegame.engine import SPECTATOR
    from tradegame.ui.app import Options, TradeGameApp
    from tradegame.ui.widgets.report import round_report

    match = make_match({"US": "random", "JP": "random"}, seed=4, name="us-japan-primer")
    game = match.game
    TOTAL = int(match.view_json(None)["rounds_total"])
    app = TradeGameApp(Options(match=match, save_dir=save_dir, spectate_delay=0.0))
    app.animation_level = "none"
    seen: list[int] = []
    async with app.run_test(size=(160, 45)) as pilot:
        while not game.is_over() or len(seen) < len(game.history):
            await wait_until(
                pilot, lambda: report_text(app) is not None or app.screen.id == "end", timeout=30
            )
            if app.screen.id == "end":
                continue
            body = report_text(app) or ""
            public = game.view(SPECTATOR).to_json()
            shown = [int(n) for n in re.findall(r"Round (\d+) report", body)]
            assert shown and shown[0] == len(seen) + 1  # no round left out
            # Its deals and orders are the public record's, line for line.
            for n, part in zip(shown, body.split("\n\nRound "), strict=True):
                expected = round_report(public, n, {}).plain
                head = re.split(r"\n(?:Scores|Approval|Your projected)", part)[0]
                assert head.removeprefix("Round ") in expected
            assert "(you)" not in body and "Your projected" not in body
            # Play waits while the report is open.
            moves = len(game.actions)
            await pilot.pause(0.2)
            assert len(game.actions) == moves
            seen.extend(shown)
            await pilot.press("enter")
        await wait_for_text(pilot, "Game over", timeout=30)
    assert seen == list(range(1, len(game.history) + 1))
    assert len(seen) >= TOTAL


def test_a_watchers_report_cannot_tell_private_data_apart() -> None:
    """Differential: two games differing only in B's private data, the same moves. The
    watcher's round reports (the public view's) are identical; the instructor's are not."""
    from tests.engine.test_information import RULES, VARIANTS, play_both
    from tradegame.engine import SPECTATOR
    from tradegame.ui.widgets.report import resolved_rounds, round_report

    differed = False
    for name, variant in sorted(VARIANTS.items()):
        for ga, gb in play_both(RULES, variant, 2024, steps=500, avoid_secret=True):
            if ga.is_over():  # then every score is public (the debrief's business)
                break
            va, vb = ga.view(SPECTATOR).to_json(), gb.view(SPECTATOR).to_json()
            for r in resolved_rounds(va):
                assert round_report(va, r).plain == round_report(vb, r).plain, (name, r)
            ia, ib = ga.view(None).to_json(), gb.view(None).to_json()
            if resolved_rounds(ia) and ia != ib:
                differed = True
    assert differed  # the variants really differ where the instructor looks


@sizes
async def test_the_log_tab_writes_only_what_is_new(save_dir: Path, size: tuple[int, int]) -> None:
    """The log tab appends: after a move the lines already written are the same lines (not
    rendered again), the new entries come after them, and it reads as the whole log does."""
    from tradegame.ui.widgets.logbook import LogPanel, log_text

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("4")
        panel = app.screen.query_one(LogPanel)
        await wait_until(pilot, lambda: len(panel.lines) > 0, what="the log")
        first = list(panel.lines)
        entries = len(game.view("JP").to_json()["log"])
        await pilot.press("2", "p")  # pass in talks: new entries
        await wait_until(pilot, lambda: len(game.view("JP").to_json()["log"]) > entries)
        await pilot.press("4")
        await wait_until(pilot, lambda: len(panel.lines) > len(first), what="new lines")
        assert all(a is b for a, b in zip(first, panel.lines, strict=False))
        written = " ".join(" ".join(line.text for line in panel.lines).split())
        whole = " ".join(log_text(app.screen.frame).plain.split())
        assert written == whole


@sizes
async def test_a_catalogue_items_description_is_readable_whole(
    save_dir: Path, size: tuple[int, int]
) -> None:
    """At 80×24 a description has one row: when it does not fit, it says so ("… m: read
    all") and m shows it whole; nothing of it is silently cut."""
    from tradegame.session.text import player_text
    from tradegame.ui.screens.dialogs import MessageDialog
    from tradegame.ui.widgets.talks import TalksPanel

    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=1)
    app = make_app(save_dir, match)
    async with app.run_test(size=size) as pilot:
        await wait_for_text(pilot, "Your draft")
        await pilot.pause(0.3)
        panel = app.screen.query_one(TalksPanel)
        seen = 0
        for _ in range(len(panel._item_ids)):
            entry = panel._about_entry()
            assert entry is not None
            whole = " ".join(player_text(entry.get("description") or "", panel.frame.view).split())
            # A regulatory item's first says what its levels do (test_catalogue_rows).
            meaning = panel.frame.names.level_meaning(entry["id"])
            whole = f"{meaning} {whole}".strip()
            # (an item with none says so: test_offer_terms_text)
            whole = whole or "The scenario gives no description of this item."
            shown = " ".join(str(panel.query_one("#talks-about").render()).split())
            if "m: read all" in shown:
                seen += 1
                # What shows is the start of the description, and m opens all of it.
                assert whole.startswith(shown.split(" … m: read all")[0])
                await pilot.press("m")
                await wait_until(pilot, lambda: isinstance(app.screen, MessageDialog))
                await wait_until(
                    pilot,
                    lambda whole=whole: (
                        whole in " ".join(screen_text(app).replace("█", " ").split())
                    ),
                    what="the whole description",
                )
                await pilot.press("escape")
                await wait_until(pilot, lambda: not isinstance(app.screen, MessageDialog))
            else:
                assert shown == whole
            await pilot.press("down")
            await pilot.pause()
        if size == (80, 24):
            assert seen > 0  # april-2025's descriptions are longer than one row


def test_the_log_has_every_rounds_report_even_a_round_without_entries() -> None:
    """A round with no log entry the viewer may see (round 2 of this game, for Japan) had no
    report in the log tab, though its report dialog was shown; written update by update, the
    log is the whole log."""
    from rich.text import Text

    from tradegame.session.text import Names
    from tradegame.ui.widgets.common import Frame
    from tradegame.ui.widgets.logbook import LogCursor, log_pieces, log_text
    from tradegame.ui.widgets.report import resolved_rounds

    match = make_match({"JP": "passive", "US": "passive", "EU": "passive"}, seed=1)
    frames = []
    while not match.game.is_over():
        match.apply_ai(match.think(match.snapshot(), match.game.to_move()))
        view = match.view_json("JP")
        frames.append(Frame(view=view, viewer="JP", names=Names(view)))
    last = frames[-1]
    entry_rounds = {e["round"] for e in last.view["log"]}
    resolved = resolved_rounds(last.view)
    assert set(resolved) - entry_rounds  # a quiet round (control)
    whole = log_text(last).plain
    reported = [int(n) for n in re.findall(r"^Round (\d+) report", whole, re.M)]
    assert reported == resolved
    cursor = LogCursor("JP")
    pieces: list[Text] = []
    for frame in frames:
        pieces += log_pieces(frame, cursor)
    assert Text("\n").join(pieces).plain == whole


def more_line(app: TradeGameApp) -> str:
    """The line under the offer on the talks tab ("" when none is on the screen)."""
    lines = screen_text(app).splitlines()
    return next((line for line in lines if "a accept · r reject" in line), "")


async def wait_for_count_from_top(pilot: Pilot[None], app: TradeGameApp) -> None:
    """Let the app lay the new offer out until the line under it counts the terms below (six
    never fit at 80×24); that it never said any were above meanwhile."""
    lines: list[str] = []

    def counted() -> bool:
        lines.append(more_line(app))
        return bool(MORE.search(lines[-1]))

    await wait_until(pilot, counted, what="the terms below counted")
    assert not [line for line in lines if "above" in line], lines


async def us_counters_with_six_terms(pilot: Pilot[None]) -> None:
    """Japan proposes three terms to the US (through the command palette), which counters
    with six (seed 11)."""
    keys = {"=": "equals_sign", ",": "comma", ".": "full_stop", " ": "space", "_": "underscore"}
    await wait_for_text(pilot, "Your draft")
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    move = "JP propose US jp_investment=550,us_cap_jp=0.15,us_autos_cap_jp=0.15"
    await pilot.press(*(keys.get(c, c) for c in move))
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_for_text(pilot, "Play it")
    await pilot.press("enter")
    await wait_for_text(pilot, "US offers 6 terms")


async def test_a_new_offer_counts_its_hidden_terms_from_the_top(save_dir: Path) -> None:
    """A new offer is shown from its first term, and the line under it counted the terms out
    of view from where the last offer had been scrolled to: in tmux at 80×24, after ``]`` on
    the US's six terms in round 1, its six terms of round 3 showed from the top under
    "▲ 3 above ([)" (the scroll back to the top waited for a refresh, the count did not)."""
    match = make_match({"JP": "human", "US": "bargainer", "EU": "bargainer"}, seed=11)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await us_counters_with_six_terms(pilot)
        # How many terms fit depends on the lines above the box (a CI run under load showed
        # 5 where this machine shows 4): the counts are read, not fixed.
        await wait_for_count_from_top(pilot, app)
        await pilot.press("right_square_bracket")
        await wait_until(
            pilot, lambda: re.search(r"▲ \d+ above \(\[\)", more_line(app)), what="scrolled"
        )
        await pilot.press("r")
        for round_no in (1, 2):  # no talks for Japan in round 2: the US is at capacity
            await wait_until(
                pilot,
                lambda: game.phase == "orders" and game.to_move() == "JP",
                what="Japan's orders",
            )
            await pilot.pause(0.3)
            await pilot.press("ctrl+d")
            await wait_for_text(pilot, "send these orders?")
            await pilot.press("enter")
            await wait_for_text(pilot, f"Round {round_no} report")
            await pilot.press("enter")
        await wait_for_text(pilot, "US offers 6 terms")
        await pilot.press("2")
        await wait_for_count_from_top(pilot, app)
        text = screen_text(app)
        assert "Round 3/13" in text
        first = match.rules.item(game.session.offer[0].item).name
        assert " ".join(first.split()[:4]) in " ".join(text.split())  # shown from the top


async def test_a_new_offer_is_counted_once_its_terms_are_laid_out(
    save_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line under a new offer was counted once, after the screen's next refresh; on a
    loaded machine that came before the offer's terms were laid out (each asks for its layout
    from its own message queue), so it said none was out of view ("a accept · r reject"
    alone: a CI run) until the next move. Here it is counted at once, as early as it could be
    then: it still ends up counting the terms below."""
    from tradegame.ui.widgets.talks import TalksPanel

    def at_once(self: TalksPanel, callback: Any, *args: Any, **kwargs: Any) -> bool:
        callback(*args, **kwargs)
        return True

    monkeypatch.setattr(TalksPanel, "call_after_refresh", at_once)
    match = make_match({"JP": "human", "US": "bargainer", "EU": "bargainer"}, seed=11)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await us_counters_with_six_terms(pilot)
        await wait_for_count_from_top(pilot, app)


async def test_opening_talks_with_nothing_to_offer_says_only_pass(save_dir: Path) -> None:
    """Japan asks for working talks with the EU, where neither may give the other anything:
    opening them, the panel said "build an offer below and send it (s)" and "answer the offer
    on the table", with no offer to build and none on the table."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await pilot.press("slash", *"working talks with EU", "down", "enter")
        await wait_for_text(pilot, "Staged (1/3)")
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, "send these orders?")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.id == "round-report", what="the report")
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: game.round == 2 and game.to_move() == "JP" and game.phase == "talks",
            what="Japan opening in round 2",
        )
        await wait_for_text(pilot, "Working talks with European Union")
        text = flat_text(app)
        assert "Nothing can be offered in these talks" in text, text
        assert "build an offer" not in text and "offer on the table" not in text, text
        assert "open the talks with EU: nothing can be offered, pass (p)." in text


async def test_the_talks_tab_after_the_game_says_it_is_over(save_dir: Path) -> None:
    """Back in the game from the results (l), the talks tab said to request talks with an
    order, "and they open next round", in a game that was over."""
    from .support import close_reports_until_end

    match = make_match({"US": "passive", "JP": "passive"}, seed=1, name="us-japan-primer")
    app = TradeGameApp(Options(match=match, save_dir=save_dir, spectate_delay=0.0))
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await close_reports_until_end(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: app.screen.id == "game", what="the game")
        await pilot.press("2")
        await wait_for_text(pilot, "no more talks")
        assert "open next round" not in flat_text(app)


async def test_a_long_log_entry_wraps_under_its_words(save_dir: Path) -> None:
    """The log at 80×24: an entry's second line began at the left edge, under the phase
    labels ("news", "talks"), and read like the start of another entry."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Your move, Japan")
        await pilot.press("p")
        await wait_for_text(pilot, "give your orders")
        await pilot.press("4")
        await wait_for_text(pilot, "hold ministerial talks")
        lines = screen_text(app).splitlines()
        at = next(n for n, line in enumerate(lines) if "news 2025-04-16:" in line)
        column = lines[at].index("2025-04-16:")
        follow = lines[at + 1]
        assert follow.strip() and len(follow) - len(follow.lstrip()) == column, lines[at : at + 2]
        # A round's heading and the entries after it are all still there, once.
        assert sum("Round 1  day 7" in line for line in lines) == 1
        talks = next(n for n, line in enumerate(lines) if "JP and US hold ministerial" in line)
        assert lines[talks].lstrip().startswith("talks JP and US")


async def test_a_round_reports_bullets_wrap_under_their_words() -> None:
    """The round report at 80×24: a news item's second line began at the dialog's left edge,
    under the bullets and level with the headings ("News", "Deals")."""
    from rich.text import Text
    from textual.app import App

    from tradegame.ui.screens.report import RoundReportDialog

    news = "A 10-year Treasury auction tails badly; foreign demand is in question " * 2
    report = Text(f"Round 1 report\nNews\n  • {news.strip()}\n  • Rice prices hit a record.\n")

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(RoundReportDialog(report))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RoundReportDialog))
        await pilot.pause(0.2)
        rows = [line.strip().strip("█").rstrip() for line in screen_text(app).splitlines()]
        first = next(n for n, row in enumerate(rows) if "• A 10-year" in row)
        column = rows[first].index("A 10-year")
        rest = rows[first + 1 : next(n for n, row in enumerate(rows) if "• Rice" in row)]
        assert rest, rows
        for row in rest:
            assert len(row) - len(row.lstrip()) == column, rows
        assert str(app.screen.query_one("#report-text").render()) == report.plain


async def test_a_long_deal_on_the_dashboard_wraps_under_its_words(save_dir: Path) -> None:
    """The dashboard at 80×24: a deal's terms went on at the left edge, under "Deals"."""
    match = make_match({"JP": "human", "US": "passive", "EU": "passive"}, seed=3)
    game = match.game
    while game.to_move() != "JP" or game.session is None:
        match.apply_ai(match.think(match.snapshot(), game.to_move()))
    items = match.deal_items("JP", "US")
    terms = tuple(Term(i, game.rules.item(i).levels[0].value) for i in items[:4])
    match.apply(Propose("JP", "US", terms))
    match.apply(Accept("US"))
    app = make_app(save_dir, match)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await wait_for_text(pilot, "Deals")
        for _ in range(40):  # down to the deals, with the line after the first in view
            lines = screen_text(app).splitlines()
            found = [n for n, line in enumerate(lines) if "d1 JP–US deal" in line]
            if found and found[0] < len(lines) - 4:
                break
            await pilot.press("down")
            await pilot.pause()
        at = next(n for n, line in enumerate(lines) if "d1 JP–US deal" in line)
        column = lines[at].index("JP–US deal")
        follow = lines[at + 1]
        assert follow.strip() and len(follow) - len(follow.lstrip()) == column, lines[at : at + 2]
