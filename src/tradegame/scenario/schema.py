"""The JSON Schema of scenario files, exported from the pydantic models.

Editors use the checked-in copy (bundled scenarios name it in their ``yaml-language-server``
modeline) to complete and check scenario files; a test keeps it equal to the models.
Regenerate it with ``tradegame schema > src/tradegame/schemas/scenario.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tradegame.scenario.models import FORMAT, Scenario

# pydantic leaves a constraint as its Field keyword (``"ge": 0``) where a BeforeValidator wraps
# the type, as the models' Number/Rate/Share aliases do; JSON Schema spells them like this.
_CONSTRAINT_KEYWORDS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
}
# Keywords whose value is data or a map of names, not a schema whose keys could be renamed.
_NOT_SCHEMAS = {"default", "const", "enum", "examples", "required", "discriminator"}
_NAMED_SCHEMAS = {"properties", "$defs", "patternProperties"}

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "scenario.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (draft 2020-12, as pydantic writes it)."""
    schema: dict[str, Any] = _standard_constraints(Scenario.model_json_schema())
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["title"] = f"tradegame scenario ({FORMAT})"
    return schema


def _standard_constraints(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_standard_constraints(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _NOT_SCHEMAS:
            out[key] = value
        elif key in _NAMED_SCHEMAS:
            out[key] = {name: _standard_constraints(sub) for name, sub in value.items()}
        else:
            keyword = _CONSTRAINT_KEYWORDS[key] if key in _CONSTRAINT_KEYWORDS else str(key)
            out[keyword] = _standard_constraints(value)
    return out


def schema_text() -> str:
    """The schema as it is checked in: indented JSON, sorted keys, a final newline."""
    return json.dumps(scenario_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
