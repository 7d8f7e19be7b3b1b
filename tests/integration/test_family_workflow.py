"""Family analysis through the real workflow (rules/family.smk) with the real tools.

- The real CEPH 1463 trio (tests/data/ceph_trio_chr20: NA12878=HG001 with her parents NA12891 and NA12892,
  HiSeq X reads over chr20:10.0-10.1 Mb, ~3x, on hs37d5 contig names so they are realigned to the
  GRCh37_chr20 bundle) runs through joint calling end to end: one joint VCF with one column per member named
  by sample_id, trio-dnm2 tags, and a family QC whose relatedness checks give their informative sites and,
  at that depth, say insufficient_data rather than pass or fail.
- A sample swap: the SIMULATED BRCA1 trio with the father's reads given as the proband's fails the family QC
  with a message naming the pair and the measured kinship, and the QC carries release blockers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

from clinwgs.core import layout
from clinwgs.validation.simulate import SimParams
from clinwgs.validation.simulate_trio import DEMO_TRIO, simulate_brca1_trio

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CEPH = ROOT / "tests" / "data" / "ceph_trio_chr20"
HEADER = "\t".join(
    [
        "sample_id",
        "sex",
        "test_code",
        "consent_additional_findings",
        "reference",
        "family_id",
        "relation",
        "father",
        "mother",
        "affected",
    ]
)


def _run(
    work: Path,
    bundle: str,
    trio: tuple[str, str, str],
    units: list[str],
    roots: list[Path],
    targets: list[str],
) -> subprocess.CompletedProcess[str]:
    proband, father, mother = trio
    rows = [
        f"{proband}\tfemale\tR208\tno\t{bundle}\tFAMX\tproband\t{father}\t{mother}\taffected",
        f"{father}\tmale\tR208\tno\t{bundle}\tFAMX\tfather\t\t\tunaffected",
        f"{mother}\tfemale\tR208\tno\t{bundle}\tFAMX\tmother\t\t\tunaffected",
    ]
    (work / "samples.tsv").write_text("\n".join([HEADER, *rows]) + "\n")
    (work / "units.tsv").write_text("\n".join(["sample_id\tunit_id\tplatform\tfq1\tfq2\tbam", *units]) + "\n")
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    cfg.update(
        samples="samples.tsv",
        units="units.tsv",
        bundles={bundle: str(ROOT / "reference" / bundle / "manifest.yaml")},
        aligner="minimap2",
        interpret={"panels": str(ROOT / "config" / "panels.yaml")},
        report={"templates": str(ROOT / "reports")},
        input_roots=[str(r) for r in roots],
    )
    (work / "config.yaml").write_text(yaml.safe_dump(cfg))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(ROOT / "Snakefile"),
            "--configfile",
            "config.yaml",
            "-c",
            "2",
            *targets,
            "--quiet",
            "rules",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )


def _qc(work: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((work / layout.family_qc("FAMX")).read_text())
    return data


def test_ceph_trio_joint_calling_end_to_end(tmp_path: Path) -> None:
    trio = ("HG001", "NA12891", "NA12892")
    units = [f"{s}\tL1\tILLUMINA\t\t\t{CEPH}/{s}.chr20.10_10p1mb_sorted.bam" for s in trio]
    targets = [layout.family_qc("FAMX"), layout.family_vcf("FAMX", "denovo")]
    done = _run(tmp_path, "GRCh37_chr20", trio, units, [CEPH], targets)
    assert done.returncode == 0, done.stderr[-3000:]
    with pysam.VariantFile(str(tmp_path / layout.family_vcf("FAMX", "denovo"))) as vcf:
        assert list(vcf.header.samples) == list(trio)
        assert "DNM" in vcf.header.formats and "DNM_CANDIDATE" in vcf.header.info
        records = list(vcf)
    assert len(records) > 50  # real variants of three people over 100 kb
    called = [r for r in records if all(r.samples[s]["GT"] not in ((None, None), None) for s in trio)]
    assert called, "no site genotyped in all three members"
    qc = _qc(tmp_path)
    relatedness = [c for c in qc["checks"] if c["name"] == "relatedness"]  # type: ignore[attr-defined]
    assert {c["subject"] for c in relatedness} == {"HG001-NA12891", "HG001-NA12892", "NA12891-NA12892"}
    for check in relatedness:
        sites = int(check["measured"].split(" over ")[1].split()[0].replace(",", ""))
        assert "informative sites" in check["measured"]
        # at ~3x too few sites reach the QC depth in all three: never a pass or fail on that evidence
        assert sites < 100 and check["status"] == "insufficient_data", check
    assert qc["status"] in {"insufficient_data", "fail"} and qc["release_blockers"]


@pytest.fixture(scope="module")
def swapped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The simulated BRCA1 trio (20x, seed 16) with the father's reads given as the proband's, run to the
    family QC."""
    work = tmp_path_factory.mktemp("swap")
    sim = simulate_brca1_trio(
        ROOT, work / "sim", params=SimParams(depth=20, seed=16), swap_proband_with="father"
    )
    ids = DEMO_TRIO
    units = [f"{s}\tL1\tILLUMINA\t{r1}\t{r2}\t" for s, (r1, r2) in sim.fastqs.items()]
    done = _run(
        work,
        "GRCh38_BRCA1",
        (ids.proband, ids.father, ids.mother),
        units,
        [work / "sim"],
        [layout.family_qc("FAMX")],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work


def test_a_swapped_proband_fails_family_qc_naming_the_pair(swapped: Path) -> None:
    ids = DEMO_TRIO
    qc = _qc(swapped)
    assert qc["status"] == "fail"
    checks = {c["subject"]: c for c in qc["checks"]}  # type: ignore[attr-defined]
    swap = checks[f"{ids.proband}-{ids.father}"]
    assert swap["status"] == "fail" and "duplicate" in swap["message"]
    kinship = float(swap["measured"].split()[1])
    assert kinship > 0.4 and f"kinship {kinship:.3f} over" in swap["message"]
    mother = checks[f"{ids.proband}-{ids.mother}"]  # the father's reads are unrelated to the mother
    assert mother["status"] == "fail" and "look unrelated" in mother["message"]
    blockers = qc["release_blockers"]
    assert any(f"{ids.proband}-{ids.father}" in b and f"{kinship:.3f}" in b for b in blockers), blockers  # type: ignore[attr-defined]


def _engine_reads_family_qc() -> bool:
    from dataclasses import fields

    from clinwgs.interpret.engine import Inputs

    return "family_qc" in {f.name for f in fields(Inputs)}


@pytest.mark.skipif(
    not _engine_reads_family_qc(),
    reason="the interpretation side of issue 16 (trio-interp: "
    "Inputs.family_qc joins FamilyQC.release_blockers) is not in this checkout",
)
def test_a_swapped_family_is_not_released(swapped: Path) -> None:
    """The proband's findings carry the family QC blocker, so nothing is published for the family."""
    proband = DEMO_TRIO.proband
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "-s",
            str(ROOT / "Snakefile"),
            "--configfile",
            "config.yaml",
            "-c",
            "2",
            layout.receipt(proband),
            "--quiet",
            "rules",
        ],
        cwd=swapped,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
        # a token, so that publishing stops at the release check itself (not at a missing token); the service
        # URL (config.yaml publish.url) is never reached
        env={**os.environ, "CLINWGS_SERVICE_TOKEN": "test-token-never-sent"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    findings = json.loads((swapped / layout.findings(proband)).read_text())
    assert findings["release_blocked"] is True
    assert any(f"{proband}-{DEMO_TRIO.father}" in b for b in findings["release_blockers"])
    receipt = json.loads((swapped / layout.receipt(proband)).read_text())
    assert receipt.get("published") is False and "release blocked" in receipt.get("error", ""), receipt
