"""Adapter: full integrity check of a sample's input units before any alignment."""

import sys
from pathlib import Path

from clinwgs.inputs.units import write_input_check

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
write_input_check(
    sm.params.units, Path(sm.params.fasta), Path(sm.params.fai), sm.params.require_match, Path(sm.output[0])
)
