"""Extreme scenarios: numbers past their range are refused by ``validate`` with a located
reason; numbers and counts at the limits of their ranges play, quickly and finitely.

Guards (issue 18): ``value_bn: 1e308`` made infinities and a traceback when the state was
hashed; ``elasticity: 1e308`` crashed resolution; a huge ``after_deadline_days`` crashed
``validate``; ``tariff_step: 1e-9`` hung ``match`` (hundreds of millions of tariff orders); a
huge ``win_set_slope`` made views that are not JSON, so every external bot's move failed.
Each case runs under a time limit the test enforces (a hang fails, it does not stall the suite).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tradegame.cli import main
from tradegame.engine import Game
from tradegame.scenario import load_rules
from tradegame.scenario import models as m

SMALL = Path(__file__).parents[1] / "engine" / "small.yaml"
TIME_LIMIT = 20.0  # seconds per case: generous, for a loaded machine
MAX_ORDER_MOVES = 100_000  # what the ranges allow, by far; the bundled scenarios list < 400


@cache
def _small() -> dict[str, Any]:
    return yaml.safe_load(SMALL.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _write(tmp_path: Path, name: str, doc: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@contextmanager
def _time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


Edit = Callable[[dict[str, Any]], None]


def _set(*path: Any, value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _items(levels: int) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["players"][0]["concessions"][0]["levels"] = [
            {"value": round(0.01 * (k + 1), 2), "cost": 1, "gain": 1} for k in range(levels)
        ]

    return edit


def _long_window(doc: dict[str, Any]) -> None:
    doc["calendar"]["deadline"] = dt.date(2045, 1, 1)


def _many_rounds(doc: dict[str, Any]) -> None:
    doc["calendar"].update(round_days=1, deadline=dt.date(2026, 1, 1))


# -- past the range: validate refuses, naming the field and the reason -----------------------

REFUSED: list[tuple[str, Edit, str]] = [
    (
        "value_bn",
        _set("trade", 0, "value_bn", value=1e308),
        "trade.0.value_bn: must be at most 1000000 so that the game's arithmetic stays finite",
    ),
    (
        "elasticity",
        _set("sectors", 0, "elasticity", value=1e308),
        "sectors.0.elasticity: must be at most 20 (demand falls as (1 + tariff) to the power",
    ),
    (
        "after_deadline_days",
        _set("calendar", "after_deadline_days", value=10**20),
        "calendar.after_deadline_days: must be at most 365 (a year)",
    ),
    (
        "tariff_step",
        _set("limits", "tariff_step", value=1e-9),
        "limits.tariff_step: must be at least 0.005 (half a percentage point; '0.5%' works too) "
        "so that a tariff instrument has at most 2001 settable rates",
    ),
    (
        "win_set_slope",
        _set("players", 1, "ratification", "win_set_slope", value=1e308),
        "players.1.ratification.win_set_slope: must be at most 1000000",
    ),
    (
        "negative_amount",
        _set("players", 0, "concessions", 0, "levels", 0, "cost", value=-1e7),
        "players.0.concessions.0.levels.0.cost: must be at least -1000000",
    ),
    (
        "gdp_bn",
        _set("players", 0, "gdp_bn", value=1e-300),
        "players.0.gdp_bn: must be at least 1 ($1bn; effects are divided by GDP)",
    ),
    (
        "max_tariff",
        _set("limits", "max_tariff", value=11.0),
        "limits.max_tariff: must be at most 10 (1000%)",
    ),
    (
        "max_extension_days",
        _set("calendar", "max_extension_days", value=366),
        "calendar.max_extension_days: must be at most 365 (a year; each possible day is an "
        "extension order)",
    ),
    (
        "projection_days",
        _set("calendar", "projection_days", value=10**6),
        "calendar.projection_days: must be at most 3650 (ten years)",
    ),
    (
        "levels",
        _items(m.MAX_LEVELS + 1),
        "players.0.concessions.0.levels: at most 10 levels so that the legal moves stay few "
        "enough to list, got 11",
    ),
    ("max_terms", _set("limits", "max_terms", value=11), "limits.max_terms: must be at most 10"),
    (
        "years",
        _set("players", 1, "concessions", 0, "years", value=1e-300),
        "players.1.concessions.0.years: must be at least 0.25",
    ),
    (
        "stakes_factor",
        _set("events", "random", 0, "effects", 0, "factor", value=1e308),
        "events.random.0.effects.0.factor: must be at most 10",
    ),
    (
        "window",
        _long_window,
        "calendar.deadline: the deadline is 7305 days after window_start; at most 3650 (ten years)",
    ),
    (
        "rounds",
        _many_rounds,
        "calendar.round_days: the game has 380 rounds (with the longest extension); at most 260",
    ),
    (
        "far_date",
        _set("calendar", "deadline", value=dt.date(9999, 12, 31)),
        "calendar.deadline: date 9999-12-31 is outside 1000-01-01..8999-12-31",
    ),
]


@pytest.mark.parametrize(("name", "edit", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_past_the_range_is_refused_with_a_located_reason(
    name: str, edit: Edit, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = copy.deepcopy(_small())
    edit(doc)
    path = _write(tmp_path, name, doc)
    with _time_limit():
        code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "Traceback" not in err
    located = [line for line in (out + err).splitlines() if line.startswith(f"{path}:")]
    assert any(message in line for line in located), out + err
    assert all(f"{path}:" in line for line in located)


# -- at the limits: the game plays, finitely, quickly -----------------------------------------


def _numbers_at_limits(doc: dict[str, Any]) -> None:
    """Every amount, weight and rate at the edge of its range, and the calendar at its longest
    (small.yaml's structure: three players, three sectors)."""
    big = m.MAX_MAGNITUDE
    doc["limits"] = {
        "max_tariff": m.MAX_RATE,
        "tariff_step": m.MIN_TARIFF_STEP,
        "max_orders": m.MAX_ORDERS,
        "max_terms": m.MAX_TERMS,
    }
    doc["calendar"].update(
        max_extension_days=m.MAX_EXTENSION_DAYS,
        extension_step_days=1,
        after_deadline_days=30,
        projection_days=m.MAX_PROJECTION_DAYS,
    )
    for sector in doc["sectors"]:
        sector["elasticity"] = m.MAX_ELASTICITY
        sector["salience"] = {"A": big, "B": big}
    for flow in doc["trade"]:
        flow.update(value_bn=big, mfn=m.MAX_RATE)
    doc["trade"][0]["mfn"] = 0.0  # one flow free of tariff: the steepest demand response
    for layer in doc["tariffs"]:
        layer["rate"] = m.MAX_RATE
    for p in doc["players"]:
        p.update(gdp_bn=m.MIN_GDP_BN, gdp_multiplier=big)
        for item in p.get("concessions", []):
            for level in item["levels"]:
                level.update(cost=-big, gain=big)
            if item["kind"] == "investment":
                item["years"] = m.MIN_INVESTMENT_YEARS
                item["levels"] = [{"value": big, "cost": big, "gain": -big}]
            if item["kind"] == "purchase":
                item["levels"] = [{"value": big}, {"value": big / 2}]
        for o in p["objectives"]:
            o.update(best=big, worst=-big) if o["best"] >= o["worst"] else o.update(
                best=-big, worst=big
            )
        for c in p.get("countermeasures", []):
            c.update(value_bn=big, market_stress=big, gdp_cost_pct=big)
            for t in c["tariffs"]:
                t["rate"] = m.MAX_RATE
        if "ratification" in p:
            p["ratification"].update(win_set_base=big, win_set_slope=-big)
    doc["players"][0]["tariffs"] = [{"layer": "a-on-b", "min": 0.0, "max": m.MAX_RATE}]
    doc["players"][0]["concessions"].append(
        {
            "id": "a-fx",
            "name": "Currency",
            "kind": "currency",
            "to": ["B", "C"],
            "levels": [{"value": big}, {"value": -big if False else 0.5}],
        }
    )
    doc["players"][1]["concessions"].append(
        {
            "id": "b-share",
            "name": "Cost share",
            "kind": "cost_sharing",
            "to": ["A"],
            "levels": [{"value": big}],
        }
    )
    doc["economy"] = {
        "investment_multiplier": big,
        "currency_effect": big,
        "currency_partner_bonus": big,
    }
    doc["market_stress"] = {
        "tariff_weight": big,
        "retaliation_weight": big,
        "deal_relief": big,
        "extension_relief": big,
        "approval_weight": big,
    }
    doc["politics"] = {
        "pain_weight": big,
        "concession_weight": big,
        "precedent_weight": big,
        "renege_credibility": big,
        "deal_relations": big,
    }
    for kind in ("scheduled", "conditional", "injects"):
        for event in doc["events"][kind]:
            for effect in event["effects"]:
                if "by" in effect:
                    effect["by"] = -big
    doc["events"]["random"][0].update(probability=1.0, max_times=m.MAX_COUNT)
    doc["events"]["random"][0]["effects"][0]["factor"] = m.MAX_STAKES_FACTOR


def _counts_at_limits(doc: dict[str, Any]) -> None:
    """The most players, claims, and for the first player the most instruments, packages,
    items and levels the ranges allow (all players at every limit would pass the loader's
    node limit first)."""
    sectors = [f"s{k}" for k in range(5)]
    players = [f"P{k}" for k in range(m.MAX_PLAYERS)]
    doc["sectors"] = [{"id": s, "name": s, "elasticity": 1.0} for s in sectors]
    doc["trade"] = [
        {"exporter": a, "importer": b, "sector": s, "value_bn": 10.0, "mfn": 0.02}
        for n, a in enumerate(players)
        for b in players[n + 1 : n + 2]
        for s in sectors
    ]
    doc["tariffs"] = [
        {
            "id": f"on-{k}",
            "name": "layer",
            "importer": players[0],
            "exporter": "all",
            "sectors": [sectors[k % 5]],
            "rate": 0.1,
        }
        for k in range(m.MAX_INSTRUMENTS)
    ]
    doc["claims"] = [
        {
            "id": f"claim{k}",
            "by": players[1 + k % 3],
            "about": players[0],
            "text": "x",
            "accurate": False,
        }
        for k in range(m.MAX_CLAIMS)
    ]
    doc["limits"] = {
        "max_tariff": m.MAX_RATE,
        "tariff_step": m.MIN_TARIFF_STEP,
        "max_orders": m.MAX_ORDERS,
        "max_terms": m.MAX_TERMS,
    }
    doc["roles"] = {"deadline_holder": players[0]}
    doc["talks"] = {"scheduled": [{"round": 1, "between": players[:2]}]}
    doc["calendar"]["max_extension_days"] = m.MAX_EXTENSION_DAYS
    doc["events"] = {}
    doc["relations"] = []

    def player(k: int, pid: str) -> dict[str, Any]:
        first = k == 0
        return {
            "id": pid,
            "name": pid,
            "gdp_bn": 1000.0,
            "tariffs": [
                {"layer": f"on-{j}", "min": 0.0, "max": m.MAX_RATE}
                for j in range(m.MAX_INSTRUMENTS if first else 0)
            ],
            "countermeasures": [
                {
                    "id": f"{pid}-cm{j}",
                    "name": "cm",
                    "target": players[1],
                    "tariffs": [{"sector": sectors[0], "rate": 0.1}],
                }
                for j in range(m.MAX_PACKAGES if first else 0)
            ],
            "concessions": [
                {
                    "id": f"{pid}-i{j}",
                    "name": "item",
                    "kind": "purchase",
                    "sector": sectors[j % 5],
                    "levels": [{"value": float(v + 1)} for v in range(m.MAX_LEVELS)],
                }
                for j in range(m.MAX_ITEMS if k < 2 else 1)
            ],
            "objectives": [{"metric": "approval", "best": 100, "worst": 0, "weight": 1.0}],
        }

    doc["players"] = [player(k, pid) for k, pid in enumerate(players)]


AT_LIMITS: list[tuple[str, Edit]] = [
    ("numbers", _numbers_at_limits),
    ("counts", _counts_at_limits),
    ("tariff_step", _set("limits", "tariff_step", value=m.MIN_TARIFF_STEP)),
    ("win_set_slope", _set("players", 1, "ratification", "win_set_slope", value=m.MAX_MAGNITUDE)),
    ("value_bn", _set("trade", 0, "value_bn", value=m.MAX_MAGNITUDE)),
    ("elasticity", _set("sectors", 0, "elasticity", value=m.MAX_ELASTICITY)),
    (
        "after_deadline_days",
        _set("calendar", "after_deadline_days", value=m.MAX_AFTER_DEADLINE_DAYS),
    ),
]


def _check_views(game: Game) -> None:
    for viewer in [*game.rules.player_ids, None]:
        json.dumps(game.view(viewer).to_json(), allow_nan=False)


def _play_a_few_rounds(game: Game, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    _check_views(game)
    while not game.is_over() and game.round <= rounds:
        player = game.to_move()
        assert player is not None
        legal = game.legal_actions(player)
        if game.phase == "orders" and not game.orders[player]:
            assert len(legal) <= MAX_ORDER_MOVES
        before = game.round
        game.apply(legal.sample(rng))
        if game.round != before or game.is_over():
            _check_views(game)
    assert all(math.isfinite(v) for v in game.scores().values())
    assert all(math.isfinite(v) for v in game.batna().values())
    json.dumps(game.history, allow_nan=False)
    assert len(game.state_hash()) == 64
    assert len(game.round_hashes) >= min(rounds, 1)


@pytest.mark.parametrize(("name", "edit"), AT_LIMITS, ids=[c[0] for c in AT_LIMITS])
def test_at_the_limits_random_play_stays_finite(name: str, edit: Edit, tmp_path: Path) -> None:
    doc = copy.deepcopy(_small())
    edit(doc)
    path = _write(tmp_path, name, doc)
    with _time_limit():
        rules = load_rules(path)
        for seed in (1, 2, 3):
            _play_a_few_rounds(Game.new(rules, seed), rounds=3, seed=seed)


@pytest.mark.parametrize(("name", "edit"), AT_LIMITS[:3], ids=[c[0] for c in AT_LIMITS[:3]])
def test_at_the_limits_match_finishes(name: str, edit: Edit, tmp_path: Path) -> None:
    """The whole ``match`` command, in its own process under a hard time limit (the case
    ``tariff_step: 1e-9`` used to hang it)."""
    doc = copy.deepcopy(_small())
    edit(doc)
    path = _write(tmp_path, name, doc)
    ids = [p["id"] for p in doc["players"]][:3]
    seats = [arg for p in ids for arg in ("--seat", f"{p}=random")]
    done = subprocess.run(
        [sys.executable, "-m", "tradegame", "match", str(path), "--seed", "5", "--json", *seats],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT * 3,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout, parse_constant=lambda c: pytest.fail(f"{c} in output"))
    assert result


def test_a_non_finite_number_that_slips_through_is_named_at_resolution() -> None:
    """Defence in depth: were a computation to give inf or NaN despite the ranges, resolution
    refuses it with a message naming the value, before it reaches views, scores or hashes."""
    from tradegame.engine import NonFiniteError

    game = Game.new(load_rules(SMALL), 1)
    game.credibility["B"] = math.nan  # as if some computation had produced it
    rng = random.Random(1)
    with pytest.raises(NonFiniteError, match=r"round 1: the credibility of B became nan"):
        while game.round == 1:
            game.apply(game.legal_actions().sample(rng))
