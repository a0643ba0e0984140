"""The checked-in JSON Schema is the one the models export."""

from __future__ import annotations

import json
from typing import Any

from tradegame.scenario.schema import SCHEMA_PATH, scenario_json_schema, schema_text


def test_checked_in_schema_is_fresh() -> None:
    # If this fails, regenerate: tradegame schema > src/tradegame/schemas/scenario.schema.json
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == scenario_json_schema()


def _keys(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        return set(schema) | {k for v in schema.values() for k in _keys(v)}
    if isinstance(schema, list):
        return {k for v in schema for k in _keys(v)}
    return set()


def test_schema_uses_standard_keywords() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "tradegame scenario (tradegame-scenario/1)"
    assert schema["additionalProperties"] is False
    player = schema["$defs"]["Player"]["properties"]
    assert player["approval"]["minimum"] == 0
    assert player["approval"]["maximum"] == 100
    assert player["gdp_bn"]["minimum"] == 1
    assert player["gdp_bn"]["maximum"] == 1_000_000
    assert player["concessions"]["maxItems"] == 40
    sector = schema["$defs"]["Sector"]["properties"]
    assert sector["elasticity"]["exclusiveMinimum"] == 0
    assert sector["elasticity"]["maximum"] == 20
    # pydantic's Field keywords must not leak into the schema, where editors ignore them.
    assert not {"ge", "le", "gt", "lt"} & (_keys(schema) - _property_names(schema))


def _property_names(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        names = (
            set(schema.get("properties", {}))
            if isinstance(schema.get("properties"), dict)
            else set()
        )
        return names | {k for v in schema.values() for k in _property_names(v)}
    if isinstance(schema, list):
        return {k for v in schema for k in _property_names(v)}
    return set()
