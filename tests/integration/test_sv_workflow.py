"""The SV/CNV steps of the real workflow (delly per type, CNVkit, merge) on the GRCh38_BRCA1 bundle:
the demo's simulated BRCA1 exon 13 deletion (PC002) is found and written per the SV VCF contract; the real
1000 Genomes low-coverage BAM of HG00099 gives no call (docs/BENCHMARKS.md "Structural variants")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from clinwgs.core import layout
from clinwgs.validation.simulate_sv import simulate_sv_control
from tests.support.run_config import REPO, fastq_unit, write_run_config

pytestmark = pytest.mark.integration
HG00099 = REPO / "reference" / "demo_reads" / "HG00099.BRCA1.GRCh38.bam"
EXON13 = (43082404, 43082575)  # BRCA1 exon 13 (legacy numbering), GRCh38_BRCA1 GFF3, ENST00000357654


def test_delly_finds_the_exon_deletion_and_the_contract_vcf_is_written(tmp_path: Path) -> None:
    truth = simulate_sv_control(REPO, tmp_path / "PC002")
    config = write_run_config(
        tmp_path,
        ["PC002\tfemale\tR208\tno\tGRCh38_BRCA1", "HG00099\tfemale\tR208\tno\tGRCh38_BRCA1"],
        [fastq_unit("PC002", tmp_path), f"HG00099\tlowcov\tILLUMINA\t\t\t{HG00099}"],
        input_roots=[str(REPO)],
    )
    targets = [layout.sv_vcf(s) for s in ("PC002", "HG00099")]
    command = [sys.executable, "-m", "clinwgs.cli", "run", "--configfile", str(config), "--cores", "2", "--",
               *targets, "--quiet", "rules"]  # fmt: skip
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-4000:]

    with pysam.VariantFile(str(truth.truth_vcf)) as vcf:
        (expected,) = [r for r in vcf if r.alts == ("<DEL>",)]  # the deletion, beside four common SNVs
    with pysam.VariantFile(str(tmp_path / layout.sv_vcf("PC002"))) as vcf:
        header = vcf.header
        records = [r for r in vcf if "PASS" in r.filter]
    for key in ("SVTYPE", "END", "SVLEN", "CIPOS", "CIEND", "CN", "DEPTH_RATIO", "CALLERS", "PE", "SR"):
        assert key in header.info, key
    (call,) = records
    assert call.info["SVTYPE"] == "DEL" and "delly" in call.info["CALLERS"]
    assert abs(call.pos - expected.pos) <= 10 and abs(call.stop - expected.stop) <= 10
    assert call.pos < EXON13[0] and call.stop > EXON13[1]
    assert call.info["SVLEN"] == -(call.stop - call.pos)
    assert call.info["CN"] == 1 and 0.3 < call.info["DEPTH_RATIO"] < 0.7
    assert call.info["PE"] + call.info["SR"] >= 8
    assert call.samples["PC002"]["GT"] == (0, 1)
    assert Path(tmp_path / (layout.sv_vcf("PC002") + ".tbi")).is_file()
    # one delly job per type, each with its timing record (the manifest's steps)
    for svtype in ("DEL", "DUP", "INV", "BND"):
        assert (tmp_path / layout.timings("call_sv_delly", f"PC002.{svtype}")).is_file(), svtype

    with pysam.VariantFile(str(tmp_path / layout.sv_vcf("HG00099"))) as vcf:
        assert [r for r in vcf if "PASS" in r.filter] == []
