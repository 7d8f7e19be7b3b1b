"""clinwgs status: stage timestamps from results/ and the record service, milestones, at-risk ordering."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clinwgs.cli.status import main as cli_main
from clinwgs.ops.turnaround import State, Timeline, assess, collect, ranked
from clinwgs.service.turnaround import service_times

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def timeline(sample: str, **days: float) -> Timeline:
    t = Timeline(sample)
    for stage, d in days.items():
        t.set(stage, T0 + timedelta(days=d), "test")
    return t


@pytest.mark.parametrize(
    ("stages", "now_days", "state", "overdue"),
    [
        ({"received": 0}, 0.5, State.ON_TRACK, ()),
        ({"received": 0}, 1.5, State.AT_RISK, ("started",)),
        ({"received": 0, "started": 0.2}, 2.5, State.AT_RISK, ("finished",)),
        ({"received": 0, "started": 0.2, "finished": 1.0}, 4.0, State.ON_TRACK, ()),
        ({"received": 0, "started": 0.2, "finished": 1.0}, 5.5, State.AT_RISK, ("reported",)),
        (
            {"received": 0, "started": 0.2, "finished": 1.0, "reported": 3},
            10.5,
            State.BREACHED,
            ("authorised",),
        ),
        (
            {"received": 0, "started": 0.2, "finished": 1.0, "reported": 3, "authorised": 6.9},
            30,
            State.DONE,
            (),
        ),
        (
            {"received": 0, "started": 0.2, "finished": 1.0, "reported": 3, "authorised": 8},
            30,
            State.DONE_LATE,
            (),
        ),
        ({"received": 0, "reported": 3, "authorised": 11}, 30, State.BREACHED, ()),
        ({"started": 0.2}, 3, State.UNKNOWN, ()),
    ],
)
def test_assess_milestones(
    stages: dict[str, float], now_days: float, state: State, overdue: tuple[str, ...]
) -> None:
    result = assess(timeline("S001", **stages), T0 + timedelta(days=now_days))
    assert result.state is state
    assert result.overdue == overdue


def test_authorised_sample_elapsed_days_stop_at_authorisation() -> None:
    result = assess(timeline("S001", received=0, authorised=6), T0 + timedelta(days=40))
    assert result.elapsed_days == pytest.approx(6.0)


def test_ranked_lists_breached_and_at_risk_first_least_time_left_first() -> None:
    now = T0 + timedelta(days=6)
    samples = [
        timeline("DONE1", received=0, authorised=5),
        timeline("OK01", received=5.5),
        timeline("RISK2", received=3),  # not started after 3 days
        timeline("RISK1", received=1, started=1.1),  # 5 days in, not finished
        timeline("LATE1", received=-5),  # 11 days, open
    ]
    order = [a.timeline.sample for a in ranked([assess(t, now) for t in samples])]
    assert order == ["LATE1", "RISK1", "RISK2", "OK01", "DONE1"]


def _touch(path: Path, when: datetime, text: str = "x") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when.timestamp(), when.timestamp()))


def make_results(root: Path) -> None:
    """results/S001 with a timing file (60 s step), manifest.json and a publish receipt; its input FASTQs."""
    _touch(root / "data" / "S001.R1.fq.gz", T0)
    _touch(root / "data" / "S001.R2.fq.gz", T0 + timedelta(minutes=5))
    (root / "units.tsv").write_text(
        "sample_id\tunit_id\tplatform\tfq1\tfq2\tbam\n"
        f"S001\tL1\tILLUMINA\t{root}/data/S001.R1.fq.gz\t{root}/data/S001.R2.fq.gz\t\n"
        f"S002\tL1\tILLUMINA\t{root}/data/missing.R1.fq.gz\t{root}/data/missing.R2.fq.gz\t\n"
    )
    bench_end = T0 + timedelta(hours=20)
    _touch(
        root / "logs" / "timings" / "align_reads" / "S001.L1.tsv",
        bench_end,
        "s\th:m:s\tmax_rss\n60.0\t0:01:00\t512\n",
    )
    finished = T0 + timedelta(days=1)
    manifest = {"created_at": finished.isoformat()}
    _touch(root / "results" / "S001" / "manifest.json", finished, json.dumps(manifest))
    receipt = {"published": True, "published_at": (T0 + timedelta(days=2)).isoformat()}
    _touch(
        root / "results" / "S001" / "publish" / "receipt.json", T0 + timedelta(days=3), json.dumps(receipt)
    )
    (root / "results" / "multiqc").mkdir()


def test_collect_reads_stage_times_from_results(tmp_path: Path) -> None:
    make_results(tmp_path)
    found = {
        t.sample: t
        for t in collect(tmp_path / "results", tmp_path / "logs" / "timings", tmp_path / "units.tsv", None)
    }
    assert sorted(found) == ["S001", "S002"]  # multiqc is not a sample; S002 is in units.tsv only
    s1 = found["S001"].times
    assert s1["received"] == T0 + timedelta(minutes=5)  # the newest input file
    assert s1["started"] == T0 + timedelta(hours=20) - timedelta(seconds=60)
    assert s1["finished"] == T0 + timedelta(days=1)
    assert s1["reported"] == T0 + timedelta(days=2)
    assert "authorised" not in s1
    assert found["S001"].sources["received"] == "input files"
    assert found["S002"].times == {}


def test_a_not_published_receipt_is_not_a_report(tmp_path: Path) -> None:
    make_results(tmp_path)
    receipt = {"published": False, "error": "release blocked, not published: sex mismatch"}
    (tmp_path / "results" / "S001" / "publish" / "receipt.json").write_text(json.dumps(receipt))
    found = {
        t.sample: t
        for t in collect(tmp_path / "results", tmp_path / "logs" / "timings", tmp_path / "units.tsv", None)
    }
    assert "reported" not in found["S001"].times
    assessed = assess(found["S001"], T0 + timedelta(days=6))
    assert assessed.state is State.AT_RISK and assessed.overdue == ("reported",)


def _service_db(path: Path) -> str:
    from sqlalchemy.orm import Session

    from clinwgs.service.db import make_engine, migrate
    from clinwgs.service.models import Patient, Report, TestRequest

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session, session.begin():
        patient = Patient(
            fhir_id="p1", nhs_number="9434765919", family_name="Test", given_name="Case",
            birth_date=date(1980, 1, 1), ods_code="RTH", created_at=T0,
        )  # fmt: skip
        session.add(patient)
        session.flush()
        request = TestRequest(
            request_id="r1", sample_id="S001", patient_id=patient.id, test_code="R208", ods_code="RTH",
            received_at=T0 - timedelta(days=1),
        )  # fmt: skip
        session.add(request)
        session.flush()
        for version, authorised in ((1, None), (2, T0 + timedelta(days=4))):
            session.add(
                Report(
                    report_id="dr1",
                    specimen_id="S001",
                    test_request_id=request.id,
                    version=version,
                    content_hash=str(version) * 64,
                    status="final",
                    created_at=T0 + timedelta(days=version + 1),
                    created_by="pipeline",
                    authorised_by="dr.a" if authorised else None,
                    authorised_at=authorised,
                )  # fmt: skip
            )
    engine.dispose()
    return url


def test_record_service_times_win_over_results(tmp_path: Path) -> None:
    make_results(tmp_path)
    url = _service_db(tmp_path / "service.db")
    assert service_times(url)["S001"] == {
        "received": T0 - timedelta(days=1),
        "reported": T0 + timedelta(days=2),  # first version
        "authorised": T0 + timedelta(days=4),  # newest version
    }
    (s1,) = [
        t
        for t in collect(
            tmp_path / "results", tmp_path / "logs" / "timings", tmp_path / "units.tsv", service_times(url)
        )
        if t.sample == "S001"
    ]
    assert s1.times["received"] == T0 - timedelta(days=1)
    assert s1.sources["received"] == "record service"
    assert s1.sources["finished"] == "manifest.json"
    assert assess(s1, T0 + timedelta(days=9)).state is State.DONE  # authorised 5 days after receipt


def test_status_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_results(tmp_path)
    now = (T0 + timedelta(days=7.5)).isoformat()
    argv = ["--results", str(tmp_path / "results"), "--timings", str(tmp_path / "logs" / "timings")]
    assert cli_main([*argv, "--units", str(tmp_path / "units.tsv"), "--now", now, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(s["sample"], s["state"]) for s in doc["samples"]] == [
        ("S001", "at risk"),
        ("S002", "no receipt time"),
    ]
    assert doc["samples"][0]["overdue"] == ["authorised"]


def test_status_cli_missing_units_sheet_names_the_file(tmp_path: Path) -> None:
    from clinwgs.core.errors import ConfigError

    with pytest.raises(ConfigError, match="nope.tsv"):
        cli_main(["--results", str(tmp_path), "--units", str(tmp_path / "nope.tsv")])
