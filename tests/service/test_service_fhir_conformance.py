"""Every resource the service returns validates with fhir.resources (R4B), on SQLite and PostgreSQL, and
carries the Genomics Reporting (STU3) profile URLs and LOINC codes of the table below."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from clinwgs.models.findings import ClinVarEvidence
from clinwgs.service.seed import DEMO_ODS
from tests.service.service_support import Harness, bundle_for, samples_by_ods
from tests.support.synthetic import example_findings

IG = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition"
LOINC = "http://loinc.org"
# resource kind -> (profile URL or None, code system, code)
EXPECTED = {
    "report": (f"{IG}/genomic-report", LOINC, "51969-4"),
    "variant": (f"{IG}/variant", LOINC, "69548-6"),
    "implication": (
        f"{IG}/diagnostic-implication",
        "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs",
        "diagnostic-implication",
    ),
    "panel": (None, LOINC, "81247-9"),
}
EXTENSION_URLS = {f"{IG}/genomic-study-reference"}
VARIANT_COMPONENTS = {"48018-6", "62374-4", "53034-5", "48004-6", "48005-3", "81290-9", "81252-9", "81255-2"}
IMPLICATION_COMPONENTS = {"53037-8", "81259-4"}


def _validate(resource: dict[str, Any]) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _code(resource: dict[str, Any]) -> tuple[str, str]:
    coding = resource["code"]["coding"][0]
    return coding["system"], coding["code"]


def _kind(observation: dict[str, Any]) -> str:
    if "hasMember" in observation:
        return "panel"
    return "implication" if "derivedFrom" in observation else "variant"


def _assert_instant(text: str) -> None:
    assert datetime.fromisoformat(text).tzinfo is not None, text


def _findings_bundle(sample: str) -> dict[str, Any]:
    """Findings with c., p. and g. HGVS and ClinVar + dbSNP accessions on the first variant."""
    from clinwgs.fhir import build_report_bundle
    from tests.service.service_support import PDF

    findings = example_findings(sample, 3)
    first = findings.findings[0]
    annotation = first.annotation.model_copy(update={"hgvs_g": "NC_000017.11:g.43045700G>A"})
    clinvar = ClinVarEvidence(
        significance="Pathogenic",
        review_status="criteria provided, multiple submitters, no conflicts",
        stars=2,
        accession="RCV000031150|rs80357410",
        release="ClinVar 2015-02-04",
    )
    first = first.model_copy(update={"annotation": annotation, "clinvar": clinvar})
    findings = findings.model_copy(update={"findings": [first, *findings.findings[1:]]})
    return build_report_bundle(findings, PDF, "ab" * 32)


def test_every_returned_resource_validates_and_uses_the_ig_codes(service: Harness) -> None:
    assert service.client is not None
    c = service.client
    sample = samples_by_ods(service)[DEMO_ODS]
    published = c.post("/fhir", json=_findings_bundle(sample), headers=service.auth("pipeline"))
    assert published.status_code == 201, published.text
    report_id = published.json()["report_id"]
    clinician = service.auth("checker")
    url = f"/fhir/DiagnosticReport/{report_id}"
    preliminary = c.get(url, headers=clinician).json()
    assert "resultsInterpreter" not in preliminary
    for user, step in (("checker", "check"), ("authoriser", "authorise")):
        answer = c.post(
            f"/api/reports/{report_id}/sign-off",
            json={"step": step},
            headers=service.auth(user, **{"If-Match": "1"}),
        )
        assert answer.status_code == 200, answer.text
    final = c.get(url, headers=clinician).json()
    assert final["status"] == "final"
    assert [r["display"] for r in final["resultsInterpreter"]] == [
        "authoriser (authorised)",
        "checker (checked)",
    ]
    history = c.get(f"{url}/_history/1", headers=clinician).json()
    search = c.get(f"/fhir/DiagnosticReport?identifier={sample}", headers=clinician).json()
    provenance = c.get(f"/fhir/Provenance?target=DiagnosticReport/{report_id}", headers=clinician).json()
    patient = c.get(f"/fhir/{final['subject']['reference']}", headers=clinician).json()
    audit = c.get("/api/audit", headers=service.auth("auditor")).json()
    linked = [c.get(f"/fhir/{r['reference']}", headers=clinician).json() for r in final["result"]]
    study_ref = final["extension"][0]["valueReference"]["reference"]
    study = c.get(f"/fhir/{study_ref}", headers=clinician).json()
    provenance_reads = [
        c.get(f"/fhir/Provenance/{e['resource']['id']}", headers=clinician).json()
        for e in provenance["entry"]
    ]

    for resource in [preliminary, final, history, search, provenance, patient, audit, study, *linked]:
        _validate(resource)
    for bundle in (search, provenance, audit):
        for entry in bundle["entry"]:
            _validate(entry["resource"])
    for resource in provenance_reads:
        _validate(resource)
        _assert_instant(resource["recorded"])
    for entry in audit["entry"]:
        _assert_instant(entry["resource"]["recorded"])

    # timezone-aware instants, absolute fullUrls
    for report in (preliminary, final, history):
        _assert_instant(report["meta"]["lastUpdated"])
        _assert_instant(report["issued"])
    for bundle in (search, provenance):
        assert all(e["fullUrl"].startswith("http://testserver/fhir/") for e in bundle["entry"])

    # profiles, codes and extensions against the table
    assert final["meta"]["profile"] == [EXPECTED["report"][0]] and _code(final) == EXPECTED["report"][1:]
    assert {e["url"] for e in final["extension"]} == EXTENSION_URLS
    assert study["meta"]["profile"] == [f"{IG}/genomic-study"]
    kinds: dict[str, list[dict[str, Any]]] = {}
    for observation in linked:
        kinds.setdefault(_kind(observation), []).append(observation)
    assert {k: len(v) for k, v in kinds.items()} == {"panel": 1, "variant": 3, "implication": 3}
    for kind, observations in kinds.items():
        profile, system, code = EXPECTED[kind]
        for observation in observations:
            assert observation.get("meta", {}).get("profile") == ([profile] if profile else None)
            assert _code(observation) == (system, code)
    (panel,) = kinds["panel"]
    members = {m["reference"] for m in panel["hasMember"]}
    assert members == {r["reference"] for r in final["result"]} - {f"Observation/{panel['id']}"}
    first_variant = kinds["variant"][0]
    components = {comp["code"]["coding"][0]["code"]: comp for comp in first_variant["component"]}
    assert set(components) >= VARIANT_COMPONENTS
    assert components["48004-6"]["valueCodeableConcept"]["text"].startswith("c.")
    assert components["48005-3"]["valueCodeableConcept"]["text"].startswith("p.")
    assert ":g." in components["81290-9"]["valueCodeableConcept"]["text"]
    clinvar = components["81252-9"]["valueCodeableConcept"]["coding"][0]
    assert (clinvar["system"], clinvar["code"]) == ("http://www.ncbi.nlm.nih.gov/clinvar", "RCV000031150")
    dbsnp = components["81255-2"]["valueCodeableConcept"]["coding"][0]
    assert (dbsnp["system"], dbsnp["code"]) == ("http://www.ncbi.nlm.nih.gov/projects/SNP", "rs80357410")
    for implication in kinds["implication"]:
        assert {
            comp["code"]["coding"][0]["code"] for comp in implication["component"]
        } >= IMPLICATION_COMPONENTS


def test_the_test_fixture_bundle_is_what_the_pipeline_sends(service: Harness) -> None:
    """The plain pipeline Bundle (no ClinVar) is accepted as is: the value-set table covers it."""
    assert service.client is not None
    sample = samples_by_ods(service)[DEMO_ODS]
    answer = service.client.post("/fhir", json=bundle_for(sample), headers=service.auth("pipeline"))
    assert answer.status_code == 201, answer.text
