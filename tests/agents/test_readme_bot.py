"""The complete bot in docs/bots-and-tournaments.md ("Writing a bot") runs as written."""

from __future__ import annotations

import re
from pathlib import Path

from tradegame.agents.base import play_match
from tradegame.scenario import load_rules

README = Path(__file__).resolve().parents[2] / "docs" / "bots-and-tournaments.md"


def readme_bot() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    found = [b for b in blocks if b.startswith("# mybot.py")]
    assert len(found) == 1, "docs/bots-and-tournaments.md has one complete example bot"
    return found[0]


def test_the_readme_bot_plays_without_incidents_and_negotiates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mybot.py"
    path.write_text(readme_bot(), encoding="utf-8")
    rules = load_rules("april-2025")
    incidents: list[str] = []
    game = play_match(
        rules,
        1,
        {"JP": f"{path}:Opportunist", "US": "boulware", "EU": "random"},
        incidents=incidents,
        allow_code=True,
    )
    assert incidents == []
    jp = [a for a in game.actions if a.player == "JP"]
    assert any(a.kind in ("propose", "counter") for a in jp)
    assert any(a.kind == "request_talks" for a in jp)
