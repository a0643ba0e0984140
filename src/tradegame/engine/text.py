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
