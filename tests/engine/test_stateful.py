"""Stateful property test of the engine (CONVENTIONS §B.3): play legal actions, check invariants.

Every step applies one action drawn from ``legal_actions(to_move())`` (or an instructor inject,
or a ``what_if`` that must change nothing) and then checks the rules that must hold in every
state: bounded polls and tariffs, a monotonic clock and a ledger that matches it, no NaN, scores
in range, a mover exactly when the game is not over, the notation round trip of every action
played, ``in`` agreeing with ``can()``, and the accounting identity of the trade model.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tradegame.engine import (
    Accept,
    Action,
    Concede,
    Counter,
    Countermeasure,
    Done,
    ExtendDeadline,
    Game,
    IllegalActionError,
    Inject,
    Pass,
    Propose,
    Reject,
    Renege,
    RequestTalks,
    SetTariff,
    Statement,
    Term,
    parse,
)
from tradegame.engine import economy as eco
from tradegame.engine.actions import deal_terms
from tradegame.scenario import load_rules

RULES = load_rules(Path(__file__).with_name("small.yaml"))
PLAYERS = RULES.player_ids


def _countermeasure_margin() -> float:
    """The most that active countermeasure packages can add on one flow cell."""
    per_cell: dict[tuple[str, str, str], float] = {}
    for p in RULES.players:
        for c in p.countermeasures:
            for sector, rate in c.tariffs:
                key = (p.id, c.target, sector)
                per_cell[key] = per_cell.get(key, 0.0) + rate
    return max(per_cell.values(), default=0.0)


RATE_BOUND = RULES.limits.max_tariff + _countermeasure_margin()
INJECTS = [e.id for e in RULES.events if e.trigger == "inject"]


def test_premise_every_flow_is_between_players() -> None:
    """The accounting identity below needs both ends of every flow among the players."""
    assert RULES.flows
    for f in RULES.flows:
        assert f.exporter in PLAYERS and f.importer in PLAYERS


def _walk_numbers(value: Any, path: str = "$") -> list[str]:
    """Paths of every non-finite float in a JSON-like value."""
    bad: list[str] = []
    if isinstance(value, float):
        if not math.isfinite(value):
            bad.append(path)
    elif isinstance(value, dict):
        for k, v in value.items():
            bad += _walk_numbers(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for n, v in enumerate(value):
            bad += _walk_numbers(v, f"{path}[{n}]")
    return bad


def _candidates(game: Game, player: str, rng: random.Random) -> list[Action]:
    """Actions that are legal, nearly legal or plainly illegal for ``player`` right now."""
    items = [it.id for it in RULES.items]
    others = [p for p in PLAYERS if p != player]
    out: list[Action] = [
        Pass(player),
        Done(player),
        Accept(player),
        Reject(player),
        SetTariff(player, "a-on-b", rng.choice([0.0, 0.05, 0.1, 0.12, 0.25, 0.5, 0.55, 1.0])),
        SetTariff(player, "a-on-c", 0.2),
        Countermeasure(player, rng.choice(["b-cm", "c-cm", "nope"]), rng.random() < 0.5),
        ExtendDeadline(player, rng.choice([-7, 0, 3, 7, 14, 21])),
        Renege(player, rng.choice(["d1", "d2", "d3", "zz"])),
        RequestTalks(
            player,
            rng.choice(others + [player]),
            rng.choice(["working", "ministerial", "leader", "summit"]),
        ),
        Statement(
            player,
            rng.choice(
                ["claim_progress", "reassure", "threat", "fact_check", "public_demand", "boast"]
            ),
            rng.choice(others),
            rng.choice(["", "a-claim", "b-cm", "b-invest=80", "a-on-b"]),
        ),
    ]
    for cls in (Propose, Counter, Concede):
        k = rng.randint(1, 4)
        terms = tuple(
            sorted(
                {
                    Term(i, rng.choice([0.0, 0.1, 0.2, 1.0, 5.0, 7.0, 40.0, 80.0]))
                    for i in rng.sample(items, k)
                }
            )
        )
        out.append(cls(player, rng.choice(others + [player]), terms))
    # The same moves by someone else, who is not to move.
    stranger = rng.choice(others)
    out += [Pass(stranger), Done(stranger), Accept(stranger)]
    return out


def universe(game: Game, player: str) -> Iterator[Action]:
    """Every well-formed move ``player`` could name from the scenario's ids and levels.

    The legal-action view must list exactly those of them that ``can()`` accepts.
    """
    rules = game.rules
    others = [p for p in PLAYERS if p != player]
    yield from (Pass(player), Done(player), Accept(player), Reject(player))
    terms = [Term(it.id, lv.value) for it in rules.items for lv in it.levels]
    for k in range(1, rules.limits.max_terms + 1):
        for combo in itertools.combinations(terms, k):
            if len({t.item for t in combo}) < k:
                continue
            combo = deal_terms(combo)  # the canonical (sorted) form
            for partner in others:
                yield Propose(player, partner, combo)
                yield Counter(player, partner, combo)
                if k == 1:
                    yield Concede(player, partner, combo)
    step = rules.limits.tariff_step
    n_steps = round(rules.limits.max_tariff / step)
    for la in rules.layers:
        for k in range(n_steps + 1):
            yield SetTariff(player, la.id, round(k * step, 10))
    for p in rules.players:
        for c in p.countermeasures:
            yield Countermeasure(player, c.id, True)
            yield Countermeasure(player, c.id, False)
    subjects = (
        [""]
        + [c.id for c in rules.claims]
        + [la.id for la in rules.layers]
        + [c.id for p in rules.players for c in p.countermeasures]
        + [str(t) for t in terms]
    )
    for kind in ("claim_progress", "public_demand", "threat", "reassure", "fact_check"):
        for partner in others:
            for subject in subjects:
                yield Statement(player, kind, partner, subject)
    for partner in others:
        for level in ("working", "ministerial", "leader"):
            yield RequestTalks(player, partner, level)
    c = rules.calendar
    for days in range(0, c.max_extension_days + 2 * c.extension_step_days + 1):
        yield ExtendDeadline(player, days)
    for d in game.deals:
        yield Renege(player, d.id)


class EngineMachine(RuleBasedStateMachine):
    """One game of small.yaml, played by legal moves chosen by hypothesis."""

    game: Game

    @initialize(seed=st.integers(0, 2**32 - 1))
    def start(self, seed: int) -> None:
        self.game = Game.new(RULES, seed)
        self.last_day = self.game.day
        self.last_round = self.game.round
        self.checked_actions = 0
        self.finished = getattr(self, "finished", 0)

    def teardown(self) -> None:
        game = getattr(self, "game", None)
        if game is not None:  # coverage of the run, shown by --hypothesis-show-statistics
            event(f"ended in round {game.round}" + (" (over)" if game.is_over() else ""))
            event(f"games finished: {self.finished}")

    # -- moves -------------------------------------------------------------------------------

    def _apply(self, action: Action) -> None:
        game = self.game
        legal = game.legal_actions(game.to_move())
        assert action in legal, f"{action} drawn from the legal actions but not `in` them"
        assert game.can(action)
        game.apply(action)

    @precondition(lambda self: not self.game.is_over())
    @rule(data=st.data())
    def play_sampled(self, data: st.DataObject) -> None:
        """Any legal move, via the view's own sampler (deals make the full list large)."""
        game = self.game
        legal = game.legal_actions(game.to_move())
        action = legal.sample(random.Random(data.draw(st.integers(0, 2**32 - 1))))
        self._apply(action)

    @precondition(lambda self: not self.game.is_over())
    @rule(data=st.data())
    def play_listed(self, data: st.DataObject) -> None:
        """A legal move drawn from a bounded prefix of the view's iteration order."""
        game = self.game
        legal = game.legal_actions(game.to_move())
        prefix = list(itertools.islice(iter(legal), 200))
        assert prefix, "a player to move has no legal action"
        self._apply(data.draw(st.sampled_from(prefix)))

    @precondition(lambda self: not self.game.is_over())
    @rule(seed=st.integers(0, 2**32 - 1), moves=st.integers(1, 20))
    def play_run(self, seed: int, moves: int) -> None:
        """Several sampled moves in one step (invariants checked after each): reaches the end."""
        rng = random.Random(seed)
        for _ in range(moves):
            if self.game.is_over():
                return
            self._apply(self.game.legal_actions(self.game.to_move()).sample(rng))
            self._check_all()

    @precondition(lambda self: not self.game.is_over())
    @rule()
    def play_quietly(self) -> None:
        """Pass, reject or done: moves the game on so that later rounds are reached."""
        game = self.game
        mover = game.to_move()
        assert mover is not None
        session = game.session
        if session is None:
            action: Action = Done(mover)
        else:
            action = Pass(mover) if session.offer is None else Reject(mover)
        self._apply(action)

    @precondition(lambda self: not self.game.is_over() and bool(INJECTS))
    @rule(data=st.data())
    def instructor_inject(self, data: st.DataObject) -> None:
        inject = Inject("!", data.draw(st.sampled_from(INJECTS)))
        assert self.game.can(inject)
        self.game.apply(inject)

    @precondition(lambda self: self.game.is_over())
    @rule(seed=st.integers(0, 2**32 - 1))
    def game_over_then_restart(self, seed: int) -> None:
        """A finished game takes no moves and its scores are final; then a new game starts."""
        game = self.game
        assert game.to_move() is None
        for p in PLAYERS:
            assert len(game.legal_actions(p)) == 0
            assert not game.can(Done(p)) and not game.can(Pass(p))
        if INJECTS:
            assert not game.can(Inject("!", INJECTS[0]))
        final = game.scores()
        assert game.scores() == final
        assert game.view(PLAYERS[0]).to_json()["you"]["score"] is not None
        self.finished += 1
        self.start(seed)

    # -- checks that are steps of their own --------------------------------------------------

    @precondition(lambda self: not self.game.is_over())
    @rule(data=st.data())
    def what_if_changes_nothing(self, data: st.DataObject) -> None:
        game = self.game
        before = game.state_hash()
        n_actions, n_log = len(game.actions), len(game.log)
        mover = game.to_move()
        assert mover is not None
        legal = game.legal_actions(mover)
        hypo = [legal.sample(random.Random(data.draw(st.integers(0, 2**32 - 1))))]
        projection = game.what_if(mover, hypo)
        assert game.state_hash() == before
        assert (len(game.actions), len(game.log)) == (n_actions, n_log)
        assert projection.player == mover
        for value in (projection.score, projection.baseline):
            assert math.isfinite(value) and -1e-9 <= value <= 100 + 1e-9
        assert not _walk_numbers(projection.to_json())
        json.dumps(projection.to_json(), allow_nan=False)

    @precondition(lambda self: not self.game.is_over())
    @rule(data=st.data())
    def membership_agrees_with_can(self, data: st.DataObject) -> None:
        game = self.game
        mover = game.to_move()
        assert mover is not None
        legal = game.legal_actions(mover)
        rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
        before = game.state_hash()
        for action in _candidates(game, mover, rng):
            if action.player == mover:
                assert (action in legal) == game.can(action), str(action)
            else:
                assert action not in legal, str(action)
                assert not game.can(action), str(action)
            # can() and verify() agree, and verify raises only the documented error.
            try:
                game.verify(action)
                ok = True
            except IllegalActionError as exc:
                assert str(exc)
                ok = False
            assert ok == game.can(action)
        assert game.state_hash() == before, "checking legality changed the game"

    @precondition(lambda self: not self.game.is_over() and self.game.session is None)
    @rule()
    def order_list_is_consistent(self) -> None:
        """In the orders phase the full list is small: len, iteration and can() agree."""
        game = self.game
        mover = game.to_move()
        assert mover is not None
        legal = game.legal_actions(mover)
        listed = list(legal)
        assert len(listed) == len(legal)
        assert len(set(listed)) == len(listed), "duplicate legal actions"
        assert all(game.can(a) for a in listed)
        assert Done(mover) in listed

    @precondition(lambda self: not self.game.is_over())
    @rule()
    def nobody_else_may_move(self) -> None:
        game = self.game
        mover = game.to_move()
        for p in PLAYERS:
            if p != mover:
                assert len(game.legal_actions(p)) == 0
                assert not game.legal_actions(p)

    # -- invariants (also called after each move of play_run) -------------------------------

    def _check_all(self) -> None:
        for name in (
            "polls_in_range",
            "tariffs_bounded",
            "clock",
            "no_nan_in_state",
            "scores_in_range",
            "mover_iff_not_over",
            "actions_print_and_parse",
            "accounting_identity",
            "copy_is_faithful",
        ):
            getattr(self, name)()

    @invariant()
    def polls_in_range(self) -> None:
        g = self.game
        for name, values in (
            ("approval", g.approval),
            ("credibility", g.credibility),
            ("relations", g.relations),
        ):
            for key, v in values.items():
                assert math.isfinite(v) and 0.0 <= v <= 100.0, (name, key, v)
        assert math.isfinite(g.stress) and 0.0 <= g.stress <= 100.0, g.stress

    @invariant()
    def tariffs_bounded(self) -> None:
        for cell, rate in zip(eco.compile_rules(RULES).cells, self.game.rates(), strict=True):
            assert math.isfinite(rate), cell
            assert -1e-12 <= rate <= RATE_BOUND + 1e-9, (cell, rate)

    @invariant()
    def clock(self) -> None:
        g = self.game
        assert g.day >= self.last_day, "the day went backwards"
        assert g.round >= self.last_round, "the round went backwards"
        self.last_day, self.last_round = g.day, g.round
        resolved = len(g.round_hashes)
        c = RULES.calendar
        assert g.ledger.days == resolved * c.round_days
        assert g.day == c.start_day + resolved * c.round_days
        assert g.round == (resolved if g.is_over() else resolved + 1)
        assert g.deadline_day - c.deadline_day <= c.max_extension_days
        assert len(g.history) == resolved

    @invariant()
    def no_nan_in_state(self) -> None:
        state = self.game.state_json()
        assert not _walk_numbers(state)
        json.dumps(state, allow_nan=False)
        for viewer in (*PLAYERS, None):
            view = self.game.view(viewer).to_json()
            assert not _walk_numbers(view), viewer

    @invariant()
    def scores_in_range(self) -> None:
        g = self.game
        for scores in (g.scores(), g.batna()):
            assert set(scores) == set(PLAYERS)
            for p, s in scores.items():
                assert math.isfinite(s) and -1e-9 <= s <= 100 + 1e-9, (p, s)

    @invariant()
    def mover_iff_not_over(self) -> None:
        g = self.game
        assert (g.to_move() is None) == g.is_over()
        if not g.is_over():
            mover = g.to_move()
            legal = g.legal_actions(mover)
            assert legal and len(legal) > 0

    @invariant()
    def actions_print_and_parse(self) -> None:
        for action in self.game.actions[self.checked_actions :]:
            assert parse(str(action)) == action, str(action)
        self.checked_actions = len(self.game.actions)

    @invariant()
    def accounting_identity(self) -> None:
        """Every flow is between players, so one's exports are another's imports."""
        g = self.game
        total = sum(g.balance(p) for p in PLAYERS)
        scale = sum(f.value_bn for f in RULES.flows)
        assert abs(total) <= 1e-9 * scale, total
        for a in PLAYERS:
            for b in PLAYERS:
                if a < b:
                    assert abs(g.balance(a, b) + g.balance(b, a)) <= 1e-9 * scale

    @invariant()
    def copy_is_faithful(self) -> None:
        g = self.game
        assert g.copy().state_hash() == g.state_hash()


EngineMachine.TestCase.settings = settings(
    settings(),  # the loaded profile (tests/conftest.py): max_examples, derandomize
    stateful_step_count=50,
    deadline=None,
)
TestEngine = EngineMachine.TestCase


def test_legal_view_is_exactly_the_legal_set() -> None:
    """In every state of a few random games, iterating the legal-action view gives exactly
    the moves that can() accepts: no move is legal only through ``in`` (a bot or an RL mask
    built from the list would never find it), and nothing listed is refused."""
    problems: list[str] = []
    for seed in range(3):
        game = Game.new(RULES, seed)
        rng = random.Random(seed)
        while not game.is_over() and len(problems) < 5:
            mover = game.to_move()
            assert mover is not None
            listed = set(game.legal_actions(mover))
            accepted = {a for a in universe(game, mover) if game.can(a)}
            for a in sorted(accepted - listed, key=str):
                problems.append(f"round {game.round} {game.phase}: {a} is legal but not listed")
            for a in sorted(listed - accepted, key=str):
                problems.append(f"round {game.round} {game.phase}: {a} is listed but refused")
            game.apply(game.legal_actions(mover).sample(rng))
    assert not problems, "\n".join(sorted(set(problems))[:20])


BUNDLED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


def test_bundled_scenarios_keep_the_invariants() -> None:
    """Random games of every bundled scenario (none is fine) keep the invariants above."""
    for path in BUNDLED:
        rules = load_rules(path)
        ids = rules.player_ids
        closed = all(f.exporter in ids and f.importer in ids for f in rules.flows)
        margin: dict[tuple[str, str, str], float] = {}
        for p in rules.players:
            for c in p.countermeasures:
                for sector, r in c.tariffs:
                    margin[(p.id, c.target, sector)] = margin.get((p.id, c.target, sector), 0.0) + r
        bound = rules.limits.max_tariff + max(margin.values(), default=0.0)
        for seed in (0, 1):
            game = Game.new(rules, seed)
            rng = random.Random(seed)
            last_day = game.day
            while True:
                where = f"{path.name} seed {seed} after {len(game.actions)} actions"
                assert (game.to_move() is None) == game.is_over(), where
                assert game.day >= last_day, where
                last_day = game.day
                assert game.ledger.days == len(game.round_hashes) * rules.calendar.round_days
                for key, v in [
                    *game.approval.items(),
                    *game.credibility.items(),
                    *game.relations.items(),
                    ("stress", game.stress),
                ]:
                    assert 0 <= v <= 100, (where, key, v)
                for rate in game.rates():
                    assert math.isfinite(rate) and 0 <= rate <= bound + 1e-9, (where, rate)
                assert not _walk_numbers(game.state_json()), where
                for s in game.scores().values():
                    assert 0 <= s <= 100, where
                if closed:
                    assert abs(sum(game.balance(p) for p in ids)) < 1e-6, where
                if game.is_over():
                    break
                action = game.legal_actions(game.to_move()).sample(rng)
                assert parse(str(action)) == action
                game.apply(action)
