"""A player's observation as a fixed-length vector, built from that player's view only.

:meth:`Observer.observe` reads nothing but ``game.view(player)`` (the typed :class:`View`:
what the player may see) or its part ``game.glance(player)`` (the same records, made by the
same functions, several times faster), and the player's own talks draft, so no other
player's private data can reach it (a differential test in ``tests/rl`` changes another
player's objectives and finds the vector unchanged). Standard library only, so it is tested
without PettingZoo.

The vector is made in two parts so that an environment can remember the first per state:
:meth:`Observer.vector` (the view's part) and :meth:`Observer.draft_slots` (where the draft's
terms are marked); :meth:`Observer.observe` is both.
"""

from __future__ import annotations

from typing import Any

from tradegame.engine import Glance, Rules, Term, View
from tradegame.engine.rules import Objective
from tradegame.engine.view import CatalogueEntry
from tradegame.rl.codec import ActionCodec, Draft

_PLAYER_FIELDS = (
    ("approval", 100.0),
    ("credibility", 100.0),
    ("gdp_effect_pct", 1.0),
    ("trade_balance_bn", 1000.0),
    ("tariff_faced", 1.0),
)


def _num(value: Any, scale: float = 1.0) -> float:
    return float(value) / scale if isinstance(value, (int, float)) else -1.0


class Observer:
    """The layout of one scenario's observation vectors (the same length for every player)."""

    def __init__(self, codec: ActionCodec) -> None:
        rules: Rules = codec.rules
        self.codec = codec
        self.players = list(rules.player_ids)
        self.pairs = sorted(
            f"{a}-{b}"
            for i, a in enumerate(sorted(self.players))
            for b in sorted(self.players)[i + 1 :]
        )
        self.layers = [layer.id for layer in rules.layers]
        self.items = [item.id for item in rules.items]
        self.max_objectives = max(len(rules.player(p).objectives) for p in self.players)
        n_terms = len(codec.terms)
        self.size = (
            8
            + len(self.players) * len(_PLAYER_FIELDS)
            + len(self.pairs)
            + len(self.layers)
            + len(self.items)
            + 4 * n_terms  # my cost or gain per level, the offer, the draft, levels on offer
            + 4
            + 3 * self.max_objectives
        )
        # Where each section starts; per item id, its levels' term slots (0-based).
        self._terms_at = (
            8 + len(self.players) * len(_PLAYER_FIELDS) + len(self.pairs) + len(self.layers)
        ) + len(self.items)
        self._draft_at = self._terms_at + 2 * n_terms
        self._slots: dict[str, dict[float, int]] = {}
        for term, k in codec.term_ids.items():
            self._slots.setdefault(term.item, {})[term.value] = k - codec.term_base
        self._player_at = {p: i for i, p in enumerate(self.players)}
        # Sections of the vector remembered by the identity of the records they come from.
        self._catalogues: dict[
            tuple[int, ...],
            tuple[list[CatalogueEntry], tuple[list[float], list[float], list[float]]],
        ] = {}
        self._objectives: dict[int, tuple[tuple[Objective, ...], list[float]]] = {}

    def _catalogue_part(
        self, catalogue: list[CatalogueEntry]
    ) -> tuple[list[float], list[float], list[float]]:
        """The catalogue's sections of the vector: on the table per item, my cost or gain per
        term, on offer per term. Remembered by the entries' identities (the engine shares
        entries between views; the memo keeps the entries, so their ids are not reused)."""
        key = tuple(map(id, catalogue))
        found = self._catalogues.get(key)
        if found is not None:
            return found[1]
        n_terms = len(self.codec.terms)
        by_id = {item.id: item for item in catalogue}
        available = [1.0 if i in by_id and by_id[i].available else 0.0 for i in self.items]
        private = [0.0] * n_terms
        on_table = [0.0] * n_terms
        for item in catalogue:
            slots = self._slots.get(item.id)
            if slots is None:
                continue
            values = item.political_cost or item.political_gain or ()
            for level, value in zip(item.levels, values, strict=False):
                k = slots.get(float(level))
                if k is not None:
                    private[k] = _num(value, 10.0)
            if item.available:
                for level in item.levels:
                    k = slots.get(float(level))
                    if k is not None:
                        on_table[k] = 1.0
        if len(self._catalogues) >= 1024:
            self._catalogues.clear()
        self._catalogues[key] = (list(catalogue), (available, private, on_table))
        return available, private, on_table

    def _objectives_part(self, objectives: tuple[Objective, ...]) -> list[float]:
        """Weight, best and worst of each of my objectives, padded to the longest list."""
        found = self._objectives.get(id(objectives))
        if found is not None and found[0] is objectives:
            return found[1]
        part: list[float] = []
        for obj in list(objectives)[: self.max_objectives]:
            part += [_num(obj.weight), _num(obj.best), _num(obj.worst)]
        part += [0.0, 0.0, 0.0] * (self.max_objectives - len(part) // 3)
        self._objectives[id(objectives)] = (objectives, part)
        return part

    def observe(self, view: View | Glance, draft: Draft = ()) -> list[float]:
        """The vector of ``view`` (``game.view(player)``, or the same data in
        ``game.glance(player)``) and the viewer's draft."""
        out = self.vector(view)
        for k in self.draft_slots(draft):
            out[k] = 1.0
        return out

    def draft_slots(self, draft: Draft) -> list[int]:
        """The positions the draft's terms mark with 1 (the rest of its section is 0)."""
        base, ids = self._draft_at - self.codec.term_base, self.codec.term_ids
        return [base + ids[t] for t in draft]

    def vector(self, view: View | Glance) -> list[float]:
        """The vector of ``view`` with an empty draft."""
        me = view.viewer
        you = view.you
        n_terms = len(self.codec.terms)
        out: list[float] = [
            _num(view.round) / max(1, _num(view.rounds_total)),
            _num(view.days_to_deadline, 100.0),
            _num(view.extension_days_used, 100.0),
            _num(view.market_stress, 100.0),
            1.0 if view.phase == "talks" else 0.0,
            1.0 if view.phase == "orders" else 0.0,
            1.0 if you is not None and you.your_turn else 0.0,
            float(self._player_at[me]) / len(self.players),
        ]
        players = {p.id: p for p in view.players}
        for p in self.players:
            e = players[p]
            out += [_num(getattr(e, key), scale) for key, scale in _PLAYER_FIELDS]
        relations = view.relations
        out += [_num(relations.get(pair), 100.0) for pair in self.pairs]
        layers = {layer.id: layer for layer in view.layers}
        out += [_num(layers[i].rate) if i in layers else 0.0 for i in self.layers]
        # The catalogue's three sections: each item on the table or not; per term id my
        # political cost (an item I give) or gain (one I receive), 0 else; the levels on offer.
        available, private, on_table = self._catalogue_part(view.catalogue)
        out += available
        session = next(
            (
                t.contents
                for t in view.talks
                if t.status == "open" and me in t.pair and t.contents is not None
            ),
            None,
        )
        offer = [0.0] * n_terms
        if session is not None:
            for t in session.get("offer") or ():
                term = _term(t)
                slot = self._slots.get(term.item, {}).get(term.value)
                if slot is not None:
                    offer[slot] = 1.0
        out += private
        out += offer
        out += [0.0] * n_terms  # the draft (marked by draft_slots)
        out += on_table
        pending = len(you.pending_orders) if you is not None else 0
        out += [
            1.0 if session is not None and session.get("offer_by") == me else 0.0,
            _num(session["exchanges"]) / max(1.0, _num(session["max_exchanges"]))
            if session
            else 0.0,
            pending / max(1, self.codec.rules.limits.max_orders),
        ]
        out += self._objectives_part(you.objectives if you is not None else ())
        out.append(_num(you.win_set if you is not None else None, 100.0))
        # the fixed length is part of the spaces' contract
        out += [0.0] * (self.size - len(out))
        return out[: self.size]


def _term(t: Any) -> Term:
    if isinstance(t, dict):
        return Term(str(t["item"]), float(t["level"] if "level" in t else t["value"]))
    return Term(str(t[0]), float(t[1]))
