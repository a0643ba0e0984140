"""The built-in agents' shortcuts give what the plain computation gives, at every step.

Each shortcut in ``agents/tactics.py`` and ``agents/negotiators.py`` is compared, on every
state of random and greedy games in every bundled scenario and from every player's view,
with the code it replaced (written out here as the reference):

* ``trading_partners`` finds the partners in one pass over the catalogue, without making
  entries :class:`Offerable` (the reference: each pair's ``pair_catalogue`` is not empty);
* ``Strategy.talk_requests`` reads the players' ids from the scenario (``Turn.player_ids``),
  not from the view's ``players`` section, which it no longer asks for;
* ``substantive_deal`` reads the item kinds only when a deal of the pair is found;
* ``GreedyAgent.order_shortlist`` sorts the legal orders into pools by their class (and a
  tariff's layer, a statement's kind), the reference a chain of ``isinstance`` tests: the
  same draws from the same stream.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from tradegame.agents.base import Turn, play_match
from tradegame.agents.negotiators import ORDER_SHORTLIST, GreedyAgent
from tradegame.agents.tactics import (
    Strategy,
    item_kinds,
    pair_catalogue,
    pair_records,
    substantive_deal,
    trading_partners,
)
from tradegame.engine import (
    Action,
    Concede,
    Countermeasure,
    ExtendDeadline,
    Game,
    RequestTalks,
    SetTariff,
    Statement,
)
from tradegame.scenario import load_rules
from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = sorted(bundled_scenarios())


def _states(name: str) -> Iterator[Game]:
    """Every state of two random games and of a game of greedy, hawk and random seats."""
    rules = load_rules(name)
    ids = rules.player_ids
    mixes: list[tuple[int, dict[str, str]]] = [
        (0, dict.fromkeys(ids, "random")),
        (1, dict.fromkeys(ids, "random")),
        (2, {p: ("greedy", "hawk", "random")[i % 3] for i, p in enumerate(ids)}),
    ]
    for seed, seats in mixes:
        played = play_match(rules, seed, seats)
        game = Game.new(rules, seed)
        for action in played.actions:
            yield game
            game = game.copy()
            game.apply(action)
        yield game


def _reference_trading_partners(view: dict[str, Any], me: str) -> list[str]:
    out = []
    for p in view["players"]:
        pid = p["id"]
        if pid == me:
            continue
        mine, theirs = pair_catalogue(view, me, pid)
        if mine or theirs:
            out.append(pid)
    return out


def _reference_substantive_deal(
    view: dict[str, Any], a: str, b: str, statuses: Sequence[str] = ("in_force", "agreed")
) -> bool:
    kinds = item_kinds(view)
    for d in view["deals"]:
        if d["unilateral"] or d["status"] not in statuses or set(d["parties"]) != {a, b}:
            continue
        if any(kinds.get(t["item"]) != "process" for t in d["terms"]):
            return True
    return False


def _reference_shortlist(turn: Turn, rng: random.Random) -> list[Action]:
    pools: dict[str, list[Action]] = {}
    for action in turn.legal:
        if isinstance(action, Statement) and action.statement in (
            "claim_progress",
            "reassure",
            "fact_check",
        ):
            pools.setdefault(f"say-{action.statement}", []).append(action)
        elif isinstance(action, Concede):
            pools.setdefault("concede", []).append(action)
        elif isinstance(action, (Countermeasure, ExtendDeadline)):
            pools.setdefault(action.kind, []).append(action)
        elif isinstance(action, SetTariff):
            pools.setdefault(f"tariff-{action.layer}", []).append(action)
    out: list[Action] = []
    for kind in sorted(pools):
        out.append(pools[kind][rng.randrange(len(pools[kind]))])
    rng.shuffle(out)
    return out[:ORDER_SHORTLIST]


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_catalogue_shortcuts_match_the_plain_computation(name: str) -> None:
    checked = found = 0
    for step, game in enumerate(_states(name)):
        if step % 3:
            continue  # every third state (the views are the slow part)
        ids = game.rules.player_ids
        for me in ids:
            view = game.view(me).to_json()
            assert trading_partners(view, me) == _reference_trading_partners(view, me)
            # The talks requests, as made from the whole view (partners met before last).
            turn = Turn(game, me)
            assert turn.player_ids == tuple(p["id"] for p in view["players"])
            strategy = Strategy(random.Random(step))
            strategy.last_talked = {p: (step * 7 + n) % 3 for n, p in enumerate(ids)}
            partners = [
                p
                for p in _reference_trading_partners(view, me)
                if not _reference_substantive_deal(view, me, p)
            ]
            partners.sort(key=lambda p: strategy.last_talked.get(p, 0))
            for limit in (1, 2):
                assert strategy.talk_requests(turn, "ministerial", limit) == [
                    RequestTalks(me, p, "ministerial") for p in partners[:limit]
                ]
            for other in ids:
                for statuses in (("in_force", "agreed"), ("in_force",), ("reneged",)):
                    got = substantive_deal(view, me, other, statuses)
                    assert got == _reference_substantive_deal(view, me, other, statuses)
                    found += got
            checked += 1
    assert checked > 20
    # The games make deals: the branch that reads the item kinds is taken.
    assert found or name == "us-japan-primer"


@pytest.mark.parametrize("name", SCENARIOS)
def test_greedy_shortlists_the_orders_the_plain_computation_does(name: str) -> None:
    checked = 0
    for step, game in enumerate(_states(name)):
        player = game.to_move()
        if player is None or game.phase != "orders":
            continue
        seed = step * 31 + SCENARIOS.index(name)
        agent = GreedyAgent(random.Random(seed))
        reference = random.Random(seed)
        got = agent.order_shortlist(Turn(game, player))
        assert got == _reference_shortlist(Turn(game, player), reference)
        assert agent.rng.getstate() == reference.getstate()  # the same draws
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_turns_sections_are_its_views_and_never_stale(name: str) -> None:
    """``Turn.sections`` gives the sections of the view of the state the turn is for: made
    alone, asked for again (remembered), after the view was made, and on a turn renewed for
    the seat's next move (play_match renews one turn per seat: nothing is kept across)."""
    rules = load_rules(name)
    kept: dict[str, Turn] = {}
    checked = 0
    for step, game in enumerate(_states(name)):
        player = game.to_move()
        if player is None:
            continue
        turn = kept.get(player)
        if turn is None:
            turn = kept[player] = Turn(game, player, True)
        else:
            turn._renew(game, player)
        names = (
            "players",
            "catalogue",
            "snapped_back",
            "deals",
            "you",
            "date",
            "layers",
            "days_to_deadline",
            "talks",
            "round_end_date",
        )
        first = names[: 1 + step % len(names)]
        made = turn.sections(*first)
        assert turn.sections(*first) == made  # remembered
        again = turn.sections(*names)  # the rest made, the first ones kept
        data = game.view(player).to_json()
        assert made == {n: data[n] for n in first}
        assert again == {n: data[n] for n in names}
        turn.view.to_json()
        assert turn.sections(*names) == again  # from the view's own JSON now
        checked += 1
    assert checked > 30 and len(kept) == len(rules.player_ids)


def test_a_section_that_is_not_made_alone_is_refused_by_name() -> None:
    """Asked for a part of the view that is no section (the tariff table, a typo), a turn
    says which sections there are, whether or not its view was made (the view's JSON has a
    "tariffs" key: it must not answer one way before the view and another after)."""
    rules = load_rules("april-2025")
    game = Game.new(rules, 0)
    player = game.to_move()
    assert player is not None
    turn = Turn(game, player)
    for made in (False, True):
        if made:
            turn.view.to_json()
        for name in ("tariffs", "log", "catalog"):
            with pytest.raises(ValueError, match=r"no section '.*'.*catalogue, date"):
                turn.sections("catalogue", name)


@pytest.mark.parametrize("name", SCENARIOS)
def test_talk_requests_read_the_records_as_their_json(name: str) -> None:
    """``Strategy.talk_requests`` reads the catalogue's and deals' records (``Turn.catalogue``,
    ``Turn.deals``), not their JSON: the records say what the JSON says (an item's id,
    availability, kind, owner, receivers; a deal's unilateral, status, parties, items), and
    the requests are the reference's also with items taken off the table."""
    rng = random.Random(name)
    checked = 0
    for step, game in enumerate(_states(name)):
        if step % 3:
            continue
        for me in game.rules.player_ids:
            turn = Turn(game, me)
            records = [(e.id, e.available, e.kind, e.owner, e.to) for e in turn.catalogue()]
            json_ = [
                (e["id"], e["available"], e["kind"], e["owner"], e["to"])
                for e in turn.sections("catalogue")["catalogue"]
            ]
            assert [(*r[:4], r[4] if r[4] == "any" else list(r[4])) for r in records] == json_
            deals = [
                (d.unilateral, d.status, list(d.parties), [t.item for t in d.terms])
                for d in turn.deals()
            ]
            assert deals == [
                (d["unilateral"], d["status"], d["parties"], [t["item"] for t in d["terms"]])
                for d in turn.sections("deals")["deals"]
            ]
        # Items taken off the table (on a copy): fewer partners, the same as the reference.
        off = game.copy()
        kept = sorted(off.available_items)
        off.available_items = frozenset(i for i in kept if rng.random() < 0.3)
        for me in off.rules.player_ids:
            view = off.view(me).to_json()
            partners = [
                p
                for p in _reference_trading_partners(view, me)
                if not _reference_substantive_deal(view, me, p)
            ]
            assert Strategy(random.Random(step)).talk_requests(Turn(off, me), limit=9) == [
                RequestTalks(me, p, "ministerial") for p in partners
            ]
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_negotiators_ladder_reads_the_records_as_their_json(name: str) -> None:
    """``Negotiator.packages`` and ``TermValues._deal_bonus`` read the catalogue's records
    (``pair_records``) and the win-set (``Turn.win_set``), not the view's JSON: every pair's
    items are :func:`pair_catalogue`'s of the view's JSON, in order, also with items taken
    off the table, and the win-set is the one the view's ``you`` shows."""
    rng = random.Random(name)
    checked = 0
    for step, game in enumerate(_states(name)):
        if step % 3:
            continue
        off = game.copy()
        off.available_items = frozenset(
            i for i in sorted(off.available_items) if rng.random() < 0.5
        )
        for g in (game, off):
            for me in g.rules.player_ids:
                turn = Turn(g, me)
                view = g.view(me).to_json()
                assert turn.win_set == view["you"]["win_set"]
                for other in g.rules.player_ids:
                    got = pair_records(turn.catalogue(), me, other)
                    assert got == pair_catalogue(view, me, other)
                    checked += bool(got[0] or got[1])
    assert checked > 20


class _Listed:
    """Legal moves given as lists (a kind's orders in any order), for order_shortlist."""

    def __init__(self, kinds: list[list[Action]]) -> None:
        self.kinds = kinds

    def orders_of(self, classes: object) -> list[list[Action]]:
        return [list(k) for k in self.kinds]

    def __iter__(self) -> Iterator[Action]:
        return (a for k in self.kinds for a in k)


class _ListedTurn:
    def __init__(self, kinds: list[list[Action]]) -> None:
        self.legal = _Listed(kinds)


def test_greedy_pools_a_layers_orders_wherever_they_come() -> None:
    """A layer's tariff orders in several runs (the legal list keeps them in one run in every
    bundled scenario) are one pool all the same, as the plain computation pools them."""
    t = [
        SetTariff("US", layer, rate)
        for layer, rate in [
            ("a", 0.1),
            ("a", 0.2),
            ("b", 0.1),
            ("a", 0.3),
            ("c", 0.0),
            ("b", 0.4),
            ("a", 0.5),
        ]
    ]
    said = [Statement("US", s, "EU") for s in ("reassure", "threat", "claim_progress", "reassure")]
    for seed in range(40):
        kinds: list[list[Action]] = [t, said]
        agent = GreedyAgent(random.Random(seed))
        reference = random.Random(seed)
        turn: Any = _ListedTurn(kinds)
        assert agent.order_shortlist(turn) == _reference_shortlist(turn, reference)
        assert agent.rng.getstate() == reference.getstate()
