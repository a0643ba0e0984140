"""The action codec: fixed ids, exact masks (a differential test against the engine's
legality over random games) and encode/decode round trips."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradegame.engine import Accept, Counter, Game, Pass, Propose, Reject
from tradegame.engine.actions import deal_terms
from tradegame.rl.codec import ACCEPT, PASS, REJECT, SEND, ActionCodec
from tradegame.scenario import load_rules
from tradegame.scenario.bundled import bundled_scenarios

RULES = load_rules("april-2025")
CODEC = ActionCodec(RULES)


def states(seed: int, rules=RULES, limit: int = 5000):
    """Every state of one random game (the game object, mutated between yields)."""
    rng = random.Random(seed)
    game = Game.new(rules, seed)
    for _ in range(limit):
        if game.is_over():
            return
        yield game
        game.apply(game.legal_actions().sample(rng))


def check_mask(game: Game, rng: random.Random, codec: ActionCodec = CODEC) -> None:
    p = game.to_move()
    legal = game.legal_actions(p)
    ids = codec.legal_ids(game, p)
    session = game.session
    if session is None:
        assert {codec.decode(game, p, (), i) for i in ids} == set(legal)
        return
    for i, cls in ((PASS, Pass), (ACCEPT, Accept), (REJECT, Reject)):
        assert (i in ids) == (cls(p) in legal)
    partner = session.responder if p == session.requester else session.requester
    verb = Propose if session.offer is None else Counter
    offer = set(session.offer or ())
    addable = {codec.terms[i - codec.term_base] for i in ids if i >= codec.term_base}
    for term in codec.terms:
        # Some legal deal contains the term: alone, or with a term of another item (when
        # alone it would repeat a one-term offer).
        alone = verb(p, partner, (term,)) in legal
        paired = {term} == offer and any(
            game.can(verb(p, partner, deal_terms([term, t])))
            for t in addable
            if t.item != term.item
        )
        assert (term in addable) == (alone or paired)
    # A walk over the mask always ends in a legal deal.
    draft: tuple = ()
    for _ in range(rng.randint(1, codec.rules.limits.max_terms)):
        ids = codec.legal_ids(game, p, draft)
        terms = [i for i in ids if i >= codec.term_base]
        if not terms:
            break
        draft = (*draft, codec.decode(game, p, draft, rng.choice(terms)))
    if draft:
        send = codec.send(game, p, draft)
        assert (SEND in codec.legal_ids(game, p, draft)) == (send in legal)
        assert send in legal or set(draft) == offer


@pytest.mark.parametrize("seed", range(60))
def test_mask_equals_legality_on_every_state_of_random_games(seed):
    rng = random.Random(seed)
    seen_talks = seen_orders = 0
    for game in states(seed):
        check_mask(game, rng)
        seen_talks += game.session is not None
        seen_orders += game.session is None
    assert seen_talks and seen_orders


def test_ids_are_fixed_per_scenario():
    again = ActionCodec(load_rules("april-2025"))
    assert again.n == CODEC.n
    assert [again.describe(i) for i in range(again.n)] == [
        CODEC.describe(i) for i in range(CODEC.n)
    ]
    assert CODEC.describe(PASS) == "pass"
    assert 300 < CODEC.n < 600


@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(0, 120))
def test_encode_then_decode_gives_the_action_back(seed, steps):
    rng = random.Random(seed)
    game = Game.new(RULES, seed)
    for _ in range(steps):
        if game.is_over():
            return
        game.apply(game.legal_actions().sample(rng))
    if game.is_over():
        return
    p = game.to_move()
    action = game.legal_actions(p).sample(rng)
    draft: tuple = ()
    decoded = None
    for i in CODEC.encode(game, action):
        assert i in CODEC.legal_ids(game, p, draft)
        decoded = CODEC.decode(game, p, draft, i)
        if i >= CODEC.term_base and i < CODEC.term_base + len(CODEC.terms):
            draft = (*draft, decoded)
    assert decoded == action
    # and every legal id (but a term) decodes to an action that encodes to that id
    for i in CODEC.legal_ids(game, p):
        if CODEC.term_base <= i < CODEC.term_base + len(CODEC.terms):
            continue
        assert CODEC.encode(game, CODEC.decode(game, p, (), i)) == [i]


def test_decode_refuses_ids_that_mean_nothing_now():
    game = Game.new(RULES, 1)
    p = game.to_move()
    with pytest.raises(ValueError):
        CODEC.decode(game, p, (), CODEC.n)
    with pytest.raises(ValueError):
        CODEC.decode(game, p, (), SEND)  # an empty draft
    other = next(q for q in RULES.player_ids if q != p)
    with pytest.raises(ValueError):
        CODEC.decode(game, p, (), CODEC.renege_base[other])


@pytest.mark.parametrize("name", [n for n in bundled_scenarios() if n != "april-2025"])
def test_mask_equals_legality_in_the_other_bundled_scenarios(name):
    codec = ActionCodec(load_rules(name))
    for seed in range(10):
        rng = random.Random(seed)
        for game in states(seed, codec.rules):
            check_mask(game, rng, codec)
