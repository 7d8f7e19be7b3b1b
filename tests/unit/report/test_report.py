"""The clinician report: HTML content, JSON, the PDF (rendered once per session), blocked release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinwgs.cli import main
from clinwgs.core.errors import InputIntegrityError
from clinwgs.models.findings import Findings
from clinwgs.report.render import load_findings, render_html, report_json
from tests.support.interpret_vcf import DATA, FASTA, MANIFEST, REPO, run
from tests.support.tools import require

TEMPLATES = REPO / "reports"


@pytest.fixture(scope="module")
def pc001() -> Findings:
    return run(DATA / "PC001.annotated.vcf.gz", sample="PC001")


@pytest.fixture(scope="module")
def hg00099() -> Findings:
    return run(
        DATA / "HG00099.annotated.vcf.gz",
        sample="HG00099",
        sex="female",
        thresholds=DATA / "HG00099.panel.thresholds.bed.gz",
        regions=DATA / "HG00099.panel.regions.bed.gz",
    )


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PC001 through both CLIs once (PDF rendering is slow): findings.json -> HTML, PDF, JSON."""
    out = tmp_path_factory.mktemp("report")
    findings = out / "findings.json"
    assert (
        main(
            [
                "interpret",
                "--vcf",
                str(DATA / "PC001.annotated.vcf.gz"),
                "--sample-id",
                "PC001",
                "--test-code",
                "R208",
                "--settings",
                str(REPO / "config" / "panels.yaml"),
                "--database",
                "ClinVar=2015-02-04",
                "--reference",
                str(FASTA),
                "--manifest",
                str(MANIFEST),
                "--out-json",
                str(findings),
                "--out-tsv",
                str(out / "findings.tsv"),
            ]
        )
        == 0
    )
    paths = {k: out / f"PC001.report.{k}" for k in ("html", "pdf", "json")}
    assert (
        main(
            [
                "report",
                "--findings",
                str(findings),
                "--templates",
                str(TEMPLATES),
                "--out-html",
                str(paths["html"]),
                "--out-pdf",
                str(paths["pdf"]),
                "--out-json",
                str(paths["json"]),
            ]
        )
        == 0
    )
    return paths


def test_positive_report_has_every_section(pc001: Findings) -> None:
    html = render_html(pc001, TEMPLATES, {"mapped_pct": 99.1}, {})
    for text in (
        "Result summary",
        "Findings",
        "Interpretation and recommended actions",
        "Panel and genes analysed",
        "Coverage gaps",
        "Quality control",
        "Methods",
        "Limitations",
        "Authorisation",
        "Checked by",
        "Authorised by",
    ):
        assert text in html, text
    assert "1 reportable variant(s) identified: pathogenic heterozygous BRCA1 p.(Glu23ValfsTer17)." in html
    assert "NM_007294.4:c.68_69del" in html and "NC_000017.11:g.43124030_43124031del" in html
    assert "ENST00000357654" in html and "PVS1, PP5" in html and "★★☆☆" in html
    assert "DISCORDANT: REVIEW" in html and "RCV000019230.9" in html and "VAF -" in html  # no AD here
    assert "PRELIMINARY" in html
    assert "R208 Inherited breast and ovarian cancer (LAB-DEFINED DEMO PANEL)</b>, version 0.1-demo" in html
    assert "ClinVar test" in html and "bcftools csq" in html


def test_negative_report_lists_gaps(hg00099: Findings) -> None:
    html = render_html(hg00099, TEMPLATES, {}, {})
    assert (
        "No pathogenic or likely pathogenic variant found in the regions assessed for R208; "
        "7 of 7 gene(s) not fully assessed at 20x (BRCA1, BRCA2, PALB2, ATM, CHEK2, RAD51C, RAD51D)"
    ) in html
    assert "(inconclusive)" in html and "Negative" not in html
    assert "25 coding interval(s) below threshold" in html
    assert "not analysed: the reference bundle has no gene model" in html
    assert 'id="no-findings"' in html


def test_report_carries_only_the_pseudonymous_id(pc001: Findings) -> None:
    html = render_html(pc001, TEMPLATES, {}, {})
    assert "PC001" in html
    for word in ("NHS number", "Date of birth", "Patient name"):
        assert word not in html


def test_release_blocked_banner(pc001: Findings) -> None:
    blocked = pc001.model_copy(update={"release_blocked": True, "release_blockers": ["SEX MISMATCH: test"]})
    html = render_html(blocked, TEMPLATES, {}, {})
    assert 'id="release-blocked"' in html and "NOT FOR RELEASE: SEX MISMATCH: test" in html
    assert report_json(blocked, {})["release_blocked"] is True


def test_cli_outputs(rendered: dict[str, Path]) -> None:
    pdf = rendered["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000
    data = json.loads(rendered["json"].read_text())
    assert data["sample_id"] == "PC001" and data["findings"][0]["gene"] == "BRCA1"
    assert data["findings"][0]["tier"] == "Tier 1" and data["sign_off"] == {
        "checked_by": None,
        "authorised_by": None,
    }
    assert rendered["html"].read_text().count("<svg") == 0  # no coverage/QC given: no plots


def test_pdf_text_shows_the_finding(rendered: dict[str, Path]) -> None:
    import shutil
    import subprocess

    require(shutil.which("pdftotext"), "pdftotext (Debian poppler-utils)")
    text = subprocess.run(
        ["pdftotext", str(rendered["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(text.split())
    assert (
        "BRCA1" in words
        and "Pathogenic" in words
        and "p.(Glu23ValfsTer17)" in words
        and "Authorisation" in words
    )


def _pdftotext(pdf: Path, *args: str) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    return subprocess.run(
        ["pdftotext", "-layout", *args, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_pdf_findings_have_no_word_broken_across_lines(rendered: dict[str, Path]) -> None:
    """Page 1 as laid out text: every word of the finding (names, classes, zygosity) is whole on one line."""
    text = _pdftotext(rendered["pdf"], "-f", "1", "-l", "1")
    lines = text.splitlines()
    for word in (
        "heterozygous",
        "Pathogenic",
        "NM_007294.4:c.68_69del",
        "p.(Glu23ValfsTer17)",
        "NC_000017.11:g.43124030_43124031del",
        "frameshift",
    ):
        assert any(word in line for line in lines), f"{word!r} is not whole on any line of page 1"
    # a fragment ending a line and its rest starting the next would be a mid-word break
    for head, tail in (("heterozyg", "ous"), ("Pathogen", "ic"), ("Inheri", "tance")):
        for a, b in zip(lines, lines[1:], strict=False):
            assert not (a.rstrip().endswith(head) and b.lstrip().startswith(tail)), (a, b)


def test_every_pdf_page_has_sample_version_and_page_x_of_y(rendered: dict[str, Path]) -> None:
    pages = _pdftotext(rendered["pdf"]).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert "PC001" in page and "report v1" in page, number
        assert f"page {number} of {len(pages)}" in page, number
        assert "PRELIMINARY" in page, number


def test_signed_report_carries_both_names_and_no_preliminary_mark(pc001: Findings, tmp_path: Path) -> None:
    from clinwgs.report.render import render_signed

    html, pdf = render_signed(
        pc001,
        TEMPLATES,
        checked_by="A Scientist",
        checked_at="2026-12-07 10:00",
        authorised_by="B Consultant",
        authorised_at="2026-12-07 11:00",
        report_version=2,
    )
    (tmp_path / "signed.pdf").write_bytes(pdf)
    text = " ".join(_pdftotext(tmp_path / "signed.pdf").split())
    assert "A Scientist" in text and "B Consultant" in text and "report v2" in text
    assert "PRELIMINARY" not in text
    with pytest.raises(ValueError):
        render_signed(
            pc001, TEMPLATES, checked_by="A", checked_at="t", authorised_by="A", authorised_at="t",
            report_version=2,
        )


def test_unknown_findings_major_version_is_refused(tmp_path: Path, pc001: Findings) -> None:
    path = tmp_path / "findings.json"
    path.write_text(pc001.model_dump_json().replace('"schema_version":"1.4.0"', '"schema_version":"2.0.0"'))
    with pytest.raises(InputIntegrityError, match="schema 2.0.0"):
        load_findings(path)


def test_plots_are_inline_svg(hg00099: Findings, tmp_path: Path) -> None:
    from clinwgs.report.render import _plots

    dist = tmp_path / "d.txt"
    dist.write_text("total\t0\t1.00\ntotal\t5\t0.80\ntotal\t10\t0.30\ntotal\t20\t0.01\n")
    plots = _plots(hg00099, dist)
    assert set(plots) == {"gene_coverage", "depth_distribution"}
    html = render_html(hg00099, TEMPLATES, {}, plots)
    assert html.count("<svg") == 2 and "BRCA1" in plots["gene_coverage"]


def test_report_cites_the_analysis_manifest(pc001: Findings, tmp_path: Path) -> None:
    import hashlib

    from clinwgs.report.render import analysis_provenance

    manifest = tmp_path / "analysis_manifest.json"
    manifest.write_text(json.dumps({"tools": {"bcftools": {"version": "1.16"}, "bwa": {"version": None}}}))
    prov = analysis_provenance(manifest)
    assert prov["tools"] == {"bcftools": "1.16"}
    html = render_html(pc001, TEMPLATES, {}, {}, prov)
    assert hashlib.sha256(manifest.read_bytes()).hexdigest() in html and "bcftools 1.16" in html
