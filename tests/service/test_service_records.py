"""Registration, publish, read, search, amend and sign-off, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from clinwgs.service.seed import DEMO_ODS, demo_patient
from tests.service.service_support import OTHER_ODS, PDF, Harness, bundle_for, samples_by_ods


def _publish(service: Harness, sample_id: str, variant: int = 0) -> dict:
    assert service.client is not None
    response = service.client.post(
        "/fhir", json=bundle_for(sample_id, variant=variant), headers=service.auth("pipeline")
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_registration_returns_a_pseudonymous_sample_id(service: Harness) -> None:
    assert service.client is not None
    data = demo_patient(7).model_dump(mode="json")
    response = service.client.post("/api/registrations", json=data, headers=service.auth("pipeline"))
    assert response.status_code == 201, response.text
    sample_id = response.json()["sample_id"]
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{2,63}", sample_id)
    assert data["nhs_number"] not in sample_id and data["family_name"] not in sample_id
    again = service.client.post("/api/registrations", json=data, headers=service.auth("pipeline"))
    assert again.status_code == 201 and again.json()["sample_id"] != sample_id  # a second test request
    assert again.json()["patient_id"] == response.json()["patient_id"]


def test_registration_refuses_bad_nhs_number_and_conflicting_demographics(service: Harness) -> None:
    assert service.client is not None
    bad = demo_patient(8).model_dump(mode="json") | {"nhs_number": "9990000019"}
    response = service.client.post("/api/registrations", json=bad, headers=service.auth("pipeline"))
    assert response.status_code == 422 and "modulus-11" in response.text
    clash = demo_patient(0).model_dump(mode="json") | {"family_name": "SOMEONE-ELSE"}
    response = service.client.post("/api/registrations", json=clash, headers=service.auth("pipeline"))
    assert response.status_code == 409


def test_publish_is_idempotent_and_refuses_different_content(service: Harness) -> None:
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    first = service.client.post("/fhir", json=bundle_for(sample), headers=service.auth("pipeline"))
    second = service.client.post("/fhir", json=bundle_for(sample), headers=service.auth("pipeline"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["report_id"] == second.json()["report_id"] and second.json()["created"] is False
    changed = service.client.post(
        "/fhir", json=bundle_for(sample, variant=1), headers=service.auth("pipeline")
    )
    assert changed.status_code == 409 and "If-Match" in changed.text


def test_publish_refuses_unregistered_sample_and_invalid_fhir(service: Harness) -> None:
    assert service.client is not None
    response = service.client.post(
        "/fhir", json=bundle_for("SNOTREGISTERED"), headers=service.auth("pipeline")
    )
    assert response.status_code == 422 and "SNOTREGISTERED" in response.text
    bundle = bundle_for(samples_by_ods(service)[DEMO_ODS])
    bundle["entry"][0]["resource"]["status"] = "bogus"
    response = service.client.post("/fhir", json=bundle, headers=service.auth("pipeline"))
    assert response.status_code == 422 and "status" in response.text


def test_read_search_and_linked_resources(service: Harness) -> None:
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    report_id = _publish(service, sample)["report_id"]
    clinician = service.auth("checker")
    report = service.client.get(f"/fhir/DiagnosticReport/{report_id}", headers=clinician)
    assert report.status_code == 200 and report.headers["ETag"] == 'W/"1"'
    body = report.json()
    assert body["id"] == report_id and body["status"] == "preliminary"
    assert body["subject"]["reference"].startswith("Patient/")
    for ref in body["result"]:
        rtype, rid = ref["reference"].split("/")
        assert service.client.get(f"/fhir/{rtype}/{rid}", headers=clinician).status_code == 200
    found = service.client.get(f"/fhir/DiagnosticReport?identifier={sample}", headers=clinician).json()
    assert found["total"] == 1 and found["entry"][0]["resource"]["id"] == report_id
    provenance = service.client.get(
        f"/fhir/Provenance?target=DiagnosticReport/{report_id}", headers=clinician
    )
    assert provenance.json()["total"] == 2  # the pipeline's and the service's write record
    patient = service.client.get(f"/fhir/{body['subject']['reference']}", headers=clinician).json()
    assert patient["identifier"][0]["value"] == service.samples[sample].nhs_number


def test_amend_with_if_match_creates_a_version_with_provenance(service: Harness) -> None:
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    report_id = _publish(service, sample)["report_id"]
    url = f"/fhir/DiagnosticReport/{report_id}"
    missing = service.client.put(url, json=bundle_for(sample, variant=1), headers=service.auth("pipeline"))
    assert missing.status_code == 428
    amended = service.client.put(
        url, json=bundle_for(sample, variant=1), headers=service.auth("pipeline", **{"If-Match": 'W/"1"'})
    )
    assert amended.status_code == 201 and amended.json()["version"] == 2
    stale = service.client.put(
        url, json=bundle_for(sample, variant=2), headers=service.auth("pipeline", **{"If-Match": 'W/"1"'})
    )
    assert stale.status_code == 412
    assert service.client.get(url, headers=service.auth("checker")).headers["ETag"] == 'W/"2"'
    v1 = service.client.get(f"{url}/_history/1", headers=service.auth("checker"))
    assert v1.status_code == 200 and v1.json()["meta"]["versionId"] == "1"
    prov = service.client.get(
        f"/fhir/Provenance?target=DiagnosticReport/{report_id}", headers=service.auth("checker")
    ).json()
    revisions = [
        e["resource"]["entity"][0]
        for e in prov["entry"]
        if e["resource"].get("entity", [{}])[0].get("role") == "revision"
    ]
    assert revisions == [
        {"role": "revision", "what": {"reference": f"DiagnosticReport/{report_id}/_history/1"}}
    ]


def test_two_person_sign_off_makes_the_report_final(service: Harness) -> None:
    assert service.client is not None
    report_id = _publish(service, samples_by_ods(service)[DEMO_ODS])["report_id"]
    url = f"/api/reports/{report_id}/sign-off"
    v1 = {"If-Match": 'W/"1"'}
    early = service.client.post(url, json={"step": "authorise"}, headers=service.auth("authoriser", **v1))
    assert early.status_code == 409
    assert (
        service.client.post(url, json={"step": "check"}, headers=service.auth("checker", **v1)).status_code
        == 200
    )
    same = service.client.post(url, json={"step": "authorise"}, headers=service.auth("checker", **v1))
    assert same.status_code == 409 and "different person" in same.text
    final = service.client.post(url, json={"step": "authorise"}, headers=service.auth("authoriser", **v1))
    assert final.status_code == 200 and final.json()["status"] == "final"
    page = service.client.get(f"/ui/reports/{report_id}", headers=service.auth("checker"))
    assert "checker" in page.text and "authoriser" in page.text and ">final<" in page.text


def test_clinician_page_joins_demographics_and_signs_off_through_forms(service: Harness) -> None:
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    report_id = _publish(service, sample)["report_id"]
    patient = service.samples[sample]
    login = service.client.post(
        "/ui/login", data={"token": service.tokens["checker"], "next": "/ui/"}, follow_redirects=False
    )
    assert login.status_code == 303
    page = service.client.get(f"/ui/reports/{report_id}")  # cookie from the login
    assert page.status_code == 200
    assert patient.family_name in page.text and "999 000 0018" in page.text and "01-Feb-1932" in page.text
    assert "BRCA1" in page.text and "Pathogenic" in page.text
    checked = service.client.post(
        f"/ui/reports/{report_id}/sign-off", data={"step": "check", "version": "1"}, follow_redirects=False
    )
    assert checked.status_code == 303
    assert service.client.get(f"/ui/reports/{report_id}/pdf").content == PDF
    service.client.cookies.clear()
    assert service.client.get(f"/ui/reports/{report_id}").status_code == 401
    other = samples_by_ods(service)[OTHER_ODS]
    assert other != sample


def test_amendment_needs_a_fresh_sign_off_and_ends_amended(service: Harness) -> None:
    assert service.client is not None
    c = service.client
    sample = samples_by_ods(service)[DEMO_ODS]
    report_id = _publish(service, sample)["report_id"]
    sign = f"/api/reports/{report_id}/sign-off"
    for user, step in (("checker", "check"), ("authoriser", "authorise")):
        c.post(sign, json={"step": step}, headers=service.auth(user, **{"If-Match": 'W/"1"'}))
    amended = c.put(
        f"/fhir/DiagnosticReport/{report_id}",
        json=bundle_for(sample, variant=3),
        headers=service.auth("pipeline", **{"If-Match": 'W/"1"'}),
    )
    assert amended.json()["status"] == "preliminary"  # v2 is not signed off by v1's sign-off
    stale = c.post(sign, json={"step": "check"}, headers=service.auth("checker", **{"If-Match": 'W/"1"'}))
    assert stale.status_code == 412
    for user, step in (("authoriser", "check"), ("checker", "authorise")):
        answer = c.post(sign, json={"step": step}, headers=service.auth(user, **{"If-Match": 'W/"2"'}))
        assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "amended"
    v1 = c.get(f"/fhir/DiagnosticReport/{report_id}/_history/1", headers=service.auth("checker")).json()
    assert v1["status"] == "final"
