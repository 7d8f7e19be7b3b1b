"""A report whose analysis was incomplete is never a negative (or a plain "inconclusive") result:
findings.json blocks release and says why, the report and FHIR summary say "Analysis incomplete" and why.
The inline VCFs carry no SnpEff ANN, which blocks release too; the gene-model blocker is checked by name."""

from __future__ import annotations

from pathlib import Path

from clinwgs.fhir.bundle import overall_result
from clinwgs.interpret.engine import NO_PANEL_GENES, _panel_blockers
from clinwgs.interpret.panels import Panel
from clinwgs.models.findings import incomplete_reasons, result_status
from clinwgs.report.context import summary_sentence
from tests.support.interpret_vcf import BUNDLE, SYNONYMOUS, record, run, write_vcf

GFF3 = BUNDLE / "gencode_v19_BRCA1_region.GRCh38.csq_ready.gff3"


def test_a_panel_without_any_gene_model_blocks_release_as_analysis_incomplete(tmp_path: Path) -> None:
    # R254 (Familial melanoma, PanelApp) on the BRCA1 bundle: none of its genes has a gene model there
    vcf = write_vcf(tmp_path, record(f"BCSQ={SYNONYMOUS}", pos=43093220, ref="A", alt="G"))
    findings = run(vcf, test_code="R254", gff3=GFF3)
    (blocker,) = [b for b in findings.release_blockers if b.startswith("analysis incomplete: none of the")]
    assert findings.release_blocked and blocker in findings.notes
    assert "has a gene model in the reference bundle's GFF3" in blocker and "CDKN2A" in blocker
    assert result_status(findings) == "inconclusive" and overall_result(findings) != "negative"
    sentence = summary_sentence(findings)
    assert sentence.startswith("Analysis incomplete: ") and "not a negative result" in sentence
    assert "; none of the 4 gene(s) of the test's panels" in sentence
    assert "(inconclusive)" not in sentence
    from clinwgs.fhir.bundle import conclusion_text

    assert conclusion_text(findings).startswith("Analysis incomplete (not a negative result): ")
    assert "none of the 4 gene(s)" in conclusion_text(findings)


def test_a_panel_with_a_modelled_gene_is_not_blocked(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path, record(f"BCSQ={SYNONYMOUS}", pos=43093220, ref="A", alt="G"))
    findings = run(vcf, test_code="R208", gff3=GFF3)  # BRCA1 is modelled; the other six are "not assessed"
    assert not [b for b in findings.release_blockers if "gene model" in b]


def test_an_empty_panel_is_analysis_incomplete() -> None:
    assert _panel_blockers([Panel("empty", "1", "lab-defined")], GFF3) == [NO_PANEL_GENES]
    assert _panel_blockers([Panel("empty", "1", "lab-defined")], None) == [NO_PANEL_GENES]


def test_identity_and_annotation_blockers_read_as_analysis_incomplete(tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path, record(f"BCSQ={SYNONYMOUS}", pos=43093220, ref="A", alt="G"))
    base = run(vcf, test_code="R208", gff3=GFF3)
    cleared = base.model_copy(update={"release_blocked": False, "release_blockers": []})
    assert incomplete_reasons(cleared) == []
    blocked = base.model_copy(
        update={"release_blocked": True, "release_blockers": ["SAMPLE IDENTITY: unit L2 does not match L1"]}
    )
    assert incomplete_reasons(blocked) == ["SAMPLE IDENTITY: unit L2 does not match L1"]
    assert summary_sentence(blocked).startswith("Analysis incomplete: SAMPLE IDENTITY: unit L2")
    assert result_status(blocked) != "negative"
