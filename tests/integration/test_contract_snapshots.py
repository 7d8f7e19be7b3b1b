"""Snapshots of the contracts between stages for the positive control, compared field by field.

`clinwgs run` takes the seeded positive control PC001 (BRCA1 c.68_69delAG het, 30x; minimap2 + bcftools on the
real GRCh38_BRCA1 bundle) to its findings.json (interpret -> report/publish), its report JSON (report) and the
manifest; the FHIR Bundle is built from them exactly as `clinwgs publish` builds it. Each is compared with the
stored snapshot in tests/data/snapshots/ with volatile fields (times, UUIDs, digests, tool versions) masked
(tests/support/snapshots.py), so a change in any clinical field fails and names the field. After a deliberate
change: CLINWGS_UPDATE_SNAPSHOTS=1 pytest tests/integration/test_contract_snapshots.py, then review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clinwgs.fhir.bundle import validate_bundle
from clinwgs.publish.client import PublishInputs, build_bundle
from clinwgs.validation.simulate import simulate_positive_control
from tests.support.run_config import fastq_unit, write_run_config
from tests.support.snapshots import check_snapshot

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "data" / "snapshots"
SAMPLE = "PC001"
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def positive_control(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("snapshots")
    simulate_positive_control(REPO, work / SAMPLE)
    write_run_config(work, [f"{SAMPLE}\tfemale\tR208\tyes\tGRCh38_BRCA1"], [fastq_unit(SAMPLE, work)])
    results = work / "results" / SAMPLE
    targets = [f"results/{SAMPLE}/report/{SAMPLE}.report.json", f"results/{SAMPLE}/manifest.json"]
    command = [sys.executable, "-m", "clinwgs.cli", "run", "--configfile", "config.yaml", "--cores", "2"]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    done = subprocess.run(
        [*command, "--", *targets, "--quiet", "rules"],
        cwd=work, capture_output=True, text=True, check=False, env=env, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return results


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_findings_json_matches_its_snapshot(positive_control: Path) -> None:
    findings = _json(positive_control / "interpret" / "findings.json")
    assert check_snapshot(findings, SNAPSHOTS / "PC001.findings.json") == []


def test_report_json_matches_its_snapshot(positive_control: Path) -> None:
    report = _json(positive_control / "report" / f"{SAMPLE}.report.json")
    assert check_snapshot(report, SNAPSHOTS / "PC001.report.json") == []


def test_fhir_bundle_matches_its_snapshot(positive_control: Path) -> None:
    inputs = PublishInputs(
        sample_id=SAMPLE,
        findings=positive_control / "interpret" / "findings.json",
        pdf=positive_control / "report" / f"{SAMPLE}.report.pdf",
        manifest=positive_control / "manifest.json",
        receipt=positive_control / "publish" / "receipt.json",
    )
    bundle = build_bundle(inputs)
    validate_bundle(bundle)
    assert check_snapshot(bundle, SNAPSHOTS / "PC001.fhir-bundle.json") == []
