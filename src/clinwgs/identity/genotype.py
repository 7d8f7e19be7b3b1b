"""Allele counts at the panel's sites from one BAM/CRAM (a unit or a whole sample) and genotype calls.

Counting (pysam pileup): reads that are unmapped, secondary, QC-failed or duplicates are skipped; bases
below ``min_base_quality`` and reads below ``min_mapping_quality`` are ignored; where the two mates of a
fragment overlap the site, it is counted once. Calling: binomial likelihoods of 0, 1 or 2 ALT copies with a
per-base error of 1 %; a call needs ``min_depth`` REF+ALT reads and the best genotype ``min_genotype_lod``
(log10) above the next. Otherwise the site is "no call" and never enters a comparison.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Literal

import pysam
from pydantic import BaseModel, ConfigDict

from clinwgs.config.models import IdentitySection
from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import write_text_atomic
from clinwgs.identity.sites import Site

ERROR = 0.01
FINGERPRINT_VERSION = "1.0.0"


class SiteCall(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    chrom: str
    pos: int
    ref: str
    alt: str
    block: int
    ref_reads: int = 0
    alt_reads: int = 0
    other_reads: int = 0
    genotype: Literal[0, 1, 2] | None = None  # ALT copies; None = no call
    lod: float = 0.0  # log10 likelihood ratio, best genotype over the next


class Fingerprint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = FINGERPRINT_VERSION
    sample_id: str
    unit_id: str | None = None  # None: the whole sample (all units merged), or an expected fingerprint
    source: str  # what was genotyped: "alignment" or "expected VCF"
    sites_file_sha256: str
    calls: list[SiteCall]

    @property
    def called(self) -> int:
        return sum(c.genotype is not None for c in self.calls)


def call_genotype(ref: int, alt: int, settings: IdentitySection) -> tuple[Literal[0, 1, 2] | None, float]:
    """(ALT copies or None, log10 ratio of the best genotype's likelihood over the next best)."""
    depth = ref + alt
    if depth == 0:
        return None, 0.0
    logs = []
    for p_alt in (ERROR, 0.5, 1 - ERROR):
        logs.append(alt * math.log10(p_alt) + ref * math.log10(1 - p_alt))
    order = sorted(range(3), key=lambda g: logs[g], reverse=True)
    lod = logs[order[0]] - logs[order[1]]
    if depth < settings.min_depth or lod < settings.min_genotype_lod:
        return None, round(lod, 3)
    best: Literal[0, 1, 2] = (0, 1, 2)[order[0]]
    return best, round(lod, 3)


def count_alleles(
    aln: pysam.AlignmentFile, site: Site, settings: IdentitySection
) -> tuple[int, int, int]:
    """(REF, ALT, other) bases at the site, each fragment once."""
    seen: dict[str, str] = {}
    for column in aln.pileup(
        site.chrom,
        site.pos - 1,
        site.pos,
        truncate=True,
        min_base_quality=settings.min_base_quality,
        min_mapping_quality=settings.min_mapping_quality,
        ignore_orphans=False,
        ignore_overlaps=True,
        stepper="all",
        max_depth=100_000,
    ):
        for read in column.pileups:
            if read.is_del or read.is_refskip or read.query_position is None:
                continue
            record = read.alignment
            if record.is_duplicate or record.is_qcfail or record.is_secondary or record.is_supplementary:
                continue
            quality = record.query_qualities
            if quality is not None and quality[read.query_position] < settings.min_base_quality:
                continue
            name = record.query_name or ""
            if name in seen:  # the mate of a fragment already counted
                continue
            seen[name] = (record.query_sequence or "")[read.query_position].upper()
    bases = list(seen.values())
    ref = bases.count(site.ref)
    alt = bases.count(site.alt)
    return ref, alt, len(bases) - ref - alt


def fingerprint_alignment(
    path: Path,
    sites: list[Site],
    sites_sha256: str,
    settings: IdentitySection,
    sample_id: str,
    unit_id: str | None = None,
    reference: Path | None = None,
) -> Fingerprint:
    """Genotype every site from a BAM/CRAM; an unindexed file is indexed into a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="clinwgs-fp-") as tmp:
        index = _index_for(path, Path(tmp))
        try:
            aln = pysam.AlignmentFile(
                str(path), index_filename=str(index) if index else None,
                reference_filename=str(reference) if reference else None,
            )
        except (OSError, ValueError) as exc:
            raise InputIntegrityError(f"cannot open alignment for fingerprinting: {exc}", path=path) from exc
        with aln:
            contigs = set(aln.references)
            calls = []
            for site in sites:
                ref = alt = other = 0
                if site.chrom in contigs:
                    ref, alt, other = count_alleles(aln, site, settings)
                genotype, lod = call_genotype(ref, alt, settings)
                calls.append(
                    SiteCall(
                        chrom=site.chrom, pos=site.pos, ref=site.ref, alt=site.alt, block=site.block,
                        ref_reads=ref, alt_reads=alt, other_reads=other, genotype=genotype, lod=lod,
                    )
                )
    return Fingerprint(
        sample_id=sample_id, unit_id=unit_id, source="alignment", sites_file_sha256=sites_sha256, calls=calls
    )


def _index_for(path: Path, tmp: Path) -> Path | None:
    """None when an index lies beside the file (pysam finds it); otherwise one is built in ``tmp``."""
    suffix = ".crai" if path.suffix == ".cram" else ".bai"
    if Path(f"{path}{suffix}").is_file():
        return None
    index = tmp / (path.name + suffix)
    try:
        pysam.index(str(path), str(index))
    except pysam.utils.SamtoolsError as exc:
        raise InputIntegrityError(
            f"cannot index alignment (is it coordinate-sorted?): {exc}", path=path
        ) from exc
    return index


def fingerprint_from_vcf(
    vcf: Path, sites: list[Site], sites_sha256: str, sample_id: str, vcf_sample: str | None = None
) -> Fingerprint:
    """An expected fingerprint: GT at the panel's sites from a VCF (e.g. an earlier sample of the patient).

    A site the VCF does not have, or has with other alleles, or without a GT, is a no call."""
    try:
        handle = pysam.VariantFile(str(vcf))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"cannot read expected fingerprint VCF: {exc}", path=vcf) from exc
    with handle:
        columns = list(handle.header.samples)
        if vcf_sample is None:
            if len(columns) != 1:
                raise InputIntegrityError(
                    f"expected fingerprint VCF has {len(columns)} sample columns "
                    f"({', '.join(columns) or 'none'});"
                    " name one with identity.expected.<sample>.vcf_sample",
                    path=vcf, sample=sample_id,
                )
            vcf_sample = columns[0]
        if vcf_sample not in columns:
            raise InputIntegrityError(
                f"expected fingerprint VCF has no sample column {vcf_sample!r} (has: {', '.join(columns)})",
                path=vcf, sample=sample_id,
            )
        wanted = {s.key: s for s in sites}
        found: dict[tuple[str, int, str, str], Literal[0, 1, 2] | None] = {}
        for rec in handle:  # streamed: an expected fingerprint is small, and may be unindexed
            for alt_index, alt in enumerate(rec.alts or (), start=1):
                key = (rec.chrom, rec.pos, (rec.ref or "").upper(), alt.upper())
                if key in wanted:
                    found[key] = _copies(rec.samples[vcf_sample].get("GT"), alt_index)
    calls = [
        SiteCall(
            chrom=s.chrom, pos=s.pos, ref=s.ref, alt=s.alt, block=s.block,
            genotype=found.get(s.key), lod=0.0,
        )
        for s in sites
    ]
    return Fingerprint(
        sample_id=sample_id, unit_id=None, source="expected VCF", sites_file_sha256=sites_sha256, calls=calls
    )


def _copies(gt: tuple[int | None, ...] | None, alt_index: int) -> Literal[0, 1, 2] | None:
    """ALT copies of a diploid GT; None when missing, not diploid or carrying another ALT allele."""
    if gt is None or len(gt) != 2 or None in gt or any(a not in (0, alt_index) for a in gt):
        return None
    return (0, 1, 2)[sum(a == alt_index for a in gt)]


def write_fingerprint(fp: Fingerprint, out: Path) -> None:
    write_text_atomic(out, fp.model_dump_json(indent=1) + "\n")


def read_fingerprint(path: Path) -> Fingerprint:
    try:
        return Fingerprint.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise InputIntegrityError(f"not a readable fingerprint: {exc}", path=path) from exc
