"""The audit chain (HMAC-keyed, anchored by signed checkpoints), on SQLite and PostgreSQL: intact after real
traffic; append-only in the database; a flipped byte, a deleted middle row, a truncated tail, a chain
recomputed without the key, a forged checkpoint and a replaced table are each found by
``clinwgs audit verify-service``, which names the first bad event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from clinwgs.cli import main as cli_main
from clinwgs.service.app import create_app
from clinwgs.service.audit import (
    _hashed_fields,
    event_hash,
    first_bad_event,
    legacy_event_hash,
    verify_chain,
)
from clinwgs.service.models import AuditEventRow
from clinwgs.service.seed import DEMO_ODS
from tests.service.service_support import Harness, bundle_for, harness_for, make_settings, samples_by_ods

EVERY = 5


@pytest.fixture
def audited(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    """A service writing a checkpoint every 5 events, with about 25 events of real traffic."""
    settings = make_settings(tmp_path, database_url, audit_checkpoint_every=EVERY)
    app = create_app(settings)
    harness = harness_for(app.state.db, settings)
    with TestClient(app) as client:
        harness.client = client
        report_id = client.post(
            "/fhir", json=bundle_for(samples_by_ods(harness)[DEMO_ODS]), headers=harness.auth("pipeline")
        ).json()["report_id"]
        for _ in range(6):
            for user in ("checker", "outsider", "auditor"):
                client.get(f"/fhir/DiagnosticReport/{report_id}", headers=harness.auth(user))
        client.get("/fhir/DiagnosticReport")
        client.get("/fhir/DiagnosticReport?token=a-credential-in-the-url", headers=harness.auth("checker"))
        yield harness
    app.state.db.engine.dispose()


def _problems(service: Harness) -> list[str]:
    with service.db.read() as session:
        cfg = service.settings
        return verify_chain(session, cfg.resolved_audit_key(), cfg.resolved_checkpoint_file())


def _url(service: Harness) -> str:
    return service.db.engine.url.render_as_string(hide_password=False)


def _cli(
    service: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """``clinwgs audit verify-service`` as an auditor runs it: the key in the environment."""
    capsys.readouterr()
    assert service.settings.audit_key is not None
    monkeypatch.setenv("CLINWGS_AUDIT_KEY", service.settings.audit_key)
    code = cli_main(
        [
            "audit",
            "verify-service",
            "--database-url",
            _url(service),
            "--checkpoint-file",
            str(service.settings.resolved_checkpoint_file()),
        ]
    )
    return code, capsys.readouterr().out


def _event_count(service: Harness) -> int:
    with service.db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEventRow)) or 0


def _disable_append_only(service: Harness) -> None:
    with service.db.write() as session:
        if service.db.dialect == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
            session.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_chain_is_intact_after_traffic(
    audited: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _problems(audited) == []
    assert audited.client is not None
    answer = audited.client.get("/api/audit/verify", headers=audited.auth("auditor")).json()
    assert answer == {"intact": True, "problems": []}
    code, out = _cli(audited, monkeypatch, capsys)
    assert code == 0 and "INTACT" in out
    lines = audited.settings.resolved_checkpoint_file().read_text().splitlines()
    assert len(lines) >= _event_count(audited) // EVERY


def test_credentials_in_a_query_string_never_reach_the_log(audited: Harness) -> None:
    with audited.db.read() as session:
        paths = list(session.execute(select(AuditEventRow.path)).scalars())
    assert not any("a-credential-in-the-url" in p for p in paths)
    assert "/fhir/DiagnosticReport?[redacted]" in paths


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET detail = 'x' WHERE seq = 1", "DELETE FROM audit_events WHERE seq = 1"],
)
def test_database_refuses_update_and_delete(audited: Harness, statement: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), audited.db.write() as session:
        session.execute(text(statement))


def test_a_flipped_byte_is_found(
    audited: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _disable_append_only(audited)
    with audited.db.write() as session:
        session.execute(text("UPDATE audit_events SET actor = 'checkes' WHERE seq = 7"))
    problems = _problems(audited)
    assert problems[0].startswith("audit event 7: content does not match its HMAC")
    code, out = _cli(audited, monkeypatch, capsys)
    assert code == 1 and "first bad event: 7" in out


def test_a_deleted_middle_row_is_found(
    audited: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _disable_append_only(audited)
    with audited.db.write() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    problems = _problems(audited)
    assert "audit event 3 missing (next present is 4)" in problems
    assert "audit event 4: prev_hash does not match event 3" in problems
    code, out = _cli(audited, monkeypatch, capsys)
    assert code == 1 and "first bad event: 3" in out


def test_a_truncated_tail_is_found(
    audited: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last 10 events deleted: the chain that is left is internally perfect; the checkpoints are not."""
    total = _event_count(audited)
    _disable_append_only(audited)
    with audited.db.write() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq > :keep"), {"keep": total - 10})
    problems = _problems(audited)
    assert problems and all("tail" in p for p in problems), problems
    assert first_bad_event(problems) == total - 9
    code, out = _cli(audited, monkeypatch, capsys)
    assert code == 1 and f"first bad event: {total - 9}" in out


@pytest.mark.parametrize("recompute", ["sha256", "guessed key"])
def test_a_recomputed_chain_is_found(
    audited: Harness,
    recompute: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Event 6 altered and every hash from it on recomputed (plain SHA-256, or HMAC with a guessed key):
    every link holds, but the HMAC of event 6 does not, and neither do the checkpoints."""
    _disable_append_only(audited)
    with audited.db.write() as session:
        rows = list(
            session.execute(
                select(AuditEventRow).where(AuditEventRow.seq >= 6).order_by(AuditEventRow.seq)
            ).scalars()
        )
        prev = session.get(AuditEventRow, 5)
        assert prev is not None
        prev_hash = prev.hash
        rows[0].detail = "rewritten by the database owner"
        for row in rows:  # new hashes are unique: update in two steps around the unique constraints
            row.prev_hash = prev_hash
            fields = _hashed_fields(row)
            row.hash = (
                legacy_event_hash(fields, prev_hash)
                if recompute == "sha256"
                else event_hash(fields, prev_hash, b"a guessed key")
            )
            prev_hash = row.hash
            session.flush()
    problems = _problems(audited)
    assert problems[0].startswith("audit event 6: content does not match its HMAC"), problems[:3]
    assert not any("prev_hash" in p for p in problems)
    assert any("hash differs from the checkpoint" in p for p in problems)
    code, out = _cli(audited, monkeypatch, capsys)
    assert code == 1 and "first bad event: 6" in out


def test_a_forged_or_foreign_checkpoint_and_a_missing_file_are_found(audited: Harness) -> None:
    path = audited.settings.resolved_checkpoint_file()
    original = path.read_text()
    lines = original.splitlines()
    path.write_text("\n".join([*lines, lines[-1].replace('"seq": ', '"seq": 1')]) + "\n")
    assert any("signature does not match" in p for p in _problems(audited))
    path.unlink()
    assert any("no checkpoint file" in p for p in _problems(audited))
    path.write_text(original)
    assert _problems(audited) == []


def test_a_replaced_table_is_found(audited: Harness) -> None:
    """Everything deleted and a fresh chain written with the right key (an insider with the key but not
    the checkpoint file): event 1 no longer names the checkpoints' chain."""
    from clinwgs.service.audit import AuditEntry, append_event

    _disable_append_only(audited)
    total = _event_count(audited)
    with audited.db.write() as session:
        session.execute(text("DELETE FROM audit_events"))
    with audited.db.write() as session:
        for _ in range(total):
            entry = AuditEntry("nobody", "auditor", "X", "GET", "/api/audit", 200)
            append_event(session, entry, audited.settings.resolved_audit_key())
    problems = _problems(audited)
    assert any("another chain" in p for p in problems) and any("checkpoint" in p for p in problems)


def test_auditor_page_lists_events_and_shows_a_broken_chain(audited: Harness) -> None:
    assert audited.client is not None
    page = audited.client.get("/ui/audit", headers=audited.auth("auditor"))
    assert page.status_code == 200 and "intact" in page.text and "denied: " in page.text
    assert audited.client.get("/ui/audit", headers=audited.auth("checker")).status_code == 403
    _disable_append_only(audited)
    with audited.db.write() as session:
        session.execute(text("UPDATE audit_events SET path = '/elsewhere' WHERE seq = 1"))
    page = audited.client.get("/ui/audit", headers=audited.auth("auditor"))
    assert "BROKEN" in page.text and "audit event 1: content does not match" in page.text
