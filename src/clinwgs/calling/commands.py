"""The caller command lines, built in one place so that the workflow (rules/call.smk, per scatter chunk) and
the validation pack's bare-caller check (clinwgs.validation.bare, one region) run the same settings.

Settings and why (measured on the simulated HG002 chr20:7-10 Mb set, docs/BENCHMARKS.md "Accuracy after
issue 15"):

- bcftools: ``mpileup -a FORMAT/AD,FORMAT/DP`` (allele depths for the allele-balance filter) and
  ``call -m -v -a GQ`` (FORMAT/GQ for the LowGQ filter).
- FreeBayes: ``--genotype-qualities`` (FORMAT/GQ, so that LowGQ can fire on FreeBayes calls too).
"""

from __future__ import annotations

import shlex
from pathlib import Path

BCFTOOLS_MPILEUP_OPTIONS = ("-a", "FORMAT/AD,FORMAT/DP")
BCFTOOLS_CALL_OPTIONS = ("-m", "-v", "-a", "GQ")
FREEBAYES_OPTIONS = ("--genotype-qualities",)


def _join(options: tuple[str, ...]) -> str:
    return " ".join(shlex.quote(o) for o in options)


def caller_command(caller: str, fasta: str | Path, alignment: str | Path, out: str | Path, *,
                   bed: str | Path | None = None, region: str | None = None) -> str:
    """The shell pipeline calling ``alignment`` against ``fasta`` into bgzipped VCF ``out``, restricted to
    the intervals of ``bed`` or to one ``region`` ('chrom:start-end'). FreeBayes needs an uncompressed
    FASTA."""
    if (bed is None) == (region is None):
        raise ValueError("give exactly one of bed or region")
    ref, aln, vcf = (shlex.quote(str(x)) for x in (fasta, alignment, out))
    if caller == "freebayes":
        where = f"-t {shlex.quote(str(bed))}" if bed is not None else f"-r {shlex.quote(str(region))}"
        return f"freebayes -f {ref} {where} {_join(FREEBAYES_OPTIONS)} {aln} | bgzip -c > {vcf}"
    if caller != "bcftools":
        raise ValueError(f"unknown caller {caller!r}")
    where = f"-R {shlex.quote(str(bed))}" if bed is not None else f"-r {shlex.quote(str(region))}"
    return (f"bcftools mpileup -f {ref} {where} {_join(BCFTOOLS_MPILEUP_OPTIONS)} -Ou {aln}"
            f" | bcftools call {_join(BCFTOOLS_CALL_OPTIONS)} -Oz -o {vcf}")
