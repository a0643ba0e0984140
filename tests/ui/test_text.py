"""Catalogue descriptions as players read them: the scenario author's source notes removed."""

from __future__ import annotations

import datetime as dt

import pytest

from tradegame.engine import SPECTATOR, Game
from tradegame.engine.rules import Rules
from tradegame.scenario import load_rules
from tradegame.scenario.hindsight import drop_hindsight, hindsight_dates, student_text
from tradegame.scenario.loader import bundled_scenarios
from tradegame.session.text import player_text, text_dates


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("A 15% ceiling (facts §1b ✅).", "A 15% ceiling."),
        ("Caps cars at 15% (facts §1b ✅, §1a 16 Sep ✅).", "Caps cars at 15%."),
        (
            "Days added (as in the 90-day pause, facts §1a ✅).",
            "Days added (as in the 90-day pause).",
        ),
        (
            "× ≈$1,000/t (PLACEHOLDER: no rice price in facts.md) ≈ $0.26bn/yr.",
            "× ≈$1,000/t (assumed) ≈ $0.26bn/yr.",
        ),
        ("≈ 0.10 + 0.075 (PLACEHOLDER MFN average) ≈ 0.175.", "≈ 0.10 + 0.075 (assumed) ≈ 0.175."),
        ("A Plaza-style accord (DESIGN §2).", "A Plaza-style accord."),
        ("A promise (e.g. not to apply the 50% of the 23 May threat).", None),
    ],
)
def test_source_notes_are_removed(written: str, shown: str | None) -> None:
    assert player_text(written, _april()) == (written if shown is None else shown)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        # how the real negotiation ended (after the game's start) never reaches a player
        ("Caps the US tariff. The 22 July deal set 15% (facts §1b ✅).", "Caps the US tariff."),
        ("Caps cars; the deal set 15% (facts §1b ✅).", ""),
        (
            "A promise (e.g. not to apply the 25% of the 7 July letter).",
            "A promise.",
        ),
        ("Days added (the letters moved it to 1 August, facts §1a ✅).", "Days added."),
        # events inside the game's window are no hindsight
        (
            "Geneva (12 May) cut the US tariff on China from 145% to 30% (facts §2 ✅).",
            "Geneva (12 May) cut the US tariff on China from 145% to 30%.",
        ),
    ],
)
def test_hindsight_is_removed_by_the_classroom_rule(written: str, shown: str) -> None:
    assert player_text(written, _april()) == shown
    # the same rule as the student handouts (one place: tradegame.scenario.hindsight)
    cutoff, deadline = hindsight_dates(_april())
    assert student_text(written, cutoff, deadline).strip() == shown


def test_a_views_dates_are_the_scenarios_own_even_after_an_extension() -> None:
    rules = _april()
    cutoff, deadline = hindsight_dates(rules)
    extended = {
        "deadline": (deadline + dt.timedelta(days=21)).isoformat(),
        "extension_days_used": 21,
    }
    assert text_dates(extended) == (cutoff, deadline)
    # a view that does not tell (foreign, damaged): any dated outcome is hindsight
    assert player_text("Talks set a date (20 April).", {}) == ""
    assert player_text("Talks set a date (20 April).", rules) == "Talks set a date (20 April)."


def _april() -> Rules:
    return load_rules("april-2025")


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_no_bundled_description_shows_a_source_note(name: str) -> None:
    for item in load_rules(name).items:
        text = player_text(item.description, load_rules(name))
        assert not any(mark in text for mark in ("facts", "§", "PLACEHOLDER", "✅", "◐")), (
            item.id,
            text,
        )


def _texts(value: object) -> list[str]:
    """Every text field a scenario author wrote in ``value`` (the rules, recursively)."""
    import dataclasses

    from tradegame.classroom.student import TEXT_FIELDS

    out: list[str] = []
    if isinstance(value, tuple | list):
        for v in value:
            out += _texts(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if f.name in TEXT_FIELDS and isinstance(v, str):
                out.append(v)
            else:
                out += _texts(v)
    return out


def _flagged(text: str, rules: Rules) -> list[str]:
    """The sentences of ``text`` the hindsight check flags (tradegame.scenario.hindsight)."""
    taken: list[str] = []
    drop_hindsight(text, *hindsight_dates(rules), taken)
    return taken


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_no_hindsight_reaches_a_player_in_any_bundled_scenario(name: str) -> None:
    """Every text of every bundled scenario as the game shows it to a player — descriptions,
    labels, briefings, claims, the summary — and the screens built from them (each seat's
    briefing tab, a watcher's, the new-game summary): the hindsight check flags nothing."""
    from tradegame.session.match import load_scenario
    from tradegame.session.text import Names
    from tradegame.ui.screens.setup import scenario_summary
    from tradegame.ui.widgets.common import Frame
    from tradegame.ui.widgets.logbook import briefing_markdown

    sc = load_scenario(name)
    rules = sc.rules
    texts = _texts(rules)
    assert len(texts) > 10
    raw = [s for t in texts for s in _flagged(t, rules)]
    for text in texts:
        assert not _flagged(player_text(text, rules), rules), text
    game = Game(rules, seed=1)
    shown = [scenario_summary(sc).plain]
    for viewer in (*rules.player_ids, None):
        view = game.view(viewer if viewer is not None else SPECTATOR).to_json()
        frame = Frame(view=view, viewer=viewer, names=Names(view))
        shown.append(briefing_markdown(frame))
        shown += [player_text(c["description"], view) for c in view["catalogue"]]
        for text in texts:  # through a view's dates: the same as the rules' dates
            assert player_text(text, view) == player_text(text, rules)
    for text in shown:
        assert not _flagged(text, rules), text
    if name == "april-2025":  # the check can fail: the data has hindsight to take out
        assert "The 22 July deal set 15%." in raw
