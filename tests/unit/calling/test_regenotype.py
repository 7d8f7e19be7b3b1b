"""Spanning-read re-genotyping (clinwgs.calling.regenotype): each rule on hand-made reads and records."""

from __future__ import annotations

import random
from pathlib import Path

import pysam
import pytest

from clinwgs.calling.regenotype import Support, decide, hom_lod, probes, regenotype_vcf
from clinwgs.validation.haplotype import ReferenceWindow

random.seed(7)
LEFT = "".join(random.choice("ACGT") for _ in range(290)) + "GT"
REPEAT = "CA" * 6  # 1-based 293..304
RIGHT = "TG" + "".join(random.choice("ACGT") for _ in range(300))
SEQ = LEFT + REPEAT + RIGHT
INS_POS1 = 292  # the anchor 'T' before the repeat: T > TCA (left-aligned insertion of one CA unit)
ALT_HAP = SEQ[:INS_POS1] + "CA" + SEQ[INS_POS1:]
SNV_POS1 = 310  # in RIGHT, within the probe window


@pytest.fixture()
def fasta(tmp_path: Path) -> Path:
    path = tmp_path / "ref.fa"
    path.write_text(">chrT\n" + "\n".join(SEQ[i:i + 60] for i in range(0, len(SEQ), 60)) + "\n")
    pysam.faidx(str(path))
    return path


def test_probes_span_the_whole_repeat_with_flanks(fasta: Path) -> None:
    p = probes(ReferenceWindow(fasta), "chrT", INS_POS1, "T", "TCA", set(), flank=4)
    assert p is not None
    # the repeat CA x6 (293..304) with the bases either side (292, 305), plus 4 flank bases each side
    assert p.ref.pattern == SEQ[287:309] and (p.start0, p.end0) == (287, 309)
    assert p.alt.pattern == SEQ[287:292] + "CA" + SEQ[292:309]


def test_other_variants_are_wildcards_in_both_probes(fasta: Path) -> None:
    p = probes(ReferenceWindow(fasta), "chrT", INS_POS1, "T", "TCA", {300}, flank=4)
    assert p is not None
    assert p.ref.pattern == SEQ[287:300] + "." + SEQ[301:309]
    assert p.alt.pattern == SEQ[287:292] + "CA" + SEQ[292:300] + "." + SEQ[301:309]


def test_hom_lod_worked_example() -> None:
    # 18 ALT reads, no other: 18 * log10(0.95 / 0.5) = 5.018; each non-ALT read costs log10(0.05 / 0.5) = -1
    assert hom_lod(18, 0) == pytest.approx(5.018, abs=1e-3)
    assert hom_lod(18, 2) == pytest.approx(3.018, abs=1e-3)


@pytest.mark.parametrize(
    ("genotype", "support", "expected"),
    [
        ((0, 1), Support(0, 18, 0), (1, 1)),  # every spanning read carries the ALT
        ((0, 1), Support(8, 10, 0), None),  # a real het
        ((0, 1), Support(0, 15, 4), None),  # unexplained reads count against a homozygous call
        ((0, 1), Support(0, 7, 0), None),  # fewer than MIN_READS informative reads
        ((1, 1), Support(9, 9, 0), (0, 1)),  # REF reads in a homozygous call
        ((1, 1), Support(9, 0, 19), None),  # the call's own allele unseen: the probe cannot judge it
        ((1, 1), Support(0, 9, 9), None),  # OTHER reads never make a call heterozygous
        ((1, 1), Support(0, 20, 0), None),
    ],
)
def test_decide(genotype: tuple[int, int], support: Support, expected: tuple[int, int] | None) -> None:
    got = decide(genotype, support)
    assert (got[0] if got else None) == expected


def _bam(path: Path, reads: list[tuple[str, int, str]]) -> Path:
    """Reads as (sequence, 0-based start, CIGAR)."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chrT", "LN": len(SEQ)}]}
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for i, (seq, start, cigar) in enumerate(reads):
            a = pysam.AlignedSegment(out.header)
            a.query_name, a.query_sequence, a.flag = f"r{i}", seq, 0
            a.reference_id, a.reference_start, a.mapping_quality = 0, start, 60
            a.cigarstring, a.query_qualities = cigar, pysam.qualitystring_to_array("I" * len(seq))
            out.write(a)
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    return path


def _vcf(path: Path, records: list[tuple[int, str, str, str]]) -> Path:
    lines = [
        "##fileformat=VCFv4.2",
        f"##contig=<ID=chrT,length={len(SEQ)}>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
    ]
    lines += [f"chrT\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:GQ\t{gt}:20" for pos, ref, alt, gt in records]
    plain = path.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def _ref_read(start: int) -> tuple[str, int, str]:
    return SEQ[start:start + 100], start, "100M"


def _alt_read(start: int, hap: str = ALT_HAP) -> tuple[str, int, str]:
    # the read starts before the insertion and covers it; CIGAR with the 2 bp insertion after the anchor
    seq = hap[start:start + 100]
    left = INS_POS1 - start
    return seq, start, f"{left}M2I{100 - left - 2}M"


def _run(tmp_path: Path, fasta: Path, reads: list[tuple[str, int, str]],
         records: list[tuple[int, str, str, str]]) -> dict[int, dict[str, object]]:
    bam = _bam(tmp_path / "s.bam", reads)
    vcf = _vcf(tmp_path / "in.vcf.gz", records)
    out = tmp_path / "out.vcf.gz"
    regenotype_vcf(vcf, bam, fasta, out)
    with pysam.VariantFile(str(out)) as handle:
        return {r.pos: {k: r.samples[0].get(k) for k in ("GT", "GQ", "SPR", "OGT")} for r in handle}


def test_all_spanning_reads_alt_makes_the_het_call_homozygous(tmp_path: Path, fasta: Path) -> None:
    reads = [_alt_read(s) for s in range(220, 268, 4)]  # 12 spanning ALT reads: lod 3.35
    reads += [(SEQ[s:s + 100], s, "100M") for s in range(200, 210, 2)]  # 5 ending inside the repeat
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1")])[INS_POS1]
    assert got["GT"] == (1, 1) and got["OGT"] == "0/1" and got["SPR"] == (0, 12, 0)
    assert got["GQ"] == 33  # min(99, int(10 * 3.345))


def test_too_little_evidence_keeps_the_callers_genotype(tmp_path: Path, fasta: Path) -> None:
    reads = [_alt_read(s) for s in range(220, 260, 4)]  # 10 ALT reads: lod 2.79, below 3
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1")])[INS_POS1]
    assert got["GT"] == (0, 1) and got["SPR"] == (0, 10, 0)


def test_a_real_het_stays_het(tmp_path: Path, fasta: Path) -> None:
    reads = [_alt_read(s) for s in range(220, 260, 8)] + [_ref_read(s) for s in range(222, 262, 8)]
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1")])[INS_POS1]
    assert got["GT"] == (0, 1) and got["OGT"] is None and got["SPR"] == (5, 5, 0)
    assert got["GQ"] == 20


def test_homozygous_call_with_ref_reads_becomes_het(tmp_path: Path, fasta: Path) -> None:
    reads = [_alt_read(s) for s in range(220, 260, 8)] + [_ref_read(s) for s in range(222, 262, 8)]
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "1/1")])[INS_POS1]
    assert got["GT"] == (0, 1) and got["OGT"] == "1/1"


def test_a_called_snv_on_the_other_haplotype_does_not_hide_its_reads(tmp_path: Path, fasta: Path) -> None:
    other = SEQ[:SNV_POS1 - 1] + ("A" if SEQ[SNV_POS1 - 1] != "A" else "C") + SEQ[SNV_POS1:]
    reads = [_alt_read(s) for s in range(220, 260, 8)]
    reads += [(other[s:s + 100], s, "100M") for s in range(222, 262, 8)]  # REF at the indel, with the SNV
    snv = (SNV_POS1, SEQ[SNV_POS1 - 1], other[SNV_POS1 - 1], "0/1")
    with_snv = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1"), snv])[INS_POS1]
    assert with_snv["SPR"] == (5, 5, 0) and with_snv["GT"] == (0, 1)


def test_unexplained_spanning_reads_block_a_homozygous_call(tmp_path: Path, fasta: Path) -> None:
    other = SEQ[:SNV_POS1 - 1] + ("A" if SEQ[SNV_POS1 - 1] != "A" else "C") + SEQ[SNV_POS1:]
    reads = [_alt_read(s) for s in range(220, 268, 4)]  # 12 ALT reads would make it 1/1 on their own
    reads += [(other[s:s + 100], s, "100M") for s in range(222, 262, 8)]  # the SNV is not in the VCF
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1")])[INS_POS1]
    assert got["SPR"] == (0, 12, 5) and got["GT"] == (0, 1)


def test_snvs_and_records_without_reads_pass_through_unchanged(tmp_path: Path, fasta: Path) -> None:
    snv = (400, SEQ[399], "G" if SEQ[399] != "G" else "C", "1/1")
    got = _run(tmp_path, fasta, [_ref_read(10)], [(INS_POS1, "T", "TCA", "0/1"), snv])
    assert got[INS_POS1]["GT"] == (0, 1) and got[INS_POS1]["SPR"] == (0, 0, 0)
    assert got[400]["GT"] == (1, 1) and got[400]["SPR"] is None


def test_unreadable_alignment_is_one_clear_error(tmp_path: Path, fasta: Path) -> None:
    from clinwgs.core.errors import InputIntegrityError

    vcf = _vcf(tmp_path / "in.vcf.gz", [(INS_POS1, "T", "TCA", "0/1")])
    bad = tmp_path / "bad.bam"
    bad.write_bytes(b"not a bam")
    with pytest.raises(InputIntegrityError, match="cannot re-genotype indels"):
        regenotype_vcf(vcf, bad, fasta, tmp_path / "out.vcf.gz")
    assert not list(tmp_path.glob("out.vcf.gz*"))


def test_the_output_header_tells_the_interpreter_the_step_ran(tmp_path: Path, fasta: Path) -> None:
    from cyvcf2 import VCF

    from clinwgs.interpret.alleles import REGENOTYPE, inspect_header

    _run(tmp_path, fasta, [_ref_read(10)], [(INS_POS1, "T", "TCA", "0/1")])
    vcf = VCF(str(tmp_path / "out.vcf.gz"))
    assert REGENOTYPE in inspect_header(vcf, []).annotators
    vcf.close()
    assert REGENOTYPE not in inspect_header(VCF(str(tmp_path / "in.vcf.gz")), []).annotators


def test_a_family_vcf_is_judged_per_sample_on_its_own_reads(tmp_path: Path, fasta: Path) -> None:
    hom_bam = _bam(tmp_path / "child.bam", [_alt_read(s) for s in range(220, 268, 4)])
    het_bam = _bam(tmp_path / "father.bam",
                   [_alt_read(s) for s in range(220, 260, 8)] + [_ref_read(s) for s in range(222, 262, 8)])
    lines = _vcf(tmp_path / "one.vcf.gz", [(INS_POS1, "T", "TCA", "0/1")])
    plain = lines.with_suffix("").read_text().replace("FORMAT\tS1", "FORMAT\tCHILD\tFATHER")
    plain = plain.replace("GT:GQ\t0/1:20", "GT:GQ\t0/1:20\t0/1:20")
    family = tmp_path / "family.vcf"
    family.write_text(plain)
    pysam.tabix_compress(str(family), str(family) + ".gz", force=True)
    pysam.tabix_index(str(family) + ".gz", preset="vcf", force=True)
    out = tmp_path / "family.out.vcf.gz"
    done = regenotype_vcf(Path(str(family) + ".gz"), {"CHILD": hom_bam, "FATHER": het_bam}, fasta, out)
    assert (done.examined, done.to_hom, done.to_het) == (2, 1, 0)
    with pysam.VariantFile(str(out)) as handle:
        (rec,) = list(handle)
        assert rec.samples["CHILD"]["GT"] == (1, 1) and rec.samples["CHILD"]["SPR"] == (0, 12, 0)
        assert rec.samples["FATHER"]["GT"] == (0, 1) and rec.samples["FATHER"]["SPR"] == (5, 5, 0)


def test_a_sample_without_an_alignment_is_one_clear_error(tmp_path: Path, fasta: Path) -> None:
    from clinwgs.core.errors import InputIntegrityError

    vcf = _vcf(tmp_path / "in.vcf.gz", [(INS_POS1, "T", "TCA", "0/1")])
    bam = _bam(tmp_path / "s.bam", [_ref_read(10)])
    with pytest.raises(InputIntegrityError, match="no alignment for sample"):
        regenotype_vcf(vcf, {"OTHER": bam}, fasta, tmp_path / "out.vcf.gz")
    assert not list(tmp_path.glob("out.vcf.gz*"))


def _mutate(seq: str, i: int) -> str:
    return seq[:i] + ("A" if seq[i] != "A" else "G") + seq[i + 1:]


def test_a_substitution_error_in_the_window_still_counts_for_its_allele(tmp_path: Path, fasta: Path) -> None:
    # 12 ALT reads, each with a sequencing error at reference position 300 (inside the repeat, not a flank):
    # no exact probe matches, but both flanks and the ALT length do
    reads = []
    for s in range(220, 268, 4):
        seq, start, cigar = _alt_read(s)
        reads.append((_mutate(seq, 300 + 2 - s), start, cigar))
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1")])[INS_POS1]
    assert got["SPR"] == (0, 12, 0) and got["GT"] == (1, 1)


def test_an_indel_error_inside_the_window_is_other(tmp_path: Path, fasta: Path) -> None:
    # a stutter read with two extra CA units: neither allele's length, so OTHER (against a homozygous call)
    stutter = SEQ[:INS_POS1] + "CACACA" + SEQ[INS_POS1:]
    reads = [_alt_read(s) for s in range(220, 268, 4)]
    for s in (222, 230, 238):
        reads.append((stutter[s:s + 100], s, f"{INS_POS1 - s}M6I{100 - (INS_POS1 - s) - 6}M"))
    got = _run(tmp_path, fasta, reads, [(INS_POS1, "T", "TCA", "0/1")])[INS_POS1]
    assert got["SPR"] == (0, 12, 3) and got["GT"] == (0, 1)
