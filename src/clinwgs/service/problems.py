"""API errors, answered as FHIR OperationOutcome resources."""

from __future__ import annotations

from typing import Any

_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    412: "conflict",
    422: "invalid",
    428: "required",
    503: "transient",
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
