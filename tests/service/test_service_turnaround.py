"""Turnaround in the record service (issue 6): stage times per sample, against the 7-10 day target, at risk
first, through /api/turnaround and the /ui/ worklist, scoped by organisation; `clinwgs status` reads the same
times from the service's database. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from clinwgs.fhir import build_report_bundle
from clinwgs.service.models import TestRequest as RequestRow  # "Test*" would look like a test class
from clinwgs.service.seed import DEMO_ODS, demo_patient
from clinwgs.service.turnaround import service_times
from tests.service.service_support import OTHER_ODS, PDF, Harness, example_findings, samples_by_ods

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=9)


def _publish_with_period(service: Harness, sample: str) -> str:
    assert service.client is not None
    bundle = build_report_bundle(example_findings(sample, 2), PDF, "cd" * 32, (START, END))
    answer = service.client.post("/fhir", json=bundle, headers=service.auth("pipeline"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["report_id"])


def _received(service: Harness, sample: str, days_ago: float) -> None:
    with service.db.write() as session:
        request = session.execute(select(RequestRow).where(RequestRow.sample_id == sample)).scalar_one()
        request.received_at = datetime.now(UTC) - timedelta(days=days_ago)


def test_stage_times_at_risk_first_and_scoped_to_the_organisation(service: Harness) -> None:
    assert service.client is not None
    reported = samples_by_ods(service)[DEMO_ODS]
    report_id = _publish_with_period(service, reported)
    waiting = service.register(demo_patient(5))  # same organisation, received 6 days ago, no report yet
    _received(service, waiting, 6)
    _received(service, reported, 1)

    doc = service.client.get("/api/turnaround", headers=service.auth("checker")).json()
    samples = [s["sample"] for s in doc["samples"]]
    assert samples == [waiting, reported]  # at risk first; the other organisation's sample is not listed
    first, second = doc["samples"]
    assert first["state"] == "at risk" and first["overdue"] == ["started", "finished", "reported"]
    assert first["report_id"] is None
    assert second["state"] == "on track" and second["report_id"] == report_id
    assert (
        second["stages"]["started"] == START.isoformat() and second["stages"]["finished"] == END.isoformat()
    )
    assert set(second["stages"]) == {"received", "started", "finished", "reported"}
    assert doc["target_days"] == 7.0 and doc["limit_days"] == 10.0

    outsider = service.client.get("/api/turnaround", headers=service.auth("outsider")).json()
    assert [s["sample"] for s in outsider["samples"]] == [samples_by_ods(service)[OTHER_ODS]]
    auditor = service.client.get("/api/turnaround", headers=service.auth("auditor")).json()
    assert len(auditor["samples"]) == 3
    assert service.client.get("/api/turnaround", headers=service.auth("pipeline")).status_code == 403
    assert service.client.get("/api/turnaround").status_code == 401


def test_authorised_report_is_done_and_the_worklist_page_shows_it(service: Harness) -> None:
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    report_id = _publish_with_period(service, sample)
    url = f"/api/reports/{report_id}/sign-off"
    for user, step in (("checker", "check"), ("authoriser", "authorise")):
        answer = service.client.post(
            url, json={"step": step}, headers=service.auth(user, **{"If-Match": 'W/"1"'})
        )
        assert answer.status_code == 200, answer.text
    doc = service.client.get("/api/turnaround", headers=service.auth("checker")).json()
    (record,) = doc["samples"]
    assert record["state"] == "done" and "authorised" in record["stages"]

    page = service.client.get("/ui/", headers=service.auth("checker"))
    assert page.status_code == 200
    assert f'data-sample="{sample}"' in page.text and f"/ui/reports/{report_id}" in page.text
    assert ">done<" in page.text
    assert service.client.get("/ui/", headers=service.auth("pipeline")).status_code == 403


def test_clinwgs_status_reads_the_service_times(service: Harness) -> None:
    sample = samples_by_ods(service)[DEMO_ODS]
    _publish_with_period(service, sample)
    times = service_times(service.settings.resolved_database_url())
    assert times[sample]["started"] == START and times[sample]["finished"] == END
    assert set(times[sample]) == {"received", "started", "finished", "reported"}
    assert set(times) == set(service.samples)  # every registered sample, published or not
