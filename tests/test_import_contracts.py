"""The import contracts in pyproject.toml name every part of tradegame, so a new package or
module cannot slip past them (import-linter only checks the modules a contract names)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "tradegame"
NOT_PARTS = {"__init__", "__main__"}  # the package itself and `python -m tradegame`


def parts() -> set[str]:
    found = {f"tradegame.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in NOT_PARTS}
    found |= {
        f"tradegame.{p.name}"
        for p in PACKAGE.iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    }
    return found


def contract(name_start: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = [
        c for c in config["tool"]["importlinter"]["contracts"] if c["name"].startswith(name_start)
    ]
    assert len(found) == 1, name_start
    return found[0]


def named(contract: dict[str, Any], key: str) -> set[str]:
    """The modules a contract lists under ``key`` (a layer may hold several, "a | b")."""
    return {m.strip() for entry in contract[key] for m in entry.replace(":", "|").split("|")}


def test_the_parts_are_found() -> None:
    assert {"tradegame.engine", "tradegame.ui", "tradegame.cli", "tradegame.session"} <= parts()


def test_every_part_is_in_a_layer() -> None:
    assert named(contract("layers:"), "layers") == parts()


def test_the_engine_may_import_no_other_part() -> None:
    engine = contract("the engine imports only")
    assert named(engine, "source_modules") == {"tradegame.engine"}
    assert parts() - {"tradegame.engine"} <= named(engine, "forbidden_modules")


def test_every_part_but_ui_is_barred_from_textual() -> None:
    textual = contract("only ui imports Textual")
    assert named(textual, "source_modules") == parts() - {"tradegame.ui"}
