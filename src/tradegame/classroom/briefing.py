"""Printable role briefings (DESIGN §1 teacher, §3.7 information, §4 scenario briefings).

:func:`briefing_doc` builds the handout of one role from the scenario's rules: the situation,
the calendar, the role's public and confidential briefings, its objectives in plain words, its
win-set rule if it ratifies, its instruments (tariffs, countermeasures, what it can offer with
its own political costs, what others can offer it with its own gains), and the public facts
(the other players' public briefings and public instruments, the tariff schedule and the
effective rates at the start, trade flows, relations, public claims).

Only the role's own private data is used: another player's confidential briefing, objectives,
win-set or political costs never appear (a test changes them and checks the handout does not
change). ``public_only`` leaves out the role's own private data too — a handout for observers.
"""

from __future__ import annotations

import datetime as dt

from tradegame.classroom.html import Doc, t, t_from_markdown
from tradegame.engine import economy as eco
from tradegame.engine.actions import Term, fmt_number
from tradegame.engine.game import fmt_pct, term_text
from tradegame.engine.rules import Item, Objective, Player, Rules
from tradegame.engine.text import level_text

KIND_NAMES = {
    "tariff_cap": "tariff ceiling",
    "tariff_cut": "tariff cut",
    "quota": "tariff-rate quota",
    "purchase": "purchase commitment",
    "investment": "investment pledge",
    "cost_sharing": "cost sharing",
    "regulatory": "regulatory change",
    "currency": "currency accord",
    "debt_swap": "debt swap",
    "suspend_countermeasures": "suspend countermeasures",
    "deadline_extension": "deadline extension",
    "process": "process agreement",
}

STATEMENTS = (
    (
        "claim_progress",
        (
            "claim progress in talks with a partner: approval for a while, credibility "
            "lost if no deal with real terms follows (within a few rounds, or by the end)"
        ),
    ),
    (
        "public_demand",
        (
            "publicly demand a term from a partner: approval for a while, a cost if you "
            "settle for less or the game ends without it"
        ),
    ),
    (
        "threat",
        (
            "threaten a partner with one of your tariffs or countermeasures: credibility "
            "is lost if the trigger comes and you do not act (the last round counts)"
        ),
    ),
    ("reassure", "reassure a partner: better relations for a while"),
    (
        "fact_check",
        (
            "rebut a partner's public claim: costs the partner credibility if the "
            "claim is false, costs you if it is true"
        ),
    ),
)


SECTOR_COLUMNS = 4


def date_of(rules: Rules, day: int) -> str:
    start = dt.date.fromisoformat(rules.calendar.window_start)
    return (start + dt.timedelta(days=day)).isoformat()


def amount_text(rules: Rules, item: Item, value: float) -> str:
    """A level in words, as the game writes it (``15%``, ``$550bn``, ``$8bn/yr``, ``7 days``)."""
    if item.kind == "regulatory":
        # The engine's log writes a regulatory level as a bare number ("… [JP] 2"); the
        # handout says what it does, in the game screen's words.
        return level_text(item.kind, value, item.export_boost if item.sector else None)
    text = term_text(rules, Term(item.id, value))
    prefix = f"{item.name} [{item.owner}] "
    return text[len(prefix) :] if text.startswith(prefix) else fmt_number(value)


def _sectors_text(
    rules: Rules, sectors: frozenset[str] | None, except_sectors: frozenset[str] = frozenset()
) -> str:
    names = {s.id: s.name for s in rules.sectors}
    if sectors is None:
        text = "all goods"
        if except_sectors:
            text += " except " + ", ".join(names.get(s, s) for s in sorted(except_sectors))
        return text
    return ", ".join(names.get(s, s) for s in sorted(sectors))


def _who(rules: Rules, pid: str) -> str:
    return (
        "everyone" if pid == "all" else rules.player(pid).name if pid in rules.player_ids else pid
    )


# --------------------------------------------------------------------------- objectives


def metric_value(o: Objective, value: float, exact: bool = True) -> str:
    """A metric value in words; ``exact`` False rounds it for a results table."""
    m = o.metric

    def num(x: float, decimals: int) -> str:
        return fmt_number(x) if exact else f"{x:,.{decimals}f}"

    if m == "tariff_faced":
        return fmt_pct(value) if exact else f"{value * 100:.1f}%"
    if m == "gdp_effect":
        return f"{'−' if value < 0 else ''}{num(abs(value), 2)}% of GDP"
    if m in (
        "trade_balance",
        "tariff_revenue",
        "consumer_cost",
        "investment_received",
        "purchases_received",
        "cost_sharing_received",
    ):
        sign = "−" if value < 0 else ""
        return f"{sign}${num(abs(value), 1)}bn a year"
    if m == "political_cost":
        return f"{num(value, 1)} political points"
    if m == "deals":
        n = fmt_number(value)
        return f"{n} deal" + ("" if value == 1 else "s")
    return f"{num(value, 1)} / 100"


METRIC_TITLES = {
    "tariff_faced": "Tariff faced",
    "gdp_effect": "GDP effect",
    "trade_balance": "Trade balance",
    "tariff_revenue": "Tariff revenue",
    "consumer_cost": "Consumer cost",
    "investment_received": "Investment received",
    "purchases_received": "Purchases received",
    "cost_sharing_received": "Cost sharing received",
    "political_cost": "Political cost",
    "approval": "Approval",
    "credibility": "Credibility",
    "relations": "Relations",
    "market_stress": "Market stress",
    "deals": "Deals",
}


def objective_label(o: Objective) -> str:
    """The scenario's label, or a readable name when the scenario gave none."""
    default = o.metric.replace("_", " ")
    if o.label.startswith(default):
        return METRIC_TITLES.get(o.metric, default.capitalize()) + o.label[len(default) :]
    return o.label


def objective_plain(rules: Rules, o: Objective) -> str:
    """What an objective measures, in words."""
    partner = rules.player(o.partner).name if o.partner in rules.player_ids else o.partner
    sector = next((s.name for s in rules.sectors if s.id == o.sector), o.sector)
    m = o.metric
    if m == "tariff_faced":
        what = f"{sector.lower()} exports" if sector else "exports"
        to = f" to {partner}" if partner else ""
        return (
            f"the average tariff on your {what}{to} (trade-weighted), over the game and "
            f"the year after"
        )
    texts = {
        "gdp_effect": "the effect of the trade war on your GDP (% a year)",
        "trade_balance": "your goods trade balance"
        + (f" with {partner}" if partner else "")
        + " (exports − imports)",
        "tariff_revenue": "the tariff revenue you collect",
        "consumer_cost": "what tariffs cost your consumers",
        "investment_received": "investment pledged to you (a year's share, discounted by the "
        "pledger's credibility)",
        "purchases_received": "purchases committed to you (discounted by the buyer's credibility)",
        "cost_sharing_received": "cost sharing paid to you (e.g. host-nation support)",
        "political_cost": "the political cost of the deals you are in",
        "approval": "your government's approval at the end",
        "credibility": "your credibility at the end",
        "relations": f"your relations with {partner} at the end",
        "market_stress": "market stress at the end",
        "deals": "deals concluded" + (f" with {partner}" if partner else "") + " and in force",
    }
    return texts.get(m, m.replace("_", " "))


def objectives_table(doc: Doc, rules: Rules, player: Player) -> None:
    rows = []
    for o in player.objectives:
        better = "lower is better" if o.best < o.worst else "higher is better"
        rows.append(
            [
                t(objective_label(o)),
                t(objective_plain(rules, o)),
                f"{o.weight * 100:.0f}%",
                t(f"{metric_value(o, o.best)} or {'less' if o.best < o.worst else 'more'}"),
                t(f"{metric_value(o, o.worst)} or {'more' if o.best < o.worst else 'less'}"),
                better,
            ]
        )
    doc.table(
        ["Objective", "What it measures", "Weight", "Full marks at", "No marks at", "Direction"],
        rows,
        [False, False, True, False, False, False],
    )
    doc.p(
        "Your score (0–100) is the weighted sum of these objectives, each scored in a "
        "straight line between *no marks* and *full marks*. Economic objectives are averaged "
        "over the game and the year after it, so a deal's long-run effects count. Every "
        "result is compared with your **BATNA** — your score if nobody agrees to anything — "
        "and the difference is your **surplus**."
    )


# --------------------------------------------------------------------------- sections


def _calendar(doc: Doc, rules: Rules) -> None:
    c = rules.calendar
    rounds = rules.base_round_count()
    final = c.deadline_day + c.after_deadline_days
    rows = [
        ["Day 0", t(date_of(rules, 0)), "the window opens"],
        ["First round", t(date_of(rules, c.start_day)), f"day {c.start_day}; play begins"],
        ["Round length", f"{c.round_days} days", f"{rounds} rounds in all"],
        [
            "Deadline",
            t(date_of(rules, c.deadline_day)),
            (
                f"day {c.deadline_day}: paused tariffs snap back for every partner without a "
                f"deal that caps them"
            ),
        ],
        [
            "Last day of play",
            t(date_of(rules, final)),
            f"{c.after_deadline_days} days after the deadline"
            if c.after_deadline_days
            else "the game ends with the deadline's round",
        ],
    ]
    if rules.deadline_holder and c.max_extension_days:
        holder = rules.player(rules.deadline_holder).name
        latest = date_of(rules, c.deadline_day + c.max_extension_days)
        rows.append(
            [
                "Extension",
                t(f"up to {latest}"),
                t(
                    f"{holder} holds the deadline and may extend it by up to "
                    f"{c.max_extension_days} days, in steps of {c.extension_step_days}, "
                    f"at a credibility cost"
                ),
            ]
        )
    rows.append(
        [
            "Scoring horizon",
            f"{c.projection_days} days more",
            "final scores project the economy this far past the end",
        ]
    )
    if c.end_when_settled:
        rows.append(
            [
                "Early end",
                "",
                ("the game ends early when every negotiating pair has a deal in force"),
            ]
        )
    doc.table(["When", "Date", "What happens"], rows)
    lines = []
    for st in rules.scheduled_talks:
        a, b = (rules.player(x).name for x in st.pair)
        start = c.start_day + (st.round - 1) * c.round_days
        lines.append(
            t(f"Round {st.round} ({date_of(rules, start)}): {st.level} talks between {a} and {b}.")
        )
    if lines:
        doc.p("**Scheduled talks**")
        doc.bullets(lines)
    lim = rules.limits
    doc.p("**How a round works**")
    levels = ", ".join(f"{name} {lv.max_exchanges}" for name, lv in rules.talk_levels)
    rules_lines = [
        (
            "Each round: **news**, then **talks** (bilateral sessions: propose or pass; then "
            "accept, reject or counter), then **orders** (secret until the round resolves), then "
            "**resolution** (orders apply at once, deals face ratification, the economy moves)."
        ),
        (
            f"At most {lim.max_orders} orders a round; at most {lim.max_terms} terms in a deal; "
            f"tariffs move in steps of {fmt_pct(lim.tariff_step)}."
        ),
    ]
    if levels:
        rules_lines.append(t(f"Exchanges allowed per session by level of talks: {levels}."))
    if rules.talk_capacity_holder and rules.talk_capacity is not None:
        holder = rules.player(rules.talk_capacity_holder).name
        rules_lines.append(
            t(f"{holder} can hold at most {rules.talk_capacity} talks session(s) a round.")
        )
    if rules.precedent_setter:
        setter = rules.player(rules.precedent_setter).name
        rules_lines.append(
            t(
                f"The first tariff ceiling {setter} agrees sets the precedent: a "
                f"later partner who settles for a worse ceiling loses approval, "
                f"one who does better gains it."
            )
        )
    doc.bullets(rules_lines)


def _layer_status(rules: Rules, la: object) -> str:
    from tradegame.engine.rules import Layer

    assert isinstance(la, Layer)
    c = rules.calendar
    if la.status == "paused":
        return f"paused until the deadline ({date_of(rules, c.deadline_day)}), then snaps back"
    if la.status == "inactive":
        return "not in force (may be imposed later)"
    if la.from_day is not None and la.from_day > c.start_day:
        return f"from {date_of(rules, la.from_day)}"
    return "in force"


def _start_rates(rules: Rules) -> list[float]:
    """Effective tariffs at the start of play (layers as they stand, no deals)."""
    c = rules.calendar
    status = {
        la.id: (
            "inactive"
            if la.from_day is not None and la.from_day > c.start_day and la.status == "in_force"
            else la.status
        )
        for la in rules.layers
    }
    rate = {la.id: la.rate for la in rules.layers}
    info = {la.id: (la.combine, la.replaces) for la in rules.layers}
    packages = {cm.id for p in rules.players for cm in p.countermeasures if cm.active_at_start}
    compiled = eco.compile_rules(rules)
    return [
        eco.effective_rate(cell, rate, status, info, packages, compiled, eco.TermIndex())
        for cell in compiled.cells
    ]


def _tariff_schedule(doc: Doc, rules: Rules) -> None:
    combine = {"add": "added on top", "replace": "replaces", "all_in": "the whole rate"}
    rows = []
    for la in rules.layers:
        how = combine.get(la.combine, la.combine)
        if la.combine == "replace" and la.replaces:
            how = "replaces " + ", ".join(rules.layer(r).name for r in la.replaces)
        rows.append(
            [
                t(la.name),
                t(f"{_who(rules, la.importer)} on {_who(rules, la.exporter)}"),
                t(_sectors_text(rules, la.sectors, la.except_sectors)),
                fmt_pct(la.rate),
                t(how),
                t(_layer_status(rules, la)),
            ]
        )
    doc.table(
        ["Tariff", "Who on whom", "Goods", "Rate", "Combines", "At the start"],
        rows,
        [False, False, False, True, False, False],
    )
    cells = eco.compile_rules(rules).cells
    rates = _start_rates(rules)
    sectors = [s for s in rules.sectors if any(c.sector == s.id for c in cells)]
    pairs: list[tuple[str, str]] = []
    for cell in cells:
        if (cell.importer, cell.exporter) not in pairs:
            pairs.append((cell.importer, cell.exporter))
    index = eco.compile_rules(rules).cell_index
    # At most SECTOR_COLUMNS sectors a table, so a printed page never cuts one off.
    chunks = [sectors[k : k + SECTOR_COLUMNS] for k in range(0, len(sectors), SECTOR_COLUMNS)]
    for n, chunk in enumerate(chunks, 1):
        rows = []
        for imp, exp in pairs:
            row = [t(f"{rules.player(imp).name} on {rules.player(exp).name}")]
            for s in chunk:
                idx = index.get((exp, imp, s.id))
                row.append(fmt_pct(rates[idx]) if idx is not None else "–")
            rows.append(row)
        caption = f"Sectors {n} of {len(chunks)}" if len(chunks) > 1 else ""
        doc.table(
            ["Effective tariff at the start (all-in)", *[t(s.name) for s in chunk]],
            rows,
            [False] + [True] * len(chunk),
            caption=caption,
        )


def _trade(doc: Doc, rules: Rules) -> None:
    names = {s.id: s.name for s in rules.sectors}
    rows = [
        [
            t(rules.player(f.exporter).name),
            t(rules.player(f.importer).name),
            t(names.get(f.sector, f.sector)),
            f"{f.value_bn:,.1f}",
            fmt_pct(f.mfn),
        ]
        for f in rules.flows
    ]
    doc.table(
        ["Exporter", "Importer", "Sector", "Exports 2024 ($bn)", "MFN tariff"],
        rows,
        [False, False, False, True, True],
    )


def _tariff_instruments(doc: Doc, rules: Rules, player: Player, own: bool) -> None:
    if not player.tariffs:
        doc.p(("You have" if own else f"{t(player.name)} has") + " no tariff to set.")
        return
    rows = []
    for ins in player.tariffs:
        la = rules.layer(ins.layer)
        rows.append(
            [
                t(la.name),
                f"`{t(ins.layer)}`",
                t(_who(rules, la.exporter)),
                t(_sectors_text(rules, la.sectors, la.except_sectors)),
                t(f"{fmt_pct(la.rate)}, {_layer_status(rules, la)}"),
                f"{fmt_pct(ins.min)} – {fmt_pct(ins.max)}",
            ]
        )
    doc.table(["Tariff", "Id", "On", "Goods", "At the start", "May be set within"], rows)


def _countermeasures(doc: Doc, rules: Rules, player: Player, own: bool) -> None:
    if not player.countermeasures:
        return
    names = {s.id: s.name for s in rules.sectors}
    rows = []
    for cm in player.countermeasures:
        tariffs = ", ".join(f"{names.get(s, s)} +{fmt_pct(r)}" for s, r in cm.tariffs) or "none"
        effects = [f"tariffs: {tariffs}"]
        if cm.market_stress:
            effects.append(f"market stress +{fmt_number(cm.market_stress)} a round")
        if cm.gdp_cost_pct:
            effects.append(f"costs the owner {fmt_number(cm.gdp_cost_pct)}% of GDP a year")
        rows.append(
            [
                t(cm.name),
                f"`{t(cm.id)}`",
                t(_who(rules, cm.target)),
                f"${fmt_number(cm.value_bn)}bn",
                t("; ".join(effects)),
                "active" if cm.active_at_start else "suspended",
                t(cm.description),
            ]
        )
    doc.table(
        [
            "Countermeasure package",
            "Id",
            "Against",
            "Covers",
            "Effect when active",
            "At the start",
            "Notes",
        ],
        rows,
    )


def _items(
    doc: Doc, rules: Rules, items: list[Item], column: str | None, giver_column: bool
) -> None:
    rows = []
    for it in items:
        if column == "cost":
            levels = "; ".join(
                f"{amount_text(rules, it, lv.value)} (cost to you {fmt_number(lv.cost)})"
                for lv in it.levels
            )
        elif column == "gain":
            levels = "; ".join(
                f"{amount_text(rules, it, lv.value)} (gain to you {fmt_number(lv.gain)})"
                for lv in it.levels
            )
        else:
            levels = "; ".join(amount_text(rules, it, lv.value) for lv in it.levels)
        to = (
            "any partner"
            if it.to is None
            else ", ".join(rules.player(p).name for p in it.to if p in rules.player_ids)
        )
        row = [t(it.name) + f" (`{t(it.id)}`)", KIND_NAMES.get(it.kind, it.kind)]
        row.append(t(rules.player(it.owner).name) if giver_column else t(to))
        row.append(t(levels))
        note = it.description
        if not it.available:
            note = ("not on the table at the start (it may become available). " + note).strip()
        row.append(t(note))
        rows.append(row)
    headers = ["Item", "Kind", "From" if giver_column else "To", "Levels", "Notes"]
    doc.table(headers, rows)


def rules_to_know(doc: Doc, rules: Rules, role: str) -> None:
    """The rules a student must know to negotiate, in plain words."""
    lines = [
        (
            "**A new deal replaces the old one.** When two players already have a deal in force "
            "and agree a new one with economic terms, the new deal *replaces* the old one "
            "entirely: a term of the old deal you still want must be written into the new one "
            "again. (An agreement only about when and how to meet leaves the deal in force.)"
        ),
        (
            "**Agreed is not yet in force.** A deal agreed in talks enters force when the round "
            "resolves, after ratification. Until then nothing changes."
        ),
    ]
    ratifiers = [p for p in rules.players if p.ratification is not None]
    if ratifiers:
        who = ", ".join(
            f"{p.name} ({p.ratification.body})" for p in ratifiers if p.ratification is not None
        )
        lines.append(
            t(
                f"Ratification. {who} must ratify every deal they sign. A deal whose "
                f"political cost at home is larger than what the parliament or council "
                f"will pass (more when the government is popular, less when it is not) "
                f"fails in public: it never enters force, and the government that "
                f"could not pass it loses approval and credibility."
            ).replace("Ratification.", "**Ratification.**", 1)
        )
    if rules.precedent_setter:
        setter = rules.player(rules.precedent_setter).name
        lines.append(
            t(
                f"Precedent. The first tariff ceiling {setter} agrees with anyone sets "
                f"the benchmark: a later partner who settles for a higher ceiling loses "
                f"approval at home, one who gets a lower ceiling gains it."
            ).replace("Precedent.", "**Precedent.**", 1)
        )
    if rules.deadline_holder:
        holder = rules.player(rules.deadline_holder).name
        lines.append(
            t(
                f"The deadline. On the deadline the paused tariffs come back (snap "
                f"back) for every partner whose deal does not cap them. Only {holder} "
                f"can extend it."
            ).replace("The deadline.", "**The deadline.**", 1)
        )
    lines.append(
        "**Breaking a deal** (reneging, or raising a tariff above a ceiling you "
        "agreed) is allowed, and costs credibility and relations with everyone."
    )
    lines.append(
        "**Words have costs.** A public demand you later give up, a claim of progress "
        "that no deal follows, and a threat you do not carry out when its moment "
        "comes all cost approval or credibility; a false claim can be fact-checked. "
        "Whatever is still open when the game ends is charged then. What words gain "
        "wears off, and saying the same kind of thing again counts for less each time."
    )
    doc.bullets(lines)


def briefing_doc(
    rules: Rules,
    role: str,
    public_only: bool = False,
    *,
    hindsight: bool = False,
    instructor: bool = False,
    scenario_text: str | None = None,
) -> Doc:
    """The handout of ``role`` (a player id of ``rules``).

    A student's handout (the default) has the scenario's texts without the author's source
    notes and, unless ``hindsight``, without what really happened after the game's start
    (:mod:`tradegame.classroom.student`). The ``instructor`` version keeps the texts as
    written and adds what was kept from students and the sources the scenario cites
    (``scenario_text``, for the citations in its comments)."""
    from tradegame.classroom.student import student_rules

    original = rules
    student, taken = student_rules(rules, hindsight)
    if not instructor:
        rules = student
    me = rules.player(role)
    kind = (
        "instructor's copy of the briefing"
        if instructor
        else "public briefing"
        if public_only
        else "briefing"
    )
    doc = Doc(f"{rules.title} — {kind} for {me.name} ({me.id})")
    doc.running = f"{me.name} ({me.id}) — " + (
        "instructor's copy" if instructor else "public" if public_only else "confidential"
    )
    if instructor:
        doc.p(
            "**INSTRUCTOR'S COPY** — the scenario's texts as written, with their source "
            "notes; not for students (give them `tradegame briefing` without "
            "`--instructor`).",
            css="confidential",
        )
    elif not public_only:
        doc.p(
            f"**CONFIDENTIAL — for the {t(me.name)} team only.** The sections marked "
            f"*private* are yours alone; do not show them to other teams.",
            css="confidential",
        )
    else:
        doc.p(
            "Public information only: this handout holds nothing another team may not see.",
            css="muted",
        )

    doc.h(2, "The situation", "situation")
    doc.p(t(rules.summary) if rules.summary.strip() else t(rules.title))
    doc.p(
        t(
            f"You play {me.name} ({me.id}). The other players: "
            + ", ".join(f"{p.name} ({p.id})" for p in rules.players if p.id != role)
            + "."
        )
    )

    doc.h(2, "Calendar and rules of play", "calendar")
    _calendar(doc, rules)

    doc.h(2, "Rules you must know", "rules-to-know")
    rules_to_know(doc, rules, role)

    doc.h(2, "Your public briefing", "public-briefing")
    if me.briefing_public.strip():
        doc.md(me.briefing_public)
    else:
        doc.p("(The scenario gives no public briefing for this role.)", css="muted")

    if not public_only:
        doc.h(2, "Your confidential briefing (private)", "confidential-briefing")
        if me.briefing_confidential.strip():
            doc.md(me.briefing_confidential)
        else:
            doc.p("(The scenario gives no confidential briefing for this role.)", css="muted")

        doc.h(2, "Your objectives (private)", "objectives")
        objectives_table(doc, rules, me)

        if me.ratification is not None:
            rat = me.ratification
            doc.h(2, "Ratification: your win-set (private)", "win-set")
            ws = rat.win_set(me.approval)
            doc.p(
                t(
                    f"Every deal you sign must be ratified by {rat.body}. It passes only if "
                    f"its political cost to you is within your win-set:"
                )
            )
            doc.p(
                f"**W = {fmt_number(rat.win_set_base)} + {fmt_number(rat.win_set_slope)} × "
                f"(approval − 50)** political points."
            )
            doc.p(
                t(
                    f"At your approval at the start ({fmt_number(me.approval)}) the win-set is "
                    f"{ws:.1f} points. A deal's political cost to you is the cost of what you "
                    f"give minus the gain of what you receive (the tables below). Approval is "
                    f"read when the deal would enter force: if it falls, your room shrinks. "
                    f"A deal beyond the win-set fails publicly and costs you approval and "
                    f"credibility. The other side does not know your win-set."
                )
            )
        else:
            doc.h(2, "Ratification (private)", "win-set")
            doc.p(
                "Your deals need no ratification: you act by executive decision. Your "
                "partners may have to get their deals through a parliament or council, and "
                "only they know how much it will pass."
            )

    doc.h(2, "Your instruments", "instruments")
    doc.h(3, "Tariffs you may set", "own-tariffs")
    _tariff_instruments(doc, rules, me, own=True)
    if me.countermeasures:
        doc.h(3, "Your countermeasure packages", "own-countermeasures")
        _countermeasures(doc, rules, me, own=True)
    own_items = [it for it in rules.items if it.owner == role]
    doc.h(3, "What you can offer" + ("" if public_only else " (costs private)"), "offers")
    if own_items:
        _items(doc, rules, own_items, None if public_only else "cost", giver_column=False)
        if not public_only:
            doc.p(
                "The political cost of each level is what giving it costs you at home "
                "(political points); only you know it.",
                css="muted",
            )
    else:
        doc.p("You have nothing in the catalogue to offer.")
    incoming = [it for it in rules.items if it.owner != role and it.can_go_to(role)]
    doc.h(3, "What others can offer you" + ("" if public_only else " (gains private)"), "incoming")
    if incoming:
        _items(doc, rules, incoming, None if public_only else "gain", giver_column=True)
        if not public_only:
            doc.p(
                "The political gain of each level is what receiving it is worth to you at "
                "home; only you know it.",
                css="muted",
            )
    else:
        doc.p("Nobody can offer you anything from the catalogue.")
    doc.h(3, "Other moves", "other-moves")
    moves = [f"**{t(k)}** — {t(text)}" for k, text in STATEMENTS]
    moves.append(
        "**request talks** with a partner at working, ministerial or leader level "
        "for the next round"
    )
    moves.append("**concede** one of your catalogue items unilaterally (goodwill)")
    moves.append(
        "**renege** on a deal in force (or raise a tariff above a ceiling you agreed): "
        "allowed, and very costly in credibility and relations"
    )
    if rules.deadline_holder == role:
        c = rules.calendar
        moves.append(
            "**extend the deadline** — "
            + t(
                f"you hold it: up to {c.max_extension_days} days in all, in steps of "
                f"{c.extension_step_days}, at a credibility cost"
            )
        )
    doc.bullets(moves)
    claims = [c for c in rules.claims if c.by != role]
    if claims:
        doc.p("Public claims you may fact-check:")
        doc.bullets(f"{t(rules.player(c.by).name)} (`{t(c.id)}`): “{t(c.text)}”" for c in claims)

    doc.h(2, "Public facts", "public-facts")
    doc.h(3, "Players", "players")
    rows = []
    for p in rules.players:
        roles = [
            name
            for name, holder in (
                ("holds the deadline", rules.deadline_holder),
                ("limited talks capacity", rules.talk_capacity_holder),
                ("its markets can panic", rules.market_stress_player),
                ("its first deal sets the precedent", rules.precedent_setter),
            )
            if holder == p.id
        ]
        rows.append(
            [
                t(f"{p.name} ({p.id})"),
                f"${p.gdp_bn:,.0f}bn",
                fmt_number(p.approval),
                fmt_number(p.credibility),
                t(p.ratification.body) if p.ratification else "no",
                t("; ".join(roles)),
            ]
        )
    doc.table(
        ["Player", "GDP", "Approval", "Credibility", "Must ratify", "Role"],
        rows,
        [False, True, True, True, False, False],
    )
    if rules.relations:
        doc.p(
            "Relations at the start (0–100): "
            + t(", ".join(f"{a}–{b} {fmt_number(v)}" for (a, b), v in rules.relations))
            + "."
        )
    doc.h(3, "Tariff schedule at the start", "tariff-schedule")
    _tariff_schedule(doc, rules)
    doc.h(3, "Trade in 2024", "trade")
    _trade(doc, rules)
    for p in rules.players:
        if p.id == role:
            continue
        doc.h(3, f"{p.name} ({p.id})", f"public-{p.id.lower()}")
        if p.briefing_public.strip():
            doc.md(p.briefing_public, shift=2)
        _tariff_instruments(doc, rules, p, own=False)
        _countermeasures(doc, rules, p, own=False)
    if instructor:
        _instructor_appendix(doc, original, taken, scenario_text)
    return doc


def _instructor_appendix(
    doc: Doc, rules: Rules, taken: list[str], scenario_text: str | None
) -> None:
    from tradegame.classroom.sources import SourcesMissing, cited_sections

    doc.h(2, "What the students' handouts leave out (hindsight)", "hindsight")
    if taken:
        doc.p(
            "These sentences tell how the real negotiation ended; the students' handouts "
            "leave them out unless `--hindsight` is given. Use them in the debrief."
        )
        doc.bullets(t_from_markdown(x) for x in taken)
    else:
        doc.p("Nothing: the scenario's texts do not tell how the real negotiation ended.")
    doc.h(2, "Sources of the figures", "sources")
    try:
        found, missing = cited_sections(
            scenario_text if scenario_text is not None else _texts(rules)
        )
    except SourcesMissing as exc:
        doc.p(t(str(exc)))
        return
    if not found and not missing:
        doc.p("The scenario cites no row of the data sheet.")
        return
    doc.p(
        "The scenario cites these sections of the data sheet (docs/sources.md, or "
        "`tradegame sources SECTION`); a note `facts §1b 22 Jul ✅` is the row dated 22 Jul "
        "in section 1b."
    )
    if missing:
        doc.p(t(f"Cited but not in the data sheet: {', '.join(missing)}."))
    for section in found:
        doc.h(3, f"§{section.id}. {section.title}", f"source-{section.id}")
        doc.md(section.body, shift=3)


def _texts(rules: Rules) -> str:
    parts = [rules.summary]
    for p in rules.players:
        parts += [p.briefing_public, p.briefing_confidential]
        parts += [c.description for c in p.countermeasures]
    parts += [it.description for it in rules.items]
    return "\n".join(parts)


__all__ = [
    "amount_text",
    "briefing_doc",
    "date_of",
    "metric_value",
    "objective_label",
    "objective_plain",
]
