"""The signed report: report inputs carried by the published Bundle, the final PDF rendered at authorisation,
and the presented-form versions a reader can fetch.

A published DiagnosticReport's ``presentedForm`` holds the pipeline's preliminary PDF and the report inputs
(``clinwgs.models.report_inputs``: findings, QC, identity, provenance, depth curve), checked at publish so
that a report which could never be signed is refused up front. At authorisation the service renders the
signed PDF from those inputs (``clinwgs.report.render.render_signed``) *before* it takes the write lock,
then writes the authorisation and the PDF in one transaction: a report never becomes final without its
signed PDF, and a PDF rendered for an authorisation that lost the race (409) is never stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from clinwgs.fhir.bundle import attachment, conclusion_text
from clinwgs.models.findings import FINDINGS_SCHEMA_VERSION
from clinwgs.models.report_inputs import REPORT_INPUTS_CONTENT_TYPE, ReportInputs
from clinwgs.ops.turnaround import aware_utc
from clinwgs.report.render import render_signed
from clinwgs.service.models import FhirResource, PresentedForm, Report
from clinwgs.service.problems import ApiError

log = logging.getLogger(__name__)
PDF = "application/pdf"
FormName = Literal["current", "preliminary", "signed"]


@dataclass(frozen=True)
class SignedForm:
    """A signed PDF rendered for one report row, before the authorisation that it records is written."""

    row_id: int
    checked_by: str
    authorised_by: str
    authorised_at: datetime
    title: str
    pdf: bytes


def _report_resource(bundle: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for index, entry in enumerate(bundle["entry"]):
        if entry["resource"].get("resourceType") == "DiagnosticReport":
            return index, entry["resource"]
    raise ApiError(422, "the Bundle holds no DiagnosticReport")


def _forms(report: dict[str, Any]) -> list[dict[str, Any]]:
    forms = report.get("presentedForm") or []
    return [f for f in forms if isinstance(f, dict)] if isinstance(forms, list) else []


def _decoded(form: dict[str, Any], where: str) -> bytes:
    data = form.get("data")
    if not isinstance(data, str):
        raise ApiError(422, f"{where}.data: missing")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, f"{where}.data: not base64") from exc


def _parse_inputs(raw: bytes, where: str) -> ReportInputs:
    try:
        inputs = ReportInputs.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        raise ApiError(
            422, f"{where}: report inputs invalid at {field or 'top level'}: {first['msg']}"
        ) from exc
    major = inputs.findings.schema_version.split(".")[0]
    if major != FINDINGS_SCHEMA_VERSION.split(".")[0]:
        raise ApiError(
            422, f"{where}: findings schema {inputs.findings.schema_version} is not {FINDINGS_SCHEMA_VERSION}"
        )
    return inputs


def check_report_inputs(bundle: dict[str, Any], sample_id: str, test_code: str) -> None:
    """At publish: the DiagnosticReport carries at most one PDF and exactly one report-inputs attachment,
    for this sample and test, not release-blocked, whose findings give the DiagnosticReport's conclusion."""
    index, report = _report_resource(bundle)
    where = f"entry.{index}.resource.presentedForm"
    forms = _forms(report)
    if sum(f.get("contentType") == PDF for f in forms) > 1:
        raise ApiError(422, f"{where}: more than one PDF; send the preliminary report once")
    carried = [(i, f) for i, f in enumerate(forms) if f.get("contentType") == REPORT_INPUTS_CONTENT_TYPE]
    if len(carried) != 1:
        raise ApiError(
            422,
            f"{where}: needs exactly one {REPORT_INPUTS_CONTENT_TYPE} attachment with the report inputs "
            f"(found {len(carried)}); publish with this version of clinwgs (clinwgs publish)",
        )
    at = f"{where}.{carried[0][0]}"
    inputs = _parse_inputs(_decoded(carried[0][1], at), at)
    findings = inputs.findings
    if findings.sample_id != sample_id:
        raise ApiError(422, f"{at}: the report inputs are for sample {findings.sample_id}, not {sample_id}")
    if test_code and findings.test_code != test_code:
        raise ApiError(422, f"{at}: the report inputs are for test {findings.test_code}, not {test_code}")
    if findings.release_blocked:
        raise ApiError(422, f"{at}: the findings are release-blocked; a blocked report is never published")
    if report.get("conclusion") != conclusion_text(findings):
        raise ApiError(422, f"{at}: the report inputs do not give the DiagnosticReport's conclusion")


def stored_inputs(session: Session, row: Report) -> ReportInputs:
    """The report inputs published with this report version (checked at publish)."""
    stored = session.get(FhirResource, f"{row.report_id}.{row.version}")
    assert stored is not None
    carried = [
        f for f in _forms(json.loads(stored.body)) if f.get("contentType") == REPORT_INPUTS_CONTENT_TYPE
    ]
    if len(carried) != 1:
        raise ApiError(
            409,
            f"report {row.report_id} v{row.version} was published without report inputs and cannot be "
            "signed; publish it again with `clinwgs publish --amend`",
        )
    where = f"DiagnosticReport/{row.report_id}/_history/{row.version}"
    return _parse_inputs(_decoded(carried[0], where), where)


def _when(moment: datetime) -> str:
    return aware_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def render_signed_form(
    session: Session, row: Report, authoriser: str, authorised_at: datetime, templates: Path
) -> SignedForm:
    """The signed PDF of ``row`` (checked, not yet authorised) as ``authoriser`` at ``authorised_at``.
    A rendering failure is a 500 naming the report; nothing is written."""
    assert row.checked_by is not None and row.checked_at is not None
    inputs = stored_inputs(session, row)
    try:
        _html, pdf = render_signed(
            inputs.findings,
            templates,
            checked_by=row.checked_by,
            checked_at=_when(row.checked_at),
            authorised_by=authoriser,
            authorised_at=_when(authorised_at),
            report_version=row.version,
            qc=inputs.qc,
            provenance=inputs.provenance,
            identity=inputs.identity,
            depth_points=inputs.depth_points,
        )
    except Exception as exc:  # any rendering fault: the authorisation is refused, the report stays checked
        log.error(
            "rendering the signed report %s v%s failed: %s", row.report_id, row.version, type(exc).__name__
        )
        raise ApiError(
            500,
            f"report {row.report_id} v{row.version}: the signed report could not be rendered, so it was not "
            "authorised (it stays checked); tell the service administrator",
        ) from exc
    title = f"{row.specimen_id}.report.v{row.version}.signed.pdf"
    return SignedForm(row.id, row.checked_by, authoriser, authorised_at, title, pdf)


def store_signed_form(session: Session, form: SignedForm) -> None:
    session.add(
        PresentedForm(
            report_row_id=form.row_id,
            kind="signed",
            content_type=PDF,
            title=form.title,
            sha256=hashlib.sha256(form.pdf).hexdigest(),
            size=len(form.pdf),
            data=form.pdf,
            created_at=datetime.now(UTC),
            created_by=form.authorised_by,
        )
    )
    session.flush()


def signed_form(session: Session, row: Report) -> PresentedForm | None:
    return session.execute(
        select(PresentedForm).where(PresentedForm.report_row_id == row.id, PresentedForm.kind == "signed")
    ).scalar_one_or_none()


def presented_forms(session: Session, row: Report, stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``presentedForm`` as served: for an authorised version the signed PDF in place of the preliminary
    one (which stays stored and readable, see ``pdf_form``); otherwise as published."""
    if row.authorised_by is None:
        return stored
    signed = signed_form(session, row)
    if signed is None:  # authorised before the service rendered signed reports
        return stored
    form = attachment(signed.data, signed.content_type, signed.title)
    form["creation"] = aware_utc(signed.created_at).isoformat()
    return [form, *(f for f in stored if f.get("contentType") != PDF)]


def pdf_form(session: Session, row: Report, form: FormName) -> tuple[bytes, str]:
    """(PDF, title) of a report version: ``preliminary`` (as published), ``signed`` (after authorisation) or
    ``current`` (signed when there is one, else preliminary)."""
    if form in ("signed", "current"):
        signed = signed_form(session, row)
        if signed is not None:
            return signed.data, signed.title
        if form == "signed":
            raise ApiError(404, f"report {row.report_id} v{row.version} has no signed PDF (not authorised)")
    stored = session.get(FhirResource, f"{row.report_id}.{row.version}")
    assert stored is not None
    pdfs = [f for f in _forms(json.loads(stored.body)) if f.get("contentType") == PDF]
    if not pdfs:
        raise ApiError(404, f"report {row.report_id} v{row.version} has no PDF")
    where = f"DiagnosticReport/{row.report_id}/_history/{row.version}"
    return _decoded(pdfs[0], where), str(pdfs[0].get("title") or f"{row.specimen_id}.report.pdf")
