"""Save files: a game is (scenario, seed, actions), and a save carries exactly that.

JSON, data only, documented in docs/save-format.md. Writes are atomic; loads replay every
action through the engine and check each round's state hash. Every problem with a file is one
:class:`SaveError` whose message starts with the file name::

    save_game("g.json", game, seats)          # seats: {"JP": "human", "US": "random", ...}
    loaded = load_game("g.json")              # LoadedGame(game, seats, rules, scenario_text, meta)
    saver = Autosaver(default_save_dir(), new_game_id(rules.id, seed), keep=5)
    saver.autosave(game, seats)               # after each round
"""

from tradegame.saves.atomic import atomic_write_bytes
from tradegame.saves.autosave import (
    Autosaver,
    default_save_dir,
    game_id_of,
    new_game_id,
)
from tradegame.saves.errors import SaveError
from tradegame.saves.format import FORMAT, HUMAN, MAX_SAVE_BYTES, VERSION
from tradegame.saves.store import (
    LoadedGame,
    SaveMeta,
    load_game,
    make_document,
    remember_scenario,
    save_game,
    write_document,
)

__all__ = [
    "FORMAT",
    "HUMAN",
    "MAX_SAVE_BYTES",
    "VERSION",
    "Autosaver",
    "LoadedGame",
    "SaveError",
    "SaveMeta",
    "atomic_write_bytes",
    "default_save_dir",
    "game_id_of",
    "load_game",
    "make_document",
    "new_game_id",
    "remember_scenario",
    "save_game",
    "write_document",
]
