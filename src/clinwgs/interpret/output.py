"""Writers for findings.json and findings.tsv: temporary name first, renamed when complete."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from clinwgs.core.io import write_text_atomic
from clinwgs.models.findings import Finding, Findings, StructuralFinding

# left out of findings.json when no SV VCF was interpreted, so a sample without SV analysis keeps its 1.2.0
# document (with schema_version 1.3.0)
STRUCTURAL_KEYS = {"structural_analysis", "structural_findings"}

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


def _sv_row(f: StructuralFinding) -> list[str]:
    """A structural finding in the same columns: ALT is the symbolic allele with its END, REF empty."""
    e = f.event
    impact = next((g for g in f.genes if g.gene == f.gene), None)
    return [
        f.tier.value,
        f.gene,
        (impact.transcript_refseq or impact.transcript or "") if impact else "",
        f.consequence + (f" ({impact.exons_label})" if impact and impact.exons_label else ""),
        "",
        "",
        "",
        e.chrom,
        str(e.start1),
        "",
        f"<{e.svtype}>:{e.end1}" + (f":CN{e.copy_number}" if e.copy_number is not None else ""),
        e.genotype or "",
        f.classification.value if f.classification else "",
        ",".join(c.code for c in f.criteria if c.status == "met"),
        "",
        "",
        f.inheritance or "",
        f.panel or "",
        "yes" if f.additional_finding else "no",
        "; ".join(r for r in (f.review_reason, "confirm by MLPA" if f.confirmation_required else None) if r),
    ]


def findings_tsv(findings: Findings) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    for f in [*findings.findings, *findings.for_review]:
        writer.writerow(_row(f))
    for sv in findings.structural_findings:
        writer.writerow(_sv_row(sv))
    return buffer.getvalue()


def write_findings(findings: Findings, json_path: Path, tsv_path: Path) -> None:
    exclude = STRUCTURAL_KEYS if findings.structural_analysis is None else None
    write_text_atomic(json_path, findings.model_dump_json(indent=2, exclude=exclude) + "\n")
    write_text_atomic(tsv_path, findings_tsv(findings))
