"""``tradegame replay``, ``rollback`` and ``resume`` (and ``match --save``, their source)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradegame.cli import main
from tradegame.saves import load_game, save_game

from .support import SEATS, SMALL_PATH, save_kwargs, scripted_game

MATCH = [
    "match",
    "april-2025",
    "--seat",
    "US=random",
    "--seat",
    "JP=random",
    "--seat",
    "EU=random",
    "--seed",
    "3",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def save_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "autosaves"
    monkeypatch.setenv("TRADEGAME_SAVE_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def match_save(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The acceptance match, saved (module-scoped: the default scenario loads in 0.2 s)."""
    path = tmp_path_factory.mktemp("match") / "g.json"
    assert main([*MATCH, "--save", str(path), "--json"]) == 0
    return path, {}


def test_acceptance_replay_json_reproduces_the_match_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.json"
    code, out, err = run(capsys, *MATCH, "--save", str(path), "--json")
    assert code == 0, err
    result = json.loads(out)
    code, out, err = run(capsys, "replay", str(path), "--json")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[-1]["state_hash"] == result["state_hash"]
    assert lines[-1]["over"] and lines[-1]["round"] == result["rounds"]
    # One object per round, in order, with the documented fields; together they hold every
    # action once, and each round's hash is the one in the save.
    doc = json.loads(path.read_text("utf-8"))
    assert [line["round"] for line in lines] == list(range(1, len(lines) + 1))
    assert sum(len(line["actions"]) for line in lines) == len(doc["actions"]) == result["actions"]
    assert [a for line in lines for a in line["actions"]] == doc["actions"]
    assert [line["round_hash"] for line in lines] == [r["state_hash"] for r in doc["rounds"]]
    for line in lines:
        assert {
            "round",
            "date",
            "actions",
            "log",
            "state_hash",
            "approval",
            "market_stress",
        } <= set(line)
        assert set(line["approval"]) == {"US", "JP", "EU"}
        assert all(set(e) == {"phase", "kind", "text"} for e in line["log"])
    assert lines[0]["date"] == "2025-04-16"
    assert any(e["phase"] == "news" for line in lines for e in line["log"])


def test_replay_text_and_one_round(
    match_save: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = match_save
    loaded = load_game(path)
    code, out, err = run(capsys, "replay", str(path))
    assert code == 0, err
    assert out.startswith(loaded.rules.title)
    assert "Round 1 (2025-04-16" in out and f"Round {loaded.game.round} (" in out
    assert out.rstrip().endswith(loaded.game.state_hash())
    code, out, err = run(capsys, "replay", str(path), "--round", "2")
    assert code == 0, err
    assert out.startswith("Round 2 (") and "Round 1 (" not in out and "Round 3 (" not in out
    code, out, err = run(capsys, "replay", str(path), "--round", "2", "--json")
    assert code == 0 and [json.loads(x)["round"] for x in out.splitlines()] == [2]
    code, out, err = run(capsys, "replay", str(path), "--round", "99")
    assert code == 2 and out == ""
    assert err == (
        f"tradegame: {path}: round 99 is not in this save (it holds rounds 1 to "
        f"{loaded.game.round})\n"
    )


def test_rollback_then_resume_replays_the_original_game(
    match_save: tuple[Path, dict[str, object]],
    tmp_path: Path,
    save_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Agents are shown the game so far on resume, so a rolled-back game of seeded agents
    resumed with the same seats ends exactly where the original did."""
    path, _ = match_save
    original = load_game(path)
    out_path = tmp_path / "r5.json"
    code, out, err = run(capsys, "rollback", str(path), "--round", "5", "--out", str(out_path))
    assert code == 0, err
    start = original.meta.round_start(5)
    assert out == (
        f"{out_path}: april-2025 seed 3 at the start of round 5 ({start} of "
        f"{len(original.game.actions)} actions kept)\n"
    )
    rolled = load_game(out_path)
    assert rolled.game.round == 5 and not rolled.game.is_over()
    assert rolled.game.actions == original.game.actions[:start]
    assert rolled.game.round_hashes == original.game.round_hashes[:4]
    assert rolled.seats == original.seats and rolled.meta.created == original.meta.created
    # continue it
    final = tmp_path / "final.json"
    code, out, err = run(capsys, "resume", str(out_path), "--save", str(final), "--json")
    assert code == 0, err
    assert json.loads(out)["state_hash"] == original.game.state_hash()
    assert load_game(final).game.actions == original.game.actions
    # autosaved each round into the save folder, the last 3 kept, each a valid save
    autosaves = sorted(save_dir.glob("r5-*-round*.json"))
    assert len(autosaves) == 3
    assert load_game(autosaves[-1]).game.state_hash() == original.game.state_hash()
    assert "autosaving each round to" in err


def test_rollback_refuses_to_overwrite_and_checks_the_round(
    match_save: tuple[Path, dict[str, object]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = match_save
    rounds = load_game(path).game.round
    taken = tmp_path / "taken.json"
    taken.write_text("keep me")
    code, _, err = run(capsys, "rollback", str(path), "--round", "2", "--out", str(taken))
    assert code == 2 and taken.read_text() == "keep me"
    assert err == (
        f"tradegame: {taken}: the file exists; choose another name, or give --force to replace it\n"
    )
    code, _, err = run(
        capsys, "rollback", str(path), "--round", "2", "--out", str(taken), "--force"
    )
    assert code == 0 and load_game(taken).game.round == 2
    for bad in ("0", str(rounds + 1)):
        code, _, err = run(
            capsys, "rollback", str(path), "--round", bad, "--out", str(tmp_path / "x.json")
        )
        assert code == 2
        assert err == (
            f"tradegame: {path}: round {bad} is not in this save (it holds rounds "
            f"1 to {rounds}; the game is over)\n"
        )
    # rolling back to round 1 keeps no action at all
    code, _, err = run(
        capsys, "rollback", str(path), "--round", "1", "--out", str(tmp_path / "one.json")
    )
    assert code == 0 and load_game(tmp_path / "one.json").game.actions == []


def test_resume_a_human_seat_continues_as_passive_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "half.json"
    save_game(path, scripted_game(upto=11, finish=False), SEATS, **save_kwargs())
    out_path = tmp_path / "done.json"
    code, out, err = run(capsys, "resume", str(path), "--no-autosave", "--save", str(out_path))
    assert code == 0, err
    assert err == (
        "tradegame: A was played by a human; it continues as passive "
        "(give --seat A=AGENT to choose an agent)\n"
    )
    done = load_game(out_path)
    assert done.game.is_over() and done.seats == {"A": "passive", "B": "random", "C": "passive"}
    assert "A       passive" in out
    # an agent given on the command line replaces the human, without the note
    code, out, err = run(
        capsys, "resume", str(path), "--no-autosave", "--seat", "A=random", "--json"
    )
    assert code == 0 and err == ""
    assert json.loads(out)["seats"] == {"A": "random", "B": "random", "C": "passive"}
    # a bad seat is one clear line
    code, out, err = run(capsys, "resume", str(path), "--no-autosave", "--seat", "Z=random")
    assert code == 2 and "unknown player 'Z'" in err and err.count("\n") == 1


def test_resume_of_a_finished_game_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], save_dir: Path
) -> None:
    path = tmp_path / "over.json"
    save_game(path, scripted_game(), SEATS, **save_kwargs())
    before = path.read_bytes()
    code, out, err = run(capsys, "resume", str(path))
    assert code == 0
    assert err == f"tradegame: {path}: the game is already over; nothing to resume\n"
    assert path.read_bytes() == before and not save_dir.exists()


def test_match_can_save_a_scenario_given_by_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    code, _, err = run(capsys, "match", str(SMALL_PATH), "--seed", "2", "--save", str(path))
    assert code == 0, err
