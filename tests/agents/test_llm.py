"""The language-model agent against a local stub of the OpenAI-compatible chat API.

The stub answers each request in a scripted way: a legal move (with a message in talks), an
illegal move, words without a move, garbage that is not JSON, an HTTP error that echoes the
request's headers, a body over the size limit, an answer after the move's time limit, an
answer dripped a byte at a time. Whole games are played; every bad answer is either
recovered by the one retry or becomes a recorded pass, and nothing else goes wrong. The key
is sent to the server and written nowhere.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tradegame.agents.base import (
    AgentSpecError,
    CodeAgentRefused,
    make_agent,
    play_match,
    refused_seat_notice,
    runs_code,
    saved_seats,
)
from tradegame.agents.llm import (
    ENV_KEYS,
    ENV_MODEL,
    ENV_URL,
    MAX_BODY,
    LLMAgent,
    LLMError,
    parse_spec,
)
from tradegame.cli import main
from tradegame.engine import SPECTATOR, Game, Message
from tradegame.scenario import load_rules

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "small.yaml"
KEY = "sk-test-7f3a9c1e-SECRET-d41d8cd98f00"


# -- the stub server --------------------------------------------------------------------


@dataclass
class Stub:
    """A chat completions server whose answers follow ``script`` (a kind per request)."""

    script: Callable[[int], str]
    rng: random.Random = field(default_factory=lambda: random.Random(5))
    requests: list[dict[str, Any]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    authorization: set[str] = field(default_factory=set)
    url: str = ""

    def answer(self, body: dict[str, Any]) -> str:
        """A legal move picked from the prompt's list, and a message in talks."""
        prompt = next(m["content"] for m in body["messages"] if m["role"] == "user")
        legal = prompt.split("Legal moves", 1)[1].splitlines()[1:]
        move = self.rng.choice([m for m in legal if m.strip()])
        data: dict[str, str] = {"move": move}
        if "Talks with" in prompt and self.rng.random() < 0.6:
            data["message"] = "Let us\n\tsettle \x1b[31mthis [bold]now[/bold]. " + "x" * 600
        return json.dumps(data)


def completion(content: str) -> bytes:
    return json.dumps(
        {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    ).encode()


def handler_for(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            stub.authorization.add(self.headers.get("Authorization", ""))
            n = len(stub.requests)
            stub.requests.append(body)
            kind = stub.script(n)
            stub.kinds.append(kind)
            try:
                self.respond(kind, body)
            except OSError:  # the client gave up (slow answers): expected
                pass

        def send(self, status: int, data: bytes, ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def respond(self, kind: str, body: dict[str, Any]) -> None:
            if kind == "valid":
                self.send(200, completion(stub.answer(body)))
            elif kind == "fenced":  # words around a fenced JSON block
                self.send(200, completion(f"I think:\n```json\n{stub.answer(body)}\n```\nok"))
            elif kind == "illegal":
                self.send(200, completion('{"move": "tariff nowhere 0.99"}'))
            elif kind == "words":
                self.send(200, completion("I would rather not say."))
            elif kind == "garbage":
                self.send(200, b"<html>\x1b[2J not json")
            elif kind == "not_completion":
                self.send(200, b'{"choices": []}')
            elif kind == "http_error":  # echoes what it was sent, the key included
                echo = f"bad request; Authorization: {self.headers.get('Authorization')}"
                self.send(500, echo.encode())
            elif kind == "huge":
                self.send(200, b"x" * (MAX_BODY + 10))
            elif kind == "late":  # slow, but well within the move's limit
                time.sleep(0.2)
                self.send(200, completion(stub.answer(body)))
            elif kind == "slow":
                time.sleep(1.5)
                self.send(200, completion(stub.answer(body)))
            elif kind == "drip":  # a byte every 0.2 s, far longer than the move's limit
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            else:  # pragma: no cover
                raise AssertionError(kind)

    return Handler


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[int], str]], Stub]]:
    servers: list[ThreadingHTTPServer] = []

    def start(script: Callable[[int], str]) -> Stub:
        stub = Stub(script)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(stub))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        stub.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        return stub

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*ENV_KEYS, ENV_URL, ENV_MODEL):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


BAD_ONCE = ["illegal", "words", "garbage", "not_completion", "http_error", "huge", "fenced"]


def mixed(n: int) -> str:
    """Mostly valid; every third request is one of the bad kinds; every 13th pair is bad twice
    (a pass); one slow answer and one dripped answer early on."""
    if n in (4, 5):
        return "slow" if n == 4 else "drip"
    if n % 13 in (7, 8):
        return BAD_ONCE[n % len(BAD_ONCE)] if n % 13 == 7 else "illegal"
    if n % 3 == 0:
        return BAD_ONCE[(n // 3) % len(BAD_ONCE)]
    return "valid"


GOOD = {"valid", "fenced"}


# -- whole games ----------------------------------------------------------------------


def test_an_llm_seat_plays_whole_games_recovering_or_passing_every_bad_answer(
    serve: Callable[[Callable[[int], str]], Stub], key_env: None, tmp_path: Path
) -> None:
    stub = serve(mixed)
    rules = load_rules("april-2025")
    spec = f"llm:url={stub.url},model=stub-model,timeout=1,transcript={tmp_path / 't'}"
    for seed in (1, 2):
        agent = make_agent(spec, random.Random(0), allow_code=True)
        assert isinstance(agent, LLMAgent)
        incidents: list[str] = []
        first = len(stub.requests)
        game = play_match(
            rules, seed, {"JP": agent, "US": "greedy", "EU": "passive"}, None, incidents
        )
        assert game.is_over()
        records = agent.transcript
        # Every request the stub saw is in the transcript, in order.
        answers = [a for r in records for a in r["answers"]]
        assert len(answers) == len(stub.requests) - first
        failed = [r for r in records if "error" in r]
        for r in records:
            kinds = [stub.kinds[first + i] for i in range(len(r["answers"]))]
            first += len(r["answers"])
            if kinds[0] in GOOD:
                assert len(kinds) == 1 and "error" not in r, r
            elif len(kinds) == 2 and kinds[1] in GOOD:
                assert "error" not in r and "move" in r, r  # recovered by the retry
            else:
                assert "error" in r, r  # two bad answers (or no time): a pass
        # Exactly the failed moves are incidents, each a pass with the reason.
        assert len(incidents) == len(failed) > 0, incidents
        assert all("JP's agent failed; its move becomes a pass (LLMError:" in i for i in incidents)
        # Every bad kind was met, and at least one was recovered by the retry.
        assert set(BAD_ONCE) <= set(stub.kinds)
        assert any(len(r["answers"]) == 2 and "error" not in r for r in records)
        # Messages reached the game, cleaned: one line, escapes shown, at most 500 characters.
        sent = [a for a in game.actions if isinstance(a, Message)]
        assert sent and all(m.player == "JP" for m in sent)
        for m in sent:
            assert "\x1b" not in m.text and "\n" not in m.text and len(m.text) <= 500
            assert m.text.startswith("Let us settle \\x1b[31mthis [bold]now[/bold].")
        lines = [e for e in game.log if e.kind == "message"]
        assert len(lines) == len(sent)
        for e in lines:
            assert e.audience is not None and "JP" in e.audience
            third = ({"US", "EU", "JP"} - e.audience).pop()
            assert e.text not in json.dumps(game.view(third).to_json())
            assert e.text not in json.dumps(game.view(SPECTATOR).to_json())
            (partner,) = e.audience - {"JP"}
            assert e.text in [x["text"] for x in game.view(partner).to_json()["log"]]
    # The slow and dripped answers ended within the move's limit (1 s) plus a little.
    assert "slow" in stub.kinds and "drip" in stub.kinds
    # The key went to the server, and nowhere else.
    assert stub.authorization == {f"Bearer {KEY}"}
    files = list((tmp_path / "t").iterdir())
    assert [f.name for f in files] == ["llm-JP.jsonl"]
    text = files[0].read_text(encoding="utf-8")
    assert KEY not in text and "[key]" in text  # the echoed header was scrubbed
    assert all(json.loads(line) for line in text.splitlines())
    assert KEY not in repr(agent) and KEY not in repr(agent.config)
    assert KEY not in json.dumps(agent.transcript) and KEY not in "\n".join(incidents)


def test_every_bad_first_answer_is_recovered_by_the_retry_with_zero_incidents(
    serve: Callable[[Callable[[int], str]], Stub], key_env: None
) -> None:
    """Every move's first answer is bad (each bad kind in turn), every second one good (some
    of them late): the whole game is played with no incident and no pass."""
    stub = serve(
        lambda n: BAD_ONCE[(n // 2) % 6] if n % 2 == 0 else ("late" if n % 10 == 1 else "valid")
    )
    agent = LLMAgent(parse_spec(f"llm:url={stub.url},model=m,timeout=5"))
    incidents: list[str] = []
    game = play_match(
        load_rules("april-2025"), 6, {"JP": agent, "US": "greedy", "EU": "greedy"}, None, incidents
    )
    assert game.is_over() and incidents == []
    assert agent.transcript and all(len(r["answers"]) == 2 for r in agent.transcript)
    assert all("error" not in r and "move" in r for r in agent.transcript)
    assert set(stub.kinds) >= {*BAD_ONCE[:6], "late", "valid"}
    # The retry quoted the reason to the model.
    retries = [b["messages"] for b in stub.requests if len(b["messages"]) == 4]
    assert retries
    for messages in retries:
        assert messages[2]["role"] == "assistant"
        assert messages[3]["content"].startswith("That answer cannot be played: ")


def test_the_time_limit_bounds_a_slow_or_dripping_server(
    serve: Callable[[Callable[[int], str]], Stub], key_env: None
) -> None:
    for kind in ("slow", "drip"):
        stub = serve(lambda n, kind=kind: kind)  # type: ignore[misc]
        agent = LLMAgent(parse_spec(f"llm:url={stub.url},model=m,timeout=0.6"))
        game = Game.new(load_rules(SMALL), 1)
        from tradegame.agents.base import Turn

        # Without the limit, "slow" answers (at 1.5 s) and "drip" takes 20 s: the error shows
        # the limit held for "slow", the bound (a hang guard, loose for a loaded machine) for
        # "drip".
        began = time.monotonic()
        with pytest.raises(LLMError, match="time limit"):
            agent.act(Turn(game, game.to_move() or ""))
        assert time.monotonic() - began < 10, kind
        assert len(stub.requests) == 1  # no retry without time for it


def test_a_whole_game_of_good_answers_has_no_incident(
    serve: Callable[[Callable[[int], str]], Stub], key_env: None
) -> None:
    stub = serve(lambda n: "valid")
    incidents: list[str] = []
    game = play_match(
        load_rules(SMALL),
        3,
        {"A": f"llm:url={stub.url},model=m", "B": "greedy", "C": "random"},
        None,
        incidents,
        allow_code=True,
    )
    assert game.is_over() and incidents == []
    assert any(isinstance(a, Message) for a in game.actions)


def test_the_cli_plays_an_llm_seat_and_writes_the_key_nowhere(
    serve: Callable[[Callable[[int], str]], Stub],
    key_env: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub = serve(lambda n: "http_error" if n % 5 == 0 else "valid")
    monkeypatch.setenv(ENV_URL, stub.url)
    monkeypatch.setenv(ENV_MODEL, "stub")
    save = tmp_path / "game.json"
    code = main(
        [
            "match",
            str(SMALL),
            "--seat",
            "A=llm",
            "--seat",
            f"B=llm:transcript={tmp_path / 'tr'}",
            "--seed",
            "4",
            "--save",
            str(save),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert stub.authorization == {f"Bearer {KEY}"}
    everything = out + err + save.read_text(encoding="utf-8")
    everything += "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "tr").iterdir())
    assert KEY not in everything
    # The save records the seats as typed; resuming it plays them as passive, with the notice.
    doc = json.loads(save.read_text(encoding="utf-8"))
    assert doc["seats"]["A"] == "llm"
    seats, refused = saved_seats(doc["seats"])
    assert seats["A"] == seats["B"] == "passive" and set(refused) == {"A", "B"}
    notice = refused_seat_notice("A", "llm", "tradegame resume game.json")
    assert "which calls a language model over the network" in notice
    assert "--seat A=llm" in notice


# -- the spec and the trust rules -----------------------------------------------------------


def test_an_llm_seat_is_named_only_at_the_keyboard() -> None:
    assert runs_code("llm") and runs_code("llm:model=x,url=http://h/v1")
    assert not runs_code("llmish") and not runs_code("greedy")
    with pytest.raises(CodeAgentRefused, match="calls a language model over the network"):
        make_agent("llm:url=http://127.0.0.1:9/v1,model=m", random.Random(0))


@pytest.mark.parametrize(
    ("spec", "env", "message"),
    [
        ("llm", {}, "no server: give llm:url="),
        ("llm:url=ftp://h/v1,model=m", {}, "must be an http:// or https:// URL"),
        ("llm:url=http://u:pw@h/v1,model=m", {}, "put no user or password"),
        ("llm:url=http://h/v1", {}, "no model: give llm:model=NAME or set TRADEGAME_LLM_MODEL"),
        ("llm:url=http://h/v1,model=m,key=sk-1", {}, "'key=sk-1' is not an option"),
        ("llm:url=http://h/v1,model=m,timeout=0", {}, "timeout must be a number from 0.1"),
        ("llm:url=http://h/v1,model=m,model=n", {}, "the option model is given twice"),
        ("llm:url=http://h/v1,model=m,timeout=nan", {}, "timeout must be a number"),
        ("llm:url=http://h/v1,model=m,key_env=A B", {}, "key_env must name"),
        ("llm:model=m", {ENV_URL: "http://h/v1", "OPENAI_API_KEY": "a\nb"}, "not one line"),
    ],
)
def test_bad_llm_specs_are_refused_with_the_reason(
    spec: str, env: dict[str, str], message: str
) -> None:
    with pytest.raises(AgentSpecError, match=re.escape(message)):
        parse_spec(spec, env)


def test_the_spec_takes_its_defaults_from_the_environment() -> None:
    env = {ENV_URL: "http://h:1/v1/", ENV_MODEL: "m1", "OPENAI_API_KEY": "k1", "MY_KEY": "k2"}
    config = parse_spec("llm", env)
    assert (config.url, config.model, config.key, config.timeout) == (
        "http://h:1/v1",
        "m1",
        "k1",
        60,
    )
    assert parse_spec("llm:key_env=MY_KEY,model=m2", env).key == "k2"
    assert parse_spec("llm:model=m2", {**env, "TRADEGAME_LLM_KEY": "k3"}).key == "k3"
    assert "k1" not in repr(config)


def test_an_unreachable_server_is_a_pass_with_the_reason(key_env: None) -> None:
    incidents: list[str] = []
    game = play_match(
        load_rules(SMALL),
        1,
        {"A": LLMAgent(parse_spec("llm:url=http://127.0.0.1:9/v1,model=m,timeout=2"))},
        None,
        incidents,
    )
    assert game.is_over() and incidents
    assert "the server failed: ConnectionRefusedError" in incidents[0]
    assert KEY not in "\n".join(incidents)
