"""The family section of a proband's report (issue 16): each finding's genotype in every member with depth,
the segregation in words, the family QC; the report JSON carries it; a lone sample's report has none."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.report.render import render_html, render_pdf, report_json
from tests.support.family_vcf import DE_NOVO, PROBAND, trio_findings, trio_settings, write_family_vcf
from tests.support.interpret_vcf import REPO

TEMPLATES = REPO / "reports"
_trio = trio_findings


def test_family_report_html_shows_genotypes_segregation_and_qc(tmp_path: Path) -> None:
    findings = _trio(tmp_path)
    html = render_html(findings, TEMPLATES, {}, {})
    assert "de novo (absent in both parents, parental depth 31x/28x)" in html
    assert "inherited from the affected father (father 0/1, 24x; mother 0/0, 30x)" in html
    # every member's genotype with depth, for each finding
    assert "father (affected): 0/0 (31x, VAF 0%); mother (unaffected): 0/0 (28x, VAF 0%)" in html
    assert "proband (affected): 0/1 (30x, VAF 50%)" in html
    assert 'id="family"' in html and "Family TRIO1: family QC <b>pass</b>" in html
    assert "kinship 0.25 over 1,204 sites" in html


def test_family_report_json_carries_the_family(tmp_path: Path) -> None:
    data = report_json(_trio(tmp_path), {})
    assert data["family"]["family_id"] == "TRIO1" and data["family"]["qc_status"] == "pass"
    de_novo = next(r for r in data["findings"] if r.get("segregation_pattern") == "de_novo")
    assert [(g["relation"], g["genotype"], g["depth"]) for g in de_novo["family_genotypes"]] == [
        ("proband", "0/1", 30),
        ("father", "0/0", 31),
        ("mother", "0/0", 28),
    ]


def test_failed_family_qc_is_shown_and_blocks(tmp_path: Path) -> None:
    findings = _trio(tmp_path, qc="fail")
    html = render_html(findings, TEMPLATES, {}, {})
    assert "FAIL: release blocked" in html and "kinship 0.02" in html
    assert report_json(findings, {})["release_blocked"] is True


def test_lone_sample_report_has_no_family_section(tmp_path: Path) -> None:
    vcf = write_family_vcf(tmp_path / "trio.vcf", DE_NOVO)
    request = SampleRequest(PROBAND, "TRIO", "male", False, "GRCh38", PROBAND)
    findings = interpret(Inputs(vcf, databases={"ClinVar": "test"}), request, trio_settings(tmp_path))
    data = report_json(findings, {})
    assert "family" not in data and all("segregation" not in r for r in data["findings"])
    assert 'id="family"' not in render_html(findings, TEMPLATES, {}, {})


def test_family_report_pdf_has_the_family_section(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    pdf = tmp_path / "family.pdf"
    pdf.write_bytes(render_pdf(render_html(_trio(tmp_path), TEMPLATES, {}, {}), TEMPLATES))
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Family analysis" in text and "Genotype in each family member" in text
    assert "de novo (absent in both parents, parental depth 31x/28x" in text
