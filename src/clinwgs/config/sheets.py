"""Strict readers for the YAML config and the TSV sample sheets, plus JSON-schema checks that report one
human-readable line per problem (file, row, column, what is wrong, what is allowed)."""

from __future__ import annotations

import csv
import re
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


class SheetFormatError(ValueError):
    """A sheet that cannot be read as a table: `problems` has one line per problem (row and column named)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problems))


def read_tsv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a tab-separated sheet; '#' lines and blank lines are skipped.

    Values are taken exactly as written: a value (or header name) with leading or trailing whitespace is an
    error, never silently trimmed, because a stray space or tab usually means a shifted or pasted cell.
    Raises SheetFormatError when a row has a different number of fields from the header or a value is padded.
    """
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise SheetFormatError(["the sheet is empty (no header line)"])
    reader = csv.reader(lines, delimiter="\t")
    header = next(reader)
    problems = [
        f"header, column {i} ({name.strip()!r}): the column name has leading or trailing whitespace; "
        "remove it"
        for i, name in enumerate(header, start=1)
        if name != name.strip()
    ]
    rows = []
    for number, fields in enumerate(reader, start=2):
        if len(fields) != len(header):
            ragged = f"row {number}: {len(fields)} tab-separated fields, header has {len(header)}"
            raise SheetFormatError([ragged])
        problems += [
            f"row {number}, column {name.strip()!r}: the value has leading or trailing whitespace (space or "
            "tab); remove it (values are not trimmed)"
            for name, value in zip(header, fields, strict=True)
            if value != value.strip()
        ]
        rows.append(dict(zip(header, fields, strict=True)))
    if problems:
        raise SheetFormatError(problems)
    return header, rows


# --- sample IDs: pseudonymous only -------------------------------------------------------------------------

# ten digits in a row, optionally split by single spaces or dashes ("9434765919", "943 476 5919",
# "943-476-5919"): the shape of an NHS number (and of a CHI or H&C number), whatever its check digit
_TEN_DIGITS = re.compile(r"[0-9](?:[ -]?[0-9]){9}")
# letters only, in two or more parts joined by a separator ("John_Smith", "smith-john", "Mary.Jones")
_NAME_LIKE = re.compile(r"[A-Za-z]+(?:[ _.'-]+[A-Za-z]+)+")
IDENTIFIER_COLUMNS = ("sample_id", "family_id", "father", "mother")


def patient_identifier_reason(value: str) -> str | None:
    """Why ``value`` looks like a patient identifier rather than a pseudonymous lab ID, or None.

    Refused: ten or more digits in a row, with or without spaces or dashes between them (an NHS number
    whatever its check digit); letters-only text in parts joined by '_', '-', '.', ' ' or an apostrophe (a
    name). Lab IDs such as PC001, HG00096, NA12878, S-0001 or LAB_2024_017 are accepted."""
    if _TEN_DIGITS.search(value):
        return "contains ten digits in a row (with or without spaces or dashes), the shape of an NHS number"
    if _NAME_LIKE.fullmatch(value.strip()):
        return "is letters only in parts joined by a separator, the shape of a person's name"
    return None


def identifier_problem(value: str) -> str | None:
    """One message (never echoing the value) when ``value`` looks like a patient identifier, else None."""
    reason = patient_identifier_reason(value)
    if reason is None:
        return None
    return (
        f"the value {reason}; sheets take pseudonymous lab IDs only (e.g. PC001, S-0001): replace it with "
        "the lab's pseudonym for this patient (the value is not repeated here)"
    )


def shown_id(row: dict[str, str], key: str) -> str | None:
    """The row's ``key`` value when it is safe to print (a valid pseudonymous ID), else None."""
    value = row.get(key, "")
    pattern = load_schema("samples")["properties"]["sample_id"]["pattern"]
    if value and re.fullmatch(pattern, value) and patient_identifier_reason(value) is None:
        return value
    return None


def row_problems(rows: list[dict[str, str]], schema_name: str, sheet: str, key: str) -> list[str]:
    """Schema problems of each row: '<sheet> row N (<key> X), column 'c': ... ; allowed: ...'.

    Empty optional cells are dropped before validation, so they count as absent. Identifier columns
    (sample_id, family_id) are also checked against the patient-identifier rule, and their value is never
    printed unless it is a valid pseudonymous ID (a refused ID may be an NHS number or a name)."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    problems = []
    for number, row in enumerate(rows, start=2):
        cells = {k: v for k, v in row.items() if v != ""}
        safe = shown_id(row, key)
        label = f"{sheet} row {number}" + (f" ({key} {safe})" if safe else "")
        flagged = set()
        for column in IDENTIFIER_COLUMNS:
            message = identifier_problem(cells[column]) if column in cells else None
            if message:
                flagged.add(column)
                problems.append(f"{label}, column {column!r}: {message}")
        for error in validator.iter_errors(cells):
            field, text = describe_error(error)
            if field in flagged:
                continue
            if error.validator == "required":
                missing = error.message.split("'")[1]
                problems.append(f"{label}, column {missing!r}: is empty or missing (required)")
            elif error.validator == "additionalProperties":
                problems.append(f"{label}: {text}")
            elif field in IDENTIFIER_COLUMNS:
                allowed = _allowed(error) or "expected: a pseudonymous ID"
                problems.append(f"{label}, column {field!r}: the value is not valid; {allowed}")
            else:
                problems.append(f"{label}, column {field!r}: {text}")
    return problems
