"""Searches and reads of the other stored resources (Observation, Procedure, Provenance, Patient)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from clinwgs.service.auth import Principal
from clinwgs.service.db import Database
from clinwgs.service.models import FhirResource, Patient, Report, TestRequest
from clinwgs.service.problems import ApiError
from clinwgs.service.reports import ensure_visible, latest, report_body

READABLE_TYPES = ("Observation", "Procedure", "Provenance")


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {"fullUrl": f"{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}}
            for r in resources
        ],
    }


def search_reports(
    db: Database, principal: Principal, identifier: str | None, status: str | None, limit: int
) -> dict[str, Any]:
    """Latest version of each visible report, optionally by sample ID (``identifier``) and status."""
    newest = (
        select(Report.report_id, func.max(Report.version).label("v")).group_by(Report.report_id).subquery()
    )
    query = (
        select(Report)
        .join(newest, (Report.report_id == newest.c.report_id) & (Report.version == newest.c.v))
        .join(TestRequest, TestRequest.id == Report.test_request_id)
        .order_by(Report.id)
    )
    if principal.role == "clinician":
        query = query.where(TestRequest.ods_code == principal.ods_code)
    if identifier:
        query = query.where(Report.specimen_id == identifier.split("|")[-1])
    if status:
        query = query.where(Report.status == status)
    with db.read() as session:
        rows = session.execute(query.limit(limit)).scalars().all()
        return searchset([report_body(session, row) for row in rows])


def read_resource(db: Database, rtype: str, rid: str, principal: Principal) -> dict[str, Any]:
    if rtype not in READABLE_TYPES:
        raise ApiError(404, f"resource type {rtype} is not served here")
    with db.read() as session:
        stored = session.get(FhirResource, rid)
        if stored is None or stored.resource_type != rtype:
            raise ApiError(404, f"{rtype}/{rid} not found")
        row = session.get(Report, stored.report_row_id)
        assert row is not None
        ensure_visible(session, row, principal)
        body: dict[str, Any] = json.loads(stored.body)
        return body


def search_provenance(db: Database, target: str, principal: Principal) -> dict[str, Any]:
    """Provenance for every version of ``DiagnosticReport/<id>``."""
    report_id = target.removeprefix("DiagnosticReport/").split("/")[0]
    with db.read() as session:
        row = latest(session, report_id)
        ensure_visible(session, row, principal)
        stored = (
            session.execute(
                select(FhirResource)
                .join(Report, Report.id == FhirResource.report_row_id)
                .where(Report.report_id == report_id, FhirResource.resource_type == "Provenance")
                .order_by(Report.version)
            )
            .scalars()
            .all()
        )
        return searchset([json.loads(s.body) for s in stored])


def read_patient(db: Database, fhir_id: str, principal: Principal) -> dict[str, Any]:
    """The Patient with demographics, for clinicians of the registering organisation only."""
    with db.read() as session:
        patient = session.execute(select(Patient).where(Patient.fhir_id == fhir_id)).scalar_one_or_none()
        if patient is None:
            raise ApiError(404, f"Patient/{fhir_id} not found")
        if patient.ods_code != principal.ods_code:
            raise ApiError(404, f"Patient/{fhir_id} not found", denied=True)
        return patient_resource(patient)


def patient_resource(patient: Patient) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": patient.fhir_id,
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": patient.nhs_number}],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "birthDate": patient.birth_date.isoformat(),
        "managingOrganization": {
            "identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                "value": patient.ods_code,
            }
        },
    }
