"""Ratification, a step of resolution (DESIGN §3.4, §3.9): agreed deals within the
ratifiers' win-sets enter force; their one-off effects and politics (precedent, demands)."""

from __future__ import annotations

from typing import Final

from tradegame.engine.actions import (
    Term,
)
from tradegame.engine.kinds import DealStatus, StatementKind, TermKind
from tradegame.engine.phases import politics
from tradegame.engine.records import (
    RATE_EPS,
    Deal,
    clamp,
    pair_key,
)
from tradegame.engine.rules import Item, Rules
from tradegame.engine.state import State
from tradegame.engine.text import fmt_pct, terms_text

# Enum members read on hot paths, bound once: on Python 3.11 reading a member from its enum
# class goes through a descriptor and costs about ten times a module global.
_AGREED: Final = DealStatus.AGREED
_IN_FORCE: Final = DealStatus.IN_FORCE
_PROCESS: Final = TermKind.PROCESS
_CAP: Final = TermKind.TARIFF_CAP
_CUT = TermKind.TARIFF_CUT
_SUSPEND: Final = TermKind.SUSPEND_COUNTERMEASURES
_EXTENSION: Final = TermKind.DEADLINE_EXTENSION
_DEBT_SWAP: Final = TermKind.DEBT_SWAP
_PUBLIC_DEMAND: Final = StatementKind.PUBLIC_DEMAND


def ratify(g: State) -> None:
    """Deals agreed this round face ratification, then enter force (DESIGN §3.4)."""
    rules = g.rules
    pol = rules.politics
    for agreed in [d for d in g.deals if d.status == _AGREED]:
        deal = g.own_deal(agreed)  # it fails or enters force
        failed_by = None
        for party in deal.parties:
            rat = rules.player(party).ratification
            if rat is None:
                continue
            red = red_line_given(g, deal, party)
            if red is not None:  # declared in public: fails in every projection too
                failed_by = party
                if g.KEEPS_LOG:
                    g._log(
                        "ratification",
                        f"{rat.body} refuses to ratify {deal.id}: it gives "
                        f"{rules.item(red).name}, a red line {party} declared.",
                    )
                break
            cost = g.political_cost(deal, party)
            limit = rat.win_set(g.approval[party])
            if cost > limit and g.ratification_applies(party):
                failed_by = party
                if g.KEEPS_LOG:
                    g._log(
                        "ratification",
                        f"{rat.body} refuses to ratify {deal.id}: its political cost "
                        f"({cost:.1f}) exceeds what {party} can pass ({limit:.1f}).",
                        audience=(party,),
                    )
                break
        if failed_by is not None:
            if g.KEEPS_LOG:
                g._log(
                    "ratification",
                    f"{deal.id} between {deal.parties[0]} and {deal.parties[1]} fails "
                    f"ratification in {failed_by} and lapses.",
                )
            deal.status = DealStatus.FAILED
            deal.ended_by = failed_by
            g.approval[failed_by] = clamp(g.approval[failed_by] - pol.ratification_failure_approval)
            g.credibility[failed_by] = clamp(
                g.credibility[failed_by] - pol.ratification_failure_credibility
            )
            continue
        # A substantive deal replaces the pair's previous one, out loud (issue 19 d): the
        # old deal's terms end, its caps included; only the new deal's caps bind.
        for replaced in g.replaced_on_entry(deal):
            old = g.own_deal(replaced)
            old.status = DealStatus.SUPERSEDED
            old.ended_by = None
            g._deal_changed(old)
            if g.KEEPS_LOG:
                g._log(
                    "deal",
                    f"{deal.id} replaces {old.id} between {deal.parties[0]} and "
                    f"{deal.parties[1]}: the terms of {old.id} end, its caps included "
                    f"(only the caps of {deal.id} bind).",
                )
        deal.status = _IN_FORCE
        take_effect(g, deal)
        _deal_politics(g, deal)
        if g.KEEPS_LOG:
            g._logf("deal", _enters_force_text, (rules, deal.id, deal.parties, deal.terms))


def _enters_force_text(
    rules: Rules, deal_id: str, parties: tuple[str, str], terms: tuple[Term, ...]
) -> str:
    """The log line of a deal entering force (State._logf: made when the log is read)."""
    return (
        f"{deal_id} between {parties[0]} and {parties[1]} enters force: {terms_text(rules, terms)}."
    )


def red_line_given(g: State, deal: Deal, party: str) -> str | None:
    """The first item of ``deal`` that ``party`` gives and has declared a red line (public
    scenario data, so every projection knows it), or None."""
    for t in deal.terms:
        item = g.rules.item(t.item)
        if item.red_line and item.owner == party:
            return item.id
    return None


def _deal_politics(g: State, deal: Deal) -> None:
    rules = g.rules
    pol = rules.politics
    a, b = deal.parties
    substantive = any(rules.item(t.item).kind != _PROCESS for t in deal.terms)
    for party in deal.parties:
        net = -g.political_cost(deal, party)
        g.approval[party] = clamp(g.approval[party] + pol.concession_weight * deal.stakes * net)
        g.credibility[party] = clamp(g.credibility[party] + pol.deal_credibility)
    key = pair_key(a, b)
    bonus = pol.deal_relations if substantive else pol.deal_relations / 4
    g.relations[key] = clamp(g.relations[key] + bonus)
    if rules.market_stress_player in deal.parties and substantive:
        g.stress = clamp(g.stress - rules.market_stress.deal_relief)
    # Precedent: the setter's first capped deal sets the reference for later partners.
    setter = rules.precedent_setter
    if setter in deal.parties:
        caps = [
            t.value
            for t in deal.terms
            if rules.item(t.item).owner == setter
            and rules.item(t.item).kind == _CAP
            and rules.item(t.item).sectors is None
            and rules.item(t.item).sets_precedent  # a standstill sets no precedent
        ]
        if caps:
            cap = min(caps)
            partner = deal.other(setter)
            if g.precedent is None:
                g.precedent = cap
                g.precedent_by = partner
                if g.KEEPS_LOG:
                    g._log(
                        "precedent", f"{partner}'s deal sets the precedent: a {fmt_pct(cap)} cap."
                    )
            else:
                pol = rules.politics
                gap = g.precedent - cap  # > 0: the later partner does better than the first
                g.approval[partner] = clamp(g.approval[partner] + pol.precedent_weight * gap)
                # The first settler is the reference others are measured against: undercut, it
                # looks like the guinea pig; the setter loses face for breaking its own line
                # and gains for holding others to it (issue 19, DESIGN §3.10).
                g.approval[setter] = clamp(g.approval[setter] - pol.precedent_setter_weight * gap)
                first = g.precedent_by
                if first is not None and first != partner:
                    g.approval[first] = clamp(g.approval[first] - pol.precedent_first_weight * gap)
                word = (
                    "better than"
                    if cap < g.precedent
                    else "worse than"
                    if cap > g.precedent
                    else "level with"
                )
                if g.KEEPS_LOG:
                    g._log(
                        "precedent",
                        f"{partner} settles {word} the precedent "
                        f"({fmt_pct(cap)} against {fmt_pct(g.precedent)}).",
                    )
    # Public demands: settling for less than you demanded costs approval. A process-only
    # agreement settles nothing unless it is what was demanded (agreeing to keep talking is
    # not settling for less).
    for pl in g.pledges:
        if (
            pl.kind == _PUBLIC_DEMAND
            and not pl.settled
            and pl.speaker in deal.parties
            and pl.partner in deal.parties
        ):
            want = politics.demand_term(rules, pl.subject)
            got = next((t.value for t in deal.terms if t.item == want.item), None)
            if not substantive and got is None:
                continue
            if got is None or not _at_least_as_good(rules.item(want.item), got, want.value):
                politics.demand_unmet(g, pl, "settles for less than its public demand")
            else:
                g.own_pledge(pl).settled = True


def take_effect(g: State, deal: Deal) -> None:
    """One-off effects of terms entering force (economic effects are read continuously)."""
    rules = g.rules
    packages = False  # whether a package was suspended (that moves rates too)
    for t in deal.terms:
        item = rules.item(t.item)
        if item.kind == _SUSPEND and item.package in g.active_packages:
            g.active_packages.discard(item.package)
            packages = True
            g._log("deal", f"{item.owner} suspends {rules.package(item.package).name}.")
        elif item.kind == _EXTENSION:
            # The same rule as the extension order (issue 19 e): it costs the holder
            # credibility, and one beyond what is left is dropped out loud.
            if g._extension_fits(int(t.value)):
                g.deadline_day += int(t.value)
                g.extension_days += int(t.value)
                g.stress = clamp(g.stress - rules.market_stress.extension_relief)
                g.credibility[item.owner] = clamp(
                    g.credibility[item.owner] - rules.politics.extension_credibility
                )
                g._log("deal", f"The deadline moves to {g.date_of(g.deadline_day)}.")
            else:
                g._log(
                    "deal",
                    f"{deal.id}'s extension of {int(t.value)} days does not apply: "
                    f"the deadline cannot move that far (maximum used, or passed).",
                )
        elif item.kind == _DEBT_SWAP:
            relief = item.stress_relief_per_100bn * t.value / 100.0
            g.stress = clamp(g.stress - relief)
        elif item.kind == _PROCESS:
            g.event_talks.append((deal.parties, item.talk_level, None))
    if packages:
        g._invalidate()
    else:
        g._deal_changed(deal)


def _at_least_as_good(item: Item, got: float, wanted: float) -> bool:
    # For caps and cuts a lower level is better for the receiver; otherwise higher.
    if item.kind in (_CAP, _CUT):
        return got <= wanted + RATE_EPS
    return got >= wanted - RATE_EPS
