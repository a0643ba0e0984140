"""The term index read by two threads at once after a pledger's credibility moved.

State.terms reuses the index last made while the deals in force are the same objects and its
pledgers' credibility is what it was. A reader held after it took that index (here: while it
lists the deals in force) lets another reader make the new index meanwhile. On 950a473 (and
2037c0d) the index, its deals, its reader and the credibility read were separate
attributes: the held reader then compared the new index's credibility reading with today's,
accepted the old index and kept it as the game's, so the game scored with stale pledges until
the next invalidation (atk24).
"""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest

from tradegame.engine import Game
from tradegame.engine.actions import INSTRUCTOR, News
from tradegame.scenario import load_rules


def _with_pledgers(name: str) -> tuple[int, Game]:
    rules = load_rules(name)
    for seed in range(40):
        game = Game.new(rules, seed)
        rng = random.Random(seed)
        while (player := game.to_move()) is not None:
            game.apply(game.legal_actions(player).sample(rng))
            if game.terms().pledgers and game.to_move() is not None:
                return seed, game
    raise AssertionError(f"no pledge in force in 40 random games of {name}")


class _HeldDeals(list[Any]):
    """The game's deals, whose listing by one thread waits once (for the other reader)."""

    def __init__(self, deals: list[Any], held: threading.Event, go_on: threading.Event) -> None:
        super().__init__(deals)
        self.held, self.go_on = held, go_on
        self.thread: threading.Thread | None = None

    def __iter__(self) -> Any:
        if threading.current_thread() is self.thread and not self.held.is_set():
            self.held.set()
            self.go_on.wait(10)
        return super().__iter__()


@pytest.mark.parametrize("name", ["april-2025", "with-china"])
def test_a_reader_held_while_another_makes_the_index_keeps_no_stale_one(name: str) -> None:
    seed, game = _with_pledgers(name)
    pledger = game.terms().pledgers[0]
    game.apply(News(INSTRUCTOR, "a scandal", (f"credibility:{pledger}=-20",)))
    assert game._terms is None and game._terms_made is not None  # to be made again
    held, go_on = threading.Event(), threading.Event()
    deals = _HeldDeals(game.deals, held, go_on)
    game.deals = deals
    game._in_force = None  # the held reader lists the deals in force
    found: dict[str, Any] = {}
    held_reader = threading.Thread(target=lambda: found.update(held=game.terms()))
    deals.thread = held_reader
    held_reader.start()
    assert held.wait(10)
    found["other"] = game.terms()  # makes the new index meanwhile
    go_on.set()
    held_reader.join(10)
    game.deals = list(deals)
    fresh = Game.replay(load_rules(name), seed, game.actions).terms()
    assert repr(found["other"]) == repr(fresh)
    assert repr(found["held"]) == repr(fresh)
    assert repr(game.terms()) == repr(fresh)
