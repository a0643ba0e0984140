"""What one player may see (DESIGN §3.7), as JSON-ready data and as a readable report.

Public: the calendar, tariffs (effective rates, layers, what is paused), deals in force and
their terms, approval, credibility, relations, market stress, public statements and news,
countermeasure packages, the concession catalogue (items and levels), which talks took place.
Private to the player: its objectives, the political costs of its own items and gains of
items it may receive, its win-set, its confidential briefing, its talks, its pending orders.
``player=None`` is the instructor's view, which sees everything; :data:`SPECTATOR` is the
public view, holding only what every player may see (a spectator of a networked game).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradegame.engine import economy as eco
from tradegame.engine.actions import fmt_number
from tradegame.engine.kinds import DealStatus
from tradegame.engine.machine import Machine
from tradegame.engine.projection import batna
from tradegame.engine.records import pair_key
from tradegame.engine.scoring import score
from tradegame.engine.text import fmt_pct, term_text


class Spectator:
    """The viewer of the public view: sees what every player may see, nothing private."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SPECTATOR"


SPECTATOR = Spectator()
"""Pass as the player to :meth:`Game.view` for the public view."""

Viewer = str | Spectator | None
"""A player id, :data:`SPECTATOR`, or None for the instructor."""


@dataclass(frozen=True, slots=True)
class View:
    player: Viewer
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.data

    def __str__(self) -> str:
        return render(self.data)


def _r(x: float, nd: int = 4) -> float:
    return round(x, nd)


def build_view(game: Machine, viewer: Viewer) -> View:
    rules = game.rules
    sees_all = viewer is None
    public = isinstance(viewer, Spectator)
    player = viewer if isinstance(viewer, str) else None  # a player's own view
    snap = game.snapshot()
    cells = eco.compile_rules(rules).cells

    def mine(p: str) -> bool:
        return sees_all or p == player

    tariffs = [
        {"importer": c.importer, "exporter": c.exporter, "sector": c.sector,
         "rate": _r(snap.rate[c.index]), "mfn": c.mfn, "base_value_bn": c.v0,
         "value_bn": _r(snap.value[c.index], 3)}
        for c in cells
    ]
    layers = [
        {"id": la.id, "name": la.name, "importer": la.importer, "exporter": la.exporter,
         "sectors": sorted(la.sectors) if la.sectors is not None else "all",
         "except_sectors": sorted(la.except_sectors), "rate": game.layer_rate[la.id],
         "status": game.layer_status[la.id], "combine": la.combine}
        for la in rules.layers
    ]
    catalogue = []
    for item in rules.items:
        entry: dict[str, Any] = {
            "id": item.id, "owner": item.owner, "kind": item.kind, "name": item.name,
            "to": list(item.to) if item.to is not None else "any",
            "available": item.id in game.available_items, "description": item.description,
            "levels": [lv.value for lv in item.levels],
        }
        if mine(item.owner):
            entry["political_cost"] = [lv.cost for lv in item.levels]
        if sees_all or (player is not None and item.can_go_to(player)):
            entry["political_gain"] = [lv.gain for lv in item.levels]
        catalogue.append(entry)
    deals = []
    for d in game.deals:
        if d.status == DealStatus.AGREED and not (sees_all or player in d.parties):
            continue  # agreed but not yet public: revealed at resolution
        entry = {"id": d.id, "parties": list(d.parties), "round": d.round,
                 "status": d.status, "unilateral": d.unilateral, "ended_by": d.ended_by,
                 "terms": [{"item": t.item, "level": t.value,
                            "text": term_text(rules, t)} for t in d.terms]}
        if player is not None and player in d.parties:
            entry["political_cost_to_you"] = _r(game.political_cost(d, player), 3)
        deals.append(entry)
    talks = []
    for s in game.sessions:
        entry = {"pair": list(s.pair), "level": s.level, "status": s.status}
        if sees_all or player in s.pair:
            entry.update(s.to_json())
        talks.append(entry)
    players = []
    for p in rules.players:
        entry = {
            "id": p.id, "name": p.name, "approval": _r(game.approval[p.id], 2),
            "credibility": _r(game.credibility[p.id], 2),
            "gdp_effect_pct": _r(snap.gdp_pct[p.id]),
            "trade_balance_bn": _r(game.balance(p.id, snap=snap), 3),
            "tariff_faced": _r(game.tariff_faced_now(p.id, snap)),
            "ratifies": p.ratification.body if p.ratification else None,
            "briefing": p.briefing_public,
            "countermeasures": [
                {"id": c.id, "name": c.name, "target": c.target, "value_bn": c.value_bn,
                 "active": c.id in game.active_packages,
                 "tariffs": [{"sector": s, "rate": r} for s, r in c.tariffs],
                 "market_stress": c.market_stress}
                for c in p.countermeasures
            ],
            "tariff_instruments": [{"layer": t.layer, "min": t.min, "max": t.max}
                                   for t in p.tariffs],
        }
        players.append(entry)
    relations = {f"{a}-{b}": _r(v, 2) for (a, b), v in sorted(game.relations.items())}
    mover = game.to_move()
    data: dict[str, Any] = {
        "viewer": player if player is not None else "spectator" if public else "instructor",
        "scenario": {"id": rules.id, "title": rules.title},
        "round": game.round,
        "rounds_total": game.rounds_total(),
        "day": game.day,
        "date": game.date_of(game.day),
        "round_end_date": game.date_of(game.round_end_day),
        "deadline_day": game.deadline_day,
        "deadline": game.date_of(game.deadline_day),
        "days_to_deadline": game.deadline_day - game.day,
        "snapped_back": game.snapped,
        "extension_days_used": game.extension_days,
        "phase": game.phase,
        "to_move": mover,
        "market_stress": _r(game.stress, 2),
        "limits": {"max_orders": rules.limits.max_orders, "max_terms": rules.limits.max_terms,
                   "tariff_step": rules.limits.tariff_step,
                   "max_tariff": rules.limits.max_tariff},
        "roles": {"deadline_holder": rules.deadline_holder,
                  "talk_capacity_holder": rules.talk_capacity_holder,
                  "talk_capacity": rules.talk_capacity,
                  "market_stress_player": rules.market_stress_player,
                  "precedent_setter": rules.precedent_setter},
        "precedent_cap": game.precedent,
        "players": players,
        "relations": relations,
        "tariffs": tariffs,
        "layers": layers,
        "catalogue": catalogue,
        "claims": [{"id": c.id, "by": c.by, "about": c.about, "text": c.text}
                   for c in rules.claims],
        "deals": deals,
        "talks": talks,
        "log": [e.to_json() for e in game.log
                if (e.audience is None if public else e.visible_to(player))],
        "history": list(game.history),  # the game's list grows (and is filled lazily)
    }
    if game.is_over():
        data["scores"] = {p: _r(v, 3) for p, v in ((p, score(game, p)) for p in rules.player_ids)}
        data["batna"] = {p: _r(v, 3) for p, v in batna(rules, game.seed).items()}
    if player is not None:
        me = rules.player(player)
        ws = game.win_set(player)
        data["you"] = {
            "id": player,
            "objectives": [
                {"label": o.label, "metric": o.metric, "partner": o.partner,
                 "sector": o.sector, "best": o.best, "worst": o.worst, "weight": o.weight}
                for o in me.objectives
            ],
            "win_set": _r(ws, 3) if ws is not None else None,
            "confidential_briefing": me.briefing_confidential,
            "pending_orders": [str(o) for o in game.orders.get(player, [])],
            "your_turn": mover == player,
        }
        if game.is_over():
            data["you"]["score"] = data["scores"][player]
    elif sees_all:
        data["private"] = {
            p.id: {
                "objectives": [
                    {"label": o.label, "metric": o.metric, "partner": o.partner,
                     "best": o.best, "worst": o.worst, "weight": o.weight}
                    for o in p.objectives],
                "win_set": game.win_set(p.id),
                "confidential_briefing": p.briefing_confidential,
                "pending_orders": [str(o) for o in game.orders.get(p.id, [])],
            }
            for p in rules.players
        }
    return View(viewer, data)


def render(data: dict[str, Any]) -> str:
    """A situation report a person or a language model can read."""
    lines: list[str] = []
    add = lines.append
    viewer = data["viewer"]
    add(f"# {data['scenario']['title']} — situation report for {viewer}")
    add(f"Round {data['round']} of {data['rounds_total']}, {data['date']} to "
        f"{data['round_end_date']} (day {data['day']}). Phase: {data['phase']}; "
        f"to move: {data['to_move'] or '-'}.")
    dl = data["days_to_deadline"]
    state = "has passed; paused tariffs snapped back" if data["snapped_back"] else \
        f"is {data['deadline']} ({dl} days away)"
    add(f"The deadline {state}. Market stress: {data['market_stress']:.0f}/100.")
    add("")
    add("## Players")
    for p in data["players"]:
        add(f"- {p['id']} ({p['name']}): approval {p['approval']:.0f}, credibility "
            f"{p['credibility']:.0f}, GDP effect {p['gdp_effect_pct']:+.2f}% a year, "
            f"balance ${p['trade_balance_bn']:+.1f}bn/yr, average tariff faced "
            f"{fmt_pct(p['tariff_faced'])}")
    add("Relations: " + ", ".join(f"{k} {v:.0f}" for k, v in data["relations"].items()))
    add("")
    add("## Tariffs in force (importer on exporter, by sector)")
    by_pair: dict[tuple[str, str], list[str]] = {}
    for t in data["tariffs"]:
        by_pair.setdefault((t["importer"], t["exporter"]), []).append(
            f"{t['sector']} {fmt_pct(t['rate'])}")
    for (imp, exp), cells in by_pair.items():
        add(f"- {imp} on {exp}: " + ", ".join(cells))
    paused = [la for la in data["layers"] if la["status"] == "paused"]
    if paused:
        add("Paused until the deadline: " + "; ".join(
            f"{la['name']} {fmt_pct(la['rate'])}" for la in paused))
    add("")
    add("## Deals")
    live = [d for d in data["deals"] if d["status"] in ("in_force", "agreed")]
    if not live:
        add("- none in force")
    for d in live:
        terms = "; ".join(t["text"] for t in d["terms"])
        add(f"- {d['id']} {'–'.join(d['parties'])} ({d['status']}): {terms}")
    if data.get("talks"):
        add("")
        add("## Talks this round")
        for s in data["talks"]:
            extra = ""
            if s.get("offer"):
                extra = f"; offer on the table from {s['offer_by']}: " + ", ".join(
                    f"{i}={fmt_number(v)}" for i, v in s["offer"])
            add(f"- {s['pair'][0]}–{s['pair'][1]} ({s['level']}): {s['status']}{extra}")
    you = data.get("you")
    if you:
        add("")
        add("## You (private)")
        if you["win_set"] is not None:
            add(f"Win-set (political points your ratifiers accept): {you['win_set']:.1f}")
        add("Objectives: " + "; ".join(
            f"{o['label']} (weight {o['weight']:g}, best {o['best']:g}, worst {o['worst']:g})"
            for o in you["objectives"]))
        if you["pending_orders"]:
            add("Pending orders: " + "; ".join(you["pending_orders"]))
        if you["confidential_briefing"]:
            add("")
            add("### Confidential briefing")
            add(you["confidential_briefing"].strip())
        if "score" in you:
            add(f"Final score: {you['score']:.1f}")
    if "scores" in data:
        add("")
        add("## Result")
        for p, s in data["scores"].items():
            b = data["batna"][p]
            add(f"- {p}: score {s:.1f}, BATNA {b:.1f}, surplus {s - b:+.1f}")
    recent = data["log"][-12:]
    if recent:
        add("")
        add("## Recent log")
        for e in recent:
            add(f"- r{e['round']} {e['phase']}: {e['text']}")
    return "\n".join(lines)


__all__ = ["View", "build_view", "pair_key", "render"]
