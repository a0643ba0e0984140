"""Role briefings: what a handout holds, what it must never hold, and the command."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tradegame.classroom.briefing import briefing_doc
from tradegame.classroom.html import to_html, to_markdown
from tradegame.classroom.student import student_rules
from tradegame.cli import main
from tradegame.engine.rules import Level, Objective, Ratification, Rules

from .support import april_rules, plain, resource_problems, visible_text

HEADINGS = [
    "The situation",
    "Calendar and rules of play",
    "Your public briefing",
    "Your confidential briefing (private)",
    "Your objectives (private)",
    "Ratification: your win-set (private)",
    "Your instruments",
    "Public facts",
]


def handout(rules: Rules, role: str, public_only: bool = False) -> tuple[str, str]:
    doc = briefing_doc(rules, role, public_only)
    return to_markdown(doc), to_html(doc)


def paragraphs(markdown: str) -> list[str]:
    """The substantial paragraphs of a briefing, as a reader sees them."""
    return [plain(p) for p in markdown.split("\n\n") if len(plain(p)) > 40]


def test_the_jp_handout_holds_everything_jp_needs() -> None:
    rules = april_rules()
    md, html = handout(rules, "JP")
    text = visible_text(html)
    shown = student_rules(rules)[0]  # the texts as a student reads them (no source notes)
    jp, us = shown.player("JP"), shown.player("US")
    assert rules.title in text and plain(rules.summary) in text
    for heading in HEADINGS:
        assert f">{heading}</h2>" in html, heading
        assert f"\n## {heading}\n" in md, heading
    # the calendar: dates, deadline and rounds
    for fact in ("2025-04-09", "2025-04-16", "2025-07-08", "13 rounds", "2025-08-01"):
        assert fact in text, fact
    # JP's own briefings (every paragraph), objectives, win-set and costs
    for para in paragraphs(jp.briefing_public) + paragraphs(jp.briefing_confidential):
        words = para.replace("**", "").replace("*", "")
        assert words in text, words[:60]
    for obj in jp.objectives:
        assert f"{obj.weight * 100:.0f}%" in text
    assert "W = 28 + 0.5 × (approval − 50)" in text and "20.5 points" in text
    assert "$550bn (cost to you 8)" in text  # its own item, level and political cost
    assert "15% (gain to you 12)" in text  # what the US can offer it, and its gain
    # public facts: the other players' public briefings and the tariff schedule
    for para in paragraphs(us.briefing_public):
        assert para.replace("**", "") in text, para[:60]
    for layer in rules.layers:
        assert layer.name in text
    assert "paused until the deadline (2025-07-08)" in text


@pytest.mark.parametrize("role", ["JP", "US", "EU"])
def test_a_handout_never_holds_another_roles_confidential_briefing(role: str) -> None:
    rules = april_rules()
    md, html = handout(rules, role)
    text = visible_text(html)
    for other in rules.players:
        if other.id == role:
            continue
        secret = paragraphs(other.briefing_confidential)
        assert secret
        for para in secret:
            words = para.replace("**", "").replace("*", "")
            assert words not in text and para not in plain(md), (other.id, para[:60])


def with_other_secrets_changed(rules: Rules, keep: str) -> Rules:
    """The same scenario with every other player's private data changed."""
    players = []
    for p in rules.players:
        if p.id != keep:
            p = dataclasses.replace(
                p,
                briefing_confidential="TOP SECRET: the real bottom line is 42.",
                objectives=tuple(
                    dataclasses.replace(o, label=f"secret {n}", best=o.worst, worst=o.best)
                    for n, o in enumerate(p.objectives)
                ),
                ratification=Ratification(p.ratification.body, 99.0, 3.0)  # body is public
                if p.ratification
                else None,
            )
        players.append(p)
    items = tuple(
        dataclasses.replace(
            it,
            levels=tuple(
                Level(lv.value, lv.cost + 7.5, lv.gain if it.can_go_to(keep) else lv.gain + 3.25)
                for lv in it.levels
            ),
        )
        if it.owner != keep
        else it
        for it in rules.items
    )
    return dataclasses.replace(rules, players=tuple(players), items=items)


@pytest.mark.parametrize("role", ["JP", "US", "EU"])
def test_changing_other_players_secrets_does_not_change_a_handout(role: str) -> None:
    rules = april_rules()
    changed = with_other_secrets_changed(rules, role)
    assert changed.player("US" if role != "US" else "JP").briefing_confidential.startswith(
        "TOP SECRET"
    )
    assert handout(rules, role) == handout(changed, role)


def test_the_public_handout_holds_nothing_private() -> None:
    rules = april_rules()
    jp = student_rules(rules)[0].player("JP")
    _md, html = handout(rules, "JP", public_only=True)
    text = visible_text(html)
    for para in paragraphs(jp.briefing_confidential):
        assert para.replace("**", "").replace("*", "") not in text
    for word in ("cost to you", "gain to you", "win-set", "Your objectives", "CONFIDENTIAL"):
        assert word not in text, word
    for para in paragraphs(jp.briefing_public):
        assert para.replace("**", "") in text
    # Nothing that differs between players' private data reaches it either.
    assert handout(rules, "JP", True) == handout(
        with_other_secrets_changed(_with_own_secrets_changed(rules, "JP"), "JP"), "JP", True
    )


def _with_own_secrets_changed(rules: Rules, role: str) -> Rules:
    players = tuple(
        dataclasses.replace(
            p,
            briefing_confidential="mine, secret",
            objectives=(Objective("approval", None, None, 90.0, 10.0, 1.0, "secret aim"),),
        )
        if p.id == role
        else p
        for p in rules.players
    )
    return dataclasses.replace(rules, players=players)


def test_handouts_are_self_contained_and_printable() -> None:
    for role in april_rules().player_ids:
        _, html = handout(april_rules(), role)
        assert resource_problems(html) == []
        assert "@media print" in html and "Content-Security-Policy" in html


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_briefing_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "briefing", "april-2025", "--role", "jp")
    assert code == 0, err
    assert out.startswith("# The 90-day pause") and "briefing for Japan (JP)" in out
    code, out, err = run(
        capsys, "briefing", "april-2025", "--role", "JP", "--out", str(tmp_path / "jp.html")
    )
    assert code == 0, err
    assert (tmp_path / "jp.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    code, out, err = run(
        capsys, "briefing", "april-2025", "--role", "all", "--out", str(tmp_path / "all")
    )
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["EU.html", "JP.html", "US.html"]
    code, out, err = run(
        capsys,
        "briefing",
        "april-2025",
        "--role",
        "all",
        "--public-only",
        "--format",
        "md",
        "--out",
        str(tmp_path / "all"),
    )
    assert code == 0, err
    assert (tmp_path / "all" / "JP-public.md").is_file()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--role", "XX"], "--role XX: not a player of april-2025 (players: US, JP, EU, or all)"),
        (["--role", "all"], "--role all writes one file per role: give --out DIR"),
        (["--role", "JP", "--out", "jp.pdf"], "jp.pdf: cannot tell the format from the file name"),
    ],
)
def test_briefing_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _out, err = run(capsys, "briefing", "april-2025", *argv)
    assert code == 2
    assert err.startswith(f"tradegame: {message}") and err.count("\n") == 1


def test_scenario_markdown_cannot_load_or_run_anything() -> None:
    rules = april_rules()
    hostile = (
        "## Japan\n\nSee ![a map](https://example.org/map.png) and "
        "<script>alert(1)</script> <img src=x onerror=alert(2)> "
        "[a source](https://example.org/facts)."
    )
    players = tuple(
        dataclasses.replace(p, briefing_public=hostile) if p.id == "US" else p
        for p in rules.players
    )
    _, html = handout(dataclasses.replace(rules, players=players), "JP")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert "[image: a map]" in html
    assert resource_problems(html) == []
    assert '<a href="https://example.org/facts">a source</a>' in html  # a link loads nothing


def test_a_regulatory_level_is_written_as_what_it_does() -> None:
    """The handout wrote Japan's car standards' levels as bare numbers ("1 (cost to you 2)"),
    as the engine's log does ("… [JP] 1"); it now says what a level does, in the game
    screen's words (+10% US car exports a level)."""
    from tradegame.session.text import level_text

    rules = april_rules()
    item = rules.item("jp_car_standards")
    text = plain(handout(rules, "JP")[0])
    for lv in item.levels:
        words = level_text("regulatory", lv.value, item.export_boost)
        assert f"{words} (cost to you {lv.cost:g})" in text
