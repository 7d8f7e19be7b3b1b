"""Against a real uvicorn server: 50 concurrent identical publishes -> one report; concurrent amendments
lose nothing and duplicate nothing."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from clinwgs.service.audit import verify_chain
from clinwgs.service.models import FhirResource, Report
from clinwgs.service.seed import DEMO_ODS
from clinwgs.service.storage import content_hash
from tests.service.service_support import Harness, bundle_for, samples_by_ods


def test_fifty_concurrent_identical_publishes_make_one_report(live_service: Harness) -> None:
    assert live_service.live is not None
    url, headers = live_service.live.url, live_service.auth("pipeline")
    bundle = bundle_for(samples_by_ods(live_service)[DEMO_ODS])
    start = threading.Barrier(50)

    def post(_: int) -> httpx.Response:
        with httpx.Client(timeout=120) as client:
            start.wait()
            return client.post(f"{url}/fhir", json=bundle, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(post, range(50)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 49 + [201], [r.text for r in responses if r.status_code >= 300][:3]
    assert len({r.json()["report_id"] for r in responses}) == 1
    with live_service.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        resources = session.scalar(select(func.count()).select_from(FhirResource))
        assert resources == len(bundle["entry"]) + 1  # the bundle's resources + one service Provenance
        assert verify_chain(session) == []


def _amend_until_accepted(
    url: str, headers: dict[str, str], report_id: str, sample: str, variant: int
) -> int:
    """Read the current version, amend with If-Match; on 412 read again. Returns the attempts used."""
    with httpx.Client(timeout=120) as client:
        for attempt in range(1, 200):
            etag = client.get(f"{url}/fhir/DiagnosticReport/{report_id}", headers=headers).headers["ETag"]
            response = client.put(
                f"{url}/fhir/DiagnosticReport/{report_id}",
                json=bundle_for(sample, variant=variant),
                headers={**headers, "If-Match": etag},
            )
            if response.status_code == 201:
                return attempt
            assert response.status_code == 412, response.text
    raise AssertionError("amendment never accepted")


def test_concurrent_amendments_lose_and_duplicate_nothing(live_service: Harness) -> None:
    assert live_service.live is not None
    url, headers = live_service.live.url, live_service.auth("pipeline")
    sample = samples_by_ods(live_service)[DEMO_ODS]
    report_id = httpx.post(f"{url}/fhir", json=bundle_for(sample), headers=headers, timeout=60).json()[
        "report_id"
    ]
    variants = [1 + i for i in range(16)]  # 16 distinct amendments from 8 concurrent writers
    with ThreadPoolExecutor(max_workers=8) as pool:
        attempts = list(
            pool.map(lambda v: _amend_until_accepted(url, headers, report_id, sample, v), variants)
        )
    assert len(attempts) == len(variants)
    with live_service.db.read() as session:
        rows = (
            session.execute(select(Report).where(Report.report_id == report_id).order_by(Report.version))
            .scalars()
            .all()
        )
    assert [r.version for r in rows] == list(range(1, len(variants) + 2))
    expected = [content_hash(bundle_for(sample, variant=v)) for v in [0, *variants]]
    assert sorted(r.content_hash for r in rows) == sorted(expected)  # each amendment exactly once
