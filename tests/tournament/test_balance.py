"""The balance benchmark: its analysis on hand-made tables with known answers, and the
command end to end on a tiny sample (figures are measured by benchmarks/balance.py, never
asserted here)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.scenario import load_rules
from tradegame.tournament.balance import (
    NEWS_CHECKER,
    Config,
    Plan,
    Row,
    analyse,
    best_response_dynamics,
    dominated,
    lineup_means,
    make_plan,
    mean_ci,
    news_probe,
    paired_gain,
    payoff_table,
    pure_equilibria,
    variance_split,
)


def test_mean_ci_is_the_student_interval() -> None:
    s = mean_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    half = 2.776 * math.sqrt(2.5) / math.sqrt(5)  # t(0.975, 4) × sd / √n
    assert s.n == 5 and s.mean == 3.0
    assert s.lo == pytest.approx(3.0 - half, abs=1e-3) and s.hi == pytest.approx(
        3.0 + half, abs=1e-3
    )
    one = mean_ci([2.0])
    assert one.mean == 2.0 and one.lo is None and one.to_json()["ci95"] is None
    assert mean_ci([]).n == 0


ROWS = [  # two roles, agents x and y, two seeds
    Row(("x", "x"), 1, (1.0, 1.0)),
    Row(("x", "x"), 2, (3.0, 1.0)),
    Row(("x", "y"), 1, (0.0, 2.0)),
    Row(("x", "y"), 2, (0.0, 2.0)),
    Row(("y", "x"), 1, (4.0, 0.0)),
    Row(("y", "x"), 2, (4.0, 0.0)),
    Row(("y", "y"), 1, (1.0, 1.0)),
    Row(("y", "y"), 2, (1.0, 1.0)),
]


def test_payoff_table_groups_by_role_and_agent() -> None:
    table = payoff_table(ROWS, ("A", "B"))
    assert table["A"]["x"].mean == 1.0 and table["A"]["x"].n == 4  # 1, 3, 0, 0
    assert table["A"]["y"].mean == 2.5
    assert table["B"]["y"].mean == 1.5 and table["B"]["x"].mean == 0.5


def test_dominance_equilibrium_and_prisoners_dilemma() -> None:
    # role A: y beats x against both of B's agents (4 > 2, 1 > 0); role B likewise
    means = lineup_means(ROWS)
    assert means[("x", "x")] == (2.0, 1.0)
    assert dominated(means, 2) == [[("x", "y")], [("x", "y")]]
    assert pure_equilibria(means, 2) == [("y", "y")]
    dyn = best_response_dynamics(means, ("x", "x"))
    assert dyn.kind == "equilibrium" and dyn.path[-1] == ("y", "y")


def test_matching_pennies_has_a_best_response_cycle() -> None:
    means = {
        ("h", "h"): (1.0, -1.0),
        ("h", "t"): (-1.0, 1.0),
        ("t", "h"): (-1.0, 1.0),
        ("t", "t"): (1.0, -1.0),
    }
    assert pure_equilibria(means, 2) == []
    assert dominated(means, 2) == [[], []]
    dyn = best_response_dynamics(means, ("h", "h"))
    assert dyn.kind == "cycle"
    assert dyn.cycle == (("h", "h"), ("h", "t"), ("t", "t"), ("t", "h"), ("h", "h"))


def test_a_tie_is_not_dominance() -> None:
    means = {("a", "z"): (1.0, 0.0), ("b", "z"): (1.0, 0.0)}
    assert dominated(means, 2) == [[], []]


def test_variance_split_of_an_additive_table() -> None:
    # y = line-up effect + seed effect, nothing else: L1 (1, 3), L2 (5, 7)
    rows = [
        Row(("L1",), 1, (1.0,)),
        Row(("L1",), 2, (3.0,)),
        Row(("L2",), 1, (5.0,)),
        Row(("L2",), 2, (7.0,)),
        Row(("L3",), 1, (9.0,)),  # played on one seed only: left out
    ]
    v = variance_split(rows, 0)
    assert (v.lineups, v.seeds) == (2, 2)
    assert v.total == pytest.approx(20.0) and v.lineup == pytest.approx(16.0)
    assert v.seed == pytest.approx(4.0) and v.interaction == pytest.approx(0.0)
    assert v.to_json()["choice_share"] == 0.8


def test_variance_split_puts_pure_noise_in_the_interaction() -> None:
    rows = [Row(("L1",), 1, (1.0,)), Row(("L1",), 2, (-1.0,)), Row(("L2",), 1, (-1.0,)),
            Row(("L2",), 2, (1.0,))]  # fmt: skip
    v = variance_split(rows, 0)
    assert v.lineup == 0 and v.seed == 0 and v.interaction == pytest.approx(4.0)


def test_paired_gain_pairs_by_seed() -> None:
    cells = {(r.lineup, r.seed): r.surplus for r in ROWS}
    gain = paired_gain(cells, 0, [(("x", "x"), ("y", "x"))], [1, 2])
    assert gain.n == 2 and gain.mean == 2.0  # 4 − 1 and 4 − 3


def test_the_plan_pairs_each_probe_with_its_baseline_seat_by_seat() -> None:
    roles = ("US", "JP", "EU")
    plan = make_plan(roles, Config(agents=("passive", "greedy"), seeds=3), ("greedy", "dove"))
    assert len(plan.seeds) == len(set(plan.seeds)) == 3
    rr = {lu for lu in plan.lineups if set(lu) <= {"passive", "greedy"}}
    assert len(rr) == 8  # every line-up of the round robin
    for i, role in enumerate(roles):
        pairs = plan.statements[role]
        assert len(pairs) == 4  # the panel's 2 × 2 line-ups of the other roles
        for base, probe in pairs:
            assert (base[i], probe[i]) == ("passive", "statements")
            assert base[:i] + base[i + 1 :] == probe[:i] + probe[i + 1 :]
        for plain, wrapped in plan.wrapped[(role, "greedy")]:
            assert (plain[i], wrapped[i]) == ("greedy", "greedy+statements")
    assert set(plan.timing) == {("JP", "greedy"), ("EU", "greedy")}  # JP and EU, each US agent
    for early, late in plan.timing[("JP", "greedy")]:
        assert early[0] == late[0] == "greedy" and (early[1], late[1]) == (
            "settle-early",
            "hold-out",
        )
    tasks = plan.tasks("april-2025")
    assert len(tasks) == len(plan.lineups) * 3 == len({t.index for t in tasks})
    assert len(set(plan.lineups)) == len(plan.lineups)


def _timing_verdict(against_u2: float) -> tuple[str, list[str]]:
    plan = Plan(("US", "JP"), (1, 2), ("a",), ("a",), round_robin=False)
    rows = []
    for us, late in (("u1", 2.0), ("u2", against_u2)):
        early, held = (us, "settle-early"), (us, "hold-out")
        plan.timing[("JP", us)] = [(early, held)]
        for seed in (1, 2):
            rows += [Row(early, seed, (0.0, 1.0)), Row(held, seed, (0.0, 1.0 + late))]
    probe = next(p for p in analyse(plan, rows, "a")["probes"] if p["id"] == "timing:JP")
    return probe["verdict"], [d["best"] for d in probe["detail"]]


def test_settling_early_or_late_must_each_win_against_some_us_agent() -> None:
    assert _timing_verdict(-1.0) == ("met", ["hold-out", "settle-early"])
    assert _timing_verdict(0.0) == ("not met", ["hold-out", "tie"])  # a tie is no win
    assert _timing_verdict(3.0) == ("not met", ["hold-out", "hold-out"])


def _holdout_verdict(engaged_gain: float) -> tuple[str, str | None]:
    """Japan's surplus against the default US ``d``: hold-out 5, ``x`` 5 + engaged_gain,
    ``passive`` 9 (not an engaged agent: it never counts)."""
    plan = Plan(("US", "JP"), (1, 2), ("passive", "x", "d"), ("d",), round_robin=False)
    plan.timing[("JP", "d")] = [(("d", "settle-early"), ("d", "hold-out"))]
    rows = []
    for seed in (1, 2):
        rows += [
            Row(("d", "hold-out"), seed, (0.0, 5.0)),
            Row(("d", "x"), seed, (0.0, 5.0 + engaged_gain)),
            Row(("d", "passive"), seed, (0.0, 9.0)),
            Row(("u", "x"), seed, (0.0, 99.0)),  # against another US agent: not counted
        ]
    probe = next(p for p in analyse(plan, rows, "d")["probes"] if p["id"] == "holdout:JP")
    return probe["verdict"], probe["best"]


def test_holding_out_must_not_be_strictly_dominant_against_the_default_us() -> None:
    assert _holdout_verdict(0.0) == ("met", "x")  # as well as hold-out is enough
    assert _holdout_verdict(1.0) == ("met", "x")
    assert _holdout_verdict(-1.0) == ("not met", "x")


def test_probes_without_games_are_not_available() -> None:
    plan = Plan(("US", "JP"), (1,), ("a",), ("a",), round_robin=False)
    plan.statements["JP"] = [(("a", "passive"), ("a", "statements"))]
    report = analyse(plan, [], "a")
    verdicts = {p["id"]: p["verdict"] for p in report["probes"]}
    assert verdicts["statements:JP"] == "not available" and verdicts["wrapped"] == "not available"
    assert "payoffs" not in report and report["games"] == {"round_robin": 0, "all": 0}


def test_the_command_writes_a_well_formed_report(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    md, js = tmp_path / "balance.md", tmp_path / "balance.json"
    args = ["balance", "april-2025", "--agents", "passive", "--panel", "passive", "--seeds",
            "1", "--selloff-games", "1", "--news-games", "2", "--workers", "1", "--no-progress",
            "--out", str(md), "--json", str(js)]  # fmt: skip
    assert main(args) == 0
    report = json.loads(js.read_text())
    default = report["default_agent"]
    assert report["agents"] == ["passive", default] and report["roles"] == ["US", "JP", "EU"]
    assert report["games"]["round_robin"] == 8 and report["unfinished"] == []
    assert set(report["payoffs"]["JP"]) == {"passive", default}
    assert report["payoffs"]["JP"]["passive"]["n"] == 4
    ids = [p["id"] for p in report["probes"]]
    assert ids[:3] == ["statements:US", "statements:JP", "statements:EU"]
    for needed in ("wrapped", "timing:JP", "timing:EU", "selloff", "car_hike", "round1",
                   "calendar", "news"):  # fmt: skip
        assert needed in ids
    for p in report["probes"]:
        assert p["verdict"] in ("met", "not met", "not available")
    assert report["run"]["command"].startswith("tradegame balance april-2025")
    assert report["run"]["commit"] and report["run"]["seconds"] >= 0
    text = md.read_text()
    for heading in ("## Rule probes", "## Payoffs per role", "## Dominated agents",
                    "## The meta-game", "## Luck against choice"):  # fmt: skip
        assert heading in text
    assert text.count("| **") == len(report["probes"])  # one verdict per probe row
    assert report["verdicts"] == {p["id"]: p["verdict"] for p in report["probes"]}
    assert report["run"]["cpu_seconds"] > 0
    # an existing report is kept unless --force
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err


def test_bad_options_are_refused_clearly(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["balance", "--agents", "nosuch", "--out", str(tmp_path / "x.md")]) == 2
    assert "'nosuch' is not a built-in agent" in capsys.readouterr().err
    assert main(["balance", "--agents", "cmd:touch x", "--workers", "1"]) == 2
    assert main(["balance", "--seeds", "0"]) == 2
    assert main(["balance", "--workers", "0"]) == 2
    assert not (tmp_path / "x.md").exists()


def test_probes_only_skips_the_round_robin(tmp_path: Path) -> None:
    js = tmp_path / "b.json"
    args = ["balance", "--agents", "passive", "--panel", "passive", "--seeds", "1",
            "--selloff-games", "0", "--news-games", "0", "--workers", "1", "--no-progress",
            "--probes-only",
            "--json", str(js), "--out", str(tmp_path / "b.md")]  # fmt: skip
    assert main(args) == 0
    report = json.loads(js.read_text())
    assert report["round_robin"] is False and "payoffs" not in report
    assert report["games"]["round_robin"] == 0 and report["games"]["all"] > 0
    assert report["verdicts"]["selloff"] == "not available"  # no games asked for
    assert "Not played (`--probes-only`)" in (tmp_path / "b.md").read_text()


def test_the_news_probe_runs_the_checker_over_random_games(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules("april-2025")
    seen: list[int] = []

    def check_game(game):  # type: ignore[no-untyped-def]
        seen.append(game.seed)
        return ["round 3: letter_japan needs no deal"] if len(seen) == 2 else []

    fake = types.ModuleType(NEWS_CHECKER)
    fake.check_game = check_game  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, NEWS_CHECKER, fake)
    out = news_probe(rules, 1, 3)
    assert len(set(seen)) == 3 and out["games"] == 3
    assert out["games_with_contradictions"] == 1 and out["verdict"] == "not met"
    assert "letter_japan" in out["examples"][0]
    seen.clear()
    fake.check_game = lambda game: []  # type: ignore[attr-defined]
    assert news_probe(rules, 1, 2)["verdict"] == "met"
    monkeypatch.setitem(sys.modules, NEWS_CHECKER, None)  # no checker: import fails
    assert news_probe(rules, 1, 2)["verdict"] == "not available"


@pytest.mark.parametrize("flag", ["--out", "--json=x.json", "--force"])
def test_the_balance_benchmark_refuses_the_flags_it_sets(flag: str) -> None:
    """benchmarks/balance.py writes docs/balance.md and docs/balance.json itself: a flag that
    names another file (or --force) is refused, not silently overridden, and nothing runs."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "balance.py"), flag, "/tmp/elsewhere.md"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    name = flag.split("=")[0]
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (
        f"benchmarks/balance.py: {name} is set by this script (it writes docs/balance.md and"
        " docs/balance.json); to write elsewhere run `tradegame balance --out FILE`\n"
    )


def test_the_balance_benchmarks_help_says_what_it_sets() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "balance.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("The balance benchmark of issue 19")
    assert "The options of `tradegame balance` but --out, --json, --force:" in proc.stdout
    assert "usage: tradegame balance" in proc.stdout
