#!/usr/bin/env node
// A simple tradegame bot speaking the JSON-lines protocol (tradegame-bot/1) in Node.js,
// with no dependencies. It plays exactly like simple_bot.py, move for move:
//
//   tradegame match april-2025 --seat JP=cmd:"node examples/bots/simple_bot.js" --seed 1
//
// - talks, offer on the table: accept when the political gains of what it receives exceed
//   the political costs of what it gives (private to it, from its own view) and the cost
//   fits its win-set; otherwise counter with its own proposal when a counter is still
//   heard, else reject;
// - talks, opening: propose the partner's item worth the most to it (at its most valuable
//   level) for its own cheapest item (at its cheapest level);
// - orders: request ministerial talks with one trading partner a round (in turn), then done.
//
// The game sends one JSON object per line on stdin; answer each "turn" with one line on
// stdout, {"action": "<notation>"}. Log to stderr, never to stdout.
"use strict";

const readline = require("readline");

function valueOf(offer, items) {
  const byId = new Map(items.map((item) => [item.id, item]));
  let gain = 0;
  let cost = 0;
  for (const [itemId, level] of offer) {
    const item = byId.get(itemId);
    if (item === undefined) continue;
    const i = item.levels.indexOf(level);
    if (item.you_give) cost += item.political_cost[i];
    else gain += item.political_gain[i];
  }
  return [gain - cost, cost - gain];
}

const max = (xs) => Math.max(...xs);
const min = (xs) => Math.min(...xs);

function proposal(items) {
  let ask = null;
  let give = null;
  for (const item of items) {
    if (item.kind === "process") continue;
    if (item.you_give) {
      if (give === null || min(item.political_cost) < min(give.political_cost)) give = item;
    } else if (ask === null || max(item.political_gain) > max(ask.political_gain)) {
      ask = item;
    }
  }
  const terms = [];
  if (ask !== null) {
    const gains = ask.political_gain;
    terms.push([ask.id, ask.levels[gains.indexOf(max(gains))]]);
  }
  if (give !== null) {
    const costs = give.political_cost;
    terms.push([give.id, give.levels[costs.indexOf(min(costs))]]);
  }
  return terms.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
}

const termsText = (terms) => terms.map(([item, level]) => `${item}=${String(level)}`).join(",");

function tradesWith(catalogue, me, partner) {
  for (const e of catalogue) {
    if (e.kind === "process") continue;
    if (e.owner === me && (e.to === "any" || e.to.includes(partner))) return true;
    if (e.owner === partner && (e.to === "any" || e.to.includes(me))) return true;
  }
  return false;
}

function decide(msg, state, players) {
  const me = msg.player;
  const talks = msg.talks;
  if (talks !== null) {
    const items = msg.deal_items;
    const winSet = msg.view.you.win_set;
    const offer = talks.offer;
    if (offer !== null) {
      const [surplus, netCost] = valueOf(offer, items);
      if (surplus > 0 && (winSet === null || netCost <= winSet)) return `${me} accept`;
    }
    const terms = proposal(items);
    if (terms.length > 0 && talks.can_counter) {
      if (offer === null || termsText(terms) !== termsText(offer)) {
        return `${me} ${talks.verb} ${talks.partner} ${termsText(terms)}`;
      }
    }
    return offer === null ? `${me} pass` : `${me} reject`;
  }
  // Orders: one talks request a round, to each trading partner in turn, then done.
  if (state.round !== msg.round) {
    state.round = msg.round;
    const partners = players.filter((p) => p !== me && tradesWith(msg.view.catalogue, me, p));
    if (partners.length > 0) {
      const choice = `${me} request ${partners[msg.round % partners.length]} ministerial`;
      if (msg.legal.includes(choice)) return choice;
    }
  }
  return `${me} done`;
}

function main() {
  let state = {};
  let players = [];
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  rl.on("line", (line) => {
    if (!line.trim()) return;
    const msg = JSON.parse(line);
    if (msg.type === "start") {
      state = {};
      players = msg.players;
      process.stderr.write(`simple_bot.js: playing ${msg.player}\n`);
    } else if (msg.type === "turn") {
      const action = decide(msg, state, players);
      process.stdout.write(JSON.stringify({ id: msg.id, action }) + "\n");
    } else if (msg.type === "end") {
      process.stderr.write(`simple_bot.js: final scores ${JSON.stringify(msg.scores)}\n`);
      rl.close();
    }
  });
}

main();
