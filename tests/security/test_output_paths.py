"""Output paths the keyboard user names, planted with symlinks by someone else: the link itself
is replaced, its target is never written (as ``docs/security.md`` says of every output)."""

from __future__ import annotations

from pathlib import Path


def test_tournament_force_replaces_a_symlink_not_its_target(tmp_path: Path) -> None:
    from tradegame.cli import main

    victim = tmp_path / "victim.txt"
    victim.write_text("victim data\n")
    out = tmp_path / "results.csv"
    out.symlink_to(victim)
    (tmp_path / "results.jsonl").symlink_to(victim)
    code = main(
        [
            "tournament",
            "april-2025",
            "--games",
            "1",
            "--agents",
            "passive,random",
            "--out",
            str(out),
            "--force",
            "--workers",
            "1",
        ]
    )
    assert code == 0
    assert victim.read_text() == "victim data\n"
    assert not out.is_symlink() and out.read_text().startswith("game,scenario,seed")
    assert not (tmp_path / "results.jsonl").is_symlink()
