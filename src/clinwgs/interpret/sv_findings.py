"""Structural/copy-number variants in findings.json (issue 17): the SV VCF's PASS events are annotated on the
bundle's gene models (clinwgs.interpret.structural), scored with the ACMG/ClinGen CNV items and tiered
(clinwgs.interpret.cnv_scoring); every PASS event touching a gene of the sample's panels becomes a
:class:`StructuralFinding` (reported at Tier 1/2, or listed for review with the reason). A small read-depth
profile of each listed event (event +/- one event length of flank, 40 bins) is computed from the sample's
alignment when one is given, so the report's depth plot needs nothing but findings.json.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from clinwgs.core.errors import InputIntegrityError
from clinwgs.interpret.cnv_scoring import (
    Constraint,
    GeneContext,
    assign_sv_tier,
    classify_points,
    score,
)
from clinwgs.interpret.panels import Panel, PanelGene
from clinwgs.interpret.structural import GeneEffect, annotate, load_transcripts, read_sv_vcf
from clinwgs.models.findings import (
    NOT_ASSESSED_NOTE,
    DepthBin,
    GeneImpact,
    StructuralAnalysis,
    StructuralFinding,
    Tier,
)
from clinwgs.models.structural import StructuralVariant
from clinwgs.structural.merge import not_assessed

# what the method can and cannot see; the report's limitations text when SV analysis ran (reports/methods.yaml
# holds the fuller wording)
METHOD_NOTES = [
    "structural and copy-number variants were called from split reads, discordant pairs and read depth; "
    "deletions and duplications of about 1 kb and larger (single exons and more) are within reach, smaller "
    "events (50 bp-1 kb) are detected with lower sensitivity",
    "events in segmental duplications, low-complexity and repeat regions (e.g. Alu-mediated rearrangements "
    "with breakpoints in repeats), and balanced events without read support at their breakpoints may be "
    "missed; copy-neutral events (inversions, translocations) are not scored for dosage",
    "mosaic events and events smaller than the read-depth bin size are not reliably detected; reported "
    "duplications and depth-only calls need confirmation by an orthogonal method (MLPA)",
]
NO_GENE_MODELS = (
    "analysis incomplete: structural variants were called but the reference bundle has no gene models "
    "(GFF3), so no event could be assigned to a gene"
)
BINS = 40


@dataclass(frozen=True)
class SvRequest:
    sample_id: str
    genome_build: str
    sex: str = "unknown"


def _impact(e: GeneEffect, gene: PanelGene | None, refseq: dict[str, str]) -> GeneImpact:
    return GeneImpact(
        gene=e.gene,
        hgnc_id=gene.hgnc_id if gene else None,
        transcript=e.transcript.id,
        transcript_refseq=refseq.get(e.gene),
        consequence=e.consequence,
        exons=list(e.exons),
        exon_count=len(e.transcript.exons),
        exons_label=e.exon_label if e.exons else None,
        frame=e.frame,
        coding_bases=e.cds_bases,
        whole_gene=e.whole_gene,
        in_panel=gene is not None,
    )


def depth_profile(alignment: Path, reference: Path | None, event: StructuralVariant) -> list[DepthBin]:
    """Mean read depth (MAPQ >= 20, no duplicates) in 40 bins over the event and one event length of flank on
    each side (at most 100 kb per side), each bin also as a ratio to the flanks' median depth (bins without
    reads left out of the baseline)."""
    import pysam

    span = event.end1 - event.start1 + 1
    flank = min(max(span, 500), 100_000)
    start0, end0 = max(0, event.start1 - 1 - flank), event.end1 + flank
    try:
        with pysam.AlignmentFile(
            str(alignment), reference_filename=str(reference) if reference else None
        ) as aln:
            length = aln.get_reference_length(event.chrom)
            end0 = min(end0, length)
            step = max(1, (end0 - start0) // BINS)
            bins: list[tuple[int, int, float]] = []
            for left in range(start0, end0, step):
                right = min(left + step, end0)
                counts = aln.count_coverage(
                    event.chrom,
                    left,
                    right,
                    quality_threshold=0,
                    read_callback=lambda r: not (r.is_duplicate or r.is_secondary or r.mapping_quality < 20),
                )
                total = sum(sum(c) for c in counts)
                bins.append((left + 1, right, total / (right - left)))
    except (OSError, ValueError, KeyError) as exc:
        raise InputIntegrityError(f"cannot read depth for the SV depth plot: {exc}", path=alignment) from exc
    # the baseline: the flanks' median depth, leaving out bins without reads (e.g. beyond a masked reference)
    outside = sorted(d for s, e, d in bins if (e < event.start1 or s > event.end1) and d > 0)
    baseline = outside[len(outside) // 2] if outside else 0.0
    return [
        DepthBin(start1=s, end1=e, depth=round(d, 2), ratio=round(d / baseline, 3) if baseline else None)
        for s, e, d in bins
    ]


def interpret_structural(
    sv_vcf: Path,
    request: SvRequest,
    genes: dict[str, tuple[PanelGene, Panel]],
    gff3: Path | None,
    transcripts: dict[str, str],
    refseq: dict[str, str],
    constraint: dict[str, Constraint],
    lof_genes: set[str],
    qualifying: Counter[str],
    alignment: Path | None = None,
    reference: Path | None = None,
) -> tuple[StructuralAnalysis, list[StructuralFinding], list[str]]:
    """(analysis summary, findings, release blockers) for one sample's SV VCF."""
    events = read_sv_vcf(sv_vcf, request.sample_id)
    # a caller that could not assess the sample (##clinwgs_sv_not_assessed, rules/sv.smk): said, never "none"
    unassessed = [f"{NOT_ASSESSED_NOTE} {reason}." for reason in not_assessed(sv_vcf)]
    passed = [e for e in events if not e.filters]
    callers = sorted({c for e in events for c in e.callers})
    if gff3 is None:
        analysis = StructuralAnalysis(
            source=sv_vcf.name,
            callers=callers,
            events_examined=len(events),
            events_passed=len(passed),
            notes=[*METHOD_NOTES, *unassessed, NO_GENE_MODELS],
        )
        return analysis, [], [NO_GENE_MODELS]
    models = load_transcripts(gff3)
    coding = set(models)
    out: list[StructuralFinding] = []
    for event in passed:
        effects = annotate(event, models, transcripts)
        panel_effects = [e for e in effects if e.gene in genes]
        if not panel_effects:
            continue
        contexts = {}
        for e in effects:
            pg = genes.get(e.gene)
            in_lof_list = e.gene in lof_genes
            lof = bool(pg and pg[0].lof_mechanism) or in_lof_list
            source = (
                "panel" if pg and pg[0].lof_mechanism else "ClinGen HI score 3 (settings lof_mechanism_genes)"
            )
            contexts[e.gene] = GeneContext(
                in_panel=pg is not None,
                lof_mechanism=lof,
                inheritance=pg[0].inheritance if pg else None,
                lof_source=source,
                constraint=constraint.get(e.gene),
            )
        n_coding = len({e.gene for e in effects if e.gene in coding})
        criteria, points = score(event, effects, contexts, n_coding)
        klass = classify_points(points) if points is not None else None
        # the panel gene deciding the tier: the most severe effect on a panel gene (effects are sorted)
        best = panel_effects[0]
        gene, panel = genes[best.gene]
        decision = assign_sv_tier(
            event, best, contexts[best.gene], klass, request.sex, qualifying[best.gene] > 0
        )
        if panel.additional_findings and decision.tier is Tier.TIER2:
            decision = type(decision)(
                Tier.NONE, decision.confirmation_required, "secondary findings: only P/LP are reported"
            )
        profile = depth_profile(alignment, reference, event) if alignment is not None else []
        out.append(
            StructuralFinding(
                event=event,
                depth_profile=profile,
                genome_build=request.genome_build,  # type: ignore[arg-type]
                genes=[_impact(e, genes[e.gene][0] if e.gene in genes else None, refseq) for e in effects],
                consequence=best.consequence,
                gene=best.gene,
                tier=decision.tier,
                classification=klass,
                cnv_points=points,
                criteria=criteria,
                panel=panel.label,
                additional_finding=panel.additional_findings,
                inheritance=gene.inheritance,
                confirmation_required=decision.confirmation_required,
                confirmation_method="MLPA" if decision.confirmation_required else None,
                review_reason=decision.review_reason,
            )
        )
    out.sort(key=lambda f: (f.tier.value, f.gene, f.event.start1))
    analysis = StructuralAnalysis(
        source=sv_vcf.name,
        callers=callers,
        events_examined=len(events),
        events_passed=len(passed),
        events_in_panel_genes=len(out),
        notes=[*METHOD_NOTES, *unassessed],
    )
    return analysis, out, []


def load_constraint_if(path: Path | None) -> dict[str, Constraint]:
    from clinwgs.interpret.cnv_scoring import load_constraint

    return load_constraint(path) if path is not None else {}
