"""The time limit of in-process agents (``--time-limit``; tradegame.agents.timed).

An agent that overruns loses that move (a pass), the incident is recorded like any failing
agent's, and its seat passes for the rest of the game. The overrunning call runs on a private
copy of the game, so whatever it does later never touches the live game; a thread that cannot
be stopped (asleep in C, or catching BaseException) is reported as still running.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import pytest

from tradegame.agents.base import make_agent, play_match
from tradegame.agents.timed import TimedAgent, runaway_threads
from tradegame.cli import main
from tradegame.scenario import load_rules

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "small.yaml"
BOTS = Path(__file__).resolve().parent / "bots" / "slow_agents.py"
LIMIT = 2.0  # generous: every seat is timed, and the machine may be busy

sys.path.insert(0, str(BOTS.parent))
import slow_agents as slow  # noqa: E402  (the bots module, as the tests import it)


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return load_rules(SMALL)


@pytest.fixture(autouse=True)
def release():  # type: ignore[no-untyped-def]
    slow.RELEASE.clear()
    slow.SEEN_GAMES.clear()
    yield
    slow.RELEASE.set()  # let the unstoppable threads of a test end
    deadline = time.monotonic() + 5
    while runaway_threads() and time.monotonic() < deadline:
        time.sleep(0.02)


def seats(cls: str) -> dict[str, str]:
    # module:Class (the bots' folder is on sys.path): the very module the tests imported,
    # so RELEASE and SEEN_GAMES are shared with them
    return {"A": "random", "B": f"slow_agents:{cls}", "C": "passive"}


def reference(small, seed: int) -> str:  # type: ignore[no-untyped-def]
    """The game with the hang-free mover in B's seat: what a retired seat must give."""
    game = play_match(small, seed, seats("Mover"), incidents=[], allow_code=True)
    return game.state_hash()


def overrun(small, cls: str, seed: int = 4) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    started = time.monotonic()
    game = play_match(
        small, seed, seats(cls), incidents=incidents, time_limit=LIMIT, allow_code=True
    )
    assert time.monotonic() - started < 20
    return game.state_hash(), incidents


def test_a_loop_in_python_is_stopped_and_the_seat_retired(small) -> None:  # type: ignore[no-untyped-def]
    state, incidents = overrun(small, "Looper")
    assert state == reference(small, 4)
    first = incidents[0]
    assert "B's agent failed; its move becomes a pass" in first
    assert f"AgentOverrun: no answer within the {LIMIT:g} s limit for a move" in first
    assert "the agent was stopped" in first
    assert all("AgentRetired" in i and "B's agent" in i for i in incidents[1:])
    assert len(incidents) > 1
    assert runaway_threads() == 0


def test_a_sleep_in_c_cannot_be_stopped_and_touches_only_its_own_copy(small) -> None:  # type: ignore[no-untyped-def]
    state, incidents = overrun(small, "Sleeper")
    assert "could not be stopped and runs on in the background" in incidents[0]
    assert runaway_threads() == 1
    slow.RELEASE.set()  # it wakes and wrecks the game it holds: a copy, not the live game
    deadline = time.monotonic() + 5
    while runaway_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert runaway_threads() == 0
    assert state == reference(small, 4)


def test_an_agent_that_catches_base_exception_runs_on_and_is_reported(small) -> None:  # type: ignore[no-untyped-def]
    state, incidents = overrun(small, "Stubborn")
    assert "could not be stopped" in incidents[0]
    assert state == reference(small, 4)
    assert runaway_threads() == 1


def test_a_slow_start_hook_retires_the_seat_from_its_first_move(small) -> None:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    game = play_match(
        small,
        4,
        seats("SlowStart"),
        incidents=incidents,
        time_limit=LIMIT,
        startup_limit=LIMIT,
        allow_code=True,
    )
    assert "B's agent failed to start" in incidents[0] and "for its start" in incidents[0]
    assert not slow.SEEN_GAMES  # never asked for a move
    assert game.is_over()


def test_sys_exit_in_a_timed_agent_is_a_pass(small) -> None:  # type: ignore[no-untyped-def]
    state, incidents = overrun(small, "Exiter")
    assert state == reference(small, 4)
    assert any("SystemExit" in i for i in incidents)


def test_the_agent_never_sees_the_live_game(small) -> None:  # type: ignore[no-untyped-def]
    live: list[int] = []
    play_match(
        small,
        2,
        seats("Mover"),
        on_action=lambda game, action: live.append(id(game)),
        incidents=[],
        time_limit=5,
        allow_code=True,
    )
    assert slow.SEEN_GAMES and live and not set(slow.SEEN_GAMES) & set(live)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_limit_that_is_not_reached_changes_nothing(small, seed: int) -> None:  # type: ignore[no-untyped-def]
    everyone = {"A": "greedy", "B": "search", "C": "boulware"}
    free = play_match(small, seed, everyone, incidents=[])
    incidents: list[str] = []
    timed = play_match(small, seed, everyone, incidents=incidents, time_limit=60)
    assert incidents == [] and timed.state_hash() == free.state_hash()


def test_what_is_wrapped(small) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(0)
    assert not isinstance(make_agent("greedy", rng), TimedAgent)  # no limit given
    timed = make_agent("greedy", rng, time_limit=2)
    assert isinstance(timed, TimedAgent) and timed.name == "greedy"
    bot = make_agent(f"cmd:{sys.executable} -c pass", rng, time_limit=2, allow_code=True)
    assert not isinstance(bot, TimedAgent)  # a cmd: bot keeps its own time
    bot.close()  # type: ignore[attr-defined]


def test_match_reports_the_overrun_as_an_incident(capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(
        [
            "match",
            str(SMALL),
            "--seat",
            f"B={BOTS}:Looper",  # path.py:Class: a copy of the module of its own
            "--seed",
            "4",
            "--time-limit",
            str(LIMIT),
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out)
    assert "AgentOverrun" in result["incidents"][0]
    assert "Traceback" not in captured.err


def test_the_time_limit_benchmark_runs() -> None:
    """A smoke test (the figures are the script's to print, never asserted)."""
    import subprocess

    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "time_limits.py"),
            "--scenario",
            str(SMALL),
            "--agents",
            "random",
            "--games",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ms/decision free" in proc.stdout and "(same games)" in proc.stdout
