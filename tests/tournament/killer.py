"""A test agent that plays passively, except in one game, where it SIGKILLs the process it
runs in (a tournament worker) on its first move.

The game is named by ``$TRADEGAME_TEST_KILL_TOKEN``: the first draw of the agent's random
stream, which play_match seeds from the game's seed, seat and spec (``agent_rng``), so the
token picks one seat of one game, and the same one again when that game is replayed.
"""

import os
import signal

from tradegame.engine import Done, Pass, Reject


class Killer:
    name = "killer"
    description = "passive; kills its own process in the game named by its token"

    def __init__(self, rng):
        self.token = repr(rng.random())

    def act(self, turn):
        if self.token == os.environ.get("TRADEGAME_TEST_KILL_TOKEN"):
            os.kill(os.getpid(), signal.SIGKILL)
        talks = turn.talks
        if talks is None:
            return Done(turn.player)
        return Pass(turn.player) if talks.offer is None else Reject(turn.player)
