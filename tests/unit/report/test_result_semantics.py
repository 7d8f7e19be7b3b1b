"""One result category everywhere (report summary, report JSON, FHIR conclusionCode): "negative" (LOINC
LA6577-6) only when every gene of the panel was fully assessed; otherwise inconclusive, naming the genes."""

from __future__ import annotations

import json

import pytest

from clinwgs.fhir.bundle import build_report_bundle
from clinwgs.models.findings import Findings, GeneCoverage, result_status
from clinwgs.report.context import additional_findings_statement, summary_sentence
from clinwgs.report.render import report_json
from tests.support.interpret_vcf import DATA, run

NEGATIVE = "LA6577-6"


def _hg00099() -> Findings:
    return run(
        DATA / "HG00099.annotated.vcf.gz",
        sample="HG00099",
        thresholds=DATA / "HG00099.panel.thresholds.bed.gz",
        regions=DATA / "HG00099.panel.regions.bed.gz",
    )


@pytest.mark.parametrize("sample", ["HG00096", "HG00099", "HG00101"])
def test_demo_samples_not_fully_assessed_are_never_negative(sample: str) -> None:
    findings = _hg00099() if sample == "HG00099" else run(DATA / f"{sample}.annotated.vcf.gz", sample=sample)
    genes = [g for p in findings.panels for g in p.genes]
    assert not all(c.fully_assessed for c in findings.coverage if c.gene in genes) or not findings.coverage
    bundle = json.dumps(build_report_bundle(findings))
    assert NEGATIVE not in bundle
    assert result_status(findings) == "inconclusive"
    assert report_json(findings, {})["result"] == "inconclusive"
    assert "Negative" not in summary_sentence(findings)
    if findings.coverage:
        assert "BRCA1" in report_json(findings, {})["genes_not_fully_assessed"]
        assert "not fully assessed: BRCA1" in bundle


def test_negative_only_when_every_panel_gene_is_fully_assessed() -> None:
    findings = _hg00099()
    full = [
        c.model_copy(update={"fully_assessed": True, "fraction_at_threshold": 1.0}) for c in findings.coverage
    ]
    negative = findings.model_copy(update={"coverage": full, "findings": [], "for_review": []})
    assert result_status(negative) == "negative"
    assert NEGATIVE in json.dumps(build_report_bundle(negative))
    assert summary_sentence(negative).startswith("Negative:")
    one_gap = [*full[:-1], full[-1].model_copy(update={"fully_assessed": False})]
    assert result_status(negative.model_copy(update={"coverage": one_gap})) == "inconclusive"


def test_positive_control_counts_match_the_tables() -> None:
    findings = run(DATA / "PC001.annotated.vcf.gz", sample="PC001")
    assert result_status(findings) == "positive"
    assert summary_sentence(findings).startswith(f"{len(findings.findings)} reportable variant(s)")
    assert "LA6576-8" in json.dumps(build_report_bundle(findings))


def test_additional_findings_statement_covers_only_analysed_sf_genes() -> None:
    findings = run(DATA / "HG00101.annotated.vcf.gz", test_code="R254", consent=True, sample="HG00101")
    sf = [g for p in findings.panels if p.source == "ACMG SF" for g in p.genes]
    covered = [GeneCoverage(gene="BRCA1", fraction_at_threshold=1.0, mean_depth=30, threshold_x=20,
                            fully_assessed=True)]
    statement = additional_findings_statement(findings.model_copy(update={"coverage": covered}))
    assert statement is not None
    assert f"in the 1 of {len(sf)} ACMG SF genes that were fully assessed" in statement
    assert f"{len(sf) - 1} SF gene(s) were not fully assessed" in statement
