"""Writers for findings.json and findings.tsv: temporary name first, renamed when complete."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from clinwgs.core.io import write_text_atomic
from clinwgs.models.findings import Finding, Findings

TSV_COLUMNS = [
    "tier",
    "gene",
    "transcript",
    "consequence",
    "hgvs_c",
    "hgvs_p",
    "hgvs_g",
    "chrom",
    "pos1",
    "ref",
    "alt",
    "zygosity",
    "classification",
    "criteria_met",
    "clinvar",
    "clinvar_stars",
    "inheritance",
    "panel",
    "additional_finding",
    "review_reason",
]


def _row(f: Finding) -> list[str]:
    a, v = f.annotation, f.variant
    return [
        f.tier.value,
        a.gene,
        a.transcript or "",
        a.consequence,
        a.hgvs_c or "",
        a.hgvs_p or "",
        a.hgvs_g or "",
        v.chrom,
        str(v.pos1),
        v.ref,
        v.alt,
        v.zygosity.value,
        f.classification.value,
        ",".join(c.code for c in f.criteria if c.status == "met"),
        f.clinvar.significance if f.clinvar else "",
        str(f.clinvar.stars) if f.clinvar else "",
        f.inheritance or "",
        f.panel,
        "yes" if f.additional_finding else "no",
        f.review_reason or "",
    ]


def findings_tsv(findings: Findings) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    for f in [*findings.findings, *findings.for_review]:
        writer.writerow(_row(f))
    return buffer.getvalue()


def write_findings(findings: Findings, json_path: Path, tsv_path: Path) -> None:
    write_text_atomic(json_path, findings.model_dump_json(indent=2) + "\n")
    write_text_atomic(tsv_path, findings_tsv(findings))
