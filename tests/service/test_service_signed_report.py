"""The signed report (issue 13): after two-person authorisation the service renders the final PDF with both
clinicians' names and times, stores it as a new presented form (the preliminary kept), and serves it as the
final DiagnosticReport's presentedForm; a failed render leaves the report checked, not final. SQLite and
PostgreSQL."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clinwgs.fhir import build_report_bundle
from clinwgs.models.report_inputs import ReportInputs
from clinwgs.ops.turnaround import aware_utc
from clinwgs.service.app import create_app
from clinwgs.service.models import FhirResource, PresentedForm, Report
from clinwgs.service.seed import DEMO_ODS
from clinwgs.service.settings import source_report_templates
from tests.service.service_support import PDF, Harness, harness_for, make_settings, samples_by_ods
from tests.support.synthetic import example_findings
from tests.support.tools import require

IDENTITY = {"status": "confirmed", "lines": ["lanes L001 and L002 agree (12 of 12 markers)"]}


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    require(shutil.which("pdftotext"), "pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def _bundle(sample_id: str) -> dict[str, Any]:
    findings = example_findings(sample_id, 2)
    inputs = ReportInputs(
        findings=findings,
        qc={"reads_mapped": 123456.0},
        identity=IDENTITY,
        depth_points=[(0, 1.0), (30, 0.9)],
    )
    return build_report_bundle(findings, PDF, "ab" * 32, inputs=inputs)


def _publish_and_check(service: Harness, sample: str) -> str:
    assert service.client is not None
    published = service.client.post("/fhir", json=_bundle(sample), headers=service.auth("pipeline"))
    assert published.status_code == 201, published.text
    report_id: str = published.json()["report_id"]
    sign = f"/api/reports/{report_id}/sign-off"
    checked = service.client.post(
        sign, json={"step": "check"}, headers=service.auth("checker", **{"If-Match": 'W/"1"'})
    )
    assert checked.status_code == 200, checked.text
    return report_id


def _authorise(service: Harness, report_id: str) -> Any:
    assert service.client is not None
    headers = service.auth("authoriser", **{"If-Match": 'W/"1"'})
    return service.client.post(
        f"/api/reports/{report_id}/sign-off", json={"step": "authorise"}, headers=headers
    )


def _row(service: Harness, report_id: str) -> Report:
    with service.db.read() as session:
        return session.execute(select(Report).where(Report.report_id == report_id)).scalar_one()


def _forms(service: Harness, report_id: str) -> list[PresentedForm]:
    with service.db.read() as session:
        query = select(PresentedForm).join(Report, Report.id == PresentedForm.report_row_id)
        return list(session.execute(query.where(Report.report_id == report_id)).scalars())


def test_authorised_report_gets_a_signed_pdf_and_keeps_the_preliminary(
    service: Harness, tmp_path: Path
) -> None:
    assert service.client is not None
    report_id = _publish_and_check(service, samples_by_ods(service)[DEMO_ODS])
    assert _forms(service, report_id) == []  # nothing rendered at check time
    response = _authorise(service, report_id)
    assert response.status_code == 200 and response.json()["status"] == "final", response.text

    row = _row(service, report_id)
    checked_at = aware_utc(row.checked_at).strftime("%Y-%m-%d %H:%M UTC")  # type: ignore[arg-type]
    authorised_at = aware_utc(row.authorised_at).strftime("%Y-%m-%d %H:%M UTC")  # type: ignore[arg-type]
    clinician = service.auth("checker")
    body = service.client.get(f"/fhir/DiagnosticReport/{report_id}", headers=clinician).json()
    assert body["status"] == "final"
    assert {r["display"] for r in body["resultsInterpreter"]} == {
        "authoriser (authorised)",
        "checker (checked)",
    }
    form = body["presentedForm"][0]
    assert form["contentType"] == "application/pdf" and form["title"].endswith(".report.v1.signed.pdf")
    signed = base64.b64decode(form["data"])
    assert signed != PDF and signed.startswith(b"%PDF") and form["size"] == len(signed)
    assert [f["contentType"] for f in body["presentedForm"]] == ["application/pdf", "application/json"]

    text = _pdftotext(signed, tmp_path)
    assert "checker" in text and "authoriser" in text, text
    assert checked_at in text and authorised_at in text
    assert "report v1" in text and "PRELIMINARY" not in text
    assert "confirmed" in text and "lanes L001 and L002 agree" in text  # the identity QC row is kept
    assert "reads mapped 123,456" in text  # and the QC values

    # a new version of the presented form: the preliminary is kept, as published, and still retrievable
    stored = _forms(service, report_id)
    assert [(f.kind, f.data) for f in stored] == [("signed", signed)]
    with service.db.read() as session:
        published = json.loads(session.get(FhirResource, f"{report_id}.1").body)  # type: ignore[union-attr]
    assert base64.b64decode(published["presentedForm"][0]["data"]) == PDF
    api = f"/api/reports/{report_id}/pdf"
    preliminary = service.client.get(api, params={"form": "preliminary"}, headers=clinician)
    assert preliminary.status_code == 200 and preliminary.content == PDF
    for params in ({}, {"form": "signed"}, {"form": "current", "version": "1"}):
        assert service.client.get(api, params=params, headers=service.auth("pipeline")).content == signed
    assert service.client.get(f"/ui/reports/{report_id}/pdf", headers=clinician).content == signed
    page = service.client.get(f"/ui/reports/{report_id}/pdf?form=preliminary", headers=clinician)
    assert page.content == PDF
    html = service.client.get(f"/ui/reports/{report_id}", headers=clinician).text
    assert "Signed report (PDF)" in html and "pdf?form=preliminary" in html
    assert service.client.get(api, headers=service.auth("outsider")).status_code == 404

    # the race is still decided by the conditional UPDATE: a second authorisation is refused, nothing stored
    again = _authorise(service, report_id)
    assert again.status_code == 409 and len(_forms(service, report_id)) == 1


@pytest.fixture
def broken_templates(tmp_path: Path) -> Path:
    """A copy of reports/ whose report template fails when rendered (an undefined name, StrictUndefined)."""
    copy = tmp_path / "reports"
    shutil.copytree(source_report_templates(), copy)
    template = copy / "templates" / "report.html.j2"
    template.write_text(template.read_text() + "{{ no_such_value }}\n")
    return copy


@pytest.fixture
def breakable_service(database_url: str, tmp_path: Path, broken_templates: Path) -> Iterator[Harness]:
    settings = make_settings(tmp_path, database_url, report_templates=broken_templates)
    app = create_app(settings)
    harness = harness_for(app.state.db, settings)
    with TestClient(app) as client:
        harness.client = client
        yield harness
    app.state.db.engine.dispose()


def test_failed_render_leaves_the_report_checked_not_final(
    breakable_service: Harness, broken_templates: Path
) -> None:
    service = breakable_service
    assert service.client is not None
    report_id = _publish_and_check(service, samples_by_ods(service)[DEMO_ODS])
    response = _authorise(service, report_id)
    assert response.status_code == 500, response.text
    assert "could not be rendered" in response.text and "not authorised" in response.text
    row = _row(service, report_id)
    assert (row.status, row.checked_by, row.authorised_by, row.authorised_at) == (
        "preliminary",
        "checker",
        None,
        None,
    )
    assert _forms(service, report_id) == []
    body = service.client.get(f"/fhir/DiagnosticReport/{report_id}", headers=service.auth("checker")).json()
    assert body["status"] == "preliminary" and "resultsInterpreter" not in body
    signed = service.client.get(f"/api/reports/{report_id}/pdf?form=signed", headers=service.auth("checker"))
    assert signed.status_code == 404

    # repaired templates: the same authorisation now succeeds, with its signed PDF
    shutil.copy(source_report_templates() / "templates" / "report.html.j2", broken_templates / "templates")
    assert _authorise(service, report_id).status_code == 200
    assert _row(service, report_id).status == "final" and len(_forms(service, report_id)) == 1


def test_publish_refuses_a_report_that_could_not_be_signed(service: Harness) -> None:
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    bundle = _bundle(sample)
    report = bundle["entry"][0]["resource"]

    def post(changed: dict[str, Any]) -> Any:
        return service.client.post("/fhir", json=changed, headers=service.auth("pipeline"))  # type: ignore[union-attr]

    without = json.loads(json.dumps(bundle))
    without["entry"][0]["resource"]["presentedForm"] = report["presentedForm"][:1]
    response = post(without)
    assert response.status_code == 422 and "report inputs" in response.text

    other = json.loads(json.dumps(bundle))
    foreign = ReportInputs(findings=example_findings("SOMEONEELSE", 2)).model_dump_json().encode()
    other["entry"][0]["resource"]["presentedForm"][1]["data"] = base64.b64encode(foreign).decode()
    response = post(other)
    assert response.status_code == 422 and "for sample SOMEONEELSE" in response.text

    mismatch = json.loads(json.dumps(bundle))
    mismatch["entry"][0]["resource"]["conclusion"] = "No reportable variants."
    response = post(mismatch)
    assert response.status_code == 422 and "conclusion" in response.text

    garbled = json.loads(json.dumps(bundle))
    garbled["entry"][0]["resource"]["presentedForm"][1]["data"] = base64.b64encode(
        b'{"findings": 1}'
    ).decode()
    response = post(garbled)
    assert response.status_code == 422 and "report inputs invalid at findings" in response.text
    assert post(bundle).status_code == 201


def test_missing_templates_refuse_start_up(tmp_path: Path) -> None:
    from clinwgs.core.errors import ConfigError

    with pytest.raises(ConfigError, match="CLINWGS_REPORT_TEMPLATES=.*report.css"):
        create_app(make_settings(tmp_path, report_templates=tmp_path))
