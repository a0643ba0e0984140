"""Every scripted event of a bundled scenario says what its news needs (issue 19 f).

``requires`` defaults to ``[]`` in the schema, so leaving it out is valid; in the bundled
scenarios every event writes it, ``[]`` included, so that each one was decided (and its
comment says why). The requirements themselves are exercised in
tests/engine/test_news_requirements.py; malformed ones are in the corpus (corpus/*requirement*).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tradegame.scenario.loader import bundled_scenarios

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_event_writes_its_requirements(name: str) -> None:
    data = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8"))
    events = data.get("events", {})
    missing = [
        f"{kind}: {event['id']}"
        for kind in ("scheduled", "conditional", "random", "injects")
        for event in events.get(kind, [])
        if "requires" not in event
    ]
    assert events and not missing, missing
