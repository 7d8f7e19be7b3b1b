"""`clinwgs demo`, the new user's first run, end to end on a copy of the repository (minimap2, so no bwa
index): every sample gets its VCF and report, the embedded record service receives every releasable report,
the positive control's report carries the Tier 1 BRCA1 finding, and no identifier of the demo's fictitious
patients appears in any workflow file, path or log."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from clinwgs.publish.client import PublishInputs, build_bundle, report_sources
from clinwgs.service.seed import demo_patient
from tests.service.service_support import find_identifier_leaks, identifier_strings

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ["PC001", "PC002", "HG00096", "HG00099", "HG00101", "NA12878", "TRIO01P", "TRIO01F", "TRIO01M"]
# what a fresh clone holds (runtime folders and the venv are not copied)
SKIP = shutil.ignore_patterns(
    ".git", ".venv", "results", "resources", "logs", ".snakemake", "__pycache__", ".tmp"
)
pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_runs_every_stage_and_publishes_into_its_service(tmp_path: Path) -> None:
    clone = tmp_path / "clinwgs"
    shutil.copytree(REPO, clone, ignore=SKIP)
    config_path = clone / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    port = _free_port()
    config["publish"]["url"] = f"http://127.0.0.1:{port}"  # the demo starts its service on this URL
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    data_home = tmp_path / "xdg"
    env = {
        **os.environ,
        "PYTHONPATH": str(clone / "src"),  # the copy's package, so the demo runs in the copy
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "XDG_DATA_HOME": str(data_home),
    }
    env.pop("CLINWGS_SERVICE_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "clinwgs.cli", "demo", "--cores", "2", "--aligner", "minimap2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "finished with status 0" in out

    for sample in SAMPLES:
        assert f"{sample:8s} results/{sample}/  (annotated VCF: ok, report: ok)" in out
        assert (clone / "results" / sample / "manifest.json").is_file()
    # NA12878: GRCh37 chr20 without gene models -> "analysis incomplete", blocked
    releasable = [s for s in SAMPLES if s != "NA12878"]
    for sample in releasable:
        receipt = json.loads((clone / "results" / sample / "publish" / "receipt.json").read_text())
        assert receipt["published"] is True, receipt
        assert f"{sample}: http://127.0.0.1:{port}/ui/reports/{receipt['report_id']}" in out
    blocked = json.loads((clone / "results" / "NA12878" / "publish" / "receipt.json").read_text())
    assert blocked["published"] is False and "release blocked" in blocked["error"]

    pc001 = json.loads((clone / "results" / "PC001" / "interpret" / "findings.json").read_text())
    (tier1,) = [f for f in pc001["findings"] if f["tier"] == "Tier 1"]
    assert tier1["annotation"]["gene"] == "BRCA1" and tier1["annotation"]["hgvs_p"] == "p.(Glu23ValfsTer17)"
    for sample in ("HG00096", "HG00099", "HG00101"):
        found = json.loads((clone / "results" / sample / "interpret" / "findings.json").read_text())
        assert not [f for f in found["findings"] if f["tier"] == "Tier 1"]
    # the trio FAM001 (issue 16): family outputs, and the proband's de novo pathogenic BRCA1 SNV is Tier 1
    family = clone / "results" / "families" / "FAM001"
    assert (family / "qc" / "FAM001.family_qc.json").is_file() and (family / "pedigree.json").is_file()
    proband = json.loads((clone / "results" / "TRIO01P" / "interpret" / "findings.json").read_text())
    assert [f for f in proband["findings"] if f["tier"] == "Tier 1" and f["variant"]["pos1"] == 43063946]

    # issue 13: a demo sample whose panel genes were not all fully assessed is never "Negative" in the record
    for sample in releasable:
        results = clone / "results"
        found = json.loads((results / sample / "interpret" / "findings.json").read_text())
        inputs = PublishInputs(
            sample_id=sample,
            findings=results / sample / "interpret" / "findings.json",
            pdf=results / sample / "report" / f"{sample}.report.pdf",
            manifest=results / sample / "manifest.json",
            receipt=tmp_path / f"{sample}.receipt.json",
            **report_sources(sample, str(results)),
        )
        bundle = json.dumps(build_bundle(inputs))
        assert not all(c["fully_assessed"] for c in found["coverage"]), sample  # none is, in the demo
        assert "LA6577-6" not in bundle, sample
        if not found["findings"] and not found["structural_findings"]:  # nothing reported: inconclusive,
            assert "LA9663-1" in bundle, sample  # naming the genes not fully assessed
        if sample == "PC002":  # issue 17: the BRCA1 exon 13 deletion makes the overall result positive
            assert found["structural_findings"] and "LA6576-8" in bundle, sample

    database = data_home / "clinwgs" / "demo-service" / "records.sqlite3"
    with sqlite3.connect(database) as db:
        published = sorted(row[0] for row in db.execute("SELECT specimen_id FROM reports"))
    assert published == sorted(releasable)
    needles = [
        s
        for i in range(len(SAMPLES))
        for s in identifier_strings(
            demo_patient(i).nhs_number, demo_patient(i).family_name, demo_patient(i).birth_date
        )
    ]
    for folder in ("results", "logs", ".snakemake"):  # every file the workflow wrote (timings: logs/timings)
        assert (clone / folder).is_dir()
        assert find_identifier_leaks(clone / folder, needles) == [], folder
