"""The report's "Structural and copy-number variants" section (issue 17): a Tier 1 BRCA1 exons 1-2 deletion
and a Tier 2 exon duplication on a real 1000 Genomes sample with a hand-made SV VCF; the limitations text
changes only when SV analysis ran; the result turns positive only on a Tier 1 SV."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinwgs.models.findings import Findings
from clinwgs.report.context import summary_sentence
from clinwgs.report.render import render_html, render_pdf, report_json
from clinwgs.report.structural import NOT_ANALYSED_PREFIX
from tests.support.interpret_vcf import DATA, REPO, run
from tests.support.sv_vcf import write_sv_vcf
from tests.support.tools import require
from tests.unit.interpret.test_sv_engine import BAM, EXON_1_2_DEL, EXON_12_DUP, GFF3, INTRONIC

TEMPLATES = REPO / "reports"


@pytest.fixture(scope="module")
def with_sv(tmp_path_factory: pytest.TempPathFactory) -> Findings:
    folder = tmp_path_factory.mktemp("sv")
    sv = write_sv_vcf(
        folder / "HG00096.sv.vcf",
        [EXON_12_DUP, INTRONIC, EXON_1_2_DEL],
        sample="HG00096",
        contig="chr17",
        length=83_257_441,
    )
    return run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv, sv_alignment=BAM)


@pytest.fixture(scope="module")
def without_sv() -> Findings:
    return run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3)


def test_section_lists_the_events_with_exons_copy_number_support_and_plot(with_sv: Findings) -> None:
    html = render_html(with_sv, TEMPLATES, {}, {})
    section = html.split('id="structural"', 1)[1].split("<h2>", 1)[0]
    assert "BRCA1 deletion, exons 1-2 of 23 (NM_007294.4)" in section and "9.5 kb" in section
    assert "Tier 1" in section and "Tier 2" in section and "Likely pathogenic" in section
    assert "chr17:43,116,500-43,126,000 (GRCh38)" in section and "14 pairs, 9 split reads" in section
    assert "depth ratio 0.51" in section and "2C-1 (+0.90)" in section
    assert "CONFIRM BY MLPA BEFORE RELEASE" in section  # the duplication
    assert section.count("<svg") == 2 and "depth ratio to the flanks" in section  # one plot per event
    assert "intronic deletion" in section  # listed for review, not reported
    assert report_json(with_sv, {})["result"] == "positive"
    assert "No Tier 1 or Tier 2 small variant (SNV or indel) was found" in html
    assert summary_sentence(with_sv).startswith(
        "1 reportable variant(s) identified: likely pathogenic BRCA1 "
        "deletion, exons 1-2 of 23 (NM_007294.4), 9.5 kb"
    )


def test_limitations_change_only_when_sv_analysis_ran(with_sv: Findings, without_sv: Findings) -> None:
    plain = render_html(without_sv, TEMPLATES, {}, {})
    assert NOT_ANALYSED_PREFIX in plain and "none of these were analysed" in plain
    assert "Structural and copy-number variants were not analysed for this sample." in plain
    assert "structural" not in report_json(without_sv, {})
    analysed = render_html(with_sv, TEMPLATES, {}, {})
    assert NOT_ANALYSED_PREFIX not in analysed
    assert "Structural and copy-number variants were analysed from short reads" in analysed
    assert "balanced rearrangements" in analysed and "Riggs et al., Genet Med 2020" in analysed
    sv_json = report_json(with_sv, {})["structural"]
    assert [r["tier"] for r in sv_json["findings"]] == ["Tier 1", "Tier 2"] and len(
        sv_json["for_review"]
    ) == 1


def test_without_a_tier1_sv_the_result_is_not_positive(tmp_path: Path) -> None:
    sv = write_sv_vcf(
        tmp_path / "dup.sv.vcf", [EXON_12_DUP], sample="HG00096", contig="chr17", length=83_257_441
    )
    out = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)
    assert report_json(out, {})["result"] == "inconclusive"
    assert "Confirm the reported structural" in " ".join(render_html(out, TEMPLATES, {}, {}).split())


def test_pdf_renders_the_section(with_sv: Findings, tmp_path: Path) -> None:
    import shutil
    import subprocess

    require(shutil.which("pdftotext"), "poppler-utils (pdftotext)")

    pdf = tmp_path / "sv.pdf"
    pdf.write_bytes(render_pdf(render_html(with_sv, TEMPLATES, {}, {}), TEMPLATES))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Structural and copy-number variants" in text and "exons 1-2 of 23" in text


def test_a_sample_the_sv_caller_could_not_assess_is_reported_as_not_analysed(tmp_path: Path) -> None:
    """delly could not estimate the library (##clinwgs_sv_not_assessed): no record is not "no SV" (the
    report keeps the 'not analysed' limitation and never says no structural variant was found)."""
    sv = write_sv_vcf(tmp_path / "HG00096.sv.vcf", [], sample="HG00096", contig="chr17", length=83_257_441)
    note = "##clinwgs_sv_not_assessed=delly: not enough read pairs to estimate the library insert size\n"
    sv.write_text(sv.read_text().replace("##contig", note + "##contig", 1))
    findings = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)
    assert findings.structural_analysis is not None and not findings.structural_analysis.assessed
    html = render_html(findings, TEMPLATES, {}, {})
    assert "Structural and copy-number variants could not be analysed for this sample." in html
    assert "not enough read pairs to estimate the library insert size" in html
    assert NOT_ANALYSED_PREFIX in html  # the limitation stays
    assert "Structural and copy-number variants were analysed from short reads" not in html
    assert 'id="no-structural"' not in html and "small variant (SNV or indel)" not in html
    sv_json = report_json(findings, {})["structural"]
    assert sv_json["analysed"] is False and sv_json["findings"] == []
