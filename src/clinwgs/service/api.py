"""JSON/FHIR routes: registration, publish, amend, sign-off, reads, searches and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select

from clinwgs.ops.turnaround import as_document
from clinwgs.service.audit import to_fhir_audit_event, verify_chain
from clinwgs.service.deps import (
    DB_INT_MAX,
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
from clinwgs.service.problems import error_responses
from clinwgs.service.queries import Page, read_patient, read_resource, search_provenance, search_reports
from clinwgs.service.registration import (
    FamilyMemberIn,
    FamilyMemberOut,
    RegistrationIn,
    RegistrationOut,
    register,
    register_family_member,
)
from clinwgs.service.reports import amend, publish, read_pdf, read_report, sign_off
from clinwgs.service.settings import Settings
from clinwgs.service.signing import FormName
from clinwgs.service.turnaround import worklist

# every route may answer these (the edge guard, authentication, validation, the audit log, a server error)
COMMON_ERRORS = (400, 401, 403, 413, 422, 500, 503)
router = APIRouter(responses=error_responses(*COMMON_ERRORS))
FHIR_JSON = "application/fhir+json"
BundleBody = Annotated[dict[str, Any], Body(description="FHIR R4 transaction Bundle (see clinwgs.fhir)")]
Count = Annotated[int, Query(alias="_count", ge=1, le=100, description="results per page")]
Offset = Annotated[int, Query(alias="_offset", ge=0, le=DB_INT_MAX, description="results to skip")]


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


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _page(request: Request, count: int, offset: int, **params: str | None) -> Page:
    settings = _settings(request)
    base = (settings.public_base_url or str(request.base_url)).rstrip("/")
    kept = {k: v for k, v in params.items() if v is not None}
    return Page(base=base, path=request.url.path, params=kept, count=count, offset=offset)


def _created(description: str) -> dict[int | str, dict[str, Any]]:
    return {201: {"model": PublishOut, "description": description}}


@router.post(
    "/api/registrations",
    status_code=201,
    response_model=RegistrationOut,
    tags=["registration"],
    responses=error_responses(409),
)
def post_registration(data: RegistrationIn, db: DbDep, _p: Pipeline) -> RegistrationOut:
    with db.write() as session:
        return register(session, data)


@router.post(
    "/api/registrations/{sample_id}/family-members",
    status_code=201,
    response_model=FamilyMemberOut,
    tags=["registration"],
    responses=error_responses(404, 409),
)
def post_family_member(sample_id: str, data: FamilyMemberIn, db: DbDep, _p: Pipeline) -> FamilyMemberOut:
    """Register a sequenced relative (issue 16) and link it to the proband's test request."""
    with db.write() as session:
        return register_family_member(session, sample_id, data)


@router.post(
    "/fhir",
    response_model=PublishOut,
    tags=["fhir"],
    responses={**_created("report created (version 1)"), **error_responses(409)},
)
def post_bundle(
    bundle: BundleBody, db: DbDep, principal: Pipeline, request: Request, response: Response
) -> PublishOut:
    """Publish a report: 201 when created, 200 with the existing report for a duplicate."""
    row, created = publish(db, bundle, principal, max_text_chars=_settings(request).max_text_chars)
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


@router.put(
    "/fhir/DiagnosticReport/{report_id}",
    response_model=PublishOut,
    tags=["fhir"],
    responses={**_created("new version created"), **error_responses(404, 409, 412, 428)},
)
def put_report(
    report_id: str,
    bundle: BundleBody,
    db: DbDep,
    principal: Pipeline,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PublishOut:
    """Amend: a new version from a transaction Bundle; If-Match must name the current version."""
    max_text = _settings(request).max_text_chars
    row, created = amend(db, report_id, if_match, bundle, principal, max_text_chars=max_text)
    response.status_code = 201 if created else 200
    _etag(response, row.version)
    return PublishOut(
        report_id=row.report_id,
        version=row.version,
        status=row.status,
        created=created,
        content_hash=row.content_hash,
    )


@router.get(
    "/fhir/DiagnosticReport/{report_id}",
    tags=["fhir"],
    response_class=FhirJSON,
    responses=error_responses(404),
)
def get_report(report_id: str, db: DbDep, principal: Reader) -> FhirJSON:
    row, body = read_report(db, report_id, principal)
    return _fhir(body, row.version)


@router.get(
    "/fhir/DiagnosticReport/{report_id}/_history/{version}",
    tags=["fhir"],
    response_class=FhirJSON,
    responses=error_responses(404),
)
def get_report_version(report_id: str, version: ReportVersion, db: DbDep, principal: Reader) -> FhirJSON:
    row, body = read_report(db, report_id, principal, version)
    return _fhir(body, row.version)


@router.get("/fhir/DiagnosticReport", tags=["fhir"], response_class=FhirJSON)
def find_reports(
    db: DbDep,
    principal: Reader,
    request: Request,
    identifier: str | None = None,
    status: str | None = None,
    count: Count = 20,
    offset: Offset = 0,
) -> FhirJSON:
    """The newest version of each visible report, a page at a time (``_count``, ``_offset``; the Bundle's
    ``next`` link has the following page)."""
    page = _page(request, count, offset, identifier=identifier, status=status)
    return _fhir(search_reports(db, principal, identifier, status, page))


@router.get("/fhir/Provenance", tags=["fhir"], response_class=FhirJSON, responses=error_responses(404))
def find_provenance(
    target: str, db: DbDep, principal: Reader, request: Request, count: Count = 20, offset: Offset = 0
) -> FhirJSON:
    return _fhir(search_provenance(db, target, principal, _page(request, count, offset, target=target)))


@router.get(
    "/fhir/Patient/{patient_id}", tags=["fhir"], response_class=FhirJSON, responses=error_responses(404)
)
def get_patient(patient_id: str, db: DbDep, principal: Clinician) -> FhirJSON:
    return _fhir(read_patient(db, patient_id, principal))


@router.get("/fhir/{rtype}/{rid}", tags=["fhir"], response_class=FhirJSON, responses=error_responses(404))
def get_resource(rtype: str, rid: str, db: DbDep, principal: Reader) -> FhirJSON:
    return _fhir(read_resource(db, rtype, rid, principal))


@router.post(
    "/api/reports/{report_id}/sign-off",
    response_model=PublishOut,
    tags=["sign-off"],
    responses=error_responses(404, 409, 412, 428),
)
def post_sign_off(
    report_id: str,
    data: SignOffIn,
    db: DbDep,
    principal: Clinician,
    request: Request,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> PublishOut:
    templates = _settings(request).report_templates
    row = sign_off(db, report_id, data.step, if_match, principal, templates=templates)
    _etag(response, row.version)
    return PublishOut(
        report_id=row.report_id,
        version=row.version,
        status=row.status,
        created=False,
        content_hash=row.content_hash,
    )


@router.get(
    "/api/reports/{report_id}/pdf",
    tags=["sign-off"],
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "the PDF"},
        **error_responses(404),
    },
)
def get_report_pdf(
    report_id: str,
    db: DbDep,
    principal: Reader,
    form: FormName = "current",
    version: Annotated[int | None, Query(ge=1, le=DB_INT_MAX, description="report version")] = None,
) -> Response:
    """A report version's PDF (default: the newest version): ``preliminary`` as published, ``signed`` as
    rendered at authorisation, or ``current`` (signed when authorised, else preliminary)."""
    pdf, title = read_pdf(db, report_id, principal, version, form)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Cache-Control": "no-store", "Content-Disposition": f'inline; filename="{title}"'},
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
def get_audit_verify(db: DbDep, _p: Auditor, request: Request) -> dict[str, Any]:
    """The chain checked event by event (HMAC) and against every signed checkpoint."""
    trail = request.app.state.audit
    with db.read() as session:
        problems = verify_chain(session, trail.key, trail.checkpoints.path)
    return {"intact": not problems, "problems": problems}
