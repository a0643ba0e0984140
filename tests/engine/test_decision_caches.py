"""What the decision side remembers must agree with a fresh computation, in every state.

- ``LegalActions`` makes its groups of moves once per state: ``len()`` then iteration (as
  ``list()`` does) share them, and a view asked again after a move sees the new state.
- The talks sampler remembers, per scenario, what two players can put in a deal (the items on
  the table and their terms at the levels that can be agreed now), by the values of the state
  that ``talks.item_now`` and ``talks.level_fits`` read (``talks.terms_moment``).
- A talks move the sampler draws is marked verified for ``apply()``: it must pass a fresh
  ``verify()`` (on a copy, which remembers nothing), in every talks state of random games.
- The sampler draws a deal's items as ``random.Random.sample`` does.
- The order sampler marks the candidates ``orders.NOW`` refused this round: each marked one
  must be refused by a fresh ``verify()``, and the draws must be those made without marks.

The games below take copies and refuse illegal actions on the way, and every remembered value
is compared with one made afresh, bit for bit.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradegame.engine import Action, Game
from tradegame.engine import legal as legal_module
from tradegame.engine.actions import Concede, Term, deal_terms, parse
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.legal import LegalActions, _sample_indices, _sampler_memo
from tradegame.engine.phases import orders, talks
from tradegame.engine.rules import Rules
from tradegame.scenario import load_rules

SMALL = Path(__file__).with_name("small.yaml")
SCENARIOS = ["april-2025", "with-china", "china-lesson", str(SMALL)]


def _illegal(game: Game, player: str) -> Action:
    """An action that is never legal now: a concession of an item nobody has."""
    return Concede(player, player, (Term("no-such-item", 1.0),))


def _states(rules: Rules, seeds: range) -> Iterator[tuple[Game, str, random.Random]]:
    """Every state of random games (a copy played on now and then, an illegal action refused
    in every state), with the player to move and the agent's stream."""
    for seed in seeds:
        rng = random.Random(seed)
        game = Game.new(rules, seed)
        while (player := game.to_move()) is not None:
            with pytest.raises(IllegalActionError):
                game.apply(_illegal(game, player))
            if rng.random() < 0.05:
                game = game.copy()  # the copy goes on; the original is left behind
            yield game, player, rng
            game.apply(game.legal_actions(player).sample(rng))


def _fresh_table(game: Game, a: str, b: str) -> tuple[object, ...]:
    legal = LegalActions(game, game.to_move())
    table = legal._make_table(a, b, {})  # nothing remembered: every term made anew
    return table.items, table.terms, table.count


def _talks_states(
    rules: Rules, seeds: range
) -> Iterator[tuple[Game, str, str, LegalActions, random.Random]]:
    """The talks states of :func:`_states`, with the partner and the legal actions."""
    for game, player, rng in _states(rules, seeds):
        s = game.session
        if s is not None:
            partner = s.responder if player == s.requester else s.requester
            yield game, player, partner, game.legal_actions(player), rng


@pytest.mark.parametrize("name", SCENARIOS)
def test_remembered_deal_tables_agree_with_fresh_ones(name: str) -> None:
    rules = load_rules(name)
    checked = 0
    for game, player, partner, legal, _ in _talks_states(rules, range(8)):
        table = legal._table(player, partner)
        assert (table.items, table.terms, table.count) == _fresh_table(game, player, partner)
        # The public look at the table is the same one.
        assert legal.deal_items(player, partner) == list(table.items)
        offered = legal.deal_terms()  # empty when no deal can be proposed or countered
        assert offered in ([], [t for terms in table.terms for t in terms])
        checked += 1
    assert checked > 20
    assert _sampler_memo(rules).tables  # the memory was used


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_remembered_table_follows_the_moment(name: str) -> None:
    # The sampler finds a table first as the last one for the two players, if its moment is
    # the same (a game's frozenset of items, kept from move to move, compares as the same
    # object), then by the moment's values: a new set of items, equal or not, or another
    # extension count, must give the table made from nothing.
    rules = load_rules(name)
    checked = 0
    for game, player, partner, legal, rng in _talks_states(rules, range(6)):
        table = legal._table(player, partner)
        items, days = game.available_items, game.extension_days
        try:
            for changed in range(4):
                if changed == 0:  # an equal set of items, another object
                    game.available_items = frozenset(items)
                elif changed == 1 and table.items:  # one item on the table withdrawn
                    game.available_items = items - {rng.choice(table.items).id}
                elif changed == 2:  # every item of the catalogue available
                    game.available_items = frozenset(it.id for it in rules.items)
                else:  # the extension used up
                    game.available_items = items
                    game.extension_days = rules.calendar.max_extension_days
                again = legal._table(player, partner)
                assert (again.items, again.terms, again.count) == _fresh_table(
                    game, player, partner
                ), changed
        finally:
            game.available_items, game.extension_days = items, days
        assert legal._table(player, partner) is table
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_drawn_talks_move_passes_a_fresh_verify(name: str) -> None:
    # sample() marks a talks move verified, so apply() does not check it again: it must be
    # legal by the rules, checked on a copy (a copy remembers no verified move).
    rules = load_rules(name)
    checked = 0
    for game, player, rng in _states(rules, range(10)):
        if game.session is None:
            continue
        for n in range(3):
            action = game.legal_actions(player).sample(random.Random(rng.random() + n))
            fresh = game.copy()
            assert fresh._verified is None
            fresh.verify(action)  # raises if the sampler drew an illegal move
            assert action in game.legal_actions(player)
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("name", SCENARIOS)
def test_len_and_iteration_share_one_look_at_the_state(name: str) -> None:
    rules = load_rules(name)
    for game, player, _ in _states(rules, range(6)):
        legal = game.legal_actions(player)
        n = len(legal)
        assert n == len(LegalActions(game, player))  # a fresh view counts the same
        if n > 2_000:  # a talks state with many deals: counted, not listed
            continue
        listed = list(game.legal_actions(player))
        assert len(listed) == n
        assert listed == list(LegalActions(game, player))
        # Every listed move is legal by a fresh verify, and nothing else is (the count).
        fresh = game.copy()
        assert all(fresh.can(a) for a in listed[:50])


def test_list_makes_the_groups_once() -> None:
    rules = load_rules("april-2025")
    game = Game.new(rules, 3)
    calls: list[bool] = []
    original = LegalActions._groups

    def spy(self: LegalActions) -> object:
        calls.append(self._memo is None)
        return original(self)

    listed = 0
    while (player := game.to_move()) is not None and listed < 40:
        legal = game.legal_actions(player)
        if len(LegalActions(game, player)) <= 2_000:  # not a talks state of millions of deals
            LegalActions._groups = spy  # type: ignore[method-assign]
            try:
                calls.clear()
                moves = list(legal)
            finally:
                LegalActions._groups = original  # type: ignore[method-assign]
            # list() asks len() first, then iterates: the groups are made once, on the first.
            assert calls[0] is True and not any(calls[1:]), calls
            assert moves == list(LegalActions(game, player))
            listed += 1
        game.apply(legal.sample(random.Random(len(game.actions))))
        if game.to_move() == player:  # the same view after a move counts the new state
            assert len(legal) == len(LegalActions(game, player))
    assert listed == 40


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    n=st.integers(1, 120),
    k=st.integers(1, 12),
)
def test_the_deal_sampler_draws_items_as_random_sample_does(seed: int, n: int, k: int) -> None:
    k = min(k, n)
    ours, theirs = random.Random(seed), random.Random(seed)
    assert _sample_indices(ours.getrandbits, n, k) == theirs.sample(range(n), k)
    assert ours.getstate() == theirs.getstate()  # the same draws, none more


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_deal_is_drawn_as_randint_sample_and_choice_draw_it(name: str) -> None:
    """_Deals.draw, its uniform draws written out, draws what rng.randint(1, most),
    rng.sample(range(n), k) and rng.choice of each chosen item's levels draw, and no more,
    for every deal group of random games' talks states."""
    rules = load_rules(name)
    groups = 0
    for game, player, rng in _states(rules, range(3)):
        if game.phase != "talks":
            continue
        for group in LegalActions(game, player)._groups():
            if not isinstance(group, legal_module._Deals):
                continue
            groups += 1
            seed = rng.getrandbits(32)
            ours, theirs = random.Random(seed), random.Random(seed)
            terms, cls = group.table.terms, group.cls
            most = min(group.max_terms, len(terms))
            while True:
                k = theirs.randint(1, most)
                chosen = theirs.sample(range(len(terms)), k)
                deal = deal_terms([theirs.choice(terms[i]) for i in chosen])
                if deal != group.offer:
                    break
            assert group.draw(ours) == cls(player, group.partner, deal)
            assert ours.getstate() == theirs.getstate()
    assert groups > 20


def test_the_terms_moment_names_what_the_term_rules_read() -> None:
    # Two states with the same moment agree on every term (the table's key): a game whose
    # moment changes (an extension used up, items off the table) gets a new table.
    rules = load_rules("april-2025")
    game = Game.new(rules, 0)
    before = talks.terms_moment(game)
    game.extension_days = rules.calendar.max_extension_days
    assert talks.terms_moment(game) != before
    game.extension_days = 0
    game.available_items = frozenset()
    assert talks.terms_moment(game) != before


@pytest.mark.parametrize("name", SCENARIOS)
def test_remembered_moment_verdicts_agree_with_the_rule(name: str) -> None:
    # For a kind of orders.BY_MOMENT (the deadline holder's extensions), the sampler keeps
    # which candidates the moment allows, by the values of the state the check reads: in
    # every orders state they must be the rule's verdicts now, and an order is legal exactly
    # when the moment allows it and NOW passes it.
    rules = load_rules(name)
    checked = 0
    for game, player, _ in _states(rules, range(10)):
        if game.phase != "orders" or len(game.orders[player]) >= rules.limits.max_orders:
            continue
        kinds, *_ = game.legal_actions(player)._order_kinds(player)
        for group, now, _, _, allowed, _ in kinds[1:]:
            by_moment = orders.BY_MOMENT.get(type(group[0]))
            if by_moment is None:
                assert allowed is None
                continue
            _, moment = by_moment
            assert allowed == [moment(game, a) is None for a in group]
            fresh = game.copy()
            for a, ok in zip(group, allowed, strict=True):
                assert fresh.can(a) == (ok and now(game, a) is None)
            checked += 1
    if name in ("april-2025", "with-china"):
        assert checked > 20  # the deadline holder's extensions


@pytest.mark.parametrize("name", SCENARIOS)
def test_orders_refused_this_round_are_refused_by_the_rules(name: str) -> None:
    # The order sampler marks, per round and player, each candidate orders.NOW refused (and
    # a kind with none left as dead), and passes over a marked candidate without asking
    # again. In every orders state of random games, every marked candidate must be refused
    # by a fresh verify (on a copy, which remembers nothing), and a sample drawn with the
    # marks must be the one drawn without them (a copy), with the same draws.
    rules = load_rules(name)
    marked = dead = 0
    for game, player, rng in _states(rules, range(10)):
        if game.phase != "orders":
            continue
        # Draw with the marks (this also makes them) and without (a copy: none).
        state = rng.getstate()
        with_marks = random.Random()
        with_marks.setstate(state)
        fresh = game.copy()
        assert fresh._sampler_kinds is None
        action = game.legal_actions(player).sample(with_marks)
        without = random.Random()
        without.setstate(state)
        assert fresh.legal_actions(player).sample(without) == action
        assert with_marks.getstate() == without.getstate()
        cached = game._sampler_kinds
        if cached is None or len(game.orders[player]) >= rules.limits.max_orders:
            continue
        kinds, marks, count, count_bits, most = cached[player]
        # What each draw reads of the round's entry, as the rules say it now: a slot of marks
        # per kind, each kind's its place in the round's list.
        assert (count, count_bits, most) == (
            len(kinds),
            len(kinds).bit_length(),
            rules.limits.max_orders,
        )
        assert [kind[5] for kind in kinds] == list(range(len(kinds))) == list(range(len(marks)))
        plain = game.copy()
        for group, _, _, _, _, slot in kinds[1:]:
            mask = marks[slot]
            if mask is None:
                continue
            if mask is legal_module._DEAD:
                assert not any(plain.can(a) for a in group)
                dead += 1
                continue
            assert len(mask) == len(group)
            for a, ok in zip(group, mask, strict=True):
                if not ok:
                    assert not plain.can(a), a
                    marked += 1
        # The listed moves (which read and add marks) are the legal ones, fresh.
        listed = list(game.legal_actions(player))
        assert listed == list(plain.legal_actions(player))
    assert marked > 20 and dead > 0


def test_news_forgets_the_marks() -> None:
    # An instructor's news may make an order legal again: the round's marks go with it.
    rules = load_rules("april-2025")
    game = Game.new(rules, 1)
    rng = random.Random(1)
    while game.phase != "orders":
        game.apply(game.legal_actions().sample(rng))
    player = game.to_move()
    assert player is not None
    game.legal_actions(player).sample(rng)
    assert game._sampler_kinds is not None
    game.apply(parse("! news -- A statement"))
    assert game._sampler_kinds is None


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(0, 5), max_size=7), max_terms=st.integers(0, 8))
def test_the_deal_count_counts_the_deals(sizes: list[int], max_terms: int) -> None:
    # One to max_terms distinct items, one level each: counted by enumeration. At most 6**7
    # deals to walk (9 items of 9 levels were 10**9: one example took minutes in CI).
    levels = [range(n) for n in sizes]
    expected = sum(
        sum(1 for _ in itertools.product(*chosen))
        for k in range(1, min(max_terms, len(sizes)) + 1)
        for chosen in itertools.combinations(levels, k)
    )
    assert legal_module._deal_count(sizes, max_terms) == expected


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(0, 40), max_size=45), max_terms=st.integers(0, 50))
def test_the_deal_count_is_the_symmetric_sums(sizes: list[int], max_terms: int) -> None:
    # Tables too large to enumerate: the sums of the plain recurrence.
    e = [1] + [0] * max_terms
    for size in sizes:
        for k in range(max_terms, 0, -1):
            e[k] += e[k - 1] * size
    assert legal_module._deal_count(sizes, max_terms) == sum(e[1:])
