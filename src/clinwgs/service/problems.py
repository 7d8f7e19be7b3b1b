"""API errors, answered as FHIR OperationOutcome resources (``application/fhir+json``)."""

from __future__ import annotations

from typing import Any

FHIR_JSON = "application/fhir+json"
_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-long",
    422: "invalid",
    428: "required",
    500: "exception",
    503: "transient",
}
_MEANING = {
    400: "malformed request: a NUL character, a non-finite number or a body that is not JSON",
    401: "no bearer token, or an unknown, expired or revoked one",
    403: "the token's role may not do this",
    404: "not found (or another organisation's record)",
    409: "conflict: different content for an existing report, or a sign-off step already taken",
    412: "If-Match names a version that is no longer current",
    413: "request body larger than CLINWGS_MAX_REQUEST_BYTES",
    422: "invalid content: FHIR, identity, value-set, subject or field-length rules",
    428: "If-Match header required",
    500: "unexpected server error (audited; no details are returned)",
    503: "database or audit log unavailable; retry",
}
OPERATION_OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "issue": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"type": "string"},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string"},
                },
            },
        },
    },
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error codes (each an OperationOutcome)."""
    return {
        code: {
            "description": _MEANING[code],
            "content": {FHIR_JSON: {"schema": OPERATION_OUTCOME_SCHEMA}},
        }
        for code in codes
    }


class ApiError(Exception):
    """A request the service refuses; ``status_code`` and a message naming the sample or resource."""

    def __init__(self, status_code: int, message: str, *, denied: bool = False) -> None:
        self.status_code = status_code
        self.message = message
        self.denied = denied
        super().__init__(message)


def operation_outcome(status_code: int, message: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": _CODES.get(status_code, "exception"), "diagnostics": message}
        ],
    }
