"""Projections (DESIGN §3.8, §3.9): ``what_if`` and BATNA, played on a :class:`Projected` game.

A projection is a game of its own, never the real one: a copy whose other players' secret
orders and unpublished deals are left out, whose chance comes from a stream of public facts,
and which assumes that every ratifier but its viewer ratifies. Everyone passes to the end
(:func:`~tradegame.engine.scoring.play_out_passing`) and the viewer's own score is read.
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, ClassVar, Final

from tradegame.engine.actions import (
    Accept,
    Action,
    Counter,
    Pass,
    Propose,
    Reject,
    check_action,
)
from tradegame.engine.chance import Replay, stream_of
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.kinds import DealStatus, SessionStatus
from tradegame.engine.machine import Machine
from tradegame.engine.phases import orders
from tradegame.engine.records import ORDERS, Deal
from tradegame.engine.rules import Rules
from tradegame.engine.scoring import Metrics, Projection, metric, play_out_passing, score
from tradegame.engine.state import State
from tradegame.engine.tables import tables_of

# Chance streams remembered per scenario: a stream's state is about 24 kB (624 ints) and its
# shared draws 4 kB, and a game asks for one (seed, round, phase) at a time, so a few
# suffice (4096 held ~100 MB).
RNG_STATES = 64
_AGREED: Final = DealStatus.AGREED  # (an enum's member read from its class is slow: bound once)
_STATUS: Final = operator.attrgetter("status")


class Projected(Machine):
    """A game played forward for a projection; build one with :meth:`of` (what_if) or from
    rules and seed (BATNA: the game's own chance, every ratification checked)."""

    RECORDS_ROUNDS: ClassVar[bool] = False  # no charts, no round hashes
    KEEPS_LOG: ClassVar[bool] = False  # nothing reads a projection's log (what_if: its notes)
    KEEPS_BASELINES: ClassVar[bool] = False  # (see of)
    SHARES_RATES: ClassVar[bool] = True  # projections revisit the same tariff states
    viewer: str | None = None  # whose projection: the one ratifier whose win-set is read

    @classmethod
    def of(cls, game: Machine, player: str) -> Projected:
        """``game`` as ``player`` may project it: others' secret orders dropped, deals others
        agreed this round (not public until resolution) left out, chance from a separate
        stream that depends on public facts only (not on how long others talked)."""
        sim = game.copy_as(cls, _projection_rng(game))
        sim.viewer = player
        sim.ledger_only = player  # its score and metrics read no other player's sums
        # (It starts with no baselines remembered, KEEPS_BASELINES: the real game's, keyed
        # by the moves played, would be wrong here, where orders and deals are dropped
        # without a move.)
        for other in sim.orders:
            if other != player:
                sim.orders[other] = []
        if _AGREED in map(_STATUS, sim.deals):  # (most moments have no deal just agreed)
            deals = [d for d in sim.deals if d.status != _AGREED or player in d.parties]
            if len(deals) != len(sim.deals):
                # Only deals in force reach the economy; an agreed deal left out changes none
                # of it, but forgetting is cheap next to being wrong.
                sim.deals = deals
                sim._invalidate()
        return sim

    def _share_all(self, new: State) -> None:
        super()._share_all(new)
        if isinstance(new, Projected):
            new.viewer = self.viewer

    def _log(
        self,
        kind: str,
        text: str,
        audience: tuple[str, ...] | None = None,
        phase: str | None = None,
    ) -> None:
        """Nothing: a projection keeps no log (KEEPS_LOG). About 15 lines a what_if."""

    def _logf(
        self,
        kind: str,
        text: Callable[..., str],
        args: tuple[Any, ...],
        audience: tuple[str, ...] | None = None,
        phase: str | None = None,
    ) -> None:
        """Nothing: a projection keeps no log (KEEPS_LOG)."""

    def knows_politics_of(self, party: str) -> bool:
        """The viewer cannot read another player's political costs and gains: in its
        projection they move nobody's approval (assumed neutral)."""
        return self.viewer is None or party == self.viewer

    def ratification_applies(self, party: str) -> bool:
        """The viewer cannot read a partner's win-set: it assumes the partner ratifies."""
        return self.viewer is None or party == self.viewer


def _projection_rng(game: Machine) -> Replay:
    """A projection's chance: the draws of ``random.Random`` seeded with
    ``what-if:{seed}:{round}:{phase}`` (public facts only), its first draws made once per
    scenario and key and replayed by each projection (chance.Replay)."""
    known = game.tables.caches.projection_rng  # (the tables of its rules, made with it)
    seed = game.seed
    # Keyed by the seed as the stream's text has it: seeds equal as keys but written
    # differently (True, 1 and 1.0; 0.0 and -0.0) seed different streams.
    key = (seed if type(seed) is int else f"{seed}", game.round, game.phase)
    stream = known.get(key)
    if stream is None:
        if len(known) >= RNG_STATES:
            known.clear()  # bounded; a miss only costs the seeding
        stream = known[key] = stream_of(
            random.Random(f"what-if:{game.seed}:{game.round}:{game.phase}")
        )
    return Replay(stream)


def batna(rules: Rules, seed: int) -> dict[str, float]:
    """Scores with every player passing throughout; computed once per (rules, seed)."""
    known = tables_of(rules).caches.batna
    cached = known.get(seed)
    if cached is None:
        game = Projected(rules, seed)  # the game's own chance; every ratification real
        play_out_passing(game)
        cached = known[seed] = {p: score(game, p) for p in rules.player_ids}
    return dict(cached)


def _public_metrics(game: Machine, player: str) -> dict[str, float]:
    return {
        "gdp_effect": metric(game, player, "gdp_effect"),
        "trade_balance": metric(game, player, "trade_balance"),
        "tariff_faced": metric(game, player, "tariff_faced"),
        "tariff_revenue": metric(game, player, "tariff_revenue"),
        "consumer_cost": metric(game, player, "consumer_cost"),
        "approval": metric(game, player, "approval"),  # as scored: over the window
        "credibility": metric(game, player, "credibility"),
        "market_stress": game.stress,
    }


def _played_out_metrics(sim: Projected, player: str) -> dict[str, float]:
    play_out_passing(sim)
    return _public_metrics(sim, player)


def _play_hypothetical(sim: Projected, player: str, actions: Sequence[Action]) -> list[str]:
    """Apply ``actions`` as if the partner agreed to any offer; returns notes."""
    notes: list[str] = []
    for action in actions:
        if action.player != player:
            raise IllegalActionError(f"what_if for {player} cannot play {action.player}'s moves")
        session = sim.session
        in_talks = session is not None and player in session.pair
        if isinstance(action, (Propose, Counter, Accept, Reject, Pass)) and not (
            in_talks and session is not None and session.turn == player
        ):
            raise IllegalActionError(f"{player} is not the one to move in talks now")
        if isinstance(action, (Propose, Counter)) and session is not None:
            sim.verify(action)
            deal_partner = action.partner
            deal = Deal(
                id=f"d{len(sim.deals) + 1}",
                parties=(player, deal_partner),
                terms=action.terms,
                round=sim.round,
                level=session.level,
                stakes=session.stakes,
                owner=sim._token,
            )
            sim.deals.append(deal)
            cost = sim.political_cost(deal, player)
            ws = sim.win_set(player)
            if ws is not None:
                fits = "fits" if cost <= ws else "exceeds"
                notes.append(
                    f"its political cost to you ({cost:.1f}) {fits} your win-set ({ws:.1f})"
                )
            notes.append(f"assumes {deal_partner} accepts; its ratification is not checked")
            _close_session(sim)
        elif isinstance(action, Accept) and session is not None:
            sim.apply(action)
        elif isinstance(action, (Reject, Pass)) and session is not None:
            sim.apply(action)
        else:
            # An order: checked as an order of this round, and queued for its resolution
            # even when talks are still running.
            orders.verify(sim, action)
            if sim.session is not None or sim.to_move() != player:
                sim.orders[player].append(action)
            else:
                # Machine.apply, its rules' check just made in this very state (the player
                # is the one to move in the orders phase): well formed, then played.
                check_action(action)
                sim.push(action)
    return notes


def _close_session(sim: Projected) -> None:
    sim.own_session().status = SessionStatus.AGREED
    sim.session_index += 1
    if sim.session_index >= len(sim.sessions):
        sim.phase = ORDERS


def what_if(game: Machine, player: str, actions: Sequence[Action]) -> Projection:
    """Project ``player``'s score after ``actions``; every other player passes to the end.

    Never reads another player's private data: their pending orders are dropped, their
    ratification is assumed, and only ``player``'s own score is reported.
    """
    if player not in game.rules.player_ids:
        raise IllegalActionError(f"unknown player {player!r}")
    key = (len(game.actions), player)
    baseline = game.projection_cache.get(key)
    if not actions:
        # Doing nothing more is the baseline projection itself: played out once. When the
        # baseline is remembered, this copy is played out only if its metrics are read.
        sim = Projected.of(game, player)
        if baseline is None:
            play_out_passing(sim)
            baseline = game.projection_cache[key] = score(sim, player)
            metrics = Metrics(partial(_public_metrics, sim, player))
        else:
            metrics = Metrics(partial(_played_out_metrics, sim, player))
        return Projection(player, baseline, baseline, metrics, ())
    if baseline is None:
        base = Projected.of(game, player)
        play_out_passing(base)
        baseline = game.projection_cache[key] = score(base, player)
    sim = Projected.of(game, player)
    notes = _play_hypothetical(sim, player, actions)
    play_out_passing(sim)
    return Projection(
        player=player,
        score=score(sim, player),
        baseline=baseline,
        metrics=Metrics(partial(_public_metrics, sim, player)),  # computed when read
        notes=tuple(notes),
    )
