"""Bearer tokens with roles (pipeline, clinician, auditor) and ODS organisation scoping.

Tokens are random (``secrets.token_urlsafe(32)``: 256 bits), opaque and stored only as HMAC-SHA256 with the
service pepper; every request looks its token up, so expiry (``expires_at``, ``CLINWGS_TOKEN_TTL_DAYS``) and
revocation (``clinwgs serve token revoke``) take effect on the next request. Being looked up rather than
self-contained, a token needs no signature.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from clinwgs.ops.turnaround import aware_utc
from clinwgs.service.models import ApiToken

Role = Literal["pipeline", "clinician", "auditor"]
ROLES: tuple[Role, ...] = ("pipeline", "clinician", "auditor")


@dataclass(frozen=True)
class Principal:
    user: str
    role: str
    ods_code: str


ANONYMOUS = Principal(user="anonymous", role="none", ods_code="-")


def hash_token(token: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), token.encode(), hashlib.sha256).hexdigest()


DEFAULT_TTL_DAYS = 90


def create_token(
    session: Session,
    *,
    user: str,
    role: Role,
    ods_code: str,
    pepper: str,
    token: str | None = None,
    ttl_days: int = DEFAULT_TTL_DAYS,
) -> str:
    """Store a new token (hashed) valid for ``ttl_days`` and return the plain token, which is shown once
    and never stored."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if ttl_days < 1:
        raise ValueError("a token must be valid for at least one day")
    plain = token or secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        ApiToken(
            token_hash=hash_token(plain, pepper),
            user_name=user,
            role=role,
            ods_code=ods_code,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days),
        )
    )
    session.flush()
    return plain


class TokenRefused(Exception):
    """A known token that may no longer be used (expired or revoked); the message says which."""


def principal_for(session: Session, token: str, pepper: str) -> Principal | None:
    """The token's principal; None for an unknown token; ``TokenRefused`` for an expired or revoked one."""
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token, pepper))
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.revoked_at is not None:
        raise TokenRefused("the bearer token was revoked")
    if aware_utc(row.expires_at) <= datetime.now(UTC):
        raise TokenRefused("the bearer token has expired; ask for a new one")
    return Principal(row.user_name, row.role, row.ods_code)


def revoke_tokens(
    session: Session,
    *,
    pepper: str,
    token: str | None = None,
    user: str | None = None,
    token_id: int | None = None,
) -> int:
    """Revoke one token (by value or id) or every live token of ``user``; the number revoked."""
    query = update(ApiToken).where(ApiToken.revoked_at.is_(None))
    if token is not None:
        query = query.where(ApiToken.token_hash == hash_token(token, pepper))
    elif token_id is not None:
        query = query.where(ApiToken.id == token_id)
    elif user is not None:
        query = query.where(ApiToken.user_name == user)
    else:
        raise ValueError("name the token, its id or the user whose tokens to revoke")
    result = session.execute(query.values(revoked_at=datetime.now(UTC)))
    return int(getattr(result, "rowcount", 0))


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token's record (never the token itself), oldest first."""
    return list(session.execute(select(ApiToken).order_by(ApiToken.id)).scalars())
