"""Adapter: BED of the test's panel genes (coding exons from the bundle GFF3) for mosdepth."""

import sys
from pathlib import Path

from clinwgs.interpret.panel_bed import panel_bed_for_test

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
gff3 = Path(sm.params.gff3) if sm.params.gff3 else None
panel_bed_for_test(
    Path(sm.input.settings),
    sm.params.test_code,
    gff3,
    Path(sm.output.bed),
    bool(sm.params.additional_findings),
)
