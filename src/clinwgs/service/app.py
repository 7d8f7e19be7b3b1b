"""The FastAPI application: routes, FHIR-style errors, the edge guard and the audit middleware."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import unquote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from clinwgs import __version__
from clinwgs.service import api, pages
from clinwgs.service.audit import AuditEntry, CheckpointFile, append_event
from clinwgs.service.auth import ANONYMOUS, Principal
from clinwgs.service.db import Database, make_engine, migrate
from clinwgs.service.guard import EdgeGuard
from clinwgs.service.models import AuditEventRow
from clinwgs.service.problems import FHIR_JSON, ApiError, operation_outcome
from clinwgs.service.settings import Settings

log = logging.getLogger("clinwgs.service")
AUDITED_PREFIXES = ("/fhir", "/api", "/ui")
# query parameters whose values the audit log keeps; any other parameter (``?token=...``, ``?access_token=``,
# a mistyped credential) is written as "[redacted]", name and value, so no credential reaches the log
AUDITED_QUERY_PARAMETERS = frozenset({"identifier", "status", "_count", "_offset", "target", "since", "next"})


class OutcomeJSON(JSONResponse):
    media_type = FHIR_JSON


def _outcome(status_code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return OutcomeJSON(operation_outcome(status_code, message), status_code, headers=headers)


def audit_path(request: Request) -> str:
    """The request target as the audit log records it: the path as sent (percent-encoded) and the query
    string with every parameter outside ``AUDITED_QUERY_PARAMETERS`` redacted."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    if query:
        kept = []
        for part in query.split("&"):
            name = unquote(part.split("=", 1)[0])
            kept.append(part if name in AUDITED_QUERY_PARAMETERS else "[redacted]")
        path += "?" + "&".join(kept)
    return path[:500]


@dataclass
class AuditTrail:
    """The audit key and checkpoint file of a running service; a checkpoint every ``every`` events."""

    key: bytes
    checkpoints: CheckpointFile
    every: int
    chain: str = ""  # hash of event 1, once known

    def record(self, db: Database, entry: AuditEntry) -> None:
        with db.write() as session:
            row = append_event(session, entry, self.key)
            seq, head = row.seq, row.hash
            if not self.chain:
                first = session.get(AuditEventRow, 1)
                self.chain = first.hash if first else ""
        if seq % self.every == 0:  # after the commit: a checkpoint never names an event that was rolled back
            self.checkpoints.write(seq, head, self.chain)

    def checkpoint(self, db: Database) -> None:
        with db.read() as session:
            self.checkpoints.write_head(session)


async def _audit_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    try:
        response = await call_next(request)
    except Exception as exc:  # anything unhandled: audited as a serious failure, no details leave the server
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        request.state.audit_detail = f"server error: {type(exc).__name__}"
        response = _outcome(500, "unexpected server error; it has been logged and audited")
    path = request.url.path
    if not path.startswith(AUDITED_PREFIXES):
        return response
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    entry = AuditEntry(
        actor=principal.user,
        role=principal.role,
        ods_code=principal.ods_code,
        method=request.method[:8],
        path=audit_path(request),
        status_code=response.status_code,
        detail=getattr(request.state, "audit_detail", ""),
    )
    try:
        await run_in_threadpool(request.app.state.audit.record, request.app.state.db, entry)
    except Exception:  # an unaudited request must not look like a success
        log.exception("could not write the audit event for %s %s", request.method, path)
        return _outcome(503, "audit log unavailable; request not confirmed")
    return response


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.denied:
        request.state.audit_detail = f"denied: {exc.message}"
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return _outcome(exc.status_code, exc.message, headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """422 naming each field and the problem; never echoes the value (it may be an identifier or inf)."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors()[:20]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return _outcome(422, "; ".join(problems) or "invalid request")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return _outcome(exc.status_code, str(exc.detail), dict(exc.headers) if exc.headers else None)


async def _db_error(request: Request, exc: Exception) -> Response:
    log.warning("database refused %s %s: %s", request.method, request.url.path, type(exc).__name__)
    if isinstance(exc, DataError):
        return _outcome(422, "a value in the request is not acceptable to the database")
    status = 409 if isinstance(exc, IntegrityError) else 503
    return _outcome(status, "the database refused the request; retry")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    settings.checked_report_templates()  # the signed report is rendered from them at authorisation
    key = settings.resolved_audit_key()
    db = Database(make_engine(settings.resolved_database_url()))
    migrate(db.engine)
    trail = AuditTrail(
        key, CheckpointFile(settings.resolved_checkpoint_file(), key), settings.audit_checkpoint_every
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(
            trail.checkpoint, db
        )  # start-up: anchors a log that shrank while we were down
        yield
        await run_in_threadpool(trail.checkpoint, db)  # shutdown: anchors the final tail

    app = FastAPI(
        title="clinwgs record service",
        version=__version__,
        description="Genomic reports (FHIR R4, HL7 Genomics Reporting STU3) for the NHS GMS",
        lifespan=lifespan,
    )
    app.state.settings, app.state.db, app.state.audit = settings, db, trail
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _db_error)
    app.add_exception_handler(OperationalError, _db_error)
    app.add_exception_handler(DataError, _db_error)
    app.add_middleware(EdgeGuard, max_request_bytes=settings.max_request_bytes)
    app.middleware("http")(_audit_middleware)  # added last: outermost, so edge refusals are audited too
    return app
