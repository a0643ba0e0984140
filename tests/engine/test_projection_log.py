"""A projection keeps no log (``KEEPS_LOG``), and the phases skip making its lines on the hot
paths of its passive tail (news, talks, politics, ratification, the snap-back, the game's end).
Skipping a line must change nothing else: on random states of every bundled scenario, each
player's projection (a hypothetical move included when it may play one) played with
``KEEPS_LOG`` switched on, every line made and logged, ends in the same state (state hash,
ledger, score) as with it off. A guard that swallowed a rule with its line (a ``return``
before the rising cells of a snap-back, say) fails here. A real game logs every line as before:
the golden files read them.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import cache
from typing import Any

import pytest

from tradegame.engine.actions import ORDER_KINDS, Action
from tradegame.engine.projection import Projected, _play_hypothetical
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import play_out_passing, score
from tradegame.engine.state import State
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

from .test_projection_paths import _random_states

SCENARIOS = sorted(bundled_scenarios())


@cache
def _rules(name: str) -> Rules:
    return load_rules(name)


def _played(game: State, player: str, hypo: list[Action]) -> tuple[str, float, str]:
    sim = Projected.of(game, player)  # type: ignore[arg-type]
    _play_hypothetical(sim, player, hypo)
    play_out_passing(sim)
    return sim.state_hash(), score(sim, player), repr(sim.ledger)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_projection_skipping_its_lines_ends_as_one_that_logs_them(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = _rules(name)
    logged = Counter[str]()

    def _log(self: State, kind: str, text: str, *args: Any, **kwargs: Any) -> None:
        logged[kind] += 1
        State._log(self, kind, text, *args, **kwargs)

    def _logf(self: State, kind: str, text: Any, args: Any, *more: Any, **kwargs: Any) -> None:
        logged[kind] += 1
        State._logf(self, kind, text, args, *more, **kwargs)

    checked = 0
    for n, game in enumerate(_random_states(rules, range(3), 0.1)):
        rng = random.Random(n)
        for player in rules.player_ids:
            hypo: list[Action] = []
            if game.to_move() == player:
                action = game.legal_actions(player).sample(rng)
                if action.kind in ORDER_KINDS or game.session is not None:
                    hypo = [action]
            with monkeypatch.context() as m:
                m.setattr(Projected, "_log", _log)
                m.setattr(Projected, "_logf", _logf)
                before = sum(logged.values())
                quiet = _played(game, player, hypo)
                assert sum(logged.values()) - before < 20  # (only the lines of rare moves)
                m.setattr(Projected, "KEEPS_LOG", True)
                loud = _played(game, player, hypo)
            assert quiet == loud
            checked += 1
    assert checked > 20
    assert logged["news"] > 0 and logged["end"] > 0, logged  # the loud runs made the lines
