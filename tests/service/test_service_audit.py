"""The audit chain: intact after real traffic; append-only in the database; tampering is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from clinwgs.cli import main as cli_main
from clinwgs.service.audit import verify_chain
from clinwgs.service.seed import DEMO_ODS
from tests.service.service_support import Harness, bundle_for, samples_by_ods


def _traffic(service: Harness) -> None:
    assert service.client is not None
    c = service.client
    report_id = c.post(
        "/fhir", json=bundle_for(samples_by_ods(service)[DEMO_ODS]), headers=service.auth("pipeline")
    ).json()["report_id"]
    for user in ("checker", "outsider", "auditor"):
        c.get(f"/fhir/DiagnosticReport/{report_id}", headers=service.auth(user))
    c.get("/fhir/DiagnosticReport")


def _disable_append_only(service: Harness) -> None:
    with service.db.write() as session:
        if service.db.dialect == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
            session.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_chain_is_intact_after_traffic(service: Harness, capsys: pytest.CaptureFixture[str]) -> None:
    _traffic(service)
    with service.db.read() as session:
        assert verify_chain(session) == []
    assert service.client is not None
    answer = service.client.get("/api/audit/verify", headers=service.auth("auditor")).json()
    assert answer == {"intact": True, "problems": []}
    url = service.db.engine.url.render_as_string(hide_password=False)
    assert cli_main(["audit", "verify-service", "--database-url", url]) == 0
    assert "audit chain: OK" in capsys.readouterr().out


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET detail = 'x' WHERE seq = 1", "DELETE FROM audit_events WHERE seq = 1"],
)
def test_database_refuses_update_and_delete(service: Harness, statement: str) -> None:
    _traffic(service)
    with pytest.raises(DBAPIError, match="append-only"), service.db.write() as session:
        session.execute(text(statement))


def test_verify_detects_an_altered_event(service: Harness, capsys: pytest.CaptureFixture[str]) -> None:
    _traffic(service)
    _disable_append_only(service)
    with service.db.write() as session:
        session.execute(text("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2"))
    with service.db.read() as session:
        problems = verify_chain(session)
    assert problems == ["audit event 2: content does not match its hash (altered)"]
    url = service.db.engine.url.render_as_string(hide_password=False)
    assert verify_chain(url) == problems
    assert cli_main(["audit", "verify-service", "--database-url", url]) == 1
    assert "FAILED (1 problem(s))" in capsys.readouterr().out


def test_verify_detects_a_removed_event(service: Harness) -> None:
    _traffic(service)
    _disable_append_only(service)
    with service.db.write() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    with service.db.read() as session:
        problems = verify_chain(session)
    assert "audit event 3 missing (next present is 4)" in problems
    assert "audit event 4: prev_hash does not match event 3" in problems


def test_verify_detects_a_rewritten_chain_tail(service: Harness) -> None:
    """Changing an event and recomputing its own hash still breaks the link to the next event."""
    from clinwgs.service.audit import _hashed_fields, event_hash
    from clinwgs.service.models import AuditEventRow

    _traffic(service)
    _disable_append_only(service)
    with service.db.write() as session:
        row = session.get(AuditEventRow, 2)
        assert row is not None
        row.detail = "rewritten by an intruder"
        row.hash = event_hash(_hashed_fields(row), row.prev_hash)
    with service.db.read() as session:
        assert verify_chain(session) == ["audit event 3: prev_hash does not match event 2"]


def test_auditor_page_lists_events_and_shows_a_broken_chain(service: Harness) -> None:
    assert service.client is not None
    _traffic(service)
    page = service.client.get("/ui/audit", headers=service.auth("auditor"))
    assert page.status_code == 200 and "intact" in page.text and "denied: " in page.text
    assert service.client.get("/ui/audit", headers=service.auth("checker")).status_code == 403
    _disable_append_only(service)
    with service.db.write() as session:
        session.execute(text("UPDATE audit_events SET path = '/elsewhere' WHERE seq = 1"))
    page = service.client.get("/ui/audit", headers=service.auth("auditor"))
    assert "BROKEN" in page.text and "audit event 1: content does not match" in page.text
