"""The validation pack end to end: simulated controls + GIAB reads through the real workflow (minimap2),
scored, thresholds applied, dated report written. One workflow run shared by the assertions (~2-4 min)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from clinwgs.cli import main
from clinwgs.core import layout
from tests.support.tools import require

REPO = Path(__file__).resolve().parents[2]
CONTROL_TYPES = {"snv_stop_gained", "snv_missense", "deletion", "duplication", "splice_canonical",
                 "benign_snv"}

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, dict[str, Any]]:
    for tool in ("minimap2", "samtools", "bcftools", "fastp"):
        require(shutil.which(tool), f"{tool} (make system-deps)")
    out = tmp_path_factory.mktemp("validation")
    code = main(["validate-pipeline", "--config", str(REPO / "config" / "validation.yaml"),
                 "--repo", str(REPO), "--aligner", "minimap2", "--cores", "2", "--output-dir", str(out)])
    runs = sorted(p for p in out.iterdir() if re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}Z", p.name))
    assert len(runs) == 1 and (out / "resources").is_dir()  # indexes shared by later validation runs
    return code, runs[0], json.loads((runs[0] / "validation_report.json").read_text())


def test_report_is_dated_and_verdict_matches_exit_code(pack: tuple[int, Path, dict[str, Any]]) -> None:
    code, run_dir, report = pack
    assert report["date_utc"].startswith(run_dir.name[:10])
    assert report["verdict"] == ("PASS" if all(c["passed"] for c in report["criteria"]) else "FAIL")
    assert code == (0 if report["verdict"] == "PASS" else 1)
    md = (run_dir / "validation_report.md").read_text()
    assert md.startswith(f"# clinwgs validation pack: {report['verdict']}")
    assert "controls sensitivity deletion" in (run_dir / "validation_report.html").read_text()


def test_giab_scored_with_counts(pack: tuple[int, Path, dict[str, Any]]) -> None:
    giab = pack[2]["giab"]
    assert giab["confident"]["snv"]["truth_total"] == 45 and giab["confident"]["indel"]["truth_total"] == 4
    # 221 truth records (the comparator counts records: the 1|2 site at chr20:10004223 is one)
    assert giab["all_truth"]["snv"]["truth_total"] + giab["all_truth"]["indel"]["truth_total"] == 221
    # the real reads at ~50x: most SNVs must be found (a broken workflow gives ~0)
    assert giab["confident"]["snv"]["tp_truth"] >= 40


def test_every_control_type_measured(pack: tuple[int, Path, dict[str, Any]]) -> None:
    report = pack[2]
    assert set(report["control_outcomes"]) == CONTROL_TYPES
    measured = {c["name"]: c for c in report["criteria"]}
    for kind in CONTROL_TYPES:
        assert measured[f"controls sensitivity {kind}"]["measured"] is not None
    # seeded 30x simulated reads: the pathogenic frameshift deletion must be found
    assert report["control_outcomes"]["deletion"]["tp"] == 1


def test_bare_caller_delta_reported(pack: tuple[int, Path, dict[str, Any]]) -> None:
    report = pack[2]
    assert any(c["name"].startswith("dF1 loss") for c in report["criteria"])
    assert report["bare_caller"]["commands"][0].startswith("bcftools mpileup")


def test_missing_controls_vcf_is_refused_before_running(tmp_path: Path) -> None:
    config = (REPO / "config" / "validation.yaml").read_text().replace(
        "reference/controls/brca1_controls.vcf", "reference/controls/absent.vcf")
    path = tmp_path / "validation.yaml"
    path.write_text(config)
    assert main(["validate-pipeline", "--config", str(path), "--repo", str(REPO),
                 "--output-dir", str(tmp_path / "out")]) != 0
    assert not (tmp_path / "out").exists()


def test_every_stage_ran_but_nothing_was_published(pack: tuple[int, Path, dict[str, Any]]) -> None:
    """Validation samples are not patients: the pack runs the analysis to its manifest, never publishes."""
    _, run_dir, _ = pack
    results = run_dir / "work" / "results"
    samples = sorted(p.name for p in results.iterdir() if p.is_dir() and p.name not in layout.NOT_SAMPLES)
    assert len(samples) == 2
    for sample in samples:
        assert (results / sample / "report" / f"{sample}.report.json").is_file()
        assert (results / sample / "manifest.json").is_file()
        assert not (results / sample / "publish").exists()
