"""Adapter: `clinwgs report` for one sample (HTML, PDF, JSON)."""

import sys

from clinwgs.report.render import cli_main

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
argv = [
    "--findings",
    sm.input.findings,
    "--templates",
    sm.params.templates,
    "--samtools-stats",
    sm.input.stats,
    "--mosdepth-dist",
    sm.input.dist,
    "--out-html",
    sm.output.html,
    "--out-pdf",
    sm.output.pdf,
    "--out-json",
    sm.output.json,
]
sys.exit(cli_main(argv))
