"""FastAPI dependencies: the database and the authenticated principal (``Annotated`` aliases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from clinwgs.service.auth import Principal, TokenRefused, principal_for
from clinwgs.service.db import Database
from clinwgs.service.problems import ApiError
from clinwgs.service.settings import Settings

TOKEN_COOKIE = "clinwgs_token"
# The INTEGER columns a request can name (audit sequence number, report version) are 32-bit on PostgreSQL:
# a larger number is refused with 422 here instead of overflowing in the database driver (a 500).
DB_INT_MAX = 2**31 - 1
AuditSince = Annotated[int, Query(ge=0, le=DB_INT_MAX, description="events after this sequence number")]
ReportVersion = Annotated[int, Path(ge=1, le=DB_INT_MAX, description="report version (1, 2, ...)")]


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get(TOKEN_COOKIE)


def authenticate(request: Request, db: Database, token: str | None) -> Principal:
    """The token's principal (recorded on the request for the audit log); 401 when missing or unknown."""
    if not token:
        raise ApiError(401, "a bearer token is required", denied=True)
    settings: Settings = request.app.state.settings
    try:
        with db.read() as session:
            principal = principal_for(session, token, settings.token_pepper)
    except TokenRefused as refused:
        raise ApiError(401, str(refused), denied=True) from refused
    if principal is None:
        raise ApiError(401, "the bearer token is not recognised", denied=True)
    request.state.principal = principal
    return principal


def current_principal(request: Request, db: Annotated[Database, Depends(get_db)]) -> Principal:
    return authenticate(request, db, _bearer(request))


def require(*roles: str) -> Callable[[Request, Principal], Principal]:
    def dependency(
        request: Request, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        if principal.role not in roles:
            raise ApiError(
                403, f"role {principal.role} may not do this (needs {' or '.join(roles)})", denied=True
            )
        return principal

    return dependency


DbDep = Annotated[Database, Depends(get_db)]
Pipeline = Annotated[Principal, Depends(require("pipeline"))]
Clinician = Annotated[Principal, Depends(require("clinician"))]
Reader = Annotated[Principal, Depends(require("clinician", "pipeline"))]
Auditor = Annotated[Principal, Depends(require("auditor"))]
Overseer = Annotated[Principal, Depends(require("clinician", "auditor"))]  # turnaround: own org / all
