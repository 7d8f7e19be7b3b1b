"""`clinwgs audit verify-service`: dispatches to the record service's keyed chain and checkpoint check
(real SQLite DB; the key from CLINWGS_AUDIT_KEY, as an auditor runs it)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import text

from clinwgs.cli.audit import main as cli_main
from clinwgs.service.audit import AuditEntry, CheckpointFile, append_event
from clinwgs.service.db import Database, make_engine, migrate


def test_verify_service_passes_an_intact_chain_and_names_an_altered_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    key = secrets.token_hex(32)
    monkeypatch.setenv("CLINWGS_AUDIT_KEY", key)
    engine = make_engine(url)
    migrate(engine)
    db = Database(engine)
    for path in ("/fhir/Bundle", "/fhir/DiagnosticReport/1", "/fhir/DiagnosticReport/2"):
        with db.write() as session:
            append_event(session, AuditEntry("pipeline", "pipeline", "RYJ", "GET", path, 200), key.encode())
    checkpoints = tmp_path / "checkpoints.jsonl"
    with db.read() as session:
        CheckpointFile(checkpoints, key.encode()).write_head(session)
    argv = ["verify-service", "--database-url", url, "--checkpoint-file", str(checkpoints)]
    assert cli_main(argv) == 0
    assert "INTACT" in capsys.readouterr().out
    with engine.begin() as conn:  # a database administrator removes the append-only triggers and edits a row
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
        for name in names:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.execute(text("UPDATE audit_events SET path = '/fhir/Patient' WHERE seq = 2"))
    assert cli_main(argv) == 1
    out = capsys.readouterr().out
    assert "audit event 2" in out and "FAILED" in out and "first bad event: 2" in out
