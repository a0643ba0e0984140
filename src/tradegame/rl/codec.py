"""A fixed, factored action codec: every move of a scenario as a small integer id.

An id means the same thing in every state (as OpenSpiel's action ids do), so a learner sees one
flat ``Discrete(n)`` space with a mask. A deal is never one id (Japan's first talks move has
tens of millions of legal deals): it is built term by term in a *draft* — "add this item at this
level", repeated, then "send" — and since any set of legal terms on distinct items, one to
``max_terms`` of them, is a legal deal (unless it repeats the offer on the table), the per-term
mask is exact. The ids, in order:

- ``PASS``, ``ACCEPT``, ``REJECT``, ``DONE``, ``SEND`` (propose or counter with the draft);
- one "add term" per catalogue item and level (the scenario's catalogue order);
- each player's orders (``LegalActions.order_catalogue``: tariffs, countermeasures,
  concessions, statements, talks requests, extensions);
- ``renege_slots`` renege ids per player: slot k reneges the k-th of the player's deals in
  force (in the engine's order). A player with more deals in force than slots cannot renege
  the later ones through the codec (the most seen in 60 random games of april-2025: 12).

Only the acting player's own ids are ever unmasked. Free-text messages (``Message``) have no
id: free text cannot be a fixed id, and a message changes nothing but the talkers' logs, so a
learner loses no move without them (the environment's ``send_message`` plays one).
"""

from __future__ import annotations

from tradegame.engine import (
    Accept,
    Action,
    Counter,
    Done,
    Game,
    Pass,
    Propose,
    Reject,
    Renege,
    Rules,
    Term,
)
from tradegame.engine.actions import deal_terms

PASS, ACCEPT, REJECT, DONE, SEND = range(5)
_FIXED = ("pass", "accept", "reject", "done", "send")

Draft = tuple[Term, ...]


class ActionCodec:
    """The fixed action ids of one scenario (see the module docstring)."""

    def __init__(self, rules: Rules, renege_slots: int = 16) -> None:
        self.rules = rules
        self.renege_slots = renege_slots
        self.terms: list[Term] = [
            Term(item.id, lv.value) for item in rules.items for lv in item.levels
        ]
        self.term_base = len(_FIXED)
        self.term_ids: dict[Term, int] = {t: self.term_base + i for i, t in enumerate(self.terms)}
        game = Game.new(rules, 0)
        self.order_ids: dict[Action, int] = {}
        self.by_id: list[Action | Term | int | tuple[str, int]] = [*range(len(_FIXED)), *self.terms]
        self.order_base: dict[str, int] = {}
        for p in rules.player_ids:
            self.order_base[p] = len(self.by_id)
            for action in game.legal_actions(p).order_catalogue():
                self.order_ids[action] = len(self.by_id)
                self.by_id.append(action)
        # The engine lists the same order objects in every state of a scenario (its candidate
        # lists), so an order's id is first looked up by identity (a dict of dataclasses hashes
        # every field); order_ids keeps those objects alive, so their ids are not reused.
        self._order_id_of: dict[int, int] = {id(a): i for a, i in self.order_ids.items()}
        self.renege_base: dict[str, int] = {}
        for p in rules.player_ids:
            self.renege_base[p] = len(self.by_id)
            self.by_id.extend((p, k) for k in range(renege_slots))
        self.n = len(self.by_id)

    def max_steps(self) -> int:
        """An upper bound on the ids one game takes (OpenSpiel's ``max_game_length``).

        Rounds at the latest possible deadline (every extension used); each round, one session
        per pair of players, each of at most ``max_exchanges + 1`` offers of ``max_terms``
        add-term ids and a send, then an answer; then every player's orders and done.
        """
        rules = self.rules
        c = rules.calendar
        last_day = c.deadline_day + c.max_extension_days + c.after_deadline_days
        rounds = max(1, -(-(last_day - c.start_day + 1) // c.round_days))
        players = len(rules.player_ids)
        pairs = players * (players - 1) // 2
        exchanges = max(
            (level.max_exchanges for _, level in rules.talk_levels),
            default=rules.talk_level("").max_exchanges,
        )
        per_session = (exchanges + 1) * (rules.limits.max_terms + 1) + 1
        per_orders = players * (rules.limits.max_orders + 1)
        return rounds * (pairs * per_session + per_orders)

    # -- meaning of an id

    def describe(self, action_id: int) -> str:
        """What an id means, in words (the same in every state)."""
        what = self.by_id[action_id]
        if isinstance(what, int):
            return _FIXED[what]
        if isinstance(what, Term):
            return f"add {what}"
        if isinstance(what, tuple):
            return f"{what[0]} renege slot {what[1]}"
        return str(what)

    def decode(self, game: Game, player: str, draft: Draft, action_id: int) -> Action | Term:
        """The move ``action_id`` stands for now: an engine action, or a ``Term`` to add to the
        draft. Raises ``ValueError`` for an id that means nothing now (check the mask first)."""
        if not 0 <= action_id < self.n:
            raise ValueError(f"action id {action_id} is outside 0..{self.n - 1}")
        what = self.by_id[action_id]
        if isinstance(what, Term):
            return what
        if isinstance(what, tuple):
            owner, k = what
            deals = game.deals_in_force(owner)
            if owner != player or k >= len(deals):
                raise ValueError(f"renege slot {k} of {owner} is empty for {player}")
            return Renege(player, deals[k].id)
        if isinstance(what, Action):
            if what.player != player:
                raise ValueError(f"id {action_id} is an order of {what.player}")
            return what
        if what == SEND:
            return self.send(game, player, draft)
        return (Pass, Accept, Reject, Done)[what](player)

    def send(self, game: Game, player: str, draft: Draft) -> Propose | Counter:
        """The proposal (or counter) the draft stands for now."""
        session = game.session
        if session is None or not draft:
            raise ValueError("send needs talks and a draft")
        partner = session.responder if player == session.requester else session.requester
        terms = deal_terms(list(draft))
        if session.offer is None:
            return Propose(player, partner, terms)
        return Counter(player, partner, terms)

    def encode(self, game: Game, action: Action) -> list[int]:
        """The ids that play ``action`` from an empty draft: one id, or a deal's add-term ids
        then ``SEND``. Raises ``ValueError`` for an action the codec cannot express."""
        if isinstance(action, (Propose, Counter)):
            return [self.term_ids[t] for t in action.terms] + [SEND]
        for k, cls in enumerate((Pass, Accept, Reject, Done)):
            if type(action) is cls:
                return [k]
        if isinstance(action, Renege):
            ids = [d.id for d in game.deals_in_force(action.player)]
            if action.deal in ids and ids.index(action.deal) < self.renege_slots:
                return [self.renege_base[action.player] + ids.index(action.deal)]
            raise ValueError(f"{action} has no renege slot")
        found = self.order_ids.get(action)
        if found is None:
            raise ValueError(f"{action} is not in the codec")
        return [found]

    # -- the mask

    def legal_ids(self, game: Game, player: str, draft: Draft = ()) -> list[int]:
        """The ids legal for ``player`` now, given the talks draft, in increasing order."""
        if game.is_over() or game.to_move() != player:
            return []
        session = game.session
        legal = game.legal_actions(player)
        if session is None:
            out = [DONE]
            reneges: dict[str, int] | None = None
            base = self.renege_base[player]
            by_identity = self._order_id_of
            for action in legal:
                found = by_identity.get(id(action))
                if found is not None:
                    out.append(found)
                elif isinstance(action, Renege):
                    if reneges is None:
                        reneges = {d.id: k for k, d in enumerate(game.deals_in_force(player))}
                    k = reneges[action.deal]
                    if k < self.renege_slots:
                        out.append(base + k)
                elif not isinstance(action, Done):
                    out.append(self.order_ids[action])
            return sorted(out)
        out = [PASS] if session.offer is None else [ACCEPT, REJECT]
        if draft and game.can(self.send(game, player, draft)):
            out.append(SEND)
        max_terms = self.rules.limits.max_terms
        if len(draft) < max_terms:
            used = {t.item for t in draft}
            terms = [t for t in legal.deal_terms() if t.item not in used]
            offer = session.offer
            if offer is not None and len(offer) == len(draft) + 1:
                # A term that completes the offer leads nowhere unless another item can follow.
                mine = set(draft)
                items = {t.item for t in terms}
                terms = [
                    t
                    for t in terms
                    if mine | {t} != set(offer) or (len(offer) < max_terms and len(items) > 1)
                ]
            out.extend(self.term_ids[t] for t in terms)
        return sorted(out)

    def mask(self, game: Game, player: str, draft: Draft = ()) -> list[int]:
        """A 0/1 list of length ``n``: 1 where the id is legal now."""
        out = [0] * self.n
        for i in self.legal_ids(game, player, draft):
            out[i] = 1
        return out
