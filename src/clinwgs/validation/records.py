"""Read a normalised VCF into small comparable records, and decide which lie in the confident BED."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cyvcf2 import VCF

from clinwgs.core.errors import InputIntegrityError


@dataclass(frozen=True)
class Call:
    """One bi-allelic, normalised variant allele carried by the sample.

    ``pos1`` is the 1-based VCF POS; ``zygosity`` is 'het' (one copy of ALT) or 'hom' (every called allele
    is ALT; a haploid '1' counts as hom).
    """

    chrom: str
    pos1: int
    ref: str
    alt: str
    zygosity: str

    @property
    def kind(self) -> str:
        return "snv" if len(self.ref) == 1 and len(self.alt) == 1 else "indel"

    @property
    def end1(self) -> int:
        """1-based inclusive end of the REF span."""
        return self.pos1 + len(self.ref) - 1

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.chrom, self.pos1, self.ref, self.alt)

    def label(self) -> str:
        return f"{self.chrom}:{self.pos1} {self.ref}>{self.alt} ({self.zygosity})"


def zygosity_of(alleles: list[int]) -> str | None:
    """'het', 'hom' or None (no ALT copy) for a split record's called alleles (-1 = missing)."""
    alt_copies = sum(1 for a in alleles if a == 1)
    if alt_copies == 0:
        return None
    called = [a for a in alleles if a >= 0]
    return "hom" if alt_copies == len(called) and len(alleles) == len(called) else "het"


def read_calls(vcf: Path) -> Iterator[Call]:
    """Stream the sample's ALT-carrying records (symbolic and '*' alleles are skipped)."""
    try:
        reader = VCF(str(vcf), gts012=False)
    except OSError as exc:
        raise InputIntegrityError(f"cannot read normalised VCF: {exc}", path=vcf) from exc
    for rec in reader:
        alts = rec.ALT
        if len(alts) != 1 or not alts[0] or alts[0][0] in "<*." or "[" in alts[0] or "]" in alts[0]:
            continue
        genotype = rec.genotypes[0]
        zygosity = zygosity_of([int(a) for a in genotype[:-1]])
        if zygosity is None:
            continue
        yield Call(rec.CHROM, int(rec.POS), rec.REF.upper(), alts[0].upper(), zygosity)
    reader.close()


class Regions:
    """A BED file (0-based, half-open) for fast 'is this call inside' questions."""

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
        """True when the call's REF span lies wholly inside one interval (as hap.py/vcfeval strata do
        for the confident regions: an indel that crosses the boundary is not scored)."""
        starts = self._starts.get(call.chrom)
        if not starts:
            return False
        i = bisect.bisect_right(starts, call.pos1 - 1) - 1
        return i >= 0 and call.end1 <= self._ends[call.chrom][i]


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
