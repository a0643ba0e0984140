"""Errors raised by the engine. Both are ValueErrors, so a caller can catch either."""


class InvalidActionError(ValueError):
    """The text or JSON is not an action at all (it does not parse)."""


class IllegalActionError(ValueError):
    """The action parses but is not allowed now; the message names the rule."""
