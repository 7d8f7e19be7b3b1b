"""The publish rule completes with the service down; no NHS number, name or date of birth of a registered
test patient appears in any workflow file, path or log (this run's, and results/ + logs/ of a real run)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from clinwgs.cli import main as cli_main
from clinwgs.service.main import start_background
from clinwgs.service.models import FhirResource, Patient, Report
from clinwgs.service.seed import demo_patient
from tests.service.service_support import (
    dead_url,
    find_identifier_leaks,
    identifier_strings,
    make_results,
    make_settings,
)

REPO = Path(__file__).resolve().parents[2]
TOKEN_ENV = "CLINWGS_TEST_RULE_TOKEN"


def _snakemake(workdir: Path, target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "snakemake"
    return subprocess.run(
        [str(exe), "--cores", "1", "-d", str(workdir), "-s", str(workdir / "Snakefile"), target],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )


def test_publish_rule_survives_a_down_service_and_nothing_leaks(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    live = start_background(port=0, settings=settings, seed_sample_ids=["SRULE0001", "SRULE0002"])
    try:
        workdir = tmp_path / "wf"
        make_results(workdir / "results", "SRULE0001")
        (workdir / "config.yaml").write_text(
            json.dumps(
                {"publish": {"url": dead_url(), "token_env": TOKEN_ENV, "retries": 1, "backoff_s": 0.01}}
            )
        )
        (workdir / "Snakefile").write_text(  # RUN: what rules/common.smk provides (only .publish is read)
            'configfile: "config.yaml"\nfrom types import SimpleNamespace\n'
            "from clinwgs.config.models import PublishSection\n"
            'RUN = SimpleNamespace(publish=PublishSection.model_validate(config["publish"]))\n'
            f'include: "{REPO}/rules/publish.smk"\n'
        )
        env = {**os.environ, TOKEN_ENV: live.tokens["pipeline"]}
        run = _snakemake(workdir, "results/SRULE0001/publish/receipt.json", env)
        assert run.returncode == 0, run.stderr[-2000:]
        receipt = json.loads((workdir / "results/SRULE0001/publish/receipt.json").read_text())
        assert receipt["published"] is False
        assert "NOT published" in (workdir / "logs/publish_report/SRULE0001.log").read_text()
        # later, with the service up: exactly one report
        os.environ[TOKEN_ENV] = live.tokens["pipeline"]
        try:
            argv = [
                "publish",
                "--sample",
                "SRULE0001",
                "--results",
                str(workdir / "results"),
                "--url",
                live.url,
                "--token-env",
                TOKEN_ENV,
            ]
            assert cli_main(argv) == 0 and cli_main(argv) == 0
        finally:
            del os.environ[TOKEN_ENV]
        with live.db.read() as session:
            assert session.scalar(select(func.count()).select_from(Report)) == 1
            patients = session.execute(select(Patient)).scalars().all()
            provenance = (
                session.execute(select(FhirResource.body).where(FhirResource.resource_type == "Provenance"))
                .scalars()
                .all()
            )
        # the later publish found the sample's manifest itself and carries its sha256, as the rule does
        manifest_sha = hashlib.sha256((workdir / "results/SRULE0001/manifest.json").read_bytes()).hexdigest()
        assert (
            sum(manifest_sha in body for body in provenance) == 1
        )  # the pipeline's; the service adds its own
        needles = [s for p in patients for s in identifier_strings(p.nhs_number, p.family_name, p.birth_date)]
        assert len(patients) == 2 and needles
        assert find_identifier_leaks(workdir, needles) == []
    finally:
        live.stop()


def test_scanner_finds_a_planted_identifier(tmp_path: Path) -> None:
    """The scan itself can fail: a planted NHS number (spaced, gzipped) and a name in a path are found."""
    import gzip

    patient = demo_patient(0)
    needles = identifier_strings(patient.nhs_number, patient.family_name, patient.birth_date)
    (tmp_path / "logs").mkdir()
    spaced = f"{patient.nhs_number[:3]} {patient.nhs_number[3:6]} {patient.nhs_number[6:]}"
    (tmp_path / "logs" / "x.log.gz").write_bytes(gzip.compress(f"patient {spaced}".encode()))
    (tmp_path / f"{patient.family_name}.txt").write_text("ok")
    hits = find_identifier_leaks(tmp_path, needles)
    assert any("x.log.gz: content" in h for h in hits) and any("name contains" in h for h in hits)


# The scan of a real run's results/, logs/, benchmarks/ and .snakemake/ is in test_service_demo.py (the demo
# on a fresh copy) and test_service_workflow_publish.py: each scans the run it made, so it cannot skip.
