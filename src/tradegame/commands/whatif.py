"""``tradegame whatif``: the economic effects of a set of tariffs, per player."""

from __future__ import annotations

import argparse
import json
import sys

from tradegame.commands.common import load_rules_or_exit, parse_rate
from tradegame.engine.calculator import Override, check_override, tariff_effects
from tradegame.errors import EXIT_OK, UserError


def parse_override(text: str) -> Override:
    cell, sep, rate = text.partition("=")
    parts = cell.split(":")
    if not sep or len(parts) != 3 or not all(parts):
        raise UserError(f"--tariff is written IMPORTER:EXPORTER:SECTOR=RATE, got {text!r}")
    return Override(parts[0], parts[1], parts[2], parse_rate(rate))


def run(args: argparse.Namespace) -> int:
    rules = load_rules_or_exit(args.scenario)
    overrides = [parse_override(t) for t in args.tariff]
    for text, o in zip(args.tariff, overrides, strict=True):
        problem = check_override(rules, o)
        if problem:
            raise UserError(f"--tariff {text}: {problem}")
    result = tariff_effects(rules, overrides)
    if args.json:
        json.dump(result, sys.stdout, sort_keys=True, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    print(f"{rules.title}: effects against the 2024 base path (annual)")
    if overrides:
        print("Tariffs set: " + ", ".join(args.tariff) + "; others as the scenario starts.")
    print(
        f"{'player':<8}{'GDP %':>8}{'GDP $bn':>10}{'balance':>10}{'exports':>9}"
        f"{'revenue':>9}{'consumer':>10}"
    )
    for pid, p in result["players"].items():
        print(
            f"{pid:<8}{p['gdp_effect_pct']:>+8.2f}{p['gdp_effect_bn']:>+10.1f}"
            f"{p['trade_balance_bn']:>+10.1f}{p['exports_change_pct']:>+8.1f}%"
            f"{p['tariff_revenue_bn']:>9.1f}{p['consumer_cost_bn']:>10.1f}"
        )
    print("Lost exports by sector ($bn/yr):")
    for pid, p in result["players"].items():
        lost = ", ".join(f"{s} {v:+.1f}" for s, v in p["lost_exports_bn"].items() if abs(v) > 0.05)
        print(f"  {pid}: {lost or 'none'}")
    return EXIT_OK
