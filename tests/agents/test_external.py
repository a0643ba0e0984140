"""Out-of-process bots: the protocol, misbehaving bots, restarts, hidden information, and the
example bots in Python and JavaScript playing the same game."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from tradegame.agents.base import AgentSpecError, make_agent, play_match
from tradegame.agents.external import ExternalAgent
from tradegame.agents.protocol import MAX_LEGAL, BotProtocolError, parse_reply
from tradegame.engine import Done, parse
from tradegame.scenario import load_rules

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "small.yaml"
BOT = Path(__file__).resolve().parent / "bots" / "misbehaving.py"
EXAMPLES = ROOT / "examples" / "bots"


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return load_rules(SMALL)


@pytest.fixture(scope="module")
def april():  # type: ignore[no-untyped-def]
    return load_rules("april-2025")


def bot(*args: str) -> str:
    return "cmd:" + shlex.join([sys.executable, str(BOT), *args])


def seats_with(player: str, spec: str) -> dict[str, str]:
    seats = {"A": "random", "B": "random", "C": "random"}
    seats[player] = spec
    return seats


# ---------------------------------------------------------------------- misbehaviour


@pytest.mark.parametrize(
    ("mode", "nth", "expect"),
    [
        ("crash", 2, "BotCrashed"),
        ("silent-exit", 3, "BotCrashed"),
        ("garbage", 2, "BotGarbage"),
        ("nonsense", 1, "BotGarbage"),
        ("illegal", 2, "illegal move"),
        ("other-player", 1, "illegal move"),
        ("hang", 2, "BotTimeout"),
    ],
)
def test_a_misbehaving_bot_loses_only_that_move(small, mode, nth, expect, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Differential: the bot plays passively except for one bad move, which must become a
    # pass; so the game must be exactly the game where that seat was passive throughout.
    incidents: list[str] = []
    spec = bot(mode, str(nth), "--once", str(tmp_path / "flag"))
    game = play_match(
        small, 5, seats_with("B", spec), incidents=incidents, time_limit=0.5, allow_code=True
    )
    reference = play_match(small, 5, seats_with("B", "passive"))
    assert game.is_over()
    assert [str(a) for a in game.actions] == [str(a) for a in reference.actions]
    assert game.state_hash() == reference.state_hash()
    assert len(incidents) == 1, incidents
    assert "B's agent failed; its move becomes a pass" in incidents[0]
    assert expect in incidents[0]


def test_a_bot_that_always_crashes_is_restarted_then_benched(small, tmp_path) -> None:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    game = play_match(
        small, 6, seats_with("C", bot("crash", "0")), incidents=incidents, allow_code=True
    )
    reference = play_match(small, 6, seats_with("C", "passive"))
    assert game.state_hash() == reference.state_hash()
    crashed = [i for i in incidents if "BotCrashed" in i]
    disabled = [i for i in incidents if "BotDisabled" in i]
    assert len(crashed) == 4  # the first start and three restarts
    assert "crashing on purpose" in crashed[0]  # its stderr is quoted
    assert disabled and len(crashed) + len(disabled) == len(incidents)


def test_a_crashed_bot_is_restarted_for_its_next_turn(small, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "received.jsonl"
    spec = bot("crash", "3", "--once", str(tmp_path / "flag"), "--log", str(log))
    incidents: list[str] = []
    play_match(small, 7, seats_with("B", spec), incidents=incidents, allow_code=True)
    messages = [json.loads(line) for line in log.read_text().splitlines()]
    kinds = [m["type"] for m in messages]
    assert kinds.count("start") == 2  # restarted once, with a fresh start message
    assert kinds[-1] == "end"
    restart = kinds.index("start", 1)
    assert kinds[restart + 1] == "turn"  # and the turn follows at once
    assert len(incidents) == 1


def test_a_hung_bot_is_killed_within_the_time_limit(small, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import time

    incidents: list[str] = []
    started = time.monotonic()
    play_match(
        small,
        5,
        seats_with("A", bot("hang", "1", "--once", str(tmp_path / "f"))),
        incidents=incidents,
        time_limit=0.3,
        startup_limit=0.3,
        allow_code=True,
    )
    assert time.monotonic() - started < 10
    assert len(incidents) == 1 and "no answer within 0.3 s" in incidents[0]


def test_a_bot_that_never_starts_reading_times_out(small) -> None:  # type: ignore[no-untyped-def]
    incidents: list[str] = []
    game = play_match(
        small,
        4,
        seats_with("A", bot("slow-start", "0")),
        incidents=incidents,
        time_limit=0.2,
        startup_limit=0.2,
        allow_code=True,
    )
    assert game.is_over()
    assert incidents and all("BotTimeout" in i or "BotDisabled" in i for i in incidents)


def test_an_unknown_bot_command_is_a_clear_error() -> None:
    import random

    with pytest.raises(AgentSpecError, match="bot command not found"):
        make_agent("cmd:no-such-bot-program --x", random.Random(0), allow_code=True)
    with pytest.raises(AgentSpecError, match="needs a command"):
        make_agent("cmd:", random.Random(0), allow_code=True)


# ---------------------------------------------------------------------- the protocol


def test_parse_reply_accepts_an_action_and_refuses_the_rest() -> None:
    action, number = parse_reply(b'{"action": "JP pass", "id": 4, "note": "x"}\n')
    assert action == parse("JP pass") and number == 4
    for bad in (b"JP pass", b"{}", b'{"action": 3}', b'{"action": "JP fly"}', b"[1]", b"\xff\xfe"):
        with pytest.raises(BotProtocolError):
            parse_reply(bad)


def test_a_bot_sees_only_its_own_view(april, tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "received.jsonl"
    spec = bot("none", "0", "--log", str(log))
    play_match(
        april, 2, {"US": "random", "JP": spec, "EU": "random"}, time_limit=10, allow_code=True
    )
    messages = [json.loads(line) for line in log.read_text().splitlines()]
    assert messages[0]["type"] == "start" and messages[-1]["type"] == "end"
    text = log.read_text()
    for other in ("US", "EU"):
        secret = april.player(other).briefing_confidential.splitlines()[0]
        assert secret and json.dumps(secret)[1:-1] not in text
    turns = [m for m in messages if m["type"] == "turn"]
    assert turns
    for m in messages:
        assert m["view"]["viewer"] == "JP" and m["player"] == "JP"
        assert "private" not in m["view"]
    for m in turns:
        assert len(m["legal"]) <= MAX_LEGAL
        assert m["legal_count"] >= len(m["legal"])
        assert all(a.startswith("JP ") for a in m["legal"])
        if m["talks"] is not None:
            assert m["deal_items"], "talks come with the items on the table"
            for item in m["deal_items"]:
                assert ("political_cost" in item) == item["you_give"]
                assert ("political_gain" in item) != item["you_give"]
        else:
            assert m["deal_items"] == [] and "JP done" in m["legal"]
    assert messages[-1]["scores"] is not None


# ---------------------------------------------------------------------- the example bots


def node() -> str:
    exe = shutil.which("node") or shutil.which("nodejs")
    if exe is None:
        pytest.fail(
            "Node.js is needed for the JavaScript example bot test: install the "
            "system package 'nodejs' (apt-get install nodejs), as .ci/run does"
        )
    return exe


def test_the_python_and_javascript_example_bots_play_the_same_game(april) -> None:  # type: ignore[no-untyped-def]
    py = "cmd:" + shlex.join([sys.executable, str(EXAMPLES / "simple_bot.py")])
    js = "cmd:" + shlex.join([node(), str(EXAMPLES / "simple_bot.js")])
    games = {}
    for name, spec in (("py", py), ("js", js)):
        incidents: list[str] = []
        games[name] = play_match(
            april,
            11,
            {"US": "dove", "JP": spec, "EU": "random"},
            incidents=incidents,
            time_limit=20,
            allow_code=True,
        )
        assert incidents == [], incidents
    py_game, js_game = games["py"], games["js"]
    assert [str(a) for a in py_game.actions] == [str(a) for a in js_game.actions]
    assert py_game.state_hash() == js_game.state_hash()
    jp_moves = [a for a in py_game.actions if a.player == "JP"]
    assert any(a.kind in ("propose", "counter") for a in jp_moves), "the bot negotiates"
    assert any(a.kind == "request_talks" for a in jp_moves), "the bot asks for talks"
    assert any(isinstance(a, Done) for a in jp_moves)


def test_the_example_bot_runs_from_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tradegame.cli import main

    spec = "cmd:" + shlex.join([sys.executable, str(EXAMPLES / "simple_bot.py")])
    out = tmp_path / "out.json"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(
            [
                "match",
                str(SMALL),
                "--seat",
                f"B={spec}",
                "--seat",
                "A=dove",
                "--seed",
                "3",
                "--json",
                "--time-limit",
                "20",
            ]
        )
    assert code == 0
    data = json.loads(buf.getvalue())
    out.write_text(buf.getvalue())
    assert data["incidents"] == []
    assert data["seats"]["B"] == spec


def test_external_agent_closes_its_process(small) -> None:  # type: ignore[no-untyped-def]
    agent = ExternalAgent.from_spec(bot("none", "0"), time_limit=5)
    game = play_match(small, 1, {"A": agent})
    assert game.is_over()
    assert agent._proc is None  # stopped at the end of the game


def test_a_bot_may_send_a_message_in_talks_then_move(small, tmp_path):  # type: ignore[no-untyped-def]
    """A message answer goes to the partner; the bot gets a new turn for its move."""
    script = tmp_path / "chatty.py"
    script.write_text(
        "import json, sys\n"
        "last = None\n"
        "for line in sys.stdin:\n"
        "    m = json.loads(line)\n"
        "    if m['type'] != 'turn':\n"
        "        continue\n"
        "    talks = m['talks']\n"
        "    if talks and last != (m['round'], talks['exchanges']):\n"
        "        last = (m['round'], talks['exchanges'])\n"
        "        a = m['player'] + ' message ' + talks['partner'] + ' -- hello from a bot'\n"
        "    else:\n"
        "        a = m['legal'][0]\n"
        "    print(json.dumps({'id': m['id'], 'action': a}), flush=True)\n",
        encoding="utf-8",
    )
    incidents: list[str] = []
    spec = "cmd:" + shlex.join([sys.executable, str(script)])
    game = play_match(
        small, 2, {"A": spec, "B": "greedy", "C": "greedy"}, None, incidents, allow_code=True
    )
    assert game.is_over() and incidents == []
    sent = [e for e in game.log if e.kind == "message"]
    assert sent and all(e.text.startswith("A to ") and "A" in (e.audience or ()) for e in sent)
