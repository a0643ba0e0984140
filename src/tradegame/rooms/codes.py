"""Seat codes, tokens and the instructor code of a room server.

A *code* is what a person types (``K7QM-X3TP``: 8 letters and digits from an alphabet without
look-alikes, about 40 bits, no structure, so a wrong code says nothing about which part was
wrong). A *token* is what a client keeps to reconnect (32 random bytes in URL-safe text); a
new one is issued each time a seat is claimed with its code, which ends the previous one.

Every comparison goes through :func:`same` (``hmac.compare_digest``), and a lookup compares the
given text with every secret, so the time taken does not depend on where a guess differs.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits without I, O, 0 and 1 (misread when copied from a handout)."""
CODE_LENGTH = 8
MAX_SECRET_CHARS = 200
"""A longer code or token is refused before any comparison."""


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normal_code(text: str) -> str:
    """A typed code as stored: capitals, without spaces and dashes (``k7qm x3tp`` works)."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def same(given: str, secret: str) -> bool:
    """Constant-time comparison of two texts (by their UTF-8 bytes)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), secret.encode())


@dataclass
class Seat:
    """A human seat of a room: who may play it, and whether a client holds it now."""

    room: int
    player: str
    code: str
    token: str | None = None
    """The current token (None until the seat is first claimed)."""
    holders: int = 0
    """Connections attached to the seat now (a reconnection may briefly overlap)."""


@dataclass
class SeatBook:
    """Every human seat of the server and the instructor code."""

    instructor_code: str
    seats: list[Seat] = field(default_factory=list)

    def by_code(self, text: str) -> Seat | str | None:
        """The seat whose code is ``text``, ``"instructor"`` for the instructor code, or None.
        Every code is compared, whatever matched."""
        if len(text) > MAX_SECRET_CHARS:
            return None
        given = normal_code(text)
        found: Seat | str | None = None
        if same(given, normal_code(self.instructor_code)):
            found = "instructor"
        for seat in self.seats:
            if same(given, normal_code(seat.code)) and found is None:
                found = seat
        return found

    def by_token(self, text: str) -> Seat | None:
        if len(text) > MAX_SECRET_CHARS:
            return None
        found = None
        for seat in self.seats:
            if seat.token is not None and same(text, seat.token) and found is None:
                found = seat
        return found

    def seat(self, room: int, player: str) -> Seat | None:
        return next((s for s in self.seats if s.room == room and s.player == player), None)

    def to_json(self) -> dict[str, object]:
        return {
            "instructor_code": self.instructor_code,
            "seats": [
                {"room": s.room, "player": s.player, "code": s.code, "token": s.token}
                for s in self.seats
            ],
        }


__all__ = ["ALPHABET", "Seat", "SeatBook", "new_code", "new_token", "normal_code", "same"]
