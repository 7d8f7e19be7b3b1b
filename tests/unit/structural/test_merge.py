"""Merge and filter of SV/CNV caller outputs into the SV VCF contract, on hand-made caller files."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from clinwgs.config.models import SvSettings
from clinwgs.core.errors import InputIntegrityError
from clinwgs.structural.merge import (
    SvCall,
    merge_calls,
    merge_sample,
    read_breakpoint_vcf,
    read_cnvkit_segments,
    reciprocal_overlap,
)

FASTA = Path(__file__).resolve().parents[2] / "data" / "brca1_slice" / "brca1_slice.fa"
CHROM = "brca1_slice"

DELLY_HEADER = f"""##fileformat=VCFv4.2
##contig=<ID={CHROM},length=20000>
##ALT=<ID=DEL,Description="Deletion">
##FILTER=<ID=LowQual,Description="Poor quality and insufficient number of PEs and SRs.">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=PE,Number=1,Type=Integer,Description="Paired-end support">
##INFO=<ID=SR,Number=1,Type=Integer,Description="Split-read support">
##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI POS">
##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI END">
##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Insertion length">
##INFO=<ID=CHR2,Number=1,Type=String,Description="Chr2">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=RDCN,Number=1,Type=Integer,Description="Read-depth copy number">
##FORMAT=<ID=RC,Number=1,Type=Integer,Description="Raw count in the SV">
##FORMAT=<ID=RCL,Number=1,Type=Integer,Description="Raw count left control">
##FORMAT=<ID=RCR,Number=1,Type=Integer,Description="Raw count right control">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1
"""
FMT = "GT:RDCN:RC:RCL:RCR"


def delly_vcf(tmp: Path, rows: list[str]) -> Path:
    path = tmp / "delly.vcf"
    path.write_text(DELLY_HEADER + "".join(r + "\n" for r in rows))
    return path


def cns(tmp: Path, rows: list[str]) -> Path:
    path = tmp / "S1.call.cns"
    head = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight\n"
    path.write_text(head + "".join(r + "\n" for r in rows))
    return path


ROWS = [
    # a precise heterozygous deletion of bases 5001..7000, well supported
    f"{CHROM}\t5000\tDEL00000001\tA\t<DEL>\t600\tPASS\tSVTYPE=DEL;END=7000;PE=12;SR=9;CIPOS=-3,3;CIEND=-3,3\t{FMT}\t0/1:1:1000:1000:1000",
    # delly LowQual, 2 pairs
    f"{CHROM}\t9000\tDEL00000002\tA\t<DEL>\t20\tLowQual\tSVTYPE=DEL;END=9800;PE=2;SR=0\t{FMT}\t0/1:2:780:800:800",
    # 30 bp: below min_size, dropped
    f"{CHROM}\t11000\tDEL00000003\tA\t<DEL>\t600\tPASS\tSVTYPE=DEL;END=11030;PE=9;SR=9\t{FMT}\t0/1:2:1:1:1",
    # reference genotype: not this sample's event
    f"{CHROM}\t12000\tDEL00000004\tA\t<DEL>\t600\tPASS\tSVTYPE=DEL;END=13000;PE=9;SR=9\t{FMT}\t0/0:2:1:1:1",
    # PASS but only 3 reads (min_support 4)
    f"{CHROM}\t14000\tDEL00000005\tA\t<DEL>\t100\tPASS\tSVTYPE=DEL;END=14500;PE=3;SR=0\t{FMT}\t0/1:1:1:1:1",
]


def test_reads_delly_records(tmp_path: Path) -> None:
    calls = read_breakpoint_vcf(delly_vcf(tmp_path, ROWS), "delly")
    assert [c.sv_id for c in calls] == ["DEL00000001", "DEL00000002", "DEL00000003", "DEL00000005"]
    first = calls[0]
    assert (first.pos, first.end, first.length, first.svlen) == (5000, 7000, 2000, -2000)
    assert (first.pe, first.sr, first.cn, first.depth_ratio, first.cipos) == (12, 9, 1, 0.5, (-3, 3))
    assert calls[1].filters == ["LowQual"]


def test_policy_and_contract_vcf(tmp_path: Path) -> None:
    out = tmp_path / "S1.sv.vcf.gz"
    calls = merge_sample(delly_vcf(tmp_path, ROWS), None, None, FASTA, "S1", SvSettings(), out)
    assert len(calls) == 3
    with pysam.VariantFile(str(out)) as vcf:
        assert list(vcf.header.samples) == ["S1"]
        recs = list(vcf)
    assert Path(f"{out}.tbi").is_file()
    by_id = {r.id: r for r in recs}
    good = by_id["DEL00000001"]
    assert list(good.filter.keys()) == ["PASS"]
    assert (good.info["SVTYPE"], good.stop, good.info["SVLEN"], good.info["CALLERS"]) == (
        "DEL",
        7000,
        -2000,
        ("delly",),
    )
    assert (good.info["PE"], good.info["SR"], good.info["CN"], good.info["CIPOS"]) == (12, 9, 1, (-3, 3))
    assert good.samples["S1"]["GT"] == (0, 1)
    assert list(by_id["DEL00000002"].filter.keys()) == ["LowQual", "LowSupport"]
    assert list(by_id["DEL00000005"].filter.keys()) == ["LowSupport"]
    # the caller's LowQual is not kept when the policy does not require delly's PASS
    relaxed = merge_sample(
        delly_vcf(tmp_path, ROWS), None, None, FASTA, "S1", SvSettings(require_pass=False, min_support=0), out
    )
    assert all(not c.filters for c in relaxed)


def test_depth_segment_joins_a_matching_deletion_or_stands_alone(tmp_path: Path) -> None:
    segments = read_cnvkit_segments(
        cns(
            tmp_path,
            [
                f"{CHROM}\t0\t4990\t-\t0.01\t2\t30\t5\t10",  # copy number 2: not a candidate
                f"{CHROM}\t5010\t6990\t-\t-1.02\t1\t15\t2\t10",  # matches DEL00000001
                f"{CHROM}\t15000\t19000\t-\t0.6\t3\t45\t4\t10",  # gain, depth only
                "chrX\t15000\t19000\t-\t-1.0\t1\t15\t4\t10",  # sex chromosome: not assessed
            ],
        )
    )
    assert [(s.svtype, s.cn) for s in segments] == [("DEL", 1), ("DUP", 3)]
    policy = SvSettings(cnv_min_size=1000, cnv_min_bins=2)
    merged = merge_calls(read_breakpoint_vcf(delly_vcf(tmp_path, ROWS[:1]), "delly"), segments, [], policy)
    assert len(merged) == 2
    assert merged[0].callers == ["delly", "cnvkit"] and merged[0].depth_ratio == pytest.approx(
        0.493, abs=1e-3
    )
    gain = merged[1]
    assert (gain.callers, gain.svtype, gain.gt, gain.pe, gain.cipos) == (["cnvkit"], "DUP", "./1", None, None)
    model = gain.to_model()
    assert (model.start1, model.end1, model.copy_number, model.length) == (15001, 19000, 3, 4000)
    # too few bins: dropped
    assert len(merge_calls([], segments, [], SvSettings(cnv_min_size=1000, cnv_min_bins=5))) == 0
    out = tmp_path / "x.vcf.gz"
    gain_cns = cns(tmp_path, [f"{CHROM}\t15000\t19000\t-\t0.6\t3\t45\t6\t10"])
    merge_sample(delly_vcf(tmp_path, ROWS[:1]), gain_cns,
                 None, FASTA, "S1", policy, out)  # fmt: skip
    with pysam.VariantFile(str(out)) as vcf:
        dup = [r for r in vcf if r.info["SVTYPE"] == "DUP"][0]
    assert dup.ref == FASTA.read_text().split("\n", 1)[1].replace("\n", "")[14999]
    assert "CIPOS" not in dup.info and dup.info["DEPTH_RATIO"] == pytest.approx(1.516, abs=1e-3)


def test_reciprocal_overlap() -> None:
    a = SvCall(CHROM, 100, 200, "DEL")
    assert reciprocal_overlap(a, SvCall(CHROM, 150, 250, "DEL")) == 0.5
    assert reciprocal_overlap(a, SvCall(CHROM, 100, 1100, "DEL")) == 0.1
    assert reciprocal_overlap(a, SvCall("other", 100, 200, "DEL")) == 0.0


def test_tiddit_support_is_recorded(tmp_path: Path) -> None:
    delly = read_breakpoint_vcf(delly_vcf(tmp_path, ROWS[:1]), "delly")
    tiddit = [SvCall(CHROM, 5002, 6998, "DEL", callers=["tiddit"], pe=10, sr=0),
              SvCall(CHROM, 16000, 17000, "INV", callers=["tiddit"], pe=8, sr=1)]  # fmt: skip
    merged = merge_calls(delly, [], tiddit, SvSettings())
    assert [c.callers for c in merged] == [["delly", "tiddit"], ["tiddit"]]


def test_bad_inputs_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "delly.vcf"
    bad.write_text("not a vcf\n")
    with pytest.raises(InputIntegrityError) as err:
        read_breakpoint_vcf(bad, "delly")
    assert str(bad) in str(err.value)
    with pytest.raises(InputIntegrityError, match="line 2"):
        read_cnvkit_segments(cns(tmp_path, [f"{CHROM}\tx\t10\t-\t0\t2\t1\t1\t1"]))


TIDDIT_VCF = f"""##fileformat=VCFv4.1
##contig=<ID={CHROM},length=20000>
##ALT=<ID=DEL,Description="Deletion">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">
##INFO=<ID=END,Number=1,Type=Integer,Description="End of an intra-chromosomal variant">
##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">
##INFO=<ID=LTE,Number=2,Type=Integer,Description="Read-pairs and split reads supporting the event">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number genotype for imprecise events">
##FORMAT=<ID=DV,Number=1,Type=Integer,Description="Number of paired-ends that support the event">
##FORMAT=<ID=RV,Number=1,Type=Integer,Description="Number of split reads that support the event">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1
{CHROM}\t5001\tSV_1_1\tN\t<DEL>\t80\tPASS\tSVTYPE=DEL;SVLEN=2000;END=7000;LTE=9,10\tGT:CN:DV:RV\t0/1:1:9:10
"""


def test_tiddit_vcf_without_cipos_or_pe_reads_support_from_format(tmp_path: Path) -> None:
    """TIDDIT 3.5 declares no CIPOS/PE/SR: support comes from FORMAT DV/RV; it joins delly's call."""
    path = tmp_path / "tiddit.vcf"
    path.write_text(TIDDIT_VCF)
    (call,) = read_breakpoint_vcf(path, "tiddit")
    assert (call.pe, call.sr, call.cipos, call.length, call.svlen) == (9, 10, None, 1999, -1999)
    out = tmp_path / "S1.sv.vcf.gz"
    merged = merge_sample(delly_vcf(tmp_path, ROWS[:1]), None, path, FASTA, "S1", SvSettings(), out)
    assert [c.callers for c in merged] == [["delly", "tiddit"]]


def test_a_sample_delly_could_not_assess_says_so(tmp_path: Path) -> None:
    """The empty per-type VCF of rules/sv.smk (delly: too few pairs) -> the merged VCF carries the reason."""
    from clinwgs.structural.targets import NOT_ASSESSED_KEY, NOT_ASSESSED_VCF

    empty = tmp_path / "empty.vcf"
    empty.write_text((NOT_ASSESSED_VCF.replace("\\n", "\n").replace("\\t", "\t")) % "S1")
    out = tmp_path / "S1.sv.vcf.gz"
    assert merge_sample(empty, None, None, FASTA, "S1", SvSettings(), out) == []
    with pysam.VariantFile(str(out)) as vcf:
        notes = [r.value for r in vcf.header.records if r.key == NOT_ASSESSED_KEY]
        assert list(vcf) == [] and list(vcf.header.samples) == ["S1"]
    assert notes == ["delly: not enough read pairs to estimate the library insert size"]
    # a sample with data carries no such line
    merge_sample(delly_vcf(tmp_path, ROWS[:1]), None, None, FASTA, "S1", SvSettings(), out)
    with pysam.VariantFile(str(out)) as vcf:
        assert not [r for r in vcf.header.records if r.key == NOT_ASSESSED_KEY]
