"""What the report says, computed from findings.json: the one-sentence summary, recommended actions, coverage
gaps and the rows of each table. Templates only lay this out."""

from __future__ import annotations

from typing import Any

from clinwgs.interpret.alleles import REGENOTYPE
from clinwgs.interpret.coverage import NO_MODEL
from clinwgs.interpret.engine import NO_CONSEQUENCES
from clinwgs.models.findings import (
    Classification,
    Finding,
    Findings,
    GeneCoverage,
    MemberGenotype,
    Tier,
    incomplete_reasons,
    not_fully_assessed,
    panel_genes,
    result_status,
    sf_genes,
    structural_tier1,
)
from clinwgs.report.structural import event_text, structural_section, sv_methods

P_LP = (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC)


def _variant_text(f: Finding) -> str:
    a = f.annotation
    change = (
        a.hgvs_p
        or a.hgvs_c
        or a.hgvs_g
        or f"{f.variant.chrom}:{f.variant.pos1}{f.variant.ref}>{f.variant.alt}"
    )
    return f"{a.gene} {change}"


_SEGREGATION_WORD = {
    "de_novo": "de novo",
    "inherited_paternal": "paternally inherited",
    "inherited_maternal": "maternally inherited",
    "homozygous_biparental": "biparental",
    "compound_heterozygous": "compound heterozygous",
    "x_linked_maternal": "maternally inherited X-linked",
}


def _segregation_word(f: Finding) -> str:
    """" de novo", " paternally inherited" ... for a finding analysed in a family; "" otherwise."""
    word = _SEGREGATION_WORD.get(f.segregation.pattern) if f.segregation is not None else None
    return f" {word}" if word else ""


def summary_sentence(findings: Findings) -> str:
    """One sentence a clinician reads first; the same result category as the JSON and FHIR
    (models.findings.result_status): "negative" only when every panel gene was fully assessed."""
    if NO_CONSEQUENCES in findings.notes:
        return (
            "Analysis incomplete: the variants could not be assigned to genes (no consequence annotation), "
            "so this is not a negative result."
        )
    genes = panel_genes(findings)
    gaps = not_fully_assessed(findings, genes)
    threshold = findings.coverage[0].threshold_x if findings.coverage else None
    gap_text = (
        f"{len(gaps)} of {len(genes)} gene(s) not fully assessed"
        + (f" at {threshold}x" if threshold else "")
        + f" ({', '.join(gaps)})"
        if gaps
        else ""
    )
    tier1 = [f for f in findings.findings if f.tier is Tier.TIER1 and not f.additional_finding]
    sv_tier1 = structural_tier1(findings)
    if tier1 or sv_tier1:
        listed = "; ".join(
            [
                f"{f.classification.value.lower()} {f.variant.zygosity.value}{_segregation_word(f)} "
                f"{_variant_text(f)}"
                for f in tier1
            ]
            + [
                f"{(f.classification.value.lower() + ' ') if f.classification else ''}{event_text(f)}, "
                f"{f.size_label}" + (" (to be confirmed by MLPA)" if f.confirmation_required else "")
                for f in sv_tier1
            ]
        )
        tier1 = [*tier1, *sv_tier1]  # type: ignore[list-item]
        tail = f" {gap_text[0].upper()}{gap_text[1:]}." if gap_text else ""
        return f"{len(tier1)} reportable variant(s) identified: {listed}.{tail}"
    reasons = incomplete_reasons(findings)
    if reasons:
        return (
            f"Analysis incomplete: {'; '.join(reasons)}. "
            "This is not a negative result and must not be released."
        )
    status = result_status(findings)
    if status == "negative":
        return (
            f"Negative: no pathogenic or likely pathogenic variant was identified; all {len(genes)} gene(s) "
            f"of the {findings.test_code} panel were fully assessed."
        )
    parts = [
        f"No pathogenic or likely pathogenic variant found in the regions assessed for {findings.test_code}"
    ]
    if gap_text:
        parts.append(f"{gap_text}, so this result does not exclude a variant there")
    if findings.for_review:
        parts.append(f"{len(findings.for_review)} record(s) await review by a clinical scientist")
    return "; ".join(parts) + " (inconclusive)."


def additional_findings_statement(findings: Findings) -> str | None:
    """What the additional-findings section may claim: only the SF genes that were analysed."""
    if not findings.additional_findings_consented:
        return None
    genes = sf_genes(findings)
    missing = not_fully_assessed(findings, genes)
    analysed = len(genes) - len(missing)
    found = [f for f in findings.findings if f.additional_finding]
    head = (
        f"{len(found)} additional finding(s) reported"
        if found
        else "No pathogenic or likely pathogenic additional finding"
    )
    text = f"{head} in the {analysed} of {len(genes)} ACMG SF genes that were fully assessed"
    if missing:
        text += f"; {len(missing)} SF gene(s) were not fully assessed and no statement is made about them"
    return text + "."


def recommended_actions(findings: Findings) -> list[str]:
    actions: list[str] = []
    if findings.release_blocked:
        actions.append("Do not release: resolve the blocking issue(s) listed above and re-run the analysis.")
    if any(f.tier is Tier.TIER1 for f in findings.findings) or structural_tier1(findings):
        actions += [
            "Clinical scientist to review the automated classification and the cited evidence "
            "before release.",
            "Refer to clinical genetics to discuss the result with the patient and offer predictive "
            "(cascade) "
            "testing to at-risk relatives.",
            "Manage according to the national guidance for the gene and condition.",
        ]
    if any(f.tier is Tier.TIER2 for f in findings.findings) or any(
        sv.tier is Tier.TIER2 for sv in findings.structural_findings
    ):
        actions.append(
            "Variants of uncertain significance must not be used for clinical decision making; "
            "review if further evidence (segregation, phenotype) becomes available."
        )
    if any(f.confirmation_required and f.tier is not Tier.NONE for f in findings.structural_findings):
        actions.append(
            "Confirm the reported structural/copy-number variant(s) by an orthogonal method (MLPA) before "
            "the result is used clinically."
        )
    if not any(f.tier is Tier.TIER1 for f in findings.findings) and not structural_tier1(findings):
        actions.append(
            "A negative result does not exclude the condition: if clinical suspicion remains, "
            "consider further testing, especially of the genes or exons not fully assessed."
        )
    if any(f.additional_finding for f in findings.findings):
        actions.append(
            "Additional (secondary) finding present: discuss under the patient's consent for "
            "additional findings."
        )
    return actions


def finding_row(f: Finding) -> dict[str, Any]:
    a, v = f.annotation, f.variant
    met = [c for c in f.criteria if c.status == "met"]
    cv = f.clinvar
    return {
        "gene": a.gene,
        "transcript": a.transcript or "-",
        "transcript_refseq": a.transcript_refseq or "",
        "hgvs_c": a.hgvs_c or "-",
        "hgvs_g": a.hgvs_g or "-",
        "hgvs_p": a.hgvs_p or "-",
        "nomenclature_source": a.nomenclature_source or "",
        "vaf": f"{v.allele_fraction:.0%}" if v.allele_fraction is not None else "-",
        "classification_source": (
            "ClinVar (known pathogenic)" if f.classification_source == "clinvar" else "automated ACMG"
        ),
        "automated_classification": (f.automated_classification or f.classification).value,
        "discordant": f.discordant,
        "clinvar_accession": cv.accession if cv and cv.accession else "",
        "clinvar_release": cv.release if cv else "",
        "dbsnp": ", ".join(cv.dbsnp) if cv else "",
        "consequence": a.consequence.replace("_", " "),
        "position": f"{v.chrom}:{v.pos1} {v.ref}>{v.alt} ({v.genome_build})",
        "zygosity": v.zygosity.value,
        "classification": f.classification.value,
        "tier": f.tier.value,
        "criteria": ", ".join(c.code for c in met) or "none met",
        "criteria_detail": [f"{c.code}: {c.evidence}" for c in met],
        "clinvar": f.clinvar.significance if f.clinvar else "not in ClinVar",
        "stars": f.clinvar.stars if f.clinvar else None,
        "clinvar_review": f.clinvar.review_status if f.clinvar else "",
        "inheritance": f.inheritance or "-",
        "panel": f.panel,
        "reason": f.review_reason or "",
        "af": a.max_population_af,
        "depth": v.depth,
        "filters": ",".join(v.filters) or "PASS",
        **family_row(f),
    }


def _genotype_text(g: MemberGenotype) -> str:
    depth = f"{g.depth}x" if g.depth is not None else "depth n/a"
    vaf = f", VAF {g.allele_fraction:.0%}" if g.allele_fraction is not None else ""
    return f"{g.genotype} ({depth}{vaf})"


def family_row(f: Finding) -> dict[str, Any]:
    """A finding's segregation and each member's genotype with depth (issue 16); empty for a lone sample, so
    a lone sample's report JSON is unchanged."""
    if f.segregation is None:
        return {}
    return {
        "segregation": f.segregation.description,
        "segregation_pattern": f.segregation.pattern,
        "family_genotypes": [
            {
                "sample_id": g.sample_id,
                "relation": g.relation,
                "affected": g.affected,
                "genotype": g.genotype,
                "depth": g.depth,
                "allele_fraction": g.allele_fraction,
                "text": _genotype_text(g),
            }
            for g in f.family_genotypes or []
        ],
    }


def family_section(findings: Findings) -> dict[str, Any] | None:
    """The family section of the proband's report: members, family QC and its checks; None for a lone
    sample."""
    fam = findings.family
    if fam is None:
        return None
    status = {
        "pass": "pass",
        "fail": "FAIL: release blocked",
        "insufficient_data": "insufficient data (not a pass: parentage is not confirmed)",
        "not_run": "not run (parentage is not confirmed)",
    }[fam.qc_status]
    return {
        "family_id": fam.family_id,
        "proband": fam.proband,
        "members": [m.model_dump() for m in fam.members],
        "qc_status": fam.qc_status,
        "qc_status_text": status,
        "qc_checks": [c.model_dump() for c in fam.qc_checks],
        "qc_release_blockers": list(fam.qc_release_blockers),
    }


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:.4g}"


def _gap_row(c: GeneCoverage) -> dict[str, Any]:
    unmodelled = c.exons_below == [NO_MODEL]
    listed = c.exons_below[:12]
    more = len(c.exons_below) - len(listed)
    gaps = [g.label for g in c.gaps[:12]]
    more_gaps = len(c.gaps) - len(gaps)
    intervals: list[str] = []  # one line each in the PDF, so a c. range never breaks across lines
    if unmodelled:
        detail = "not analysed: the reference bundle has no gene model (or sequence) for this gene"
    elif c.gaps:
        bases = sum(g.end1 - g.start1 + 1 for g in c.gaps)
        intervals = gaps + ([f"... ({more_gaps} more)"] if more_gaps > 0 else [])
        detail = f"{bases} coding base(s) below threshold in {len(c.gaps)} interval(s):"
    else:
        detail = (
            f"{len(c.exons_below)} coding interval(s) below threshold: "
            + ", ".join(listed)
            + (f", ... ({more} more)" if more > 0 else "")
        )
    return {
        "gene": c.gene,
        "pct": f"{c.fraction_at_threshold * 100:.1f}%",
        "mean": f"{c.mean_depth}x",
        "threshold": c.threshold_x,
        "detail": detail,
        "intervals": intervals,
    }


def regenotype_methods(methods: dict[str, Any], findings: Findings) -> dict[str, Any]:
    """methods.yaml with ``regenotype_methods`` added when the sample's indels were re-genotyped on spanning
    reads (the VCF header said so: ``tool_versions``); otherwise unchanged."""
    if REGENOTYPE not in findings.tool_versions:
        return methods
    return {**methods, "methods": [*methods.get("methods", []), *methods.get("regenotype_methods", [])]}


def build_context(
    findings: Findings, qc: dict[str, float], plots: dict[str, str], methods: dict[str, Any]
) -> dict[str, Any]:
    primary = [f for f in findings.findings if not f.additional_finding]
    additional = [f for f in findings.findings if f.additional_finding]
    not_evaluated = sorted(
        {c.code for f in findings.findings for c in f.criteria if c.status == "not_evaluated"}
    )
    return {
        "f": findings,
        "summary": summary_sentence(findings),
        "result": result_status(findings),
        "additional_statement": additional_findings_statement(findings),
        "tier1_count": sum(f.tier is Tier.TIER1 for f in primary),
        "actions": recommended_actions(findings),
        "rows": [finding_row(f) for f in primary],
        "additional_rows": [finding_row(f) for f in additional],
        "review_rows": [finding_row(f) for f in findings.for_review],
        "gaps": [
            _gap_row(c) for c in findings.coverage if not c.fully_assessed and c.gene in panel_genes(findings)
        ],
        "analysed_panels": [p for p in findings.panels if p.source != "ACMG SF"],
        "sf_panels": [p for p in findings.panels if p.source == "ACMG SF"],
        "qc": {k.replace("_", " "): _number(v) for k, v in qc.items()},
        "plots": plots,
        "methods": sv_methods(regenotype_methods(methods, findings), findings),
        "structural": structural_section(findings),
        "not_evaluated": not_evaluated,
        "family": family_section(findings),
    }
