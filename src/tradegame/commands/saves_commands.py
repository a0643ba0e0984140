"""``tradegame resume``, ``tradegame replay`` and ``tradegame rollback``: clients of the saves.

A save holds the whole game (scenario text, seed, seats, actions), so all three commands start
by loading and verifying it; a bad file is one line on stderr naming the file and the problem.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Callable, Collection, Mapping
from typing import Any

from tradegame.engine import Game
from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError
from tradegame.saves import HUMAN, LoadedGame, SaveError, load_game, save_game
from tradegame.saves.store import resolved
from tradegame.untrusted import printable

AUTOSAVE_KEEP = 3


def _load(path: str) -> LoadedGame:
    try:
        return load_game(path)
    except SaveError as exc:
        raise UserError(str(exc)) from None


def _save(
    path: str, game: Game, seats: Mapping[str, str], loaded: LoadedGame, created: str | None = None
) -> None:
    try:
        save_game(
            path,
            game,
            seats,
            created=created,
            scenario_text=loaded.scenario_text,
            scenario_name=loaded.meta.scenario_name,
            team=loaded.team,
        )
    except SaveError as exc:
        raise UserError(str(exc), code=EXIT_FAILED) from None


# --------------------------------------------------------------------------- replay


def round_records(loaded: LoadedGame) -> list[dict[str, Any]]:
    """One record per round of the save: what ``tradegame replay --json`` prints.

    A round's ``state_hash`` is the state right after its last action (for the last record,
    the game's current state: it equals ``match --json``'s ``state_hash``); ``round_hash`` is
    the hash recorded when the round was resolved (``null`` for a round still in progress).
    ``approval``, ``credibility`` and ``market_stress`` are as the round left them.
    """
    game = Game.new(loaded.rules, loaded.game.seed)
    records: list[dict[str, Any]] = []

    def record(n: int, day: int, actions: list[str]) -> dict[str, Any]:
        resolved = len(game.round_hashes) >= n
        hist = game.history[n - 1] if resolved else None
        return {
            "round": n,
            "date": game.date_of(day),
            "day": day,
            "complete": resolved,
            "over": game.is_over(),
            "actions": actions,
            "log": [
                {"phase": e.phase, "kind": e.kind, "text": e.text}
                for e in game.log
                if e.round == n and e.audience is None
            ],
            "approval": dict(hist["approval"] if hist else game.approval),
            "credibility": dict(hist["credibility"] if hist else game.credibility),
            "market_stress": hist["market_stress"] if hist else game.stress,
            "round_hash": game.round_hashes[n - 1] if resolved else None,
            "state_hash": game.state_hash(),
        }

    n, day, actions = game.round, game.day, []
    for action in loaded.game.actions:
        game.apply(action)
        actions.append(str(action))
        if resolved(game, n):
            records.append(record(n, day, actions))
            n, day, actions = game.round, game.day, []
    if not game.is_over():
        records.append(record(n, day, actions))
    return records


def replay(args: argparse.Namespace) -> int:
    loaded = _load(args.save)
    records = round_records(loaded)
    if args.round is not None:
        chosen = [r for r in records if r["round"] == args.round]
        if not chosen:
            raise UserError(
                f"{args.save}: round {args.round} is not in this save "
                f"(it holds rounds 1 to {records[-1]['round']})"
            )
        records = chosen
    if args.json:
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
        return EXIT_OK
    print(replay_text(loaded, records, whole=args.round is None))
    return EXIT_OK


def replay_text(loaded: LoadedGame, records: list[dict[str, Any]], whole: bool = True) -> str:
    game, rules, meta = loaded.game, loaded.rules, loaded.meta
    lines: list[str] = []
    if whole:
        lines += [
            f"{rules.title} — seed {game.seed}",
            "Seats: " + printable(", ".join(f"{p}={a}" for p, a in loaded.seats.items())),
            f"Saved {meta.saved} by tradegame {meta.tradegame_version} (save format "
            f"version {meta.version}{', migrated' if meta.migrated_from is not None else ''}"
            f"); verified by replay",
            "",
        ]
    for rec in records:
        status = "" if rec["complete"] else " — in progress"
        lines.append(f"Round {rec['round']} ({rec['date']}, day {rec['day']}){status}")
        for text in rec["actions"]:
            lines.append(f"  > {text}")
        for entry in rec["log"]:
            lines.append(f"  {entry['phase']:<10} {entry['text']}")
        approval = ", ".join(f"{p} {v:.1f}" for p, v in rec["approval"].items())
        lines.append(f"  approval {approval}; market stress {rec['market_stress']:.1f}")
        lines.append(
            f"  state {rec['state_hash'][:16]}"
            + (f" (round hash {rec['round_hash'][:16]})" if rec["round_hash"] else "")
        )
        lines.append("")
    if whole:
        where = "the game is over" if game.is_over() else f"the game is in round {game.round}"
        lines.append(f"{len(game.actions)} actions; {where}; state {game.state_hash()}")
    return "\n".join(lines).rstrip("\n")


# --------------------------------------------------------------------------- rollback


def rollback(args: argparse.Namespace) -> int:
    loaded = _load(args.save)
    game, meta = loaded.game, loaded.meta
    n = args.round
    if n < 1 or n > game.round:
        raise UserError(
            f"{args.save}: round {n} is not in this save (it holds rounds 1 to "
            f"{game.round}; the game is "
            f"{'over' if game.is_over() else f'in round {game.round}'})"
        )
    if os.path.lexists(args.out) and not args.force:
        raise UserError(
            f"{args.out}: the file exists; choose another name, or give --force to replace it"
        )
    keep = meta.round_start(n)
    rolled = Game.replay(loaded.rules, game.seed, game.actions[:keep])
    _save(args.out, rolled, loaded.seats, loaded, created=meta.created)
    print(
        f"{args.out}: {loaded.rules.id} seed {game.seed} at the start of round {n} "
        f"({keep} of {len(game.actions)} actions kept)"
    )
    return EXIT_OK


# --------------------------------------------------------------------------- resume


def continue_game(
    game: Game,
    seats: Mapping[str, str],
    *,
    on_round: Callable[[Game], None] | None = None,
    incidents: list[str] | None = None,
    time_limit: float | None = None,
    code_seats: Collection[str] = (),
) -> Game:
    """Play ``game`` on to the end with one agent per seat, the way ``play_match`` plays.

    Each agent is first shown the game so far (its ``act`` is called on each of its past turns
    and the answer dropped), so a seeded agent's random stream and any memory it keeps are
    where they would be had the game never stopped: a rolled-back game of agents resumed with
    the same seats plays out exactly as the original. ``on_round`` is called after each round.
    Agent failures become passes and lines in ``incidents``, as in ``play_match``.
    Only the players in ``code_seats`` (seats named on the command line) may have agents that
    run code; any other such seat raises ``CodeAgentRefused`` before anything starts.
    """
    from tradegame.agents.base import (
        Turn,
        agent_rng,
        close_agents,
        end_agents,
        make_agent,
        record_incident,
        safe_move,
        start_agents,
    )

    rules = game.rules
    fresh = Game.new(rules, game.seed)

    def incident(player: str, what: str, exc: BaseException) -> None:
        record_incident(incidents, fresh, player, what, exc)

    agents: dict[str, Any] = {}
    try:
        for p in rules.player_ids:
            rng = agent_rng(game.seed, p, seats[p])
            agents[p] = make_agent(seats[p], rng, time_limit=time_limit, allow_code=p in code_seats)
        start_agents(agents, fresh, incident)
        for action in game.actions:  # show each agent its past turns
            mover = fresh.to_move()
            if mover is not None and action.player == mover:
                try:
                    agents[mover].act(Turn(fresh, mover))
                except Exception:  # the move was made long ago; its answer is dropped
                    pass
            fresh.apply(action)
        while not fresh.is_over():
            player = fresh.to_move()
            assert player is not None
            move, error = safe_move(agents[player], fresh, player)
            if error is not None:
                incident(player, "failed; its move becomes a pass", error)
            before = fresh.round
            fresh.apply(move)
            if on_round is not None and resolved(fresh, before):
                on_round(fresh)
        end_agents(agents, fresh, incident)
    finally:
        close_agents(agents)
    return fresh


def resume(args: argparse.Namespace) -> int:
    from tradegame.agents.base import AgentSpecError, refused_seat_notice, saved_seats
    from tradegame.commands.common import parse_seats
    from tradegame.commands.match import result_json, transcript
    from tradegame.saves import Autosaver, default_save_dir, game_id_of

    loaded = _load(args.save)
    rules = loaded.rules
    given = parse_seats(args.seat, rules)
    game = loaded.game
    # The save's seats are a record: one that would run code is not started (a save is data,
    # not a program); the user names such an agent again with --seat.
    seats, refused = saved_seats({p: loaded.seats[p] for p in rules.player_ids}, given)
    for p in rules.player_ids:
        if p in refused and not game.is_over():
            print(
                "tradegame: "
                + refused_seat_notice(
                    p, refused[p], shlex.join(["tradegame", "resume", args.save])
                ),
                file=sys.stderr,
            )
        elif seats[p] == HUMAN:
            seats[p] = "passive"
            if not game.is_over():
                print(
                    f"tradegame: {p} was played by a human; it continues as passive "
                    f"(give --seat {p}=AGENT to choose an agent)",
                    file=sys.stderr,
                )
    incidents: list[str] = []
    if game.is_over():
        print(
            f"tradegame: {args.save}: the game is already over; nothing to resume", file=sys.stderr
        )
    else:
        on_round = None
        if not args.no_autosave:
            saver = Autosaver(
                default_save_dir(),
                game_id_of(args.save),
                keep=AUTOSAVE_KEEP,
                created=loaded.meta.created,
                scenario_text=loaded.scenario_text,
                scenario_name=loaded.meta.scenario_name,
            )

            def on_round(g: Game) -> None:
                try:
                    saver.autosave(g, seats)
                except SaveError as exc:
                    incidents.append(f"autosave failed: {exc}")

            print(
                f"tradegame: autosaving each round to {saver.directory} as "
                f"{saver.game_id}-NNNN-roundRR.json (the last {AUTOSAVE_KEEP} kept)",
                file=sys.stderr,
            )
        try:
            game = continue_game(
                game,
                seats,
                on_round=on_round,
                incidents=incidents,
                time_limit=getattr(args, "time_limit", None),
                code_seats=given,
            )
        except AgentSpecError as exc:
            raise UserError(str(exc)) from None
    if args.save_to:
        _save(args.save_to, game, seats, loaded, created=loaded.meta.created)
    if args.json:
        json.dump(result_json(game, seats, incidents), sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(transcript(game, seats, incidents))
    return EXIT_OK
