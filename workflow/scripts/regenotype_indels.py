"""Adapter: rules regenotype_indels (rules/annotate.smk) and regenotype_family (rules/family.smk) ->
clinwgs.calling.regenotype."""

import sys
from pathlib import Path

from clinwgs.calling.regenotype import regenotype_vcf

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
if sm.rule == "regenotype_family":  # one alignment per member, in the family VCF's sample order
    alignments: Path | dict[str, Path] = {
        s: Path(a) for s, a in zip(sm.params.members, sm.input.aln, strict=True)
    }
else:
    alignments = Path(sm.input.aln)
done = regenotype_vcf(Path(sm.input.vcf), alignments, Path(sm.input.fasta), Path(sm.output.vcf))
print(f"indel calls examined: {done.examined}; 0/1 -> 1/1: {done.to_hom}; 1/1 -> 0/1: {done.to_het}",
      file=sys.stderr)
