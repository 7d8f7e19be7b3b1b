"""Structural variants for ``clinwgs simulate`` (issue 17): deletions, tandem duplications, inversions.

An event covers the reference bases ``start1..end1`` (1-based inclusive) on the haplotypes that carry it:
- ``DEL``: the bases are removed;
- ``DUP``: the bases are repeated once, directly after themselves (tandem, copy number 3 when heterozygous);
- ``INV``: the bases are replaced by their reverse complement.

Each event becomes a sequence-resolved :class:`~clinwgs.validation.simulate.Variant` anchored on the base
before it (``POS = start1 - 1``, as VCF writes symbolic SVs), so it is applied to the haplotypes by the same
code as the small variants (an event overlapping an earlier variant on the same haplotype is skipped and
counted). The truth VCF writes it as a symbolic record (``<DEL>``/``<DUP>``/``<INV>`` with ``SVTYPE``,
``END`` = the last affected base and ``SVLEN``, negative for deletions), the form Truvari and the workflow's
SV VCF use.

Events come from a BED file (``--sv``: chrom, start0, end0, type, optional genotype ``0|1``/``1|0``/``1|1``
(default ``0|1``), optional ID) or are drawn at random (``--random-svs N``): types in turn, lengths
log-uniform inside size bins taken in turn (``--sv-sizes 50-300,300-1000,...``), positions uniform over the
region, never within ``SV_GAP_BP`` of another event nor over an N, heterozygous on a haplotype drawn at
random. The random draw has its own generator (seeded from ``--seed``), so the same seed gives the same
events whatever the depth or read model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clinwgs.core.errors import ConfigError, InputIntegrityError
from clinwgs.validation.simulate import (
    Codes,
    Region,
    SimParams,
    SimulationResult,
    Variant,
    decode,
    parse_region,
    simulate,
)

SV_TYPES = ("DEL", "DUP", "INV")
SV_GAP_BP = 1000
"""Least distance between two random events, and between an event and an N or the region's ends."""
DEFAULT_SV_SIZES = ((50, 300), (300, 1000), (1000, 10_000), (10_000, 100_000))
_GENOTYPES = {"0|1": (1,), "1|0": (0,), "1|1": (0, 1), "0/1": (1,), "1/1": (0, 1)}
_COMPLEMENT = np.array([3, 2, 1, 0, 4], dtype=np.uint8)


@dataclass(frozen=True)
class SvEvent:
    chrom: str
    start1: int  # first affected reference base, 1-based
    end1: int  # last affected reference base, inclusive
    svtype: str  # DEL | DUP | INV
    haplotypes: tuple[int, ...] = (1,)
    sv_id: str = "."

    @property
    def length(self) -> int:
        return self.end1 - self.start1 + 1

    @property
    def svlen(self) -> int:
        return -self.length if self.svtype == "DEL" else self.length


def altered(segment: Codes, svtype: str) -> Codes:
    """The haplotype bases that replace ``segment`` (the affected reference bases) for one event type."""
    if svtype == "DEL":
        return segment[:0]
    if svtype == "DUP":
        return np.concatenate([segment, segment])
    if svtype == "INV":
        return _COMPLEMENT[segment][::-1]
    raise ConfigError([f"SV type {svtype!r}: expected one of {', '.join(SV_TYPES)}"])


def to_variant(event: SvEvent, ref: Codes, region: Region) -> Variant:
    """The event as a sequence-resolved variant anchored on the base before it (REF/ALT as text)."""
    anchor = event.start1 - 1 - 1 - region.start0  # 0-based offset of the base before the event
    if anchor < 0 or event.end1 > region.end0:
        raise ConfigError([f"SV {event.sv_id} {event.chrom}:{event.start1}-{event.end1}: outside {region}"])
    segment = ref[anchor + 1 : anchor + 1 + event.length]
    pad = ref[anchor : anchor + 1]
    ref_text = decode(np.concatenate([pad, segment])).tobytes().decode()
    alt_text = decode(np.concatenate([pad, altered(segment, event.svtype)])).tobytes().decode()
    info = f"SVTYPE={event.svtype};END={event.end1};SVLEN={event.svlen}"
    symbolic = (ref_text[0], f"<{event.svtype}>", info)
    return Variant(event.start1 - 1, ref_text, alt_text, event.sv_id, event.haplotypes, symbolic=symbolic)


def read_sv_bed(path: Path, region: Region) -> list[SvEvent]:
    """Events of a BED file (see the module docstring) inside ``region``; one line per bad row refused."""
    if not path.is_file():
        raise InputIntegrityError("SV BED not found", path=path)
    events: list[SvEvent] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        cols = line.split("\t")
        where = f"{path}: line {number}"
        if len(cols) < 4:
            problems.append(f"{where}: expected chrom, start, end, type [genotype] [id]")
            continue
        chrom, start, end, svtype = cols[0], cols[1], cols[2], cols[3].upper()
        gt = cols[4] if len(cols) > 4 and cols[4] else "0|1"
        if not (start.isdigit() and end.isdigit()) or int(end) <= int(start):
            problems.append(f"{where}: start {start!r} and end {end!r} must be integers with start < end")
        elif svtype not in SV_TYPES:
            problems.append(f"{where}: type {svtype!r}: expected one of {', '.join(SV_TYPES)}")
        elif gt not in _GENOTYPES:
            problems.append(f"{where}: genotype {gt!r}: expected one of {', '.join(_GENOTYPES)}")
        elif chrom != region.chrom or int(start) < region.start0 + 1 or int(end) > region.end0:
            problems.append(f"{where}: {chrom}:{start}-{end} is not inside --region {region}")
        else:
            sv_id = cols[5] if len(cols) > 5 and cols[5] else f"sim_{svtype}_{len(events) + 1}"
            events.append(SvEvent(chrom, int(start) + 1, int(end), svtype, _GENOTYPES[gt], sv_id))
    if problems:
        raise ConfigError(problems)
    return sorted(events, key=lambda e: e.start1)


def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    """``50-300,300-1000`` -> ((50, 300), (300, 1000)); each bin MIN-MAX with 1 <= MIN < MAX."""
    bins = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*([0-9]+)-([0-9]+)\s*", part)
        if not m or not 1 <= int(m[1]) < int(m[2]):
            raise ConfigError([f"--sv-sizes {text!r}: expected MIN-MAX[,MIN-MAX...] with 1 <= MIN < MAX"])
        bins.append((int(m[1]), int(m[2])))
    return tuple(bins)


def random_events(
    ref: Codes,
    region: Region,
    count: int,
    rng: np.random.Generator,
    sizes: tuple[tuple[int, int], ...] = DEFAULT_SV_SIZES,
    types: tuple[str, ...] = SV_TYPES,
) -> list[SvEvent]:
    """``count`` non-overlapping heterozygous events (types and size bins in turn; module docstring)."""
    is_n = np.concatenate([[0], np.cumsum(ref == 4)])
    taken: list[tuple[int, int]] = []  # 0-based [start, end) on the region, gap included
    events: list[SvEvent] = []
    for i in range(count):
        svtype = types[i % len(types)]
        low, high = sizes[(i // len(types)) % len(sizes)]
        for _attempt in range(1000):
            length = int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))
            length = min(max(length, low), high)
            lo, hi = SV_GAP_BP, region.length - length - SV_GAP_BP
            if hi <= lo:
                break
            start = int(rng.integers(lo, hi))
            span = (start - SV_GAP_BP, start + length + SV_GAP_BP)
            if is_n[span[1]] != is_n[span[0]] or any(s < span[1] and span[0] < e for s, e in taken):
                continue
            taken.append(span)
            hap = int(rng.integers(0, 2))
            start1 = region.start0 + start + 1
            events.append(
                SvEvent(region.chrom, start1, start1 + length - 1, svtype, (hap,), f"sim_{svtype}_{i + 1}")
            )
            break
        else:
            raise ConfigError(
                [f"--random-svs {count}: no room for event {i + 1} in {region}; widen --region"]
            )
    return sorted(events, key=lambda e: e.start1)


def sv_variants(
    bed: Path | None,
    random_count: int,
    seed: int,
    sizes: tuple[tuple[int, int], ...] = DEFAULT_SV_SIZES,
    types: tuple[str, ...] = SV_TYPES,
) -> Callable[[Codes, Region], list[Variant]]:
    """The SV source ``simulate`` calls with the region's reference bases: BED events and/or random ones."""

    bad = [t for t in types if t not in SV_TYPES]
    if bad or random_count < 0:
        raise ConfigError(
            [
                f"--sv-types {','.join(types)} / --random-svs {random_count}: types among "
                f"{', '.join(SV_TYPES)}, count >= 0"
            ]
        )

    def build(ref: Codes, region: Region) -> list[Variant]:
        events = read_sv_bed(bed, region) if bed else []
        if random_count:
            events += random_events(
                ref, region, random_count, np.random.default_rng([seed, 17]), sizes, types
            )
        return [to_variant(e, ref, region) for e in sorted(events, key=lambda e: e.start1)]

    return build


PC002_REGION = "chr17:43044294-43125483"  # the real (non-N) BRCA1 bases of reference/GRCh38_BRCA1


def simulate_sv_control(repo: Path, out_prefix: Path, params: SimParams | None = None) -> SimulationResult:
    """Demo positive control PC002: 30x (seed 2) over BRCA1, heterozygous 3,835 bp deletion of BRCA1 exon 13
    (legacy numbering; reference/demo_reads/PC002.sv.bed says where it comes from) and four common SNVs."""
    fasta = repo / "reference" / "GRCh38_BRCA1" / "GRCh38_chr17_BRCA1only_Nmasked.fa.gz"
    bed = repo / "reference" / "demo_reads" / "PC002.sv.bed"
    # four common benign 1000 Genomes SNVs: an annotated VCF with no record would carry no SnpEff header
    snvs = repo / "reference" / "demo_reads" / "PC002.variants.vcf"
    p = params or SimParams(seed=2)
    return simulate(
        fasta,
        parse_region(PC002_REGION),
        snvs,
        "PC002",
        out_prefix,
        p,
        structural=sv_variants(bed, 0, p.seed),
    )
