"""Actions and deal terms: small immutable values with a JSON form and a text notation.

The notation is one line of space-separated tokens, the actor first::

    B propose A b-invest=550,a-cap-b=0.15      A counter B a-cap-b=0.2
    A accept         A reject         B pass         B done
    A tariff a-on-b 0.25               C countermeasure c-list-1 on
    B concede A b-purchase=5           B request A ministerial
    A extend 7       A renege d2       B say fact_check A a-claim
    A message B -- We can live with 15% if you buy more of our goods.
    ! inject shock                     ! news stress=10 -- Bond yields jump

``parse(str(a)) == a`` for every action; :func:`parse` raises :class:`InvalidActionError`
for text that is not an action (legality is the game's business, not the parser's).
:func:`from_json` and :func:`check_action` (which ``Game.verify`` runs on every action that
comes from outside) do the same for JSON and for Python objects: whatever the input, the
answer is an action or :class:`InvalidActionError`, never another exception.
"""

from __future__ import annotations

import dataclasses
import math
import operator
import re
import reprlib
from dataclasses import dataclass
from typing import Any, ClassVar

from tradegame.engine.errors import InvalidActionError

INSTRUCTOR = "!"
MAX_WHOLE = 2**53  # whole numbers in actions (days): exact as floats, far beyond any game
MAX_MESSAGE_CHARS = 500
"""The longest free-text message (a bound on input, like MAX_WHOLE, not a rule of play)."""
# No text of an action holds a control or bidi character: news text and ids reach every
# player's screen and log, so an escape sequence in a save or a bot's move stops here.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)


def fmt_number(value: float) -> str:
    """Shortest text that parses back to exactly ``value``."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _number(text: str, what: str) -> float:
    try:
        # A percentage (any number of trailing %) is divided by 100; else the number as is.
        value = float(text.rstrip("%")) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise InvalidActionError(f"{what} must be a number, got {_short(text)}") from None
    if not math.isfinite(value):  # nan and infinities
        raise InvalidActionError(f"{what} must be a finite number, got {_short(text)}")
    return value + 0.0  # -0 is zero (-0.0 would hash, and be written, unlike 0)


def _plain_float(action: object, name: str, value: object) -> None:
    """A level given by a Python caller as a whole number (``SetTariff(p, layer, 0)``) or as
    -0.0 is kept as the float the notation and JSON read back (0.0), so that the game's state,
    its hash and its save are the same whichever way the number was written. Anything else is
    left for :func:`check_action` to judge."""
    if (type(value) is int and -MAX_WHOLE <= value <= MAX_WHOLE) or (
        type(value) is float and value == 0.0
    ):
        object.__setattr__(action, name, value + 0.0)


def _short(value: Any, limit: int = 60) -> str:
    """A bounded description of an outside value for a message (repr can be huge, or fail
    on an int of thousands of digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WHOLE:
        return "a whole number too large for an action"
    try:
        if isinstance(value, (dict, list, tuple)):
            text = (
                f"a {type(value).__name__} of {len(value)} entries"
                if len(value) > 3
                else reprlib.repr(value)
            )
        elif isinstance(value, (str, int, float, bool, type(None))):
            text = repr(value)
        else:
            text = f"a {type(value).__name__} object"
    except Exception:  # a huge number deep inside, a hostile subclass
        text = f"a {type(value).__name__} value"
    return _clip(text, limit)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True, order=True)
class Term:
    """One catalogue item at one of its levels; the item's owner gives it."""

    item: str
    value: float

    def __post_init__(self) -> None:
        _plain_float(self, "value", self.value)

    def __str__(self) -> str:
        return f"{self.item}={fmt_number(self.value)}"

    @classmethod
    def parse(cls, text: str) -> Term:
        item, sep, value = text.partition("=")
        if not sep or not item:
            raise InvalidActionError(f"a term is written item=level, got {_short(text)}")
        return cls(item, _number(value, f"the level of {item}"))


def deal_terms(terms: tuple[Term, ...] | list[Term]) -> tuple[Term, ...]:
    """The canonical (sorted) form of a set of terms."""
    return tuple(sorted(terms, key=_term_order))


_term_order = operator.attrgetter("item", "value")  # Term's own order, compared in C


def _terms_text(terms: tuple[Term, ...]) -> str:
    return ",".join(str(t) for t in terms)


def _parse_terms(text: str) -> tuple[Term, ...]:
    if not text:
        raise InvalidActionError("a deal needs at least one term")
    return deal_terms([Term.parse(t) for t in text.split(",")])


@dataclass(frozen=True, slots=True)
class Action:
    """Base of every action. ``player`` is the actor's id (``!`` for the instructor)."""

    player: str
    kind: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for name in self.__slots__:
            value = getattr(self, name)
            if name == "terms":
                value = [[t.item, t.value] for t in value]
            out[name] = value
        out["player"] = self.player
        return out

    def __repr__(self) -> str:
        return f"parse({str(self)!r})"


@dataclass(frozen=True, slots=True, repr=False)
class Propose(Action):
    partner: str
    terms: tuple[Term, ...]
    kind: ClassVar[str] = "propose"

    def __str__(self) -> str:
        return f"{self.player} propose {self.partner} {_terms_text(self.terms)}"


@dataclass(frozen=True, slots=True, repr=False)
class Counter(Action):
    partner: str
    terms: tuple[Term, ...]
    kind: ClassVar[str] = "counter"

    def __str__(self) -> str:
        return f"{self.player} counter {self.partner} {_terms_text(self.terms)}"


@dataclass(frozen=True, slots=True, repr=False)
class Accept(Action):
    kind: ClassVar[str] = "accept"

    def __str__(self) -> str:
        return f"{self.player} accept"


@dataclass(frozen=True, slots=True, repr=False)
class Reject(Action):
    kind: ClassVar[str] = "reject"

    def __str__(self) -> str:
        return f"{self.player} reject"


@dataclass(frozen=True, slots=True, repr=False)
class Pass(Action):
    kind: ClassVar[str] = "pass"

    def __str__(self) -> str:
        return f"{self.player} pass"


@dataclass(frozen=True, slots=True, repr=False)
class Done(Action):
    kind: ClassVar[str] = "done"

    def __str__(self) -> str:
        return f"{self.player} done"


@dataclass(frozen=True, slots=True, repr=False)
class SetTariff(Action):
    layer: str
    rate: float
    kind: ClassVar[str] = "set_tariff"

    def __post_init__(self) -> None:
        _plain_float(self, "rate", self.rate)

    def __str__(self) -> str:
        return f"{self.player} tariff {self.layer} {fmt_number(self.rate)}"


@dataclass(frozen=True, slots=True, repr=False)
class Countermeasure(Action):
    package: str
    activate: bool
    kind: ClassVar[str] = "countermeasure"

    def __str__(self) -> str:
        return f"{self.player} countermeasure {self.package} {'on' if self.activate else 'off'}"


@dataclass(frozen=True, slots=True, repr=False)
class Concede(Action):
    partner: str
    terms: tuple[Term, ...]
    kind: ClassVar[str] = "concede"

    def __str__(self) -> str:
        return f"{self.player} concede {self.partner} {_terms_text(self.terms)}"


@dataclass(frozen=True, slots=True, repr=False)
class Statement(Action):
    """Cheap talk: ``subject`` is a claim id (fact_check), a package or layer (threat), or a
    term ``item=level`` (public_demand); empty for claim_progress and reassure."""

    statement: str
    partner: str
    subject: str = ""
    kind: ClassVar[str] = "statement"

    def __str__(self) -> str:
        tail = f" {self.subject}" if self.subject else ""
        return f"{self.player} say {self.statement} {self.partner}{tail}"


@dataclass(frozen=True, slots=True, repr=False)
class RequestTalks(Action):
    partner: str
    level: str
    kind: ClassVar[str] = "request_talks"

    def __str__(self) -> str:
        return f"{self.player} request {self.partner} {self.level}"


@dataclass(frozen=True, slots=True, repr=False)
class ExtendDeadline(Action):
    days: int
    kind: ClassVar[str] = "extend_deadline"

    def __str__(self) -> str:
        return f"{self.player} extend {self.days}"


@dataclass(frozen=True, slots=True, repr=False)
class Renege(Action):
    deal: str
    kind: ClassVar[str] = "renege"

    def __str__(self) -> str:
        return f"{self.player} renege {self.deal}"


@dataclass(frozen=True, slots=True, repr=False)
class Inject(Action):
    """An instructor's inject: a scenario inject fired now (not a player's move)."""

    inject: str
    kind: ClassVar[str] = "inject"

    def __str__(self) -> str:
        return f"{INSTRUCTOR} inject {self.inject}"


NEWS_EFFECTS = {"stress": 0, "approval": 1, "credibility": 1, "relations": 2}


def parse_news_effect(token: str) -> tuple[str, tuple[str, ...], float]:
    """``approval:B=-3`` -> ("approval", ("B",), -3.0); see :class:`News`."""
    target, sep, value = token.partition("=")
    name, *ids = target.split(":")
    if not sep or name not in NEWS_EFFECTS or len(ids) != NEWS_EFFECTS[name] or not all(ids):
        raise InvalidActionError(
            f"a news effect is stress=N, approval:PLAYER=N, credibility:PLAYER=N or "
            f"relations:PLAYER:PLAYER=N, got {_short(token)}"
        )
    return name, tuple(ids), _number(value, f"the size of {name}")


@dataclass(frozen=True, slots=True, repr=False)
class News(Action):
    """An instructor's news item typed on the spot, with optional effects, e.g.
    ``! news stress=10 approval:B=-3 -- Bond yields jump after the auction``."""

    text: str
    effects: tuple[str, ...] = ()
    kind: ClassVar[str] = "news"

    def __str__(self) -> str:
        effects = "".join(f"{e} " for e in self.effects)
        return f"{INSTRUCTOR} news {effects}-- {self.text}"


@dataclass(frozen=True, slots=True, repr=False)
class Message(Action):
    """Free text to the partner of the talks session on turn (DESIGN §3.3): logged for the
    two of them (and the instructor), with no other effect on the game. The text is one line
    of single-spaced words, 1 to :data:`MAX_MESSAGE_CHARS` characters, without control
    characters (build it with ``message_text`` from outside text)."""

    partner: str
    text: str
    kind: ClassVar[str] = "message"

    def __str__(self) -> str:
        return f"{self.player} message {self.partner} -- {self.text}"


def message_problem(text: str) -> str | None:
    """Why ``text`` cannot be a message's text (or None); its control characters are
    refused where every action's text is checked."""
    if not text or text != " ".join(text.split()):
        return "a message is one line of words separated by single spaces"
    if len(text) > MAX_MESSAGE_CHARS:
        return f"a message has at most {MAX_MESSAGE_CHARS} characters, got {len(text)}"
    return None


ACTION_TYPES: dict[str, type[Action]] = {
    cls.kind: cls
    for cls in (
        Propose,
        Counter,
        Accept,
        Reject,
        Pass,
        Done,
        SetTariff,
        Countermeasure,
        Concede,
        Statement,
        RequestTalks,
        ExtendDeadline,
        Renege,
        Inject,
        News,
        Message,
    )
}
ORDER_KINDS = frozenset(
    {
        "set_tariff",
        "countermeasure",
        "concede",
        "statement",
        "request_talks",
        "extend_deadline",
        "renege",
    }
)
TALK_KINDS = frozenset({"propose", "counter", "accept", "reject", "pass", "message"})


def parse(text: str) -> Action:
    """Parse the notation of one action (see the module docstring)."""
    if not isinstance(text, str):
        raise InvalidActionError(f"not an action: {_short(text)} (an action is written as text)")
    tokens = text.split()
    if len(tokens) < 2:
        raise InvalidActionError(f"not an action: {_short(text)} (expected 'PLAYER verb ...')")
    player, verb, args = tokens[0], tokens[1], tokens[2:]

    def need(n: int, usage: str) -> None:
        if len(args) != n:
            raise InvalidActionError(f"{_short(verb)} is written '{usage}', got {_short(text)}")

    match verb:
        case "propose" | "counter" | "concede":
            need(2, f"PLAYER {verb} PARTNER item=level,item=level")
            cls = {"propose": Propose, "counter": Counter, "concede": Concede}[verb]
            return cls(player, args[0], _parse_terms(args[1]))
        case "accept" | "reject" | "pass" | "done":
            need(0, f"PLAYER {verb}")
            return {"accept": Accept, "reject": Reject, "pass": Pass, "done": Done}[verb](player)
        case "tariff":
            need(2, "PLAYER tariff LAYER RATE")
            return SetTariff(player, args[0], _number(args[1], "the rate"))
        case "countermeasure":
            need(2, "PLAYER countermeasure PACKAGE on|off")
            if args[1] not in ("on", "off"):
                raise InvalidActionError(
                    f"countermeasure takes 'on' or 'off', got {_short(args[1])}"
                )
            return Countermeasure(player, args[0], args[1] == "on")
        case "say":
            if len(args) not in (2, 3):
                raise InvalidActionError(
                    f"'say' is written 'PLAYER say KIND PARTNER [SUBJECT]', got {_short(text)}"
                )
            return Statement(player, args[0], args[1], args[2] if len(args) == 3 else "")
        case "request":
            need(2, "PLAYER request PARTNER LEVEL")
            return RequestTalks(player, args[0], args[1])
        case "extend":
            need(1, "PLAYER extend DAYS")
            days = _number(args[0], "the days")
            if days != int(days) or abs(days) > MAX_WHOLE:
                raise InvalidActionError(f"days must be whole, got {_short(args[0])}")
            return ExtendDeadline(player, int(days))
        case "renege":
            need(1, "PLAYER renege DEAL")
            return Renege(player, args[0])
        case "inject":
            need(1, "! inject INJECT")
            if player != INSTRUCTOR:
                raise InvalidActionError("only the instructor ('!') injects events")
            return Inject(player, args[0])
        case "message":
            if len(args) < 3 or args[1] != "--":
                raise InvalidActionError(
                    f"a message is written 'PLAYER message PARTNER -- TEXT', got {_short(text)}"
                )
            words = " ".join(args[2:])
            problem = message_problem(words)
            if problem is not None:
                raise InvalidActionError(problem)
            return Message(player, args[0], words)
        case "news":
            if player != INSTRUCTOR:
                raise InvalidActionError("only the instructor ('!') publishes news")
            if "--" not in args or not args[args.index("--") + 1 :]:
                raise InvalidActionError(
                    f"news is written '! news [EFFECT ...] -- TEXT', got {_short(text)}"
                )
            cut = args.index("--")
            effects = tuple(args[:cut])
            for token in effects:
                parse_news_effect(token)
            return News(player, " ".join(args[cut + 1 :]), effects)
    raise InvalidActionError(f"unknown verb {_short(verb)} in {_short(text)}")


def from_json(data: Any) -> Action:
    """Rebuild an action from :meth:`Action.to_json` output (or raise InvalidActionError)."""
    kind = data.get("kind") if isinstance(data, dict) else None
    cls = ACTION_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise InvalidActionError(f"not an action: {_short(data)} (unknown or missing kind)")
    expected = _FIELDS[cls]
    fields = {k: v for k, v in data.items() if k != "kind"}
    if set(fields) != {name for name, _ in expected}:
        raise InvalidActionError(
            f"not an action: a {cls.kind} has the fields "
            f"{', '.join(sorted(name for name, _ in expected))}, got "
            f"{', '.join(sorted(_short(k, 30) for k in fields)) or 'none'}"
        )
    for name, typ in expected:
        value = _field_value(typ, fields[name])
        if value is _BAD:
            raise InvalidActionError(
                f"not an action: the {cls.kind}'s {name} should be {_TYPE_WORDS[typ]}, got "
                f"{_short(fields[name])}"
            )
        fields[name] = value
    action = cls(**fields)
    # Only what the notation can say is an action: ids without spaces, '=' or ','.
    try:
        same = parse(str(action)) == action
    except InvalidActionError:
        same = False
    if not same:
        names = [
            name
            for name, typ in expected
            if typ == "str"
            and name not in ("text", "subject")
            and _unwritable(getattr(action, name))
        ]
        if any(_unwritable(t.item) for t in getattr(action, "terms", ())):
            names.append("terms")
        if isinstance(action, Message) and message_problem(action.text) is not None:
            raise InvalidActionError(f"not an action: {message_problem(action.text)}")
        raise InvalidActionError(
            f"not an action: the {cls.kind}'s {', '.join(names) or 'fields'} cannot be "
            f"written in the notation (ids must be non-empty, without spaces, '=' or ','; "
            f"only the instructor ('!') injects)"
        )
    return action


def _unwritable(name: str) -> bool:
    return not name or "=" in name or "," in name or len(name.split()) != 1


def check_action(action: object) -> None:
    """Raise :class:`InvalidActionError` unless ``action`` is a well-formed action: one of the
    action classes, each field of its type (text, a finite number, a whole number, a tuple of
    :class:`Term`). ``Game.verify`` runs this on actions that come from outside.

    An action found well formed is remembered (the object itself, held while remembered, so
    that its id names no other): an action is frozen, its fields never set again, and the
    same objects come back (the legal orders are made once per scenario; every what_if of
    one checks it again)."""
    if _WELL_FORMED.get(id(action), _BAD) is action:  # (_BAD: no default None is)
        return
    _check_fields(action)
    if len(_WELL_FORMED) >= _WELL_FORMED_KEPT:
        _WELL_FORMED.clear()  # bounded; a miss only costs the check
    _WELL_FORMED[id(action)] = action


_WELL_FORMED: dict[int, object] = {}  # actions check_action found well formed, by id
_WELL_FORMED_KEPT = 4096


def _check_fields(action: object) -> None:
    """:func:`check_action`'s rule, asked afresh."""
    if not isinstance(action, Action):
        raise InvalidActionError(f"not an action: {_short(action)}")
    cls = type(action)
    expected = _FIELDS.get(cls)
    if expected is None:
        raise InvalidActionError(f"not an action: {_short(action)}")
    # Exact types: a subclass of str or float could compare or hash in its own way.
    for name, typ in expected:
        value = getattr(action, name)
        if typ == "str":
            # (_text_ok's memory read first: most texts are ids met before)
            ok = type(value) is str and value in _CLEAN or _text_ok(value)
        elif typ == "float":
            ok = _number_ok(value)
        elif typ == "terms":
            ok = _terms_ok(value)
        elif typ == "tuple[str, ...]":
            ok = type(value) is tuple and all(_text_ok(t) for t in value)
        elif typ == "bool":
            ok = type(value) is bool
        else:
            ok = type(value) is int and abs(value) <= MAX_WHOLE
        if ok and name == "text" and cls is Message:
            problem = message_problem(value)
            if problem is not None:
                raise InvalidActionError(f"not an action: {problem}")
        if not ok:
            words = "a tuple of Term(item, level)" if typ == "terms" else _TYPE_WORDS[typ]
            raise InvalidActionError(
                f"not an action: the {cls.kind}'s {name} should be {words}, got {_short(value)}"
            )


def _terms_ok(value: object) -> bool:
    """Whether ``value`` is a deal's terms as an action holds them: a non-empty tuple of
    :class:`Term`, each of a text item and a finite number (a loop: a generator costs more
    than the few terms of a deal)."""
    if type(value) is not tuple or not value:
        return False
    for t in value:
        if type(t) is not Term or type(t.item) is not str:
            return False
        if not _number_ok(t.value):
            return False
    return True


def _number_ok(value: object) -> bool:
    """Exactly a float or an int (not a bool), and finite (:func:`_finite`)."""
    if type(value) is float:  # the usual number: _finite's check of it, without the call
        return _isfinite(value)
    return type(value) is int and _finite(value) is not _BAD


_isfinite = math.isfinite


_BAD = object()
_TYPE_WORDS = {
    "str": "text without control characters",
    "bool": "true or false",
    "int": "a whole number",
    "float": "a finite number",
    "tuple[str, ...]": "a list of texts without control characters",
    "terms": "a non-empty list of [item, level] pairs",
}
_FIELDS: dict[type[Action], tuple[tuple[str, str], ...]] = {
    cls: tuple(
        (f.name, "terms" if f.name == "terms" else str(f.type)) for f in dataclasses.fields(cls)
    )
    for cls in ACTION_TYPES.values()
}


def _field_value(typ: str, value: Any) -> Any:
    """``value`` as the field of type ``typ`` holds it (JSON lists become tuples, whole
    numbers floats), or ``_BAD``."""
    if typ == "str":
        return value if _text_ok(value) else _BAD
    if typ == "bool":
        return value if isinstance(value, bool) else _BAD
    if typ == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_WHOLE
        return value if ok else _BAD
    if typ == "float":
        return _finite(value)
    if typ == "tuple[str, ...]":  # news effects
        ok = isinstance(value, (list, tuple)) and all(_text_ok(t) for t in value)
        return tuple(value) if ok else _BAD
    # The terms of a deal: [[item, level], ...] in JSON, Terms in Python.
    if not isinstance(value, (list, tuple)) or not value:
        return _BAD
    terms = []
    for t in value:
        if isinstance(t, Term):
            item, level = t.item, t.value
        elif isinstance(t, (list, tuple)) and len(t) == 2:
            item, level = t
        else:
            return _BAD
        level = _finite(level)
        if not isinstance(item, str) or level is _BAD:
            return _BAD
        terms.append(Term(item, level))
    return deal_terms(terms)


def _text_ok(value: object) -> bool:
    """Exactly a str (a subclass could compare or hash its own way) with no control character."""
    if type(value) is not str:
        return False
    # The same ids come in every move: a text found clean is remembered (a set look-up
    # costs less than the search), bounded.
    if value in _CLEAN:
        return True
    if _CONTROL.search(value) is not None:
        return False
    if len(_CLEAN) >= _CLEAN_KEPT:
        _CLEAN.clear()
    _CLEAN.add(value)
    return True


_CLEAN: set[str] = set()  # texts _text_ok found clean
_CLEAN_KEPT = 4096


def _finite(value: Any) -> Any:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return _BAD
    try:
        value = float(value)
    except OverflowError:  # a whole number beyond any float
        return _BAD
    # -0.0 is zero: the state's JSON (its hash) and a save's replay tell them apart.
    return value + 0.0 if math.isfinite(value) else _BAD
