"""The user-facing error and the exit codes shared by the command line and its subcommands.

A module of its own so that ``commands/`` and ``rooms/`` raise :class:`UserError` without importing
their caller, :mod:`tradegame.cli`.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in tradegame, not in what the user gave it


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code
