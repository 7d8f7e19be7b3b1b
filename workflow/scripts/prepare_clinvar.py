"""Adapter: one record per ClinVar allele, with its accessions (clinwgs.interpret.clinvar_prep)."""

from pathlib import Path

from clinwgs.interpret.clinvar_prep import prepare

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
read, written = prepare(Path(sm.input.vcf), Path(sm.output.vcf))
with open(sm.log[0], "w") as log:
    print(f"ClinVar: {read} records -> {written} alleles", file=log)
