"""A view as a situation report a person or a language model can read."""

from __future__ import annotations

from typing import Any

from tradegame.engine.actions import fmt_number
from tradegame.engine.text import fmt_pct


def render(data: dict[str, Any]) -> str:
    """A situation report a person or a language model can read."""
    lines: list[str] = []
    add = lines.append
    viewer = data["viewer"]
    add(f"# {data['scenario']['title']} — situation report for {viewer}")
    add(
        f"Round {data['round']} of {data['rounds_total']}, {data['date']} to "
        f"{data['round_end_date']} (day {data['day']}). Phase: {data['phase']}; "
        f"to move: {data['to_move'] or '-'}."
    )
    dl = data["days_to_deadline"]
    state = (
        "has passed; paused tariffs snapped back"
        if data["snapped_back"]
        else f"is {data['deadline']} ({dl} days away)"
    )
    add(f"The deadline {state}. Market stress: {data['market_stress']:.0f}/100.")
    add("")
    add("## Players")
    for p in data["players"]:
        add(
            f"- {p['id']} ({p['name']}): approval {p['approval']:.0f}, credibility "
            f"{p['credibility']:.0f}, GDP effect {p['gdp_effect_pct']:+.2f}% a year, "
            f"balance ${p['trade_balance_bn']:+.1f}bn/yr, average tariff faced "
            f"{fmt_pct(p['tariff_faced'])}"
        )
    add("Relations: " + ", ".join(f"{k} {v:.0f}" for k, v in data["relations"].items()))
    add("")
    add("## Tariffs in force (importer on exporter, by sector)")
    by_pair: dict[tuple[str, str], list[str]] = {}
    for t in data["tariffs"]:
        by_pair.setdefault((t["importer"], t["exporter"]), []).append(
            f"{t['sector']} {fmt_pct(t['rate'])}"
        )
    for (imp, exp), cells in by_pair.items():
        add(f"- {imp} on {exp}: " + ", ".join(cells))
    paused = [la for la in data["layers"] if la["status"] == "paused"]
    if paused:
        add(
            "Paused until the deadline: "
            + "; ".join(f"{la['name']} {fmt_pct(la['rate'])}" for la in paused)
        )
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
                    f"{i}={fmt_number(v)}" for i, v in s["offer"]
                )
            add(f"- {s['pair'][0]}–{s['pair'][1]} ({s['level']}): {s['status']}{extra}")
    you = data.get("you")
    if you:
        add("")
        add("## You (private)")
        if you["win_set"] is not None:
            add(f"Win-set (political points your ratifiers accept): {you['win_set']:.1f}")
        add(
            "Objectives: "
            + "; ".join(
                f"{o['label']} (weight {o['weight']:g}, best {o['best']:g}, worst {o['worst']:g})"
                for o in you["objectives"]
            )
        )
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


__all__ = ["render"]
