"""Errors raised by the engine. The two action errors are ValueErrors, so a caller can catch
either; every malformed action, from text, JSON or Python, is an InvalidActionError."""


class InvalidActionError(ValueError):
    """The text or JSON is not an action at all (it does not parse)."""


class IllegalActionError(ValueError):
    """The action parses but is not allowed now; the message names the rule."""


class NonFiniteError(ArithmeticError):
    """A computation gave an infinite or NaN number where it enters the game state.

    The scenario ranges (docs/scenario-format.md) keep every computation finite; this is the
    engine's last line should one slip through: the game stops with a message naming the value,
    instead of carrying NaN into scores, views and hashes."""
