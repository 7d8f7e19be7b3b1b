"""Spanning-read re-genotyping of indels (issue 15): the zygosity of each called indel is checked against the
reads that span its whole repeat.

Why: a pileup caller counts a read that ends inside an inserted sequence, or inside the repeat an indel sits
in, as a REF read, so a homozygous indel in a repeat is pulled towards heterozygous (6 of the 8 indel
genotype errors on the simulated HG002 set, docs/BENCHMARKS.md "Accuracy after issue 15"). A read that spans
the repeat with anchoring sequence on both sides carries the allele unambiguously.

Rules (docs/accuracy.md "Spanning-read re-genotyping"):

- Examined: a biallelic record (after ``bcftools norm -m -any``) whose REF and ALT differ in length and share
  their first base; in it, each sample's call with a diploid GT of 0/1 or 1/1, judged on that sample's reads
  (a family VCF: one alignment per member).
- Window: the REF span plus every tandem repeat (unit 1-6) it touches and its sliding range
  (:func:`clinwgs.validation.haplotype.extent`), with ``FLANK_BP`` reference bases on each side. The REF
  probe is that window; the ALT probe is the window with the record's edit applied. Positions of other SNV
  or MNP records in the VCF are wildcards in both probes, so a nearby variant on either haplotype does not
  hide a read.
- Reads: primary, not duplicate, not QC-failed, mapping quality >= ``MIN_MAPQ``. A read is REF or ALT when
  its sequence (soft clips included) contains exactly one of the probes, or, failing that, both flanks
  exactly with the allele's length between them and at most ``MAX_MISMATCHES`` substitutions from it; it is
  OTHER when it is neither but its alignment spans the window (another allele, or an indel error).
- Decision, with the genotype log-odds ``lod`` = log10 P(reads | 1/1) - log10 P(reads | 0/1), where a 1/1
  sample gives a non-ALT read (REF or OTHER) with probability ``ERROR`` and a 0/1 sample gives ALT and non-ALT
  reads half each:
  - 0/1 becomes 1/1 when at least ``MIN_READS`` reads are informative and ``lod >= MIN_LOD``; OTHER reads
    count against it (conservative: an unexplained read never makes a call homozygous).
  - 1/1 becomes 0/1 when REF reads alone give ``-lod >= MIN_LOD`` and at least ``MIN_ALT_READS`` ALT reads
    exist; OTHER reads are not counted (they may be sequencing errors in ALT reads).
- Every examined record gets FORMAT/SPR (REF, ALT, OTHER spanning reads). A changed record keeps the
  caller's genotype in FORMAT/OGT, and its GQ becomes ``min(99, 10 * |lod|)``; PL stays the caller's. Nothing
  else in the record changes, and no record is added or removed. The header gains
  ``##clinwgs_regenotypeVersion``, which the report reads to say the step ran (``regenotype_methods`` in
  reports/methods.yaml).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam

from clinwgs import __version__
from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import indexed_vcf_atomic
from clinwgs.validation.haplotype import ReferenceWindow, extent
from clinwgs.validation.records import Call

FLANK_BP = 8
MIN_MAPQ = 20
ERROR = 0.05
MIN_READS = 8
MIN_LOD = 3.0
MIN_ALT_READS = 3
MAX_MISMATCHES = 2
"""A read with both flanks and the allele's length between them, within this many substitutions of it, counts
for the allele (sequencing errors in a long window; an indel error changes the length and never counts)."""
MAX_WINDOW_BP = 300
"""Windows longer than this (a long satellite) are not examined: few reads span them."""

HEADER = (
    '##FORMAT=<ID=SPR,Number=3,Type=Integer,Description="Reads spanning the indel\'s repeat window: REF, '
    'ALT, other (clinwgs.calling.regenotype)">',
    '##FORMAT=<ID=OGT,Number=1,Type=String,Description="The caller\'s genotype, where spanning-read '
    're-genotyping changed GT (clinwgs.calling.regenotype; PL is the caller\'s)">',
)


@dataclass(frozen=True)
class Probes:
    """The REF and ALT window sequences (regular expressions: '.' at other variants' positions) and the
    0-based reference window [start0, end0) they cover, flanks included."""

    ref: re.Pattern[str]
    alt: re.Pattern[str]
    start0: int
    end0: int
    left: re.Pattern[str]
    """The left flank alone (the anchors of the approximate match)."""
    right: re.Pattern[str]
    ref_tract: str
    """The window between the flanks on the REF and ALT haplotypes ('.' at other variants' positions)."""
    alt_tract: str


@dataclass(frozen=True)
class Support:
    ref: int
    alt: int
    other: int


def _pattern(bases: Iterable[tuple[str, int | None]], wild: set[int]) -> re.Pattern[str]:
    return re.compile("".join("." if pos is not None and pos in wild else re.escape(b) for b, pos in bases))


def probes(reference: ReferenceWindow, chrom: str, pos1: int, ref: str, alt: str, wild: set[int],
           flank: int = FLANK_BP) -> Probes | None:
    """The probes for the indel REF>ALT at ``pos1``; None when its window is longer than MAX_WINDOW_BP or
    runs off the contig. ``wild``: 0-based positions to match any base."""
    lo1, hi1 = extent(reference, Call(chrom, pos1, ref, (ref, alt)))
    start0, end0 = min(lo1 - 1, pos1 - 1) - flank, max(hi1, pos1 - 1 + len(ref)) + flank
    if start0 < 0 or end0 - start0 > MAX_WINDOW_BP + 2 * flank:
        return None
    window = reference.bases(chrom, start0 + 1, end0)
    if len(window) != end0 - start0 or "N" in window:
        return None
    positioned = [(b, start0 + i) for i, b in enumerate(window)]
    cut = pos1 - 1 - start0
    alt_bases = positioned[:cut] + [(b, None) for b in alt] + positioned[cut + len(ref):]
    wild = wild - set(range(pos1 - 1, pos1 - 1 + len(ref)))

    def tract(bases: Sequence[tuple[str, int | None]]) -> str:
        return "".join("." if pos is not None and pos in wild else b for b, pos in bases[flank:-flank])

    return Probes(_pattern(positioned, wild), _pattern(alt_bases, wild), start0, end0,
                  _pattern(positioned[:flank], wild), _pattern(positioned[-flank:], wild),
                  tract(positioned), tract(alt_bases))


def _mismatches(seq: str, expected: str) -> int:
    return sum(1 for a, b in zip(seq, expected, strict=True) if b != "." and a != b)


def near_match(seq: str, p: Probes) -> str | None:
    """'ref' or 'alt' for a read with both flanks exactly and, between them, a sequence of the allele's length
    within MAX_MISMATCHES substitutions of it (a sequencing error inside a long window); else None."""
    left = p.left.search(seq)
    right = p.right.search(seq, left.end()) if left else None
    if left is None or right is None:
        return None
    between = seq[left.end():right.start()]
    for name, expected in (("alt", p.alt_tract), ("ref", p.ref_tract)):
        if len(between) == len(expected) and _mismatches(between, expected) <= MAX_MISMATCHES:
            return name
    return None


def count_support(alignment: pysam.AlignmentFile, chrom: str, p: Probes, min_mapq: int = MIN_MAPQ) -> Support:
    """REF, ALT and OTHER reads for the probes (see the module's rules)."""
    ref = alt = other = 0
    for read in alignment.fetch(chrom, p.start0, p.end0):
        if (read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_duplicate
                or read.is_qcfail or read.mapping_quality < min_mapq or not read.query_sequence):
            continue
        seq = read.query_sequence.upper()
        has_ref, has_alt = bool(p.ref.search(seq)), bool(p.alt.search(seq))
        near = near_match(seq, p) if not has_ref and not has_alt else None
        if (has_ref and not has_alt) or near == "ref":
            ref += 1
        elif (has_alt and not has_ref) or near == "alt":
            alt += 1
        elif not has_ref and not has_alt and read.reference_start <= p.start0 and (
            read.reference_end or 0) >= p.end0:
            other += 1
    return Support(ref, alt, other)


def hom_lod(alt: int, non_alt: int, error: float = ERROR) -> float:
    """log10 P(reads | 1/1) - log10 P(reads | 0/1) for ``alt`` ALT and ``non_alt`` other reads."""
    return alt * math.log10((1 - error) / 0.5) + non_alt * math.log10(error / 0.5)


def decide(genotype: tuple[int, int], s: Support) -> tuple[tuple[int, int], float] | None:
    """The new (genotype, |lod|), or None to keep the caller's genotype."""
    if genotype == (0, 1):
        lod = hom_lod(s.alt, s.ref + s.other)
        if s.alt + s.ref + s.other >= MIN_READS and lod >= MIN_LOD:
            return (1, 1), lod
    elif genotype == (1, 1):
        lod = hom_lod(s.alt, s.ref)
        if s.alt >= MIN_ALT_READS and s.alt + s.ref >= MIN_READS and -lod >= MIN_LOD:
            return (0, 1), -lod
    return None


def _indel(rec: Any) -> bool:
    """A biallelic record whose REF and ALT differ in length and share their first base (ACGT only)."""
    if len(rec.alts or ()) != 1:
        return False
    alt, ref = str(rec.alts[0]), str(rec.ref)
    return len(alt) != len(ref) and alt[0] == ref[0] and bool(re.fullmatch("[ACGTacgt]+", alt + ref))


def _genotype(call: Any) -> tuple[int, int] | None:
    """The call's sorted diploid genotype when it is 0/1 or 1/1, else None."""
    gt = call.get("GT")
    if not gt or len(gt) != 2 or None in gt:
        return None
    pair = (min(gt), max(gt))
    return pair if pair in ((0, 1), (1, 1)) else None


def _wildcards(vcf: Path) -> dict[str, set[int]]:
    """0-based positions of the SNV and MNP records, per contig."""
    wild: dict[str, set[int]] = defaultdict(set)
    with pysam.VariantFile(str(vcf)) as handle:
        for rec in handle:
            ref = rec.ref or ""
            if rec.alts and all(len(a) == len(ref) for a in rec.alts):
                wild[rec.chrom].update(range(rec.pos - 1, rec.pos - 1 + len(ref)))
    return wild


@dataclass(frozen=True)
class Summary:
    examined: int
    to_hom: int
    to_het: int


def _regenotype_record(rec: Any, files: dict[str, tuple[pysam.AlignmentFile, frozenset[str]]],
                       reference: ReferenceWindow, wild: set[int], has_gq: bool
                       ) -> tuple[int, list[tuple[int, int]]]:
    """Apply the rules to each sample's call of one record in place: (calls examined, new genotypes)."""
    genotypes = {s: g for s, (_, contigs) in files.items()
                 if rec.chrom in contigs and (g := _genotype(rec.samples[s])) is not None}
    if not genotypes or not _indel(rec):
        return 0, []
    p = probes(reference, rec.chrom, rec.pos, str(rec.ref).upper(), str(rec.alts[0]).upper(), wild)
    if p is None:
        return 0, []
    changed = []
    for sample, genotype in genotypes.items():
        call = rec.samples[sample]
        support = count_support(files[sample][0], rec.chrom, p)
        call["SPR"] = (support.ref, support.alt, support.other)
        change = decide(genotype, support)
        if change is not None:
            call["OGT"] = "/".join(str(a) for a in genotype)
            call["GT"] = change[0]
            if has_gq:
                call["GQ"] = min(99, int(10 * change[1]))
            changed.append(change[0])
    return len(genotypes), changed


def regenotype_vcf(vcf_in: Path, alignments: Path | dict[str, Path], fasta: Path, vcf_out: Path) -> Summary:
    """Write ``vcf_out`` (bgzip + .tbi, atomically): ``vcf_in`` with the module's rules applied to each
    sample's calls, on that sample's reads. ``alignments``: one BAM/CRAM for a single-sample VCF, or one per
    sample name (a family VCF); every sample of the VCF must have one."""
    examined = to_hom = to_het = 0
    files: dict[str, tuple[pysam.AlignmentFile, frozenset[str]]] = {}
    try:
        wild = _wildcards(vcf_in)
        reference = ReferenceWindow(fasta)
        with indexed_vcf_atomic(vcf_out) as tmp, pysam.VariantFile(str(vcf_in)) as inp:
            samples = list(inp.header.samples)
            if isinstance(alignments, Path):
                if len(samples) != 1:
                    raise ValueError(f"{len(samples)} samples in the VCF but one alignment given")
                alignments = {samples[0]: alignments}
            missing = [s for s in samples if s not in alignments]
            if missing:
                raise ValueError(f"no alignment for sample(s) {', '.join(missing)}")
            for s in samples:  # each file with its contig names as a set (looked up once per record)
                aln = pysam.AlignmentFile(str(alignments[s]), reference_filename=str(fasta))
                files[s] = (aln, frozenset(aln.references))
            header = inp.header.copy()
            for line in (*HEADER, f"##clinwgs_regenotypeVersion={__version__}"):
                header.add_line(line)
            has_gq = "GQ" in header.formats
            with pysam.VariantFile(str(tmp), "wz", header=header) as out:
                for rec in inp:
                    rec.translate(header)
                    contig_wild = wild.get(rec.chrom, set())
                    seen, changed = _regenotype_record(rec, files, reference, contig_wild, has_gq)
                    examined += seen
                    to_hom += changed.count((1, 1))
                    to_het += changed.count((0, 1))
                    out.write(rec)
    except (OSError, ValueError, KeyError) as exc:
        raise InputIntegrityError(f"cannot re-genotype indels: {exc}", path=vcf_in) from exc
    finally:
        for aln, _ in files.values():
            aln.close()
    return Summary(examined, to_hom, to_het)
