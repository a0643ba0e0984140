"""The interface's adapter to :mod:`tradegame.saves`: save, load, autosave, list saves.

Everything a save can go wrong with becomes one :class:`PersistenceError` whose message the
interface shows as is (the saves package already starts it with the file name). If the saves
package is missing (an old checkout), saving says so instead of failing.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradegame.session.match import Match


class PersistenceError(Exception):
    """A save or load that did not work; ``str()`` is the message for the player."""


def _saves() -> Any:
    try:
        import tradegame.saves as saves
    except ImportError:  # pragma: no cover - only before the saves package existed
        raise PersistenceError("saving is not available in this version of tradegame") from None
    return saves


def save_dir(directory: str | os.PathLike[str] | None = None) -> Path:
    """The folder for saves: the given one, else the saves package's default."""
    if directory is not None:
        return Path(directory)
    try:
        return Path(_saves().default_save_dir())
    except PersistenceError:  # pragma: no cover
        return Path("saves")


def suggested_path(match: Match, directory: Path) -> Path:
    """A file name for a manual save: the game's own file (a team's game), else
    ``SCENARIO-sSEED-roundRR.json`` in ``directory``."""
    if match.home is not None:
        return match.home
    scenario = "".join(c if c.isalnum() or c in "-_." else "_" for c in match.rules.id)
    return directory / f"{scenario}-s{match.seed}-round{match.game.round:02d}.json"


def save_target(path: str | os.PathLike[str], default_name: str | None = None) -> Path:
    """The file :func:`save` writes for ``path`` (``~`` expanded, ``.json`` added if bare);
    a folder (an existing one, or a path ending in a separator) means ``default_name`` in
    it, when given."""
    text = os.path.expanduser(os.fspath(path))
    target = Path(text)
    if default_name and (target.is_dir() or text.endswith(("/", os.sep))):
        return target / default_name
    return target.with_suffix(".json") if target.suffix == "" else target


def earlier_save_of(path: str | os.PathLike[str], match: Match, game: Any = None) -> bool:
    """Whether ``path`` holds an earlier save of this very game (same start, seed and
    scenario, and its moves the start of the game's): replacing it loses nothing."""
    from tradegame.saves.format import text_sha256
    from tradegame.saves.store import read_document

    game = game if game is not None else match.game
    try:
        doc, _ = read_document(path)  # size limit, decoding, format: the loader's own checks
        moves = doc["actions"]
        digests = {game.rules.digest} - {""}
        if match.scenario_text is not None:
            digests.add(text_sha256(match.scenario_text))
        same = (
            doc["created"] == match.created
            and doc["seed"] == game.seed
            and doc["scenario"]["sha256"] in digests
            and isinstance(moves, list)
            and len(moves) <= len(game.actions)
        )
    except (_saves().SaveError, KeyError, TypeError):
        return False
    return same and all(m == str(a) for m, a in zip(moves, game.actions, strict=False))


def save(path: str | os.PathLike[str], match: Match, game: Any = None) -> Path:
    """Write the match (or ``game``, a snapshot of its game taken for a worker thread) to
    ``path`` atomically; returns the path written."""
    saves = _saves()
    target = save_target(path)
    if not target.parent.is_dir():  # a mistyped folder is an error, not a new folder
        raise PersistenceError(
            f"{target.parent}: no such folder; nothing was saved (create "
            f"the folder first, or choose another)"
        )
    try:
        saves.save_game(
            target,
            game if game is not None else match.game,
            match.seats,
            created=match.created,
            scenario_text=match.scenario_text,
            scenario_name=match.scenario_name,
            team=match.team,
        )
    except saves.SaveError as exc:
        raise PersistenceError(str(exc)) from None
    return target


def load(path: str | os.PathLike[str]) -> Match:
    """Load and verify a save; returns a match ready to continue."""
    saves = _saves()

    shown = os.path.expanduser(os.fspath(path))
    try:
        loaded = saves.load_game(shown)
    except saves.SaveError as exc:
        raise PersistenceError(str(exc)) from None
    except OSError as exc:  # pragma: no cover - the saves package reports these itself
        raise PersistenceError(f"{shown}: {exc.strerror or exc}") from None
    return _match_of(loaded, shown)


PASTED = "the pasted save"


def load_text(text: str | bytes, shown: str = PASTED) -> Match:
    """Load and verify a save given as text or bytes (pasted into a browser: ``tradegame
    serve`` never reads a path a browser names); the checks of :func:`load`, and messages
    that start with ``shown``."""
    saves = _saves()
    from tradegame.saves.store import parse_document, verify_document

    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if len(data) > saves.MAX_SAVE_BYTES:
        raise PersistenceError(
            f"{shown}: {len(data)} bytes, larger than the "
            f"{saves.MAX_SAVE_BYTES // 2**20} MiB limit for a save"
        )
    try:
        raw, version = parse_document(data, shown)
        loaded = verify_document(raw, version, shown)
    except saves.SaveError as exc:
        raise PersistenceError(str(exc)) from None
    match = _match_of(loaded, shown)
    match.home = None  # text from a browser names no file here to save back to
    return match


def _match_of(loaded: Any, shown: str) -> Match:
    """The match of a loaded save. Its seats are a record: one that would run code is not
    started (it plays as passive) and ``match.seat_notices`` says how to name it again."""
    import shlex

    from tradegame.agents.base import AgentSpecError, refused_seat_notice, saved_seats

    seats, refused = saved_seats(loaded.seats)
    command = "tradegame play " + (shlex.quote(shown) if shown != PASTED else "SAVE.json")
    try:
        match = Match(
            loaded.rules,
            loaded.game.seed,
            seats,
            game=loaded.game,
            scenario_name=loaded.meta.scenario_name,
            scenario_text=loaded.scenario_text,
            created=loaded.meta.created,
        )
    except AgentSpecError as exc:
        raise PersistenceError(f"{shown}: a seat's agent cannot be loaded: {exc}") from None
    if not match.game.is_over():
        match.seat_notices = {
            p: refused_seat_notice(p, spec, command) for p, spec in refused.items()
        }
    match.team = loaded.team
    if loaded.team is not None:
        match.home = Path(shown)  # a team's file is the game: saved back to, autosaved beside
    return match


def save_bytes(match: Match, game: Any = None) -> tuple[str, bytes]:
    """The save of the match (or of ``game``, a snapshot) as a file name and its bytes, for a
    download: nothing is written on this machine."""
    saves = _saves()
    from tradegame.saves.store import encode_document

    name = suggested_path(match, Path(".")).name
    try:
        doc = saves.make_document(
            game if game is not None else match.game,
            match.seats,
            shown=name,
            created=match.created,
            scenario_text=match.scenario_text,
            scenario_name=match.scenario_name,
            team=match.team,
        )
        return name, encode_document(doc, name)
    except saves.SaveError as exc:
        raise PersistenceError(str(exc)) from None


AUTOSAVES_BESIDE = "autosaves"
"""The folder beside a team's file where its game's autosaves go (not ``team-*.json``, so
``grades class/team-*.json`` never picks them up)."""


class Autosave:
    """Autosaves one match after each round (the newest ``keep`` files are kept). A team's
    game (``match.home``) is written back to its own file after each round, and its autosaves
    go to ``autosaves/`` beside that file, named after it (``team-01-0001-round02.json``)."""

    def __init__(
        self, match: Match, directory: str | os.PathLike[str] | None, keep: int = 5
    ) -> None:
        saves = _saves()
        self.match = match
        self.home = match.home
        if self.home is not None:
            folder = self.home.parent / AUTOSAVES_BESIDE
            game_id = saves.game_id_of(self.home)
        else:
            folder = save_dir(directory)
            game_id = saves.new_game_id(match.rules.id, match.seed)
        self.saver = saves.Autosaver(
            folder,
            game_id,
            keep=keep,
            created=match.created,
            scenario_text=match.scenario_text,
            scenario_name=match.scenario_name,
            team=match.team,
        )
        self.SaveError = saves.SaveError

    def write(self, game: Any) -> Path:
        """Write ``game`` (a snapshot of the match's game; called from a worker thread): a
        team's file first, then the autosave."""
        try:
            if self.home is not None:
                save(self.home, self.match, game)
            return Path(self.saver.autosave(game, self.match.seats))
        except self.SaveError as exc:
            raise PersistenceError(str(exc)) from None


@dataclass(frozen=True)
class SaveEntry:
    """A save file found in the save folder."""

    path: Path
    modified: float

    @property
    def label(self) -> str:
        when = dt.datetime.fromtimestamp(self.modified).strftime("%Y-%m-%d %H:%M")
        return f"{when}  {self.path.name}"


def list_saves(
    directory: str | os.PathLike[str] | None = None, limit: int = 200
) -> list[SaveEntry]:
    """Save files in the folder, newest first."""
    folder = save_dir(directory)
    found: list[SaveEntry] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if entry.name.endswith(".json") and not entry.name.startswith("."):
            try:
                if entry.is_file():
                    found.append(SaveEntry(Path(entry.path), entry.stat().st_mtime))
            except OSError:
                continue
    found.sort(key=lambda e: (-e.modified, e.path.name))
    return found[:limit]


__all__ = [
    "PASTED",
    "Autosave",
    "PersistenceError",
    "SaveEntry",
    "earlier_save_of",
    "list_saves",
    "load",
    "load_text",
    "save",
    "save_bytes",
    "save_dir",
    "save_target",
    "suggested_path",
]
