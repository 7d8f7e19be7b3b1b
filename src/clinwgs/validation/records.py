"""Read a normalised VCF into comparable records, and decide which ones the confident BED assesses."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cyvcf2 import VCF

from clinwgs.core.errors import InputIntegrityError


@dataclass(frozen=True)
class Call:
    """One VCF record as the sample carries it (a multi-allelic record stays one record).

    ``pos1`` is the 1-based VCF POS. ``alleles`` is the sequence on each haplotype, REF included, sorted
    (phase is not compared): ``("A", "G")`` for a het A>G, ``("G", "G")`` for a hom, ``("C", "G")`` for a
    ``1/2`` A>C,G. A haploid call is written on both haplotypes (as hap.py counts it: hom), a missing
    allele (``./1``) is REF and a ``*`` (deleted by an overlapping record) is REF here too.
    """

    chrom: str
    pos1: int
    ref: str
    alleles: tuple[str, str]

    @property
    def alts(self) -> tuple[str, ...]:
        """The distinct called ALT sequences, in order."""
        return tuple(sorted({a for a in self.alleles if a != self.ref}))

    @property
    def zygosity(self) -> str:
        """'hom' (both haplotypes the same ALT), 'het' (one ALT copy) or 'het_alt' (two different ALTs)."""
        if self.alleles[0] == self.alleles[1]:
            return "hom"
        return "het" if self.ref in self.alleles else "het_alt"

    @property
    def kind(self) -> str:
        """'indel' when any called ALT changes the length (insertion, deletion, complex indel), else 'snv'
        (SNVs and MNPs, as hap.py's SNP class holds MNPs after decomposition)."""
        return "indel" if any(len(a) != len(self.ref) for a in self.alts) else "snv"

    @property
    def indel_length(self) -> int:
        """The largest length change of a called ALT (0 for an SNV/MNP)."""
        return max((abs(len(a) - len(self.ref)) for a in self.alts), default=0)

    @property
    def end1(self) -> int:
        """1-based inclusive end of the REF span."""
        return self.pos1 + len(self.ref) - 1

    @property
    def key(self) -> tuple[str, int, str, tuple[str, str]]:
        return (self.chrom, self.pos1, self.ref, self.alleles)

    def label(self) -> str:
        return f"{self.chrom}:{self.pos1} {self.ref}>{','.join(self.alts)} ({self.zygosity})"


def haplotype_alleles(ref: str, alts: list[str], genotype: list[int]) -> tuple[str, str] | None:
    """The sorted pair of allele sequences a genotype puts on the two haplotypes; None when no ALT copy.

    ``genotype`` holds allele indices (-1 = missing, read as REF); a haploid genotype is doubled.
    """
    seqs = [ref if a <= 0 else alts[a - 1] for a in genotype]
    seqs = [ref if s == "*" else s for s in seqs]
    if not seqs or all(s == ref for s in seqs):
        return None
    if len(seqs) == 1:
        seqs = seqs * 2
    if len(seqs) != 2:
        return None
    return (min(seqs), max(seqs))


def _usable(alt: str) -> bool:
    return bool(alt) and (alt == "*" or (alt[0] not in "<." and "[" not in alt and "]" not in alt))


def read_calls(vcf: Path) -> Iterator[Call]:
    """Stream the sample's ALT-carrying records. Records with a symbolic ALT or breakend are skipped;
    genotypes other than haploid/diploid are skipped."""
    try:
        reader = VCF(str(vcf), gts012=False)
    except OSError as exc:
        raise InputIntegrityError(f"cannot read normalised VCF: {exc}", path=vcf) from exc
    for rec in reader:
        alts = [a.upper() for a in rec.ALT]
        if not alts or not all(_usable(a) for a in alts):
            continue
        genotype = [int(a) for a in rec.genotypes[0][:-1]]
        pair = haplotype_alleles(rec.REF.upper(), alts, genotype)
        if pair is not None:
            yield Call(rec.CHROM, int(rec.POS), rec.REF.upper(), pair)
    reader.close()


class Regions:
    """A BED file (0-based, half-open) for fast 'does this record overlap' questions."""

    def __init__(self, intervals: dict[str, list[tuple[int, int]]]) -> None:
        self._starts = {c: [s for s, _ in iv] for c, iv in intervals.items()}
        self._ends = {c: [e for _, e in iv] for c, iv in intervals.items()}
        self.size_bp = sum(e - s for iv in intervals.values() for s, e in iv)

    @classmethod
    def from_bed(cls, bed: Path) -> Regions:
        intervals: dict[str, list[tuple[int, int]]] = {}
        try:
            lines = bed.read_text().splitlines()
        except OSError as exc:
            raise InputIntegrityError(f"cannot read BED: {exc}", path=bed) from exc
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.split("\t")
            try:
                chrom, start0, end0 = fields[0], int(fields[1]), int(fields[2])
            except (IndexError, ValueError):
                raise InputIntegrityError(f"line {number}: not a BED line: {line[:60]!r}", path=bed) from None
            if start0 < 0 or end0 <= start0:
                raise InputIntegrityError(f"line {number}: bad interval {start0}-{end0}", path=bed)
            intervals.setdefault(chrom, []).append((start0, end0))
        if not intervals:
            raise InputIntegrityError("BED has no intervals", path=bed)
        return cls({c: _merge(iv) for c, iv in intervals.items()})

    def contains(self, call: Call) -> bool:
        """True when the record's REF span (1-based ``pos1..end1``) overlaps an interval by at least one
        base: vcfeval's ``--ref-overlap`` rule (a deletion that crosses the edge is assessed)."""
        return self.overlaps(call.chrom, call.pos1, call.end1)

    def overlaps(self, chrom: str, start1: int, end1: int) -> bool:
        starts = self._starts.get(chrom)
        if not starts:
            return False
        # the last interval starting before end1 (0-based start < end1) is the only candidate after merging
        i = bisect.bisect_left(starts, end1) - 1
        return i >= 0 and self._ends[chrom][i] >= start1  # 0-based end (exclusive) >= 1-based start


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
