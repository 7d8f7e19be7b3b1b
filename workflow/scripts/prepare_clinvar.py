"""Adapter: one record per ClinVar allele, with its accessions (clinwgs.interpret.clinvar_prep)."""

import sys

from clinwgs.interpret.clinvar_prep import cli_main

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
sys.stdout = sys.stderr
sys.exit(cli_main(["--vcf", sm.input.vcf, "--out", sm.output.vcf]))
