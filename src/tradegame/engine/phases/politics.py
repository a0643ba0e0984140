"""Domestic politics, a step of resolution (DESIGN §3.6): statements take effect, approval
moves with pain, market stress and drift, and open claims, demands and threats are settled
(at the latest when the game ends).

Cheap talk costs and fades (DESIGN §3.10): each repeat of a kind of statement by the same
player has ``repeat_decay`` of the previous one's effect; what statements add to approval
wears off with ``approval_drift`` and what reassurance adds to relations with
``reassure_fade`` (both kept apart, in ``State.talk_approval`` and ``State.talk_relations``,
so that a projection does not hold them); and every audience cost still open when the game
ends is charged then.
"""

from __future__ import annotations

from typing import Final

from tradegame.engine import economy as eco
from tradegame.engine.actions import (
    SetTariff,
    Statement,
    Term,
)
from tradegame.engine.kinds import StatementKind
from tradegame.engine.memo import per_rules
from tradegame.engine.records import (
    Pledge,
    clamp,
    pair_key,
)
from tradegame.engine.rules import Rules
from tradegame.engine.state import State
from tradegame.engine.text import term_text

# The kinds a round's pledges are settled by, read once: an enum member read from its class
# costs ten times a global's read (Python 3.11), and each open pledge is looked at each round.
# As plain strings (a StrEnum member equals its value): a pledge's kind is the statement's
# text, and two exact strings compare on the interpreter's fast path.
_CLAIM_PROGRESS: Final = str(StatementKind.CLAIM_PROGRESS.value)
_PUBLIC_DEMAND: Final = str(StatementKind.PUBLIC_DEMAND.value)
_THREAT = str(StatementKind.THREAT.value)
_REASSURE = str(StatementKind.REASSURE.value)
_FACT_CHECK = str(StatementKind.FACT_CHECK.value)


def statement(g: State, a: Statement) -> None:
    """A statement's immediate effect (resolution of a ``Statement`` order)."""
    rules = g.rules
    st = rules.politics.statements
    p = a.player
    kind = a.statement
    said = (p, kind)
    # The n-th statement of a kind by the same player has repeat_decay^(n-1) of the effect.
    strength = st.repeat_decay ** g.said.get(said, 0)
    g.said[said] = g.said.get(said, 0) + 1
    if kind == _CLAIM_PROGRESS:
        _talk_approval(g, p, strength * st.claim_progress_approval)
        pledge = Pledge(kind, p, a.partner, "", g.round, g.round + st.claim_progress_rounds)
        pledge.owner = g._token  # (set apart: a keyword argument costs the call a third more)
        g.pledges.append(pledge)
        g._logf("statement", _claims_text, (p, a.partner))
    elif kind == _PUBLIC_DEMAND:
        _talk_approval(g, p, strength * st.public_demand_approval)
        pledge = Pledge(kind, p, a.partner, a.subject, g.round)
        pledge.owner = g._token
        g.pledges.append(pledge)
        g._logf("statement", _demands_text, (p, a.partner, rules, a.subject))
    elif kind == _THREAT:
        _talk_approval(g, p, strength * st.threat_approval)
        pledge = Pledge(kind, p, a.partner, a.subject, g.round)
        pledge.owner = g._token
        g.pledges.append(pledge)
        g._logf("statement", _threatens_text, (p, a.partner, rules, a.subject))
    elif kind == _REASSURE:
        key = pair_key(p, a.partner)
        before = g.relations[key]
        g.relations[key] = clamp(before + strength * st.reassure_relations)
        g.talk_relations[key] = g.talk_relations.get(key, 0.0) + g.relations[key] - before
        g._logf("statement", _reassures_text, (p, a.partner))
    elif kind == _FACT_CHECK:
        claim = rules.claim(a.subject)
        g.fact_checked.add((p, claim.id))
        loser = claim.by if not claim.accurate else p
        g.credibility[loser] = clamp(g.credibility[loser] - st.fact_check_credibility)
        g._logf("statement", _fact_checks_text, (p, claim.by, claim.text, claim.accurate, loser))


def _talk_approval(g: State, player: str, amount: float) -> None:
    """Approval a statement adds: it counts while it lasts and wears off with the drift."""
    before = g.approval[player]
    g.approval[player] = clamp(before + amount)
    g.talk_approval[player] += g.approval[player] - before


def _subject_name(rules: Rules, subject: str) -> str:
    if any(la.id == subject for la in rules.layers):
        return rules.layer(subject).name
    try:
        return rules.package(subject).name
    except KeyError:
        return subject


_Constants = tuple[
    tuple[tuple[str, float, bool], ...], str | None, float, float, float, bool, float, float
]


@per_rules
def _constants(rules: Rules) -> _Constants:
    """The scenario's numbers :func:`update` reads each round, read once: each player with
    the approval its drift pulls back to and whether it holds market stress (scenario
    order), the market-stress holder, minus the pain weight, the drift, the share of talk
    approval kept (1 - drift), whether 0.0 times that share is 0.0 itself, the holder's
    stress weight and the reassurance fade."""
    pol = rules.politics
    drift = pol.approval_drift
    kept = 1.0 - drift
    holder = rules.market_stress_player
    return (
        tuple((p.id, p.approval, p.id == holder) for p in rules.players),
        holder,
        -pol.pain_weight,
        drift,
        kept,
        # 0.0 (or -0.0) times a share in [0, 1] is itself: a player to whom statements
        # added nothing keeps its 0.0 without the product (any other factor takes it).
        0.0 <= kept <= 1.0,
        rules.market_stress.approval_weight,
        pol.statements.reassure_fade,
    )


def update(
    g: State, snap: eco.Snapshot, raised_against: set[tuple[str, str]], raised_cells: set[int]
) -> None:
    """``raised_cells``: the flow cells whose rate an order raised this round."""
    caches = g.tables.caches
    # (Typed: compiled code then reads its numbers as floats, not as objects.)
    constants: _Constants | None = caches.politics
    if constants is None:
        constants = caches.politics = _constants(g.rules)
    bases, holder, neg_pain_weight, drift, kept, zero_stays, stress_weight, fade = constants
    approval, talk_approval, pain_pct = g.approval, g.talk_approval, snap.pain_pct
    # What market stress takes from its holder's approval (the same for the whole round).
    # (max(0.0, excess) as a comparison, as in markets.update: NaN and -0.0 give 0.0)
    excess = g.stress - 50.0
    stress_cost = stress_weight * (excess if excess > 0.0 else 0.0) if holder is not None else 0.0
    for pid, base, holds in bases:
        now = approval[pid]
        delta = neg_pain_weight * pain_pct[pid]
        if holds:
            delta -= stress_cost
        delta += drift * (base - now)
        approval[pid] = clamp(now + delta)
        # The drift pulls what statements added back towards the base with the rest.
        talk = talk_approval[pid]
        if talk or not zero_stays:
            talk_approval[pid] = talk * kept
    talk_relations = g.talk_relations
    if talk_relations:
        relations = g.relations
        for key, boost in talk_relations.items():
            worn = fade * boost
            relations[key] = clamp(relations[key] - worn)
            talk_relations[key] = boost - worn
    for pl in g.pledges:
        if pl.settled:
            continue
        kind = pl.kind
        if kind == _PUBLIC_DEMAND:
            continue  # settled by a deal's ratification or at the end (close)
        if kind == _CLAIM_PROGRESS:
            if _claim_honoured(g, pl):
                g.own_pledge(pl).settled = True
            elif g.round >= pl.due:
                _claim_broken(g, pl, "but no deal followed")
        elif kind == _THREAT:
            settled_by_deal = _deal_with(g, pl)
            if pl.triggered and pl.trigger == "no_deal" and settled_by_deal:
                g.own_pledge(pl).settled = True  # the deal the threat pressed for came in time
                continue
            if not pl.triggered:
                no_deal = g.snapped and not settled_by_deal
                if (pl.partner, pl.speaker) in raised_against or no_deal:
                    pl = g.own_pledge(pl)
                    pl.triggered = g.round
                    pl.trigger = "no_deal" if no_deal else "escalation"
                    if g.KEEPS_LOG:
                        g._logf("statement", _tested_text, (pl.speaker, pl.partner))
            elif _threat_carried_out(g, pl, raised_cells):
                _threat_kept(g, pl)
            elif g.round > pl.triggered:
                _threat_broken(g, pl, "")


def close(g: State, raised_cells: set[int]) -> None:
    """The game ends: every audience cost still open is charged now (DESIGN §3.10). A claim
    of progress that no deal has followed fails; a public demand no deal has met goes unmet;
    a threat put to the test is carried out by this last round's orders or not at all. A
    threat never put to the test (the partner neither escalated nor went without a deal)
    costs nothing: it worked."""
    for pl in g.pledges:
        if pl.settled:
            continue
        if pl.kind == _CLAIM_PROGRESS:
            _claim_broken(g, pl, "and the game ends with no deal after it")
        elif pl.kind == _PUBLIC_DEMAND:
            demand_unmet(g, pl, "the game ends without a deal that meets its public demand")
        elif pl.kind == _THREAT and pl.triggered:
            if _threat_carried_out(g, pl, raised_cells):
                _threat_kept(g, pl)
            else:
                _threat_broken(g, pl, " by the end of the game")


def _deal_with(g: State, pl: Pledge) -> bool:
    """Whether the speaker has a substantive deal in force with the partner."""
    return pair_key(pl.speaker, pl.partner) in g.settled_pairs()


def _claim_honoured(g: State, pl: Pledge) -> bool:
    """A claim of progress is honoured by a substantive deal with the partner agreed in the
    claim's round or later: not by a process-only agreement, nor by a deal made before it."""
    speaker, partner, since = pl.speaker, pl.partner, pl.round
    for d in g._force():  # the deals in force (kept, never changed); a loop, no generator
        parties = d.parties
        if (
            speaker in parties
            and partner in parties
            and not d.unilateral
            and d.round >= since
            and g.is_substantive(d)
        ):
            return True
    return False


def _claim_broken(g: State, pl: Pledge, why: str) -> None:
    pl = g.own_pledge(pl)
    pl.settled = True
    st = g.rules.politics.statements
    g.credibility[pl.speaker] = clamp(g.credibility[pl.speaker] - st.claim_progress_credibility)
    if g.KEEPS_LOG:
        g._logf("statement", _claim_broken_text, (pl.speaker, pl.partner, why))


def demand_unmet(g: State, pl: Pledge, what: str) -> None:
    """A public demand settled for less (or not met by the end): it costs approval."""
    pl = g.own_pledge(pl)
    pl.settled = True
    penalty = g.rules.politics.statements.public_demand_penalty
    g.approval[pl.speaker] = clamp(g.approval[pl.speaker] - penalty)
    if g.KEEPS_LOG:
        g._logf("statement", _demand_unmet_text, (pl.speaker, what, g.rules, pl.subject))


def demand_text(rules: Rules, subject: str) -> str:
    """What a public demand asks for, in words (its subject is a term): remembered per
    scenario and subject, as every projection ending with the demand unmet logs it."""
    texts = _demand_texts(rules)
    text = texts.get(subject)
    if text is None:
        text = texts[subject] = term_text(rules, demand_term(rules, subject))
    return text


def demand_term(rules: Rules, subject: str) -> Term:
    """The term a public demand asks for (its subject, parsed): remembered per scenario and
    subject, as every deal ratified between a demand's two players reads it."""
    terms = _demand_terms(rules)
    term = terms.get(subject)
    if term is None:
        term = terms[subject] = Term.parse(subject)
    return term


@per_rules
def _demand_terms(rules: Rules) -> dict[str, Term]:
    """The terms of :func:`demand_term` met so far (a bounded set, as the texts)."""
    return {}


@per_rules
def _demand_texts(rules: Rules) -> dict[str, str]:
    """The texts of :func:`demand_text` met so far (a scenario's demands are its items at
    their levels: a bounded set)."""
    return {}


def _threat_kept(g: State, pl: Pledge) -> None:
    pl = g.own_pledge(pl)
    pl.settled = True
    kept = g.rules.politics.statements.threat_kept_credibility
    g.credibility[pl.speaker] = clamp(g.credibility[pl.speaker] + kept)
    if g.KEEPS_LOG:
        g._logf("statement", _threat_kept_text, (pl.speaker,))


def _threat_broken(g: State, pl: Pledge, when: str) -> None:
    pl = g.own_pledge(pl)
    pl.settled = True
    st = g.rules.politics.statements
    g.credibility[pl.speaker] = clamp(g.credibility[pl.speaker] - st.threat_credibility)
    if g.KEEPS_LOG:
        g._logf("statement", _threat_broken_text, (pl.speaker, pl.partner, when))


# The text of the log lines of statements (State._logf: made when the log is read, as
# nothing reads it while bots play).
def _claims_text(p: str, partner: str) -> str:
    return f"{p} claims progress in its talks with {partner}."


def _demands_text(p: str, partner: str, rules: Rules, subject: str) -> str:
    return f"{p} publicly demands from {partner}: {demand_text(rules, subject)}."


def _threatens_text(p: str, partner: str, rules: Rules, subject: str) -> str:
    return (
        f"{p} threatens {partner}: {_subject_name(rules, subject)} "
        f"if {partner} escalates or no deal is reached."
    )


def _reassures_text(p: str, partner: str) -> str:
    return f"{p} reassures {partner}."


def _fact_checks_text(p: str, by: str, claim: str, accurate: bool, loser: str) -> str:
    verdict = "false" if not accurate else "accurate after all"
    return f'{p} fact-checks {by}\'s claim "{claim}": it is {verdict}; {loser} loses credibility.'


# The text of the log lines of settled pledges (State._logf: made when the log is read, as
# a projection's game-end settles every open pledge and nothing reads its log).
def _tested_text(speaker: str, partner: str) -> str:
    return f"{speaker}'s threat against {partner} is put to the test."


def _claim_broken_text(speaker: str, partner: str, why: str) -> str:
    return f"{speaker} claimed progress with {partner}, {why}: it loses credibility."


def _demand_unmet_text(speaker: str, what: str, rules: Rules, subject: str) -> str:
    return f"{speaker} {what} ({demand_text(rules, subject)})."


def _threat_kept_text(speaker: str) -> str:
    return f"{speaker} carries out its threat."


def _threat_broken_text(speaker: str, partner: str, when: str) -> str:
    return f"{speaker} did not carry out its threat against {partner}{when}: it loses credibility."


def _threat_carried_out(g: State, pl: Pledge, raised_cells: set[int]) -> bool:
    """The threatened package is active, or an order on the threatened layer raised the
    rate the partner faces (a 0% "retaliation" carries out nothing, issue 19 e)."""
    if pl.subject in g.active_packages:
        return True
    if not any(isinstance(o, SetTariff) and o.layer == pl.subject for o in g.orders[pl.speaker]):
        return False
    cells = g.tables.pair_cells.get((pl.speaker, pl.partner), ())
    return any(c.index in raised_cells and pl.subject in c.layers for c in cells)
