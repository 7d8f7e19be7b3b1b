"""Searches and reads of the other stored resources (Observation, Procedure, Provenance, Patient)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select

from clinwgs.service.auth import Principal
from clinwgs.service.db import Database
from clinwgs.service.models import FhirResource, Patient, Report, TestRequest
from clinwgs.service.problems import ApiError
from clinwgs.service.reports import ensure_visible, latest, report_body

READABLE_TYPES = ("Observation", "Procedure", "Provenance")


@dataclass(frozen=True)
class Page:
    """One page of a search: ``count`` results from ``offset``; ``base`` is the service's absolute URL
    (fullUrl values and paging links are absolute), ``path`` and ``params`` rebuild the search's URL."""

    base: str
    path: str
    params: dict[str, str]
    count: int = 20
    offset: int = 0

    def url(self, offset: int) -> str:
        query = {**self.params, "_count": str(self.count), "_offset": str(offset)}
        return f"{self.base}{self.path}?{urlencode(query)}"


def searchset(resources: list[dict[str, Any]], page: Page, total: int) -> dict[str, Any]:
    """A FHIR searchset Bundle: absolute fullUrls, ``total`` over all pages, self/next/previous links."""
    links = [{"relation": "self", "url": page.url(page.offset)}]
    if page.offset + len(resources) < total:
        links.append({"relation": "next", "url": page.url(page.offset + page.count)})
    if page.offset > 0:
        links.append({"relation": "previous", "url": page.url(max(page.offset - page.count, 0))})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{page.base}/fhir/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def search_reports(
    db: Database, principal: Principal, identifier: str | None, status: str | None, page: Page
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
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(query.limit(page.count).offset(page.offset)).scalars().all()
        return searchset([report_body(session, row) for row in rows], page, total)


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


def search_provenance(db: Database, target: str, principal: Principal, page: Page) -> dict[str, Any]:
    """Provenance for every version of ``DiagnosticReport/<id>``."""
    report_id = target.removeprefix("DiagnosticReport/").split("/")[0]
    with db.read() as session:
        row = latest(session, report_id)
        ensure_visible(session, row, principal)
        query = (
            select(FhirResource)
            .join(Report, Report.id == FhirResource.report_row_id)
            .where(Report.report_id == report_id, FhirResource.resource_type == "Provenance")
            .order_by(Report.version, FhirResource.id)
        )
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        stored = session.execute(query.limit(page.count).offset(page.offset)).scalars().all()
        return searchset([json.loads(s.body) for s in stored], page, total)


def read_patient(db: Database, fhir_id: str, principal: Principal) -> dict[str, Any]:
    """The Patient with demographics, for clinicians of an organisation that registered the patient or
    requested a test for them; others get 404."""
    with db.read() as session:
        patient = session.execute(select(Patient).where(Patient.fhir_id == fhir_id)).scalar_one_or_none()
        if patient is None:
            raise ApiError(404, f"Patient/{fhir_id} not found")
        requesters = select(TestRequest.id).where(
            TestRequest.patient_id == patient.id, TestRequest.ods_code == principal.ods_code
        )
        if patient.ods_code != principal.ods_code and session.scalar(requesters.limit(1)) is None:
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
