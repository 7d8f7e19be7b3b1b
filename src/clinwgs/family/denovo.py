"""De novo candidates: `bcftools +trio-dnm2` posterior (FORMAT/DNM written as a probability, ``--dnm-tag
DNM:prob``) on the proband, filtered on read evidence (thresholds: the ``family`` section of config.yaml).

A record whose proband has a DNM value gets either INFO/DNM_CANDIDATE (posterior >= denovo_min_prob, each
parent with >= denovo_min_parent_depth reads and an ALT read fraction <= denovo_max_parent_alt_fraction, the
proband's ALT fraction >= denovo_min_child_alt_fraction) or INFO/DNM_FILTER naming every criterion it
failed (only where trio-dnm2's posterior passes or the genotypes look de novo: the proband carries an ALT
allele both parents were called without). Records are never dropped: the denovo VCF is the filtered joint
VCF with these tags added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pysam

from clinwgs.config.models import FamilySection
from clinwgs.core.errors import InputIntegrityError
from clinwgs.core.io import indexed_vcf_atomic
from clinwgs.models.family import Pedigree

HEADER = (
    '##INFO=<ID=DNM_CANDIDATE,Number=0,Type=Flag,Description="De novo candidate in the proband: trio-dnm2 '
    'posterior and parental depth/allele-balance filters passed (clinwgs.family.denovo)">',
    "##INFO=<ID=DNM_FILTER,Number=.,Type=String,Description=\"De novo filters the proband's trio-dnm2 call "
    'failed: low_posterior, parent_depth, parent_alt_fraction, child_alt_fraction">',
)


def _alt_fraction(call: Any) -> tuple[int, float | None]:
    ad = call.get("AD")
    if not ad or None in ad:
        return 0, None
    depth = sum(ad)
    return depth, (depth - ad[0]) / depth if depth else None


def _looks_de_novo(rec: pysam.VariantRecord, ped: Pedigree) -> bool:
    child = rec.samples[ped.proband].get("GT") or ()
    if not any(a for a in child if a):
        return False
    for parent in [p for p in (ped.father, ped.mother) if p]:
        gt = rec.samples[parent].get("GT") or ()
        if len(gt) != 2 or None in gt or any(a in child for a in gt if a):
            return False
    return True


def denovo_filters(rec: pysam.VariantRecord, ped: Pedigree, s: FamilySection) -> list[str] | None:
    """The failed criteria (empty: a candidate), or None when the record is no de novo question: trio-dnm2
    gave the proband no DNM value, or a posterior below denovo_min_prob where the genotypes do not look de
    novo either (proband carrying an ALT allele that both parents were called without)."""
    dnm = rec.samples[ped.proband].get("DNM")
    dnm = dnm[0] if isinstance(dnm, tuple) else dnm
    if dnm is None or (dnm < s.denovo_min_prob and not _looks_de_novo(rec, ped)):
        return None
    failed = []
    if dnm < s.denovo_min_prob:
        failed.append("low_posterior")
    for parent in [p for p in (ped.father, ped.mother) if p]:
        depth, fraction = _alt_fraction(rec.samples[parent])
        if depth < s.denovo_min_parent_depth and "parent_depth" not in failed:
            failed.append("parent_depth")
        if (
            fraction is not None
            and fraction > s.denovo_max_parent_alt_fraction
            and ("parent_alt_fraction" not in failed)
        ):
            failed.append("parent_alt_fraction")
    _, child = _alt_fraction(rec.samples[ped.proband])
    if child is None or child < s.denovo_min_child_alt_fraction:
        failed.append("child_alt_fraction")
    return failed


def annotate_denovo(vcf_in: Path, vcf_out: Path, ped: Pedigree, s: FamilySection) -> tuple[int, int]:
    """Write ``vcf_out`` (bgzip + .tbi, atomically) with DNM_CANDIDATE / DNM_FILTER; return (candidates,
    filtered) counts."""
    candidates = filtered = 0
    try:
        with indexed_vcf_atomic(vcf_out) as tmp, pysam.VariantFile(str(vcf_in)) as inp:
            header = inp.header.copy()
            for line in HEADER:
                header.add_line(line)
            with pysam.VariantFile(str(tmp), "wz", header=header) as out:
                for rec in inp:
                    rec.translate(header)
                    failed = denovo_filters(rec, ped, s) if ped.father and ped.mother else None
                    if failed == []:
                        rec.info["DNM_CANDIDATE"] = True
                        candidates += 1
                    elif failed:
                        rec.info["DNM_FILTER"] = tuple(failed)
                        filtered += 1
                    out.write(rec)
    except (OSError, ValueError, KeyError) as exc:
        raise InputIntegrityError(f"cannot annotate de novo candidates: {exc}", path=vcf_in) from exc
    return candidates, filtered
