"""The debrief report of a saved game, and the comparison of several games (parallel worlds).

The debrief sees everything (DESIGN §3.7): the full log with private talks, every deal with the
political costs of both sides, every player's objectives. The report's sections, in order:

1. **The game** — scenario, seed, seats, calendar as played
2. **Scores, BATNA and surplus** — and joint welfare; how each score was made
3. **Deals: who gave what** — terms by giver, political cost to the giver and gain to the
   receiver, net political cost per party, what became of the deal
4. **Was a Pareto-better deal left on the table?** — :mod:`tradegame.classroom.pareto`
5. **Charts** — tariff faced, approval, market stress, GDP effect, trade balance and
   credibility over the days, from ``game.history`` (plus the state at the start of play)
6. **Timeline** — every log entry and every move, round by round
7. **Debrief questions** — the scenario's

:func:`report_doc` builds it as a :class:`~tradegame.classroom.html.Doc` (HTML with SVG charts,
or Markdown with tables); :func:`compare_doc` builds the side-by-side comparison of games of one
scenario.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tradegame.classroom.briefing import metric_value, objective_label
from tradegame.classroom.charts import BarChart, Chart, Series
from tradegame.classroom.html import Doc, t, t_from_markdown
from tradegame.classroom.pareto import DEFAULT_BUDGET, EPS, PairResult, Script, search
from tradegame.engine import Game
from tradegame.engine.actions import Term
from tradegame.engine.game import Deal, fmt_pct
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import score_breakdown
from tradegame.saves import LoadedGame

SECTIONS = (
    "The game",
    "Scores, BATNA and surplus",
    "Deals: who gave what",
    "Was a Pareto-better deal left on the table?",
    "Charts",
    "Timeline",
    "Debrief questions",
    "What really happened",
    "Sources of the figures",
)
COMPARE_SECTIONS = (
    "The games",
    "Scores, BATNA and surplus by team",
    "Joint welfare by team",
    "Deals by team",
    "Charts",
    "Debrief questions",
)

STATUS_TEXT = {
    "in_force": "in force at the end",
    "agreed": "agreed, awaiting ratification",
    "failed": "failed ratification",
    "reneged": "reneged",
    "superseded": "superseded by a later deal",
}


@dataclass(frozen=True)
class Metric:
    """One chart: a key of ``game.history`` and how to show it."""

    key: str
    title: str
    unit: str
    scale: float = 1.0
    decimals: int = 1
    y_range: tuple[float, float] | None = None
    caption: str = ""


METRICS = (
    Metric(
        "tariff_faced",
        "Average tariff faced",
        "%",
        100.0,
        1,
        None,
        "Each player's exports, weighted by 2024 trade: the all-in tariff its partners "
        "charge, at the start and at the end of each round.",
    ),
    Metric(
        "approval",
        "Approval",
        "points",
        1.0,
        1,
        (0.0, 100.0),
        "Each government's approval (0–100) at the start and at the end of each round.",
    ),
    Metric(
        "market_stress",
        "Market stress",
        "points",
        1.0,
        1,
        (0.0, 100.0),
        "Market stress (0–100) at the start and at the end of each round.",
    ),
    Metric(
        "gdp_pct",
        "GDP effect",
        "% of GDP a year",
        1.0,
        2,
        None,
        "The annual effect on GDP at the tariffs and terms in force at the start and at "
        "the end of each round.",
    ),
    Metric(
        "balance",
        "Trade balance",
        "$bn a year",
        1.0,
        1,
        None,
        "Each player's goods balance with the other players (exports − imports), annual "
        "rate at the start and at the end of each round.",
    ),
    Metric(
        "credibility",
        "Credibility",
        "points",
        1.0,
        1,
        (0.0, 100.0),
        "Each player's credibility (0–100) at the start and at the end of each round.",
    ),
)


# --------------------------------------------------------------------------- helpers


def pct1(x: float) -> str:
    return f"{x:.1f}"


def signed(x: float) -> str:
    return f"{x:+.1f}".replace("-", "−")


def points_text(x: float) -> str:
    text = f"{x:.1f}".rstrip("0").rstrip(".") if abs(x - round(x, 1)) < 1e-9 else f"{x:.2f}"
    return text.replace("-", "−")


def ordered_pair(rules: Rules, pair: tuple[str, str]) -> tuple[str, str]:
    a, b = pair
    ids = rules.player_ids
    return (a, b) if ids.index(a) <= ids.index(b) else (b, a)


def start_state(rules: Rules, seed: int) -> dict[str, Any]:
    """The values the charts show for the start of play (a fresh game of the same seed)."""
    game = Game.new(rules, seed)
    snap = game.snapshot()
    ids = rules.player_ids
    return {
        "round": 0,
        "day": game.day,
        "date": game.date_of(game.day),
        "approval": dict(game.approval),
        "credibility": dict(game.credibility),
        "market_stress": game.stress,
        "gdp_pct": {p: snap.gdp_pct[p] for p in ids},
        "balance": {p: game.balance(p, snap=snap) for p in ids},
        "tariff_faced": {p: game.tariff_faced_now(p, snap) for p in ids},
    }


def chart_points(game: Game) -> list[dict[str, Any]]:
    """The start of play, then ``game.history`` (one record per resolved round)."""
    return [start_state(game.rules, game.seed), *game.history]


def metric_chart(game: Game, metric: Metric, chart_id: str | None = None) -> Chart:
    rules = game.rules
    records = chart_points(game)
    series: tuple[Series, ...]
    if metric.key == "market_stress":
        series = (
            Series("Market stress", tuple((r["day"], float(r["market_stress"])) for r in records)),
        )
    else:
        series = tuple(
            Series(p, tuple((r["day"], float(r[metric.key][p])) for r in records))
            for p in rules.player_ids
        )
    return Chart(
        id=chart_id or metric.key,
        title=metric.title,
        unit=metric.unit,
        series=series,
        window_start=rules.calendar.window_start,
        scale=metric.scale,
        decimals=metric.decimals,
        markers=deadline_markers(game),
        y_range=metric.y_range,
        caption=metric.caption,
    )


def deadline_markers(game: Game) -> tuple[tuple[int, str], ...]:
    c = game.rules.calendar
    marks = [(c.deadline_day, "deadline")]
    if game.deadline_day != c.deadline_day:
        marks.append((game.deadline_day, "extended deadline"))
    return tuple(marks)


def seat_text(seat: str) -> str:
    return "human" if seat == "human" else f"agent: {seat}"


def term_amount(rules: Rules, term: Term) -> str:
    from tradegame.classroom.briefing import amount_text

    return amount_text(rules, rules.item(term.item), term.value)


def _deal_label(game: Game, deal: Deal) -> str:
    a, b = ordered_pair(game.rules, deal.parties)
    return f"{deal.id}: {a}–{b}, round {deal.round}"


def _terms_by_giver(
    rules: Rules,
    terms: Sequence[Term],
    parties: tuple[str, str],
) -> list[list[str]]:
    rows = []
    for giver in ordered_pair(rules, parties):
        receiver = parties[1] if parties[0] == giver else parties[0]
        for term in terms:
            item = rules.item(term.item)
            if item.owner != giver:
                continue
            lv = item.level(term.value)
            rows.append(
                [
                    t(giver),
                    t(item.name) + f" (`{t(item.id)}`)",
                    t(term_amount(rules, term)),
                    points_text(lv.cost) if lv else "?",
                    t(receiver),
                    points_text(lv.gain) if lv else "?",
                ]
            )
    return rows


TERM_HEADERS = [
    "Gives",
    "Term",
    "Level",
    "Political cost to the giver",
    "To",
    "Political gain to the receiver",
]
TERM_NUMERIC = [False, False, False, True, False, True]


def _terms_sentence(rules: Rules, terms: Sequence[Term], parties: tuple[str, str]) -> str:
    parts = []
    for giver in ordered_pair(rules, parties):
        mine = [
            f"{rules.item(x.item).name} {term_amount(rules, x)}"
            for x in terms
            if rules.item(x.item).owner == giver
        ]
        if mine:
            parts.append(f"{giver} gives " + "; ".join(mine))
    return " — ".join(parts)


# --------------------------------------------------------------------------- the report


def report_doc(
    loaded: LoadedGame,
    *,
    source: str | None = None,
    search_budget: int = DEFAULT_BUDGET,
    searches: list[PairResult] | None = None,
) -> Doc:
    """The debrief report of a loaded save (``search_budget`` 0 skips the Pareto search)."""
    game, rules = loaded.game, loaded.rules
    source = source or loaded.meta.path
    doc = Doc(f"Debrief: {rules.title}")
    _game_section(doc, loaded, source)
    _scores_section(doc, game, loaded.seats)
    _deals_section(doc, game)
    if searches is None and search_budget > 0:
        script = Script(rules, game.seed, game.actions)
        searches = search(script, budget=search_budget)
    _pareto_section(doc, game, searches, search_budget)
    _charts_section(doc, game)
    _timeline_section(doc, game)
    _debrief_section(doc, rules)
    _history_section(doc, rules)
    _sources_section(doc, loaded.scenario_text)
    return doc


def _history_section(doc: Doc, rules: Rules) -> None:
    """The real outcome, kept out of the students' handouts (``--no-hindsight``)."""
    from tradegame.classroom.student import student_rules

    doc.h(2, SECTIONS[7], "history")
    taken = student_rules(rules)[1]
    if taken:
        doc.p(
            "What the scenario says about how the real negotiation went on and ended; the "
            "students' handouts leave it out (unless `briefing --hindsight`):"
        )
        doc.bullets(t_from_markdown(x) for x in taken)
    else:
        doc.p("The scenario does not tell how the real negotiation ended.")


def _sources_section(doc: Doc, scenario_text: str) -> None:
    """The data-sheet sections the scenario's figures cite (docs/sources.md)."""
    from tradegame.classroom.sources import SourcesMissing, cited_sections

    doc.h(2, SECTIONS[8], "sources")
    try:
        found, missing = cited_sections(scenario_text)
    except SourcesMissing as exc:
        doc.p(t(str(exc)))
        return
    if not found and not missing:
        doc.p("The scenario cites no row of the data sheet.")
        return
    doc.p(
        "Each figure of the scenario cites a row of the data sheet (docs/sources.md; "
        "`tradegame sources SECTION` prints one section): a note `facts §1b 22 Jul ✅` is "
        "the row dated 22 Jul in section 1b, with its publisher and the page's date. The "
        "sections this scenario cites:"
    )
    if missing:
        doc.p(t(f"Cited but not in the data sheet: {', '.join(missing)}."))
    for section in found:
        doc.h(3, f"§{section.id}. {section.title}", f"source-{section.id}")
        doc.md(section.body, shift=3)


def _game_section(doc: Doc, loaded: LoadedGame, source: str) -> None:
    game, rules = loaded.game, loaded.rules
    doc.h(2, SECTIONS[0], "game")
    c = rules.calendar
    state = "over" if game.is_over() else f"in progress (round {game.round})"
    last = game.history[-1]["date"] if game.history else game.date_of(game.day)
    items = [
        f"**Scenario:** {t(rules.title)} (`{t(rules.id)}`)",
        f"**Save file:** {t(os.path.basename(source))}",
        f"**Seed:** {game.seed}",
        "**Played:** "
        + t(
            f"{game.date_of(c.start_day)} to {last}: {len(game.history)} "
            f"round(s) resolved, {len(game.actions)} moves; the game is {state}"
        ),
        "**Deadline:** "
        + t(
            game.date_of(game.deadline_day)
            + (
                f" (extended by {game.extension_days} days from {game.date_of(c.deadline_day)})"
                if game.extension_days
                else ""
            )
        ),
    ]
    if game.precedent is not None:
        items.append(
            "**Precedent:** "
            + t(f"a {fmt_pct(game.precedent)} tariff ceiling, set by the first capped deal")
        )
    doc.bullets(items)
    doc.table(
        ["Player", "Name", "Seat"],
        [[t(p.id), t(p.name), t(seat_text(loaded.seats.get(p.id, "?")))] for p in rules.players],
    )
    if not game.is_over():
        doc.p("*The game is not over: scores are projected as if things stayed as they are now.*")


def _scores_section(doc: Doc, game: Game, seats: dict[str, str]) -> None:
    rules = game.rules
    doc.h(2, SECTIONS[1], "scores")
    scores, batna = game.scores(), game.batna()
    rows = []
    for p in rules.player_ids:
        rows.append(
            [
                t(f"{rules.player(p).name} ({p})"),
                t(seat_text(seats.get(p, "?"))),
                pct1(scores[p]),
                pct1(batna[p]),
                signed(scores[p] - batna[p]),
            ]
        )
    joint = sum(scores[p] - batna[p] for p in rules.player_ids)
    rows.append(["**Joint welfare** (sum of surpluses)", "", "", "", f"**{signed(joint)}**"])
    doc.table(
        ["Player", "Seat", "Score", "BATNA", "Surplus"], rows, [False, False, True, True, True]
    )
    doc.p(
        "Scores run from 0 to 100. The BATNA is the score each player would have had if "
        "nobody had agreed to anything (everyone passing, same seed); the surplus is score − "
        "BATNA. Joint welfare above zero means the players together did better than no "
        "agreement at all."
    )
    doc.h(3, "How each score was made", "score-breakdown")
    # One rule, engine.scoring.over_window: said here so the table and the charts reconcile.
    days, ahead = game.ledger.days, rules.calendar.projection_days
    to_play = 0 if game.is_over() else max(0, game.final_day + 1 - game.day)
    if ahead or to_play:
        after = f"the {ahead} days after the game" if ahead else "no day after the game"
        if to_play:
            after = f"the {to_play} days still to play and {after}"
        doc.p(
            f"A result that builds up over time (tariffs faced, trade balances, GDP effect, "
            f"investment and purchases received, approval, credibility, relations) is its "
            f"average over the {days} days played and {after}, at the state the game "
            f"{'ended' if game.is_over() else 'stands'} in (the charts' last point; approval "
            f"and relations at the level they settle to). So that state weighs "
            f"{(ahead + to_play) / max(days, 1):.1f} times as much as all the days played "
            f"before it, a deadline's snap-back included; market stress and the deals counted "
            f"are taken at the end."
        )
    for p in rules.player_ids:
        rows = []
        for part, obj in zip(score_breakdown(game, p), rules.player(p).objectives, strict=True):
            rows.append(
                [
                    t(objective_label(obj)),
                    t(metric_value(obj, part["value"], False)),
                    t(metric_value(obj, part["best"])),
                    t(metric_value(obj, part["worst"])),
                    f"{part['weight'] * 100:.0f}%",
                    f"{part['points']:.1f}",
                ]
            )
        doc.table(
            ["Objective", "Result", "Full marks at", "No marks at", "Weight", "Points"],
            rows,
            [False, True, True, True, True, True],
            caption=t(f"{rules.player(p).name} ({p}): {scores[p]:.1f} points"),
        )


def _deals_section(doc: Doc, game: Game) -> None:
    rules = game.rules
    doc.h(2, SECTIONS[2], "deals")
    talks = [d for d in game.deals if not d.unilateral]
    gifts = [d for d in game.deals if d.unilateral]
    if not talks and not gifts:
        doc.p("No deal was agreed and nobody made a concession.")
        return
    if not talks:
        doc.p("No deal was agreed in talks.")
    for d in talks:
        a, b = ordered_pair(rules, d.parties)
        status = STATUS_TEXT.get(d.status, d.status)
        if d.status == "failed" and d.ended_by:
            ratifier = rules.player(d.ended_by).ratification
            body = ratifier.body if ratifier else d.ended_by
            status = f"failed ratification in {d.ended_by} ({body})"
        elif d.status == "reneged" and d.ended_by:
            status = f"reneged by {d.ended_by} in round {d.ended_round}"
        elif d.status == "superseded":
            status = "replaced by a later deal between the same players"
        doc.h(3, _deal_label(game, d), f"deal-{d.id}")
        date = game.date_of(
            game.rules.calendar.start_day + (d.round - 1) * rules.calendar.round_days
        )
        net = {p: game.political_cost(d, p) for p in (a, b)}
        doc.p(t(f"Agreed in {d.level} talks in the week of {date}; {status}."))
        doc.table(TERM_HEADERS, _terms_by_giver(rules, d.terms, d.parties), TERM_NUMERIC)
        net_text = "; ".join(
            f"{p} {points_text(v)}" + (" (a net gain)" if v < 0 else "") for p, v in net.items()
        )
        doc.p(
            t(f"Net political cost (cost of what it gives − gain of what it receives): {net_text}.")
        )
    if gifts:
        doc.h(3, "Unilateral concessions", "concessions")
        rows = []
        for d in gifts:
            term = d.terms[0]
            item = rules.item(term.item)
            lv = item.level(term.value)
            status = STATUS_TEXT.get(d.status, d.status)
            if d.status == "reneged":
                status = f"withdrawn in round {d.ended_round}"
            elif d.status == "superseded":
                status = "replaced by a new level"
            rows.append(
                [
                    t(d.id),
                    str(d.round),
                    t(f"{d.parties[0]} → {d.parties[1]}"),
                    t(item.name),
                    t(term_amount(rules, term)),
                    points_text(lv.cost) if lv else "?",
                    points_text(lv.gain) if lv else "?",
                    t(status),
                ]
            )
        doc.table(
            [
                "Id",
                "Round",
                "Given",
                "Concession",
                "Level",
                "Cost to the giver",
                "Gain to the receiver",
                "What became of it",
            ],
            rows,
            [False, True, False, False, False, True, True, False],
        )


def _pareto_section(doc: Doc, game: Game, searches: list[PairResult] | None, budget: int) -> None:
    rules = game.rules
    doc.h(2, SECTIONS[3], "pareto")
    if not searches:
        doc.p(
            "The search was not run (search budget 0)."
            if budget <= 0
            else "No pair of players has anything to offer each other."
        )
        return
    doc.p(
        "For each pair of players, candidate deals built from their catalogue were put in "
        "place of what they agreed at their last deal's talks (or, if they agreed nothing, "
        "at their first talks): one side proposes the candidate, the other accepts, it "
        "faces ratification, and the rest of the game is replayed with everyone's recorded "
        "moves (a move that is no longer legal is dropped). A deal is *Pareto-better* if "
        "neither of the two ends up with a lower score than in the game and their joint "
        f"surplus rises by more than {EPS} points. Search budget: {budget} candidate deals "
        f"per pair."
    )
    if not game.is_over():
        doc.p(
            "*The game is not over: here it is compared as if it were finished with everyone "
            "passing from now on.*"
        )
    for r in searches:
        a, b = ordered_pair(rules, r.pair)
        doc.h(3, f"{a} and {b}", f"pareto-{a.lower()}-{b.lower()}")
        if r.note:
            doc.p(t(r.note))
            continue
        if r.anchor_deal is not None:
            status = STATUS_TEXT.get(r.anchor_deal.status, r.anchor_deal.status)
            where = (
                f"their last deal, {r.anchor_deal.id} (round {r.anchor_round}, "
                f"{r.anchor_date}; {status})"
            )
        else:
            where = (
                f"their first talks (round {r.anchor_round}, {r.anchor_date}), since "
                f"they agreed no deal"
            )
        method = (
            f"all {r.space} possible deals"
            if r.method == "exhaustive"
            else f"{r.evaluated} of {r.space:,} possible deals by {r.method}"
        )
        doc.p(t(f"Candidates replace {where}. Searched {method} in {r.seconds:.1f} s."))
        if r.reproduces is False:
            doc.p(
                "**Warning:** replaying the actual deal did not reproduce the game's "
                "scores; treat these results with care."
            )
        actual = r.actual_scores
        found = r.gain()
        if r.best is not None and r.best.scores is not None and found is not None:
            s = r.best.scores
            gain, parts = found[0], dict(zip(r.pair, found[1:], strict=True))
            share = {p: (parts[p] / gain if gain > 0 else 0.0) for p in (a, b)}
            one_sided = [p for p in (a, b) if parts[p] < EPS]
            doc.p(
                t(
                    f"Yes: a deal was found that leaves neither {a} nor {b} worse off and "
                    f"raises their joint surplus by {gain:.1f} points: {a} gains "
                    f"{parts[a]:.1f} ({share[a]:.0%} of it), {b} {parts[b]:.1f} "
                    f"({share[b]:.0%})."
                    + (
                        f" The whole gain goes to {(set((a, b)) - set(one_sided)).pop()}; "
                        f"{one_sided[0]} is only not worse off."
                        if len(one_sided) == 1
                        else ""
                    )
                    + " The deal (terms that change nobody's score left out):"
                )
            )
            doc.table(TERM_HEADERS, _terms_by_giver(rules, r.best.terms, (a, b)), TERM_NUMERIC)
            rows = []
            for p in rules.player_ids:
                rows.append(
                    [
                        t(p) + ("" if p in (a, b) else " (third party)"),
                        pct1(actual[p]),
                        pct1(s[p]),
                        signed(s[p] - actual[p]),
                        signed(s[p] - r.batna[p]),
                    ]
                )
            doc.table(
                [
                    "Player",
                    "Score in the game",
                    "Score with this deal",
                    "Change",
                    "Surplus with this deal",
                ],
                rows,
                [False, True, True, True, True],
            )
            if r.best.adjusted:
                doc.p(
                    t(
                        f"{r.best.adjusted} recorded move(s) were no longer legal after this "
                        f"deal and were dropped."
                    ),
                    css="muted",
                )
        elif r.conclusive:
            doc.p(
                t(
                    f"No: none of the {r.space} possible deals leaves neither {a} nor {b} "
                    f"worse off and raises their joint surplus."
                )
            )
        else:
            doc.p(
                t(
                    f"None found within the budget: none of the {r.evaluated} deals "
                    f"evaluated (of {r.space:,} possible) leaves neither {a} nor {b} worse "
                    f"off and raises their joint surplus; a larger --search-budget may find "
                    f"one."
                )
            )
            best = r.best_joint
            if best is not None and best.scores is not None:
                s = best.scores
                doc.p(
                    t(
                        f"The candidate with the highest joint surplus — "
                        f"{_terms_sentence(rules, best.terms, (a, b))} — gives {a} "
                        f"{s[a]:.1f} (in the game {actual[a]:.1f}) and {b} {s[b]:.1f} "
                        f"(in the game {actual[b]:.1f})."
                    )
                )


def _charts_section(doc: Doc, game: Game) -> None:
    doc.h(2, SECTIONS[4], "charts")
    doc.p(
        t(
            f"Real data from this game: the state at the start of play "
            f"({game.date_of(game.rules.calendar.start_day)}), then at the end of each "
            f"resolved round."
        )
    )
    for m in METRICS:
        doc.h(3, m.title, f"chart-{m.key}")
        doc.chart(metric_chart(game, m))


def _timeline_section(doc: Doc, game: Game) -> None:
    rules = game.rules
    doc.h(2, SECTIONS[5], "timeline")
    doc.p(
        "Everything that happened, including what was said in private talks (marked with "
        "who could see it). Moves are in the game's notation."
    )
    moves: dict[int, list[str]] = {}
    replay = Game.new(rules, game.seed)
    for action in game.actions:
        moves.setdefault(replay.round, []).append(str(action))
        replay.apply(action)
    rounds = sorted({e.round for e in game.log} | set(moves))
    for r in rounds:
        entries = [e for e in game.log if e.round == r]
        start = next(
            (e.day for e in entries if e.phase != "end"),
            rules.calendar.start_day + (r - 1) * rules.calendar.round_days,
        )
        end = start + rules.calendar.round_days - 1
        doc.h(3, f"Round {r}: {game.date_of(start)} to {game.date_of(end)}", f"round-{r}")
        items = []
        for e in entries:
            private = (
                f" *(private: {t(', '.join(sorted(e.audience)))})*"
                if e.audience is not None
                else ""
            )
            items.append(f"**{t(e.phase)}** — {t(e.text)}{private}")
        doc.bullets(items)
        if moves.get(r):
            doc.p("Moves: " + "; ".join(f"`{m}`" for m in moves[r]), css="muted")


def _debrief_section(doc: Doc, rules: Rules) -> None:
    doc.h(2, SECTIONS[6], "debrief")
    if rules.debrief:
        doc.bullets((t(q) for q in rules.debrief), ordered=True)
    else:
        doc.p("The scenario has no debrief questions.")


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Team:
    name: str
    loaded: LoadedGame
    scored: bool = True
    """Whether the game's outcome is compared (a game not finished is listed, not scored,
    unless ``--include-unfinished``)."""

    @property
    def label(self) -> str:
        """The file's team name and the roster's team name, if they differ."""
        team = self.loaded.team
        if team and team.get("name") and team["name"] != self.name:
            return f"{self.name} ({team['name']})"
        return self.name


def team_name(path: str) -> str:
    base = os.path.basename(path)
    return base.removesuffix(".json")


def compare_doc(teams: Sequence[Team]) -> Doc:
    """Several games of one scenario side by side (status, scores, deals, welfare, charts).
    Every game is listed with its status; only the scored ones enter the other sections."""
    from tradegame.classroom.grades import game_status
    from tradegame.classroom.roster import students_of

    rules = teams[0].loaded.rules
    doc = Doc(f"Parallel worlds: {rules.title}")
    doc.h(2, COMPARE_SECTIONS[0], "games")
    rows = []
    for team in teams:
        g = team.loaded.game
        live = [d for d in g.deals_in_force() if not d.unilateral]
        status = game_status(g)
        rows.append(
            [
                t(team.label),
                t(students_of(team.loaded.team)),
                str(g.seed),
                t(", ".join(f"{p}={s}" for p, s in team.loaded.seats.items())),
                f"**{status}**" if status != "finished" else status,
                f"{len(g.history)} of {g.rounds_total()}",
                str(len(live)),
                "yes" if team.scored else "**no**",
            ]
        )
    doc.table(
        [
            "Team",
            "Students",
            "Seed",
            "Seats",
            "Status",
            "Rounds played",
            "Deals in force",
            "Scored",
        ],
        rows,
        [False, False, True, False, False, True, True, False],
    )
    left_out = [team for team in teams if not team.scored]
    if left_out:
        doc.p(
            t(
                f"Not scored (not finished): {', '.join(x.name for x in left_out)}. "
                f"Give --include-unfinished to score them as they stand."
            )
        )
    teams = [team for team in teams if team.scored]
    if any(not team.loaded.game.is_over() for team in teams):
        doc.p("*Games not finished are scored as if things stayed as they are now.*")

    doc.h(2, COMPARE_SECTIONS[1], "scores")
    rows = []
    per_player: dict[str, list[tuple[float, float]]] = {p: [] for p in rules.player_ids}
    results = {team.name: (team.loaded.game.scores(), team.loaded.game.batna()) for team in teams}
    for team in teams:
        scores, batna = results[team.name]
        for p in rules.player_ids:
            per_player[p].append((scores[p], scores[p] - batna[p]))
    for team in teams:
        scores, batna = results[team.name]
        for p in rules.player_ids:
            surplus = scores[p] - batna[p]
            others = [x for _, x in per_player[p]]
            rank = 1 + sum(1 for x in others if round(x, 2) > round(surplus, 2))
            seat = team.loaded.seats.get(p, "?")
            rows.append(
                [
                    t(team.name),
                    t(p),
                    t(students_of(team.loaded.team, p) if seat == "human" else ""),
                    t(seat_text(team.loaded.seats.get(p, "?"))),
                    pct1(scores[p]),
                    pct1(batna[p]),
                    signed(surplus),
                    f"{rank} of {len(others)}",
                ]
            )
    doc.table(
        [
            "Team",
            "Player",
            "Students",
            "Seat",
            "Score",
            "BATNA",
            "Surplus",
            "Rank in role (by surplus)",
        ],
        rows,
        [False, False, False, False, True, True, True, True],
    )
    rows = []
    for p in rules.player_ids:
        vals = per_player[p]
        n = len(vals)
        rows.append(
            [
                t(p),
                pct1(sum(s for s, _ in vals) / n),
                signed(sum(x for _, x in vals) / n),
                signed(min(x for _, x in vals)),
                signed(max(x for _, x in vals)),
            ]
        )
    doc.table(
        ["Player", "Mean score", "Mean surplus", "Lowest surplus", "Highest surplus"],
        rows,
        [False, True, True, True, True],
        caption=(
            "The one game scored" if len(teams) == 1 else f"Across the {len(teams)} games scored"
        ),
    )

    doc.h(2, COMPARE_SECTIONS[2], "welfare")
    rows = []
    for team in teams:
        scores, batna = results[team.name]
        joint = sum(scores[p] - batna[p] for p in rules.player_ids)
        best = max(rules.player_ids, key=lambda p: scores[p] - batna[p])
        rows.append(
            [
                t(team.name),
                f"**{signed(joint)}**",
                t(f"{best} ({signed(scores[best] - batna[best])})"),
            ]
        )
    doc.table(
        ["Team", "Joint welfare (sum of surpluses)", "Largest surplus"], rows, [False, True, False]
    )

    doc.h(2, COMPARE_SECTIONS[3], "deals")
    for team in teams:
        g = team.loaded.game
        talks = [d for d in g.deals if not d.unilateral]
        doc.h(3, team.name, f"deals-{team.name}")
        if not talks:
            doc.p("No deal was agreed.")
        else:
            rows = []
            for d in talks:
                a, b = ordered_pair(rules, d.parties)
                rows.append(
                    [
                        t(d.id),
                        str(d.round),
                        t(f"{a}–{b}"),
                        t(STATUS_TEXT.get(d.status, d.status)),
                        t(_terms_sentence(rules, d.terms, d.parties)),
                    ]
                )
            doc.table(
                ["Deal", "Round", "Between", "Status", "Terms"],
                rows,
                [False, True, False, False, False],
            )
        gifts = [d for d in g.deals if d.unilateral]
        if gifts:
            doc.p(
                t(
                    f"Unilateral concessions: {len(gifts)} "
                    f"({sum(1 for d in gifts if d.status == 'in_force')} in force at the end)."
                )
            )

    doc.h(2, COMPARE_SECTIONS[4], "charts")
    names = tuple(team.name for team in teams)
    roles = tuple(rules.player_ids)
    doc.h(3, "Score by team and role", "chart-scores")
    doc.chart(
        BarChart(
            "compare-score",
            "Score",
            "points",
            names,
            roles,
            tuple(tuple(results[n][0][p] for p in roles) for n in names),
            caption="Each team's final score per role (0–100; the axis is scaled "
            "to the scores shown). Scores of different roles are not "
            "comparable: each role has its own objectives.",
        )
    )
    doc.h(3, "Surplus by team and role", "chart-surplus")
    doc.chart(
        BarChart(
            "compare-surplus",
            "Surplus over BATNA",
            "points",
            names,
            roles,
            tuple(tuple(results[n][0][p] - results[n][1][p] for p in roles) for n in names),
            caption="Score minus BATNA (what the role would have scored with no "
            "agreement): above 0, the negotiation paid.",
        )
    )
    _debrief_section_compare(doc, rules)
    return doc


def _debrief_section_compare(doc: Doc, rules: Rules) -> None:
    doc.h(2, COMPARE_SECTIONS[5], "debrief")
    if rules.debrief:
        doc.bullets((t(q) for q in rules.debrief), ordered=True)
    else:
        doc.p("The scenario has no debrief questions.")


__all__ = [
    "COMPARE_SECTIONS",
    "METRICS",
    "SECTIONS",
    "Team",
    "chart_points",
    "compare_doc",
    "metric_chart",
    "ordered_pair",
    "report_doc",
    "start_state",
    "team_name",
]
