"""De novo candidate filters (posterior, parental depth and allele balance) and the family command lines."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pysam

from clinwgs.config.models import FamilySection, Filters
from clinwgs.family.commands import family_filter_pipeline, read_groups_text, trio_dnm_command
from clinwgs.family.denovo import annotate_denovo
from tests.support.tools import require
from tests.unit.family.test_qc import PED

HEADER = [
    "##fileformat=VCFv4.2",
    "##contig=<ID=chr17,length=1000000>",
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="a">',
    '##FORMAT=<ID=DNM,Number=1,Type=Float,Description="trio-dnm2 probability">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTRIO01P\tTRIO01F\tTRIO01M",
]


def test_candidates_pass_and_failures_are_named(tmp_path: Path) -> None:
    rows = [
        # a clean de novo: parents 30 reads, no ALT; child 14/30
        ("100", "0/1:16,14:0.99", "0/0:30,0:.", "0/0:28,0:."),
        # a parent has 3 ALT reads of 25 (12 %): parental allele balance fails
        ("200", "0/1:15,15:0.95", "0/0:22,3:.", "0/0:30,0:."),
        # a parent with 6 reads: parental depth fails
        ("300", "0/1:15,15:0.97", "0/0:6,0:.", "0/0:30,0:."),
        # looks de novo by genotype but trio-dnm2 posterior is low
        ("400", "0/1:25,5:0.2", "0/0:30,0:.", "0/0:30,0:."),
        # inherited: no de novo question at all
        ("500", "0/1:15,15:0", "0/1:15,15:.", "0/0:30,0:."),
    ]
    lines = [
        *HEADER,
        *(f"chr17\t{pos}\t.\tA\tG\t60\tPASS\t.\tGT:AD:DNM\t{p}\t{f}\t{m}" for pos, p, f, m in rows),
    ]
    vcf_in = tmp_path / "in.vcf"
    vcf_in.write_text("\n".join(lines) + "\n")
    out = tmp_path / "FAM001.denovo.vcf.gz"
    assert annotate_denovo(vcf_in, out, PED, FamilySection()) == (1, 3)
    with pysam.VariantFile(str(out)) as handle:
        tags = {rec.pos: (bool(rec.info.get("DNM_CANDIDATE")), rec.info.get("DNM_FILTER")) for rec in handle}
    assert tags[100] == (True, None)
    assert tags[200] == (False, ("parent_alt_fraction",))
    assert tags[300] == (False, ("parent_depth",))
    assert tags[400] == (False, ("low_posterior", "child_alt_fraction"))
    assert tags[500] == (False, None)
    assert Path(f"{out}.tbi").is_file()


def test_read_groups_name_every_file_by_its_member() -> None:
    text = read_groups_text(["TRIO01P", "TRIO01F"], ["a/P.bam", "a/F.bam"])
    assert text == "*\ta/P.bam\tTRIO01P\n*\ta/F.bam\tTRIO01F\n"


def test_per_genotype_filter_sets_failing_genotypes_missing(tmp_path: Path) -> None:
    """Real bcftools: a member's low-GQ genotype becomes ./., the site keeps PASS; low QUAL -> LowQual."""
    require(shutil.which("bcftools"), "bcftools (Debian package)")
    lines = [
        *HEADER[:2],
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="q">',
        '##FILTER=<ID=PASS,Description="All filters passed">',
        HEADER[-1],
        "chr17\t100\t.\tA\tG\t60\t.\t.\tGT:DP:GQ\t0/1:30:50\t0/1:30:5\t0/0:30:50",
        "chr17\t200\t.\tA\tG\t5\t.\t.\tGT:DP:GQ\t0/1:30:50\t0/0:30:50\t0/0:30:50",
    ]
    vcf_in = tmp_path / "in.vcf"
    vcf_in.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.vcf.gz"
    cmd = family_filter_pipeline(str(vcf_in), str(out), Filters(min_qual=20, min_depth=8, min_gq=20))
    subprocess.run(cmd, shell=True, check=True)
    with pysam.VariantFile(str(out)) as handle:
        recs = list(handle)
    assert recs[0].samples["TRIO01F"]["GT"] == (None, None) and recs[0].samples["TRIO01P"]["GT"] == (0, 1)
    assert list(recs[0].filter) in ([], ["PASS"]) and list(recs[1].filter) == ["LowQual"]


def test_trio_dnm_command_names_proband_father_mother() -> None:
    cmd = trio_dnm_command(PED, "in.vcf.gz", "out.vcf.gz")
    assert "+trio-dnm2 -p TRIO01P,TRIO01F,TRIO01M --dnm-tag DNM:prob -Oz" in cmd
    assert "--with-pAD" in trio_dnm_command(PED, "in.vcf.gz", "out.vcf.gz", "freebayes")
    duo = PED.model_copy(
        update={"members": [PED.members[0].model_copy(update={"mother": None}), PED.members[1]]}
    )
    assert "trio-dnm2" not in trio_dnm_command(duo, "in.vcf.gz", "out.vcf.gz")
