"""Adapter: `clinwgs report` for one sample (HTML, PDF, JSON), citing the analysis manifest when present."""

import sys

from clinwgs.report.render import cli_main

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
options = {
    "--findings": sm.input.findings,
    "--templates": sm.params.templates,
    "--samtools-stats": sm.input.stats,
    "--mosdepth-dist": sm.input.dist,
    "--out-html": sm.output.html,
    "--out-pdf": sm.output.pdf,
    "--out-json": sm.output.json,
}
if hasattr(sm.input, "identity"):  # rules/identity.smk
    options["--identity"] = sm.input.identity
if sm.input.manifest:
    options["--analysis-manifest"] = (
        sm.input.manifest[0] if isinstance(sm.input.manifest, list) else sm.input.manifest
    )
sys.exit(cli_main([x for pair in options.items() for x in pair]))
