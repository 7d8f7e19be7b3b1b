"""JSON/FHIR routes: registration, publish, amend, sign-off, reads, searches and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from clinwgs.ops.turnaround import as_document
from clinwgs.service.audit import to_fhir_audit_event, verify_chain
from clinwgs.service.deps import (
    Auditor,
    AuditSince,
    Clinician,
    DbDep,
    Overseer,
    Pipeline,
    Reader,
    ReportVersion,
)
from clinwgs.service.models import AuditEventRow
from clinwgs.service.queries import read_patient, read_resource, search_provenance, search_reports
from clinwgs.service.registration import RegistrationIn, RegistrationOut, register
from clinwgs.service.reports import amend, publish, read_report, sign_off
from clinwgs.service.turnaround import worklist

router = APIRouter()
FHIR_JSON = "application/fhir+json"
BundleBody = Annotated[dict[str, Any], Body(description="FHIR R4 transaction Bundle (see clinwgs.fhir)")]


class SignOffIn(BaseModel):
    step: Literal["check", "authorise"]


class PublishOut(BaseModel):
    report_id: str
    version: int
    status: str
    created: bool
    content_hash: str


class FhirJSON(JSONResponse):
    """FHIR JSON written straight from the stored dict (skips FastAPI's slow re-encoding of big resources)."""

    media_type = FHIR_JSON


def _fhir(body: dict[str, Any], version: int | None = None) -> FhirJSON:
    return FhirJSON(body, headers={"ETag": f'W/"{version}"'} if version is not None else None)


def _etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'W/"{version}"'


@router.post("/api/registrations", status_code=201, response_model=RegistrationOut, tags=["registration"])
def post_registration(data: RegistrationIn, db: DbDep, _p: Pipeline) -> RegistrationOut:
    with db.write() as session:
        return register(session, data)


@router.post("/fhir", response_model=PublishOut, tags=["fhir"])
def post_bundle(bundle: BundleBody, db: DbDep, principal: Pipeline, response: Response) -> PublishOut:
    """Publish a report: 201 when created, 200 with the existing report for a duplicate."""
    row, created = publish(db, bundle, principal)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/fhir/DiagnosticReport/{row.report_id}/_history/{row.version}"
    _etag(response, row.version)
    return PublishOut(
        report_id=row.report_id,
        version=row.version,
        status=row.status,
        created=created,
        content_hash=row.content_hash,
    )


@router.put("/fhir/DiagnosticReport/{report_id}", response_model=PublishOut, tags=["fhir"])
def put_report(
    report_id: str,
    bundle: BundleBody,
    db: DbDep,
    principal: Pipeline,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PublishOut:
    """Amend: a new version from a transaction Bundle; If-Match must name the current version."""
    row, created = amend(db, report_id, if_match, bundle, principal)
    response.status_code = 201 if created else 200
    _etag(response, row.version)
    return PublishOut(
        report_id=row.report_id,
        version=row.version,
        status=row.status,
        created=created,
        content_hash=row.content_hash,
    )


@router.get("/fhir/DiagnosticReport/{report_id}", tags=["fhir"], response_class=FhirJSON)
def get_report(report_id: str, db: DbDep, principal: Reader) -> FhirJSON:
    row, body = read_report(db, report_id, principal)
    return _fhir(body, row.version)


@router.get("/fhir/DiagnosticReport/{report_id}/_history/{version}", tags=["fhir"], response_class=FhirJSON)
def get_report_version(report_id: str, version: ReportVersion, db: DbDep, principal: Reader) -> FhirJSON:
    row, body = read_report(db, report_id, principal, version)
    return _fhir(body, row.version)


@router.get("/fhir/DiagnosticReport", tags=["fhir"], response_class=FhirJSON)
def find_reports(
    db: DbDep,
    principal: Reader,
    identifier: str | None = None,
    status: str | None = None,
    count: Annotated[int, Query(alias="_count", ge=1, le=500)] = 100,
) -> FhirJSON:
    return _fhir(search_reports(db, principal, identifier, status, count))


@router.get("/fhir/Provenance", tags=["fhir"], response_class=FhirJSON)
def find_provenance(target: str, db: DbDep, principal: Reader) -> FhirJSON:
    return _fhir(search_provenance(db, target, principal))


@router.get("/fhir/Patient/{patient_id}", tags=["fhir"], response_class=FhirJSON)
def get_patient(patient_id: str, db: DbDep, principal: Clinician) -> FhirJSON:
    return _fhir(read_patient(db, patient_id, principal))


@router.get("/fhir/{rtype}/{rid}", tags=["fhir"], response_class=FhirJSON)
def get_resource(rtype: str, rid: str, db: DbDep, principal: Reader) -> FhirJSON:
    return _fhir(read_resource(db, rtype, rid, principal))


@router.post("/api/reports/{report_id}/sign-off", response_model=PublishOut, tags=["sign-off"])
def post_sign_off(
    report_id: str,
    data: SignOffIn,
    db: DbDep,
    principal: Clinician,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PublishOut:
    row = sign_off(db, report_id, data.step, if_match, principal)
    _etag(response, row.version)
    return PublishOut(
        report_id=row.report_id,
        version=row.version,
        status=row.status,
        created=False,
        content_hash=row.content_hash,
    )


@router.get("/api/turnaround", tags=["turnaround"])
def get_turnaround(db: DbDep, principal: Overseer) -> dict[str, Any]:
    """Each visible sample's stage times (received, analysis started/finished, reported, authorised) against
    the 7-10 day target, samples at risk first; a clinician sees their organisation's, an auditor all."""
    now = datetime.now(UTC)
    with db.read() as session:
        rows = worklist(session, principal, now)
    doc = as_document([assessment for assessment, _ in rows], now)
    for record, (_, report_id) in zip(doc["samples"], rows, strict=True):
        record["report_id"] = report_id
    return doc


@router.get("/api/audit", tags=["audit"])
def get_audit(
    db: DbDep,
    _p: Auditor,
    since: AuditSince = 0,
    count: Annotated[int, Query(alias="_count", ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    with db.read() as session:
        rows = (
            session.execute(
                select(AuditEventRow)
                .where(AuditEventRow.seq > since)
                .order_by(AuditEventRow.seq)
                .limit(count)
            )
            .scalars()
            .all()
        )
        resources = [to_fhir_audit_event(r) for r in rows]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": r} for r in resources],
    }


@router.get("/api/audit/verify", tags=["audit"])
def get_audit_verify(db: DbDep, _p: Auditor) -> dict[str, Any]:
    with db.read() as session:
        problems = verify_chain(session)
    return {"intact": not problems, "problems": problems}
