"""``clinwgs publish``: service down -> clear message, results untouched; later -> exactly one report."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from clinwgs.cli import main as cli_main
from clinwgs.service.main import BackgroundService, start_background
from clinwgs.service.models import Report
from clinwgs.service.seed import DEMO_ODS
from tests.service.service_support import Harness, dead_url, make_results, make_settings, samples_by_ods

TOKEN_ENV = "CLINWGS_TEST_PUBLISH_TOKEN"


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _argv(results: Path, sample: str, url: str, *extra: str) -> list[str]:
    return [
        "publish",
        "--sample",
        sample,
        "--results",
        str(results),
        "--url",
        url,
        "--token-env",
        TOKEN_ENV,
        "--retries",
        "2",
        "--backoff",
        "0.01",
        *extra,
    ]


def test_service_down_exits_with_a_clear_message_and_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "some-token")
    results = make_results(tmp_path / "results", "SDOWN0001")
    before = tree(results)
    assert cli_main(_argv(results, "SDOWN0001", dead_url())) == 3
    err = capsys.readouterr().err
    assert "unreachable after 3 attempt(s)" in err and "results are untouched" in err
    assert tree(results) == before


def test_rule_mode_writes_a_not_published_receipt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv(TOKEN_ENV, "some-token")
    results = make_results(tmp_path / "results", "SDOWN0002")
    before = tree(results)
    assert cli_main(_argv(results, "SDOWN0002", dead_url(), "--receipt-on-failure")) == 0
    after = tree(results)
    receipt_path = "SDOWN0002/publish/receipt.json"
    assert set(after) - set(before) == {receipt_path} and all(after[k] == v for k, v in before.items())
    receipt = json.loads((results / receipt_path).read_text())
    assert receipt["published"] is False and "unreachable" in receipt["error"]


def test_missing_token_and_blocked_release_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    results = make_results(tmp_path / "results", "SBLOCK001", blocked=True)
    assert cli_main(_argv(results, "SBLOCK001", dead_url())) == 3
    assert TOKEN_ENV in capsys.readouterr().err
    monkeypatch.setenv(TOKEN_ENV, "some-token")
    assert cli_main(_argv(results, "SBLOCK001", dead_url())) == 3
    err = capsys.readouterr().err
    assert "release blocked" in err and "sex mismatch" in err and "SBLOCK001" in err


def test_later_publish_creates_exactly_one_report(
    live_service: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    assert live_service.live is not None
    monkeypatch.setenv(TOKEN_ENV, live_service.tokens["pipeline"])
    sample = samples_by_ods(live_service)[DEMO_ODS]
    results = make_results(tmp_path / "results", sample)
    assert cli_main(_argv(results, sample, dead_url(), "--receipt-on-failure")) == 0
    assert cli_main(_argv(results, sample, live_service.live.url)) == 0
    first = json.loads((results / sample / "publish" / "receipt.json").read_text())
    assert cli_main(_argv(results, sample, live_service.live.url)) == 0
    second = json.loads((results / sample / "publish" / "receipt.json").read_text())
    assert (first["published"], first["created"], second["created"]) == (True, True, False)
    assert first["report_id"] == second["report_id"]
    with live_service.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
    # a later failure (service down again) keeps the record of what the service already holds, twice over
    for _ in range(2):
        assert cli_main(_argv(results, sample, dead_url(), "--receipt-on-failure")) == 0
        failed = json.loads((results / sample / "publish" / "receipt.json").read_text())
        assert failed["published"] is False
        assert failed["previously_published"]["report_id"] == first["report_id"]


def test_retries_with_backoff_until_the_service_comes_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service starts 0.6 s after the first attempt; backoff (0.2, 0.4, 0.8 s ...) carries the publish."""
    import json

    from clinwgs.service.app import create_app
    from clinwgs.service.seed import seed_demo

    url = dead_url()
    results = make_results(tmp_path / "results", "SLATE0001")
    settings = make_settings(tmp_path)
    app = create_app(settings)
    monkeypatch.setenv(TOKEN_ENV, seed_demo(app.state.db, settings.token_pepper, ["SLATE0001"])["pipeline"])
    app.state.db.engine.dispose()
    started: list[BackgroundService] = []

    def start_late() -> None:
        time.sleep(0.6)
        started.append(start_background(port=int(url.rsplit(":", 1)[1]), settings=settings))

    thread = threading.Thread(target=start_late)
    thread.start()
    argv = _argv(results, "SLATE0001", url)
    argv[argv.index("--retries") + 1], argv[argv.index("--backoff") + 1] = "8", "0.2"
    rc = cli_main(argv)
    thread.join()
    started[0].stop()
    receipt = json.loads((results / "SLATE0001" / "publish" / "receipt.json").read_text())
    assert rc == 0 and receipt["created"] is True and receipt["attempts"] > 1


def test_demo_service_exports_the_token_and_lists_report_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinwgs.service.main import demo_links, start_demo_service

    monkeypatch.delenv("CLINWGS_SERVICE_TOKEN", raising=False)
    url = dead_url()
    handle = start_demo_service(["SDEMO0001", "SDEMO0002"], tmp_path / "svc", port=int(url.rsplit(":", 1)[1]))
    try:
        monkeypatch.setenv(
            "CLINWGS_SERVICE_TOKEN", os.environ["CLINWGS_SERVICE_TOKEN"]
        )  # restored afterwards
        results = make_results(tmp_path / "results", "SDEMO0001")
        argv = ["publish", "--sample", "SDEMO0001", "--results", str(results), "--url", handle.url]
        assert cli_main(argv) == 0
        links = demo_links(handle, results, ["SDEMO0001", "SDEMO0002"])
        assert links[0].startswith(f"  SDEMO0001: {handle.url}/ui/reports/")
        assert links[1] == "  SDEMO0002: not published (no receipt)"
        assert "dr.checker=" in links[2] and "pipeline" not in links[2]
    finally:
        handle.stop()
        os.environ.pop("CLINWGS_SERVICE_TOKEN", None)


def test_analysis_period_is_the_samples_own_steps(tmp_path: Path) -> None:
    """The period the published report carries: first start and last end of the sample's steps; a cached
    reference index built days earlier is not the start of this sample's analysis."""
    import json
    from datetime import UTC, datetime

    from clinwgs.core.errors import InputIntegrityError
    from clinwgs.publish.client import manifest_period

    steps = [
        {"rule": "index_bwa", "scope": "reference bundle", "start": "2026-11-20T08:00:00+00:00",
         "end": "2026-11-20T09:00:00+00:00"},
        {"rule": "check_inputs", "start": "2026-12-01T10:00:00+00:00", "end": "2026-12-01T10:05:00+00:00"},
        {"rule": "render_report", "start": "2026-12-01T14:00:00+00:00", "end": "2026-12-01T14:01:00+00:00"},
    ]  # fmt: skip
    path = tmp_path / "manifest.json"
    period = manifest_period(json.dumps({"steps": steps}).encode(), path, "S1")
    assert period == (datetime(2026, 12, 1, 10, tzinfo=UTC), datetime(2026, 12, 1, 14, 1, tzinfo=UTC))
    assert manifest_period(b'{"steps": []}', path, "S1") is None
    with pytest.raises(InputIntegrityError, match="not a provenance manifest"):
        manifest_period(b'{"steps": [{"start": "yesterday", "end": "today"}]}', path, "S1")


def test_publish_carries_the_report_stage_inputs(tmp_path: Path) -> None:
    """QC values and the identity section from report.json, the analysis manifest's provenance and the depth
    curve travel with the Bundle, so the service's signed report shows what the preliminary showed."""
    import base64
    import json

    from clinwgs.core import layout
    from clinwgs.core.errors import InputIntegrityError
    from clinwgs.models.report_inputs import ReportInputs
    from clinwgs.publish.client import PublishInputs, build_bundle, report_sources

    sample, root = "SINPUTS01", str(tmp_path)
    make_results(tmp_path, sample)
    identity = {"status": "confirmed", "lines": ["units agree"]}
    report_json = Path(layout.report(sample, "json", root))
    report_json.write_text(json.dumps({"qc": {"reads": 1000, "error_rate": 0.002}, "identity": identity}))
    Path(layout.analysis_manifest(sample, root)).write_text(
        json.dumps({"tools": {"bwa": {"version": "0.7"}}})
    )
    Path(layout.qc(sample, "panel.mosdepth.region.dist.txt", root)).parent.mkdir(parents=True)
    Path(layout.qc(sample, "panel.mosdepth.region.dist.txt", root)).write_text(
        "total\t0\t1.00\ntotal\t20\t0.95\n"
    )
    inputs = PublishInputs(
        sample_id=sample,
        findings=Path(layout.findings(sample, root)),
        pdf=Path(layout.report(sample, "pdf", root)),
        manifest=None,
        receipt=Path(layout.receipt(sample, root)),
        **report_sources(sample, root),
    )
    report = build_bundle(inputs)["entry"][0]["resource"]
    carried = ReportInputs.model_validate_json(base64.b64decode(report["presentedForm"][1]["data"]))
    assert carried.qc == {"reads": 1000.0, "error_rate": 0.002} and carried.identity == identity
    assert carried.provenance is not None and carried.provenance["tools"] == {"bwa": "0.7"}
    assert carried.depth_points == [(0.0, 1.0), (20.0, 0.95)]
    assert carried.findings.sample_id == sample
    report_json.write_text("[1, 2]")
    with pytest.raises(InputIntegrityError, match="not a report JSON"):
        build_bundle(inputs)


def test_a_changed_report_is_refused_then_sent_as_an_amendment(
    live_service: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A re-analysis that changes the report never overwrites the record: a plain publish is refused (409),
    --amend creates version 2 linked to version 1, and repeating it duplicates nothing."""
    import json
    from datetime import UTC, datetime

    from clinwgs.models.findings import Findings

    assert live_service.live is not None
    url = live_service.live.url
    monkeypatch.setenv(TOKEN_ENV, live_service.tokens["pipeline"])
    sample = samples_by_ods(live_service)[DEMO_ODS]
    results = make_results(tmp_path / "results", sample)
    assert cli_main(_argv(results, sample, url)) == 0
    first = json.loads((results / sample / "publish" / "receipt.json").read_text())
    assert cli_main(_argv(results, sample, url, "--amend")) == 0  # identical content: nothing new
    assert json.loads((results / sample / "publish" / "receipt.json").read_text())["created"] is False

    path = results / sample / "interpret" / "findings.json"
    findings = Findings.model_validate_json(path.read_text())
    path.write_text(
        findings.model_copy(update={"generated_at": datetime(2026, 12, 1, tzinfo=UTC)}).model_dump_json()
    )
    capsys.readouterr()
    assert cli_main(_argv(results, sample, url)) == 3
    assert "HTTP 409" in capsys.readouterr().err
    assert cli_main(_argv(results, sample, url, "--receipt-on-failure")) == 0  # as the workflow rule runs it
    refused = json.loads((results / sample / "publish" / "receipt.json").read_text())
    assert (refused["published"], refused["http_status"]) == (False, 409)
    for created in (True, False):
        assert cli_main(_argv(results, sample, url, "--amend")) == 0
        receipt = json.loads((results / sample / "publish" / "receipt.json").read_text())
        assert (receipt["created"], receipt["version"], receipt["report_id"]) == (
            created,
            2,
            first["report_id"],
        )
        assert receipt["amended_from_version"] == (1 if created else 2)
    with live_service.db.read() as session:
        versions = session.execute(select(Report.version).order_by(Report.version)).scalars().all()
    assert versions == [1, 2]
    provenance = httpx.get(
        f"{url}/fhir/Provenance",
        params={"target": f"DiagnosticReport/{first['report_id']}"},
        headers=live_service.auth("checker"),
    ).json()
    assert f"DiagnosticReport/{first['report_id']}/_history/1" in json.dumps(provenance)
