"""The edge guard: refuse, before any route or database sees them, requests that could only end in a 5xx.

An ASGI middleware (inside the audit middleware, so every refusal is still audited) that answers with a FHIR
OperationOutcome:

- 413 when the body is larger than ``CLINWGS_MAX_REQUEST_BYTES`` (declared or streamed);
- 400 when the path, the query string or the body carries a NUL character (PostgreSQL cannot store one),
  when a JSON body holds a non-finite number (``1e999``, ``NaN``, ``Infinity``), an integer of more than
  ``MAX_INT_DIGITS`` digits, an unpaired UTF-16 surrogate, or is not JSON at all, or nests too deeply.

The body is read once (bounded by the size limit) and replayed to the application unchanged.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from clinwgs.service.problems import operation_outcome

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_INT_DIGITS = 64
_JSON_NUL = re.compile(rb"(?:^|[^\\])(?:\\\\)*\\u0000")
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


class EdgeRefusal(ValueError):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _reject_constant(name: str) -> Any:
    raise EdgeRefusal(400, f"request body: {name} is not a number FHIR or this service accepts")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise EdgeRefusal(400, "request body: a number is out of range (not finite)")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise EdgeRefusal(400, f"request body: an integer of {len(text)} digits is out of range")
    return int(text)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


def check_body(body: bytes, content_type: str) -> None:
    """Raise ``EdgeRefusal`` for a body that must not reach the application."""
    if b"\x00" in body:
        raise EdgeRefusal(400, "request body contains a NUL byte")
    if not body or not _is_json(content_type):
        if b"%00" in body:
            raise EdgeRefusal(400, "request body contains an encoded NUL character (%00)")
        return
    if _JSON_NUL.search(body):
        raise EdgeRefusal(400, "request body contains a NUL character (\\u0000)")
    try:
        parsed = json.loads(
            body,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except EdgeRefusal:
        raise
    except RecursionError as exc:
        raise EdgeRefusal(400, "request body is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise EdgeRefusal(400, f"request body is not valid JSON: {str(exc)[:200]}") from exc
    if _JSON_SURROGATE.search(body):
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EdgeRefusal(
                400, "request body contains an unpaired UTF-16 surrogate (\\ud800-\\udfff)"
            ) from exc


def check_url(scope: Scope) -> None:
    raw_path: bytes = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    query: bytes = scope.get("query_string") or b""
    for part, name in ((raw_path, "path"), (query, "query string")):
        if b"\x00" in part or b"%00" in part:
            raise EdgeRefusal(400, f"the request {name} contains a NUL character (%00)")
    if "\x00" in scope.get("path", ""):
        raise EdgeRefusal(400, "the request path contains a NUL character (%00)")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"content-type":
            return bytes(value).decode("latin-1")
    return ""


class EdgeGuard:
    """ASGI middleware: size limit, NUL bytes, non-finite numbers (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_request_bytes: int) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_url(scope)
            declared = _declared_length(scope)
            if declared is not None and declared > self.max_request_bytes:
                raise EdgeRefusal(413, self._too_large())
            body = await self._read(receive)
            check_body(body, _content_type(scope))
        except EdgeRefusal as refusal:
            await self._refuse(scope, send, refusal)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return (
            f"request body larger than the service's limit of {self.max_request_bytes} bytes "
            "(CLINWGS_MAX_REQUEST_BYTES)"
        )

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_request_bytes:
                raise EdgeRefusal(413, self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _refuse(self, scope: Scope, send: Send, refusal: EdgeRefusal) -> None:
        scope.setdefault("state", {})["audit_detail"] = f"refused: {refusal.message}"
        body = json.dumps(operation_outcome(refusal.status_code, refusal.message)).encode()
        headers = [
            (b"content-type", b"application/fhir+json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if refusal.status_code == 413:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": refusal.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})
