"""Adapter: publish one sample's report to the record service; never fails the run when it is down."""

import sys
from pathlib import Path

from clinwgs.publish.client import PublishInputs, outcome, publish_with_settings, report_sources

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stdout = sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
inputs = PublishInputs(
    sample_id=sm.wildcards.sample,
    findings=Path(sm.input.findings),
    pdf=Path(sm.input.pdf),
    manifest=Path(sm.input.manifest),
    receipt=Path(sm.output.receipt),
    **report_sources(sm.wildcards.sample),  # report.json (QC, identity), analysis manifest, depth curve
)
print(outcome(publish_with_settings(inputs, sm.params.settings, receipt_on_failure=True)))
