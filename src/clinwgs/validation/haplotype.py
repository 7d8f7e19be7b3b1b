"""Reference access, repeat extents and the haplotype comparison of a cluster of records.

The comparison follows RTG vcfeval's idea (the engine behind hap.py): records are not decomposed; the
records of a cluster are applied to the same reference window, every phasing of each record and every
choice of which records to include is tried, and the largest set of truth + query records whose two
haplotype sequences are identical is the match. So an MNP written as one record, as two SNVs, or as an MNP
record plus an SNV record at the same POS (FreeBayes after ``bcftools norm -m -any``) all give the same
haplotypes. Rules and examples: docs/accuracy.md ("Matching").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pysam

from clinwgs.validation.records import Call

MAX_CALLS = 8
"""Clusters with more records than this on one side are not compared (3**n states per side)."""
PAD_BP = 5
MAX_UNIT = 6
"""Longest repeat unit searched for (GIAB's tandem-repeat stratifications go to 6)."""
MAX_REPEAT_BP = 2000
"""A repeat extent is followed at most this far from the record (bounds the work in satellites)."""
HOMOPOLYMER_MIN_BP = 6
STR_MIN_BP = 11
STR_MIN_COPIES = 5


class ReferenceWindow:
    """Reads reference bases (1-based inclusive coordinates) from an indexed FASTA; one contig cached."""

    def __init__(self, fasta: Path) -> None:
        self._fasta = pysam.FastaFile(str(fasta))
        self._chrom = ""
        self._seq = ""

    def _contig(self, chrom: str) -> str:
        if chrom != self._chrom:
            self._seq, self._chrom = str(self._fasta.fetch(chrom)).upper(), chrom
        return self._seq

    def bases(self, chrom: str, start1: int, end1: int) -> str:
        return self._contig(chrom)[max(start1 - 1, 0):max(end1, 0)]

    def base(self, chrom: str, pos1: int) -> str:
        seq = self._contig(chrom)
        return seq[pos1 - 1] if 1 <= pos1 <= len(seq) else ""


@dataclass(frozen=True)
class Repeat:
    """A perfect tandem repeat in the reference: ``unit`` bases repeated over ``start1..end1``."""

    unit: int
    start1: int
    end1: int

    @property
    def length(self) -> int:
        return self.end1 - self.start1 + 1


def repeats_touching(reference: ReferenceWindow, chrom: str, start1: int, end1: int) -> list[Repeat]:
    """Perfect repeats of unit 1..MAX_UNIT (at least two copies) overlapping ``start1..end1``.

    A run of unit k is a maximal interval where every base equals the base k further on. Callers pass a
    record's REF span plus the base after it, so an insertion just before a run touches that run.
    """
    out: list[Repeat] = []
    for unit in range(1, MAX_UNIT + 1):
        pos = start1 - unit
        while pos <= end1:
            if not _same(reference, chrom, pos, pos + unit):
                pos += 1
                continue
            left = pos
            while left > start1 - MAX_REPEAT_BP and _same(reference, chrom, left - 1, left - 1 + unit):
                left -= 1
            right = pos
            while right < end1 + MAX_REPEAT_BP and _same(reference, chrom, right + 1, right + 1 + unit):
                right += 1
            run = Repeat(unit, left, right + unit)
            if run.length >= 2 * unit and run.end1 >= start1 and run.start1 <= end1:
                out.append(run)
            pos = right + 1
    return out


def _same(reference: ReferenceWindow, chrom: str, a1: int, b1: int) -> bool:
    base = reference.base(chrom, a1)
    return bool(base) and base != "N" and base == reference.base(chrom, b1)


def repeat_context(reference: ReferenceWindow, call: Call) -> str:
    """'homopolymer' (a run of one base >= 6 bp), 'str' (unit 2-6, >= 11 bp and >= 5 copies) or 'other',
    judged over the record's REF span plus the base after it; a homopolymer wins over an STR."""
    runs = repeats_touching(reference, call.chrom, call.pos1, call.end1 + 1)
    if any(r.unit == 1 and r.length >= HOMOPOLYMER_MIN_BP for r in runs):
        return "homopolymer"
    if any(r.unit >= 2 and r.length >= max(STR_MIN_BP, STR_MIN_COPIES * r.unit) for r in runs):
        return "str"
    return "other"


def shift_range(reference: ReferenceWindow, call: Call) -> tuple[int, int]:
    """The reference span over which each simple indel allele of the record can slide and still give the
    same sequence (its equivalent representations), merged with the REF span."""
    lo, hi = call.pos1, call.end1
    for alt in call.alts:
        prefix = 0
        while prefix < min(len(alt), len(call.ref)) and alt[prefix] == call.ref[prefix]:
            prefix += 1
        ref_rest, alt_rest = call.ref[prefix:], alt[prefix:]
        if ref_rest and alt_rest:
            continue  # not a pure insertion or deletion after the shared prefix: no sliding rule
        moved = ref_rest or alt_rest
        if not moved:
            continue
        first = call.pos1 + prefix  # 1-based first base after the shared prefix
        # slide right: the base after the event must equal the event's first base (rotating it)
        right, seq = first + len(ref_rest), moved
        while right - first < MAX_REPEAT_BP and reference.base(call.chrom, right) == seq[0]:
            seq, right = seq[1:] + seq[0], right + 1
        # slide left: the base before the event must equal the event's last base
        left, seq = first - 1, moved
        while first - left < MAX_REPEAT_BP and left >= 1 and reference.base(call.chrom, left) == seq[-1]:
            seq, left = seq[-1] + seq[:-1], left - 1
        lo, hi = min(lo, left), max(hi, right)
    return lo, hi


def extent(reference: ReferenceWindow, call: Call) -> tuple[int, int]:
    """The reference interval a record's equivalent representations can reach: its REF span, its indel
    sliding range and every repeat (unit 1-6) it touches."""
    lo, hi = shift_range(reference, call)
    for run in repeats_touching(reference, call.chrom, call.pos1, call.end1 + 1):
        lo, hi = min(lo, run.start1 - 1), max(hi, run.end1 + 1)
    return max(1, lo), hi


@dataclass
class ClusterMatch:
    """Indices (into the cluster's truth and query lists) of the records matched, genotype-aware and, among
    the rest, allele-only."""

    truth_tp: set[int]
    query_tp: set[int]
    truth_gt: set[int]
    query_gt: set[int]


def compare_cluster(truth: list[Call], query: list[Call], reference: ReferenceWindow,
                    start1: int, end1: int) -> ClusterMatch | None:
    """Best genotype-aware match, then the best allele-only match of what is left; None when too large."""
    if len(truth) > MAX_CALLS or len(query) > MAX_CALLS:
        return None
    chrom = (truth or query)[0].chrom
    start1 = max(1, start1 - PAD_BP)
    window = reference.bases(chrom, start1, end1 + PAD_BP)
    t_tp, q_tp = best_match(truth, query, window, start1, squash=False)
    rest_t = [i for i in range(len(truth)) if i not in t_tp]
    rest_q = [i for i in range(len(query)) if i not in q_tp]
    t_gt_local, q_gt_local = best_match([truth[i] for i in rest_t], [query[i] for i in rest_q], window,
                                        start1, squash=True)
    return ClusterMatch(t_tp, q_tp, {rest_t[i] for i in t_gt_local}, {rest_q[i] for i in q_gt_local})


def best_match(truth: list[Call], query: list[Call], window: str, start1: int,
               *, squash: bool) -> tuple[set[int], set[int]]:
    """The largest sets of truth and query records giving the same haplotype(s) over ``window``.

    Genotype-aware (``squash=False``): each record is left out or placed with its two alleles on the two
    haplotypes, either way round; the sorted pair of sequences must be equal. Allele-only (``squash=True``):
    each record is left out or contributes one of its ALT alleles to a single haplotype.
    """
    t_best = _best_per_sequence(truth, window, start1, squash)
    q_best = _best_per_sequence(query, window, start1, squash)
    best: tuple[int, int, frozenset[int], frozenset[int]] = (0, 0, frozenset(), frozenset())
    for key in sorted(t_best.keys() & q_best.keys()):
        t_set, q_set = t_best[key], q_best[key]
        score = (len(t_set) + len(q_set), len(t_set))
        if score > best[:2]:
            best = (score[0], score[1], t_set, q_set)
    return set(best[2]), set(best[3])


def _best_per_sequence(calls: list[Call], window: str, start1: int,
                       squash: bool) -> dict[tuple[str, ...], frozenset[int]]:
    order = sorted(range(len(calls)), key=lambda i: (calls[i].pos1, calls[i].end1))
    best: dict[tuple[str, ...], frozenset[int]] = {}
    ploidy = 1 if squash else 2
    for chosen, haps in _assignments(calls, order, 0, window, start1, ploidy):
        seqs = tuple(sorted("".join(h[1]) + window[h[0]:] for h in haps))
        if seqs not in best or len(chosen) > len(best[seqs]):
            best[seqs] = chosen
    return best


Hap = tuple[int, tuple[str, ...]]
"""(cursor into the window, pieces written so far) for one haplotype."""


def _assignments(calls: list[Call], order: list[int], k: int, window: str, start1: int,
                 ploidy: int, haps: tuple[Hap, ...] | None = None,
                 chosen: frozenset[int] = frozenset()) -> Iterator[tuple[frozenset[int], tuple[Hap, ...]]]:
    if haps is None:
        haps = tuple((0, ()) for _ in range(ploidy))
    if k == len(order):
        yield chosen, haps
        return
    index = order[k]
    call = calls[index]
    yield from _assignments(calls, order, k + 1, window, start1, ploidy, haps, chosen)  # left out
    offset = call.pos1 - start1
    if offset < 0 or window[offset:offset + len(call.ref)] != call.ref:
        return
    if ploidy == 1:
        placements: set[tuple[str, ...]] = {(alt,) for alt in call.alts}
    else:
        a, b = call.alleles
        placements = {(a, b), (b, a)}
    for placement in sorted(placements):
        new: list[Hap] = []
        for (cursor, pieces), allele in zip(haps, placement, strict=True):
            if allele == call.ref:  # a REF allele changes nothing and may overlap anything (--ref-overlap)
                new.append((cursor, pieces))
                continue
            if offset < cursor:  # overlaps an ALT already on this haplotype
                break
            new.append((offset + len(call.ref), (*pieces, window[cursor:offset], allele)))
        else:
            yield from _assignments(calls, order, k + 1, window, start1, ploidy, tuple(new), chosen | {index})
