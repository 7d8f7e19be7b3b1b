"""Turnaround as the record service sees it: each registered sample's stage times, against the GMS target.

received   the test request's ``received_at`` (registration)
started    ``performedPeriod.start`` of the first report version's genomic-study-analysis Procedure (the
finished   workflow's first step start and last step end, from its provenance manifest) and ``.end``
reported   the first report version's ``created_at``
authorised the newest version's ``authorised_at``

The milestones, states and ordering are ``clinwgs.ops.turnaround``'s (the same as ``clinwgs status``).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from clinwgs.fhir.study import analysis_period
from clinwgs.ops.turnaround import Assessment, Timeline, assess, aware_utc, ranked
from clinwgs.service.auth import Principal
from clinwgs.service.models import FhirResource, Report, TestRequest

SOURCE = "record service"
ANALYSIS_PROFILE = "genomic-study-analysis"


def _analysis_periods(session: Session, ods_code: str | None) -> dict[int, tuple[datetime, datetime]]:
    """Report row id -> analysis period, for every first report version (one query)."""
    query = (
        select(FhirResource.report_row_id, FhirResource.body)
        .join(Report, FhirResource.report_row_id == Report.id)
        .join(TestRequest, Report.test_request_id == TestRequest.id)
        .where(FhirResource.resource_type == "Procedure", Report.version == 1)
    )
    if ods_code is not None:
        query = query.where(TestRequest.ods_code == ods_code)
    periods = {}
    for row_id, body in session.execute(query):
        resource = json.loads(body)
        if any(p.endswith(ANALYSIS_PROFILE) for p in resource.get("meta", {}).get("profile", [])):
            period = analysis_period(resource)
            if period is not None:
                periods[row_id] = period
    return periods


def _timelines_and_reports(session: Session, ods_code: str | None) -> list[tuple[Timeline, str | None]]:
    """One timeline per registered test request (only ``ods_code``'s when given), by sample ID, with the
    report ID once one is published. Three queries, whatever the number of samples."""
    requests = select(TestRequest).order_by(TestRequest.sample_id)
    reports = (
        select(Report).join(TestRequest, Report.test_request_id == TestRequest.id).order_by(Report.version)
    )
    if ods_code is not None:
        requests = requests.where(TestRequest.ods_code == ods_code)
        reports = reports.where(TestRequest.ods_code == ods_code)
    versions: dict[int, list[Report]] = {}
    for report in session.execute(reports).scalars():
        versions.setdefault(report.test_request_id, []).append(report)
    periods = _analysis_periods(session, ods_code)
    out: list[tuple[Timeline, str | None]] = []
    for request in session.execute(requests).scalars():
        timeline = Timeline(request.sample_id)
        timeline.set("received", aware_utc(request.received_at), SOURCE)
        mine = versions.get(request.id, [])
        if mine:
            first, newest = mine[0], mine[-1]
            period = periods.get(first.id)
            if period is not None:
                timeline.set("started", period[0], SOURCE)
                timeline.set("finished", period[1], SOURCE)
            timeline.set("reported", aware_utc(first.created_at), SOURCE)
            if newest.authorised_at is not None:
                timeline.set("authorised", aware_utc(newest.authorised_at), SOURCE)
        out.append((timeline, mine[0].report_id if mine else None))
    return out


def service_timelines(session: Session, ods_code: str | None = None) -> list[Timeline]:
    """One timeline per registered test request (only ``ods_code``'s when given), by sample ID."""
    return [timeline for timeline, _ in _timelines_and_reports(session, ods_code)]


def worklist(session: Session, principal: Principal, now: datetime) -> list[tuple[Assessment, str | None]]:
    """The principal's samples (a clinician: their organisation's; an auditor: all), at risk first, each
    with its report ID when one has been published."""
    ods = principal.ods_code if principal.role == "clinician" else None
    rows = _timelines_and_reports(session, ods)
    report_ids = {timeline.sample: report_id for timeline, report_id in rows}
    assessed = ranked([assess(timeline, now) for timeline, _ in rows])
    return [(a, report_ids[a.timeline.sample]) for a in assessed]


def service_times(database_url: str) -> dict[str, dict[str, datetime]]:
    """Stage times per sample ID from the record service's database (read only): received, and for a
    published sample started/finished (the analysis period it carries), reported and authorised."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return {t.sample: dict(t.times) for t in service_timelines(session)}
    finally:
        engine.dispose()
