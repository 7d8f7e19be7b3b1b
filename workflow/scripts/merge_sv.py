"""Adapter: merge and filter the sample's delly / CNVkit / TIDDIT calls into the SV VCF contract."""

import sys
from pathlib import Path

from clinwgs.structural.merge import merge_sample

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
cnvkit, tiddit = sm.input.get("cnvkit"), sm.input.get("tiddit")
merge_sample(
    Path(sm.input.delly),
    Path(cnvkit) if cnvkit else None,
    Path(tiddit) if tiddit else None,
    Path(sm.input.fasta),
    sm.wildcards.sample,
    sm.params.policy,
    Path(sm.output.vcf),
)
