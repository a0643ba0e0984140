"""A red line declared in public (``red_line: true``, issue 19): the owner's ratifier refuses
every deal that gives the item, whatever its cost, and since the declaration is public every
player's ``what_if`` counts such a deal as failing. Before the rule a partner's preview
assumed the EU ratifies anything, so every package the US asked of the EU held the digital
rules and was worth nothing to the EU (docs/balance.md: waiting could never pay the EU)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.engine.test_pressures import calm, play
from tests.engine.test_rules import end_round
from tradegame.engine import Game, parse
from tradegame.engine.rules import Level, Rules
from tradegame.scenario import load_rules, rules_from_text
from tradegame.scenario.loader import ScenarioError

APRIL = calm(load_rules("april-2025"))
OFFER = "EU propose US us_cap_eu=0.15,eu_investment=600,eu_digital=1"


def digital(rules: Rules, *, red_line: bool, cost: float | None = None) -> Rules:
    """``rules`` with the EU's digital item declared a red line or not, and optionally every
    level's political cost set to ``cost`` (0: well within any win-set)."""
    items = []
    for it in rules.items:
        if it.id == "eu_digital":
            levels = it.levels
            if cost is not None:
                levels = tuple(Level(lv.value, cost, lv.gain) for lv in it.levels)
            it = dataclasses.replace(it, red_line=red_line, levels=levels)
        items.append(it)
    return dataclasses.replace(rules, items=tuple(items))


def eu_session(rules: Rules) -> Game:
    """Round 2 of a game: the EU asked the US for talks and has the floor."""
    game = play(rules, ["JP pass", "US done", "JP done"])
    game.apply(parse("EU request US ministerial"))
    end_round(game)
    assert game.round == 2 and game.to_move() == "EU"
    return game


def test_the_bundled_scenarios_declare_the_digital_rules_a_red_line() -> None:
    assert APRIL.item("eu_digital").red_line
    assert not any(it.red_line for it in APRIL.items if it.id != "eu_digital")


@pytest.mark.parametrize("red_line", [True, False])
def test_a_deal_giving_a_red_line_fails_ratification_whatever_its_cost(red_line: bool) -> None:
    rules = digital(APRIL, red_line=red_line, cost=0.0)  # cheap: only the declaration stops it
    game = eu_session(rules)
    game.apply(parse(OFFER))
    game.apply(parse("US accept"))
    end_round(game)
    deal = game.deal("d1")
    if red_line:
        assert deal.status == "failed" and deal.ended_by == "EU"
        said = [e.text for e in game.log if e.kind == "ratification" and e.audience is None]
        assert any("red line EU declared" in t for t in said), said
    else:  # control: the same cheap deal passes without the declaration
        assert deal.status == "in_force"


def test_the_partner_preview_counts_a_red_line_deal_as_failing() -> None:
    previews = {}
    for red_line in (True, False):
        game = eu_session(digital(APRIL, red_line=red_line))  # real costs: it fails either way
        game.apply(parse(OFFER))
        accept = game.what_if("US", [parse("US accept")]).change
        reject = game.what_if("US", [parse("US reject")]).change
        previews[red_line] = (accept, reject)
    # Declared: the US sees the deal fail, so accepting is worth what refusing is.
    accept, reject = previews[True]
    assert accept == pytest.approx(reject, abs=0.5)
    # Not declared (the rule as it was): the US's preview assumes the EU ratifies, and the
    # same offer looks like a large gain.
    accept_blind, reject_blind = previews[False]
    assert accept_blind > reject_blind + 3.0


def test_every_view_shows_the_declaration() -> None:
    game = Game.new(APRIL, 0)
    for viewer in ("US", "JP", "EU", None):
        entries = {c["id"]: c for c in game.view(viewer).to_json()["catalogue"]}
        assert entries["eu_digital"].get("red_line") is True
        assert "red_line" not in entries["us_cap_eu"]


def test_a_red_line_needs_a_ratifier() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "scenarios" / "april-2025.yaml").read_text()
    bad = text.replace(
        "      - id: us_cap_jp\n        kind: tariff_cap\n",
        "      - id: us_cap_jp\n        kind: tariff_cap\n        red_line: true\n",
        1,
    )
    assert bad != text
    with pytest.raises(ScenarioError) as info:
        rules_from_text(bad, "bad.yaml")
    message = str(info.value)
    assert "red line needs a ratifier" in message and "'US'" in message
    assert "concessions" in message  # located


def test_an_external_bot_is_told_of_the_red_line() -> None:
    from tradegame.agents.base import Turn
    from tradegame.agents.protocol import deal_items

    game = eu_session(APRIL)
    game.apply(parse("EU propose US us_cap_eu=0.15,eu_investment=600"))
    turn = Turn(game, "US")
    items = {it["id"]: it for it in deal_items(turn, turn.view.to_json(), "EU")}
    assert items["eu_digital"]["red_line"] is True
    assert "red_line" not in items["eu_investment"]
