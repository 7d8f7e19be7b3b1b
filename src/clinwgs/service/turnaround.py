"""Turnaround as the record service sees it: each registered sample's stage times, against the GMS target.

received   the test request's ``received_at`` (registration)
started    ``performedPeriod.start`` of the first report version's genomic-study-analysis Procedure (the
finished   workflow's first step start and last step end, from its provenance manifest) and ``.end``
reported   the first report version's ``created_at``
authorised the newest version's ``authorised_at``

The milestones, states and ordering are ``clinwgs.turnaround``'s (the same as ``clinwgs status``).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clinwgs.fhir.study import analysis_period
from clinwgs.service.auth import Principal
from clinwgs.service.models import FhirResource, Report, TestRequest
from clinwgs.turnaround import Assessment, Timeline, assess, aware_utc, ranked

SOURCE = "record service"
ANALYSIS_PROFILE = "genomic-study-analysis"


def _analysis_period(session: Session, report: Report) -> tuple[datetime, datetime] | None:
    procedures = session.execute(
        select(FhirResource.body).where(
            FhirResource.report_row_id == report.id, FhirResource.resource_type == "Procedure"
        )
    ).scalars()
    for body in procedures:
        resource = json.loads(body)
        if any(p.endswith(ANALYSIS_PROFILE) for p in resource.get("meta", {}).get("profile", [])):
            return analysis_period(resource)
    return None


def service_timelines(session: Session, ods_code: str | None = None) -> list[Timeline]:
    """One timeline per registered test request (only ``ods_code``'s when given), by sample ID."""
    query = select(TestRequest).order_by(TestRequest.sample_id)
    if ods_code is not None:
        query = query.where(TestRequest.ods_code == ods_code)
    timelines = []
    for request in session.execute(query).scalars():
        timeline = Timeline(request.sample_id)
        timeline.set("received", aware_utc(request.received_at), SOURCE)
        versions = list(
            session.execute(
                select(Report).where(Report.test_request_id == request.id).order_by(Report.version)
            ).scalars()
        )
        if versions:
            first, newest = versions[0], versions[-1]
            period = _analysis_period(session, first)
            if period is not None:
                timeline.set("started", period[0], SOURCE)
                timeline.set("finished", period[1], SOURCE)
            timeline.set("reported", aware_utc(first.created_at), SOURCE)
            if newest.authorised_at is not None:
                timeline.set("authorised", aware_utc(newest.authorised_at), SOURCE)
        timelines.append(timeline)
    return timelines


def worklist(session: Session, principal: Principal, now: datetime) -> list[tuple[Assessment, str | None]]:
    """The principal's samples (a clinician: their organisation's; an auditor: all), at risk first, each
    with its report ID when one has been published."""
    ods = principal.ods_code if principal.role == "clinician" else None
    published = select(TestRequest.sample_id, Report.report_id).join(
        Report, Report.test_request_id == TestRequest.id
    )
    report_ids: dict[str, str] = {sample: report_id for sample, report_id in session.execute(published)}
    assessed = ranked([assess(t, now) for t in service_timelines(session, ods)])
    return [(a, report_ids.get(a.timeline.sample)) for a in assessed]
