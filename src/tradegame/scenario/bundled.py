"""The scenarios shipped with tradegame: their names and files, and the default one. Kept apart
from the loader (which needs PyYAML and pydantic) so a screen can list them before either is
imported: the new-game screen paints first, and loads a scenario after."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

DEFAULT_SCENARIO = "april-2025"


def bundled_scenarios() -> dict[str, Traversable]:
    """The scenarios shipped with tradegame, by name (the file stem), sorted by name."""
    folder = _bundled_folder()
    if folder is None:
        return {}
    found = {
        entry.name.removesuffix(".yaml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and entry.is_file()
    }
    return dict(sorted(found.items()))


def _bundled_folder() -> Traversable | None:
    # An installed wheel has them at tradegame/scenarios (pyproject force-includes the top-level
    # folder there); an editable install or a checkout has them next to src/.
    packaged = resources.files("tradegame") / "scenarios"
    if packaged.is_dir():
        return packaged
    here = Path(__file__).resolve()
    if here.parents[2].name == "src":
        checkout = here.parents[3] / "scenarios"
        if checkout.is_dir():
            return checkout
    return None


__all__ = ["DEFAULT_SCENARIO", "bundled_scenarios"]
