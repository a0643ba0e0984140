"""The one error a save file can raise."""

from __future__ import annotations


class SaveError(ValueError):
    """A save that cannot be written or loaded.

    The message is one line and starts with the file name as given (``g.json: ...``), then
    says what is wrong: the CLI prints it as is, the TUI shows it in a dialog.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = " ".join(problem.split("\n"))
        super().__init__(f"{path}: {self.problem}")
