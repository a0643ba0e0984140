"""Rates and deal terms as text (log lines, views, transcripts)."""

from __future__ import annotations

from collections.abc import Iterable

from tradegame.engine.actions import Term, fmt_number
from tradegame.engine.kinds import TermKind
from tradegame.engine.rules import Rules
from tradegame.engine.tables import CACHE_SIZE, tables_of


def fmt_pct(rate: float) -> str:
    pct = rate * 100.0
    text = f"{pct:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def term_text(rules: Rules, term: Term) -> str:
    # Logged for every offer and concession: remembered per scenario, item and level.
    texts = tables_of(rules).caches.term_texts
    key = (term.item, term.value)
    text = texts.get(key)
    if text is None:
        if len(texts) >= CACHE_SIZE:
            texts.clear()  # bounded: a term is an item at one of its few levels
        text = texts[key] = _term_text(rules, term)
    return text


def _term_text(rules: Rules, term: Term) -> str:
    item = rules.item(term.item)
    v = term.value
    if item.kind in (TermKind.TARIFF_CAP, TermKind.TARIFF_CUT, TermKind.CURRENCY):
        amount = fmt_pct(v)
    elif item.kind in (TermKind.QUOTA, TermKind.PURCHASE, TermKind.COST_SHARING):
        amount = f"${fmt_number(v)}bn/yr" if item.kind != TermKind.QUOTA else f"${fmt_number(v)}bn"
    elif item.kind in (TermKind.INVESTMENT, TermKind.DEBT_SWAP):
        amount = f"${fmt_number(v)}bn"
    elif item.kind == TermKind.DEADLINE_EXTENSION:
        amount = f"{fmt_number(v)} days"
    else:
        amount = fmt_number(v)
    return f"{item.name} [{item.owner}] {amount}"


def terms_text(rules: Rules, terms: Iterable[Term]) -> str:
    return "; ".join(term_text(rules, t) for t in terms)


def level_text(kind: str, value: float, export_boost: float | None = None) -> str:
    """A catalogue level in its unit (the same words as the engine's log); a regulatory
    level, by what it does when its ``export_boost`` is known: the receiver's exports of the
    item's sector to the giver rise by it per level unit ("+10% exports"). The log keeps the
    bare number (changing it would move the golden playthroughs); screens and handouts use
    this."""
    if kind in ("tariff_cap", "tariff_cut", "currency"):
        return fmt_pct(value)
    if kind in ("purchase", "cost_sharing"):
        return f"${fmt_number(value)}bn/yr"
    if kind in ("quota", "investment", "debt_swap"):
        return f"${fmt_number(value)}bn"
    if kind == "deadline_extension":
        return f"{fmt_number(value)} days"
    if kind in ("process", "suspend_countermeasures"):  # one level, 1: agreed or not
        return "agreed"
    if kind == "regulatory" and export_boost is not None:
        return f"+{fmt_pct(export_boost * value)} exports"
    return f"level {fmt_number(value)}"
