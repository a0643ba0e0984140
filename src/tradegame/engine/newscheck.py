"""The news checker: did any news item contradict the game's state when it was published?

Scripted news (scheduled, conditional and random events, the instructor's injects) must be
true in the game in which it appears (issue 19 f). Each event states what its news needs in
its ``requires`` (the scenario's requirements: no deal between a pair, a session this round, a
layer's status or rate, a package's status, an earlier event); the News phase fires an event
only when they hold (:func:`tradegame.engine.phases.news.unmet`).

This module replays a finished game (its rules, seed and actions: a :class:`Game`, a save's
game, or a tournament's recorded actions) and checks every news item as it is published:

- against ``expected`` requirements by event id (by default the game's own rules'), so a game
  played under other rules (say, with the requirements removed, as before issue 19 f) can be
  held to the scenario's;
- against what happened next: an event that claims or changes a session (a ``session``
  requirement, a ``schedule_talks`` or ``raise_stakes`` effect) must be followed by that
  session in the round it names. This is read from the sessions the talks phase really
  built, not from the requirement, so it also catches an event whose requirement is missing.

``check_game(game)`` lists the contradictions (none in a sound game);
``benchmarks/news_check.py`` counts them over many random games.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tradegame.engine.actions import Action
from tradegame.engine.machine import Machine
from tradegame.engine.phases import news
from tradegame.engine.plain import picklable_when_compiled
from tradegame.engine.records import pair_key
from tradegame.engine.rules import Event, Requirement, Rules
from tradegame.engine.state import State

# Effects that only mean something if the pair holds talks in the named round.
_SESSION_EFFECTS = ("schedule_talks", "raise_stakes")


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A news item published while something it needs was not so."""

    round: int  # the round in which the news was published
    event: str  # the event's id
    news: str  # its text
    needs: str  # what it needed that was not so, in words

    def __str__(self) -> str:
        return f"round {self.round}: {self.event} needs {self.needs}: {self.news}"


class _Witnessed(Machine):
    """A replay that checks each news item as it fires."""

    def __init__(
        self, rules: Rules, seed: int, expected: Mapping[str, tuple[Requirement, ...]]
    ) -> None:
        # Set before Machine.__init__, which runs round 1's news.
        self._expected = expected
        self.found: list[Contradiction] = []
        self._claims: list[tuple[int, int, Event, tuple[str, str]]] = []  # (round, talks, ...)
        self._held: dict[int, set[tuple[str, str]]] = {}
        super().__init__(rules, seed)

    def _share_all(self, new: State) -> None:
        super()._share_all(new)
        if isinstance(new, _Witnessed):
            new._expected = self._expected
            new.found = self.found
            new._claims = self._claims
            new._held = self._held

    def witness_news(self, event: Event, talks_round: int) -> None:
        requires = self._expected.get(event.id, ())
        for q in news.unmet(self, requires, event, talks_round):
            self.found.append(Contradiction(self.round, event.id, event.news, news.describe(q)))
        pairs = {pair_key(*q.pair) for q in requires if q.kind == "session" and q.pair}
        pairs |= {pair_key(*e.pair) for e in event.effects if e.kind in _SESSION_EFFECTS and e.pair}
        for key in sorted(pairs):
            self._claims.append((self.round, talks_round, event, key))

    def _begin_round(self) -> None:
        super()._begin_round()
        self._held[self.round] = {pair_key(*s.pair) for s in self.sessions}

    def finish(self) -> list[Contradiction]:
        out = list(self.found)
        for published, talks_round, event, key in self._claims:
            held = self._held.get(talks_round)
            if held is not None and key not in held:
                out.append(
                    Contradiction(
                        published,
                        event.id,
                        event.news,
                        f"a session between {key[0]} and {key[1]} in round {talks_round} "
                        "(none was held)",
                    )
                )
        return sorted(out, key=lambda c: c.round)


def check_actions(
    rules: Rules,
    seed: int,
    actions: Iterable[Action],
    expected: Mapping[str, tuple[Requirement, ...]] | None = None,
) -> list[Contradiction]:
    """Replay (rules, seed, actions) and list every news item that contradicted the state
    when it was published. ``expected``: the requirements by event id to hold the news to
    (default: those of ``rules``, the ones the game was played by). Each action is checked
    as in :meth:`Game.replay`: an action the rules do not allow raises
    :class:`~tradegame.engine.errors.IllegalActionError` (or ``InvalidActionError``)."""
    if expected is None:
        expected = requirements(rules)
    game = _Witnessed(rules, seed, expected)
    for action in actions:
        game.apply(action)  # checked: the actions may come from a file (IllegalActionError)
    return game.finish()


def check_game(
    game: State, expected: Mapping[str, tuple[Requirement, ...]] | None = None
) -> list[Contradiction]:
    """:func:`check_actions` for a game (finished or not): its rules, seed and actions."""
    return check_actions(game.rules, game.seed, game.actions, expected)


def requirements(rules: Rules) -> dict[str, tuple[Requirement, ...]]:
    """Each event's requirements, by event id."""
    return {ev.id: ev.requires for ev in rules.events}


__all__ = ["Contradiction", "check_actions", "check_game", "requirements"]


picklable_when_compiled(globals())  # (pickle and copy in the compiled build: see plain.py)
