"""The bot protocol (``tradegame-bot/1``): JSON lines over a bot's stdin and stdout.

The game writes one JSON object per line to the bot; the bot answers each ``turn`` with one
JSON object on one line. Nothing else is read from its stdout, so a bot logs to stderr.

* ``{"type": "start", "protocol", "player", "scenario", "players", "bot_seed", "time_limit",
  "startup_limit", "view"}`` — once per (re)start; no answer.
* ``{"type": "turn", "id", "player", "round", "phase", "time_limit", "view", "legal",
  "legal_count", "legal_truncated", "talks", "deal_items", "max_terms"}`` — answer
  ``{"action": "<notation>"}`` on one line of at most 1 MiB (optionally ``"id"`` echoed;
  other keys are ignored) within ``time_limit`` seconds; the first answer after a (re)start
  may instead come up to ``startup_limit`` seconds after the start, if that is later.
* ``{"type": "end", "player", "scores", "batna", "view"}`` — the game is over; no answer.

``view`` is always the bot's own view (:meth:`tradegame.engine.view.View.to_json`). ``legal``
lists at most :data:`MAX_LEGAL` legal actions in notation: in the orders phase every legal
order (up to the bound), in talks the answers (``accept``/``reject`` or ``pass``) and every
one-term proposal; ``deal_items`` describes the catalogue items on the table so the bot can
build any proposal of up to ``max_terms`` terms itself.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from tradegame.engine import Accept, Action, Counter, Pass, Propose, Reject, Term, parse
from tradegame.engine.errors import InvalidActionError
from tradegame.untrusted import printable

if TYPE_CHECKING:
    from tradegame.agents.base import Turn
    from tradegame.engine.view import View

PROTOCOL = "tradegame-bot/1"
MAX_LEGAL = 200
"""Legal actions listed per turn, at most (deals are built from ``deal_items``)."""


class BotProtocolError(ValueError):
    """A bot's answer that is not a valid protocol message."""


class BotReply(BaseModel):
    """A bot's answer to a turn."""

    model_config = ConfigDict(extra="ignore")

    action: str
    id: int | None = None


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), allow_nan=False).encode() + b"\n"


def start_message(
    player: str, view: View, time_limit: float, bot_seed: int, startup_limit: float | None = None
) -> dict[str, Any]:
    data = view.to_json()
    message = {
        "type": "start",
        "protocol": PROTOCOL,
        "player": player,
        "scenario": data["scenario"],
        "players": [p["id"] for p in data["players"]],
        "bot_seed": bot_seed,
        "time_limit": time_limit,
        "view": data,
    }
    if startup_limit is not None:
        message["startup_limit"] = startup_limit
    return message


def end_message(player: str, view: View) -> dict[str, Any]:
    data = view.to_json()
    return {
        "type": "end",
        "player": player,
        "scores": data.get("scores"),
        "batna": data.get("batna"),
        "view": data,
    }


def turn_message(turn: Turn, number: int, time_limit: float) -> dict[str, Any]:
    view = turn.view.to_json()
    talks = turn.talks
    legal, truncated = legal_list(turn)
    message: dict[str, Any] = {
        "type": "turn",
        "id": number,
        "player": turn.player,
        "round": turn.round,
        "phase": turn.phase,
        "time_limit": time_limit,
        "legal": legal,
        "legal_count": len(turn.legal),
        "legal_truncated": truncated,
        "talks": None,
        "deal_items": [],
        "max_terms": turn.limits.max_terms,
        "view": view,
    }
    if talks is not None:
        message["talks"] = {
            "partner": talks.partner,
            "level": talks.level,
            "verb": talks.verb,
            "exchanges": talks.exchanges,
            "max_exchanges": talks.max_exchanges,
            "can_counter": talks.offer is None or talks.can_counter,
            "offer": [[t.item, t.value] for t in talks.offer] if talks.offer else None,
            "offer_by": talks.offer_by,
        }
        message["deal_items"] = deal_items(turn, view, talks.partner)
    return message


def deal_items(turn: Turn, view: dict[str, Any], partner: str) -> list[dict[str, Any]]:
    """The items on the table between the bot and ``partner``, with the bot's own political
    cost (items it gives) or gain (items it receives) per level."""
    on_table = {it.id for it in turn.legal.deal_items(turn.player, partner)}
    out = []
    for entry in view["catalogue"]:
        if entry["id"] not in on_table:
            continue
        gives = entry["owner"] == turn.player
        item = {
            "id": entry["id"],
            "kind": entry["kind"],
            "name": entry["name"],
            "owner": entry["owner"],
            "receiver": partner if gives else turn.player,
            "you_give": gives,
            "levels": entry["levels"],
        }
        if entry.get("red_line"):
            item["red_line"] = True  # public: its owner's ratifier never passes a deal with it
        if gives:
            item["political_cost"] = entry.get("political_cost")
        else:
            item["political_gain"] = entry.get("political_gain")
        out.append(item)
    return out


def legal_list(turn: Turn) -> tuple[list[str], bool]:
    """At most :data:`MAX_LEGAL` legal actions in notation, and whether the list is cut."""
    talks = turn.talks
    me = turn.player
    out: list[str] = []
    if talks is None:
        for action in turn.legal:
            if len(out) >= MAX_LEGAL:
                return out, True
            out.append(str(action))
        return out, False
    answers: list[Action] = [Pass(me)] if talks.offer is None else [Accept(me), Reject(me)]
    out.extend(str(a) for a in answers if a in turn.legal)
    cls = Propose if talks.offer is None else Counter
    for item in turn.legal.deal_items(me, talks.partner):
        for level in item.levels:
            if len(out) >= MAX_LEGAL:
                break
            action = cls(me, talks.partner, (Term(item.id, level.value),))
            if action in turn.legal:
                out.append(str(action))
    return out, len(turn.legal) > len(out)


def shown(text: str, limit: int = 80) -> str:
    """A bot's text as it may appear in a message: cut to ``limit`` characters, with its
    control characters neutralised (an escape sequence is shown, not obeyed)."""
    return printable(text if len(text) <= limit else text[: limit - 3] + "...")


def parse_reply(line: bytes) -> tuple[Action, int | None]:
    """The action in a bot's answer line; :class:`BotProtocolError` when it is not one."""
    text = line.decode("utf-8", errors="replace").strip()
    try:
        reply = BotReply.model_validate_json(text)
    except ValidationError:
        raise BotProtocolError(
            f'not an answer {{"action": "<notation>"}}: "{shown(text)}"'
        ) from None
    try:
        action = parse(reply.action)
    except InvalidActionError as exc:
        raise BotProtocolError(f"not an action: {shown(str(exc), 200)}") from None
    if printable(str(action)) != str(action):  # ids holding control characters
        raise BotProtocolError(f'not an action: "{shown(reply.action)}" holds control characters')
    return action, reply.id


__all__ = [
    "MAX_LEGAL",
    "PROTOCOL",
    "BotProtocolError",
    "BotReply",
    "deal_items",
    "encode",
    "end_message",
    "legal_list",
    "parse_reply",
    "shown",
    "start_message",
    "turn_message",
]
