"""Haplotype-aware comparison of a small cluster of calls that did not match allele by allele.

Both sides are applied to the same reference window. Every phasing of the heterozygous calls is tried
(hom calls go on both haplotypes; calls whose REF spans overlap cannot share a haplotype). The cluster is
a genotype match when some truth phasing and some query phasing give the same pair of haplotype
sequences, and an allele match (genotype mismatch) when they give the same set of non-reference
haplotype sequences. Clusters with more than MAX_CALLS calls on a side are left unmatched.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pysam

from clinwgs.validation.records import Call

MAX_CALLS = 8
PAD_BP = 5


class ReferenceWindow:
    """Reads reference bases (1-based inclusive coordinates) from an indexed FASTA."""

    def __init__(self, fasta: Path) -> None:
        self._fasta = pysam.FastaFile(str(fasta))

    def bases(self, chrom: str, start1: int, end1: int) -> str:
        return str(self._fasta.fetch(chrom, max(start1 - 1, 0), end1)).upper()


def compare_cluster(truth: list[Call], query: list[Call], reference: ReferenceWindow) -> str | None:
    """'tp', 'gt_mismatch', 'too_large' or None (different sequences)."""
    if len(truth) > MAX_CALLS or len(query) > MAX_CALLS:
        return "too_large"
    chrom = truth[0].chrom
    start1 = max(1, min(c.pos1 for c in truth + query) - PAD_BP)
    end1 = max(c.end1 for c in truth + query) + PAD_BP
    window = reference.bases(chrom, start1, end1)
    truth_pairs = haplotype_pairs(truth, window, start1)
    query_pairs = haplotype_pairs(query, window, start1)
    if truth_pairs & query_pairs:
        return "tp"
    if {_alt_set(p, window) for p in truth_pairs} & {_alt_set(p, window) for p in query_pairs}:
        return "gt_mismatch"
    return None


def haplotype_pairs(calls: list[Call], window: str, start1: int) -> set[tuple[str, str]]:
    """Every (sorted) pair of haplotype sequences the calls can form over ``window``."""
    hom = [c for c in calls if c.zygosity == "hom"]
    het = [c for c in calls if c.zygosity != "hom"]
    pairs: set[tuple[str, str]] = set()
    for sides in itertools.product((0, 1), repeat=len(het)):
        if het and sides[0] == 1:
            continue  # mirror image of a phasing already tried
        hap_a = hom + [c for c, s in zip(het, sides, strict=True) if s == 0]
        hap_b = hom + [c for c, s in zip(het, sides, strict=True) if s == 1]
        seq_a, seq_b = apply_calls(hap_a, window, start1), apply_calls(hap_b, window, start1)
        if seq_a is not None and seq_b is not None:
            pairs.add((min(seq_a, seq_b), max(seq_a, seq_b)))
    return pairs


def apply_calls(calls: list[Call], window: str, start1: int) -> str | None:
    """The window's sequence with ``calls`` applied, or None if two of them overlap or REF disagrees."""
    out: list[str] = []
    cursor = 0
    for call in sorted(calls, key=lambda c: c.pos1):
        offset = call.pos1 - start1
        if offset < cursor or window[offset:offset + len(call.ref)] != call.ref:
            return None
        out.append(window[cursor:offset])
        out.append(call.alt)
        cursor = offset + len(call.ref)
    out.append(window[cursor:])
    return "".join(out)


def _alt_set(pair: tuple[str, str], window: str) -> frozenset[str]:
    return frozenset(seq for seq in pair if seq != window)
