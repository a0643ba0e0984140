"""The observation vector: the same as its first version (read from the view's JSON) on every
state of random games, and what the PettingZoo environment remembers per state is what a fresh
computation gives at every step."""

from __future__ import annotations

import random

import pytest

from tradegame.engine import Game, Term
from tradegame.rl.codec import ActionCodec
from tradegame.rl.observation import Observer
from tradegame.scenario import load_rules

RULES = load_rules("april-2025")
CODEC = ActionCodec(RULES)
OBSERVER = Observer(CODEC)


# The observer as first written (it read ``view.to_json()``), kept verbatim as the oracle.
_PLAYER_FIELDS = (
    ("approval", 100.0),
    ("credibility", 100.0),
    ("gdp_effect_pct", 1.0),
    ("trade_balance_bn", 1000.0),
    ("tariff_faced", 1.0),
)


def _num(value, scale=1.0):
    return float(value) / scale if isinstance(value, (int, float)) else -1.0


def _term(t):
    if isinstance(t, dict):
        return Term(str(t["item"]), float(t["level"] if "level" in t else t["value"]))
    return Term(str(t[0]), float(t[1]))


def reference_vector(self, view, draft=()):
    """The vector of ``view`` (a view's ``to_json()``) and ``self``'s draft."""
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
        _num(session["exchanges"]) / max(1.0, _num(session["max_exchanges"])) if session else 0.0,
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


def _random_draft(game, player, rng):
    """A draft of legal add-term ids, as a policy would build it (empty outside talks)."""
    draft: tuple[Term, ...] = ()
    if game.session is None:
        return draft
    for _ in range(rng.randint(0, RULES.limits.max_terms)):
        ids = CODEC.legal_ids(game, player, draft)
        terms = [i for i in ids if CODEC.term_base <= i < CODEC.term_base + len(CODEC.terms)]
        if not terms:
            break
        draft = (*draft, CODEC.terms[rng.choice(terms) - CODEC.term_base])
    return draft


@pytest.mark.parametrize("seed", range(8))
def test_the_vector_is_the_same_as_the_first_versions_on_every_state(seed):
    rng = random.Random(seed)
    game = Game.new(RULES, seed)
    seen_offer = seen_draft = False
    while not game.is_over():
        mover = game.to_move()
        for p in RULES.player_ids:
            view = game.view(p)
            draft = _random_draft(game, p, rng) if p == mover else ()
            assert OBSERVER.observe(view, draft) == reference_vector(
                OBSERVER, view.to_json(), draft
            )
            assert OBSERVER.vector(view) == reference_vector(OBSERVER, view.to_json())
            seen_draft |= bool(draft)
        seen_offer |= game.session is not None and game.session.offer is not None
        game.apply(game.legal_actions().sample(rng))
    assert seen_offer and seen_draft
    view = game.view("JP")  # the end: scores in the view
    assert OBSERVER.vector(view) == reference_vector(OBSERVER, view.to_json())
