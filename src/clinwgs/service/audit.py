"""Append-only, hash-chained audit log: one event per create/read/update/denied request.

Each event's hash is SHA-256 over its canonical fields plus the previous event's hash, so changing,
removing or reordering any event breaks the chain from that point on; ``verify_chain`` finds it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from clinwgs.service.models import AuditEventRow

GENESIS_HASH = "0" * 64
_PG_LOCK_KEY = 4_242_001
_append_lock = threading.Lock()
ACTIONS = {"GET": "R", "HEAD": "R", "POST": "C", "PUT": "U", "PATCH": "U", "DELETE": "D"}


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    role: str
    ods_code: str
    method: str
    path: str
    status_code: int
    detail: str = ""


def outcome_for(status_code: int) -> str:
    """FHIR AuditEvent.outcome: 0 success, 4 minor failure (refused, not found), 8 serious failure."""
    if status_code < 400:
        return "0"
    return "8" if status_code >= 500 else "4"


def event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    canonical = json.dumps({**fields, "prev_hash": prev_hash}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _hashed_fields(row: AuditEventRow) -> dict[str, Any]:
    names = ("seq", "recorded", "actor", "role", "ods_code", "action", "method", "path", "status_code")
    fields = {name: getattr(row, name) for name in names}
    fields.update(outcome=row.outcome, detail=row.detail)
    return fields


def append_event(session: Session, entry: AuditEntry) -> AuditEventRow:
    """Append one event in the caller's (write) transaction, serialised across threads and processes."""
    with _append_lock:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        last = session.execute(select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(1)).scalar()
        prev_hash = last.hash if last else GENESIS_HASH
        values = asdict(entry)
        row = AuditEventRow(
            seq=(last.seq + 1) if last else 1,
            recorded=datetime.now(UTC).isoformat(timespec="microseconds"),
            action=ACTIONS.get(entry.method, "E"),
            outcome=outcome_for(entry.status_code),
            prev_hash=prev_hash,
            hash="",
            **{k: (v[:500] if isinstance(v, str) else v) for k, v in values.items()},
        )
        row.hash = event_hash(_hashed_fields(row), prev_hash)
        session.add(row)
        session.flush()
        return row


def verify_chain(session: Session | str) -> list[str]:
    """Problems found in the audit chain (empty list = intact). Takes a session or a database URL
    (``clinwgs audit verify-service --database-url URL``, clinwgs.cli.audit, passes the URL)."""
    if isinstance(session, str):
        return _verify_url(session)
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS_HASH, 1
    for row in session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars():
        if row.seq != expected_seq:
            problems.append(f"audit event {expected_seq} missing (next present is {row.seq})")
        if row.prev_hash != prev_hash:
            problems.append(f"audit event {row.seq}: prev_hash does not match event {row.seq - 1}")
        if event_hash(_hashed_fields(row), row.prev_hash) != row.hash:
            problems.append(f"audit event {row.seq}: content does not match its hash (altered)")
        prev_hash, expected_seq = row.hash, row.seq + 1
    return problems


def to_fhir_audit_event(row: AuditEventRow) -> dict[str, Any]:
    """The event as a FHIR R4 AuditEvent (rest operation), with the chain hash as an extension-free entity."""
    return {
        "resourceType": "AuditEvent",
        "id": f"audit-{row.seq}",
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest"},
        "action": row.action,
        "recorded": row.recorded,
        "outcome": row.outcome,
        "outcomeDesc": f"HTTP {row.status_code}" + (f": {row.detail}" if row.detail else ""),
        "agent": [{"who": {"display": row.actor}, "requestor": True, "role": [{"text": row.role}]}],
        "source": {"observer": {"display": "clinwgs record service"}, "site": row.ods_code},
        "entity": [
            {"what": {"display": f"{row.method} {row.path}"}},
            {"what": {"display": "chain"}, "detail": [{"type": "hash", "valueString": row.hash}]},
        ],
    }


def _verify_url(database_url: str) -> list[str]:
    from clinwgs.service.db import Database, make_engine

    db = Database(make_engine(database_url))
    try:
        with db.read() as session:
            return verify_chain(session)
    finally:
        db.engine.dispose()
