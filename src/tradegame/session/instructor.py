"""Instructor controls on a :class:`~tradegame.session.match.Match`, without Textual.

- :func:`injects`: the scenario's injects (events whose trigger is ``inject``);
- :func:`fire_inject`: fire one now (the engine's ``! inject ID`` action: it is in the game's
  actions, its log and its saves);
- :func:`round_starts` / :func:`rolled_back`: cut the game at the start of a round and rebuild
  it by replay (a new match with the same seats; the instructor log goes along);
- :func:`publish_news`: a news item typed by the instructor (the engine's
  ``! news [EFFECT ...] -- TEXT`` action, with optional shifts of market stress, approval,
  credibility or relations);
- :func:`end_early`: finish the game now with every seat passing (the rest of the calendar
  runs with no new moves), as ``tradegame.engine.scoring.play_out_passing`` does.

Every control adds a line to ``match.instructor_log`` (shown in the instructor tab). Injects,
news items and the passes of an early end are game actions, so they are in saved games too.
The moves undone by a rollback cannot be (the save holds the rolled-back game), but a rollback
and an early end each publish a news item saying so, which is in the game's log and its saves.
"""

from __future__ import annotations

from typing import Any

from tradegame.engine import Action, Game, InvalidActionError, News, parse
from tradegame.engine.actions import parse_news_effect
from tradegame.session.match import Match


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


def news_action(text: str, effects: str = "") -> News:
    """The instructor's news item: ``text`` (one line) and ``effects`` in the engine's notation,
    separated by spaces (``stress=10 approval:JP=-3``). Raises InvalidActionError with a
    one-line message when the text is empty or an effect is not well formed; unknown players
    are refused by the engine when the item is applied (IllegalActionError)."""
    words = text.split()
    if not words:
        raise InvalidActionError("the news item needs a text")
    tokens = tuple(effects.replace(",", " ").split())
    for token in tokens:
        parse_news_effect(token)
    action = News("!", " ".join(words), tokens)
    # what a save holds is the notation: make sure it reads back as the same action
    if parse(str(action)) != action:
        raise InvalidActionError(f"the news item cannot be written as one action: {action}")
    return action


def publish_news(match: Match, text: str, effects: str = "") -> News:
    """Publish a news item now (raises InvalidActionError / IllegalActionError, changing
    nothing then)."""
    action = news_action(text, effects)
    match.apply(action)
    shifts = f" [{' '.join(action.effects)}]" if action.effects else ""
    note(match, f"news published: {action.text}{shifts}")
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
    note(match, f"rolled back to the start of round {round_no} ({keep} of {total} actions kept)")
    new = Match(
        match.rules,
        match.seed,
        match.seats,
        game=game,
        scenario_name=match.scenario_name,
        scenario_text=match.scenario_text,
        created=match.created,
        code_seats=match.code_seats,
    )
    new.incidents = list(match.incidents)
    new.instructor_log = list(match.instructor_log)
    new.home, new.team = match.home, match.team
    new.apply(News("!", f"The instructor rolled the game back to the start of round {round_no}."))
    return new


def end_early(match: Match) -> None:
    """End the game now: every seat passes (or is done) until the calendar runs out."""
    from tradegame.engine.scoring import play_out_passing

    game = match.game
    if game.is_over():
        return
    note(match, "the instructor ended the game early; every seat passes from here")
    match.apply(News("!", "The instructor ended the game early; everyone passes from here."))
    before = len(game.actions)
    play_out_passing(game)
    instructor_log(match).append(
        f"  ({len(game.actions) - before} passes played; the game ended on day {game.day})"
    )


__all__ = [
    "end_early",
    "fire_inject",
    "fired_injects",
    "injects",
    "instructor_log",
    "news_action",
    "note",
    "publish_news",
    "rolled_back",
    "round_starts",
]
