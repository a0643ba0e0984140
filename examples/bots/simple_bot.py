#!/usr/bin/env python3
"""A simple tradegame bot speaking the JSON-lines protocol (tradegame-bot/1). Standard
library only: copy it and change `decide`.

    tradegame match april-2025 --seat JP=cmd:"python examples/bots/simple_bot.py" --seed 1

Strategy (the same as simple_bot.js, move for move):
- talks, offer on the table: accept when the political gains of what it receives exceed the
  political costs of what it gives (both private to it, from its own view) and the cost fits
  its win-set; otherwise counter with its own proposal when a counter is still heard, else
  reject;
- talks, opening: propose one ask and one give — the partner's item worth the most to it
  (at its most valuable level) for its own cheapest item (at its cheapest level);
- orders: request ministerial talks with one trading partner a round (in turn), then done.

The game sends one JSON object per line on stdin; answer each "turn" with one line on
stdout, {"action": "<notation>"}. Log to stderr, never to stdout.
"""

import json
import sys


def value_of(offer, items):
    """(political gain - cost, net cost) of an offer, from the bot's private ledger."""
    by_id = {item["id"]: item for item in items}
    gain = cost = 0.0
    for item_id, level in offer:
        item = by_id.get(item_id)
        if item is None:
            continue
        i = item["levels"].index(level)
        if item["you_give"]:
            cost += item["political_cost"][i]
        else:
            gain += item["political_gain"][i]
    return gain - cost, cost - gain


def proposal(items):
    """[(item, level)]: the partner's item worth most to the bot, at its most valuable level,
    and the bot's own cheapest item, at its cheapest level (first one wins a tie)."""
    ask = give = None
    for item in items:
        if item["kind"] == "process":
            continue
        if item["you_give"]:
            if give is None or min(item["political_cost"]) < min(give["political_cost"]):
                give = item
        elif ask is None or max(item["political_gain"]) > max(ask["political_gain"]):
            ask = item
    terms = []
    if ask is not None:
        gains = ask["political_gain"]
        terms.append((ask["id"], ask["levels"][gains.index(max(gains))]))
    if give is not None:
        costs = give["political_cost"]
        terms.append((give["id"], give["levels"][costs.index(min(costs))]))
    return sorted(terms)


def number(x):
    """Shortest notation for a level (550.0 -> 550, 0.15 -> 0.15)."""
    return str(int(x)) if x == int(x) else repr(float(x))


def terms_text(terms):
    return ",".join(f"{item}={number(level)}" for item, level in terms)


def trades_with(catalogue, me, partner):
    """Whether the catalogue has something of substance either side can give the other."""
    for e in catalogue:
        if e["kind"] == "process":
            continue
        if e["owner"] == me and (e["to"] == "any" or partner in e["to"]):
            return True
        if e["owner"] == partner and (e["to"] == "any" or me in e["to"]):
            return True
    return False


def decide(msg, state):
    me = msg["player"]
    legal = msg["legal"]
    talks = msg["talks"]
    if talks is not None:
        items = msg["deal_items"]
        win_set = msg["view"]["you"]["win_set"]
        offer = talks["offer"]
        if offer is not None:
            surplus, net_cost = value_of(offer, items)
            if surplus > 0 and (win_set is None or net_cost <= win_set):
                return f"{me} accept"
        terms = proposal(items)
        new = terms and (offer is None or terms_text(terms) != terms_text(offer))
        if new and talks["can_counter"]:
            return f"{me} {talks['verb']} {talks['partner']} {terms_text(terms)}"
        return f"{me} pass" if offer is None else f"{me} reject"
    # Orders: one talks request a round, to each trading partner in turn, then done.
    if state.get("round") != msg["round"]:
        state["round"] = msg["round"]
        partners = [
            p for p in msg["players"] if p != me and trades_with(msg["view"]["catalogue"], me, p)
        ]
        choice = partners and f"{me} request {partners[msg['round'] % len(partners)]} ministerial"
        if choice and choice in legal:
            return choice
    return f"{me} done"


def main():
    state = {}
    players = []
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["type"] == "start":
            state = {}
            players = msg["players"]
            print(f"simple_bot: playing {msg['player']}", file=sys.stderr)
        elif msg["type"] == "turn":
            action = decide({**msg, "players": players}, state)
            sys.stdout.write(json.dumps({"id": msg["id"], "action": action}) + "\n")
            sys.stdout.flush()
        elif msg["type"] == "end":
            print(f"simple_bot: final scores {msg['scores']}", file=sys.stderr)
            break


if __name__ == "__main__":
    main()
