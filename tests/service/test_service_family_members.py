"""Family analysis (issue 16): a proband's parents are registered as patients and linked to the proband's
test request (its ServiceRequest), each with its own pseudonymous sample ID; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import select

from clinwgs.service.models import FamilyMemberLink, Patient, TestRequest
from clinwgs.service.seed import demo_patient
from tests.service.service_support import Harness


def _relative(index: int, relation: str) -> dict:
    data = demo_patient(index).model_dump(mode="json")
    return {k: data[k] for k in ("nhs_number", "family_name", "given_name", "birth_date")} | {
        "relation": relation
    }


def test_parents_are_registered_and_linked_to_the_probands_test_request(service: Harness) -> None:
    assert service.client is not None
    proband = next(iter(service.samples))
    out = {}
    for index, relation in ((11, "father"), (12, "mother")):
        response = service.client.post(
            f"/api/registrations/{proband}/family-members", json=_relative(index, relation),
            headers=service.auth("pipeline"),
        )  # fmt: skip
        assert response.status_code == 201, response.text
        out[relation] = response.json()
    father, mother = out["father"], out["mother"]
    assert father["proband_sample_id"] == proband and father["sample_id"] != mother["sample_id"]
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{2,63}", father["sample_id"])
    assert _relative(11, "father")["nhs_number"].replace(" ", "") not in father["sample_id"]
    with service.db.read() as session:
        request = session.execute(select(TestRequest).where(TestRequest.sample_id == proband)).scalar_one()
        links = session.execute(
            select(FamilyMemberLink.relation, Patient.fhir_id)
            .join(Patient, Patient.id == FamilyMemberLink.patient_id)
            .where(FamilyMemberLink.test_request_id == request.id)
            .order_by(FamilyMemberLink.relation)
        ).all()
    assert [tuple(row) for row in links] == [
        ("father", father["patient_id"]),
        ("mother", mother["patient_id"]),
    ]
    assert father["test_request_id"] == mother["test_request_id"] == request.request_id


def test_family_member_refusals(service: Harness) -> None:
    assert service.client is not None
    proband = next(iter(service.samples))
    post = service.client.post
    url = f"/api/registrations/{proband}/family-members"
    headers = service.auth("pipeline")
    assert (
        post(
            "/api/registrations/NOSUCHSAMPLE/family-members", json=_relative(13, "father"), headers=headers
        ).status_code
        == 404
    )
    assert post(url, json=_relative(13, "uncle-ish"), headers=headers).status_code == 422  # unknown relation
    bad = _relative(13, "father") | {"nhs_number": "9990000019"}
    assert post(url, json=bad, headers=headers).status_code == 422  # same NHS-number checks as a registration
    own = {
        k: v
        for k, v in service.samples[proband].model_dump(mode="json").items()
        if k not in ("ods_code", "test_code")
    }
    assert (
        post(url, json=own | {"relation": "father"}, headers=headers).status_code == 422
    )  # the proband itself
    assert post(url, json=_relative(13, "father"), headers=headers).status_code == 201
    assert post(url, json=_relative(13, "father"), headers=headers).status_code == 409  # linked twice
