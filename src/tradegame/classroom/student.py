"""What a student's handout may say: the scenario's text without the author's source notes, and
(by default) without hindsight.

What a source note is and what hindsight is are decided in one place,
:mod:`tradegame.scenario.hindsight` (the game's screens use the same rule).
:func:`student_rules` gives a copy of the rules whose texts are cleaned this way; the sentences
taken out as hindsight are returned, for the debrief.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tradegame.engine.rules import Rules
from tradegame.scenario.hindsight import (
    hindsight_dates,
    is_hindsight,
    strip_notes,
    student_text,
)

TEXT_FIELDS = frozenset(
    {
        "title",
        "summary",
        "name",
        "label",
        "description",
        "briefing_public",
        "briefing_confidential",
        "text",
        "body",
    }
)


def student_rules(rules: Rules, hindsight: bool = False) -> tuple[Rules, list[str]]:
    """A copy of ``rules`` whose texts are student texts, and the hindsight taken out."""
    cutoff, deadline = hindsight_dates(rules)
    taken: list[str] = []

    def clean(value: Any, field: str | None = None) -> Any:
        if isinstance(value, str):
            return (
                student_text(value, cutoff, deadline, hindsight, taken)
                if field in TEXT_FIELDS
                else value
            )
        if isinstance(value, tuple):
            return tuple(clean(v, field) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: clean(getattr(value, f.name), f.name)
                for f in dataclasses.fields(value)
                if f.init
            }
            if all(changes[k] is getattr(value, k) for k in changes):
                return value
            return dataclasses.replace(value, **changes)
        return value

    cleaned = clean(rules)
    return cleaned, [x for x in dict.fromkeys(taken) if x]


__all__ = ["is_hindsight", "strip_notes", "student_rules", "student_text"]
