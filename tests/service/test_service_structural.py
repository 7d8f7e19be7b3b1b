"""The record service accepts a Bundle with a structural-variant finding (issue 17): the SV variant
Observation's components (48019-4, 82155-3, 81301-4, 81302-2) pass the service's bundle rules, and the
publish is stored."""

from __future__ import annotations

from pathlib import Path

from clinwgs.fhir import build_report_bundle
from clinwgs.service.registration import register
from clinwgs.service.seed import demo_patient
from tests.service.service_support import Harness
from tests.support.interpret_vcf import DATA, run
from tests.support.sv_vcf import write_sv_vcf
from tests.unit.interpret.test_sv_engine import EXON_1_2_DEL, GFF3


def test_bundle_with_an_sv_finding_publishes(service: Harness, tmp_path: Path) -> None:
    assert service.client is not None
    sv = write_sv_vcf(
        tmp_path / "HG00096.sv.vcf", [EXON_1_2_DEL], sample="HG00096", contig="chr17", length=83_257_441
    )
    findings = run(DATA / "HG00096.annotated.vcf.gz", sample="HG00096", gff3=GFF3, sv_vcf=sv)
    with service.db.write() as session:
        register(session, demo_patient(6), sample_id="HG00096")
    bundle = build_report_bundle(findings)
    response = service.client.post("/fhir", json=bundle, headers=service.auth("pipeline"))
    assert response.status_code == 201, response.text
    page = service.client.get(f"/ui/reports/{response.json()['report_id']}", headers=service.auth("checker"))
    assert page.status_code == 200 and "BRCA1" in page.text
