"""Talks (DESIGN §3.3, §3.9): requests and scheduled talks become this round's sessions
(capacity applies); in each, propose or pass, then accept, reject or counter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from tradegame.engine.actions import (
    Accept,
    Action,
    Counter,
    Message,
    Pass,
    Propose,
    Reject,
    Term,
    fmt_number,
)
from tradegame.engine.errors import IllegalActionError
from tradegame.engine.kinds import SessionStatus, TermKind
from tradegame.engine.records import (
    ORDERS,
    TALKS,
    Deal,
    Session,
    clamp,
    pair_key,
)
from tradegame.engine.rules import Item, Rules
from tradegame.engine.state import State
from tradegame.engine.tables import CACHE_SIZE
from tradegame.engine.text import terms_text

# Enum members read on hot paths, bound once: on Python 3.11 reading a member from its enum
# class goes through EnumType.__getattr__ and costs several times a module global.
_OPEN: Final = SessionStatus.OPEN
_PASSED = SessionStatus.PASSED
_LAPSED = SessionStatus.LAPSED
_AGREED: Final = SessionStatus.AGREED
_REJECTED = SessionStatus.REJECTED
_EXTENSION: Final = TermKind.DEADLINE_EXTENSION
_TALKS_PHASE = "talks"  # the phase named in the log lines of the talks' start


Planned = tuple[tuple[str, str], str, str, bool]  # (pair key, level, requester, held?)


def plan(
    g: State,
    round_: int,
    event_talks: list[tuple[tuple[str, str], str, str | None]],
    requests: list[tuple[str, str, str]],
) -> list[Planned]:
    """The sessions a talks phase of round ``round_`` would hold from these event talks and
    requests (with the scenario's scheduled talks), in order, each marked held or not (the
    capacity holder at capacity). The one rule of which talks happen: :func:`begin` holds
    them, and the News phase reads it for a ``session`` requirement (news.py)."""
    rules = g.rules
    order = g.tables.player_order
    wanted: dict[tuple[str, str], tuple[int, str, str]] = {}  # pair -> (rank, level, req)
    rank = 0
    for st in rules.scheduled_talks:
        if st.round == round_:
            key = pair_key(*st.pair)
            if key not in wanted:
                wanted[key] = (rank, st.level, st.requester or min(st.pair, key=order.__getitem__))
                rank += 1
    for pair, level, requester in event_talks:
        key = pair_key(*pair)
        if key not in wanted:
            wanted[key] = (rank, level, requester or min(pair, key=order.__getitem__))
            rank += 1
    holder = rules.talk_capacity_holder
    # The capacity holder's own requests come first, in the order it made them.
    ordered = (
        sorted(requests, key=lambda r: (r[0] != holder, order[r[0]]))
        if len(requests) > 1
        else requests
    )
    for requester, partner, level in ordered:
        key = pair_key(requester, partner)
        if key in wanted:
            # Both sides asked: the one earlier in scenario order is the requester.
            _, lvl, req = wanted[key]
            if order[requester] < order[req] and not any(
                pair_key(*s.pair) == key and s.round == round_ for s in rules.scheduled_talks
            ):
                wanted[key] = (wanted[key][0], lvl, requester)
            continue
        wanted[key] = (rank, level, requester)
        rank += 1
    out: list[Planned] = []
    held_by_holder = 0
    # In rank order: ranks are given in insertion order and an update keeps the rank.
    for key, (_, level, requester) in wanted.items():
        if holder is not None and holder in key and rules.talk_capacity is not None:
            if held_by_holder >= rules.talk_capacity:
                out.append((key, level, requester, False))
                continue
            held_by_holder += 1
        out.append((key, level, requester, True))
    return out


def plan_key(
    g: State,
    round_: int,
    event_talks: Sequence[tuple[tuple[str, str], str, str | None]],
    requests: Sequence[tuple[str, str, str]],
) -> tuple[Any, ...]:
    """What :func:`plan` reads besides the scenario, as a memo key: the round only if the
    scenario schedules talks in it (0 for any other, as rounds count from 1), the event talks
    and the requests. (With neither, as in every round of a passive tail, the memos key by
    the round alone without this call: an int, never one of these tuples.)"""
    scheduled = round_ if round_ in g.tables.talk_rounds else 0
    return (scheduled, tuple(event_talks), tuple(requests))


def planned(
    g: State,
    round_: int,
    event_talks: list[tuple[tuple[str, str], str, str | None]],
    requests: list[tuple[str, str, str]],
) -> tuple[Planned, ...]:
    """:func:`plan`, remembered per scenario by :func:`plan_key` (by the round alone when
    there are neither event talks nor requests)."""
    memo = g.tables.caches.talk_plans
    key = plan_key(g, round_, event_talks, requests) if event_talks or requests else round_
    known = memo.get(key)
    if known is None:
        if len(memo) >= CACHE_SIZE:
            memo.clear()  # bounded; a miss only costs the plan
        known = memo[key] = tuple(plan(g, round_, event_talks, requests))
    return known


def begin(g: State) -> None:
    """Turn requests and scheduled talks into this round's sessions (capacity applies)."""
    planned_now = planned(g, g.round, g.event_talks, g.requests)
    g.requests = []
    g.event_talks = []
    sessions: list[Session] = []
    if planned_now:  # (most rounds of a passive tail plan none)
        rules = g.rules
        holder = rules.talk_capacity_holder
        keeps_log = g.KEEPS_LOG  # (a projection's lines are not made)
        for key, level, requester, held in planned_now:
            if not held:
                if keeps_log:
                    g._logf("talks", _no_time_text, (level, key, holder), key, _TALKS_PHASE)
                continue
            responder = key[1] if key[0] == requester else key[0]
            level_rules = rules.talk_level(level)
            stakes = level_rules.stakes * g.stakes.get(key, 1.0)
            # (pair, requester, responder, level, stakes, max_exchanges, exchanges, offer,
            # offer_by, turn: by position, and the owner set apart, which costs less than by
            # keyword)
            session = Session(
                (requester, responder),
                requester,
                responder,
                level,
                stakes,
                level_rules.max_exchanges,
                0,
                None,
                None,
                requester,
            )
            session.owner = g._token
            sessions.append(session)
            if keeps_log:
                g._logf("talks", _holds_text, (requester, responder, level), None, _TALKS_PHASE)
    g.stakes = {}
    g.sessions = sessions
    g.session_index = 0
    g.phase = TALKS if sessions else ORDERS
    orders: dict[str, list[Action]] = {}  # (a loop: a comprehension is a call)
    for p in g._ids:
        orders[p] = []
    g.orders = orders
    g.done = set()


# The text of the log lines of talks (State._logf: made when the log is read).
def _no_time_text(level: str, key: tuple[str, str], holder: str | None) -> str:
    return (
        f"No time for {level} talks between {key[0]} and "
        f"{key[1]} this round: {holder} is at capacity."
    )


def _holds_text(requester: str, responder: str, level: str) -> str:
    return f"{requester} and {responder} hold {level} talks."


def _no_proposal_text(player: str, responder: str) -> str:
    return f"{player} made no proposal to {responder}."


def _counters_text(rules: Rules, player: str, terms: tuple[Term, ...]) -> str:
    return f"{player} counters: {terms_text(rules, terms)}"


def _proposes_text(rules: Rules, player: str, terms: tuple[Term, ...]) -> str:
    return f"{player} proposes: {terms_text(rules, terms)}"


def _accepts_text(player: str, offer_by: str | None, deal_id: str) -> str:
    return (
        f"{player} accepts {offer_by}'s offer ({deal_id}); it goes to ratification at resolution."
    )


def _agreement_text(a: str, b: str) -> str:
    return f"{a} and {b} reached an agreement; details follow at resolution."


def _rejects_text(player: str, offer_by: str | None) -> str:
    return f"{player} rejects {offer_by}'s offer."


def _summit_failed_text(level: str, pair: tuple[str, str], stakes: float) -> str:
    return (
        f"The {level} talks between {pair[0]} and {pair[1]}, with the stakes raised "
        f"(×{stakes:g}), end without an agreement: both sides pay for it."
    )


def verify(g: State, a: Action) -> None:
    s = g.sessions[g.session_index]
    if isinstance(a, Message):
        verify_message(g, s, a)
        return
    if s.offer is None:
        if isinstance(a, Pass):
            return
        if isinstance(a, Propose):
            if a.partner != s.responder:
                raise IllegalActionError(
                    f"talks this session are between {s.requester} and {s.responder}"
                )
            check_terms(g, a.player, a.partner, a.terms)
            return
        raise IllegalActionError(
            f"{a.player} opens the {s.level} talks with {s.responder}: propose or pass "
            f"(or send a message)"
        )
    if isinstance(a, (Accept, Reject)):
        return
    if isinstance(a, Counter):
        if a.partner != s.offer_by:
            raise IllegalActionError(f"a counter goes back to {s.offer_by}")
        check_terms(g, a.player, a.partner, a.terms)
        if a.terms == s.offer:
            raise IllegalActionError("a counter must differ from the offer (accept it instead)")
        return
    raise IllegalActionError(
        f"{a.player} answers {s.offer_by}'s offer: accept, reject or counter (or send a message)"
    )


def verify_message(g: State, s: Session, a: Message) -> None:
    """A message goes to the partner of the session on turn, at most one before each move
    (so a talker that only writes cannot hold the talks up)."""
    partner = s.responder if a.player == s.requester else s.requester
    if a.partner != partner:
        raise IllegalActionError(f"{a.player}'s talks this session are with {partner}")
    last = g.actions[-1] if g.actions else None
    if isinstance(last, Message) and last.player == a.player:
        raise IllegalActionError(
            f"{a.player} has sent a message this turn: one message before each move"
        )


def apply(g: State, a: Action) -> None:
    s = g.sessions[g.session_index]
    audience = s.pair
    if isinstance(a, Message):
        # Logged for the session's two players only; the turn and the talks are unchanged.
        g._log("message", f"{a.player} to {a.partner}: {a.text}", audience)
        return
    if s.owner is not g._token:
        s = g.own_session()  # every other move changes it
    if isinstance(a, Pass):
        s.status = _PASSED
        if g.KEEPS_LOG:
            g._logf("talks", _no_proposal_text, (a.player, s.responder), audience)
    elif isinstance(a, (Propose, Counter)):
        if isinstance(a, Counter):
            g._logf("talks", _counters_text, (g.rules, a.player, a.terms), audience)
        else:
            g._logf("talks", _proposes_text, (g.rules, a.player, a.terms), audience)
        s.exchanges += 1
        s.offer, s.offer_by = a.terms, a.player
        if isinstance(a, Counter) and s.exchanges > s.max_exchanges:
            s.status = _LAPSED
            g._log(
                "talks",
                f"{a.player}'s counter lapses: the {s.level} talks allow "
                f"{s.max_exchanges} exchanges.",
                audience,
            )
        else:
            s.turn = a.partner
    elif isinstance(a, Accept):
        s.status = _AGREED
        assert s.offer is not None and s.offer_by is not None
        # (id, parties, terms, round, level, stakes: by position, and the owner set apart,
        # which costs less than by keyword)
        deal = Deal(
            f"d{len(g.deals) + 1}",
            (s.offer_by, a.player),
            s.offer,
            g.round,
            s.level,
            s.stakes,
        )
        deal.owner = g._token
        g.deals.append(deal)
        g._logf("talks", _accepts_text, (a.player, s.offer_by, deal.id), audience)
        g._logf("talks", _agreement_text, s.pair)
    elif isinstance(a, Reject):
        s.status = _REJECTED
        if g.KEEPS_LOG:
            g._logf("talks", _rejects_text, (a.player, s.offer_by), audience)
    if s.status != _OPEN:
        if s.status != _AGREED and s.stakes > 1.0:
            _summit_failed(g, s)
        g.session_index += 1
        if g.session_index >= len(g.sessions):
            g.phase = ORDERS


def _summit_failed(g: State, s: Session) -> None:
    """A session whose stakes were raised (the leader at the table) ended with no agreement:
    both sides lose relations and approval in proportion to the stakes above 1."""
    pol = g.rules.politics
    extra = s.stakes - 1.0
    if not (pol.failed_summit_relations or pol.failed_summit_approval):
        return
    key = pair_key(*s.pair)
    g.relations[key] = clamp(g.relations[key] - pol.failed_summit_relations * extra)
    for party in s.pair:
        g.approval[party] = clamp(g.approval[party] - pol.failed_summit_approval * extra)
    g._logf("talks", _summit_failed_text, (s.level, s.pair, s.stakes))


def terms_by_scenario(
    rules: Rules, player: str, partner: str, terms: tuple[Term, ...]
) -> str | None:
    """Why ``terms`` can never be a deal between ``player`` and ``partner`` (or None)."""
    if partner not in rules.player_ids or partner == player:
        return f"{partner!r} is not a partner of {player}"
    if not terms:
        return "a deal needs at least one term"
    if len(terms) > rules.limits.max_terms:
        return f"a deal has at most {rules.limits.max_terms} terms (max_terms)"
    seen: set[str] = set()
    for t in terms:
        if not rules.has_item(t.item):
            return f"unknown catalogue item {t.item!r}"
        if t.item in seen:
            return f"item {t.item!r} appears twice in one deal"
        seen.add(t.item)
        item = rules.item(t.item)
        if item.owner not in (player, partner):
            return f"{t.item} is {item.owner}'s to give, not part of {player}–{partner} talks"
        receiver = partner if item.owner == player else player
        if not item.can_go_to(receiver):
            return f"{t.item} cannot be given to {receiver}"
        if item.level(t.value) is None:
            allowed = ", ".join(fmt_number(lv.value) for lv in item.levels)
            return f"{fmt_number(t.value)} is not a level of {t.item} (levels: {allowed})"
    return None


def item_now(g: State, item: Item) -> str | None:
    """Why no level of ``item`` can be agreed now (or None)."""
    if item.id not in g.available_items:
        return f"{item.name} ({item.id}) is not on the table now"
    return None


def level_fits(g: State, item: Item, value: float) -> bool:
    """Whether a level of an item on the table can be agreed now: any level, but a deadline
    extension must fit what is left of max_extension_days."""
    return item.kind != _EXTENSION or g._extension_fits(int(value))


def level_now(g: State, item: Item, value: float) -> str | None:
    """Why ``item`` at ``value``, which the scenario allows, cannot be agreed now (or None)."""
    reason = item_now(g, item)
    if reason is None and not level_fits(g, item, value):
        return f"an extension of {fmt_number(value)} days exceeds max_extension_days"
    return reason


_UNKNOWN: Any = object()  # (no verdict remembered: None is one)


def terms_moment(g: State) -> tuple[object, ...]:
    """Every value of the state that :func:`item_now` and :func:`level_fits` read: two states
    of one scenario with equal values agree on every term (the sampler's key, legal.py)."""
    return (g.available_items, g.extension_days, g.snapped)


def term_now(g: State, term: Term) -> str | None:
    """Why a term the scenario allows cannot be agreed at this moment (or None)."""
    return level_now(g, g.rules.item(term.item), term.value)


def check_terms(g: State, player: str, partner: str, terms: tuple[Term, ...]) -> None:
    """Raise unless ``terms`` form a valid deal between ``player`` and ``partner`` now
    (``terms`` well formed: :func:`~tradegame.engine.actions.check_action` passed them)."""
    # The scenario's verdict, remembered by the terms (equal terms, equal verdicts).
    verdicts = g.tables.caches.term_verdicts
    key = (player, partner, terms)
    reason = verdicts.get(key, _UNKNOWN)
    if reason is _UNKNOWN:
        if len(verdicts) >= CACHE_SIZE:
            verdicts.clear()  # bounded; a miss only costs the check
        reason = verdicts[key] = terms_by_scenario(g.rules, player, partner, terms)
    for t in terms:
        if reason is not None:
            break
        reason = term_now(g, t)
    if reason is not None:
        raise IllegalActionError(reason)
