"""Autosaves: one complete, atomically written save per round, the last few kept per run.

Files are named ``GAME-SEQ-roundRR.json`` in the save folder: ``GAME`` is the game id,
``SEQ`` a sequence number that only grows (so a rolled-back game never overwrites a later
autosave of the same round, and a second run of the same game id never overwrites the first's),
``RR`` the round the game is in. Pruning is per run: an :class:`Autosaver` deletes only files it
wrote itself, so resuming one save twice (the same game id) keeps both runs' last few. The caller
decides when to autosave (after each round: the round number moves on, or the game ends)::

    saver = Autosaver(default_save_dir(), new_game_id(rules.id, seed), keep=5)
    # for each move of the game:
    before = game.round
    game.apply(action)
    if game.round != before or game.is_over():
        saver.autosave(game, seats)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tradegame.engine import Game
from tradegame.saves import format as fmt
from tradegame.saves.atomic import TMP_SUFFIX
from tradegame.saves.errors import SaveError
from tradegame.saves.store import make_document, write_document

SAVE_DIR_ENV = "TRADEGAME_SAVE_DIR"
_GAME_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STALE_TMP_SECONDS = 60.0

Writer = Callable[[Path, Mapping[str, Any]], None]


def default_save_dir() -> Path:
    """Where saves go: ``$TRADEGAME_SAVE_DIR``; else the top-level ``saves/`` folder of a source
    checkout; else ``platformdirs.user_data_dir("tradegame")/saves``."""
    env = os.environ.get(SAVE_DIR_ENV)
    if env:
        return Path(env)
    checkout = checkout_save_dir()
    if checkout is not None:
        return checkout
    import platformdirs

    return Path(platformdirs.user_data_dir("tradegame")) / "saves"


def checkout_save_dir() -> Path | None:
    """The ``saves/`` folder of the source checkout this code runs from, if there is one."""
    here = Path(__file__).resolve()
    if len(here.parents) > 3 and here.parents[2].name == "src":
        root = here.parents[3]
        if (root / "saves").is_dir() and (root / "pyproject.toml").is_file():
            return root / "saves"
    return None


def new_game_id(scenario_id: str, seed: int, when: dt.datetime | None = None) -> str:
    """A readable, unique-enough id: ``SCENARIO-sSEED-YYYYMMDDTHHMMSSZ``."""
    when = when or dt.datetime.now(dt.UTC)
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", scenario_id) or "game"
    return f"{safe}-s{seed}-{stamp}"


def game_id_of(path: str | os.PathLike[str]) -> str:
    """The game id of an autosave file name, or the file's stem for any other save."""
    name = Path(path).name
    m = re.match(r"^(.+)-(\d{4,})-round(\d+)\.json$", name)
    if m:
        return m.group(1)
    stem = name[: -len(".json")] if name.endswith(".json") else Path(name).stem
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", stem).lstrip("._-")[:100]
    return safe or "game"


class Autosaver:
    """Writes autosaves of one run of a game into ``directory``, keeping the newest ``keep`` of
    this run (files of other runs with the same game id are never deleted here)."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        game_id: str = "game",
        keep: int = 5,
        *,
        created: dt.datetime | str | None = None,
        scenario_text: str | None = None,
        scenario_name: str | None = None,
        writer: Writer | None = None,
        team: Mapping[str, Any] | None = None,
    ) -> None:
        if not _GAME_ID.match(game_id):
            raise ValueError(
                f"a game id is letters, digits, '.', '_' and '-' (starting with a "
                f"letter or digit, at most 100), got {game_id!r}"
            )
        if keep < 1:
            raise ValueError("keep at least one autosave")
        self.directory = Path(directory) if directory is not None else default_save_dir()
        self.game_id = game_id
        self.keep = keep
        self.created = fmt.format_time(created) if created is not None else fmt.utc_now()
        self.scenario_text = scenario_text
        self.scenario_name = scenario_name
        self.team = team
        self.writer: Writer = writer or write_document
        self._pattern = re.compile(rf"^{re.escape(game_id)}-(\d{{4,}})-round(\d+)\.json$")
        self._seq = 0
        self._started = False
        self.written: list[Path] = []
        """This run's autosaves still on disk, oldest first."""

    def files(self) -> list[Path]:
        """This game id's autosaves (of every run), oldest first."""
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return []
        found = []
        for entry in entries:
            m = self._pattern.match(entry.name)
            if m and entry.is_file():
                found.append((int(m.group(1)), Path(entry.path)))
        return [p for _, p in sorted(found)]

    def latest(self) -> Path | None:
        files = self.files()
        return files[-1] if files else None

    def path_for(self, seq: int, round_no: int) -> Path:
        return self.directory / f"{self.game_id}-{seq:04d}-round{round_no:02d}.json"

    def autosave(self, game: Game, seats: Mapping[str, str]) -> Path:
        """Write the game as the newest autosave, then drop all but the newest ``keep``.

        Raises :class:`SaveError`; the autosaves already written stay as they are.
        """
        shown = os.fspath(self.directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SaveError(
                shown, f"cannot create the save folder ({exc.strerror or exc})"
            ) from None
        if not self._started:
            self._started = True
            self._clean_temp_files()
        # Past every number in the folder, not just this run's: another run of the same game
        # id may have written since (two resumes of one save, one after the other or at once).
        files = self.files()
        last = self._pattern.match(files[-1].name) if files else None
        self._seq = max(self._seq, int(last.group(1)) if last else 0) + 1
        path = self.path_for(self._seq, game.round)
        doc = make_document(
            game,
            seats,
            shown=os.fspath(path),
            created=self.created,
            scenario_text=self.scenario_text,
            scenario_name=self.scenario_name,
            team=self.team,
        )
        if self.writer is write_document:
            # Two runs at once may pick the same number: the name is taken, never replaced
            # (the other run's file would be lost, and later pruned by this run as its own).
            for _ in range(1000):
                try:
                    write_document(path, doc, exclusive=True)
                    break
                except FileExistsError:
                    self._seq += 1
                    path = self.path_for(self._seq, game.round)
            else:
                raise SaveError(shown, "cannot write an autosave: every name tried is taken")
        else:
            self.writer(path, doc)
        self.written.append(path)
        self.prune()
        return path

    def prune(self) -> None:
        """Delete this run's autosaves but the newest ``keep``."""
        old, self.written = self.written[: -self.keep], self.written[-self.keep :]
        for path in old:
            try:
                path.unlink()
            except OSError:
                pass

    def _clean_temp_files(self) -> None:
        """Remove temporary files a killed autosave of this game left behind."""
        prefix = f".{self.game_id}-"
        now = time.time()
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(TMP_SUFFIX):
                try:
                    if now - entry.stat().st_mtime > STALE_TMP_SECONDS:
                        os.unlink(entry.path)
                except OSError:
                    pass
