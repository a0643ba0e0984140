"""Actions and deal terms: small immutable values with a JSON form and a text notation.

The notation is one line of space-separated tokens, the actor first::

    B propose A b-invest=550,a-cap-b=0.15      A counter B a-cap-b=0.2
    A accept         A reject         B pass         B done
    A tariff a-on-b 0.25               C countermeasure c-list-1 on
    B concede A b-purchase=5           B request A ministerial
    A extend 7       A renege d2       B say fact_check A a-claim
    ! inject shock                     ! news stress=10 -- Bond yields jump

``parse(str(a)) == a`` for every action; :func:`parse` raises :class:`InvalidActionError`
for text that is not an action (legality is the game's business, not the parser's).
"""

from __future__ import annotations

import dataclasses
import math
import operator
from dataclasses import dataclass
from typing import Any, ClassVar

from tradegame.engine.errors import InvalidActionError

INSTRUCTOR = "!"


def fmt_number(value: float) -> str:
    """Shortest text that parses back to exactly ``value``."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _number(text: str, what: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100.0 if text.endswith("%") else 1.0)
    except ValueError:
        raise InvalidActionError(f"{what} must be a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidActionError(f"{what} must be a finite number, got {text!r}")
    return value


@dataclass(frozen=True, slots=True, order=True)
class Term:
    """One catalogue item at one of its levels; the item's owner gives it."""

    item: str
    value: float

    def __str__(self) -> str:
        return f"{self.item}={fmt_number(self.value)}"

    @classmethod
    def parse(cls, text: str) -> Term:
        item, sep, value = text.partition("=")
        if not sep or not item:
            raise InvalidActionError(f"a term is written item=level, got {text!r}")
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
        for name in self.__slots__:  # type: ignore[attr-defined]
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
            f"relations:PLAYER:PLAYER=N, got {token!r}")
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


ACTION_TYPES: dict[str, type[Action]] = {
    cls.kind: cls
    for cls in (Propose, Counter, Accept, Reject, Pass, Done, SetTariff, Countermeasure, Concede,
                Statement, RequestTalks, ExtendDeadline, Renege, Inject, News)
}
ORDER_KINDS = frozenset({"set_tariff", "countermeasure", "concede", "statement",
                         "request_talks", "extend_deadline", "renege"})
TALK_KINDS = frozenset({"propose", "counter", "accept", "reject", "pass"})


def parse(text: str) -> Action:
    """Parse the notation of one action (see the module docstring)."""
    tokens = text.split()
    if len(tokens) < 2:
        raise InvalidActionError(f"not an action: {text!r} (expected 'PLAYER verb ...')")
    player, verb, args = tokens[0], tokens[1], tokens[2:]

    def need(n: int, usage: str) -> None:
        if len(args) != n:
            raise InvalidActionError(f"{verb!r} is written '{usage}', got {text!r}")

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
                raise InvalidActionError(f"countermeasure takes 'on' or 'off', got {args[1]!r}")
            return Countermeasure(player, args[0], args[1] == "on")
        case "say":
            if len(args) not in (2, 3):
                raise InvalidActionError(
                    f"'say' is written 'PLAYER say KIND PARTNER [SUBJECT]', got {text!r}")
            return Statement(player, args[0], args[1], args[2] if len(args) == 3 else "")
        case "request":
            need(2, "PLAYER request PARTNER LEVEL")
            return RequestTalks(player, args[0], args[1])
        case "extend":
            need(1, "PLAYER extend DAYS")
            days = _number(args[0], "the days")
            if days != int(days):
                raise InvalidActionError(f"days must be whole, got {args[0]!r}")
            return ExtendDeadline(player, int(days))
        case "renege":
            need(1, "PLAYER renege DEAL")
            return Renege(player, args[0])
        case "inject":
            need(1, "! inject INJECT")
            if player != INSTRUCTOR:
                raise InvalidActionError("only the instructor ('!') injects events")
            return Inject(player, args[0])
        case "news":
            if player != INSTRUCTOR:
                raise InvalidActionError("only the instructor ('!') publishes news")
            if "--" not in args or not args[args.index("--") + 1:]:
                raise InvalidActionError(
                    f"news is written '! news [EFFECT ...] -- TEXT', got {text!r}")
            cut = args.index("--")
            effects = tuple(args[:cut])
            for token in effects:
                parse_news_effect(token)
            return News(player, " ".join(args[cut + 1:]), effects)
    raise InvalidActionError(f"unknown verb {verb!r} in {text!r}")


def from_json(data: dict[str, Any]) -> Action:
    """Rebuild an action from :meth:`Action.to_json` output."""
    if not isinstance(data, dict) or data.get("kind") not in ACTION_TYPES:
        raise InvalidActionError(f"not an action: {data!r} (unknown or missing kind)")
    cls = ACTION_TYPES[data["kind"]]
    expected = {f.name: f.type for f in dataclasses.fields(cls)}
    fields = {k: v for k, v in data.items() if k != "kind"}
    if set(fields) != set(expected):
        raise InvalidActionError(
            f"not an action: {data!r} (a {cls.kind} has the fields "
            f"{', '.join(sorted(expected))})")
    for name, kind in expected.items():
        value = fields[name]
        if kind == "str":
            ok = isinstance(value, str)
        elif kind == "bool":
            ok = isinstance(value, bool)
        elif kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif kind == "float":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value)
            if ok:
                fields[name] = float(value)
        elif kind == "tuple[str, ...]":  # news effects
            ok = isinstance(value, (list, tuple)) and all(isinstance(t, str) for t in value)
            if ok:
                fields[name] = tuple(value)
        else:  # the terms of a deal: [[item, level], ...]
            ok = isinstance(value, list) and all(
                isinstance(t, (list, tuple)) and len(t) == 2 and isinstance(t[0], str)
                and isinstance(t[1], (int, float)) and not isinstance(t[1], bool)
                and math.isfinite(t[1]) for t in value) and bool(value)
            if ok:
                fields[name] = deal_terms([Term(i, float(v)) for i, v in value])
        if not ok:
            raise InvalidActionError(
                f"not an action: {data!r} ({name} should be {kind}, got {value!r})")
    action = cls(**fields)
    # Only what the notation can say is an action: ids without spaces, '=' or ','.
    try:
        same = parse(str(action)) == action
    except InvalidActionError:
        same = False
    if not same:
        raise InvalidActionError(f"not an action: {data!r} (ids must be non-empty, without "
                                 f"spaces, '=' or ','; only the instructor ('!') injects)")
    return action
