"""`clinwgs report`: findings.json -> the clinician report (HTML, PDF, JSON)."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinwgs.config.models import ReportSection
from clinwgs.report.context import summary_sentence
from clinwgs.report.render import render_report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinwgs report", description=__doc__)
    p.add_argument("--findings", type=Path, required=True)
    p.add_argument("--templates", type=Path, default=ReportSection().templates, help="the reports/ folder")
    p.add_argument("--samtools-stats", type=Path)
    p.add_argument("--mosdepth-dist", type=Path, help="mosdepth *.mosdepth.global.dist.txt")
    p.add_argument("--analysis-manifest", type=Path, help="results/<s>/analysis_manifest.json (cited)")
    p.add_argument("--identity", type=Path, help="results/<s>/identity/<s>.identity.json (QC section)")
    p.add_argument("--out-html", type=Path, required=True)
    p.add_argument("--out-pdf", type=Path)
    p.add_argument("--out-json", type=Path, required=True)
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    findings = render_report(
        args.findings,
        args.templates,
        args.out_html,
        args.out_json,
        out_pdf=args.out_pdf,
        stats=args.samtools_stats,
        dist=args.mosdepth_dist,
        analysis_manifest=args.analysis_manifest,
        identity=args.identity,
    )
    print(f"{findings.sample_id}: {summary_sentence(findings)}")
    return 0
