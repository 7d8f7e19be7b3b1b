"""Command lines of the family rules (rules/family.smk): the mpileup read-group map, the per-genotype filter
and the trio-dnm2 call. Built here (tested) rather than in the rule file."""

from __future__ import annotations

import shlex

from clinwgs.annotate.header import filter_expression
from clinwgs.config.models import Filters
from clinwgs.models.family import Pedigree


def read_groups_text(members: list[str], alignments: list[str]) -> str:
    """``bcftools mpileup --read-groups`` lines ``*<TAB>FILE<TAB>SAMPLE``: every read of a member's alignment
    is that member's, whatever @RG SM the file carries (a reused BAM keeps its lab's SM)."""
    return "".join(f"*\t{aln}\t{sample}\n" for sample, aln in zip(members, alignments, strict=True))


def family_filter_pipeline(vcf_in: str, vcf_out: str, f: Filters) -> str:
    """Per-sample genotype filter, then site FILTER flags, with the run's filter settings (per-type
    thresholds as the single-sample filter: clinwgs.annotate.header.filter_expression).

    A member's genotype with FORMAT/GQ < min_gq or FORMAT/DP < min_depth is set to missing (``./.``; its
    PL/AD/QS stay for trio-dnm2); the site gets FILTER LowQual when QUAL < min_qual. Records are kept."""
    parts = [
        e
        for e in (
            filter_expression(f, "min_gq", "FMT/GQ<{t}"),
            filter_expression(f, "min_depth", "FMT/DP<{t}"),
        )
        if e
    ]
    genotype = " | ".join(f"({e})" for e in parts)
    first = (
        f"bcftools filter -S . -e {shlex.quote(genotype)} -Ou {shlex.quote(vcf_in)}"
        if genotype
        else f"bcftools view -Ou {shlex.quote(vcf_in)}"
    )
    site = filter_expression(f, "min_qual", "QUAL<{t}") or f"QUAL<{f.min_qual}"
    return f"{first} | bcftools filter -m+ -s LowQual -e {shlex.quote(site)} -Oz -o {shlex.quote(vcf_out)}"


def trio_dnm_command(ped: Pedigree, vcf_in: str, vcf_out: str, caller: str = "bcftools") -> str:
    """bcftools +trio-dnm2 on proband, father, mother (FORMAT/DNM as a probability, FORMAT/VAF and VA); a
    family without both parents sequenced gets the filtered VCF unchanged (no de novo assessment). FreeBayes
    calls carry no FORMAT/QS, so the parents' FORMAT/AD is used (``--with-pAD``)."""
    if ped.father and ped.mother:
        pfm = f"{ped.proband},{ped.father},{ped.mother}"
        pad = " --with-pAD" if caller == "freebayes" else ""
        return (
            f"bcftools +trio-dnm2 -p {pfm} --dnm-tag DNM:prob{pad} -Oz -o {shlex.quote(vcf_out)} "
            f"{shlex.quote(vcf_in)}"
        )
    return f"bcftools view -Oz -o {shlex.quote(vcf_out)} {shlex.quote(vcf_in)}"
