"""The haplotype-aware fallback's pieces, on literal sequences."""

from __future__ import annotations

from clinwgs.validation.haplotype import apply_calls, haplotype_pairs
from clinwgs.validation.match import clusters
from clinwgs.validation.records import Call, zygosity_of

WINDOW = "GGCATGG"  # 1-based start 10: C at 12, A at 13, T at 14


def test_apply_calls_builds_the_haplotype() -> None:
    assert apply_calls([Call("c", 12, "CAT", "CTA", "hom")], WINDOW, 10) == "GGCTAGG"
    assert apply_calls([Call("c", 12, "C", "CT", "hom"), Call("c", 13, "AT", "A", "hom")], WINDOW, 10) == (
        "GGCTAGG")


def test_overlapping_calls_cannot_share_a_haplotype() -> None:
    assert apply_calls([Call("c", 12, "CA", "C", "het"), Call("c", 13, "A", "G", "het")], WINDOW, 10) is None
    pairs = haplotype_pairs([Call("c", 12, "CA", "C", "het"), Call("c", 13, "A", "G", "het")], WINDOW, 10)
    assert pairs == {("GGCGTGG", "GGCTGG")}


def test_ref_disagreement_gives_no_haplotype() -> None:
    assert apply_calls([Call("c", 12, "G", "T", "het")], WINDOW, 10) is None


def test_clusters_need_both_sides_and_respect_gap() -> None:
    t = [Call("c", 100, "A", "G", "het"), Call("c", 500, "A", "G", "het")]
    q = [Call("c", 105, "C", "T", "het"), Call("d", 500, "A", "G", "het")]
    assert clusters(t, q) == [([t[0]], [q[0]])]


def test_zygosity_of_split_genotypes() -> None:
    assert zygosity_of([1, 1]) == "hom"
    assert zygosity_of([0, 1]) == "het"
    assert zygosity_of([1]) == "hom"  # haploid call
    assert zygosity_of([-1, 1]) == "het"  # half-call: one ALT copy seen
    assert zygosity_of([0, 0]) is None and zygosity_of([-1, -1]) is None
