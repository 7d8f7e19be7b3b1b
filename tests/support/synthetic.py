"""Synthetic findings for the record-service tests and ``benchmarks/service_bench.py``: an obviously fake
report of a pseudonymous sample (no patient identifiers; those are registered with the service)."""

from __future__ import annotations

from datetime import UTC, datetime

from clinwgs.models.findings import (
    Annotation,
    Classification,
    CriterionResult,
    Finding,
    Findings,
    GeneCoverage,
    PanelUsed,
    SexCheck,
    Tier,
    Variant,
    Zygosity,
)


def example_findings(sample_id: str, n_variants: int = 3, test_code: str = "R208") -> Findings:
    """A findings document with ``n_variants`` BRCA1 findings on GRCh38 (first one Tier 1 pathogenic)."""
    findings = []
    for i in range(n_variants):
        cls = Classification.PATHOGENIC if i == 0 else Classification.VUS
        findings.append(
            Finding(
                variant=Variant(
                    chrom="chr17",
                    pos1=43_045_700 + 10 * i,
                    ref="G",
                    alt="A",
                    genome_build="GRCh38",
                    zygosity=Zygosity.HET,
                    depth=40 + i,
                    allele_fraction=0.5,
                ),
                annotation=Annotation(
                    gene="BRCA1",
                    hgnc_id="HGNC:1100",
                    transcript="NM_007294.4",
                    consequence="stop_gained" if i == 0 else "missense_variant",
                    hgvs_c=f"c.{5000 + i}C>T",
                    hgvs_p=f"p.Gln{1600 + i}Ter" if i == 0 else None,
                ),
                classification=cls,
                criteria=[
                    CriterionResult(
                        code="PM2_Supporting",
                        status="met",
                        strength="supporting",
                        direction="pathogenic",
                        evidence="absent from ExAC r0.3",
                    )
                ],
                tier=Tier.TIER1 if i == 0 else Tier.TIER2,
                inheritance="MONOALLELIC",
                panel="Hereditary breast and ovarian cancer",
                genotype_fits_inheritance=True,
            )
        )
    return Findings(
        sample_id=sample_id,
        test_code=test_code,
        genome_build="GRCh38",
        generated_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        pipeline_version="0.1.0",
        panels=[
            PanelUsed(
                name="Hereditary breast and ovarian cancer",
                version="3.0",
                source="lab-defined",
                genes=["BRCA1"],
            )
        ],
        findings=findings,
        variants_examined=1000,
        variants_in_panel=12,
        coverage=[
            GeneCoverage(
                gene="BRCA1", fraction_at_threshold=0.99, mean_depth=35.0, threshold_x=20, fully_assessed=True
            )
        ],
        sex_check=SexCheck(reported="female", inferred="female", mismatch=False, note="consistent"),
        additional_findings_consented=False,
        release_blocked=False,
        databases={"ClinVar": "2015-02-04", "ExAC": "r0.3"},
    )
