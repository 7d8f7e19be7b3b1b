"""Headless Chromium renders the clinician report and shows the finding (DOM after layout and scripts)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from clinwgs.cli import main
from tests.support.interpret_vcf import FASTA, MANIFEST
from tests.support.tools import require

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "interpret"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser
require(CHROMIUM, "chromium (Debian package)")


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
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
                "--reference",
                str(FASTA),
                "--manifest",
                str(MANIFEST),
                "--thresholds",
                str(DATA / "HG00099.panel.thresholds.bed.gz"),
                "--regions",
                str(DATA / "HG00099.panel.regions.bed.gz"),
                "--out-json",
                str(findings),
                "--out-tsv",
                str(out / "findings.tsv"),
            ]
        )
        == 0
    )
    html = out / "PC001.report.html"
    assert (
        main(
            [
                "report",
                "--findings",
                str(findings),
                "--templates",
                str(REPO / "reports"),
                "--out-html",
                str(html),
                "--out-json",
                str(out / "PC001.report.json"),
            ]
        )
        == 0
    )
    return html


def test_chromium_dom_shows_the_finding(report_html: Path, tmp_path: Path) -> None:
    done = _chromium(["--dump-dom", report_html.as_uri()], tmp_path / "profile")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'id="findings-1"' in dom and "BRCA1" in dom and "p.(Glu23ValfsTer17)" in dom
    assert "NM_007294.4:c.68_69del" in dom and "NOT FOR RELEASE" not in dom
    # ClinVar Pathogenic (2 stars) reported as such, the automated class (Likely pathogenic) beside it
    assert "Pathogenic" in dom and "Likely pathogenic" in dom and "Tier 1" in dom
    assert 'id="coverage-gaps"' in dom and 'id="sign-off"' in dom and "<svg" in dom


def test_chromium_screenshot_is_not_blank(report_html: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _chromium(
        [f"--screenshot={shot}", "--window-size=1200,1600", report_html.as_uri()], tmp_path / "p"
    )
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a blank page compresses to a few kB
