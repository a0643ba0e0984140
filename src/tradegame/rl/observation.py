"""A player's observation as a fixed-length vector, built from that player's view only.

:func:`observe` reads nothing but ``game.view(player).to_json()`` (what the player may see) and
the player's own talks draft, so no other player's private data can reach it (a differential
test in ``tests/rl`` changes another player's objectives and finds the vector unchanged).
Standard library only, so it is tested without PettingZoo.
"""

from __future__ import annotations

from typing import Any

from tradegame.engine import Rules, Term
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

    def observe(self, view: dict[str, Any], draft: Draft = ()) -> list[float]:
        """The vector of ``view`` (a view's ``to_json()``) and the viewer's draft."""
        me = view["viewer"]
        out: list[float] = [
            _num(view["round"]) / max(1, _num(view["rounds_total"])),
            _num(view["days_to_deadline"], 100.0),
            _num(view["extension_days_used"], 100.0),
            _num(view["market_stress"], 100.0),
            1.0 if view["phase"] == "talks" else 0.0,
            1.0 if view["phase"] == "orders" else 0.0,
            1.0 if view["you"].get("your_turn") else 0.0,
            float(self.players.index(me)) / len(self.players),
        ]
        players = {p["id"]: p for p in view["players"]}
        for p in self.players:
            out += [_num(players[p].get(key), scale) for key, scale in _PLAYER_FIELDS]
        relations = view.get("relations", {})
        out += [_num(relations.get(pair), 100.0) for pair in self.pairs]
        layers = {layer["id"]: layer for layer in view["layers"]}
        out += [_num(layers[i]["rate"]) if i in layers else 0.0 for i in self.layers]
        catalogue = {item["id"]: item for item in view["catalogue"]}
        out += [1.0 if catalogue.get(i, {}).get("available") else 0.0 for i in self.items]
        # Per term id: my political cost (an item I give) or gain (one I receive), 0 else.
        private = [0.0] * len(self.codec.terms)
        for item in view["catalogue"]:
            values = item.get("political_cost") or item.get("political_gain") or []
            for level, value in zip(item["levels"], values, strict=False):
                k = self.codec.term_ids.get(Term(item["id"], float(level)))
                if k is not None:
                    private[k - self.codec.term_base] = _num(value, 10.0)
        out += private
        session = next(
            (s for s in view["talks"] if s["status"] == "open" and me in s["pair"]),
            None,
        )
        offer = [0.0] * len(self.codec.terms)
        on_table = [0.0] * len(self.codec.terms)
        if session is not None:
            for t in session.get("offer") or ():
                k = self.codec.term_ids.get(_term(t))
                if k is not None:
                    offer[k - self.codec.term_base] = 1.0
        for item in view["catalogue"]:
            if item.get("available"):
                for level in item["levels"]:
                    k = self.codec.term_ids.get(Term(item["id"], float(level)))
                    if k is not None:
                        on_table[k - self.codec.term_base] = 1.0
        drafted = [0.0] * len(self.codec.terms)
        for t in draft:
            drafted[self.codec.term_ids[t] - self.codec.term_base] = 1.0
        out += offer + drafted + on_table
        out += [
            1.0 if session is not None and session.get("offer_by") == me else 0.0,
            _num(session["exchanges"]) / max(1.0, _num(session["max_exchanges"]))
            if session
            else 0.0,
            len(view["you"].get("pending_orders", ())) / max(1, self.codec.rules.limits.max_orders),
        ]
        you = view["you"]
        objectives = list(you.get("objectives", ()))[: self.max_objectives]
        for obj in objectives:
            out += [_num(obj.get("weight")), _num(obj.get("best")), _num(obj.get("worst"))]
        out += [0.0, 0.0, 0.0] * (self.max_objectives - len(objectives))
        out.append(_num(you.get("win_set"), 100.0))
        # the fixed length is part of the spaces' contract
        out += [0.0] * (self.size - len(out))
        return out[: self.size]


def _term(t: Any) -> Term:
    if isinstance(t, dict):
        return Term(str(t["item"]), float(t["level"] if "level" in t else t["value"]))
    return Term(str(t[0]), float(t[1]))
