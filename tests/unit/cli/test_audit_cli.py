"""`clinwgs audit verify-service`: dispatches to the record service's hash-chain check (real SQLite DB)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from clinwgs.cli.audit import main as cli_main
from clinwgs.service.audit import AuditEntry, append_event
from clinwgs.service.db import Database, make_engine, migrate


def test_verify_service_passes_an_intact_chain_and_names_an_altered_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    engine = make_engine(url)
    migrate(engine)
    db = Database(engine)
    for path in ("/fhir/Bundle", "/fhir/DiagnosticReport/1", "/fhir/DiagnosticReport/2"):
        with db.write() as session:
            append_event(session, AuditEntry("pipeline", "pipeline", "RYJ", "GET", path, 200))
    assert cli_main(["verify-service", "--database-url", url]) == 0
    assert "audit chain: OK" in capsys.readouterr().out
    with engine.begin() as conn:  # a database administrator removes the append-only triggers and edits a row
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
        for name in names:
            conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.execute(text("UPDATE audit_events SET path = '/fhir/Patient' WHERE seq = 2"))
    assert cli_main(["verify-service", "--database-url", url]) == 1
    out = capsys.readouterr().out
    assert "audit event 2" in out and "FAILED" in out
