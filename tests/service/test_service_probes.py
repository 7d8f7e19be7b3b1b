"""Hostile and nonsensical requests, on SQLite and PostgreSQL: each gets a 4xx with a FHIR OperationOutcome,
changes no record, and appends exactly one AuditEvent carrying its status. A server error that still happens
is audited before the 500 goes out."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from clinwgs.service import api
from clinwgs.service.app import create_app
from clinwgs.service.models import ApiToken, AuditEventRow, FhirResource, Patient, Report
from clinwgs.service.models import TestRequest as RequestRow
from clinwgs.service.seed import DEMO_ODS, demo_patient
from tests.service.service_support import (
    OTHER_ODS,
    Harness,
    bundle_for,
    harness_for,
    make_settings,
    samples_by_ods,
)

MAX_BODY = 1_000_000
MAX_TEXT = 10_000
RECORD_TABLES = (Patient, RequestRow, Report, FhirResource, ApiToken)


@pytest.fixture
def probed(database_url: str, tmp_path: Path) -> Iterator[Harness]:
    """A service with small, explicit limits (1 MB bodies, 10,000-character texts) and one published
    report for the DEMO_ODS patient."""
    settings = make_settings(tmp_path, database_url, max_request_bytes=MAX_BODY, max_text_chars=MAX_TEXT)
    app = create_app(settings)
    harness = harness_for(app.state.db, settings)
    with TestClient(app) as client:
        harness.client = client
        published = client.post(
            "/fhir", json=bundle_for(samples_by_ods(harness)[DEMO_ODS]), headers=harness.auth("pipeline")
        )
        assert published.status_code == 201, published.text
        yield harness
    app.state.db.engine.dispose()


def _counts(service: Harness) -> tuple[int, ...]:
    with service.db.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) or 0 for t in RECORD_TABLES)


def _audit_rows(service: Harness) -> list[AuditEventRow]:
    with service.db.read() as session:
        return list(session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars())


def _bundle(service: Harness) -> dict[str, Any]:
    return bundle_for(samples_by_ods(service)[DEMO_ODS], variant=7)  # new content: would be a 409 otherwise


def _with(service: Harness, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    bundle = copy.deepcopy(_bundle(service))
    change(bundle)
    return bundle


def _other_patient_id(service: Harness) -> str:
    assert service.client is not None
    other = samples_by_ods(service)[OTHER_ODS]
    with service.db.read() as session:
        request = session.execute(select(RequestRow).where(RequestRow.sample_id == other)).scalar_one()
        patient = session.get(Patient, request.patient_id)
        assert patient is not None
        return patient.fhir_id


def _registration(**change: Any) -> dict[str, Any]:
    return demo_patient(20).model_dump(mode="json") | change


def _report(bundle: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    assert resource["resourceType"] == "DiagnosticReport"
    return resource


def _probes(service: Harness) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(name, method, url, httpx keyword arguments) for every probe."""
    pipeline, checker = service.auth("pipeline"), service.auth("checker")
    json_headers = {**pipeline, "Content-Type": "application/fhir+json"}
    registered_nhs = demo_patient(0).nhs_number
    fullwidth = "".join(chr(ord("０") + int(d)) for d in registered_nhs)
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in registered_nhs)
    huge = "x" * (MAX_TEXT + 1)
    return [
        ("non-finite number", "POST", "/fhir", {"content": b"1e999", "headers": json_headers}),
        ("NaN", "POST", "/fhir", {"content": b'{"resourceType": NaN}', "headers": json_headers}),
        ("huge integer", "POST", "/fhir", {"content": b"9" * 5000, "headers": json_headers}),
        ("deep nesting", "POST", "/fhir", {"content": b"[" * 200_000, "headers": json_headers}),
        ("not JSON", "POST", "/fhir", {"content": b"{'a': 1}", "headers": json_headers}),
        ("lone surrogate", "POST", "/api/registrations",
         {"content": json.dumps(_registration(family_name="\ud800")).encode(), "headers": json_headers}),
        ("NUL in search identifier", "GET", "/fhir/DiagnosticReport?identifier=a%00b", {"headers": checker}),
        ("NUL in Patient id", "GET", "/fhir/Patient/%00", {"headers": checker}),
        ("NUL in status", "GET", "/fhir/DiagnosticReport?status=%00", {"headers": checker}),
        ("NUL in Provenance target", "GET", "/fhir/Provenance?target=DiagnosticReport/%00",
         {"headers": checker}),
        ("NUL in a family name", "POST", "/api/registrations",
         {"json": _registration(family_name="SMITH\u0000"), "headers": pipeline}),
        ("NUL in a Bundle", "POST", "/fhir",
         {"json": _with(service, lambda b: _report(b).update(conclusion="a\u0000b")), "headers": pipeline}),
        ("NUL in a form", "POST", "/ui/login", {"content": b"token=%00", "headers":
         {"Content-Type": "application/x-www-form-urlencoded"}}),
        ("entry without fullUrl", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"][1].pop("fullUrl")), "headers": pipeline}),
        ("entry without resource", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"][1].pop("resource")), "headers": pipeline}),
        ("unknown resourceType", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"][1]["resource"].update(resourceType="Foo")),
          "headers": pipeline}),
        ("entry not an object", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"].append("x")), "headers": pipeline}),
        ("duplicate fullUrl", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"][2].update(fullUrl=b["entry"][1]["fullUrl"])),
          "headers": pipeline}),
        ("no entries", "POST", "/fhir", {"json": {"resourceType": "Bundle", "type": "transaction"},
                                         "headers": pipeline}),
        ("oversized body", "POST", "/fhir", {"content": b'{"x": "' + b"a" * MAX_BODY + b'"}',
                                             "headers": json_headers}),
        ("oversized conclusion", "POST", "/fhir",
         {"json": _with(service, lambda b: _report(b).update(conclusion=huge)), "headers": pipeline}),
        ("report code 0000-0", "POST", "/fhir",
         {"json": _with(service, lambda b: _report(b)["code"]["coding"][0].update(code="0000-0")),
          "headers": pipeline}),
        ("unknown component code", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"][1]["resource"]["component"][0]["code"]["coding"][0]
                        .update(code="0000-0")), "headers": pipeline}),
        ("subject is another patient", "POST", "/fhir",
         {"json": _with(service, lambda b: _report(b).update(
             subject={"reference": f"Patient/{_other_patient_id(service)}"})), "headers": pipeline}),
        ("observation about another sample", "POST", "/fhir",
         {"json": _with(service, lambda b: b["entry"][1]["resource"]["subject"]["identifier"].update(
             value=samples_by_ods(service)[OTHER_ODS])), "headers": pipeline}),
        ("report without subject", "POST", "/fhir",
         {"json": _with(service, lambda b: _report(b).pop("subject")), "headers": pipeline}),
        ("NHS number 0000000000", "POST", "/api/registrations",
         {"json": _registration(nhs_number="0000000000"), "headers": pipeline}),
        ("NHS number of one repeated digit", "POST", "/api/registrations",
         {"json": _registration(nhs_number="4444444444"), "headers": pipeline}),
        ("fullwidth digits of a registered NHS number", "POST", "/api/registrations",
         {"json": demo_patient(0).model_dump(mode="json") | {"nhs_number": fullwidth}, "headers": pipeline}),
        ("Arabic-Indic digits", "POST", "/api/registrations",
         {"json": demo_patient(0).model_dump(mode="json") | {"nhs_number": arabic_indic},
          "headers": pipeline}),
        ("blank family name", "POST", "/api/registrations",
         {"json": _registration(family_name="   "), "headers": pipeline}),
        ("control character in a name", "POST", "/api/registrations",
         {"json": _registration(given_name="Ann\u0007"), "headers": pipeline}),
        ("over-long name", "POST", "/api/registrations",
         {"json": _registration(family_name="A" * 101), "headers": pipeline}),
        ("birth date in the future", "POST", "/api/registrations",
         {"json": _registration(birth_date="2999-01-01"), "headers": pipeline}),
        ("birth date before 1900", "POST", "/api/registrations",
         {"json": _registration(birth_date="0001-01-01"), "headers": pipeline}),
        ("page size out of range", "GET", "/fhir/DiagnosticReport?_count=100000", {"headers": checker}),
    ]  # fmt: skip


def test_every_probe_gets_a_4xx_outcome_changes_nothing_and_is_audited(probed: Harness) -> None:
    assert probed.client is not None
    failures = []
    for name, method, url, kwargs in _probes(probed):
        before, audited = _counts(probed), len(_audit_rows(probed))
        response = probed.client.request(method, url, **kwargs)
        rows = _audit_rows(probed)
        body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
        if not 400 <= response.status_code < 500:
            failures.append(f"{name}: HTTP {response.status_code} {response.text[:200]}")
        elif body.get("resourceType") != "OperationOutcome" or not body.get("issue"):
            failures.append(f"{name}: no OperationOutcome ({response.text[:200]})")
        if _counts(probed) != before:
            failures.append(f"{name}: records changed {before} -> {_counts(probed)}")
        if len(rows) != audited + 1 or rows[-1].status_code != response.status_code:
            failures.append(f"{name}: not audited once with its status ({len(rows) - audited} events)")
        elif "\x00" in rows[-1].path or rows[-1].outcome != "4":
            failures.append(f"{name}: audit event {rows[-1].path!r} outcome {rows[-1].outcome}")
    assert failures == []


def test_probe_answers_name_the_problem(probed: Harness) -> None:
    assert probed.client is not None
    answers = {name: probed.client.request(m, u, **kw) for name, m, u, kw in _probes(probed)}
    expected = {
        "non-finite number": (400, "not finite"),
        "NUL in Patient id": (400, "NUL"),
        "entry without fullUrl": (422, "entry.1.fullUrl: missing"),
        "entry without resource": (422, "entry.1.resource: missing"),
        "unknown resourceType": (422, "'Foo' is not one of"),
        "oversized body": (413, "CLINWGS_MAX_REQUEST_BYTES"),
        "oversized conclusion": (422, "entry.0.resource.conclusion"),
        "report code 0000-0": (422, "0000-0"),
        "subject is another patient": (422, "not the patient registered"),
        "fullwidth digits of a registered NHS number": (422, "10 digits 0-9"),
        "NHS number 0000000000": (422, "repeated digit"),
        "birth date in the future": (422, "future"),
        "birth date before 1900": (422, "1900"),
        "blank family name": (422, "blank"),
    }
    for name, (status, text) in expected.items():
        response = answers[name]
        diagnostics = response.json()["issue"][0]["diagnostics"]
        assert (response.status_code, text in diagnostics) == (status, True), (name, diagnostics)


def test_names_and_numbers_are_normalised_not_duplicated(probed: Harness) -> None:
    """A registered NHS number typed with spaces is the same patient; surrounding spaces are trimmed."""
    assert probed.client is not None
    data = demo_patient(0).model_dump(mode="json")
    spaced = data["nhs_number"][:3] + " " + data["nhs_number"][3:6] + " " + data["nhs_number"][6:]
    again = probed.client.post(
        "/api/registrations",
        json=data | {"nhs_number": spaced, "family_name": f"  {data['family_name']} "},
        headers=probed.auth("pipeline"),
    )
    assert again.status_code == 201, again.text
    with probed.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 2  # the harness's two


def test_a_server_error_is_audited_before_the_500(probed: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    assert probed.client is not None

    def broken(*_args: object, **_kwargs: object) -> dict[str, Any]:
        raise RuntimeError("boom with a secret payload")

    monkeypatch.setattr(api, "search_reports", broken)
    response = probed.client.get("/fhir/DiagnosticReport", headers=probed.auth("checker"))
    assert response.status_code == 500
    assert response.json()["resourceType"] == "OperationOutcome" and "secret" not in response.text
    last = _audit_rows(probed)[-1]
    assert (last.status_code, last.outcome, last.actor) == (500, "8", "checker")
    assert last.detail == "server error: RuntimeError"


def test_searches_are_paged_with_absolute_urls(probed: Harness) -> None:
    assert probed.client is not None
    for index in range(3, 8):
        sample = probed.register(demo_patient(index))
        published = probed.client.post("/fhir", json=bundle_for(sample), headers=probed.auth("pipeline"))
        assert published.status_code == 201
    checker = probed.auth("checker")
    first = probed.client.get("/fhir/DiagnosticReport?_count=4", headers=checker).json()
    assert first["total"] == 6 and len(first["entry"]) == 4
    assert all(e["fullUrl"].startswith("http://testserver/fhir/DiagnosticReport/") for e in first["entry"])
    links = {link["relation"]: link["url"] for link in first["link"]}
    assert links["next"].startswith("http://testserver/fhir/DiagnosticReport?")
    second = probed.client.get(httpx.URL(links["next"]).raw_path.decode(), headers=checker).json()
    assert len(second["entry"]) == 2 and "next" not in {link["relation"] for link in second["link"]}
    ids = [e["resource"]["id"] for e in first["entry"] + second["entry"]]
    assert len(set(ids)) == 6
