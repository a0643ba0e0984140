"""A test agent that plays passively and, on its first move of each game, appends what its
process is like to the file named by ``$TRADEGAME_TEST_RECORD``: the process id, the value
of ``$TRADEGAME_TEST_MARK``, this interpreter's hash of a fixed string, and whether the
scenario loader (PyYAML and pydantic) was ever imported in it."""

import json
import os
import sys

from tradegame.engine import Done, Pass, Reject


class Recorder:
    name = "recorder"
    description = "passive; records its worker process on its first move"

    def __init__(self, rng):
        self.recorded = False

    def act(self, turn):
        if not self.recorded:
            self.recorded = True
            line = {
                "pid": os.getpid(),
                "mark": os.environ.get("TRADEGAME_TEST_MARK"),
                "hash": hash("tradegame"),
                "loader": "tradegame.scenario.loader" in sys.modules,
            }
            with open(os.environ["TRADEGAME_TEST_RECORD"], "a", encoding="utf-8") as f:
                f.write(json.dumps(line) + "\n")
        talks = turn.talks
        if talks is None:
            return Done(turn.player)
        return Pass(turn.player) if talks.offer is None else Reject(turn.player)
