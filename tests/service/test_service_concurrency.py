"""Against a real uvicorn server: 50 concurrent identical publishes -> one report; concurrent amendments
lose nothing and duplicate nothing; concurrent sign-offs keep the two-person rule."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from clinwgs.service.audit import verify_chain
from clinwgs.service.auth import create_token
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
        cfg = live_service.settings
        assert verify_chain(session, cfg.resolved_audit_key(), cfg.resolved_checkpoint_file()) == []


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


def test_fifty_concurrent_checks_one_wins_and_the_winner_cannot_authorise(live_service: Harness) -> None:
    """Two-person rule under concurrency: 50 clinicians press "check" at once on the same version; exactly
    one succeeds (the others get 409), ``checked_by`` is the winner, and the winner cannot authorise."""
    assert live_service.live is not None
    url = live_service.live.url
    sample = samples_by_ods(live_service)[DEMO_ODS]
    published = httpx.post(f"{url}/fhir", json=bundle_for(sample), headers=live_service.auth("pipeline"))
    report_id = published.json()["report_id"]
    with live_service.db.write() as session:
        tokens = {
            f"dr.race{i:02d}": create_token(
                session,
                user=f"dr.race{i:02d}",
                role="clinician",
                ods_code=DEMO_ODS,
                pepper=live_service.settings.token_pepper,
            )
            for i in range(50)
        }
    start = threading.Barrier(50)
    sign = f"{url}/api/reports/{report_id}/sign-off"

    def check(user: str) -> tuple[str, httpx.Response]:
        headers = {"Authorization": f"Bearer {tokens[user]}", "If-Match": 'W/"1"'}
        with httpx.Client(timeout=120) as client:
            start.wait()
            return user, client.post(sign, json={"step": "check"}, headers=headers)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(check, sorted(tokens)))
    winners = [user for user, response in answers if response.status_code == 200]
    assert len(winners) == 1, [(u, r.status_code) for u, r in answers]
    assert sorted(r.status_code for _, r in answers) == [200] + [409] * 49, [r.text for _, r in answers][:3]
    (winner,) = winners
    with live_service.db.read() as session:
        (row,) = session.execute(select(Report).where(Report.report_id == report_id)).scalars()
        assert (row.checked_by, row.authorised_by, row.status) == (winner, None, "preliminary")
    own = {"Authorization": f"Bearer {tokens[winner]}", "If-Match": 'W/"1"'}
    refused = httpx.post(sign, json={"step": "authorise"}, headers=own)
    assert refused.status_code == 409 and "different person" in refused.text
    loser = next(u for u in sorted(tokens) if u != winner)
    other = {"Authorization": f"Bearer {tokens[loser]}", "If-Match": 'W/"1"'}
    final = httpx.post(sign, json={"step": "authorise"}, headers=other)
    assert final.status_code == 200 and final.json()["status"] == "final"
    with live_service.db.read() as session:
        (row,) = session.execute(select(Report).where(Report.report_id == report_id)).scalars()
        assert (row.checked_by, row.authorised_by) == (winner, loser)


def test_concurrent_authorisations_one_wins(live_service: Harness) -> None:
    """Ten authorisers at once after one check: exactly one authorises, none overwrites it."""
    assert live_service.live is not None
    url = live_service.live.url
    sample = samples_by_ods(live_service)[DEMO_ODS]
    report_id = httpx.post(
        f"{url}/fhir", json=bundle_for(sample), headers=live_service.auth("pipeline")
    ).json()["report_id"]
    sign = f"{url}/api/reports/{report_id}/sign-off"
    checked = httpx.post(
        sign, json={"step": "check"}, headers=live_service.auth("checker", **{"If-Match": "1"})
    )
    assert checked.status_code == 200
    with live_service.db.write() as session:
        tokens = [
            create_token(
                session,
                user=f"dr.auth{i}",
                role="clinician",
                ods_code=DEMO_ODS,
                pepper=live_service.settings.token_pepper,
            )
            for i in range(10)
        ]
    start = threading.Barrier(10)

    def authorise(token: str) -> int:
        with httpx.Client(timeout=120) as client:
            start.wait()
            headers = {"Authorization": f"Bearer {token}", "If-Match": 'W/"1"'}
            return client.post(sign, json={"step": "authorise"}, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = sorted(pool.map(authorise, tokens))
    assert codes == [200] + [409] * 9
