"""Contract check with the real interpreter: its findings.json for the PC001 positive control and a negative
1000 Genomes sample become valid FHIR, publish, and show the same variant on the clinician page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from clinwgs.fhir import build_report_bundle
from clinwgs.interpret.engine import Inputs, SampleRequest, interpret
from clinwgs.interpret.settings import load_settings
from clinwgs.models.findings import Findings
from clinwgs.service.registration import register
from clinwgs.service.seed import demo_patient
from tests.service.service_support import Harness
from tests.support.interpret_vcf import FASTA, MANIFEST

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "interpret"


def _findings(sample: str, **extra: Path) -> Findings:
    request = SampleRequest(sample, "R208", "female", False, "GRCh38", None)
    inputs = Inputs(
        DATA / f"{sample}.annotated.vcf.gz",
        databases={"ClinVar": "2015-02-04"},
        reference=FASTA,
        manifest=MANIFEST,
        **extra,
    )
    return interpret(inputs, request, load_settings(REPO / "config" / "panels.yaml"))


@pytest.fixture(scope="module")
def pc001() -> Findings:
    return _findings("PC001")


def test_real_positive_control_maps_to_valid_genomics_reporting_fhir(pc001: Findings) -> None:
    bundle = build_report_bundle(pc001, b"%PDF-1.4 real report stand-in", None)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    variant = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "69548-6"
    )
    values = {c["code"]["coding"][0]["code"]: c for c in variant["component"]}
    assert values["48005-3"]["valueCodeableConcept"]["text"] == "p.(Glu23ValfsTer17)"
    assert values["81254-5"]["valueRange"]["low"]["value"] == 43124027
    assert values["69547-8"]["valueString"] == "ACT" and values["69551-0"]["valueString"] == "A"
    implication = next(e["resource"] for e in bundle["entry"] if "derivedFrom" in e["resource"])
    # ClinVar Pathogenic, 2 stars, no conflict: reported as Pathogenic (the automated class is LP: discordant)
    assert implication["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "LA6668-3"
    assert "PVS1" in implication["note"][0]["text"] and "ClinVar" in implication["note"][0]["text"]


def test_real_findings_publish_and_show_on_the_clinician_page(service: Harness, pc001: Findings) -> None:
    assert service.client is not None
    with service.db.write() as session:
        register(session, demo_patient(5), sample_id="PC001")
    response = service.client.post("/fhir", json=build_report_bundle(pc001), headers=service.auth("pipeline"))
    assert response.status_code == 201, response.text
    page = service.client.get(f"/ui/reports/{response.json()['report_id']}", headers=service.auth("checker"))
    assert "p.(Glu23ValfsTer17)" in page.text and "Pathogenic" in page.text


def test_real_negative_sample_reports_its_coverage_gaps() -> None:
    findings = _findings(
        "HG00099",
        thresholds=DATA / "HG00099.panel.thresholds.bed.gz",
        regions=DATA / "HG00099.panel.regions.bed.gz",
    )
    bundle = build_report_bundle(findings)
    report = bundle["entry"][0]["resource"]
    # too shallow for any gene to be fully assessed: inconclusive, never "Negative" (LA6577-6)
    assert report["conclusionCode"][0]["coding"][0]["code"] == "LA9663-1"
    assert "LA6577-6" not in str(bundle)
    analysis = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["meta"]["profile"][0].endswith("genomic-study-analysis")
    )
    gaps = [c.gene for c in findings.coverage if not c.fully_assessed]
    notes = " ".join(n["text"] for n in analysis["note"])
    assert gaps and all(g in notes for g in gaps)
