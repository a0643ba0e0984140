"""Instructor controls on a :class:`~tradegame.ui.match.Match`, without Textual.

- :func:`injects`: the scenario's injects (events whose trigger is ``inject``);
- :func:`fire_inject`: fire one now (the engine's ``! inject ID`` action: it is in the game's
  actions, its log and its saves);
- :func:`round_starts` / :func:`rolled_back`: cut the game at the start of a round and rebuild
  it by replay (a new match with the same seats; the instructor log goes along);
- :func:`end_early`: finish the game now with every seat passing (the rest of the calendar
  runs with no new moves), as ``tradegame.engine.scoring.play_out_passing`` does.

Every control adds a line to ``match.instructor_log`` (shown in the instructor tab). Injects
and the passes of an early end are game actions, so they are in saved games too; a rollback
cannot be (the save holds the rolled-back game), only its log line in this session.
"""

from __future__ import annotations

from typing import Any

from tradegame.engine import Action, Game, parse
from tradegame.ui.match import Match


def instructor_log(match: Match) -> list[str]:
    """The match's instructor log (created on first use)."""
    return match.instructor_log


def note(match: Match, text: str) -> None:
    game = match.game
    instructor_log(match).append(f"round {game.round}, day {game.day}: {text}")


def injects(match: Match) -> list[Any]:
    """The scenario's injects (``.id``, ``.name``, ``.news``)."""
    return [e for e in match.rules.events if e.trigger == "inject"]


def fired_injects(match: Match) -> list[str]:
    """Ids of the injects already fired in this game, in order."""
    return [getattr(a, "inject", "") for a in match.game.actions if a.kind == "inject"]


def fire_inject(match: Match, inject_id: str) -> Action:
    """Fire inject ``inject_id`` now (raises IllegalActionError / InvalidActionError)."""
    action = parse(f"! inject {inject_id}")
    match.apply(action)
    event = next((e for e in injects(match) if e.id == inject_id), None)
    note(match, f"inject {inject_id} fired ({event.name if event else inject_id})")
    return action


def round_starts(match: Match) -> list[int]:
    """``starts[n - 1]``: how many of the game's actions come before round ``n``'s first
    action, for every round the game has reached (found by replaying the actions)."""
    game = match.game
    replay = Game.new(match.rules, match.seed)
    starts = [0]
    resolved = 0
    for n, action in enumerate(game.actions, start=1):
        replay.apply(action)
        now = len(replay.round_hashes)
        if now != resolved:
            resolved = now
            if not replay.is_over():
                starts.append(n)
    return starts


def rolled_back(match: Match, round_no: int) -> Match:
    """A new match (same seats, scenario and seed) at the start of round ``round_no``."""
    starts = round_starts(match)
    if not 1 <= round_no <= len(starts):
        raise ValueError(f"round {round_no} is not in this game (rounds 1 to {len(starts)})")
    keep = starts[round_no - 1]
    game = Game.replay(match.rules, match.seed, match.game.actions[:keep])
    total = len(match.game.actions)
    note(match, f"rolled back to the start of round {round_no} "
                f"({keep} of {total} actions kept)")
    new = Match(match.rules, match.seed, match.seats, game=game,
                scenario_name=match.scenario_name, scenario_text=match.scenario_text,
                created=match.created)
    new.incidents = list(match.incidents)
    new.instructor_log = list(match.instructor_log)
    return new


def end_early(match: Match) -> None:
    """End the game now: every seat passes (or is done) until the calendar runs out."""
    from tradegame.engine.scoring import play_out_passing

    game = match.game
    if game.is_over():
        return
    note(match, "the instructor ended the game early; every seat passes from here")
    before = len(game.actions)
    play_out_passing(game)
    instructor_log(match).append(f"  ({len(game.actions) - before} passes played; "
                                 f"the game ended on day {game.day})")


__all__ = [
    "end_early",
    "fire_inject",
    "fired_injects",
    "injects",
    "instructor_log",
    "note",
    "rolled_back",
    "round_starts",
]
