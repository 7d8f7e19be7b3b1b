"""Append-only audit log, chained with an HMAC key held outside the database, anchored by signed checkpoints.

Each event's ``hash`` is HMAC-SHA256 (key: ``CLINWGS_AUDIT_KEY``) over its canonical fields plus the previous
event's hash. Changing, removing or reordering an event breaks the chain from that point on, and without the
key nobody can recompute it. Events written before the key was introduced (plain SHA-256) are accepted only
as a prefix: after the first keyed event, an unkeyed one is a break.

What the chain alone cannot show is a missing *tail* (the newest events deleted) or the whole table replaced
by an older copy. ``CheckpointFile`` therefore appends a signed line (sequence number and hash of the newest
event, and the hash of event 1 naming the chain) to a file outside the database every N events and at
start-up and shutdown; ``verify_chain`` checks every checkpoint against the table, so a truncated tail is
found down to the last checkpoint. Threat model: docs/validation.md, section 3.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
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


def _canonical(fields: dict[str, Any], prev_hash: str) -> bytes:
    return json.dumps({**fields, "prev_hash": prev_hash}, sort_keys=True, separators=(",", ":")).encode()


def event_hash(fields: dict[str, Any], prev_hash: str, key: bytes) -> str:
    """HMAC-SHA256 of the event's canonical fields and the previous hash."""
    return hmac.new(key, _canonical(fields, prev_hash), hashlib.sha256).hexdigest()


def legacy_event_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """Plain SHA-256, as events were chained before the audit key (accepted only as the chain's prefix)."""
    return hashlib.sha256(_canonical(fields, prev_hash)).hexdigest()


def _hashed_fields(row: AuditEventRow) -> dict[str, Any]:
    names = ("seq", "recorded", "actor", "role", "ods_code", "action", "method", "path", "status_code")
    fields = {name: getattr(row, name) for name in names}
    fields.update(outcome=row.outcome, detail=row.detail)
    return fields


def append_event(session: Session, entry: AuditEntry, key: bytes) -> AuditEventRow:
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
        row.hash = event_hash(_hashed_fields(row), prev_hash, key)
        session.add(row)
        session.flush()
        return row


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    chain: str  # hash of event 1 ("" while the log is empty): which chain this checkpoint belongs to
    written: str
    line: int = 0


class CheckpointFile:
    """Signed checkpoints, one JSON line each, appended (O_APPEND, fsync) to a file outside the database."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._key = hmac.new(key, b"clinwgs audit checkpoint", hashlib.sha256).digest()

    def _mac(self, body: dict[str, Any]) -> str:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self._key, canonical, hashlib.sha256).hexdigest()

    def write(self, seq: int, head_hash: str, chain: str) -> None:
        body = {
            "seq": seq,
            "hash": head_hash,
            "chain": chain,
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        line = (json.dumps({**body, "mac": self._mac(body)}, sort_keys=True) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def write_head(self, session: Session) -> None:
        """A checkpoint of the table's newest event (for an empty log, only the file is created)."""
        head = session.execute(select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(1)).scalar()
        if head is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
            return
        first = session.get(AuditEventRow, 1)
        self.write(head.seq, head.hash, first.hash if first else "")

    def read(self) -> tuple[list[Checkpoint], list[str]]:
        """The checkpoints whose signature holds, and a problem line for each one that does not."""
        good: list[Checkpoint] = []
        problems: list[str] = []
        for number, raw in enumerate(self.path.read_text().splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
                body = {k: record[k] for k in ("seq", "hash", "chain", "written")}
                valid = hmac.compare_digest(str(record["mac"]), self._mac(body))
            except (ValueError, KeyError, TypeError):
                problems.append(f"checkpoint file {self.path} line {number}: unreadable")
                continue
            if not valid:
                problems.append(
                    f"checkpoint file {self.path} line {number}: signature does not match "
                    "(altered, or written with another audit key)"
                )
                continue
            good.append(
                Checkpoint(int(body["seq"]), str(body["hash"]), str(body["chain"]), body["written"], number)
            )
        return good, problems


def _checkpoint_problems(checkpoints: list[Checkpoint], by_seq: dict[int, str], last_seq: int) -> list[str]:
    problems = []
    for cp in checkpoints:
        if cp.seq > last_seq:
            problems.append(
                f"audit event {last_seq + 1} missing: the checkpoint of {cp.written} (line {cp.line}) "
                f"records events up to {cp.seq}: the log's tail ({last_seq + 1}..{cp.seq} at least) "
                "was removed"
            )
        elif by_seq.get(cp.seq) != cp.hash:
            problems.append(
                f"audit event {cp.seq}: hash differs from the checkpoint of {cp.written} (line {cp.line}); "
                "the chain was rewritten from this event or earlier"
            )
    return problems


def verify_chain(session: Session, key: bytes, checkpoint_file: Path | None = None) -> list[str]:
    """Problems found in the audit log (empty list = intact), first bad event first.

    Checks sequence numbers, links, each event's HMAC and, with ``checkpoint_file``, every signed checkpoint
    against the table: a checkpoint beyond the newest event means a truncated tail; a checkpoint whose hash
    differs means a rewritten chain; a checkpoint of another chain means the table was replaced."""
    checkpoints: list[Checkpoint] = []
    problems: list[str] = []
    if checkpoint_file is not None:
        if checkpoint_file.exists():
            checkpoints, problems = CheckpointFile(checkpoint_file, key).read()
        else:
            problems.append(
                f"no checkpoint file at {checkpoint_file}: the service writes one at start-up, so it was "
                "removed or this is the wrong file; a truncated tail cannot be ruled out"
            )
    wanted = {cp.seq for cp in checkpoints}
    by_seq: dict[int, str] = {}
    prev_hash, expected_seq, keyed_seen = GENESIS_HASH, 1, False
    first_hash = ""
    for row in session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars():
        if row.seq == 1:
            first_hash = row.hash
        if row.seq != expected_seq:
            problems.append(f"audit event {expected_seq} missing (next present is {row.seq})")
        if row.prev_hash != prev_hash:
            problems.append(f"audit event {row.seq}: prev_hash does not match event {row.seq - 1}")
        fields = _hashed_fields(row)
        if hmac.compare_digest(event_hash(fields, row.prev_hash, key), row.hash):
            keyed_seen = True
        elif not keyed_seen and legacy_event_hash(fields, row.prev_hash) == row.hash:
            pass  # written before the audit key was introduced
        else:
            problems.append(
                f"audit event {row.seq}: content does not match its HMAC (altered, or the chain recomputed "
                "without the audit key)"
            )
        if row.seq in wanted:
            by_seq[row.seq] = row.hash
        prev_hash, expected_seq = row.hash, row.seq + 1
    problems += _checkpoint_problems(checkpoints, by_seq, expected_seq - 1)
    for cp in checkpoints:
        if cp.chain and cp.chain != first_hash:
            problems.append(
                f"checkpoint line {cp.line} belongs to another chain (event 1 differs): the audit table was "
                "replaced or this is another service's checkpoint file"
            )
    return problems


def first_bad_event(problems: list[str]) -> int | None:
    """The lowest event number any problem names."""
    numbers = []
    for problem in problems:
        words = problem.split()
        if len(words) > 2 and words[:2] == ["audit", "event"]:
            numbers.append(int(words[2].rstrip(":")))
    return min(numbers) if numbers else None


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


def verify_service(
    database_url: str, *, checkpoint_file: Path | None = None, data_dir: Path | None = None
) -> tuple[list[str], int]:
    """(problems, number of events) for the service database at ``database_url``; the audit key and the
    default checkpoint file come from the service settings (``CLINWGS_AUDIT_KEY``, ``CLINWGS_DATA_DIR``)."""
    from clinwgs.service.db import Database, make_engine
    from clinwgs.service.settings import Settings

    overrides: dict[str, Any] = {"database_url": database_url}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    settings = Settings(**overrides)
    key = settings.resolved_audit_key()
    db = Database(make_engine(database_url))
    try:
        with db.read() as session:
            problems = verify_chain(session, key, checkpoint_file or settings.resolved_checkpoint_file())
            count = session.scalar(select(func.count()).select_from(AuditEventRow)) or 0
    finally:
        db.engine.dispose()
    return problems, count
