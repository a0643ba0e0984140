"""A language-model player: any server speaking the OpenAI-compatible chat completions API.

Named on the command line only (``--seat JP=llm`` or ``--seat 'JP=llm:model=qwen2.5,url=
http://127.0.0.1:8080/v1'``): it sends the game to a server, so a save, a scenario or a
browser never starts one (``agents.base.runs_code``; a resumed save plays the seat as
``passive`` and says how to run it). The server's address and the model come from the spec's
options or the environment (:data:`ENV_URL`, :data:`ENV_MODEL`); the key only from the
environment (:data:`ENV_KEYS`, or the variable named by ``key_env=``), never from a spec, a
save or a scenario, so it is not on a command line other users can list. The key is sent in
the ``Authorization`` header and nowhere else: it is never written to a transcript, an
incident, a log or an error message.

Each move: the prompt is the player's text view (``str(turn.view)``), its talks, and its
legal moves in notation (the first :data:`~tradegame.agents.protocol.MAX_LEGAL`); the model
answers with a JSON object ``{"move": "<notation>", "message": "<optional words>"}``. An
answer that is not usable (no JSON, an unknown or illegal move, an HTTP error, a timeout, a
body over :data:`MAX_BODY` bytes) gets **one retry** quoting the reason; a second failure
raises :class:`LLMError`, and the match loop records the incident and plays the seat's
passive move, as for any failing agent. The whole move, retry included, has ``timeout``
seconds (or the match's ``--time-limit``).

In talks, a ``message`` is sent first (a :class:`~tradegame.engine.Message` to the partner,
made one line of at most 500 characters with its control characters escaped), then the move.

Every exchange is kept in :attr:`LLMAgent.transcript` (prompt, answer, move, error) and, when
the person at the keyboard named a folder with ``transcript=DIR``, appended to
``DIR/llm-SEAT.jsonl`` as it happens.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import stat
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradegame.agents.base import LLM_SPEC, AgentSpecError, Turn, parse_options
from tradegame.agents.protocol import legal_list
from tradegame.engine import Action, InvalidActionError, Message, parse
from tradegame.engine.actions import MAX_MESSAGE_CHARS
from tradegame.untrusted import one_line, printable

ENV_URL = "TRADEGAME_LLM_URL"
ENV_MODEL = "TRADEGAME_LLM_MODEL"
ENV_KEYS = ("TRADEGAME_LLM_KEY", "OPENAI_API_KEY")
DEFAULT_TIMEOUT = 60.0  # seconds for one move, retry included
MIN_RETRY_TIME = 0.5  # a retry needs at least this much of the move's time left
MAX_BODY = 1024 * 1024  # bytes of one HTTP answer
MAX_CONTENT = 20_000  # characters of the model's answer that are read (and kept)
MAX_REASON = 300  # characters of a reason quoted back to the model or in an incident
OPTIONS = ("url", "model", "key_env", "timeout", "transcript", "temperature", "max_tokens")

SYSTEM_PROMPT = """\
You are playing tradegame, a negotiation game about the 2025 US "reciprocal" tariff pause.
You play one country. Each round has talks (bilateral sessions: the requester proposes or
passes, the other side accepts, rejects or counters) and then secret orders (tariffs,
countermeasures, concessions, statements, requests for talks, deadline extensions), one order
per answer until you answer "done". Your score depends on your objectives (see your view).

Answer with one JSON object and nothing else:
{"move": "<exactly one of the legal moves listed, in the same notation>",
 "message": "<optional: in talks, words for your partner, sent before your move>"}
You may also propose or counter with other combinations of the listed terms
(PLAYER propose PARTNER item=level,item=level)."""


class LLMError(RuntimeError):
    """The model gave no usable move (after the retry); the match plays a pass."""


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to ask. ``key`` is excluded from ``repr`` (it must never be printed)."""

    url: str
    model: str
    key: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT
    transcript: Path | None = None
    temperature: float | None = None
    max_tokens: int | None = None


def parse_spec(spec: str, environ: dict[str, str] | None = None) -> LLMConfig:
    """``llm`` or ``llm:OPTION=VALUE,...`` (options: :data:`OPTIONS`) with the environment's
    defaults; :class:`AgentSpecError` naming the problem otherwise. Never quotes the key."""
    env = dict(os.environ if environ is None else environ)
    body = spec[len(LLM_SPEC) + 1 :] if spec.startswith(LLM_SPEC + ":") else ""
    options = parse_options(body, OPTIONS, "llm", " (the key only from the environment)")
    url = options.get("url") or env.get(ENV_URL, "")
    model = options.get("model") or env.get(ENV_MODEL, "")
    if not url:
        raise AgentSpecError(
            f"llm: no server: give llm:url=http://HOST:PORT/v1 or set {ENV_URL} (any server "
            f"with the OpenAI-compatible chat completions API)"
        )
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise AgentSpecError(
            f"llm: the server address must be an http:// or https:// URL, got "
            f"{printable(url)[:100]!r}"
        )
    if parsed.username or parsed.password:
        raise AgentSpecError(
            "llm: put no user or password in the server address; the key comes from "
            f"{ENV_KEYS[0]} or {ENV_KEYS[1]}"
        )
    if not model:
        raise AgentSpecError(f"llm: no model: give llm:model=NAME or set {ENV_MODEL}")
    key_env = options.get("key_env")
    if key_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key_env):
        raise AgentSpecError(f"llm: key_env must name an environment variable, got {key_env!r}")
    names = (key_env,) if key_env else ENV_KEYS
    key = next((env[n] for n in names if env.get(n)), "")
    if key and (any(c in key for c in "\r\n") or not key.isascii()):
        raise AgentSpecError(f"llm: the key in {'/'.join(names)} is not one line of ASCII text")
    timeout = _number(options, "timeout", DEFAULT_TIMEOUT, 0.1, 3600.0)
    temperature = options.get("temperature")
    max_tokens = options.get("max_tokens")
    transcript = options.get("transcript")
    return LLMConfig(
        url=url.rstrip("/"),
        model=model,
        key=key,
        timeout=timeout,
        transcript=Path(transcript) if transcript else None,
        temperature=None if temperature is None else _number(options, "temperature", 0.0, 0.0, 2.0),
        max_tokens=None
        if max_tokens is None
        else int(_number(options, "max_tokens", 0.0, 1.0, 1_000_000.0)),
    )


def _number(options: dict[str, str], name: str, default: float, lo: float, hi: float) -> float:
    text = options.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not lo <= value <= hi:
        raise AgentSpecError(f"llm: {name} must be a number from {lo:g} to {hi:g}, got {text!r}")
    return value


class ChatClient:
    """One POST to ``URL/chat/completions`` at a time, bounded in time and size (stdlib
    ``http.client``: the socket's timeout is the time left, re-set before every read, so a
    server that answers a byte at a time cannot hold a move past its limit)."""

    def __init__(self, config: LLMConfig) -> None:
        self.config = config
        parts = urllib.parse.urlsplit(config.url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = (parts.path or "") + "/chat/completions"

    def scrub(self, text: str) -> str:
        """``text`` with the key (should a server echo it) replaced, controls escaped."""
        key = self.config.key
        if key:
            text = text.replace(key, "[key]")
        return printable(text)

    def complete(self, messages: list[dict[str, str]], deadline: float) -> str:
        """The assistant's answer text; :class:`LLMError` with a short reason otherwise."""
        body: dict[str, Any] = {"model": self.config.model, "messages": messages}
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        if self.config.max_tokens is not None:
            body["max_tokens"] = self.config.max_tokens
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.key:
            headers["Authorization"] = f"Bearer {self.config.key}"
        left = deadline - time.monotonic()
        if left <= 0:
            raise LLMError("no time left for the request")
        cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=left)
        try:
            conn.request("POST", self._path, json.dumps(body).encode(), headers)
            _set_timeout(conn, deadline)
            response = conn.getresponse()
            data = _read_bounded(conn, response, deadline)
        except TimeoutError:
            raise LLMError("no answer within the move's time limit") from None
        except (OSError, http.client.HTTPException) as exc:
            reason = f"the server failed: {type(exc).__name__}: {exc}"
            raise LLMError(self.scrub(reason)[:200]) from None
        finally:
            conn.close()
        if response.status != 200:
            snippet = data[:200].decode("utf-8", "replace")
            raise LLMError(self.scrub(f"the server answered HTTP {response.status}: {snippet}"))
        try:
            reply = json.loads(data)
            content = reply["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMError(
                "the server's answer is not a chat completion (JSON with "
                "choices[0].message.content)"
            ) from None
        if not isinstance(content, str):
            raise LLMError("the server's answer has no text in choices[0].message.content")
        return content[:MAX_CONTENT]


def _set_timeout(conn: http.client.HTTPConnection, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(left)


def _read_bounded(
    conn: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        _set_timeout(conn, deadline)
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BODY:
            raise LLMError(f"the server's answer is larger than {MAX_BODY // 1024} KiB")
        chunks.append(chunk)


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def read_answer(content: str, turn: Turn) -> tuple[Action, str]:
    """The move (legal now) and the message text (may be empty) in the model's answer, or
    :class:`LLMError` with the reason to quote back. A cascade, as peer LLM games do: a JSON
    object (alone, in a code block, or amid words), else a line that is a move."""
    move_text: str | None = None
    message = ""
    match = _JSON_OBJECT.search(content)
    if match is not None:
        try:
            data = json.loads(match.group())
        except ValueError:
            data = None
        if isinstance(data, dict):
            move = data.get("move", data.get("action"))
            if isinstance(move, str):
                move_text = move
            note = data.get("message")
            if isinstance(note, str):
                message = note
    if move_text is None:
        for line in content.splitlines():
            line = line.strip().strip("`").strip()
            if line and _as_action(line, turn.player) is not None:
                move_text = line
                break
    if move_text is None:
        raise LLMError('no move found: answer {"move": "<one legal move>"}')
    action = _as_action(move_text.strip(), turn.player)
    if action is None:
        try:
            parse(move_text.strip())
        except InvalidActionError as exc:
            raise LLMError(f"{move_text.strip()[:100]!r} is not a move: {exc}") from None
        raise LLMError(f"{move_text.strip()[:100]!r} is not a move of {turn.player}")
    if isinstance(action, Message):
        raise LLMError('put words for your partner in "message", and a move in "move"')
    if action not in turn.legal:
        try:
            turn.legal.game.verify(action)  # the rule's own words
            reason = "not legal now"
        except Exception as exc:  # IllegalActionError, InvalidActionError: the reason
            reason = str(exc)
        raise LLMError(f"{str(action)[:100]!r} is not legal now: {reason}")
    return action, message


def _as_action(text: str, player: str) -> Action | None:
    """``text`` as an action of ``player`` (the player's id may be left out), or None."""
    for candidate in (text, f"{player} {text}"):
        try:
            action = parse(candidate)
        except InvalidActionError:
            continue
        if action.player == player:
            return action
    return None


@dataclass
class _Pending:
    """The move decided with a message, played on the turn right after the message."""

    round: int
    action: Action


class LLMAgent:
    """A seat played by a language model (see the module docstring)."""

    name = "llm"
    description = "a language model over the OpenAI-compatible chat API (named at the keyboard)"
    keeps_time = True  # its own deadline per move (sockets time out): never put in a thread

    def __init__(self, config: LLMConfig, *, time_limit: float | None = None) -> None:
        self.config = config
        self.client = ChatClient(config)
        self.time_limit = config.timeout if time_limit is None else float(time_limit)
        self.transcript: list[dict[str, Any]] = []
        self.player: str | None = None
        self._pending: _Pending | None = None

    @classmethod
    def from_spec(cls, spec: str, *, time_limit: float | None = None) -> LLMAgent:
        return cls(parse_spec(spec), time_limit=time_limit)

    def __repr__(self) -> str:
        return f"LLMAgent(model={self.config.model!r}, url={self.config.url!r})"

    def start(self, player: str, view: Any) -> None:
        self.player = player

    def act(self, turn: Turn) -> Action:
        self.player = turn.player
        pending, self._pending = self._pending, None
        if pending is not None and pending.round == turn.round and pending.action in turn.legal:
            return pending.action
        deadline = time.monotonic() + self.time_limit
        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": self.prompt(turn)},
        ]
        record: dict[str, Any] = {
            "round": turn.round,
            "phase": turn.phase,
            "player": turn.player,
            "prompt": messages[1]["content"],
            "answers": [],
        }
        try:
            action, note = self._ask(turn, messages, deadline, record)
        except LLMError as exc:
            record["error"] = str(exc)
            self._keep(record)
            raise
        record["move"] = str(action)
        talks = turn.talks
        if note.strip() and talks is not None:
            message = Message(turn.player, talks.partner, one_line(note, MAX_MESSAGE_CHARS))
            if message in turn.legal:
                record["message"] = message.text
                self._keep(record)
                self._pending = _Pending(turn.round, action)
                return message
        self._keep(record)
        return action

    def _ask(
        self,
        turn: Turn,
        messages: list[dict[str, str]],
        deadline: float,
        record: dict[str, Any],
    ) -> tuple[Action, str]:
        """The first usable answer of at most two; the second request quotes why the first
        answer could not be played (or repeats the request after a server failure)."""
        reason = ""
        for attempt in (1, 2):
            if attempt == 2 and deadline - time.monotonic() < MIN_RETRY_TIME:
                raise LLMError(f"{reason} (no time left for a retry)")
            try:
                content = self.client.complete(messages, deadline)
            except LLMError as exc:
                reason = str(exc)[:MAX_REASON]
                record["answers"].append({"error": reason})
                continue
            record["answers"].append({"content": self.client.scrub(content)})
            try:
                return read_answer(content, turn)
            except LLMError as exc:
                reason = self.client.scrub(str(exc))[:MAX_REASON]
                messages.append({"role": "assistant", "content": content})
                messages.append(
                    {
                        "role": "user",
                        "content": f"That answer cannot be played: {reason}. Answer again "
                        f'with one JSON object {{"move": "<one legal move>"}}.',
                    }
                )
        raise LLMError(f"{reason} (after a retry)")

    def prompt(self, turn: Turn) -> str:
        """The user message: the text view, the talks and the legal moves in notation."""
        lines = [str(turn.view), "", f"You are {turn.player}. Phase: {turn.phase}."]
        talks = turn.talks
        if talks is not None:
            offer = ",".join(str(t) for t in talks.offer) if talks.offer else "none"
            lines.append(
                f"Talks with {talks.partner} ({talks.level}, exchange {talks.exchanges} of "
                f"{talks.max_exchanges}); offer on the table: {offer}"
                + (f" by {talks.offer_by}" if talks.offer_by else "")
                + f". You may add a message to {talks.partner}."
            )
        legal, cut = legal_list(turn)
        lines.append("Legal moves" + (" (the first of many)" if cut else "") + ":")
        lines.extend(legal)
        return "\n".join(lines)

    def _keep(self, record: dict[str, Any]) -> None:
        self.transcript.append(record)
        folder = self.config.transcript
        if folder is None or self.player is None:
            return
        with contextlib.suppress(OSError):  # a full disk must not stop the game
            append_line(folder / f"llm-{self.player}.jsonl", json.dumps(record) + "\n")


def append_line(path: Path, line: str) -> None:
    """Append ``line`` to a regular file (created 0600 when missing; a link, FIFO or device in
    its place is refused: OSError), making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0), 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        data = line.encode("utf-8")
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


__all__ = [
    "ENV_KEYS",
    "ENV_MODEL",
    "ENV_URL",
    "ChatClient",
    "LLMAgent",
    "LLMConfig",
    "LLMError",
    "parse_spec",
    "read_answer",
]
