"""Schemathesis hooks for Relata's fuzzing stage (loaded through SCHEMATHESIS_HOOKS).

positive_data_accepted replaces schemathesis' positive_data_acceptance: a request that its
schema allows must not be refused as invalid (400/422), except for the rules a schema cannot
express, which the OpenAPI document marks on the field: that an id names a record that exists
(`x-relata-reference`), that stored state decides (`x-relata-state-dependent`), or that a value
is unique among its siblings (`x-relata-unique`). A refusal is allowed only when its problem's
`field` is a field so marked.
"""

from typing import Any

import jsonschema_rs
import schemathesis

REFUSED_AS_INVALID = (400, 422)
# The rules no schema can state: a reference to a record that must exist, a value whose
# acceptance depends on stored state, a value that must be unique among its siblings.
MARKERS = ("x-relata-reference", "x-relata-state-dependent", "x-relata-unique", "x-relata-relation")


def _resolve(document: dict[str, Any], schema: Any) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _alternatives(document: dict[str, Any], schema: Any) -> list[Any]:
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return []
    found = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found.extend(_alternatives(document, sub))
    return found


def _carries_marker(document: dict[str, Any], schema: Any, path: list[str]) -> bool:
    """Whether the value at `path` ("relatedTo.id" split) carries one of the MARKERS."""
    for candidate in _alternatives(document, schema):
        if not path:
            if any(marker in candidate for marker in MARKERS):
                return True
            continue
        head, rest = path[0], path[1:]
        if head in candidate.get("properties", {}) and _carries_marker(document, candidate["properties"][head], rest):
            return True
        if head.isdigit() and "items" in candidate and _carries_marker(document, candidate["items"], rest):
            return True
        # A map's entry (a record of named values): its value schema.
        extra = candidate.get("additionalProperties")
        if head not in candidate.get("properties", {}) and isinstance(extra, dict) and _carries_marker(document, extra, rest):
            return True
    return False


def _is_marked_field(case: Any, field: str) -> bool:
    document = case.operation.schema.raw_schema
    operation = _resolve(document, case.operation.definition.raw)
    for parameter in operation.get("parameters", []):
        parameter = _resolve(document, parameter)
        schema = parameter.get("schema", {})
        if parameter.get("name") == field and _carries_marker(document, schema, []):
            return True
        # An exploded object parameter: its properties are the query parameters.
        if parameter.get("explode") and _carries_marker(document, schema, [field]):
            return True
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return body is not None and _carries_marker(document, body, field.split("."))


def _sent_value_breaks_its_schema(case: Any, field: str) -> bool:
    """Whether the header or query parameter `field` was sent with a value its own schema refuses.

    The generator occasionally fills a "positive" case with such a value (an integer 0 for a
    string If-Match, say); refusing it is right, and says nothing about the contract.
    """
    document = case.operation.schema.raw_schema
    operation = _resolve(document, case.operation.definition.raw)
    sent = {**{k.lower(): v for k, v in (case.headers or {}).items()}, **{k.lower(): v for k, v in (case.query or {}).items()}}
    for parameter in operation.get("parameters", []):
        parameter = _resolve(document, parameter)
        name = str(parameter.get("name", ""))
        if name.lower() != field.lower() or name.lower() not in sent or parameter.get("in") not in ("header", "query"):
            continue
        schema = _resolve(document, parameter.get("schema", {}))
        if schema.get("type") == "string":
            return not jsonschema_rs.validator_for(schema).is_valid(str(sent[name.lower()]))
    return False


@schemathesis.check
def positive_data_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in REFUSED_AS_INVALID:
        return None
    try:
        problem = response.json()
    except ValueError:
        problem = {}
    field = problem.get("field") if isinstance(problem, dict) else None
    if isinstance(field, str) and (_is_marked_field(case, field) or _sent_value_breaks_its_schema(case, field)):
        return None
    detail = problem.get("detail") if isinstance(problem, dict) else response.text
    raise AssertionError(
        f"A request valid by the schema was refused with {response.status_code} ({meta.phase.name} phase): {detail} (field: {field})"
    )
