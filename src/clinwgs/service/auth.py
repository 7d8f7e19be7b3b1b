"""Bearer tokens with roles (pipeline, clinician, auditor) and ODS organisation scoping.

Tokens are random (``secrets.token_urlsafe``) and stored only as HMAC-SHA256 with the service pepper.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def create_token(
    session: Session, *, user: str, role: Role, ods_code: str, pepper: str, token: str | None = None
) -> str:
    """Store a new token (hashed) and return the plain token, which is shown once and never stored."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    plain = token or secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=hash_token(plain, pepper),
            user_name=user,
            role=role,
            ods_code=ods_code,
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return plain


def principal_for(session: Session, token: str, pepper: str) -> Principal | None:
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token, pepper))
    ).scalar_one_or_none()
    return Principal(row.user_name, row.role, row.ods_code) if row else None
