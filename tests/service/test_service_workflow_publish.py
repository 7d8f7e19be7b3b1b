"""The whole workflow, end to end, into a live record service.

`clinwgs run` on the real GRCh38_BRCA1 bundle (minimap2 + bcftools) with the seeded positive control PC001
(BRCA1 c.68_69delAG het, 30x over the locus) runs every stage, the last one publishing the report. Then:
the record holds one genomic report for PC001 with the Tier 1 BRCA1 frameshift, readable by a clinician of the
patient's organisation; its FHIR Provenance carries the sha256 of the sample's manifest, which verifies; a
second run publishes nothing new; and no identifier of the registered test patient appears in any workflow
file, path or log.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from clinwgs.provenance.verify import verify_manifest
from clinwgs.service.main import start_background
from clinwgs.service.models import Patient, Report
from clinwgs.validation.simulate import simulate_positive_control
from tests.service.service_support import find_identifier_leaks, identifier_strings, make_settings
from tests.support.run_config import fastq_unit, write_run_config

REPO = Path(__file__).resolve().parents[2]
SAMPLE = "PC001"
TOKEN_ENV = "CLINWGS_E2E_TOKEN"
pytestmark = pytest.mark.integration


def _config(work: Path, url: str) -> Path:
    publish = {"url": url, "token_env": TOKEN_ENV, "retries": 2, "backoff_s": 0.1}
    return write_run_config(
        work, [f"{SAMPLE}\tfemale\tR208\tno\tGRCh38_BRCA1"], [fastq_unit(SAMPLE, work)], publish=publish
    )


def _run(work: Path, config: Path, token: str, *more: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "clinwgs.cli", "run", "--configfile", str(config), "--cores", "2"]
    command += ["--", *more, "--quiet", "rules"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", TOKEN_ENV: token}
    return subprocess.run(
        command, cwd=work, capture_output=True, text=True, check=False, env=env, timeout=900
    )


def test_workflow_publishes_the_positive_control_report_with_its_manifest(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    live = start_background(port=0, settings=settings, seed_sample_ids=[SAMPLE])
    try:
        work = tmp_path / "work"
        work.mkdir()
        simulate_positive_control(REPO, work / "PC001")
        config = _config(work, live.url)
        done = _run(work, config, live.tokens["pipeline"])
        assert done.returncode == 0, done.stderr[-3000:]

        results = work / "results" / SAMPLE
        receipt = json.loads((results / "publish" / "receipt.json").read_text())
        assert receipt["published"] is True and receipt["created"] is True, receipt
        manifest_sha = hashlib.sha256((results / "manifest.json").read_bytes()).hexdigest()
        assert verify_manifest(results / "manifest.json", expected_sha256=manifest_sha).ok

        # what a clinician of the patient's organisation reads back from the record
        clinician = {"Authorization": f"Bearer {live.tokens['dr.checker']}"}
        report_id = receipt["report_id"]
        report = httpx.get(f"{live.url}/fhir/DiagnosticReport/{report_id}", headers=clinician).json()
        assert report["status"] == "preliminary" and "BRCA1" in report["conclusion"]
        observations = [
            httpx.get(f"{live.url}/fhir/{ref['reference']}", headers=clinician).json()
            for ref in report["result"]
        ]
        texts = json.dumps(observations)
        assert "p.(Glu23ValfsTer17)" in texts and "LA6706-1" in texts  # the frameshift, heterozygous
        provenance = httpx.get(
            f"{live.url}/fhir/Provenance",
            params={"target": f"DiagnosticReport/{report_id}"},
            headers=clinician,
        ).json()
        assert manifest_sha in json.dumps(provenance)

        # publishing again (the demo forces it) finds the identical report: nothing duplicated
        again = _run(work, config, live.tokens["pipeline"], "--forcerun", "publish_report")
        assert again.returncode == 0, again.stderr[-3000:]
        receipt = json.loads((results / "publish" / "receipt.json").read_text())
        assert receipt["published"] is True and receipt["created"] is False
        assert receipt["report_id"] == report_id
        with live.db.read() as session:
            assert session.scalar(select(func.count()).select_from(Report)) == 1
            patients = session.execute(select(Patient)).scalars().all()

        needles = [s for p in patients for s in identifier_strings(p.nhs_number, p.family_name, p.birth_date)]
        assert len(patients) == 1 and needles
        assert find_identifier_leaks(work, needles) == []
    finally:
        live.stop()
