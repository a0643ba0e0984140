"""Hot paths written twice for speed must agree with their plain versions.

The economy computes every cell's rate in one inlined loop (``economy.all_rates``) at each
resolution; ``economy.effective_rate`` is the readable one-cell version the loop was written
from. This differential test plays random games and compares the two in every state.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from tradegame.engine import Game
from tradegame.engine import economy as eco
from tradegame.engine.rules import Rules
from tradegame.scenario import load_rules, rules_from_text

SMALL = Path(__file__).with_name("small.yaml")


def _all_in_variant() -> Rules:
    """small.yaml with its country rates as all-in layers (no bundled scenario has one)."""
    text = SMALL.read_text(encoding="utf-8").replace("combine: replace, replaces: [baseline]",
                                                     "combine: all_in")
    assert "all_in" in text
    return rules_from_text(text, "small-all-in.yaml")


def _scenarios() -> list[object]:
    return [pytest.param(name, rules, id=name) for name, rules in [
        ("april-2025", load_rules("april-2025")), ("with-china", load_rules("with-china")),
        ("small", load_rules(SMALL)), ("small-all-in", _all_in_variant())]]


@pytest.mark.parametrize(("name", "rules"), _scenarios())
def test_all_rates_agrees_with_effective_rate(name: str, rules: Rules) -> None:
    compiled = eco.compile_rules(rules)
    seen: Counter[str] = Counter()
    for seed in range(25):
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while not game.is_over():
            terms = game.terms()
            fast = eco.all_rates(compiled, game.layer_rate, game.layer_status,
                                 game.active_packages, terms)
            plain = [eco.effective_rate(c, game.layer_rate, game.layer_status, game.layer_info,
                                        game.active_packages, compiled, terms)
                     for c in compiled.cells]
            assert fast == plain  # the same floats, bit for bit
            assert game.rates() == plain
            seen.update(k for k, v in (("caps", terms.caps), ("cuts", terms.cuts),
                                       ("quotas", terms.quotas),
                                       ("packages", game.active_packages)) if v)
            player = game.to_move()
            assert player is not None
            game.apply(game.legal_actions(player).sample(rng))
    # The games must reach the branches the loop has: deal terms and countermeasures.
    if name == "april-2025":
        assert {"caps", "cuts", "quotas", "packages"} <= set(seen), seen
