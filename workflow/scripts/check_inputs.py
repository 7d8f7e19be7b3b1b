"""Adapter: full integrity check of a sample's input units before any alignment (clinwgs.inputs.run).

A bad input ends the job with one line naming sample, file and problem (in the log and on stderr), exit 2."""

import sys
from pathlib import Path

from clinwgs.inputs.run import check_inputs_rule

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.exit(
    check_inputs_rule(
        sm.params.units, Path(sm.params.fasta), sm.params.require_match, Path(sm.output[0]), Path(sm.log[0])
    )
)
