"""The FastAPI application: routes, FHIR-style errors and the audit middleware."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool

from clinwgs import __version__
from clinwgs.service import api, pages
from clinwgs.service.audit import AuditEntry, append_event
from clinwgs.service.auth import ANONYMOUS, Principal
from clinwgs.service.db import Database, make_engine, migrate
from clinwgs.service.problems import ApiError, operation_outcome
from clinwgs.service.settings import Settings

log = logging.getLogger("clinwgs.service")
AUDITED_PREFIXES = ("/fhir", "/api", "/ui")


def _record(db: Database, entry: AuditEntry) -> None:
    with db.write() as session:
        append_event(session, entry)


async def _audit_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    path = request.url.path
    if not path.startswith(AUDITED_PREFIXES):
        return response
    principal: Principal = getattr(request.state, "principal", ANONYMOUS)
    query = f"?{request.url.query}" if request.url.query else ""
    entry = AuditEntry(
        actor=principal.user,
        role=principal.role,
        ods_code=principal.ods_code,
        method=request.method,
        path=(path + query)[:500],
        status_code=response.status_code,
        detail=getattr(request.state, "audit_detail", ""),
    )
    try:
        await run_in_threadpool(_record, request.app.state.db, entry)
    except Exception:  # an unaudited request must not look like a success
        log.exception("could not write the audit event for %s %s", request.method, path)
        return JSONResponse(operation_outcome(503, "audit log unavailable; request not confirmed"), 503)
    return response


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.denied:
        request.state.audit_detail = f"denied: {exc.message}"
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(operation_outcome(exc.status_code, exc.message), exc.status_code, headers=headers)


async def _db_error(request: Request, exc: Exception) -> Response:
    log.warning("database refused %s %s: %s", request.method, request.url.path, type(exc).__name__)
    status = 409 if isinstance(exc, IntegrityError) else 503
    return JSONResponse(operation_outcome(status, "the database refused the request; retry"), status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    db = Database(make_engine(settings.resolved_database_url()))
    migrate(db.engine)
    app = FastAPI(
        title="clinwgs record service",
        version=__version__,
        description="Genomic reports (FHIR R4, HL7 Genomics Reporting STU3) for the NHS GMS",
    )
    app.state.settings, app.state.db = settings, db
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(IntegrityError, _db_error)
    app.add_exception_handler(OperationalError, _db_error)
    app.middleware("http")(_audit_middleware)
    return app
