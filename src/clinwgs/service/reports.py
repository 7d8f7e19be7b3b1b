"""Publish (idempotent), amend (If-Match), sign off and read genomic reports."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clinwgs.fhir.bundle import validate_bundle
from clinwgs.ops.turnaround import aware_utc
from clinwgs.service.auth import Principal
from clinwgs.service.bundle_rules import check_codes, check_shape, check_subjects, check_text_lengths
from clinwgs.service.db import Database
from clinwgs.service.models import FhirResource, Patient, Report, TestRequest
from clinwgs.service.problems import ApiError
from clinwgs.service.signing import (
    FormName,
    SignedForm,
    check_report_inputs,
    pdf_form,
    presented_forms,
    render_signed_form,
    store_signed_form,
)
from clinwgs.service.storage import content_hash, report_entry, store_version

DEFAULT_MAX_TEXT = 65_536
_ETAG = re.compile(r'^(W/)?"?(\d{1,9})"?$')


def parse_if_match(header: str | None) -> int:
    if header is None:
        raise ApiError(428, "this update needs an If-Match header with the report's current ETag")
    match = _ETAG.match(header.strip())
    if not match:
        raise ApiError(400, f'If-Match {header!r} is not an ETag like W/"1"')
    return int(match.group(2))


def _checked_bundle(bundle: dict[str, Any], max_text_chars: int) -> tuple[str, str, str]:
    """Shape, text caps, FHIR R4 validity and value sets, in that order; (sample ID, test code, hash)."""
    check_shape(bundle)
    check_text_lengths(bundle, max_text_chars)
    try:
        validate_bundle(bundle)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from exc
    check_codes(bundle)
    sample_id, test_code = report_entry(bundle)
    check_report_inputs(bundle, sample_id, test_code)
    return sample_id, test_code, content_hash(bundle)


def _check_patient(session: Session, bundle: dict[str, Any], request: TestRequest) -> None:
    patient = session.get(Patient, request.patient_id)
    assert patient is not None
    check_subjects(bundle, request.sample_id, patient.fhir_id)


def _request_for(session: Session, sample_id: str, test_code: str) -> TestRequest:
    request = session.execute(
        select(TestRequest).where(TestRequest.sample_id == sample_id)
    ).scalar_one_or_none()
    if request is None:
        raise ApiError(422, f"sample {sample_id} is not registered with this service")
    if test_code and request.test_code != test_code:
        raise ApiError(
            422, f"sample {sample_id}: report is for test {test_code} but the request is {request.test_code}"
        )
    return request


def _version(session: Session, sample_id: str, request_id: int, version: int) -> Report | None:
    return session.execute(
        select(Report).where(
            Report.specimen_id == sample_id, Report.test_request_id == request_id, Report.version == version
        )
    ).scalar_one_or_none()


def _same_or_conflict(existing: Report, digest: str) -> tuple[Report, bool]:
    if existing.content_hash != digest:
        raise ApiError(
            409,
            f"sample {existing.specimen_id}: report {existing.report_id} version "
            f"{existing.version} already exists with different content; amend it with If-Match",
        )
    return existing, False


def publish(
    db: Database, bundle: dict[str, Any], principal: Principal, *, max_text_chars: int = DEFAULT_MAX_TEXT
) -> tuple[Report, bool]:
    """Create version 1, or return the existing report when the same content was already published."""
    sample_id, test_code, digest = _checked_bundle(bundle, max_text_chars)
    with db.write() as session:
        request = _request_for(session, sample_id, test_code)
        _check_patient(session, bundle, request)
        existing = _version(session, sample_id, request.id, 1)
        if existing is not None:
            return _same_or_conflict(existing, digest)
        row = Report(
            report_id=uuid.uuid4().hex,
            specimen_id=sample_id,
            test_request_id=request.id,
            version=1,
            content_hash=digest,
            status="preliminary",
            created_at=datetime.now(UTC),
            created_by=principal.user,
        )
        try:
            with session.begin_nested():
                store_version(session, bundle, row, request, principal, None)
        except IntegrityError:
            existing = _version(session, sample_id, request.id, 1)
            if existing is None:
                raise
            return _same_or_conflict(existing, digest)
        return row, True


def latest(session: Session, report_id: str) -> Report:
    newest = select(func.max(Report.version)).where(Report.report_id == report_id).scalar_subquery()
    row = session.execute(
        select(Report).where(Report.report_id == report_id, Report.version == newest)
    ).scalar_one_or_none()
    if row is None:
        raise ApiError(404, f"DiagnosticReport/{report_id} not found")
    return row


def amend(
    db: Database,
    report_id: str,
    if_match: str | None,
    bundle: dict[str, Any],
    principal: Principal,
    *,
    max_text_chars: int = DEFAULT_MAX_TEXT,
) -> tuple[Report, bool]:
    """New version (n+1) when If-Match names the current version n; stale -> 412."""
    expected = parse_if_match(if_match)
    sample_id, test_code, digest = _checked_bundle(bundle, max_text_chars)
    with db.write() as session:
        current = latest(session, report_id)
        if sample_id != current.specimen_id:
            raise ApiError(
                422,
                f"amendment is for sample {sample_id}, report {report_id} is sample {current.specimen_id}",
            )
        if current.version != expected:
            raise ApiError(
                412, f"report {report_id} is at version {current.version}, If-Match named {expected}"
            )
        if current.content_hash == digest:
            return current, False
        request = _request_for(session, sample_id, test_code)
        _check_patient(session, bundle, request)
        row = Report(
            report_id=report_id,
            specimen_id=sample_id,
            test_request_id=request.id,
            version=current.version + 1,
            content_hash=digest,
            status="preliminary",
            created_at=datetime.now(UTC),
            created_by=principal.user,
        )
        try:
            with session.begin_nested():
                store_version(session, bundle, row, request, principal, current)
        except IntegrityError as exc:
            raise ApiError(412, f"report {report_id} was amended concurrently; read it again") from exc
        return row, True


def _sign_off_refusal(session: Session, row: Report, step: str, principal: Principal) -> ApiError:
    """Why a conditional sign-off UPDATE matched no row, read again in the same transaction."""
    session.refresh(row)
    newest = latest(session, row.report_id)
    if newest.id != row.id:
        return ApiError(
            412, f"report {row.report_id} is at version {newest.version}, If-Match named {row.version}"
        )
    if step == "check":
        return ApiError(409, f"report {row.report_id} v{row.version} was already checked by {row.checked_by}")
    if row.checked_by is None:
        return ApiError(409, f"report {row.report_id} must be checked before it is authorised")
    if row.authorised_by is not None:
        return ApiError(409, f"report {row.report_id} v{row.version} is already authorised")
    if row.checked_by == principal.user:
        return ApiError(409, "the authoriser must be a different person from the checker")
    return ApiError(409, f"report {row.report_id} v{row.version} changed during sign-off; read it again")


def _render_for_authorisation(
    db: Database, report_id: str, expected: int, principal: Principal, templates: Path
) -> SignedForm:
    """Read the version to authorise, refuse early what the UPDATE would refuse, and render its signed PDF
    outside any write transaction (rendering takes seconds; no lock is held meanwhile)."""
    with db.read() as session:
        row = latest(session, report_id)
        ensure_visible(session, row, principal)
        if row.version != expected:
            raise ApiError(412, f"report {report_id} is at version {row.version}, If-Match named {expected}")
        if row.checked_by is None or row.authorised_by is not None or row.checked_by == principal.user:
            raise _sign_off_refusal(session, row, "authorise", principal)
        return render_signed_form(session, row, principal.user, datetime.now(UTC), templates)


def sign_off(
    db: Database, report_id: str, step: str, if_match: str | None, principal: Principal, *, templates: Path
) -> Report:
    """Two-person sign-off: 'check' then 'authorise' by a different user; the report is then final, with
    its signed PDF (rendered from ``templates``, the reports/ folder) as a new presented form.

    Each step is one conditional UPDATE (``... WHERE checked_by IS NULL`` for a check; ``... WHERE
    checked_by IS NOT NULL AND checked_by <> me AND authorised_by IS NULL`` for an authorisation) on the
    version named by If-Match, and only while it is the newest. The database evaluates the condition on
    the row as it is when the UPDATE runs (PostgreSQL re-checks it after waiting for a concurrent writer;
    SQLite serialises writers), so of concurrent checks exactly one succeeds, the others get 409, and an
    authoriser is compared with the checker recorded by then, never with a stale read.

    An authorisation renders the signed PDF first (no lock held; a rendering failure refuses it with 500
    and changes nothing), then in one transaction runs the UPDATE (which also requires the checker the PDF
    names) and stores the PDF: never a final report without its signed PDF, never a stored signed PDF for
    an authorisation that lost the race (409, the rendered PDF is dropped).
    """
    if step not in ("check", "authorise"):
        raise ApiError(422, f"unknown sign-off step {step!r}; expected 'check' or 'authorise'")
    expected = parse_if_match(if_match)
    signed = (
        _render_for_authorisation(db, report_id, expected, principal, templates)
        if step == "authorise"
        else None
    )
    with db.write() as session:
        row = latest(session, report_id)
        ensure_visible(session, row, principal)
        if row.version != expected:
            raise ApiError(412, f"report {report_id} is at version {row.version}, If-Match named {expected}")
        now = datetime.now(UTC)
        newer = select(Report.id).where(Report.report_id == report_id, Report.version > row.version)
        update = sa_update(Report).where(Report.id == row.id, ~newer.exists(), Report.authorised_by.is_(None))
        if signed is None:
            update = update.where(Report.checked_by.is_(None)).values(
                checked_by=principal.user, checked_at=now
            )
        else:
            update = update.where(
                Report.id == signed.row_id,
                Report.checked_by.is_not(None),
                Report.checked_by != principal.user,
                Report.checked_by == signed.checked_by,
            ).values(
                authorised_by=principal.user,
                authorised_at=signed.authorised_at,
                status="final" if row.version == 1 else "amended",
            )
        result = session.execute(update.execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0) != 1:
            raise _sign_off_refusal(session, row, step, principal)
        if signed is not None:
            store_signed_form(session, signed)
        session.refresh(row)
        return row


def ensure_visible(session: Session, row: Report, principal: Principal) -> TestRequest:
    """Clinicians see their own organisation's reports only (others: 404, flagged denied); pipeline all."""
    request = session.get(TestRequest, row.test_request_id)
    assert request is not None
    if principal.role == "clinician" and request.ods_code != principal.ods_code:
        raise ApiError(404, f"DiagnosticReport/{row.report_id} not found", denied=True)
    return request


def report_body(session: Session, row: Report) -> dict[str, Any]:
    stored = session.get(FhirResource, f"{row.report_id}.{row.version}")
    assert stored is not None
    body: dict[str, Any] = json.loads(stored.body)
    body["status"] = row.status
    if "presentedForm" in body:
        body["presentedForm"] = presented_forms(session, row, body["presentedForm"])
    body["meta"]["lastUpdated"] = aware_utc(row.authorised_at or row.checked_at or row.created_at).isoformat()
    if row.authorised_by is not None:  # final / amended: who interpreted and signed off the results
        body["resultsInterpreter"] = [
            {"type": "Practitioner", "display": f"{name} ({role})"}
            for name, role in ((row.authorised_by, "authorised"), (row.checked_by, "checked"))
            if name
        ]
    return body


def _row(session: Session, report_id: str, principal: Principal, version: int | None) -> Report:
    row = latest(session, report_id)
    if version is not None and version != row.version:
        found = session.execute(
            select(Report).where(Report.report_id == report_id, Report.version == version)
        ).scalar_one_or_none()
        if found is None:
            ensure_visible(session, row, principal)
            raise ApiError(404, f"DiagnosticReport/{report_id}/_history/{version} not found")
        row = found
    ensure_visible(session, row, principal)
    return row


def read_pdf(
    db: Database, report_id: str, principal: Principal, version: int | None, form: FormName
) -> tuple[bytes, str]:
    """(PDF, title) of a report version's presented form (``signing.pdf_form``)."""
    with db.read() as session:
        return pdf_form(session, _row(session, report_id, principal, version), form)


def read_report(
    db: Database, report_id: str, principal: Principal, version: int | None = None
) -> tuple[Report, dict[str, Any]]:
    with db.read() as session:
        row = _row(session, report_id, principal, version)
        return row, report_body(session, row)
