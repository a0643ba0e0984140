"""Agents installed as packages (entry-point group ``tradegame.agents``).

A fake distribution — a ``.dist-info`` folder with an ``entry_points.txt`` beside its module,
put on ``sys.path`` — registers agents as a real installed package would. Naming one runs the
package's code, so the rule of ``module:Class`` holds: only the keyboard may name it, and a save
that records one resumes it as passive with the notice, without importing anything.
"""

from __future__ import annotations

import json
import random
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tradegame.agents.base import (
    CodeAgentRefused,
    make_agent,
    registry,
    runs_code,
    saved_seats,
)
from tradegame.agents.installed import installed_agents
from tradegame.cli import main
from tradegame.engine import Game, parse
from tradegame.saves import load_game, save_game
from tradegame.saves.format import checksum, encode
from tradegame.scenario import rules_from_text

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "small.yaml"

BOTS = """\
import pathlib

from tradegame.engine import Done, Pass, Reject

MARKER = {marker!r}


class Proposer:
    \"\"\"Proposes in talks when it can, else passes; 'done' in the orders phase.\"\"\"

    name = "proposer"
    description = "an installed test agent"

    def __init__(self, rng):
        self.rng = rng
        pathlib.Path(MARKER).write_text("imported and started")

    def act(self, turn):
        talks = turn.talks
        if talks is None:
            return Done(turn.player)
        return Pass(turn.player) if talks.offer is None else Reject(turn.player)
"""


@dataclass
class Fake:
    site: Path
    package: str
    marker: Path

    def ran(self) -> bool:
        return self.marker.exists()


def distribution(
    site: Path, name: str, version: str, entry_points: dict[str, str], modules: dict[str, str]
) -> None:
    for module, text in modules.items():
        (site / f"{module}.py").write_text(text, encoding="utf-8")
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = "\n".join(f"{k} = {v}" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[tradegame.agents]\n{lines}\n", encoding="utf-8")


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fake:
    site = tmp_path / "site"
    site.mkdir()
    package = f"tgbots_{uuid.uuid4().hex[:10]}"  # fresh: never already in sys.modules
    marker = tmp_path / "imported"
    distribution(
        site,
        "tg-fake-bots",
        "1.2",
        {
            "proposer": f"{package}:Proposer",
            "brokenbot": f"{package}_broken:Bot",
            "missingbot": f"{package}:NoSuchClass",
            "greedy": f"{package}:Proposer",  # cannot take a built-in's name over
        },
        {
            package: BOTS.format(marker=str(marker)),
            f"{package}_broken": "raise RuntimeError('the package is broken')\n",
        },
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(tmp_path / "saves"))
    return Fake(site, package, marker)


def test_installed_agents_are_found_from_metadata_without_importing(fake: Fake) -> None:
    found = installed_agents()
    assert {"proposer", "brokenbot", "missingbot", "greedy"} <= set(found)
    [proposer] = found["proposer"]
    assert proposer.distribution == "tg-fake-bots" and proposer.version == "1.2"
    assert proposer.value == f"{fake.package}:Proposer"
    assert not fake.ran()


def test_tradegame_agents_lists_them_with_their_package(fake: Fake, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["agents"]) == 0
    out = capsys.readouterr().out
    assert "Installed agents" in out
    assert f"proposer  (package tg-fake-bots 1.2): {fake.package}:Proposer" in out
    assert "greedy  (package tg-fake-bots 1.2): hidden by the built-in agent" in out
    assert not fake.ran()  # listing imports nothing (a broken package cannot break it)


def test_a_match_plays_an_installed_agent_named_at_the_keyboard(fake: Fake, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["match", str(SMALL), "--seat", "A=proposer", "--seed", "3", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    assert result["seats"]["A"] == "proposer" and result["incidents"] == []
    assert fake.ran()


def test_a_built_in_name_stays_the_built_in(fake: Fake) -> None:
    agent = make_agent("greedy", random.Random(0))  # no allow_code: a built-in
    assert type(agent) is registry()["greedy"]
    assert not runs_code("greedy") and not fake.ran()


def test_an_installed_agent_runs_code_so_only_the_keyboard_may_name_it(fake: Fake) -> None:
    assert runs_code("proposer") and runs_code("brokenbot")
    with pytest.raises(CodeAgentRefused, match="installed package's agent"):
        make_agent("proposer", random.Random(0))
    assert not fake.ran()
    seats, refused = saved_seats({"A": "proposer", "B": "random", "C": "greedy"})
    assert seats == {"A": "passive", "B": "random", "C": "greedy"}
    assert refused == {"A": "proposer"}


def test_a_save_that_records_one_resumes_it_as_passive_with_the_notice(
    fake: Fake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL.read_text(encoding="utf-8")
    game = Game.new(rules_from_text(text, str(SMALL)), 5)
    for move in ["B pass", "A tariff a-on-b 0.3", "A done"]:
        game.apply(parse(move))
    path = tmp_path / "homework.json"
    save_game(path, game, {"A": "random", "B": "random", "C": "passive"}, scenario_text=text)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["seats"] = {"A": "proposer", "B": "random", "C": "passive"}
    doc["checksum"] = checksum(doc)
    path.write_bytes(encode(doc))
    assert load_game(path).seats["A"] == "proposer"

    code = main(["resume", str(path), "--no-autosave", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    flat = " ".join(err.split())
    assert "A's seat is recorded as 'proposer', which runs code" in flat
    assert "so A plays as passive" in flat and "--seat A=proposer" in flat
    assert json.loads(out)["seats"]["A"] == "passive"
    assert not fake.ran()
    # Named again at the keyboard, it plays.
    code = main(["resume", str(path), "--no-autosave", "--json", "--seat", "A=proposer"])
    out, err = capsys.readouterr()
    assert code == 0, err and json.loads(out)["seats"]["A"] == "proposer"
    assert fake.ran()


# ---------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("command", ["match", "tournament"])
def test_a_broken_installed_agent_is_one_located_line(
    fake: Fake, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    args = (
        ["match", str(SMALL), "--seat", "A=brokenbot"]
        if command == "match"
        else ["tournament", str(SMALL), "--agents", "random,brokenbot", "--out",
              str(tmp_path / "r.csv"), "--no-progress"]
    )  # fmt: skip
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert (
        "cannot load the installed agent 'brokenbot' from the package 'tg-fake-bots' 1.2 "
        f"({fake.package}_broken:Bot): RuntimeError: the package is broken" in err
    )
    assert not (tmp_path / "r.csv").exists()


def test_an_entry_point_naming_a_missing_class_and_an_unknown_name(
    fake: Fake, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["match", str(SMALL), "--seat", "A=missingbot"]) == 2
    err = capsys.readouterr().err
    assert "cannot load the installed agent 'missingbot'" in err and "AttributeError" in err
    assert main(["match", str(SMALL), "--seat", "A=nosuchbot"]) == 2
    err = capsys.readouterr().err
    assert "unknown agent 'nosuchbot'" in err and "Traceback" not in err
    assert "installed agents: brokenbot, missingbot, proposer" in err


def test_one_name_from_two_packages_is_refused_by_name(
    fake: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other-site"
    other.mkdir()
    distribution(other, "tg-other-bots", "0.1", {"proposer": "elsewhere:Proposer"}, {})
    monkeypatch.syspath_prepend(str(other))
    assert main(["match", str(SMALL), "--seat", "A=proposer"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "'proposer' is registered by more than one installed package" in err
    assert "'tg-other-bots' 0.1 (elsewhere:Proposer)" in err and "module:Class" in err
    assert not fake.ran()


def test_a_tournament_of_installed_agents_in_worker_processes(
    fake: Fake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.csv"
    args = ["tournament", str(SMALL), "--agents", "proposer,random", "--games", "4"]
    code = main([*args, "--out", str(out), "--no-progress", "--workers", "2"])
    assert code == 0, capsys.readouterr().err
    rows = out.read_text().splitlines()
    assert len(rows) == 5 and "proposer" in rows[1]
    serial = tmp_path / "s.csv"
    assert main([*args, "--out", str(serial), "--no-progress"]) == 0
    assert serial.read_bytes() == out.read_bytes()


def test_the_fixture_is_a_real_distribution(fake: Fake) -> None:
    from importlib.metadata import distribution as dist

    d = dist("tg-fake-bots")
    assert d.version == "1.2"
    assert textwrap.dedent(d.read_text("entry_points.txt") or "").startswith("[tradegame.agents]")
