"""Family QC: KING kinship, the relatedness verdicts (a swap names the pair and the kinship), Mendelian
counts from bcftools +mendelian, and what blocks release."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from clinwgs.config.models import FamilySection, Filters
from clinwgs.family.qc import (
    Kinship,
    family_qc,
    king_kinship,
    member_sex_check,
    mendelian_check,
    parse_mendelian,
    relatedness_check,
    summarise,
)
from clinwgs.models.family import FamilyMember, Pedigree
from tests.support.tools import require

S = FamilySection()
PED = Pedigree(
    family_id="FAM001",
    proband="TRIO01P",
    members=[
        FamilyMember(
            sample_id="TRIO01P",
            father="TRIO01F",
            mother="TRIO01M",
            sex="female",
            affected="affected",
            relation="proband",
        ),
        FamilyMember(sample_id="TRIO01F", sex="male", affected="unaffected", relation="father"),
        FamilyMember(sample_id="TRIO01M", sex="female", affected="unaffected", relation="mother"),
    ],
)


def test_king_kinship_of_duplicate_parent_child_and_unrelated() -> None:
    a = [1, 1, 0, 2, 1, 0, 1, 2]
    assert king_kinship(a, a).kinship == pytest.approx(0.5)
    # child shares one allele with the parent everywhere; opposite homozygotes never occur
    parent = [1, 1, 1, 1, 2, 0]
    child = [1, 0, 2, 1, 1, 1]
    k = king_kinship(parent, child)
    assert k.opposite_hom == 0 and k.het_het == 2 and k.kinship == pytest.approx(2 / 8)
    assert king_kinship([0, 2, 1, 1], [2, 0, 1, 1]).kinship == pytest.approx((2 - 4) / 4)


def test_a_swapped_child_fails_naming_the_pair_and_the_kinship() -> None:
    check = relatedness_check(PED, "TRIO01P", "TRIO01F", Kinship(0.49, 310, 120, 0), S)
    assert check is not None and check.status == "fail"
    assert "TRIO01P-TRIO01F" in check.message and "0.490 over 310 informative sites" in check.message
    assert "duplicate" in check.message
    check = relatedness_check(PED, "TRIO01P", "TRIO01M", Kinship(0.01, 300, 50, 40), S)
    assert check is not None and check.status == "fail" and "look unrelated" in check.message
    qc = summarise("FAM001", [check])
    assert qc.status == "fail" and qc.release_blockers and "TRIO01P-TRIO01M" in qc.release_blockers[0]


def test_few_sites_are_insufficient_data_and_block_release() -> None:
    check = relatedness_check(PED, "TRIO01F", "TRIO01M", Kinship(0.3, 12, 3, 0), S)
    assert check is not None and check.status == "insufficient_data"
    assert "12 informative sites" in check.message and "fewer than the 100 needed" in check.message
    qc = summarise("FAM001", [check])
    assert qc.status == "insufficient_data" and "unconfirmed" in qc.release_blockers[0]


def test_parents_who_look_related_fail() -> None:
    check = relatedness_check(PED, "TRIO01F", "TRIO01M", Kinship(0.24, 400, 100, 2), S)
    assert (
        check is not None
        and check.status == "fail"
        and "parents TRIO01F-TRIO01M appear related" in check.message
    )


def test_mendelian_rate() -> None:
    assert mendelian_check(990, 10, "T", S).status == "pass"
    failed = mendelian_check(900, 100, "T", S)
    assert failed.status == "fail" and "100 Mendelian errors over 1,000" in failed.message
    assert mendelian_check(10, 0, "T", S).status == "insufficient_data"


def test_parse_mendelian_counts_line() -> None:
    text = "# [1]nOK\t[2]nBad\t[3]nSkipped\t[4]Trio\n1234\t5\t6\tM,F,C\n"
    assert parse_mendelian(text) == (1234, 5)


def _vcf(path: Path, rows: list[tuple[int, str, str, str]]) -> Path:
    """A joint VCF with GT:DP:GQ for the trio (proband, father, mother columns)."""
    lines = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=chr17,length=1000000>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="d">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="q">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tTRIO01P\tTRIO01F\tTRIO01M",
    ]
    lines += [
        f"chr17\t{pos}\t.\tA\tG\t60\tPASS\t.\tGT:DP:GQ\t{p}:30:50\t{f}:30:50\t{m}:30:50"
        for pos, p, f, m in rows
    ]
    path.write_text("\n".join(lines) + "\n")
    out = path.with_suffix(".vcf.gz")
    subprocess.run(["bgzip", "-f", str(path)], check=True)
    return out


def test_family_qc_on_a_swapped_trio(tmp_path: Path) -> None:
    """Real bcftools +mendelian: the father's genotypes given as the child's."""
    require(shutil.which("bcftools") and shutil.which("bgzip"), "bcftools and bgzip (Debian packages)")
    # father/mother genotypes cycle through patterns; the 'child' is the father (a swap)
    patterns = [
        ("0/1", "0/1", "0/0"),
        ("1/1", "1/1", "0/1"),
        ("0/1", "0/1", "1/1"),
        ("0/0", "0/0", "1/1"),
        ("0/1", "0/1", "0/1"),
        ("1/1", "1/1", "0/0"),
    ]
    rows = [(100 + i, *patterns[i % len(patterns)]) for i in range(300)]
    vcf = _vcf(tmp_path / "fam.vcf", rows)
    summary = tmp_path / "s.mosdepth.summary.txt"
    summary.write_text(
        "chrom\tlength\tbases\tmean\tmin\tmax\nchr17\t100\t3000\t30\t0\t40\n"
        "total_region\t100\t3000\t30.00\t0\t40\n"
    )
    qc = family_qc(
        PED,
        vcf,
        dict.fromkeys(["TRIO01P", "TRIO01F", "TRIO01M"], summary),
        Filters(min_qual=20, min_depth=8, min_gq=20),
        S,
    )
    assert qc.status == "fail"
    swap = next(c for c in qc.checks if c.subject == "TRIO01P-TRIO01F")
    assert swap.status == "fail" and "kinship 0.500 over 150 informative sites" in swap.message
    mendel = next(c for c in qc.checks if c.name == "mendelian_errors")
    assert mendel.status == "fail"
    assert any("TRIO01P-TRIO01F" in b for b in qc.release_blockers)
    # no chrX/chrY in the reference: the sex check cannot apply, a note says so (not insufficient data)
    assert not [c for c in qc.checks if c.name == "sex"]
    assert qc.notes == [
        "sex not checked for TRIO01P, TRIO01F, TRIO01M: the reference bundle has no chrX/chrY sequence"
    ]


def test_member_sex_against_the_sheet(tmp_path: Path) -> None:
    summary = tmp_path / "s.mosdepth.summary.txt"
    rows = [
        "chrom\tlength\tbases\tmean\tmin\tmax",
        "chr1\t1000\t30000\t30.0\t0\t50",
        "chrX\t1000\t15000\t15.0\t0\t30",
        "chrY\t1000\t12000\t12.0\t0\t30",
    ]
    summary.write_text("\n".join(rows) + "\n")
    male = member_sex_check("TRIO01F", "male", summary)
    assert male is not None and male.status == "pass"
    swapped = member_sex_check("TRIO01M", "female", summary)
    assert swapped is not None and swapped.status == "fail" and "SEX MISMATCH" in swapped.message
