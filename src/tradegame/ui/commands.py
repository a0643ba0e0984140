"""The command palette (ctrl+p): the legal moves of the human at the keyboard, searched by
their notation (``str(action)``, e.g. ``JP propose US jp_lng=5``) and by their description.

Deals are too many to list (millions of term combinations), so the palette shows the answers
and orders, the first deals, and — when the query is itself a legal move in notation, with or
without the player id — that move. A chosen move is shown with its preview and played only
once the player confirms it. A free-text message to the talks partner is typed the same way:
``message US -- any words`` (see :func:`typed_message`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:  # the engine is imported when a game starts, not with the app (start-up)
    from tradegame.engine import Action
    from tradegame.ui.screens.game import GameScreen

DISCOVER_LIMIT = 40


def literal(text: str) -> str:
    """``text`` as Textual markup that shows it as it is: the palette reads a hit's help as
    markup, and a move's words hold scenario names and message text. Every ``[`` is escaped
    (Textual's own ``escape`` leaves a half-typed ``[/``, which its parser then refuses)."""
    return text.replace("[", "\\[")


def _game_screen(provider: Provider) -> GameScreen | None:
    from tradegame.ui.screens.game import GameScreen

    screen = provider.screen
    return screen if isinstance(screen, GameScreen) else None


def typed_action(screen: GameScreen, query: str) -> Action | None:
    """The move written in ``query`` (notation, the player id optional) if it is legal now."""
    from tradegame.engine import InvalidActionError, parse

    viewer = screen.viewer
    text = query.strip()
    if viewer is None or not text:
        return None
    for candidate in (text, f"{viewer} {text}"):
        try:
            action = parse(candidate)
        except InvalidActionError:
            continue
        if action.player == viewer and screen.session.can(action):
            return action
        if action.player == viewer and screen.session.phase() == "orders":
            return action  # staging checks it against the staged orders and says why
    message = typed_message(viewer, text)
    if message is not None and screen.session.can(message):
        return message
    return None


MISTYPED_SCORE = 0.2
"""Below any search match: "tariff JP autos" typed as a search also reads as a mistyped move."""


def mistyped(screen: GameScreen, query: str) -> tuple[str, Callable[[], None]] | None:
    """A query written as a move that cannot be played now: what the palette says about it,
    and what enter does (shows why: the notation's error, or the engine's reason, which
    playing it gives). Before, such a query found "No matches" and enter did nothing, so
    ``propose US jp_lng=abc`` or ``accept`` with no offer on the table went unexplained.
    None for a legal move or words to search for (an unknown verb)."""
    from tradegame.engine import InvalidActionError, parse

    viewer = screen.viewer
    text = query.strip()
    if viewer is None or not text or typed_action(screen, query) is not None:
        return None
    message = typed_message(viewer, text)
    if message is not None:
        return "not a move now: enter says why", partial(screen.play, message)
    candidate = text if text.split()[0] == viewer else f"{viewer} {text}"
    try:
        action = parse(candidate)
    except InvalidActionError as exc:
        reason = str(exc)
        if reason.startswith(("unknown verb", "not an action")):
            return None
        return f"not a move: {reason}", partial(screen.error, reason, "Not a move")
    return "not a move now: enter says why", partial(screen.play, action)


def typed_message(viewer: str, text: str) -> Action | None:
    """A free-text message typed as ``message PARTNER [--] any words`` (the player id
    optional): the words made one line of at most 500 characters, control characters shown as
    escapes, so whatever is typed or pasted becomes a valid message."""
    from tradegame.engine import Message
    from tradegame.engine.actions import MAX_MESSAGE_CHARS
    from tradegame.untrusted import one_line

    first, _, body = text.partition(" ")
    if first == viewer:
        first, _, body = body.strip().partition(" ")
    if first != "message":
        return None
    partner, _, words = body.strip().partition(" ")
    words = words.strip()
    words = words[2:] if words.startswith("--") else words
    line = one_line(words, MAX_MESSAGE_CHARS)
    return Message(viewer, partner, line) if partner and line else None


def word_score(query: str, text: str, description: str) -> float:
    """How well ``query`` matches a move: every word must occur in its notation or its
    description (Textual's fuzzy matcher is exponential on long descriptions, so the palette
    matches words). Notation matches score higher than description matches."""
    words = query.lower().split()
    if not words:
        return 0.0
    notation, words_in = text.lower(), description.lower()
    in_notation = 0
    for word in words:
        if word in notation:
            in_notation += 1
        elif word not in words_in:
            return 0.0
    score = 0.5 + 0.4 * in_notation / len(words)
    if notation.startswith(words[0]) or notation.split(" ", 1)[-1].startswith(words[0]):
        score += 0.1
    return min(score, 1.0)


def highlight(query: str, text: str) -> Text:
    """``text`` with the query's words in bold reverse."""
    out = Text(text)
    lower = text.lower()
    for word in query.lower().split():
        start = lower.find(word)
        while word and start >= 0:
            out.stylize("bold reverse", start, start + len(word))
            start = lower.find(word, start + len(word))
    return out


class LegalActionsProvider(Provider):
    """Legal moves for the current human seat."""

    async def search(self, query: str) -> Hits:
        screen = _game_screen(self)
        if screen is None:
            return
        seen: set[str] = set()
        typed = typed_action(screen, query)
        if typed is not None:
            seen.add(str(typed))
            yield Hit(
                1.0,
                highlight(query, str(typed)),
                partial(screen.confirm_move, typed),
                text=str(typed),
                help=literal(screen.palette_describe(typed)),
            )
        else:
            refused = mistyped(screen, query)
            if refused is not None:
                from tradegame.untrusted import printable

                said, then = refused
                yield Hit(
                    MISTYPED_SCORE,
                    Text(printable(f"{query.strip()} — {said}")),  # a paste's controls shown
                    then,
                    text=query.strip(),
                    help=literal(printable(said)),
                )
        for action in screen.palette_actions():
            text = str(action)
            if text in seen:
                continue
            description = screen.palette_describe(action)
            score = word_score(query, text, description)
            if score > 0:
                yield Hit(
                    score,
                    highlight(query, text),
                    partial(screen.confirm_move, action),
                    text=text,
                    help=literal(description),
                )

    async def discover(self) -> Hits:
        screen = _game_screen(self)
        if screen is None:
            return
        for action in screen.palette_actions()[:DISCOVER_LIMIT]:
            yield DiscoveryHit(
                str(action),
                partial(screen.confirm_move, action),
                text=str(action),
                help=literal(screen.palette_describe(action)),
            )


__all__ = [
    "LegalActionsProvider",
    "highlight",
    "mistyped",
    "typed_action",
    "typed_message",
    "word_score",
]
