"""The report's "Structural and copy-number variants" section (issue 17): rows, the depth plot of each event
and the methods/limitations text, all from findings.json. Without SV analysis (``structural_analysis`` None)
the section says so and the limitations keep saying structural variants were not analysed."""

from __future__ import annotations

from html import escape
from typing import Any

from clinwgs.models.findings import NOT_ASSESSED_NOTE, Findings, StructuralFinding, Tier

# the limitation (reports/methods.yaml) that says SVs were not analysed starts with this text
NOT_ANALYSED_PREFIX = "Short-read sequencing does not reliably detect structural variants"


def event_text(f: StructuralFinding) -> str:
    """e.g. "BRCA1 deletion, exons 1-2 of 23 (NM_007294.4)"."""
    kind = {
        "DEL": "deletion",
        "DUP": "duplication",
        "INV": "inversion",
        "BND": "breakend",
        "INS": "insertion",
    }
    impact = next((g for g in f.genes if g.gene == f.gene), None)
    where = ""
    if impact is not None:
        where = "whole gene" if impact.whole_gene else (impact.exons_label or "no exon")
        where = f", {where}" + (
            f" ({impact.transcript_refseq or impact.transcript})" if impact.transcript else ""
        )
    return f"{f.gene} {kind[f.event.svtype]}{where}"


def structural_row(f: StructuralFinding) -> dict[str, Any]:
    e = f.event
    ci = []
    if e.ci_start:
        ci.append(f"start {e.ci_start[0]:+d}/{e.ci_start[1]:+d}")
    if e.ci_end:
        ci.append(f"end {e.ci_end[0]:+d}/{e.ci_end[1]:+d}")
    met = [c for c in f.criteria if c.status == "met"]
    return {
        "event": event_text(f),
        "tier": f.tier.value,
        "gene": f.gene,
        "type": e.svtype,
        "position": f"{e.chrom}:{e.start1:,}-{e.end1:,} ({f.genome_build})",
        "breakpoint_ci": "; ".join(ci) or "exact or not given",
        "size": f.size_label,
        "consequence": f.consequence.replace("_", " "),
        "genes": ", ".join(
            f"{g.gene} ({'whole gene' if g.whole_gene else g.exons_label or g.consequence.replace('_', ' ')}"
            + (f", {g.frame.replace('_', ' ')}" if g.frame != "not_applicable" else "")
            + ")"
            for g in f.genes
        ),
        "copy_number": e.copy_number if e.copy_number is not None else "not estimated",
        "genotype": e.genotype or "-",
        "support": (
            f"{e.supporting_pairs if e.supporting_pairs is not None else '-'} pairs, "
            f"{e.supporting_split_reads if e.supporting_split_reads is not None else '-'} split reads"
        ),
        "depth_ratio": f"{e.depth_ratio:.2f}" if e.depth_ratio is not None else "-",
        "callers": ", ".join(e.callers) or "-",
        "classification": f.classification.value if f.classification else "not scored (copy-neutral)",
        "points": f"{f.cnv_points:.2f}" if f.cnv_points is not None else "-",
        "criteria": ", ".join(f"{c.code} ({c.points:+.2f})" for c in met) or "none met",
        "criteria_detail": [f"{c.code} ({c.points:+.2f}): {c.evidence}" for c in met],
        "not_evaluated": [f"{c.code}: {c.evidence}" for c in f.criteria if c.status == "not_evaluated"],
        "panel": f.panel or "-",
        "inheritance": f.inheritance or "-",
        "confirmation": (
            f"confirm by {f.confirmation_method or 'an orthogonal method'} before release"
            if f.confirmation_required
            else "not required by the rules"
        ),
        "reason": f.review_reason or "",
        "plot": depth_plot(f),
    }


def depth_plot(f: StructuralFinding) -> str:
    """Read depth (ratio to the flanks) in bins over the event +/- flanks; the event shaded, copy-number
    guides at ratios 0.5 (one copy lost) and 1.5 (one gained). Empty when no profile was computed."""
    bins = [b for b in f.depth_profile if b.ratio is not None]
    if not bins:
        return ""
    left, top, width, height = 45, 10, 360, 110
    lo, hi = bins[0].start1, bins[-1].end1
    span = max(hi - lo, 1)
    top_ratio = max(2.0, max(b.ratio or 0 for b in bins))

    def sx(pos: float) -> float:
        return left + (pos - lo) / span * width

    def sy(ratio: float) -> float:
        return top + (1 - ratio / top_ratio) * height

    title = f"Read depth around {event_text(f)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" height="{top + height + 40}" '
        f'role="img" aria-label="{escape(title)}" class="sv-depth"><title>{escape(title)}</title>',
        f'<rect x="{sx(f.event.start1):.1f}" y="{top}" '
        f'width="{max(sx(f.event.end1) - sx(f.event.start1), 1):.1f}" '
        f'height="{height}" fill="#fde0dc"/>',
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#999"/>',
    ]
    for ratio, label in ((0.5, "0.5"), (1.0, "1.0"), (1.5, "1.5")):
        parts.append(
            f'<line x1="{left}" y1="{sy(ratio):.1f}" x2="{left + width}" y2="{sy(ratio):.1f}" stroke="#bbb" '
            f'stroke-dasharray="{"" if ratio == 1.0 else "3,2"}"/>'
            f'<text x="{left - 4}" y="{sy(ratio) + 4:.1f}" font-size="10" text-anchor="end">{label}</text>'
        )
    for b in bins:
        parts.append(
            f'<rect x="{sx(b.start1):.1f}" y="{sy(b.ratio or 0):.1f}" '
            f'width="{max(sx(b.end1) - sx(b.start1), 1):.1f}" '
            f'height="2" fill="#1565c0"/>'
        )
    parts.append(
        f'<text x="{left}" y="{top + height + 14}" font-size="10">{f.event.chrom}:{lo:,}</text>'
        f'<text x="{left + width}" y="{top + height + 14}" font-size="10" text-anchor="end">{hi:,}</text>'
        f'<text x="{left + width / 2}" y="{top + height + 30}" font-size="10" text-anchor="middle">'
        "depth ratio "
        "to the flanks (shaded: the called event)</text></svg>"
    )
    return "".join(parts)


def structural_section(findings: Findings) -> dict[str, Any]:
    """What the section shows: whether SV analysis ran, the reported events and the review list."""
    sa = findings.structural_analysis
    if sa is None:
        return {
            "analysed": False,
            "rows": [],
            "review_rows": [],
            "summary": ("Structural and copy-number variants were not analysed for this sample."),
        }
    if not sa.assessed:  # the caller could not assess the sample: not analysed, whatever the record count
        reasons = [n for n in sa.notes if n.startswith(NOT_ASSESSED_NOTE)]
        return {
            "analysed": False,
            "rows": [],
            "review_rows": [],
            "summary": "Structural and copy-number variants could not be analysed for this sample. "
            + " ".join(reasons),
            "notes": reasons,
        }
    reported = [f for f in findings.structural_findings if f.tier is not Tier.NONE]
    review = [f for f in findings.structural_findings if f.tier is Tier.NONE]
    summary = (
        f"{sa.events_examined} structural/copy-number call(s) examined ({sa.events_passed} passing filters; "
        f"callers: {', '.join(sa.callers) or 'not recorded'}); "
        f"{sa.events_in_panel_genes} touch a panel gene, "
        f"{len(reported)} reported."
    )
    return {
        "analysed": True,
        "rows": [structural_row(f) for f in reported],
        "review_rows": [structural_row(f) for f in review],
        "summary": summary,
        "notes": sa.notes,
    }


def sv_methods(methods: dict[str, Any], findings: Findings) -> dict[str, Any]:
    """methods.yaml as this report uses it: when SV analysis ran, its method text is added and the limitation
    saying SVs were not analysed is replaced by what the method can and cannot see (``structural_methods`` /
    ``structural_limitations`` of methods.yaml); otherwise unchanged."""
    if findings.structural_analysis is None or not findings.structural_analysis.assessed:
        return methods
    limitations = [
        item
        for text in methods.get("limitations", [])
        for item in (
            methods.get("structural_limitations", []) if text.startswith(NOT_ANALYSED_PREFIX) else [text]
        )
    ]
    return {
        **methods,
        "methods": [*methods.get("methods", []), *methods.get("structural_methods", [])],
        "limitations": limitations,
    }


def structural_json(findings: Findings) -> dict[str, Any] | None:
    """The report JSON's ``structural`` entry; None (left out) when SV analysis did not run."""
    if findings.structural_analysis is None:
        return None
    section = structural_section(findings)
    strip = ("plot",)
    return {
        "analysed": section["analysed"],
        "summary": section["summary"],
        "findings": [{k: v for k, v in r.items() if k not in strip} for r in section["rows"]],
        "for_review": [{k: v for k, v in r.items() if k not in strip} for r in section["review_rows"]],
        "notes": section["notes"],
    }
