"""``tradegame briefing``, ``report``, ``grades`` and ``worlds``: the teacher's commands.

Each is a thin client of :mod:`tradegame.classroom`. Files are written atomically; a bad save
is one line on stderr naming the file and the reason. ``grades`` and ``report --compare`` go on
with the others and export them; they mark every game finished, unfinished or not started and
score only finished games unless ``--include-unfinished``. Exit codes: 0 when every game was
scored, 3 (:data:`EXIT_PARTIAL`) when some were left out (a save that cannot be read, or a game
not finished), each named on stderr with the reason, 1 when none could be scored.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable

from tradegame.engine import NonFiniteError
from tradegame.errors import EXIT_FAILED, EXIT_OK, UserError
from tradegame.saves import LoadedGame, SaveError, load_game
from tradegame.untrusted import printable

EXIT_PARTIAL = 3  # grades, report --compare: some games left out (unreadable or unfinished)

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def _format(out: str | None, given: str | None, default: str = "md") -> str:
    """The output format: ``--format``, else the extension of ``--out``, else ``default``."""
    if given:
        return given
    if out is None:
        return default
    ext = os.path.splitext(out)[1].lower()
    if ext in FORMATS:
        return FORMATS[ext]
    raise UserError(
        f"{out}: cannot tell the format from the file name; end it in .html or "
        f".md, or give --format html|md"
    )


_SAVE_MARK = re.compile(rb'"format"\s*:\s*"tradegame-save"')


def _is_save(path: str) -> bool:
    """Whether ``path`` is a regular file that starts as a tradegame save (its first 64 KiB
    name the save format), whatever its name."""
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as f:
            head = f.read(65536)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and _SAVE_MARK.search(head) is not None


def write_text(path: str, text: str) -> None:
    """Write ``path`` atomically; never over a saved game (``--out class/team-03.json`` is a
    slip of the keyboard that would lose a team's game)."""
    from tradegame.saves import atomic_write_bytes

    if _is_save(path):
        raise UserError(
            f"{path}: is a saved game; writing there would replace it. Choose another --out "
            f"(for example grades.csv, report.html)"
        )
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        folder = os.path.dirname(path) or "."
        reason = (
            f"the folder {folder} does not exist"
            if not os.path.isdir(folder)
            else "it is a directory"
            if os.path.isdir(path)
            else exc.strerror or str(exc)
        )
        raise UserError(f"{path}: cannot write the file: {reason}", code=EXIT_FAILED) from None


def _emit(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        write_text(out, text)


def _load(path: str) -> LoadedGame:
    try:
        return load_game(path)
    except SaveError as exc:
        raise UserError(str(exc), code=EXIT_FAILED) from None


def _load_all(
    paths: Iterable[str], include_unfinished: bool = False
) -> tuple[list[tuple[str, LoadedGame, bool]], int]:
    """Every save that loads, with whether it is scored, and how many could not be read; each
    save refused or game left unscored is one line on stderr with its reason: one bad save
    never stops the others' export."""
    from tradegame.classroom.grades import game_status, scored

    loaded = []
    failed = 0
    seen: dict[str, str] = {}
    for path in paths:
        real = os.path.realpath(path)
        if real in seen:  # overlapping globs: class/team-*.json class/team-01.json
            print(
                f"tradegame: {path}: the same file as {seen[real]}; counted once",
                file=sys.stderr,
            )
            continue
        seen[real] = path
        try:
            game = load_game(path)
            score = scored(game.game, include_unfinished)
            if score:
                game.game.scores()  # scored here, so a game that cannot be is named, not fatal
                game.game.batna()
        except SaveError as exc:
            print(f"tradegame: {exc}", file=sys.stderr)
            failed += 1
        except NonFiniteError as exc:
            print(f"tradegame: {path}: the game cannot be scored: {exc}", file=sys.stderr)
            failed += 1
        else:
            if not score:
                status = game_status(game.game)
                done = (
                    f"{len(game.game.history)} of {game.game.rounds_total()} rounds played"
                    if status != "not started"
                    else "no move played"
                )
                print(
                    f"tradegame: {path}: {status} ({done}); not scored (give "
                    f"--include-unfinished to score it as it stands)",
                    file=sys.stderr,
                )
            loaded.append((path, game, score))
    return loaded, failed


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _exit_code(scored: int, left_out: int) -> int:
    """0: every game scored; 3: some left out, some scored; 1: none scored."""
    if not left_out:
        return EXIT_OK
    return EXIT_PARTIAL if scored else EXIT_FAILED


# --------------------------------------------------------------------------- briefing


def briefing(args: argparse.Namespace) -> int:
    from tradegame.classroom.briefing import briefing_doc
    from tradegame.classroom.html import Doc, render
    from tradegame.commands.common import load_scenario_or_exit

    rules, scenario_text, _ = load_scenario_or_exit(args.scenario)
    ids = rules.player_ids

    def doc_of(role: str) -> Doc:
        return briefing_doc(
            rules,
            role,
            args.public_only,
            hindsight=args.hindsight,
            instructor=args.instructor,
            scenario_text=scenario_text,
        )

    if args.role.lower() == "all":
        roles = list(ids)
    else:
        match = [p for p in ids if p == args.role] or [
            p for p in ids if p.lower() == args.role.lower()
        ]
        if len(match) != 1:
            raise UserError(
                f"--role {args.role}: not a player of {rules.id} (players: "
                f"{', '.join(ids)}, or all)"
            )
        roles = match
    suffix = "-instructor" if args.instructor else "-public" if args.public_only else ""
    if len(roles) > 1 or (args.out and os.path.isdir(args.out)):
        if not args.out:
            raise UserError("--role all writes one file per role: give --out DIR")
        if os.path.exists(args.out) and not os.path.isdir(args.out):
            raise UserError(
                f"{args.out}: not a folder (--role all writes one file per role into a folder)"
            )
        fmt = args.format or "html"
        try:
            os.makedirs(args.out, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"{args.out}: cannot create the folder: {exc.strerror or exc}", code=EXIT_FAILED
            ) from None
        for role in roles:
            path = os.path.join(args.out, f"{role}{suffix}.{fmt}")
            write_text(path, render(doc_of(role), fmt))
            print(path)
        return EXIT_OK
    fmt = _format(args.out, args.format)
    _emit(render(doc_of(roles[0]), fmt), args.out)
    if args.out:
        print(args.out)
    return EXIT_OK


# --------------------------------------------------------------------------- sources


def sources(args: argparse.Namespace) -> int:
    """The data sheet, one or more of its sections, or the sections a scenario cites."""
    import re

    from tradegame.classroom.sources import SourcesMissing, cited_sections, sections, sources_text

    try:
        if not args.section:
            sys.stdout.write(sources_text())
            return EXIT_OK
        have = sections()
    except SourcesMissing as exc:
        raise UserError(str(exc), code=EXIT_FAILED) from None
    chosen = []
    for given in args.section:
        sid = re.sub(r"^(facts\s*)?§\s*", "", given.strip())
        if sid in have:
            chosen.append(have[sid])
            continue
        if re.fullmatch(r"\d+[a-z]?", sid):
            raise UserError(
                f"{given}: no such section of the data sheet (sections: {', '.join(have)})"
            )
        from tradegame.commands.common import load_scenario_or_exit

        _, text, shown = load_scenario_or_exit(given)
        found, missing = cited_sections(text)
        if missing:
            print(
                f"tradegame: {shown} cites sections the data sheet does not have: "
                f"{', '.join(missing)}",
                file=sys.stderr,
            )
        chosen.extend(found)
    for section in chosen:
        sys.stdout.write(f"## {section.id}. {section.title}\n\n{section.body}\n\n")
    return EXIT_OK


# --------------------------------------------------------------------------- report


def report(args: argparse.Namespace) -> int:
    from tradegame.classroom.html import render

    if args.search_budget < 0:
        raise UserError("--search-budget must be 0 (no search) or more")
    fmt = _format(args.out, args.format)
    if args.compare:
        from tradegame.classroom.report import Team, compare_doc, team_name

        loaded, failed = _load_all(args.saves, args.include_unfinished)
        ids = {lg.rules.id for _, lg, _ in loaded}
        if len(ids) > 1:
            raise UserError(
                "--compare needs games of one scenario; these are of " + ", ".join(sorted(ids))
            )
        n_scored = sum(1 for _, _, s in loaded if s)
        if not n_scored:
            print(
                "tradegame: no game could be scored; nothing to compare"
                + (
                    ""
                    if not loaded
                    else " (give --include-unfinished to compare games that are not finished)"
                ),
                file=sys.stderr,
            )
            return EXIT_FAILED
        names = [team_name(path) for path, _, _ in loaded]
        if len(set(names)) != len(names):  # same file name in different folders
            names = [path for path, _, _ in loaded]
        doc = compare_doc([Team(n, lg, s) for n, (_, lg, s) in zip(names, loaded, strict=True)])
        _emit(render(doc, fmt), args.out)
        left_out = failed + len(loaded) - n_scored
        if args.out:
            print(
                f"{args.out}: {_count(n_scored, 'game')} compared"
                + (f"; {left_out} left out" if left_out else "")
            )
        return _exit_code(n_scored, left_out)
    if len(args.saves) != 1:
        raise UserError("give one save to report on, or --compare to compare several")
    from tradegame.classroom.report import report_doc

    loaded_game = _load(args.saves[0])
    doc = report_doc(loaded_game, source=args.saves[0], search_budget=args.search_budget)
    _emit(render(doc, fmt), args.out)
    if args.out:
        print(args.out)
    return EXIT_OK


# --------------------------------------------------------------------------- grades


def grades(args: argparse.Namespace) -> int:
    from tradegame.classroom.grades import grade_rows, rank_rows, to_csv

    loaded, failed = _load_all(args.saves, args.include_unfinished)
    if not loaded:  # a header-only file would replace the grades an earlier run wrote there
        print("tradegame: no save could be read; nothing written", file=sys.stderr)
        return EXIT_FAILED
    rows = [row for path, lg, score in loaded for row in grade_rows(lg, path, score=score)]
    rank_rows(rows)
    # A file starts with a byte-order mark: without one, Excel reads UTF-8 CSV as the local
    # code page and shows "OdÃ©" for "Odé" (LibreOffice, Numbers and Python's utf-8-sig skip it).
    _emit(to_csv(rows) if args.out is None else "\ufeff" + to_csv(rows), args.out)
    n_scored = sum(1 for _, _, s in loaded if s)
    left_out = failed + len(loaded) - n_scored
    if args.out:
        print(
            f"{args.out}: {_count(len(rows), 'row')} from {_count(len(loaded), 'game')}, "
            f"{n_scored} scored" + (f"; {left_out} left out" if left_out else "")
        )
    return _exit_code(n_scored, left_out)


# --------------------------------------------------------------------------- worlds


def worlds(args: argparse.Namespace) -> int:
    from tradegame.agents.base import AgentSpecError
    from tradegame.classroom.worlds import make_worlds, team_file
    from tradegame.commands.common import load_scenario_or_exit, parse_seats

    rules, text, shown = load_scenario_or_exit(args.scenario)
    roster = []
    if args.roster:
        from tradegame.classroom.roster import RosterError, duplicate_students, read_roster

        try:
            roster = read_roster(args.roster, rules.player_ids)
        except RosterError as exc:
            raise UserError(str(exc)) from None
        for line in duplicate_students(roster):
            print(f"tradegame: {args.roster}: warning: {printable(line)}", file=sys.stderr)
        if args.teams is None:
            args.teams = len(roster)
        elif args.teams != len(roster):
            raise UserError(
                f"--teams {args.teams}, but the roster {args.roster} names "
                f"{len(roster)} teams; give one or the other"
            )
    if args.teams is None:
        raise UserError(
            "give --teams N or --roster FILE (a CSV with the columns team, student, role)"
        )
    if not 1 <= args.teams <= 999:
        raise UserError(f"--teams must be between 1 and 999, got {args.teams}")
    seats = parse_seats(args.seat, rules, allow_human=True)
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise UserError(f"{args.out}: not a folder")
    taken = [
        name
        for k in range(1, args.teams + 1)
        if os.path.lexists(os.path.join(args.out, name := team_file(k, args.teams)))
    ]
    if taken and not args.force:
        raise UserError(
            f"{args.out}: {taken[0]} exists"
            + (f" (and {len(taken) - 1} more team files)" if len(taken) > 1 else "")
            + "; choose another folder, or give --force to replace them"
        )
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"{args.out}: cannot create the folder: {exc.strerror or exc}", code=EXIT_FAILED
        ) from None
    try:
        made = make_worlds(
            rules,
            teams=args.teams,
            seed=args.seed,
            seats=seats,
            out_dir=args.out,
            scenario_text=text,
            scenario_name=shown,
            time_limit=args.time_limit,
            allow_code=True,  # typed here
            roster=roster,
        )
    except AgentSpecError as exc:
        raise UserError(str(exc)) from None
    except SaveError as exc:
        raise UserError(str(exc), code=EXIT_FAILED) from None
    from tradegame.classroom.roster import team_label

    for w in made:
        if roster:
            print(f"{w.path}: {printable(team_label(w.team_record))}")
        if w.played:
            scores = w.game.scores()
            text_scores = ", ".join(f"{p} {v:.1f}" for p, v in scores.items())
            print(
                f"{w.path}: seed {w.seed}, played out ({len(w.game.history)} rounds): {text_scores}"
            )
            for line in w.incidents:
                print(f"  incident: {line}")
        else:
            print(f"{w.path}: seed {w.seed}, a fresh game waiting for its players")
    if made and not made[0].played:
        print(
            f"A team plays its own file: `tradegame play {made[0].path}` (the game is saved back "
            f"to it after every round); compare them with `tradegame report --compare "
            f"{os.path.join(args.out, 'team-*.json')} --out compare.html`."
        )
    return EXIT_OK


__all__ = ["briefing", "grades", "report", "sources", "worlds"]
