"""Domestic politics, a step of resolution (DESIGN §3.6): approval moves with pain,
market stress and drift; open claims and threats are settled."""

from __future__ import annotations

from tradegame.engine import economy as eco
from tradegame.engine.actions import (
    SetTariff,
)
from tradegame.engine.kinds import StatementKind
from tradegame.engine.records import (
    Pledge,
    clamp,
)
from tradegame.engine.state import State


def update(
    g: State, snap: eco.Snapshot, raised_against: set[tuple[str, str]], raised_cells: set[int]
) -> None:
    """``raised_cells``: the flow cells whose rate an order raised this round."""
    rules = g.rules
    pol = rules.politics
    st = pol.statements
    holder = rules.market_stress_player
    for p in rules.players:
        pid = p.id
        delta = -pol.pain_weight * snap.pain_pct[pid]
        if pid == holder:
            delta -= rules.market_stress.approval_weight * max(0.0, g.stress - 50.0)
        delta += pol.approval_drift * (p.approval - g.approval[pid])
        g.approval[pid] = clamp(g.approval[pid] + delta)
    for pl in g.pledges:
        if pl.settled:
            continue
        if pl.kind == StatementKind.CLAIM_PROGRESS:
            if any(
                pl.partner in d.parties and not d.unilateral for d in g.deals_in_force(pl.speaker)
            ):
                pl.settled = True
            elif g.round >= pl.due:
                pl.settled = True
                g.credibility[pl.speaker] = clamp(
                    g.credibility[pl.speaker] - st.claim_progress_credibility
                )
                g._log(
                    "statement",
                    f"{pl.speaker} claimed progress with {pl.partner}, "
                    f"but no deal followed: it loses credibility.",
                )
        elif pl.kind == StatementKind.THREAT:
            settled_by_deal = any(
                pl.partner in d.parties and not d.unilateral and g.is_substantive(d)
                for d in g.deals_in_force(pl.speaker)
            )
            if pl.triggered and pl.trigger == "no_deal" and settled_by_deal:
                pl.settled = True  # the deal the threat pressed for came in time
                continue
            if not pl.triggered:
                no_deal = g.snapped and not settled_by_deal
                if (pl.partner, pl.speaker) in raised_against or no_deal:
                    pl.triggered = g.round
                    pl.trigger = "no_deal" if no_deal else "escalation"
                    g._log(
                        "statement",
                        f"{pl.speaker}'s threat against {pl.partner} is put to the test.",
                    )
            elif _threat_carried_out(g, pl, raised_cells):
                pl.settled = True
                g.credibility[pl.speaker] = clamp(g.credibility[pl.speaker] + 2.0)
                g._log("statement", f"{pl.speaker} carries out its threat.")
            elif g.round > pl.triggered:
                pl.settled = True
                g.credibility[pl.speaker] = clamp(g.credibility[pl.speaker] - st.threat_credibility)
                g._log(
                    "statement",
                    f"{pl.speaker} did not carry out its threat against "
                    f"{pl.partner}: it loses credibility.",
                )


def _threat_carried_out(g: State, pl: Pledge, raised_cells: set[int]) -> bool:
    """The threatened package is active, or an order on the threatened layer raised the
    rate the partner faces (a 0% "retaliation" carries out nothing, issue 19 e)."""
    if pl.subject in g.active_packages:
        return True
    if not any(isinstance(o, SetTariff) and o.layer == pl.subject for o in g.orders[pl.speaker]):
        return False
    cells = g.tables.pair_cells.get((pl.speaker, pl.partner), ())
    return any(c.index in raised_cells and pl.subject in c.layers for c in cells)
