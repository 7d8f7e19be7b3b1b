"""401 without a token, 403 for a wrong role, other organisations' reports invisible; denials audited."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from clinwgs.ops.turnaround import aware_utc
from clinwgs.service.models import AuditEventRow
from clinwgs.service.seed import DEMO_ODS
from tests.service.service_support import OTHER_ODS, Harness, bundle_for, samples_by_ods


def _audit_rows(service: Harness) -> list[AuditEventRow]:
    with service.db.read() as session:
        return list(session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars())


def test_denied_requests_are_refused_and_audited(service: Harness) -> None:
    assert service.client is not None
    c = service.client
    own, other = samples_by_ods(service)[DEMO_ODS], samples_by_ods(service)[OTHER_ODS]
    own_id = c.post("/fhir", json=bundle_for(own), headers=service.auth("pipeline")).json()["report_id"]
    other_id = c.post("/fhir", json=bundle_for(other), headers=service.auth("pipeline")).json()["report_id"]
    before = len(_audit_rows(service))
    denied = [
        (c.get(f"/fhir/DiagnosticReport/{own_id}"), 401),
        (c.get(f"/fhir/DiagnosticReport/{own_id}", headers={"Authorization": "Bearer wrong-token"}), 401),
        (c.post("/fhir", json=bundle_for(own), headers=service.auth("checker")), 403),
        (c.get("/api/audit", headers=service.auth("checker")), 403),
        (c.get(f"/fhir/DiagnosticReport/{own_id}", headers=service.auth("auditor")), 403),
        (c.post("/api/registrations", json={}, headers=service.auth("auditor")), 403),
        (c.get(f"/fhir/DiagnosticReport/{other_id}", headers=service.auth("checker")), 404),
        (c.get(f"/ui/reports/{other_id}", headers=service.auth("checker")), 404),
        (c.get(f"/fhir/Provenance?target=DiagnosticReport/{other_id}", headers=service.auth("checker")), 404),
    ]
    for response, expected in denied:
        assert response.status_code == expected, (response.request.url, response.text)
    assert denied[0][0].headers["WWW-Authenticate"] == "Bearer"
    # another organisation's report is not found by search either, while the own one is
    found = c.get("/fhir/DiagnosticReport", headers=service.auth("checker")).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [own_id]
    outsider = c.get("/fhir/DiagnosticReport", headers=service.auth("outsider")).json()
    assert [e["resource"]["id"] for e in outsider["entry"]] == [other_id]
    new_rows = _audit_rows(service)[before:]
    refused = [r for r in new_rows if r.detail.startswith("denied:")]
    assert len(refused) == len(denied)
    assert [r.status_code for r in refused] == [e for _, e in denied]
    assert all(r.outcome == "4" for r in refused)
    assert refused[0].actor == "anonymous" and refused[2].actor == "checker"


def test_every_create_read_update_is_audited(service: Harness) -> None:
    assert service.client is not None
    c = service.client
    before = len(_audit_rows(service))
    report_id = c.post(
        "/fhir", json=bundle_for(samples_by_ods(service)[DEMO_ODS]), headers=service.auth("pipeline")
    ).json()["report_id"]
    c.get(f"/fhir/DiagnosticReport/{report_id}", headers=service.auth("checker"))
    c.post(
        f"/api/reports/{report_id}/sign-off",
        json={"step": "check"},
        headers=service.auth("checker", **{"If-Match": 'W/"1"'}),
    )
    c.get("/openapi.json")  # not a record access: not audited
    rows = _audit_rows(service)[before:]
    assert [(r.action, r.actor, r.status_code) for r in rows] == [
        ("C", "pipeline", 201),
        ("R", "checker", 200),
        ("C", "checker", 200),
    ]
    assert rows[1].path == f"/fhir/DiagnosticReport/{report_id}"


def test_audit_log_is_served_as_fhir_audit_events(service: Harness) -> None:
    from fhir.resources.R4B.auditevent import AuditEvent

    assert service.client is not None
    service.client.get("/fhir/DiagnosticReport", headers=service.auth("checker"))
    bundle = service.client.get("/api/audit", headers=service.auth("auditor")).json()
    assert bundle["total"] >= 1
    for entry in bundle["entry"]:
        AuditEvent.model_validate(entry["resource"])
    # the audit log never stores patient identifiers
    text = json.dumps(bundle)
    for data in service.samples.values():
        assert data.nhs_number not in text and data.family_name not in text


def test_tokens_are_stored_only_as_hmac(service: Harness) -> None:
    from clinwgs.service.auth import hash_token
    from clinwgs.service.models import ApiToken

    with service.db.read() as session:
        rows = session.execute(select(ApiToken)).scalars().all()
    stored = {r.token_hash for r in rows}
    for plain in service.tokens.values():
        assert plain not in stored and all(plain not in (r.user_name, r.role, r.ods_code) for r in rows)
        assert hash_token(plain, service.settings.token_pepper) in stored
        assert hash_token(plain, "another-pepper") not in stored


def test_numbers_past_the_database_integer_range_are_422_not_500(service: Harness) -> None:
    """Regression (found by the schemathesis run): `since=2**63` overflowed SQLite's INTEGER -> 500."""
    assert service.client is not None
    auditor = service.auth("auditor")
    for huge in (2**31, 2**63):
        assert service.client.get(f"/api/audit?since={huge}", headers=auditor).status_code == 422
        assert service.client.get(f"/ui/audit?since={huge}", headers=auditor).status_code == 422
        path = f"/fhir/DiagnosticReport/x/_history/{huge}"
        assert service.client.get(path, headers=service.auth("checker")).status_code == 422
    assert service.client.get(f"/api/audit?since={2**31 - 1}", headers=auditor).status_code == 200


def test_expired_and_revoked_tokens_are_refused(
    service: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tokens expire; `clinwgs serve token revoke` stops one at once; `token list` never shows a token."""
    from clinwgs.cli import main as cli_main
    from clinwgs.service.models import ApiToken

    assert service.client is not None
    c, url = service.client, service.db.engine.url.render_as_string(hide_password=False)
    with service.db.write() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_name == "outsider")
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = c.get("/fhir/DiagnosticReport", headers=service.auth("outsider"))
    assert expired.status_code == 401 and "expired" in expired.text
    assert c.get("/fhir/DiagnosticReport", headers=service.auth("checker")).status_code == 200
    monkeypatch.setenv("CLINWGS_ENVIRONMENT", "test")
    monkeypatch.setenv("CLINWGS_AUDIT_KEY", service.settings.audit_key or "")
    base = ["--database-url", url, "--data-dir", str(tmp_path / "cli")]
    assert cli_main(["serve", "token", "revoke", "--user", "checker", *base]) == 0
    revoked = c.get("/fhir/DiagnosticReport", headers=service.auth("checker"))
    assert revoked.status_code == 401 and "revoked" in revoked.text
    assert c.get("/fhir/DiagnosticReport", headers=service.auth("authoriser")).status_code == 200
    monkeypatch.setattr("sys.stdin", io.StringIO(service.tokens["authoriser"] + "\n"))
    assert cli_main(["serve", "token", "revoke", "--token-stdin", *base]) == 0
    assert c.get("/fhir/DiagnosticReport", headers=service.auth("authoriser")).status_code == 401
    assert cli_main(["serve", "token", "revoke", "--user", "nobody", *base]) == 1
    capsys.readouterr()
    assert cli_main(["serve", "token", "create", "--user", "dr.new", "--role", "clinician",
                     "--ods", DEMO_ODS, "--days", "7", *base]) == 0  # fmt: skip
    new_token = capsys.readouterr().out.strip()
    assert (
        c.get("/fhir/DiagnosticReport", headers={"Authorization": f"Bearer {new_token}"}).status_code == 200
    )
    assert cli_main(["serve", "token", "list", *base]) == 0
    listing = capsys.readouterr().out
    assert "checker\tclinician" in listing and "revoked" in listing and "expired" in listing
    assert all(token not in listing for token in [*service.tokens.values(), new_token])
    with service.db.read() as session:
        fresh = session.execute(select(ApiToken).where(ApiToken.user_name == "dr.new")).scalar_one()
        lifetime = aware_utc(fresh.expires_at) - aware_utc(fresh.created_at)
    assert timedelta(days=7) - timedelta(seconds=5) < lifetime <= timedelta(days=7)
