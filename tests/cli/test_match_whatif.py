"""The match and whatif commands: output shape, determinism and located user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tradegame.cli import main

SMALL = str(Path(__file__).parents[1] / "engine" / "small.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_match_json_has_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "match", SMALL, "--seat", "A=random", "--seat", "B=random", "--seed", "4", "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert {
        "scenario",
        "seed",
        "score",
        "batna",
        "surplus",
        "deals",
        "rounds",
        "actions",
        "state_hash",
    } <= set(result)
    assert result["scenario"] == "small" and result["seed"] == 4
    assert set(result["score"]) == {"A", "B", "C"}
    for p in result["score"]:
        assert 0.0 <= result["score"][p] <= 100.0
        assert result["surplus"][p] == pytest.approx(
            result["score"][p] - result["batna"][p], abs=1e-5
        )
    assert result["seats"] == {"A": "random", "B": "random", "C": "passive"}
    assert len(result["state_hash"]) == 64


def test_match_is_reproducible_and_seed_sensitive(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "match",
        SMALL,
        "--seat",
        "A=random",
        "--seat",
        "B=random",
        "--seat",
        "C=random",
        "--json",
    ]
    hashes = []
    for seed in ("1", "1", "2"):
        code, out, _ = run(capsys, *argv, "--seed", seed)
        assert code == 0
        hashes.append(json.loads(out)["state_hash"])
    assert hashes[0] == hashes[1]
    assert hashes[0] != hashes[2]


def test_all_passive_match_scores_its_batna(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "match", SMALL, "--seed", "9", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["score"] == result["batna"]
    assert result["deals"] == []


def test_match_transcript_names_rounds_and_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "match", SMALL, "--seat", "A=random", "--seed", "2")
    assert code == 0
    assert "Round 1 (day 7, 2025-01-08)" in out
    assert "joint surplus" in out and "BATNA" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["match", SMALL, "--seat", "X=random"],
            "tradegame: --seat X=random: unknown player 'X' (players: A, B, C)\n",
        ),
        (["match", SMALL, "--seat", "A"], "tradegame: --seat is written PLAYER=AGENT, got 'A'\n"),
        (
            ["match", SMALL, "--seat", "A=random", "--seat", "A=passive"],
            "tradegame: --seat A given twice\n",
        ),
        (
            ["match", SMALL, "--seat", "A=human"],
            "tradegame: --seat A=human: a headless match has no human seats\n",
        ),
        (["match", "no-such-scenario"], None),
        (
            ["whatif", SMALL, "--tariff", "A:B=0.2"],
            "tradegame: --tariff is written IMPORTER:EXPORTER:SECTOR=RATE, got 'A:B=0.2'\n",
        ),
        (
            ["whatif", SMALL, "--tariff", "A:B:cars=lots"],
            "tradegame: not a rate: 'lots' (write 0.24 or 24%)\n",
        ),
        (
            ["whatif", SMALL, "--tariff", "A:B:rice=0.2"],
            "tradegame: --tariff A:B:rice=0.2: unknown sector 'rice' (sectors: cars, farm, other,"
            " or all)\n",
        ),
        (
            ["whatif", SMALL, "--tariff", "A:Q:all=0.2"],
            "tradegame: --tariff A:Q:all=0.2: unknown player 'Q' (players: A, B, C)\n",
        ),
        (
            ["whatif", SMALL, "--tariff", "B:C:all=0.2"],
            "tradegame: --tariff B:C:all=0.2: no trade flow from C to B in all\n",
        ),
        (
            ["whatif", SMALL, "--tariff", "A:B:all=250%"],
            "tradegame: --tariff A:B:all=250%: rate 2.5 is outside 0..1\n",
        ),
    ],
)
def test_user_errors_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str | None
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    if message is not None:
        assert err == message
    else:
        assert err.startswith("tradegame: ") and "Traceback" not in err


def test_unknown_agent_lists_the_built_ins(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "match", SMALL, "--seat", "A=genius")
    assert code == 2
    assert err.startswith("tradegame: unknown agent 'genius'; built-in agents: ")
    assert "passive" in err and "random" in err


def test_whatif_raising_a_tariff_hurts_the_exporter(capsys: pytest.CaptureFixture[str]) -> None:
    _, out0, _ = run(capsys, "whatif", SMALL, "--json")
    _, out1, _ = run(capsys, "whatif", SMALL, "--tariff", "A:B:all=50%", "--json")
    before, after = json.loads(out0)["players"], json.loads(out1)["players"]
    assert after["B"]["gdp_effect_pct"] < before["B"]["gdp_effect_pct"]
    assert after["B"]["exports_bn"] < before["B"]["exports_bn"]
    assert after["A"]["tariff_revenue_bn"] > before["A"]["tariff_revenue_bn"]
    assert after["C"] == before["C"]  # C's trade with A is untouched


def test_whatif_later_flags_override_earlier(capsys: pytest.CaptureFixture[str]) -> None:
    _, a, _ = run(
        capsys, "whatif", SMALL, "--tariff", "A:B:all=0.3", "--tariff", "A:B:cars=0.1", "--json"
    )
    rates = {(f["importer"], f["exporter"], f["sector"]): f["rate"] for f in json.loads(a)["flows"]}
    assert rates[("A", "B", "cars")] == 0.1
    assert rates[("A", "B", "other")] == 0.3


def test_no_traceback_in_a_real_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tradegame", "match", SMALL, "--seat", "A=nonsense.py:Bot"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr == "tradegame: agent file 'nonsense.py' not found\n"
