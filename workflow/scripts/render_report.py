"""Adapter: the clinician report of one sample (HTML, PDF, JSON), citing the analysis manifest if present."""

import sys
from pathlib import Path

from clinwgs.report.context import summary_sentence
from clinwgs.report.render import render_report

sm = snakemake  # type: ignore[name-defined]  # noqa: F821
sys.stderr = open(sm.log[0], "w")  # noqa: SIM115
given = sm.input.manifest  # [] when the provenance stage is not part of the workflow
manifest = (given[0] if given else None) if isinstance(given, list) else given
findings = render_report(
    Path(sm.input.findings),
    sm.params.templates,
    Path(sm.output.html),
    Path(sm.output.json),
    out_pdf=Path(sm.output.pdf),
    stats=Path(sm.input.stats),
    dist=Path(sm.input.dist),
    analysis_manifest=Path(manifest) if manifest else None,
    identity=Path(sm.input.identity) if hasattr(sm.input, "identity") else None,  # rules/identity.smk
)
print(f"{findings.sample_id}: {summary_sentence(findings)}", file=sys.stderr)
