"""The haplotype comparison's pieces, on literal sequences and a tiny FASTA."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.validation.haplotype import (
    ReferenceWindow,
    best_match,
    extent,
    repeat_context,
    repeats_touching,
    shift_range,
)
from clinwgs.validation.match import clusters, match_calls
from clinwgs.validation.records import Call, Regions, haplotype_alleles

WINDOW = "GGCATGG"  # 1-based start 10: C at 12, A at 13, T at 14


def het(pos1: int, ref: str, alt: str, chrom: str = "c") -> Call:
    return Call(chrom, pos1, ref, (min(ref, alt), max(ref, alt)))


def hom(pos1: int, ref: str, alt: str, chrom: str = "c") -> Call:
    return Call(chrom, pos1, ref, (alt, alt))


def test_mnp_equals_insertion_plus_deletion() -> None:
    # CAT>CTA (hom) vs C>CT + AT>A (hom): both give GGCTAGG on both copies -> all three records match.
    assert best_match([hom(12, "CAT", "CTA")], [hom(12, "C", "CT"), hom(13, "AT", "A")], WINDOW, 10,
                      squash=False) == ({0}, {0, 1})


def test_overlapping_alt_alleles_cannot_share_a_copy() -> None:
    # A het deletion of A (12 CA>C) and a het SNV at 13 A>G overlap: they can only be on different copies
    # ({GGCTGG, GGCGTGG}). A query with only 13 A>G hom ({GGCGTGG, GGCGTGG}) shares no non-empty subset.
    truth = [het(12, "CA", "C"), het(13, "A", "G")]
    assert best_match(truth, list(truth), WINDOW, 10, squash=False) == ({0, 1}, {0, 1})
    assert best_match(truth, [hom(13, "A", "G")], WINDOW, 10, squash=False) == (set(), set())


def test_best_match_gives_partial_credit_inside_a_cluster() -> None:
    # Truth: two het SNVs on one copy (C12T, T14A); query: only C12T. The largest matching subsets are the
    # one SNV each: T14A is FN, the others TP (vcfeval's "maximise matched records").
    truth = [het(12, "C", "T"), het(14, "T", "A")]
    assert best_match(truth, [het(12, "C", "T")], WINDOW, 10, squash=False) == ({0}, {0})


def test_ref_disagreement_gives_no_match() -> None:
    assert best_match([het(12, "G", "T")], [het(12, "G", "T")], WINDOW, 10, squash=False) == (set(), set())


def test_squash_ignores_zygosity() -> None:
    assert best_match([hom(12, "C", "T")], [het(12, "C", "T")], WINDOW, 10, squash=False) == (set(), set())
    assert best_match([hom(12, "C", "T")], [het(12, "C", "T")], WINDOW, 10, squash=True) == ({0}, {0})


def test_haplotype_alleles_from_genotypes() -> None:
    assert haplotype_alleles("A", ["G"], [1, 1]) == ("G", "G")
    assert haplotype_alleles("A", ["G"], [0, 1]) == ("A", "G")
    assert haplotype_alleles("A", ["G"], [1]) == ("G", "G")  # haploid call: hom
    assert haplotype_alleles("A", ["G"], [-1, 1]) == ("A", "G")  # half-call: the missing copy is REF
    assert haplotype_alleles("A", ["C", "G"], [2, 1]) == ("C", "G")
    assert haplotype_alleles("A", ["*", "G"], [1, 2]) == ("A", "G")  # '*' = deleted upstream: REF here
    assert haplotype_alleles("A", ["G"], [0, 0]) is None and haplotype_alleles("A", ["G"], [-1, -1]) is None


@pytest.fixture()
def reference(tmp_path: Path) -> ReferenceWindow:
    # 1-based: 1..5 TGCAT, 6..13 AAAAAAAA (8-bp homopolymer), 14 C, 15..26 (CAG)x4 (12 bp), 27..31 TTGCA
    # (14 C differs from 17 G, so the period-3 run starts at 15)
    fasta = tmp_path / "r.fa"
    fasta.write_text(">c\nTGCAT" + "A" * 8 + "C" + "CAG" * 4 + "TTGCA\n")
    (tmp_path / "r.fa.fai").write_text("c\t31\t3\t31\t32\n")
    return ReferenceWindow(fasta)


def test_repeats_are_found_from_the_reference(reference: ReferenceWindow) -> None:
    runs = {(r.unit, r.start1, r.end1) for r in repeats_touching(reference, "c", 9, 9)}
    # 5..13: T then eight A: the A run is 6..13 (unit 1); 5 'T' is not part of it
    assert (1, 6, 13) in runs
    strs = {(r.unit, r.start1, r.end1) for r in repeats_touching(reference, "c", 20, 20) if r.unit == 3}
    assert strs == {(3, 15, 26)}


def test_repeat_context_rules(reference: ReferenceWindow) -> None:
    # 5 T>C touches the A run through the base after it (6): homopolymer (8 >= 6)
    assert repeat_context(reference, het(5, "T", "C")) == "homopolymer"
    # 19 A>G inside (CAG)x4: 12 bp >= 11 bp but 4 copies < 5: not an STR -> other
    assert repeat_context(reference, het(19, "A", "G")) == "other"
    assert repeat_context(reference, het(30, "C", "A")) == "other"


def test_shift_range_and_extent_cover_the_repeat(reference: ReferenceWindow) -> None:
    # deleting one A (left-aligned: 5 TA>T) can be written anywhere up to 12 AA>A: slides over 5..14
    deletion = het(5, "TA", "T")
    lo, hi = shift_range(reference, deletion)
    assert (lo, hi) == (5, 14)
    assert extent(reference, deletion)[0] <= 5 and extent(reference, deletion)[1] >= 14


def test_regions_overlap_rule(tmp_path: Path) -> None:
    bed = tmp_path / "b.bed"
    bed.write_text("c\t10\t20\n")  # 1-based 11..20
    regions = Regions.from_bed(bed)
    assert regions.contains(het(8, "GCA", "G")) is False  # 8..10
    assert regions.contains(het(9, "GCA", "G")) is True  # 9..11 overlaps 11
    assert regions.contains(het(20, "G", "T")) is True and regions.contains(het(21, "G", "T")) is False


def test_cluster_too_large_across_a_repeat_falls_back_to_nearby_records(tmp_path: Path) -> None:
    # A 200-bp (AC)x100 repeat at 2..201 puts every record inside it into one cluster (rule 4). Nine truth
    # het SNVs 20 bp apart against the same nine SNVs called hom: 9 records a side > MAX_CALLS (8), so the
    # cluster is split by REF spans (10 bp gap) into nine one-SNV clusters, each a genotype mismatch.
    fasta = tmp_path / "rep.fa"
    seq = "G" + "AC" * 100 + "T"
    fasta.write_text(">c\n" + seq + "\n")
    (tmp_path / "rep.fa.fai").write_text(f"c\t{len(seq)}\t3\t{len(seq)}\t{len(seq) + 1}\n")
    reference = ReferenceWindow(fasta)
    positions = [10 + 20 * i for i in range(9)]  # even 1-based positions hold A (2 A, 3 C, ...)
    assert all(seq[p - 1] == "A" for p in positions)
    truth = [het(p, "A", "G") for p in positions]
    query = [hom(p, "A", "G") for p in positions]
    assert len(clusters(truth, query, reference)) == 1
    result = match_calls(truth, query, reference)
    assert set(result.truth.values()) == {"gt_mismatch"} and set(result.query.values()) == {"gt_mismatch"}
    assert result.clusters_too_large == 0
