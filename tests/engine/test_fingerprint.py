"""The engine's behaviour fingerprint (tests/engine/fingerprint.py) is unchanged.

A refactoring must keep every recorded round hash, score, view and projection byte-identical;
a deliberate rule change regenerates the fixture with ``fingerprint.py --write``.
"""

from __future__ import annotations

import difflib

import pytest

from . import fingerprint


@pytest.mark.slow
def test_fingerprint_is_unchanged() -> None:
    expected = fingerprint.FIXTURE.read_text(encoding="utf-8")
    now = fingerprint.dumps(fingerprint.fingerprint())
    if now != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), now.splitlines(True), "fingerprint.json", "now", n=3
            )
        )
        pytest.fail(f"engine behaviour changed:\n{diff[:6000]}")
