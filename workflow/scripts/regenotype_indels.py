"""Adapter: rule regenotype_indels (rules/annotate.smk) -> clinwgs.calling.regenotype."""

import sys
from pathlib import Path

from clinwgs.calling.regenotype import regenotype_vcf

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
done = regenotype_vcf(Path(sm.input.vcf), Path(sm.input.aln), Path(sm.input.fasta), Path(sm.output.vcf))
print(f"indels examined: {done.examined}; 0/1 -> 1/1: {done.to_hom}; 1/1 -> 0/1: {done.to_het}",
      file=sys.stderr)
