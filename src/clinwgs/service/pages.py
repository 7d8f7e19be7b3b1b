"""Clinician HTML pages: a report with the patient's demographics joined in, and two-person sign-off.

Browsers authenticate with the token in an HttpOnly, SameSite=Strict cookie set by ``/ui/login``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from clinwgs.ops.turnaround import LIMIT_DAYS, STAGES, TARGET_DAYS
from clinwgs.service.audit import verify_chain
from clinwgs.service.auth import Principal
from clinwgs.service.db import Database
from clinwgs.service.deps import (
    TOKEN_COOKIE,
    Auditor,
    AuditSince,
    Clinician,
    DbDep,
    Overseer,
    authenticate,
    require,
)
from clinwgs.service.models import AuditEventRow, FhirResource, Patient
from clinwgs.service.problems import error_responses
from clinwgs.service.reports import ensure_visible, latest, read_pdf, report_body, sign_off
from clinwgs.service.signing import PDF, FormName
from clinwgs.service.turnaround import worklist

router = APIRouter(
    prefix="/ui", tags=["clinician pages"], responses=error_responses(400, 401, 403, 404, 413, 422, 500, 503)
)
_SEE_OTHER: dict[int | str, dict[str, Any]] = {303: {"description": "done; redirect to the page to show"}}
_env = Environment(loader=PackageLoader("clinwgs.service", "templates"), autoescape=select_autoescape())
COMPONENT_FIELDS = {
    "48018-6": "gene",
    "48004-6": "c",
    "48005-3": "p",
    "53034-5": "zygosity",
    "53037-8": "classification",
}


def _component_value(comp: dict[str, Any]) -> str:
    concept = comp.get("valueCodeableConcept") or {}
    codings = concept.get("coding") or [{}]
    return str(concept.get("text") or codings[0].get("display") or codings[0].get("code") or "")


def _finding_rows(stored: list[FhirResource]) -> list[dict[str, str]]:
    """One row per variant: its own components plus the classification of the implication citing it."""
    observations = (
        json.loads(s.body) | {"_ref": f"Observation/{s.id}"}
        for s in stored
        if s.resource_type == "Observation"
    )
    by_ref = {o.pop("_ref"): o for o in observations if "hasMember" not in o}  # the 81247-9 panel: no row
    rows: dict[str, dict[str, str]] = {}
    for ref, obs in by_ref.items():
        if "derivedFrom" not in obs:
            rows.setdefault(ref, {})
        target = ref if "derivedFrom" not in obs else obs["derivedFrom"][0]["reference"]
        for comp in obs.get("component", []):
            field = COMPONENT_FIELDS.get(comp["code"]["coding"][0]["code"])
            if field:
                rows.setdefault(target, {})[field] = _component_value(comp)
    return list(rows.values())


def _page_context(db: Database, report_id: str, principal: Principal) -> dict[str, Any]:
    with db.read() as session:
        row = latest(session, report_id)
        request = ensure_visible(session, row, principal)
        patient = session.get(Patient, request.patient_id)
        assert patient is not None
        body = report_body(session, row)
        stored = list(session.query(FhirResource).filter(FhirResource.report_row_id == row.id))
        nhs = patient.nhs_number
        return {
            "row": row,
            "patient": patient,
            "body": body,
            "sample_id": row.specimen_id,
            "test_code": request.test_code,
            "requester_ods": request.ods_code,
            "nhs_number": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
            "birth_date": patient.birth_date.strftime("%d-%b-%Y"),
            "findings": _finding_rows(stored),
            "has_pdf": any(f.get("contentType") == PDF for f in body.get("presentedForm") or []),
            "signed": row.authorised_by is not None,
        }


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(report_id: str, db: DbDep, principal: Clinician) -> HTMLResponse:
    html = _env.get_template("report.html").render(**_page_context(db, report_id, principal))
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/reports/{report_id}/pdf")
def report_pdf(report_id: str, db: DbDep, principal: Clinician, form: FormName = "current") -> Response:
    """The newest version's PDF: the signed one once authorised (``?form=preliminary``: as published)."""
    pdf, _title = read_pdf(db, report_id, principal, None, form)
    return Response(pdf, media_type="application/pdf", headers={"Cache-Control": "no-store"})


async def _form(request: Request) -> dict[str, str]:
    parsed = parse_qs((await request.body()).decode(errors="replace"))
    return {k: v[0] for k, v in parsed.items()}


@router.post("/reports/{report_id}/sign-off", responses={**_SEE_OTHER, **error_responses(409, 412, 428)})
async def sign_off_form(
    report_id: str,
    request: Request,
    db: DbDep,
    principal: Annotated[Principal, Depends(require("clinician"))],
) -> Response:
    form = await _form(request)
    templates = request.app.state.settings.report_templates
    await run_in_threadpool(
        partial(sign_off, templates=templates),
        db,
        report_id,
        form.get("step", ""),
        form.get("version"),
        principal,
    )
    return RedirectResponse(f"/ui/reports/{report_id}", status_code=303)


@router.get("/", response_class=HTMLResponse)
def worklist_page(db: DbDep, principal: Overseer) -> HTMLResponse:
    """The landing page: the organisation's samples (an auditor: all) and their turnaround, at risk first."""
    now = datetime.now(UTC)
    with db.read() as session:
        rows = worklist(session, principal, now)
    html = _env.get_template("worklist.html").render(
        rows=rows,
        stages=STAGES,
        now=now.strftime("%Y-%m-%d %H:%M"),
        target_days=TARGET_DAYS,
        limit_days=LIMIT_DAYS,
        user=principal.user,
        role=principal.role,
        ods=principal.ods_code,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/login", response_class=HTMLResponse)
def login_page(next: str = "/ui/") -> HTMLResponse:
    return HTMLResponse(_env.get_template("login.html").render(next=next))


@router.post("/login", responses=_SEE_OTHER)
async def login(request: Request, db: DbDep) -> Response:
    form = await _form(request)
    token = form.get("token", "")
    await run_in_threadpool(authenticate, request, db, token)
    target = form.get("next", "/ui/")
    response = RedirectResponse(target if target.startswith("/ui/") else "/ui/", status_code=303)
    production = request.app.state.settings.environment == "production"
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", secure=production)
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit_page(db: DbDep, _p: Auditor, request: Request, since: AuditSince = 0) -> HTMLResponse:
    """The audit log for auditors (latest 500 events after ``since``), with the chain's verification."""
    trail = request.app.state.audit
    with db.read() as session:
        problems = verify_chain(session, trail.key, trail.checkpoints.path)
        events = list(
            session.execute(
                select(AuditEventRow)
                .where(AuditEventRow.seq > max(since, 0))
                .order_by(AuditEventRow.seq)
                .limit(500)
            ).scalars()
        )
    html = _env.get_template("audit.html").render(
        events=events,
        problems=problems,
        first=events[0].seq if events else 0,
        last=events[-1].seq if events else 0,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
