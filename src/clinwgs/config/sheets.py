"""Strict readers for the YAML config and the TSV sample sheets, plus JSON-schema checks that report one
human-readable line per problem (file, row, column, what is wrong, what is allowed)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "workflow" / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load workflow/schemas/<name>.schema.yaml."""
    data: dict[str, Any] = yaml.safe_load((SCHEMA_DIR / f"{name}.schema.yaml").read_text(encoding="utf-8"))
    return data


def _range(schema: dict[str, Any]) -> str:
    """'an integer >= 1', 'a number > 0 and <= 60' ... from a schema's type and bounds ('' when unbounded)."""
    bounds = [f"{op} {schema[key]}" for key, op in
              (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<"))
              if key in schema]
    if not bounds:
        return ""
    kind = "an integer" if schema.get("type") == "integer" else "a number"
    return f"{kind} {' and '.join(bounds)}"


def _allowed(error: jsonschema.ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "enum" in schema:
        return "allowed: " + ", ".join(repr(v) for v in schema["enum"])
    if error.validator in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "type"} and _range(
        schema
    ):
        return f"allowed: {_range(schema)}"
    if error.validator == "type":
        return f"allowed: a value of type {schema.get('type')}"
    if error.validator == "pattern":
        rule = f"must match {schema['pattern']}"
        return f"expected: {schema['description']} ({rule})" if "description" in schema else rule
    if error.validator in {"minProperties", "minItems", "minLength", "propertyNames"}:
        return str(error.message)
    if "description" in schema:
        return f"expected: {schema['description']}"
    return ""


def describe_error(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(field path, human message) for one schema error."""
    field = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        return field, error.message.replace("is a required property", "is missing (required)")
    if error.validator == "additionalProperties":
        return field, error.message.replace("Additional properties are not allowed", "unknown key(s)")
    allowed = _allowed(error)
    shown = repr(error.instance)
    value = shown if len(shown) <= 60 else "the value"
    text = f"{value} is not valid" + (f"; {allowed}" if allowed else f": {error.message}")
    return field, text


def schema_problems(instance: Any, schema_name: str, where: str) -> list[str]:
    """One line per schema violation, prefixed by `where` (e.g. 'config.yaml')."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    problems = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        field, text = describe_error(error)
        problems.append(f"{where}: {('key ' + repr(field) + ': ') if field else ''}{text}")
    return problems


def read_tsv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a tab-separated sheet; '#' lines and blank lines are skipped.

    Raises ValueError when a row has a different number of fields from the header."""
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise ValueError("the sheet is empty (no header line)")
    reader = csv.reader(lines, delimiter="\t")
    header = [h.strip() for h in next(reader)]
    rows = []
    for number, fields in enumerate(reader, start=2):
        if len(fields) != len(header):
            raise ValueError(f"row {number}: {len(fields)} tab-separated fields, header has {len(header)}")
        rows.append({k: v.strip() for k, v in zip(header, fields, strict=True)})
    return header, rows


def row_problems(rows: list[dict[str, str]], schema_name: str, sheet: str, key: str) -> list[str]:
    """Schema problems of each row: '<sheet> row N (<key> X), column 'c': ... ; allowed: ...'.

    Empty optional cells are dropped before validation, so they count as absent."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    problems = []
    for number, row in enumerate(rows, start=2):
        cells = {k: v for k, v in row.items() if v != ""}
        label = f"{sheet} row {number}" + (f" ({key} {row[key]})" if row.get(key) else "")
        for error in validator.iter_errors(cells):
            field, text = describe_error(error)
            if error.validator == "required":
                missing = error.message.split("'")[1]
                problems.append(f"{label}, column {missing!r}: is empty or missing (required)")
            elif error.validator == "additionalProperties":
                problems.append(f"{label}: {text}")
            else:
                problems.append(f"{label}, column {field!r}: {text}")
    return problems
