"""Finding and reading scenario files, and the located problems a scenario can have. Kept apart
from the loader (which needs PyYAML and pydantic) so that a scenario's text can be read, and a
checked copy of it found in the cache (:mod:`tradegame.scenario.cache`), before either is
imported."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Iterable
from pathlib import Path

from tradegame.scenario.bundled import bundled_scenarios
from tradegame.untrusted import FileRefused, printable, read_regular_file

# About five times the biggest bundled scenario (with-china.yaml: 71 KB); the loader's other
# limits are in tradegame.scenario.loader.
MAX_BYTES = 512 * 1024
FILE_PATH = "<file>"


@dataclasses.dataclass(frozen=True)
class Problem:
    """One located problem in a scenario file (line and column are 1-based)."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        # Keys in the path and values in the message come from the file: no escape sequences.
        return printable(f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded, with the problems found, sorted by position.

    :func:`parse_scenario` spells out at most :data:`MAX_PROBLEMS`; a last problem then says
    how many more there are.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(
            set(problems), key=lambda p: (p.file, p.line, p.column, p.path, p.message)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- finding files


def load_scenario_text(source: str | os.PathLike[str]) -> tuple[str, str]:
    """The text of a scenario file or bundled scenario, and the file name to show for it.

    An existing file wins over a bundled name; a bundled name shows as ``scenarios/NAME.yaml``.
    """
    shown = os.fspath(source)
    path = Path(shown)
    if not isinstance(source, os.PathLike) and not path.is_file():
        bundled = bundled_scenarios()
        if shown in bundled:
            return _decode(bundled[shown].read_bytes(), f"scenarios/{shown}.yaml")
        if not path.exists() and _looks_like_name(shown):
            hint = _suggest(shown, list(bundled))
            names = ", ".join(bundled) or "none"
            raise _file_error(
                shown, f"no such file or bundled scenario{hint}; bundled scenarios: {names}"
            )
    try:
        # Regular files only (a device reports size 0, a FIFO blocks), at most MAX_BYTES.
        data = read_regular_file(path, MAX_BYTES, what="scenario file")
    except FileRefused as exc:
        raise _file_error(shown, str(exc)) from None
    return _decode(data, shown)


def _looks_like_name(text: str) -> bool:
    return "/" not in text and os.sep not in text and not text.endswith((".yaml", ".yml"))


def _decode(data: bytes, shown: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), shown
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise ScenarioError(
            [
                Problem(
                    shown,
                    line,
                    column,
                    FILE_PATH,
                    f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded; "
                    f"save the file as UTF-8",
                )
            ]
        ) from None


def _file_error(shown: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(shown, 1, 1, FILE_PATH, message)])


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


__all__ = ["FILE_PATH", "MAX_BYTES", "Problem", "ScenarioError", "load_scenario_text"]
