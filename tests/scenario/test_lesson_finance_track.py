"""classroom-lesson carries the currency and Treasury themes (issue 15): the finance ministers'
track is in the catalogue (a currency accord, a century-bond swap), in the news and in the
debrief, each figure cited to facts.md."""

from __future__ import annotations

from pathlib import Path

from tradegame.engine import Game, parse
from tradegame.scenario import load_rules

LESSON = Path(__file__).resolve().parents[2] / "scenarios" / "classroom-lesson.yaml"


def test_the_catalogue_offers_the_currency_and_the_treasuries() -> None:
    rules = load_rules(LESSON)
    kinds = {it.kind: it for it in rules.items if it.owner == "JP"}
    assert "currency" in kinds and "debt_swap" in kinds
    for item in (kinds["currency"], kinds["debt_swap"]):
        assert item.can_go_to("US")
        assert "facts §" in item.description  # cited (stripped from player text, not from data)
    text = " ".join(rules.player("JP").briefing_confidential.split())
    assert "finance ministers" in text.lower()
    assert any("currency" in q.lower() for q in rules.debrief)


def test_the_finance_track_news_reaches_every_game() -> None:
    rules = load_rules(LESSON)
    game = Game.new(rules, 3)
    while not game.is_over() and game.round < 3:
        mover = game.to_move()
        assert mover is not None
        s = game.session
        move = "done" if s is None else "pass" if s.offer is None else "reject"
        game.apply(parse(f"{mover} {move}"))
    news = [e.text for e in game.log if e.kind == "news"]
    assert any("Kato" in t and "separate decision" in t for t in news), news


def test_a_currency_accord_can_be_put_to_the_us() -> None:
    rules = load_rules(LESSON)
    game = Game.new(rules, 0)
    assert game.to_move() == "JP"  # the scheduled ministerial session of round 1
    game.apply(parse("JP propose US jp_currency=0.05,jp_treasury_swap=100"))
    assert game.session is not None and game.session.offer is not None
